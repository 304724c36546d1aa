//! The readable record of a demo run: one [`Step`] per scripted action, what the user sent,
//! what the app answered, and whether it behaved.

use std::fmt;

/// One scripted action and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// A short title, e.g. `text (JSON, safe mode)`.
    pub title: String,
    /// What happened, one line each (`user: hello`, `app -> user: ...`).
    pub lines: Vec<String>,
    /// What did not behave; empty when the step passed.
    pub problems: Vec<String>,
}

impl Step {
    /// A step with a title and nothing recorded yet.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            lines: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Records what happened.
    pub fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// Records a problem unless `ok`.
    pub fn check(&mut self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            self.problems.push(problem());
        }
    }

    /// Records a problem.
    pub fn fail(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    /// Whether the step behaved.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.passed() { " ok " } else { "FAIL" };
        writeln!(f, "[{mark}] {}", self.title)?;
        for line in &self.lines {
            for (i, part) in line.lines().enumerate() {
                let indent = if i == 0 { "       " } else { "         " };
                writeln!(f, "{indent}{part}")?;
            }
        }
        for problem in &self.problems {
            writeln!(f, "       !! {problem}")?;
        }
        Ok(())
    }
}

/// Every step of a run, printed as it is recorded when `echo` is on.
#[derive(Debug, Default)]
pub struct Transcript {
    steps: Vec<Step>,
    echo: bool,
}

impl Transcript {
    /// A transcript that prints each step to stdout as it is recorded (`echo`) or only keeps it.
    pub fn new(echo: bool) -> Self {
        Self {
            steps: Vec::new(),
            echo,
        }
    }

    /// Records (and maybe prints) a step.
    pub fn record(&mut self, step: Step) {
        if self.echo {
            print!("{step}");
        }
        self.steps.push(step);
    }

    /// Every step so far.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The steps that did not behave.
    pub fn failures(&self) -> Vec<&Step> {
        self.steps.iter().filter(|s| !s.passed()).collect()
    }

    /// Whether every step behaved (and there was at least one).
    pub fn all_passed(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(Step::passed)
    }
}

impl fmt::Display for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.steps {
            write!(f, "{step}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_passes_until_a_check_fails() {
        let mut step = Step::new("text");
        step.line("user: hi");
        step.check(true, || "never".into());
        assert!(step.passed());
        step.check(false, || "no reply".into());
        assert!(!step.passed());
        let shown = step.to_string();
        assert!(shown.starts_with("[FAIL] text"), "{shown}");
        assert!(shown.contains("!! no reply"), "{shown}");

        let mut transcript = Transcript::new(false);
        assert!(!transcript.all_passed());
        transcript.record(Step::new("fine"));
        assert!(transcript.all_passed());
        transcript.record(step);
        assert!(!transcript.all_passed());
        assert_eq!(transcript.failures().len(), 1);
    }
}
