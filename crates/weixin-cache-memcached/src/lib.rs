//! Memcached cache and distributed lock backend for the weixin SDK.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
