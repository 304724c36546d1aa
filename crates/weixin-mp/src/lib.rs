//! WeChat Official Account (公众号): push pipeline, message model, passive replies, server adapters and advanced APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
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
pub use server::PushService;
pub use push::{ParseError, PushMessage, PushMeta, PushReply, RenderedReply};
pub use reply::Reply;
