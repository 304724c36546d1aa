//! WeChat Official Account (公众号): message model, passive replies, the account handle and
//! advanced APIs.
//!
//! Part of the `weixin` workspace; most users reach it through the `weixin` facade crate
//! (feature `official-account`). The push pipeline itself is `weixin-push`, shared with mini
//! programs.
//!
//! | What | Where |
//! |---|---|
//! | One registered account: its pipeline, router and APIs | [`OfficialAccount`] |
//! | Official Account messages and events | [`Message`] ([`message`]) |
//! | Passive replies | [`Reply`] ([`reply`]) |
//! | Your code: one method per message type | [`MessageHandler`], run through [`Mp`] |
//! | Advanced APIs (customer service, media, templates, menus, users, OAuth, JS-SDK...) | [`api::MpApi`] |
//!
//! # Example
//!
//! An echo bot, fed one plain-mode push by hand (a server hands the pipeline every push the
//! same way; see `docs/official-account.md` for the axum version):
//!
//! ```
//! use weixin_core::{AppConfig, Weixin};
//! use weixin_mp::message::TextMessage;
//! use weixin_mp::{HandlerError, MessageHandler, MpContext, OfficialAccount, Reply};
//! use weixin_push::PushRequest;
//!
//! struct Echo;
//!
//! #[async_trait::async_trait]
//! impl MessageHandler for Echo {
//!     async fn on_text(&self, _cx: &mut MpContext, text: &TextMessage) -> Result<Reply, HandlerError> {
//!         Ok(Reply::text(format!("you said: {}", text.content)))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let weixin = Weixin::builder().build()?;
//! let account = OfficialAccount::register(
//!     &weixin,
//!     AppConfig::new("wx1234567890abcdef", "app-secret").push_token("my-token"),
//! )?;
//! let pipeline = account.pipeline(Echo).build()?;
//!
//! let (timestamp, nonce) = ("1700000000", "42");
//! let signature = weixin_crypto::signature::signature("my-token", timestamp, nonce);
//! let query = format!("signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=o_user");
//! let body = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\
//!             <FromUserName><![CDATA[o_user]]></FromUserName><CreateTime>1700000000</CreateTime>\
//!             <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content>\
//!             <MsgId>1</MsgId></xml>";
//!
//! let response = pipeline.handle(PushRequest::post(query.as_str(), body)).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.body().contains("<Content><![CDATA[you said: hi]]></Content>"));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod account;
pub mod api;
pub mod message;
pub mod message_handler;
pub mod reply;

pub use account::{MpPipeline, OfficialAccount};
pub use message::Message;
pub use message_handler::{MessageHandler, Mp, MpContext};
pub use reply::Reply;
pub use weixin_push::HandlerError;
