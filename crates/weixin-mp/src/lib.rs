//! WeChat Official Account (公众号): push pipeline, message model, passive replies, server adapters and advanced APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
