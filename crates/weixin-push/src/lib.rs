//! The WeChat push core shared by Official Accounts (`weixin-mp`) and mini programs
//! (`weixin-wxopen`): everything between WeChat's HTTP request and your handler.
//!
//! Part of the `weixin` workspace; most users reach it through the `weixin` facade crate.
//!
//! | What | Where |
//! |---|---|
//! | The pipeline: verify, decrypt, dedup, context, handler under the deadline, encrypted reply | [`Pipeline`] ([`pipeline`]) |
//! | Mounting it on a server | [`PushService`] (tower), `server::router` (axum, feature `axum`) |
//! | The seam a platform plugs its messages and replies into | [`PushMessage`], [`PushReply`] ([`message`]) |
//! | The seam a platform's handler trait is bridged onto | [`PushHandler`], [`HandlerContext`] ([`handler`]) |
//! | The rules both platforms share | [`Header`], [`MAX_NESTING`], [`same_name`] |
//!
//! A pipeline is always built from a registered app's handle
//! ([`weixin_core::AppClient`]), so the appid, push token, keys, cache, key prefix and clock
//! are the ones the app was registered with: dedup and contexts live in the registry's shared
//! cache unless [`PipelineBuilder::separate_cache`] says otherwise on purpose.
//!
//! Where each step of a push happens: `pipeline/open.rs` verifies the signature and decrypts,
//! the platform's [`PushMessage::parse`] parses, `pipeline/run.rs` runs dedup, the context and
//! the handler, `pipeline/wire.rs` stores and replays the reply bytes.
#![forbid(unsafe_code)]

pub mod handler;
pub mod message;
pub mod pipeline;
pub mod server;

pub use handler::{HandlerContext, HandlerError, PushHandler};
pub use message::{
    Header, MAX_NESTING, ParseError, PushMessage, PushMeta, PushReply, RenderedReply, same_name,
};
pub use pipeline::{BuildError, Pipeline, PipelineBuilder, PushRequest, PushResponse};
pub use server::PushService;
