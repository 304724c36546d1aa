//! Command-line parsing: turns `cargo xtask ...` arguments into an [`Invocation`].

use std::ffi::OsString;

/// Usage of `cargo xtask` itself, listing every subcommand.
pub(crate) const MAIN_USAGE: &str = "\
cargo xtask: the weixin workspace's automation (std only)

Usage: cargo xtask <COMMAND> [OPTIONS]

Commands:
  test    fmt, clippy and docs, then every test against throwaway redis-server and memcached
  fuzz    run every cargo-fuzz target under fuzz/ for a while (needs nightly)
  demo    the sample app against the WeChat simulator: a scripted conversation, transcript
  bench   benchmarks of issue 9 side by side with the peers; rewrites docs/benchmarks.md
  chaos   three sample apps, one Redis, the simulator with faults: kills, outages, a table

Run `cargo xtask <COMMAND> --help` for a command's options.
";

/// Usage of `cargo xtask test`.
pub(crate) const TEST_USAGE: &str = "\
Usage: cargo xtask test [--no-lint] [-- <RUNNER ARGS>...]

Steps, stopping at the first failure:
  fmt       cargo fmt --all -- --check
  clippy    cargo clippy --workspace --all-targets --all-features -- -D warnings
  doc       cargo doc --workspace --no-deps --all-features   (RUSTDOCFLAGS=\"-D warnings\")
  services  start redis-server and memcached on free 127.0.0.1 ports (installs them with
            apt-get when missing and running as root)
  tests     cargo nextest run --workspace --all-features --no-fail-fast
            (cargo test ... when cargo-nextest is not installed), with
            WEIXIN_TEST_REDIS_URL and WEIXIN_TEST_MEMCACHED_URL set
  doctests  cargo test --workspace --all-features --doc
The servers are stopped at the end, also when a step fails.

Options:
  --no-lint     skip fmt, clippy and doc (quick local runs)
  -h, --help    print this help
  -- <ARGS>...  passed to the test runner and to the doctest run, e.g. a test name filter or
                `-p weixin-crypto` (selecting packages with -p/--package drops --workspace)

Environment:
  WEIXIN_XTASK_NO_INSTALL=1   never install packages; fail with the command to run instead
";

/// Usage of `cargo xtask fuzz`.
pub(crate) const FUZZ_USAGE: &str = "\
Usage: cargo xtask fuzz [--seconds N] [TARGET...]

Runs each cargo-fuzz target under fuzz/fuzz_targets/ (all of them when none is named) for N
seconds (default 60) with `cargo +nightly fuzz run TARGET -- -max_total_time=N`, then prints
whether each passed or crashed. Installs cargo-fuzz when `cargo fuzz --version` fails.

Options:
  --seconds N   time per target, in seconds (default 60)
  -h, --help    print this help
";

/// Usage of `cargo xtask demo`.
pub(crate) const DEMO_USAGE: &str = "\
Usage: cargo xtask demo [--cache URL] [--signing]

Builds the sample app and the demo driver (`cargo build -p wxopen-sample -p wxopen-demo --bins
--features wxopen-sample/redis,wxopen-sample/memcached`), then runs target/debug/wxopen-demo: it starts the WeChat simulator and the sample app on free ports,
drives a scripted conversation (URL verification, entering the chat, texts in XML and JSON in
safe mode, an image, a retried push, login, decrypt, a WebSocket echo, a token expiry),
prints the transcript and stops the app with SIGTERM. Exits with 0 only if every step behaved.

Options:
  --cache URL   the app's WEIXIN_CACHE: memory (default), redis://HOST:PORT or
                memcache://HOST:PORT
  --signing     server-API signing on: the simulator requires signed, encrypted calls on
                the signable endpoints and the app gets its demo keys (WEIXIN_API_*)
  -h, --help    print this help
";

/// Usage of `cargo xtask bench`.
pub(crate) const BENCH_USAGE: &str = "\
Usage: cargo xtask bench [--quick]

Builds tools/bench (and the sample app) in release mode, then measures, side by side in
one run: the wechatpy-equivalent steps in Rust and in wechatpy (PyPI, in target/bench-venv), the
crypto and the parse alone, the whole push pipeline in process; the HTTP callback under wrk
(installed with apt-get when missing) against an empty axum handler, with the memory cache and
with Redis, and the Node `wechat` middleware (npm, in target/bench-node); token contention
(4 processes x 250 calls, Redis, the simulator); and the context store's memory per user.
Prints the table and rewrites docs/benchmarks.md. Parts that cannot run are reported as
`not run: <reason>`.

Options:
  --quick       short loops, smaller pools, 100,000 users instead of 1,000,000
  -h, --help    print this help

Environment:
  WEIXIN_XTASK_NO_INSTALL=1   never install packages; fail with the command to run instead
";

/// Usage of `cargo xtask chaos`.
pub(crate) const CHAOS_USAGE: &str = "\
Usage: cargo xtask chaos [--minutes N]

Builds the sample app and the chaos runner (`cargo build -p wxopen-sample -p weixin-chaos
--bins --features wxopen-sample/redis,wxopen-sample/memcached`), then runs
target/debug/weixin-chaos: three wxopen-sample processes sharing one redis-server (its own, on a
free port, append-only), the WeChat simulator with faults (10% busy -1, 5% slow 1.2 s, 2%
dropped connections, seeded), pushes from 500 users at 60/s with WeChat's retries spread
round-robin over the instances. During the run one instance is killed with SIGKILL and
restarted, Redis is killed and restarted 5 s later, and access tokens expire every 20 s. Prints
the checks as a table; exits with 0 only if every check passed. Needs redis-server on PATH.

Options:
  --minutes N   minutes of load (default 3: 10,800 pushes)
  -h, --help    print this help
";

/// Default minutes of load of `cargo xtask chaos`.
const DEFAULT_CHAOS_MINUTES: u64 = 3;

/// Default time per fuzz target, in seconds.
const DEFAULT_FUZZ_SECONDS: u64 = 60;

/// What the user asked for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Invocation {
    /// Print this help text and succeed.
    Help(&'static str),
    /// `cargo xtask test`.
    Test(TestOptions),
    /// `cargo xtask fuzz`.
    Fuzz(FuzzOptions),
    /// `cargo xtask bench`.
    Bench(BenchOptions),
    /// `cargo xtask demo`.
    Demo(DemoOptions),
    /// `cargo xtask chaos`.
    Chaos(ChaosOptions),
}

/// Options of `cargo xtask chaos`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ChaosOptions {
    /// Minutes of load.
    pub(crate) minutes: u64,
}

/// Options of `cargo xtask test`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TestOptions {
    /// Run fmt, clippy and doc before the tests (`--no-lint` turns this off).
    pub(crate) lint: bool,
    /// Arguments after `--`, passed to the test runner and the doctest run.
    pub(crate) runner_args: Vec<String>,
}

/// Options of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FuzzOptions {
    /// Time per target, in seconds.
    pub(crate) seconds: u64,
    /// Targets to run; empty means all.
    pub(crate) targets: Vec<String>,
}

/// Options of `cargo xtask demo`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DemoOptions {
    /// `--cache URL`: the sample app's `WEIXIN_CACHE` (default: the demo's, `memory`).
    pub(crate) cache: Option<String>,
    /// `--signing`: server-API signing on.
    pub(crate) signing: bool,
}

/// Options of `cargo xtask bench`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BenchOptions {
    /// A short run (`--quick`).
    pub(crate) quick: bool,
}

/// A command line that makes no sense; the caller prints it with `usage` and exits 2.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError {
    /// What is wrong.
    pub(crate) message: String,
    /// The usage text to print after it.
    pub(crate) usage: &'static str,
}

impl UsageError {
    fn new(message: impl Into<String>, usage: &'static str) -> Self {
        Self {
            message: message.into(),
            usage,
        }
    }
}

/// Parses the arguments after `cargo xtask`.
pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, UsageError> {
    let args = args
        .into_iter()
        .map(|arg| {
            arg.into_string().map_err(|arg| {
                UsageError::new(format!("argument {arg:?} is not valid UTF-8"), MAIN_USAGE)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some((command, rest)) = args.split_first() else {
        return Err(UsageError::new("no command given", MAIN_USAGE));
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Ok(Invocation::Help(MAIN_USAGE)),
        "test" => parse_test(rest),
        "fuzz" => parse_fuzz(rest),
        "bench" => parse_bench(rest),
        "demo" => parse_demo(rest),
        "chaos" => parse_chaos(rest),
        other => Err(UsageError::new(
            format!("unknown command `{other}`"),
            MAIN_USAGE,
        )),
    }
}

fn parse_test(args: &[String]) -> Result<Invocation, UsageError> {
    let mut options = TestOptions {
        lint: true,
        runner_args: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help(TEST_USAGE)),
            "--no-lint" => options.lint = false,
            "--" => {
                options.runner_args = args.cloned().collect();
                break;
            }
            other => {
                return Err(UsageError::new(
                    format!(
                        "unexpected argument `{other}` (arguments for the test runner go after `--`)"
                    ),
                    TEST_USAGE,
                ));
            }
        }
    }
    Ok(Invocation::Test(options))
}

fn parse_fuzz(args: &[String]) -> Result<Invocation, UsageError> {
    let mut options = FuzzOptions {
        seconds: DEFAULT_FUZZ_SECONDS,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help(FUZZ_USAGE)),
            "--seconds" => {
                let value = args
                    .next()
                    .ok_or_else(|| UsageError::new("`--seconds` needs a value", FUZZ_USAGE))?;
                options.seconds = parse_seconds(value)?;
            }
            other if other.starts_with("--seconds=") => {
                options.seconds = parse_seconds(&other["--seconds=".len()..])?;
            }
            other if other.starts_with('-') => {
                return Err(UsageError::new(
                    format!("unknown option `{other}`"),
                    FUZZ_USAGE,
                ));
            }
            target => options.targets.push(target.to_owned()),
        }
    }
    Ok(Invocation::Fuzz(options))
}

fn parse_demo(args: &[String]) -> Result<Invocation, UsageError> {
    let mut options = DemoOptions {
        cache: None,
        signing: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help(DEMO_USAGE)),
            "--signing" => options.signing = true,
            "--cache" => {
                let value = args
                    .next()
                    .ok_or_else(|| UsageError::new("`--cache` needs a URL", DEMO_USAGE))?;
                options.cache = Some(value.clone());
            }
            other if other.starts_with("--cache=") => {
                options.cache = Some(other["--cache=".len()..].to_owned());
            }
            other => {
                return Err(UsageError::new(
                    format!("unexpected argument `{other}`"),
                    DEMO_USAGE,
                ));
            }
        }
    }
    Ok(Invocation::Demo(options))
}

fn parse_bench(args: &[String]) -> Result<Invocation, UsageError> {
    let mut options = BenchOptions { quick: false };
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help(BENCH_USAGE)),
            "--quick" => options.quick = true,
            other => {
                return Err(UsageError::new(
                    format!("unexpected argument `{other}`"),
                    BENCH_USAGE,
                ));
            }
        }
    }
    Ok(Invocation::Bench(options))
}

fn parse_chaos(args: &[String]) -> Result<Invocation, UsageError> {
    let mut options = ChaosOptions {
        minutes: DEFAULT_CHAOS_MINUTES,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help(CHAOS_USAGE)),
            "--minutes" => args
                .next()
                .ok_or_else(|| UsageError::new("`--minutes` needs a number", CHAOS_USAGE))?
                .as_str(),
            other if other.starts_with("--minutes=") => &other["--minutes=".len()..],
            other => {
                return Err(UsageError::new(
                    format!("unexpected argument `{other}`"),
                    CHAOS_USAGE,
                ));
            }
        };
        options.minutes = match value.parse::<u64>() {
            Ok(minutes) if minutes > 0 => minutes,
            _ => {
                return Err(UsageError::new(
                    format!("`--minutes` wants a whole number above 0, not `{value}`"),
                    CHAOS_USAGE,
                ));
            }
        };
    }
    Ok(Invocation::Chaos(options))
}

fn parse_seconds(value: &str) -> Result<u64, UsageError> {
    match value.parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(UsageError::new(
            format!("`--seconds` wants a whole number of seconds above 0, not `{value}`"),
            FUZZ_USAGE,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Invocation, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn help_and_no_arguments_show_main_usage() {
        assert_eq!(parse_str(&["--help"]), Ok(Invocation::Help(MAIN_USAGE)));
        assert_eq!(parse_str(&["help"]), Ok(Invocation::Help(MAIN_USAGE)));
        let err = parse_str(&[]).unwrap_err();
        assert_eq!(err.usage, MAIN_USAGE);
    }

    #[test]
    fn test_defaults_and_options() {
        assert_eq!(
            parse_str(&["test"]),
            Ok(Invocation::Test(TestOptions {
                lint: true,
                runner_args: vec![]
            }))
        );
        assert_eq!(
            parse_str(&["test", "--no-lint", "--", "-p", "xtask", "--no-lint"]),
            Ok(Invocation::Test(TestOptions {
                lint: false,
                runner_args: vec!["-p".into(), "xtask".into(), "--no-lint".into()]
            }))
        );
        assert_eq!(parse_str(&["test", "-h"]), Ok(Invocation::Help(TEST_USAGE)));
    }

    #[test]
    fn test_rejects_unknown_flags() {
        let err = parse_str(&["test", "--keep-going"]).unwrap_err();
        assert!(err.message.contains("--keep-going"), "{}", err.message);
        assert_eq!(err.usage, TEST_USAGE);
    }

    #[test]
    fn fuzz_options() {
        assert_eq!(
            parse_str(&["fuzz"]),
            Ok(Invocation::Fuzz(FuzzOptions {
                seconds: 60,
                targets: vec![]
            }))
        );
        assert_eq!(
            parse_str(&["fuzz", "--seconds", "5", "envelope", "--seconds=7", "xml"]),
            Ok(Invocation::Fuzz(FuzzOptions {
                seconds: 7,
                targets: vec!["envelope".into(), "xml".into()]
            }))
        );
        assert!(parse_str(&["fuzz", "--seconds"]).is_err());
        assert!(parse_str(&["fuzz", "--seconds", "0"]).is_err());
        assert!(parse_str(&["fuzz", "--seconds", "soon"]).is_err());
        assert!(parse_str(&["fuzz", "--jobs"]).is_err());
    }

    #[test]
    fn bench_options() {
        assert_eq!(
            parse_str(&["bench"]),
            Ok(Invocation::Bench(BenchOptions { quick: false }))
        );
        assert_eq!(
            parse_str(&["bench", "--quick"]),
            Ok(Invocation::Bench(BenchOptions { quick: true }))
        );
        assert_eq!(
            parse_str(&["bench", "-h"]),
            Ok(Invocation::Help(BENCH_USAGE))
        );
        let err = parse_str(&["bench", "--slow"]).unwrap_err();
        assert!(err.message.contains("--slow"), "{}", err.message);
        assert_eq!(err.usage, BENCH_USAGE);
    }

    #[test]
    fn demo_options() {
        assert_eq!(
            parse_str(&["demo"]),
            Ok(Invocation::Demo(DemoOptions {
                cache: None,
                signing: false
            }))
        );
        assert_eq!(
            parse_str(&["demo", "--signing"]),
            Ok(Invocation::Demo(DemoOptions {
                cache: None,
                signing: true
            }))
        );
        assert_eq!(
            parse_str(&["demo", "--cache", "redis://127.0.0.1:6379"]),
            Ok(Invocation::Demo(DemoOptions {
                cache: Some("redis://127.0.0.1:6379".into()),
                signing: false
            }))
        );
        assert_eq!(
            parse_str(&["demo", "--cache=memory"]),
            Ok(Invocation::Demo(DemoOptions {
                cache: Some("memory".into()),
                signing: false
            }))
        );
        assert_eq!(parse_str(&["demo", "-h"]), Ok(Invocation::Help(DEMO_USAGE)));
        assert!(parse_str(&["demo", "--cache"]).is_err());
        let err = parse_str(&["demo", "--fast"]).unwrap_err();
        assert_eq!(err.usage, DEMO_USAGE);
    }

    #[test]
    fn chaos_options() {
        assert_eq!(
            parse_str(&["chaos"]),
            Ok(Invocation::Chaos(ChaosOptions { minutes: 3 }))
        );
        assert_eq!(
            parse_str(&["chaos", "--minutes", "5"]),
            Ok(Invocation::Chaos(ChaosOptions { minutes: 5 }))
        );
        assert_eq!(
            parse_str(&["chaos", "--minutes=1"]),
            Ok(Invocation::Chaos(ChaosOptions { minutes: 1 }))
        );
        assert_eq!(
            parse_str(&["chaos", "-h"]),
            Ok(Invocation::Help(CHAOS_USAGE))
        );
        assert!(parse_str(&["chaos", "--minutes"]).is_err());
        assert!(parse_str(&["chaos", "--minutes", "0"]).is_err());
        let err = parse_str(&["chaos", "--x"]).unwrap_err();
        assert_eq!(err.usage, CHAOS_USAGE);
    }

    #[test]
    fn unknown_commands_are_refused() {
        let err = parse_str(&["deploy"]).unwrap_err();
        assert!(err.message.contains("deploy"));
    }
}
