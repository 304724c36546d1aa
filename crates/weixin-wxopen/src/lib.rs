//! WeChat Mini Program (小程序): XML and JSON pushes, sessions, open-data decryption and server APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! | What | Where |
//! |---|---|
//! | One registered mini program: its pipeline, router, sessions and APIs | [`MiniProgram`] |
//! | Pushes (XML and JSON): the message model | [`message::WxMessage`] (implements [`weixin_push::PushMessage`]) |
//! | Handling pushes | [`WxOpenMessageHandler`], run by the `weixin_push` pipeline through [`WxOpen`] |
//! | Replies (`success` / empty only) | [`WxReply`] |
//! | Login, sessions, decrypting `encryptedData`, `rawData` signatures | [`session::SessionContainer`] |
//! | Server APIs (codes, subscribe messages, security, links, customer service...) | [`api::WxOpenApi`] |
//!
//! The push pipeline is `weixin_push`'s, and the customer-service and media APIs are
//! `weixin_mp`'s, shared with Official Accounts. See `docs/mini-program.md` for complete examples.
//!
//! # Example
//!
//! A JSON push (the data format Senparc cannot read) parsed into the typed model; the 64-bit
//! `MsgId` is exact, never rounded through a float:
//!
//! ```
//! use weixin_crypto::EnvelopeFormat;
//! use weixin_push::PushMessage;
//! use weixin_wxopen::WxMessage;
//!
//! let body = r#"{"ToUserName":"gh_1","FromUserName":"o_user","CreateTime":1700000000,
//!                "MsgType":"text","Content":"hello","MsgId":23137814451245235}"#;
//! let WxMessage::Text(text) = WxMessage::parse(body, EnvelopeFormat::Json)? else {
//!     panic!("a text message");
//! };
//! assert_eq!(text.content, "hello");
//! assert_eq!(text.msg_id, Some(23_137_814_451_245_235));
//! # Ok::<_, weixin_push::ParseError>(())
//! ```
#![forbid(unsafe_code)]

pub mod api;
pub mod handler;
pub mod message;
mod mini_program;
pub mod reply;
pub mod session;

pub use api::WxOpenApi;
pub use handler::{WxContext, WxOpen, WxOpenMessageHandler, WxResult};
pub use message::WxMessage;
pub use mini_program::{MiniProgram, WxPipeline};
pub use reply::WxReply;
pub use session::{Session, SessionContainer, SessionError};

// The guide's examples are compiled as doctests, so they keep matching the real API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/mini-program.md")]
mod mini_program_guide {}

#[cfg(doctest)]
#[doc = include_str!("../../../docs/senparc-api-map.md")]
mod senparc_api_map {}
