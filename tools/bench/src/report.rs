//! Result lines: how the subcommands hand their numbers to `cargo xtask bench`.
//!
//! One measurement is one line on stdout, `BENCH <name> key=value key=value ...`, with no
//! spaces inside names, keys or values. Everything else a subcommand prints is commentary.

use std::fmt::Write as _;

/// The first word of every result line.
pub const TAG: &str = "BENCH";

/// One result line being built.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    name: String,
    fields: Vec<(String, String)>,
}

impl Line {
    /// Starts the line of measurement `name` (e.g. `steps`).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            fields: Vec::new(),
        }
    }

    /// Adds `key=value`; spaces in the value are replaced by `_`.
    pub fn field(mut self, key: &str, value: impl ToString) -> Self {
        self.fields
            .push((key.to_owned(), value.to_string().replace(' ', "_")));
        self
    }

    /// The line as printed.
    pub fn render(&self) -> String {
        let mut out = format!("{TAG} {}", self.name);
        for (key, value) in &self.fields {
            let _ = write!(out, " {key}={value}");
        }
        out
    }

    /// Prints the line on stdout.
    pub fn print(&self) {
        println!("{}", self.render());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_name_and_fields_in_order() {
        let line = Line::new("steps")
            .field("pushes_per_sec", 1234.5)
            .field("note", "two words");
        assert_eq!(
            line.render(),
            "BENCH steps pushes_per_sec=1234.5 note=two_words"
        );
    }
}
