//! Customer-service messages (客服消息): `cgi-bin/message/custom/send` and typing.
//!
//! The same calls serve Official Accounts and mini programs; build the handle from any app's
//! [`ApiClient`]:
//!
//! ```no_run
//! use weixin_mp::api::custom::{CustomApi, CustomMessage, Link, Typing};
//!
//! # async fn demo(app: weixin_core::AppClient) -> weixin_core::Result<()> {
//! // Official Account
//! let custom = CustomApi::new(app.api().clone());
//! custom.typing("OPENID", Typing::Start).await?;
//! custom.send(&CustomMessage::text("OPENID", "Hello World")).await?;
//!
//! // Mini program (typing goes to `custom/business/typing`)
//! let custom = CustomApi::mini_program(app.api().clone());
//! let link = Link {
//!     title: "Happy Day".into(),
//!     description: "Is Really A Happy Day".into(),
//!     url: "https://example.com".into(),
//!     thumb_url: "https://example.com/a.png".into(),
//! };
//! custom.send(&CustomMessage::link("OPENID", link)).await?;
//! # Ok(()) }
//! ```
//!
//! Sending is never repeated after a timeout or a 5xx (the user could get the message twice); a
//! rejected access token is refreshed and the send retried once (WeChat rejected it before doing
//! anything). Typical errors: 45015 (outside the 48-hour window), 45047 (too many messages),
//! 40003 (invalid openid).

mod message;

pub use message::{
    Article, CustomContent, CustomMessage, Link, MenuOption, MiniProgramPage, MsgMenu, Music, Video,
};

use serde::Serialize;
use serde::de::IgnoredAny;
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call, Endpoint, Request};

use super::common::send_ok;

/// The `command` of a typing call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Typing {
    /// `Typing`: show "typing…" (for 15 s at most, or until a message is sent).
    #[serde(rename = "Typing")]
    Start,
    /// `CancelTyping`: hide it.
    #[serde(rename = "CancelTyping")]
    Stop,
}

/// The typing endpoint of Official Accounts.
pub const TYPING_PATH: &str = "/cgi-bin/message/custom/typing";
/// The typing endpoint of mini programs and mini games (current documentation).
pub const MINI_PROGRAM_TYPING_PATH: &str = "/cgi-bin/message/custom/business/typing";
/// The send endpoint (both platforms).
pub const SEND_PATH: &str = "/cgi-bin/message/custom/send";

/// Customer-service messages and typing. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct CustomApi {
    api: ApiClient,
    typing_path: &'static str,
}

impl CustomApi {
    /// The Official Account flavour (typing at [`TYPING_PATH`]).
    pub fn new(api: ApiClient) -> Self {
        Self {
            api,
            typing_path: TYPING_PATH,
        }
    }

    /// The mini-program flavour (typing at [`MINI_PROGRAM_TYPING_PATH`]).
    pub fn mini_program(api: ApiClient) -> Self {
        Self {
            api,
            typing_path: MINI_PROGRAM_TYPING_PATH,
        }
    }

    /// This handle with typing sent to `path` instead (e.g. when WeChat moves the endpoint).
    pub fn with_typing_path(mut self, path: &'static str) -> Self {
        self.typing_path = path;
        self
    }

    /// The typing endpoint this handle uses.
    pub fn typing_path(&self) -> &'static str {
        self.typing_path
    }

    /// Sends a customer-service message (`POST cgi-bin/message/custom/send`), at most once.
    pub async fn send(&self, message: &CustomMessage) -> Result<(), Error> {
        self.api.send(&SendMessage { message }).await.map(drop)
    }

    /// Shows or hides "typing…" for the user (`POST …/typing`, at the path of this handle's
    /// flavour). Errors: 45080 (no message from the user in the last 30 s), 45081 (already
    /// typing).
    pub async fn typing(&self, touser: &str, command: Typing) -> Result<(), Error> {
        let request = SetTyping { touser, command };
        match self.typing_path {
            TYPING_PATH => self.api.send(&request).await.map(drop),
            MINI_PROGRAM_TYPING_PATH => {
                let request = SetMiniProgramTyping { touser, command };
                self.api.send(&request).await.map(drop)
            }
            // A path set with `with_typing_path`: not a declared endpoint, same body and flags.
            other => send_ok(&self.api, Call::post(other).json(&request)).await,
        }
    }
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    SendMessage::ENDPOINT,
    SetTyping::ENDPOINT,
    SetMiniProgramTyping::ENDPOINT,
];

/// `POST cgi-bin/message/custom/send`: the message is the body. WeChat accepts it encrypted
/// and signed.
#[derive(Serialize)]
#[serde(transparent)]
struct SendMessage<'a> {
    message: &'a CustomMessage,
}

impl Request for SendMessage<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(SEND_PATH, "MpApi::custom().send").signable();
}

/// `POST cgi-bin/message/custom/typing` (Official Accounts).
#[derive(Serialize)]
struct SetTyping<'a> {
    touser: &'a str,
    command: Typing,
}

impl Request for SetTyping<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(TYPING_PATH, "MpApi::custom().typing");
}

/// `POST cgi-bin/message/custom/business/typing` (mini programs and mini games, the
/// [`CustomApi::mini_program`] flavour that `WxOpenApi::custom()` returns).
#[derive(Serialize)]
struct SetMiniProgramTyping<'a> {
    touser: &'a str,
    command: Typing,
}

impl Request for SetMiniProgramTyping<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint =
        Endpoint::post(MINI_PROGRAM_TYPING_PATH, "CustomApi::mini_program().typing");
}
