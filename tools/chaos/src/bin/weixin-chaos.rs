//! `weixin-chaos [--minutes N] [--seconds N] [--app PATH] [--redis PATH] [--work-dir DIR]`: the chaos run of
//! issue 10. Exit code 0 when every check passed, 1 when one failed, 2 when the run could not
//! take place. `cargo xtask chaos` builds the binaries and runs this.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use weixin_chaos::ChaosConfig;

const USAGE: &str = "\
Usage: weixin-chaos [--minutes N] [--seconds N] [--app PATH] [--redis PATH] [--work-dir DIR]

Three wxopen-sample processes sharing one redis-server, the WeChat simulator with faults
(10% busy, 5% slow, 2% dropped), pushes from 500 users at 60/s with WeChat's retries spread
over the instances; one instance killed with SIGKILL and restarted, Redis stopped for 5 s,
tokens expiring every 20 s. Prints the checks as a table.

Options:
  --minutes N     load duration in minutes (default 3: 10,800 pushes)
  --seconds N     load duration in seconds (overrides --minutes)
  --app PATH      the wxopen-sample binary (default: next to this binary; needs --features redis)
  --redis PATH    redis-server (default: redis-server on PATH)
  --work-dir DIR  logs and Redis files (default: a new directory under the temp dir)
";

fn main() -> ExitCode {
    let mut minutes = 3u64;
    let mut seconds = None;
    let mut app = None;
    let mut work_dir = None;
    let mut redis = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("`{name}` needs a value"));
        let parsed = match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--minutes" => value("--minutes").and_then(|v| number(&v).map(|n| minutes = n)),
            "--seconds" => value("--seconds").and_then(|v| number(&v).map(|n| seconds = Some(n))),
            "--app" => value("--app").map(|v| app = Some(PathBuf::from(v))),
            "--redis" => value("--redis").map(|v| redis = Some(PathBuf::from(v))),
            "--work-dir" => value("--work-dir").map(|v| work_dir = Some(PathBuf::from(v))),
            other => Err(format!("unexpected argument `{other}`")),
        };
        if let Err(message) = parsed {
            eprintln!("weixin-chaos: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let app = app.unwrap_or_else(default_app);
    let mut config = ChaosConfig::full(minutes, app);
    if let Some(seconds) = seconds {
        config.duration = Duration::from_secs(seconds);
        config.min_pushes = weixin_chaos::required_pushes(config.duration);
    }
    if let Some(redis) = redis {
        config.redis_binary = redis;
    }
    if let Some(dir) = work_dir {
        config.work_dir = dir;
    }
    println!(
        "weixin-chaos: {} s of load at {}/s ({} pushes), {} instances, token TTL {} s, logs in {}",
        config.duration.as_secs(),
        config.rate,
        config.load_plan().total(),
        config.instances,
        config.token_ttl.as_secs(),
        config.work_dir.join("logs").display()
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("weixin-chaos: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(weixin_chaos::orchestrator::run(config)) {
        Ok(report) => {
            print!("{}", report.table());
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("weixin-chaos: {e}");
            ExitCode::from(2)
        }
    }
}

fn number(value: &str) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected a whole number above 0, not `{value}`")),
    }
}

/// `wxopen-sample` in the directory of this binary (both live in target/debug).
fn default_app() -> PathBuf {
    let name = format!("wxopen-sample{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&name)))
        .unwrap_or_else(|| PathBuf::from(name))
}
