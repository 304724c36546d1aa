//! `cargo xtask demo`: builds the sample app and runs its scripted conversation against the
//! WeChat simulator (`wxopen-demo`), passing `--cache` and `--signing` through.

use std::process::{Command, ExitCode};

use crate::cli::DemoOptions;
use crate::process;

/// Builds `wxopen-sample` (with the Redis and Memcached features) and `wxopen-demo`
/// (`tools/demo`), then runs `wxopen-demo`; its exit status is the result (0 only when every
/// step behaved).
pub(crate) fn run(options: &DemoOptions) -> ExitCode {
    let mut build = process::cargo();
    build.args([
        "build",
        "-p",
        "wxopen-sample",
        "-p",
        "wxopen-demo",
        "--bins",
        "--features",
        "wxopen-sample/redis,wxopen-sample/memcached",
    ]);
    if let Err(message) = process::run(&mut build) {
        eprintln!("xtask demo: {message}");
        return ExitCode::FAILURE;
    }
    let demo = process::built_binary("debug", "wxopen-demo");
    let mut command = Command::new(&demo);
    command.current_dir(process::workspace_root());
    if let Some(cache) = &options.cache {
        command.args(["--cache", cache]);
    }
    if options.signing {
        command.arg("--signing");
    }
    process::run_to_exit_code(&mut command, "the demo")
}
