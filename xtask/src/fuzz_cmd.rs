//! `cargo xtask fuzz`: runs each cargo-fuzz target for a while and says which ones crashed.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
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

/// The arguments after `cargo +nightly`: `fuzz run TARGET CORPUS [SEEDS] -- OPTIONS`.
///
/// `corpus` comes first because libFuzzer reads every corpus directory but writes new inputs
/// only into the first one; `seeds` (the committed `fuzz/seeds/TARGET`) is read-only input.
fn fuzz_run_args(target: &str, corpus: &Path, seeds: Option<&Path>, seconds: u64) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["fuzz".into(), "run".into(), target.into()];
    args.push(corpus.into());
    args.extend(seeds.map(OsString::from));
    args.push("--".into());
    args.push(format!("-max_total_time={seconds}").into());
    args.push("-print_final_stats=1".into());
    args
}

/// The writable corpus (created if missing) and the seed directory (when the repo has one)
/// of `target`, relative to the workspace root, where cargo-fuzz runs.
fn corpus_dirs(root: &Path, target: &str) -> std::io::Result<(PathBuf, Option<PathBuf>)> {
    let corpus = Path::new("fuzz").join("corpus").join(target);
    std::fs::create_dir_all(root.join(&corpus))?;
    let seeds = Path::new("fuzz").join("seeds").join(target);
    let seeds = root.join(&seeds).is_dir().then_some(seeds);
    Ok((corpus, seeds))
}

/// Runs one target, echoing its output while reading libFuzzer's final lines.
fn run_target(target: &str, seconds: u64) -> Outcome {
    let (corpus, seeds) = match corpus_dirs(&process::workspace_root(), target) {
        Ok(dirs) => dirs,
        Err(err) => {
            return Outcome::Failed(format!(
                "could not create the corpus directory fuzz/corpus/{target}: {err}"
            ));
        }
    };
    let mut command = process::cargo_with_toolchain(TOOLCHAIN);
    command
        .args(fuzz_run_args(target, &corpus, seeds.as_deref(), seconds))
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
    fn seeds_follow_the_writable_corpus() {
        let words = |args: Vec<OsString>| {
            args.into_iter()
                .map(|arg| arg.into_string().unwrap())
                .collect::<Vec<_>>()
        };
        let corpus = Path::new("fuzz/corpus/envelope");
        let seeds = Path::new("fuzz/seeds/envelope");
        assert_eq!(
            words(fuzz_run_args("envelope", corpus, Some(seeds), 30)),
            [
                "fuzz",
                "run",
                "envelope",
                "fuzz/corpus/envelope",
                "fuzz/seeds/envelope",
                "--",
                "-max_total_time=30",
                "-print_final_stats=1"
            ]
        );
        assert_eq!(
            words(fuzz_run_args("envelope", corpus, None, 5)),
            [
                "fuzz",
                "run",
                "envelope",
                "fuzz/corpus/envelope",
                "--",
                "-max_total_time=5",
                "-print_final_stats=1"
            ]
        );
    }

    #[test]
    fn creates_the_corpus_and_finds_seeds_only_when_present() {
        let root = std::env::temp_dir().join(format!("xtask-fuzz-dirs-{}", std::process::id()));
        std::fs::create_dir_all(root.join("fuzz/seeds/envelope")).unwrap();

        let (corpus, seeds) = corpus_dirs(&root, "envelope").unwrap();
        assert_eq!(corpus, Path::new("fuzz/corpus/envelope"));
        assert!(root.join("fuzz/corpus/envelope").is_dir());
        assert_eq!(seeds.as_deref(), Some(Path::new("fuzz/seeds/envelope")));

        let (corpus, seeds) = corpus_dirs(&root, "ws_frame").unwrap();
        assert!(root.join(corpus).is_dir());
        assert_eq!(seeds, None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// Every target in the repo starts from committed seeds, and they stay small.
    #[test]
    fn every_target_has_seeds() {
        let fuzz_dir = process::workspace_root().join("fuzz");
        let targets = list_targets(&fuzz_dir.join("fuzz_targets"));
        assert!(!targets.is_empty());
        let mut total = 0;
        for target in targets {
            let dir = fuzz_dir.join("seeds").join(&target);
            let sizes: Vec<u64> = std::fs::read_dir(&dir)
                .unwrap_or_else(|err| panic!("{} is missing: {err}", dir.display()))
                .map(|entry| entry.unwrap().metadata().unwrap())
                .filter(|meta| meta.is_file())
                .map(|meta| meta.len())
                .collect();
            assert!(
                (3..=12).contains(&sizes.len()),
                "{target}: {} seeds, want 3 to 12",
                sizes.len()
            );
            total += sizes.iter().sum::<u64>();
        }
        assert!(total < 200 * 1024, "fuzz/seeds holds {total} bytes");
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
