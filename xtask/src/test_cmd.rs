//! `cargo xtask test`: lint, start the throwaway servers, find (or install) the browser, run
//! every test, stop the servers.

use std::process::{Command, ExitCode};

use crate::cli::TestOptions;
use crate::report::{Failure, Report};
use crate::services::Services;
use crate::{browser, process};

/// Runs the whole test flow and returns the exit code (it never calls `std::process::exit`, so
/// the server guard always gets dropped).
pub(crate) fn run(options: &TestOptions) -> ExitCode {
    let mut steps = Vec::new();
    if options.lint {
        steps.extend(["fmt", "clippy", "doc"]);
    }
    steps.extend(["services", "browser", "tests", "doctests"]);
    let mut report = Report::new("xtask test", steps);
    let outcome = run_steps(options, &mut report);
    // `run_steps` has returned, so the servers are stopped before the summary is printed.
    report.finish(outcome)
}

fn run_steps(options: &TestOptions, report: &mut Report) -> Result<(), Failure> {
    if options.lint {
        let mut fmt = process::cargo();
        fmt.args(["fmt", "--all", "--", "--check"]);
        command_step(report, "fmt", fmt)?;

        let mut clippy = process::cargo();
        clippy.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]);
        command_step(report, "clippy", clippy)?;

        let mut doc = process::cargo();
        doc.args(["doc", "--workspace", "--no-deps", "--all-features"])
            .env("RUSTDOCFLAGS", rustdocflags());
        command_step(report, "doc", doc)?;
    }

    // The guard lives until the end of this function: on success, on `?` after a failed step,
    // and while unwinding from a panic, dropping it kills and waits both servers.
    let services = report.step(
        "services",
        "start redis-server and memcached on free 127.0.0.1 ports",
        || {
            let services = Services::start()?;
            println!("{}", services.describe());
            Ok(services)
        },
    )?;

    // Never fails here: without a browser the console's browser test fails and says why.
    let browser = report.step(
        "browser",
        "find or install chromium and chromedriver for the console test",
        || Ok(browser::env()),
    )?;

    let mut tests = test_runner(&options.runner_args);
    tests.envs(services.env()).envs(browser);
    command_step(report, "tests", tests)?;

    let mut doctests = process::cargo();
    doctests.arg("test");
    add_package_selection(&mut doctests, &options.runner_args);
    doctests
        .args(["--all-features", "--doc"])
        .args(&options.runner_args)
        .envs(services.env());
    command_step(report, "doctests", doctests)?;

    drop(services);
    Ok(())
}

/// A step that runs one command in the terminal.
fn command_step(
    report: &mut Report,
    name: &'static str,
    mut command: Command,
) -> Result<(), Failure> {
    let shown = process::display(&command);
    report.step(name, &shown, || process::run(&mut command))
}

/// `cargo nextest run ...` when cargo-nextest works, else `cargo test ...`.
fn test_runner(runner_args: &[String]) -> Command {
    let nextest = process::succeeds(process::cargo().args(["nextest", "--version"]));
    let mut command = process::cargo();
    if nextest {
        command.args(["nextest", "run"]);
    } else {
        println!("xtask: `cargo nextest --version` failed; running the tests with `cargo test`");
        command.arg("test");
    }
    add_package_selection(&mut command, runner_args);
    command
        .args(["--all-features", "--no-fail-fast"])
        .args(runner_args);
    command
}

/// Adds `--workspace` unless the user's arguments select packages themselves (cargo would
/// otherwise ignore their `-p` in favour of `--workspace`).
fn add_package_selection(command: &mut Command, runner_args: &[String]) {
    if !selects_packages(runner_args) {
        command.arg("--workspace");
    }
}

fn selects_packages(args: &[String]) -> bool {
    args.iter().any(|arg| {
        arg == "-p"
            || arg == "--package"
            || arg.starts_with("--package=")
            || (arg.starts_with("-p") && !arg.starts_with("--"))
    })
}

/// The user's `RUSTDOCFLAGS` plus `-D warnings`.
fn rustdocflags() -> String {
    match std::env::var("RUSTDOCFLAGS") {
        Ok(existing) if !existing.trim().is_empty() => format!("{existing} -D warnings"),
        _ => "-D warnings".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn package_selection_replaces_workspace() {
        assert!(selects_packages(&strings(&["-p", "xtask"])));
        assert!(selects_packages(&strings(&["-pxtask"])));
        assert!(selects_packages(&strings(&["--package=xtask"])));
        assert!(!selects_packages(&strings(&["token_refresh"])));
        assert!(!selects_packages(&strings(&["--profile", "ci"])));
    }

    #[test]
    fn doctests_get_the_same_selection() {
        let mut command = process::cargo();
        add_package_selection(&mut command, &strings(&["-p", "xtask"]));
        assert_eq!(command.get_args().count(), 0);
        add_package_selection(&mut command, &[]);
        assert_eq!(
            process::display(&command).rsplit(' ').next(),
            Some("--workspace")
        );
    }
}
