//! `cargo xtask chaos`: builds the sample app and the chaos runner, makes sure `redis-server`
//! exists (installing it like `cargo xtask test` does), and runs `weixin-chaos --minutes N`;
//! its exit status is the result.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use crate::cli::ChaosOptions;
use crate::install::{self, Needed};
use crate::process;

/// Builds `wxopen-sample` (with the Redis backend) and `weixin-chaos`, then runs the chaos run.
pub(crate) fn run(options: &ChaosOptions) -> ExitCode {
    let redis = match install::ensure(&[Needed {
        binary: "redis-server",
        package: "redis-server",
    }]) {
        Ok(paths) => paths.into_iter().next(),
        Err(message) => {
            eprintln!("xtask chaos: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut build = process::cargo();
    // The same features as `cargo xtask demo`, so both share one build of the sample app.
    build.args([
        "build",
        "-p",
        "wxopen-sample",
        "-p",
        "weixin-chaos",
        "--bins",
        "--features",
        "wxopen-sample/redis,wxopen-sample/memcached",
    ]);
    if let Err(message) = process::run(&mut build) {
        eprintln!("xtask chaos: {message}");
        return ExitCode::FAILURE;
    }
    let debug = target_dir().join("debug");
    let chaos = debug.join(format!("weixin-chaos{}", std::env::consts::EXE_SUFFIX));
    let app = debug.join(format!("wxopen-sample{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(&chaos);
    command
        .current_dir(process::workspace_root())
        .args(["--minutes", &options.minutes.to_string()])
        .arg("--app")
        .arg(&app);
    if let Some(redis) = redis {
        command.arg("--redis").arg(redis);
    }
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("xtask chaos: the chaos run did not pass ({status})");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("xtask chaos: could not start {}: {err}", chaos.display());
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
