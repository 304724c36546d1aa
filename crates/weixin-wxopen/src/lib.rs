//! WeChat Mini Program (小程序): XML and JSON pushes, sessions, open-data decryption and server APIs.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
