//! Helpers shared by the `cargo xtask` binary and its own tests.
//!
//! The binary (`src/main.rs`) is the project's automation. This small library holds only what
//! the binary and the smoke test `tests/test_servers_answer.rs` both need: plain-TCP probes
//! that prove a Redis or memcached server really answers.
#![forbid(unsafe_code)]

pub mod probe;
