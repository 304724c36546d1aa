//! Benchmark drivers behind `cargo xtask bench` (not published).
//!
//! The `weixin-bench` binary has one subcommand per measurement; each prints one or more
//! result lines (see [`report`]) that xtask parses into the table of `docs/benchmarks.md`:
//!
//! | subcommand | what |
//! |---|---|
//! | `steps` | the steps wechatpy also does (verify, decrypt, parse, text reply, encrypt), plus the crypto alone and the parse alone |
//! | `pipeline` | one encrypted text push through the whole [`weixin_push::Pipeline`] with the memory cache |
//! | `pool` | files of distinct pre-encrypted pushes for wrk and the peers ([`pool`]) |
//! | `callback-server` | the SDK's push callback alone over HTTP (echo handler), memory cache or Redis |
//! | `empty-server` | an axum server whose `POST /wxopen` answers `success` and does nothing else |
//! | `sim` | the simulator with the fixture account, as the sample app's WeChat API |
//! | `memory` | resident bytes per user of the in-memory context store |
//! | `token` | token fetches and latency of 4 processes x 250 concurrent calls at token expiry |
//!
//! Every input is built from the fixed test account in [`fixture`], which the Python and Node
//! peers use too.
#![forbid(unsafe_code)]

pub mod args;
pub mod callback_server;
pub mod empty_server;
pub mod fixture;
pub mod memory;
pub mod pipeline_loop;
pub mod pool;
pub mod report;
pub mod sim_server;
pub mod steps;
pub mod timing;
pub mod token;
