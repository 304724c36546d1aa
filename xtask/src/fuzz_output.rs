//! Reading what libFuzzer prints at the end of a run: executions, speed, crash artifact.

/// What one fuzz run's output said.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FuzzOutput {
    /// Executed inputs, from `stat::number_of_executed_units:` or the `#N DONE` line.
    pub(crate) executions: Option<u64>,
    /// Executions per second, from the `#N DONE ... exec/s: M` line.
    pub(crate) per_second: Option<u64>,
    /// Where libFuzzer saved the crashing input (`Test unit written to PATH`).
    pub(crate) artifact: Option<String>,
}

impl FuzzOutput {
    /// Takes in one line of libFuzzer's (or cargo-fuzz's) output.
    pub(crate) fn observe(&mut self, line: &str) {
        let line = line.trim();
        if let Some(value) = line.strip_prefix("stat::number_of_executed_units:") {
            if let Ok(executions) = value.trim().parse() {
                self.executions = Some(executions);
            }
        } else if let Some((count, rest)) = done_line(line) {
            self.executions.get_or_insert(count);
            self.per_second = field(rest, "exec/s:");
        } else if let Some((_, path)) = line.split_once("Test unit written to ") {
            self.artifact = Some(path.trim().to_owned());
        }
    }
}

/// Splits `#533276\tDONE   cov: 10 ft: 20 ... exec/s: 25394 rss: 40Mb` into count and rest.
fn done_line(line: &str) -> Option<(u64, &str)> {
    let rest = line.strip_prefix('#')?;
    let (count, rest) = rest.split_once(char::is_whitespace)?;
    let rest = rest.trim_start().strip_prefix("DONE")?;
    Some((count.parse().ok()?, rest))
}

/// The number after `name` in a `name: 123` field.
fn field(text: &str, name: &str) -> Option<u64> {
    let (_, after) = text.split_once(name)?;
    after.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &str) -> FuzzOutput {
        let mut output = FuzzOutput::default();
        lines.lines().for_each(|line| output.observe(line));
        output
    }

    #[test]
    fn clean_run() {
        let output = read(
            "#524288\tpulse  cov: 10 ft: 12 corp: 3/20b exec/s: 26214 rss: 40Mb\n\
             #533276\tDONE   cov: 10 ft: 12 corp: 3/20b lim: 4096 exec/s: 25394 rss: 41Mb\n\
             Done 533276 runs in 21 second(s)\n",
        );
        assert_eq!(
            output,
            FuzzOutput {
                executions: Some(533_276),
                per_second: Some(25_394),
                artifact: None
            }
        );
    }

    #[test]
    fn final_stats_win_over_done_line() {
        let output =
            read("stat::number_of_executed_units: 1000\n#999\tDONE   cov: 1 exec/s: 50 rss: 1Mb\n");
        assert_eq!(output.executions, Some(1000));
        assert_eq!(output.per_second, Some(50));
    }

    #[test]
    fn crash_artifact() {
        let output = read(
            "==123== ERROR: libFuzzer: deadly signal\n\
             artifact_prefix='/w/fuzz/artifacts/envelope/'; Test unit written to /w/fuzz/artifacts/envelope/crash-da39a3ee\n\
             stat::number_of_executed_units: 77\n",
        );
        assert_eq!(
            output.artifact.as_deref(),
            Some("/w/fuzz/artifacts/envelope/crash-da39a3ee")
        );
        assert_eq!(output.executions, Some(77));
    }
}
