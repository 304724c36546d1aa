//! WeChat SDK core: cache and lock contract, memory cache, access-token broker without token
//! wars, API client, errors and tracing.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! Register apps in a [`Weixin`] registry, then call WeChat through an app's [`AppClient`]:
//!
//! ```no_run
//! use weixin_core::{AppConfig, Weixin};
//!
//! # async fn demo() -> weixin_core::Result<()> {
//! let weixin = Weixin::builder()
//!     .app(AppConfig::new("wx1234567890abcdef", "app-secret"))
//!     .build()?;
//! let app = weixin.app("wx1234567890abcdef")?;
//! let body = serde_json::json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "hi"}});
//! let _: serde::de::IgnoredAny = app.api().post("/cgi-bin/message/custom/send", &body).await?;
//! # Ok(()) }
//! ```
//!
//! Access tokens come from the shared cache and are fetched by one server at a time
//! ([`token::TokenBroker`]); rejected tokens are refreshed and the call retried once; secrets and
//! tokens are [`Secret`]s that never print.
#![forbid(unsafe_code)]

pub mod app;
pub mod backoff;
pub mod cache;
pub mod client;
pub mod clock;
pub mod errcode;
pub mod error;
pub mod observe;
pub mod secret;
pub mod token;

pub use app::{AppClient, AppConfig, Weixin, WeixinBuilder};
pub use errcode::ErrCode;
pub use error::{Error, Result};
pub use observe::{ApiFailure, Stats};
pub use secret::Secret;
pub use token::TokenMode;
