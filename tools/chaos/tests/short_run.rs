//! The one-minute chaos run of `cargo xtask test`: three sample-app processes, a real
//! `redis-server` (it must be on PATH: `cargo xtask test` installs it), the simulator with
//! faults, 2,400 pushes at 40/s with an instance killed and Redis stopped for 5 s, and every
//! check of the full run.
//!
//! The sample app is another package, so `CARGO_BIN_EXE_*` cannot name it: the test builds it
//! with `$CARGO build -p wxopen-sample --bins --features redis,memcached` (the same build as
//! `cargo xtask demo`; quick when it is up to date). Under plain `cargo test`, which holds the
//! build lock while tests run, set `WEIXIN_CHAOS_APP=/path/to/wxopen-sample` to skip the build.

use std::path::PathBuf;
use std::process::Command;

use weixin_chaos::ChaosConfig;

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if PathBuf::from(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// The `wxopen-sample` binary with the Redis backend, built if needed.
fn sample_app() -> PathBuf {
    if let Some(path) = std::env::var_os("WEIXIN_CHAOS_APP") {
        return PathBuf::from(path);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "-p",
            "wxopen-sample",
            "--bins",
            "--features",
            "redis,memcached",
        ])
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cargo:?} build -p wxopen-sample: {e}"));
    assert!(
        status.success(),
        "`cargo build -p wxopen-sample --bins --features redis,memcached` failed ({status})"
    );
    target_dir()
        .join("debug")
        .join(format!("wxopen-sample{}", std::env::consts::EXE_SUFFIX))
}

fn redis_server_on_path() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn one_minute_of_chaos_passes_every_check() {
    assert!(
        redis_server_on_path(),
        "redis-server is not on PATH: the chaos run starts its own. Install it \
         (apt-get install redis-server) or run `cargo xtask test`, which installs it."
    );
    let app = sample_app();
    let config = ChaosConfig::short(app);
    let work_dir = config.work_dir.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let report = runtime
        .block_on(weixin_chaos::orchestrator::run(config))
        .unwrap_or_else(|e| panic!("{e}"));
    let table = report.table();
    println!("{table}");
    assert!(report.passed(), "the one-minute chaos run failed:\n{table}");
    // The run really did the chaos and the load it claims.
    assert_eq!(report.rows.len(), 12, "{table}");
    // Logs are kept when the run fails (the table names the directory).
    let _ = std::fs::remove_dir_all(&work_dir);
}
