//! WeChat Official Account (公众号): push pipeline, message model, passive replies, server adapters and advanced APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]

pub mod handler;
pub mod push;

pub use handler::{HandlerContext, HandlerError, PushHandler};
pub use push::{ParseError, PushMessage, PushMeta, PushReply, RenderedReply};
