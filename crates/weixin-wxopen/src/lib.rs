//! WeChat Mini Program (小程序): XML and JSON pushes, sessions, open-data decryption and server APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! | What | Where |
//! |---|---|
//! | Pushes (XML and JSON): the message model | [`message::WxMessage`] (implements [`weixin_mp::PushMessage`]) |
//! | Handling pushes | [`WxOpenMessageHandler`], run by the `weixin_mp` pipeline through [`WxOpen`] |
//! | Replies (`success` / empty only) | [`WxReply`] |
//! | Login, sessions, decrypting `encryptedData`, `rawData` signatures | [`session::SessionContainer`] |
//! | Server APIs (codes, subscribe messages, security, links, customer service...) | [`api::WxOpenApi`] |
//!
//! The push pipeline, customer-service and media APIs are `weixin_mp`'s, shared with Official
//! Accounts. See `docs/mini-program.md` for complete examples.
#![forbid(unsafe_code)]

pub mod api;
pub mod handler;
pub mod message;
pub mod reply;
pub mod session;

pub use api::WxOpenApi;
pub use handler::{WxContext, WxOpen, WxOpenMessageHandler, WxResult};
pub use message::WxMessage;
pub use reply::WxReply;
pub use session::{Session, SessionContainer, SessionError};

// The guide's examples are compiled as doctests, so they keep matching the real API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/mini-program.md")]
mod mini_program_guide {}

#[cfg(doctest)]
#[doc = include_str!("../../../docs/senparc-api-map.md")]
mod senparc_api_map {}
