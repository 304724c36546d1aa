//! WeChat Official Account (公众号): push pipeline, message model, passive replies, server adapters and advanced APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! | What | Where |
//! |---|---|
//! | The push pipeline (verify, decrypt, dedup, context, deadline, encrypted reply) | [`Pipeline`], [`PushConfig`] |
//! | Mounting it on a server | [`PushService`] (tower), `server::router` (axum, feature `axum`) |
//! | Official Account messages and events | [`Message`] ([`message`]) |
//! | Passive replies | [`Reply`] ([`reply`]) |
//! | Your code: one method per message type | [`MessageHandler`], run through [`Mp`] |
//! | Advanced APIs (customer service, media, templates, menus, users, OAuth, JS-SDK...) | [`api::MpApi`] |
//! | The seam other platforms plug into (mini programs: `weixin-wxopen`) | [`PushMessage`], [`PushReply`], [`PushHandler`] |
//!
//! # Example
//!
//! An echo bot, fed one plain-mode push by hand (a server hands the pipeline every push the
//! same way; see `docs/official-account.md` for the axum version):
//!
//! ```
//! use weixin_mp::message::TextMessage;
//! use weixin_mp::{HandlerError, MessageHandler, Mp, MpContext, Pipeline, PushConfig, PushRequest, Reply};
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
//! let pipeline = Pipeline::builder(PushConfig::new("wx1234567890abcdef", "my-token"), Mp(Echo))
//!     .allow_plain(true)
//!     .build()?;
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

pub mod api;
pub mod handler;
pub mod message;
pub mod message_handler;
pub mod pipeline;
pub mod push;
pub mod reply;
pub mod server;

pub use handler::{HandlerContext, HandlerError, PushHandler};
pub use message::Message;
pub use message_handler::{MessageHandler, Mp, MpContext};
pub use pipeline::{Pipeline, PushConfig, PushRequest, PushResponse};
pub use push::{ParseError, PushMessage, PushMeta, PushReply, RenderedReply};
pub use reply::Reply;
pub use server::PushService;
