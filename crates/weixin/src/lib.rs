//! A WeChat backend SDK for Mini Programs (小程序) and Official Accounts (公众号).
//!
//! One registry ([`Weixin`]) owns the configuration: the shared cache and its lock, the key
//! prefix, the API base, the clock. An app's registration ([`AppConfig`]) carries its appid,
//! secret, push token and `EncodingAESKey`. Everything else is reached from the app's handle
//! and inherits all of it: the push router, login sessions, API handles. Dedup, message
//! contexts, tokens and sessions always live in the registry's cache, so servers sharing
//! Redis handle a retried push once and never fight over tokens.
//!
//! ```no_run
//! # #[cfg(all(feature = "mini-program", feature = "axum"))]
//! # mod demo {
//! use weixin::mini_program::message::TextMessage;
//! use weixin::mini_program::{WxContext, WxOpenApi, WxOpenMessageHandler, WxReply, WxResult};
//! use weixin::official_account::api::custom::CustomMessage;
//! use weixin::{AppConfig, MiniProgram, Weixin};
//!
//! struct Echo(WxOpenApi);
//!
//! #[weixin::async_trait]
//! impl WxOpenMessageHandler for Echo {
//!     async fn on_text(&self, _cx: &mut WxContext, text: &TextMessage) -> WxResult {
//!         let echo = CustomMessage::text(&text.header.from_user_name, format!("echo: {}", text.content));
//!         self.0.custom().send(&echo).await?;
//!         Ok(WxReply::Success)
//!     }
//! }
//!
//! pub async fn run() -> Result<(), Box<dyn std::error::Error>> {
//!     let wx = Weixin::builder()
//!         .cache(weixin::cache::from_url("redis://127.0.0.1:6379/0").await?)
//!         .build()?;
//!     let app = MiniProgram::register(
//!         &wx,
//!         AppConfig::new("wx1234567890abcdef", "app-secret").push_token("my-token"),
//!     )?;
//!     let router = app.push_router("/wxopen", Echo(app.api()))?;
//!     let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//!     weixin::axum::serve(listener, router).await?;
//!     Ok(())
//! }
//! # }
//! ```
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `mini-program` | [`MiniProgram`], [`mini_program`] (messages, sessions, APIs); implies `official-account` for the shared customer-service and media APIs |
//! | `official-account` | [`OfficialAccount`], [`official_account`] (messages, replies, APIs) |
//! | `redis` | [`cache::from_url`] for `redis://…`, `cache::redis` |
//! | `memcached` | [`cache::from_url`] for `memcache://…`, `cache::memcached` |
//! | `axum` | `push_router` on the app handles, and `weixin::axum` |
//! | `websocket` | `weixin::websocket`, the mini-program WebSocket hub (with `redis`: its backplane) |
//!
//! Every part is also a crate of its own (`weixin-core`, `weixin-push`, `weixin-mp`,
//! `weixin-wxopen`, ...) for users who want only one.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cache;

pub use async_trait::async_trait;
/// Per-user message contexts and push dedup.
pub use weixin_context as context;
/// The API client: calls, retries, errors.
pub use weixin_core::client;
/// Clocks (the system clock, and a manual one for tests).
pub use weixin_core::clock;
/// Access tokens and JS-SDK tickets, shared through the cache.
pub use weixin_core::token;
pub use weixin_core::{
    AppClient, AppConfig, ErrCode, Error, Result, Secret, Stats, TokenMode, Weixin, WeixinBuilder,
};
/// Push signatures, message encryption, open-data decryption.
pub use weixin_crypto as crypto;
/// The push core both platforms run on: the pipeline, the handler seam, the tower service.
pub use weixin_push as push;

/// Official Accounts (公众号): messages, replies, the handler trait and APIs.
#[cfg(feature = "official-account")]
pub use weixin_mp as official_account;
#[cfg(feature = "official-account")]
pub use weixin_mp::OfficialAccount;

/// Mini programs (小程序): messages (XML and JSON), the handler trait, sessions and APIs.
#[cfg(feature = "mini-program")]
pub use weixin_wxopen as mini_program;
#[cfg(feature = "mini-program")]
pub use weixin_wxopen::MiniProgram;

/// The mini-program WebSocket hub.
#[cfg(feature = "websocket")]
pub use weixin_websocket as websocket;

/// axum, as the push routers use it.
#[cfg(feature = "axum")]
pub use axum;
