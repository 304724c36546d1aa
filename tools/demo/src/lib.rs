//! The scripted demo conversation, shared by the `wxopen-demo` binary (`cargo xtask demo`) and
//! the end-to-end tests.
//!
//! A [`Stage`] starts the simulator in this process and the sample app as separate processes
//! configured against it; [`script::run`] drives the conversation with the simulator's push
//! driver and a mini-program client, recording a [`Transcript`]; [`Stage::stop`] stops the apps
//! with SIGTERM and checks that they exit cleanly.
//!
//! ```no_run
//! use wxopen_demo::{Stage, StageConfig, Transcript, script, sibling_app_binary};
//!
//! # async fn demo() -> Result<(), String> {
//! let stage = Stage::start(&StageConfig::new(sibling_app_binary()?, "memory")).await?;
//! let mut transcript = Transcript::new(true); // prints each step
//! script::run(&stage, &mut transcript).await;
//! let stopped = stage.stop().await;
//! assert!(transcript.all_passed() && stopped.iter().all(|(_, r)| r.is_ok()));
//! # Ok(()) }
//! ```

pub mod client;
pub mod open_data;
pub mod process;
pub mod script;
pub mod stage;
pub mod transcript;

pub use process::AppProcess;
pub use stage::{Stage, StageConfig, sibling_app_binary};
pub use transcript::{Step, Transcript};
