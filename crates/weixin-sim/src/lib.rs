//! An offline WeChat platform for demos, tests and CI: a fake API server with WeChat's real
//! semantics, fault injection, inspection endpoints, and a push driver that sends signed or
//! encrypted pushes to your callback with WeChat's timing.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map and
//! `docs/simulator.md` for the guide.
//!
//! | What | Where |
//! |---|---|
//! | Configure apps, token TTL, quotas, faults, seed | [`SimConfig`], [`SimApp`], [`Faults`] |
//! | Serve it / use it in process | [`Simulator::start`] → [`RunningSim`], [`Simulator::router`] |
//! | Read what was sent, issue codes, move the clock | [`SimHandle`] (also `/sim/*` over HTTP) |
//! | Send pushes to a callback | [`PushDriver`], [`Push`] |
//! | Do all of that from a browser | the console at `/sim/console` (built in, works offline) |
//! | The PNG behind the mini-program code endpoints | [`png`] |
//!
//! # A token, a login and a customer-service message
//!
//! ```
//! use weixin_sim::{SimConfig, Simulator, DEFAULT_APPID, DEFAULT_SECRET};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::start(SimConfig::default()).await?;
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! let http = reqwest::Client::new();
//!
//! let token: serde_json::Value = http
//!     .get(format!(
//!         "{}/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}",
//!         sim.base_url()
//!     ))
//!     .send().await?.json().await?;
//! assert_eq!(token["expires_in"], 7200);
//!
//! // The mini program calls wx.login(); the simulator plays WeChat and hands out the code.
//! let code = sim.issue_login_code(DEFAULT_APPID, Some("o-user-1"))?;
//! let session: serde_json::Value = http
//!     .get(format!(
//!         "{}/sns/jscode2session?appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}&js_code={code}&grant_type=authorization_code",
//!         sim.base_url()
//!     ))
//!     .send().await?.json().await?;
//! assert_eq!(session["openid"], "o-user-1");
//!
//! // Customer-service messages need the user to have written first (48-hour window).
//! sim.user_messaged(DEFAULT_APPID, "o-user-1");
//! let sent: serde_json::Value = http
//!     .post(format!(
//!         "{}/cgi-bin/message/custom/send?access_token={}",
//!         sim.base_url(),
//!         token["access_token"].as_str().unwrap_or_default()
//!     ))
//!     .json(&serde_json::json!({"touser": "o-user-1", "msgtype": "text", "text": {"content": "hi"}}))
//!     .send().await?.json().await?;
//! assert_eq!(sent["errcode"], 0);
//! assert_eq!(sim.messages_to("o-user-1")[0].text(), Some("hi"));
//! sim.stop().await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod admin_guard;
mod api;
mod clock;
mod config;
mod console;
mod faults;
mod handle;
mod inspect;
mod inspect_types;
mod listener;
pub mod png;
mod push;
mod rng;
mod server;
pub mod signing;
mod state;
mod wx_error;

pub use clock::SimClock;
pub use config::{DEFAULT_APPID, DEFAULT_SECRET, Faults, SimApp, SimConfig};
pub use handle::{SimError, SimHandle};
pub use inspect_types::{CurrentToken, IssuedToken, MessageKind, SentMessage, TokenKind};
pub use push::{
    Attempt, AttemptOutcome, EncryptMode, PreparedPush, Push, PushDriver, PushError, PushFormat,
    PushReport, PushTarget, PushValue, ReplyCheck, VerifyReport,
};
pub use server::{RunningSim, Simulator};
