//! `cargo xtask chaos`: builds the sample app and the chaos runner, makes sure `redis-server`
//! exists (installing it like `cargo xtask test` does), and runs `weixin-chaos --minutes N`;
//! its exit status is the result.

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
    let chaos = process::built_binary("debug", "weixin-chaos");
    let app = process::built_binary("debug", "wxopen-sample");
    let mut command = Command::new(&chaos);
    command
        .current_dir(process::workspace_root())
        .args(["--minutes", &options.minutes.to_string()])
        .arg("--app")
        .arg(&app);
    if let Some(redis) = redis {
        command.arg("--redis").arg(redis);
    }
    process::run_to_exit_code(&mut command, "the chaos run")
}
