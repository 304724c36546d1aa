//! An offline WeChat platform: a fake API server and a push driver for demos and tests.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
