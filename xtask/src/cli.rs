//! Command-line parsing: turns `cargo xtask ...` arguments into an [`Invocation`].

use std::ffi::OsString;

/// Usage of `cargo xtask` itself, listing every subcommand.
pub(crate) const MAIN_USAGE: &str = "\
cargo xtask: the weixin workspace's automation (std only)

Usage: cargo xtask <COMMAND> [OPTIONS]

Commands:
  test    fmt, clippy and docs, then every test against throwaway redis-server and memcached
  fuzz    run every cargo-fuzz target under fuzz/ for a while (needs nightly)
  demo    (not available yet)
  bench   (not available yet)
  chaos   (not available yet)

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

/// Subcommands that are planned but not implemented yet.
const NOT_YET: [&str; 3] = ["demo", "bench", "chaos"];

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
    /// A planned subcommand that does not exist yet.
    NotYet(&'static str),
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
        other => match NOT_YET.iter().find(|name| **name == other) {
            Some(name) => Ok(Invocation::NotYet(name)),
            None => Err(UsageError::new(
                format!("unknown command `{other}`"),
                MAIN_USAGE,
            )),
        },
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
    fn later_commands_are_not_available_yet() {
        assert_eq!(parse_str(&["demo"]), Ok(Invocation::NotYet("demo")));
        assert_eq!(
            parse_str(&["chaos", "--x"]),
            Ok(Invocation::NotYet("chaos"))
        );
        let err = parse_str(&["deploy"]).unwrap_err();
        assert!(err.message.contains("deploy"));
    }
}
