//! Per-user message context store and push deduplication for WeChat backends, over the weixin-core cache contract.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
