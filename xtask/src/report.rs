//! Step headers and the final summary of a multi-step command such as `cargo xtask test`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

/// A step that failed, and why.
#[derive(Debug)]
pub(crate) struct Failure {
    step: &'static str,
    message: String,
}

/// Tracks the steps of one command: prints a header before each and a summary at the end.
pub(crate) struct Report {
    command: &'static str,
    steps: Vec<&'static str>,
    passed: Vec<(&'static str, Duration)>,
    started: Instant,
}

impl Report {
    /// A report for `command` (e.g. `"xtask test"`) that will run `steps` in this order.
    pub(crate) fn new(command: &'static str, steps: Vec<&'static str>) -> Self {
        Self {
            command,
            steps,
            passed: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Runs one step: prints `==> [i/n] name: what`, runs `body`, prints how it went.
    pub(crate) fn step<T>(
        &mut self,
        name: &'static str,
        what: &str,
        body: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, Failure> {
        let position = self.position(name);
        println!("\n==> [{position}] {name}: {what}");
        let started = Instant::now();
        match body() {
            Ok(value) => {
                let took = started.elapsed();
                println!("==> {name}: ok ({})", format_duration(took));
                self.passed.push((name, took));
                Ok(value)
            }
            Err(message) => {
                println!("==> {name}: FAILED: {message}");
                Err(Failure {
                    step: name,
                    message,
                })
            }
        }
    }

    /// Prints the summary line and turns the outcome into the process exit code.
    pub(crate) fn finish(self, outcome: Result<(), Failure>) -> ExitCode {
        let took = format_duration(self.started.elapsed());
        let passed: Vec<&str> = self.passed.iter().map(|(name, _)| *name).collect();
        println!("\n{}", "=".repeat(72));
        match outcome {
            Ok(()) => {
                println!(
                    "{}: all {} steps passed in {took} ({})",
                    self.command,
                    passed.len(),
                    passed.join(", ")
                );
                ExitCode::SUCCESS
            }
            Err(failure) => {
                let not_run: Vec<&str> = self
                    .steps
                    .iter()
                    .copied()
                    .filter(|step| *step != failure.step && !passed.contains(step))
                    .collect();
                // The full message was printed under the step's header; one line is enough here.
                let mut lines = failure.message.lines();
                let first = lines.next().unwrap_or_default();
                let more = if lines.next().is_some() {
                    " (more above)"
                } else {
                    ""
                };
                println!(
                    "{}: FAILED at step [{}] {} after {took}: {first}{more}",
                    self.command,
                    self.position(failure.step),
                    failure.step,
                );
                println!(
                    "    passed: {}; not run: {}",
                    list_or_none(&passed),
                    list_or_none(&not_run)
                );
                ExitCode::FAILURE
            }
        }
    }

    fn position(&self, name: &str) -> String {
        let index = self.steps.iter().position(|step| *step == name);
        match index {
            Some(index) => format!("{}/{}", index + 1, self.steps.len()),
            None => format!("?/{}", self.steps.len()),
        }
    }
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// `4.2s`, or `3m05s` from a minute on.
pub(crate) fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_millis(4_250)), "4.2s");
        assert_eq!(format_duration(Duration::from_secs(185)), "3m05s");
    }

    #[test]
    fn failure_stops_and_is_reported() {
        let mut report = Report::new("xtask demo", vec!["one", "two", "three"]);
        assert_eq!(report.step("one", "first", || Ok(1)).unwrap(), 1);
        let failure = report
            .step("two", "second", || Err::<(), _>("boom".to_owned()))
            .unwrap_err();
        assert_eq!(failure.step, "two");
        assert_eq!(report.position("three"), "3/3");
        assert_eq!(report.finish(Err(failure)), ExitCode::FAILURE);
    }
}
