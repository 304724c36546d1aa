//! `cargo xtask demo`: builds the sample app and runs its scripted conversation against the
//! WeChat simulator (`wxopen-demo`), passing `--cache` through.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use crate::cli::DemoOptions;
use crate::process;

/// Builds `wxopen-sample` (both binaries, with the Redis and Memcached features) and runs
/// `wxopen-demo`; its exit status is the result (0 only when every step behaved).
pub(crate) fn run(options: &DemoOptions) -> ExitCode {
    let mut build = process::cargo();
    build.args([
        "build",
        "-p",
        "wxopen-sample",
        "--bins",
        "--features",
        "redis,memcached",
    ]);
    if let Err(message) = process::run(&mut build) {
        eprintln!("xtask demo: {message}");
        return ExitCode::FAILURE;
    }
    let demo = target_dir()
        .join("debug")
        .join(format!("wxopen-demo{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(&demo);
    command.current_dir(process::workspace_root());
    if let Some(cache) = &options.cache {
        command.args(["--cache", cache]);
    }
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("xtask demo: the demo did not pass ({status})");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("xtask demo: could not start {}: {err}", demo.display());
            ExitCode::FAILURE
        }
    }
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, else `target/` in the workspace.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                process::workspace_root().join(dir)
            }
        }
        None => process::workspace_root().join("target"),
    }
}
