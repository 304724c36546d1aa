//! WeChat SDK core: cache and lock contract, memory cache, access-token broker without token
//! wars, API client, errors and tracing.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]

pub mod cache;
#[cfg(feature = "testkit")]
pub mod testkit;
