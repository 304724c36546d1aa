//! Mini-program WebSocket hub for the weixin SDK: sessions, server push, heartbeats, scale-out.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
