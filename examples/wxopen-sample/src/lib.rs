//! The sample mini-program backend: the configuration contract and endpoints described in
//! docs/sample-app.md, built on the weixin SDK.
//!
//! | endpoint | what |
//! |---|---|
//! | `GET\|POST /wxopen` | push callback (URL verification, XML and JSON pushes, any mode) |
//! | `POST /wxopen/login` | `{"code"}` -> `{"session_id","expires_in"}` |
//! | `POST /wxopen/decrypt` | `{"session_id","encrypted_data","iv"}` -> the decrypted JSON |
//! | `GET /wxopen/ws` | WebSocket (`?session_id=`), echoes `{"type":"echo","data":X}` |
//! | `GET /healthz` | `{"status":"ok","cache":"memory"}` |
//!
//! Configuration: environment variables, see [`config`]. Behaviour: see [`handler`] and
//! [`ws`]. The scripted conversation that `cargo xtask demo` and the end-to-end tests run
//! against the app and the simulator is the `wxopen-demo` crate (`tools/demo`).
//!
//! The binary `wxopen-sample` is `main.rs`: read the configuration, [`App::build`], and
//! [`App::serve`] until SIGINT or SIGTERM.
#![forbid(unsafe_code)]

pub mod app;
pub mod cache;
pub mod config;
pub mod handler;
pub mod routes;
pub mod ws;

pub use app::{App, StartError};
pub use config::{CacheChoice, Config, ConfigError};
