//! `cargo xtask fuzz`: runs each cargo-fuzz target for a while and says which ones crashed.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{ExitCode, ExitStatus, Stdio};

use crate::cli::FuzzOptions;
use crate::fuzz_output::FuzzOutput;
use crate::process;

/// Toolchain that cargo-fuzz needs (sanitizer flags are nightly-only).
const TOOLCHAIN: &str = "nightly";

/// How one target's run ended.
enum Outcome {
    Passed(FuzzOutput),
    Crashed(FuzzOutput, ExitStatus),
    /// Failed without a crash artifact: usually the target did not build.
    Failed(String),
}

/// Runs the selected targets (all when none is named) and prints a per-target summary.
pub(crate) fn run(options: &FuzzOptions) -> ExitCode {
    let fuzz_dir = process::workspace_root().join("fuzz");
    let available = list_targets(&fuzz_dir.join("fuzz_targets"));
    if available.is_empty() {
        eprintln!(
            "xtask fuzz: no fuzz targets yet: {} holds no *.rs files (add them with `cargo fuzz add NAME` in the repo root)",
            fuzz_dir.join("fuzz_targets").display()
        );
        return ExitCode::FAILURE;
    }
    let unknown: Vec<&String> = options
        .targets
        .iter()
        .filter(|target| !available.contains(target))
        .collect();
    if !unknown.is_empty() {
        eprintln!(
            "xtask fuzz: unknown target(s) {}; available: {}",
            join(&unknown),
            available.join(", ")
        );
        return ExitCode::from(2);
    }
    let targets = if options.targets.is_empty() {
        available
    } else {
        options.targets.clone()
    };

    if let Err(message) = ensure_tools() {
        eprintln!("xtask fuzz: {message}");
        return ExitCode::FAILURE;
    }

    let outcomes: Vec<(String, Outcome)> = targets
        .into_iter()
        .map(|target| {
            let outcome = run_target(&target, options.seconds);
            (target, outcome)
        })
        .collect();
    summarize(&outcomes, options.seconds)
}

/// Target names: the `*.rs` files in `fuzz/fuzz_targets/`, sorted.
fn list_targets(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut targets: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    targets.sort();
    targets
}

/// Makes sure nightly and cargo-fuzz are there, installing cargo-fuzz if needed.
fn ensure_tools() -> Result<(), String> {
    if !process::succeeds(process::cargo_with_toolchain(TOOLCHAIN).arg("--version")) {
        return Err(format!(
            "the {TOOLCHAIN} toolchain is missing; install it with `rustup toolchain install {TOOLCHAIN} --profile minimal`"
        ));
    }
    if process::succeeds(process::cargo().args(["fuzz", "--version"])) {
        return Ok(());
    }
    println!("xtask fuzz: `cargo fuzz --version` failed; installing cargo-fuzz");
    process::run(process::cargo().args(["install", "cargo-fuzz", "--locked"]))
        .map_err(|err| format!("could not install cargo-fuzz: {err}"))
}

/// Runs one target, echoing its output while reading libFuzzer's final lines.
fn run_target(target: &str, seconds: u64) -> Outcome {
    let mut command = process::cargo_with_toolchain(TOOLCHAIN);
    command
        .args(["fuzz", "run", target, "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    let shown = process::display(&command);
    println!("\n==> fuzz {target} for {seconds}s: {shown}");

    // The child stays in our process group, so Ctrl-C stops it together with xtask.
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => return Outcome::Failed(format!("could not start `{shown}`: {err}")),
    };
    let mut output = FuzzOutput::default();
    if let Some(stderr) = child.stderr.take() {
        let mut reader = BufReader::new(stderr);
        let mut line = Vec::new();
        let mut echo = std::io::stderr();
        while reader
            .read_until(b'\n', &mut line)
            .is_ok_and(|read| read > 0)
        {
            let _ = echo.write_all(&line);
            output.observe(&String::from_utf8_lossy(&line));
            line.clear();
        }
    }
    match child.wait() {
        Ok(status) if status.success() => Outcome::Passed(output),
        Ok(status) if output.artifact.is_some() => Outcome::Crashed(output, status),
        Ok(status) => Outcome::Failed(format!(
            "`{shown}` failed ({status}) without a crash artifact"
        )),
        Err(err) => Outcome::Failed(format!("could not wait for `{shown}`: {err}")),
    }
}

fn summarize(outcomes: &[(String, Outcome)], seconds: u64) -> ExitCode {
    println!("\n{}", "=".repeat(72));
    println!("xtask fuzz: {} target(s), {seconds}s each", outcomes.len());
    let mut failed = 0;
    for (target, outcome) in outcomes {
        match outcome {
            Outcome::Passed(output) => println!("  {target}: passed{}", stats(output)),
            Outcome::Crashed(output, status) => {
                failed += 1;
                let artifact = output.artifact.as_deref().unwrap_or("?");
                println!("  {target}: CRASHED ({status}){}", stats(output));
                println!("      artifact: {artifact}");
                println!("      reproduce: cargo +{TOOLCHAIN} fuzz run {target} {artifact}");
            }
            Outcome::Failed(message) => {
                failed += 1;
                println!("  {target}: FAILED: {message}");
            }
        }
    }
    if failed == 0 {
        println!("xtask fuzz: all targets passed");
        ExitCode::SUCCESS
    } else {
        println!(
            "xtask fuzz: {failed} of {} target(s) failed",
            outcomes.len()
        );
        ExitCode::FAILURE
    }
}

fn stats(output: &FuzzOutput) -> String {
    match (output.executions, output.per_second) {
        (Some(runs), Some(rate)) => format!(", {runs} executions ({rate}/s)"),
        (Some(runs), None) => format!(", {runs} executions"),
        _ => String::new(),
    }
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|name| name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_rust_files_sorted() {
        let dir = std::env::temp_dir().join(format!("xtask-fuzz-list-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["xml.rs", "envelope.rs", "notes.txt"] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        assert_eq!(list_targets(&dir), ["envelope", "xml"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(list_targets(&dir).is_empty());
    }

    #[test]
    fn stats_read_well() {
        let output = FuzzOutput {
            executions: Some(10),
            per_second: Some(5),
            artifact: None,
        };
        assert_eq!(stats(&output), ", 10 executions (5/s)");
        assert_eq!(stats(&FuzzOutput::default()), "");
    }
}
