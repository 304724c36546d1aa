//! The results table: one row per measurement, rendered as Markdown (for the terminal and for
//! `docs/benchmarks.md` alike).

/// Whether a row met its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Within budget.
    Met,
    /// Outside budget.
    Missed,
    /// The row has no budget (context for another row).
    Info,
    /// Not measured, with the reason.
    NotRun(String),
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// What was measured.
    pub(crate) what: String,
    /// The number (with unit).
    pub(crate) result: String,
    /// What it is compared with, and that number.
    pub(crate) compared: String,
    /// The ratio, e.g. `41.2x` or `86%`.
    pub(crate) ratio: String,
    /// The budget, e.g. `>= 30x`.
    pub(crate) budget: String,
    /// Met or not.
    pub(crate) verdict: Verdict,
}

impl Row {
    /// A measured row without comparison or budget.
    pub(crate) fn info(what: impl Into<String>, result: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            result: result.into(),
            compared: String::new(),
            ratio: String::new(),
            budget: String::new(),
            verdict: Verdict::Info,
        }
    }

    /// A row that was not measured, and why.
    pub(crate) fn not_run(what: impl Into<String>, budget: &str, why: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            result: String::new(),
            compared: String::new(),
            ratio: String::new(),
            budget: budget.to_owned(),
            verdict: Verdict::NotRun(one_line(&why.into())),
        }
    }

    /// Adds the comparison and its ratio.
    pub(crate) fn compared(
        mut self,
        compared: impl Into<String>,
        ratio: impl Into<String>,
    ) -> Self {
        self.compared = compared.into();
        self.ratio = ratio.into();
        self
    }

    /// Adds a budget and whether it was met.
    pub(crate) fn budget(mut self, budget: &str, met: bool) -> Self {
        self.budget = budget.to_owned();
        self.verdict = if met { Verdict::Met } else { Verdict::Missed };
        self
    }
}

/// A table cell: no line breaks, no unescaped `|`.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rows as a Markdown table.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut out = String::from(
        "| what | result | compared with | ratio | budget | verdict |\n\
         | --- | ---: | --- | ---: | --- | --- |\n",
    );
    for row in rows {
        let (result, verdict) = match &row.verdict {
            Verdict::Met => (cell(&row.result), "met".to_owned()),
            Verdict::Missed => (cell(&row.result), "**missed**".to_owned()),
            Verdict::Info => (cell(&row.result), String::new()),
            Verdict::NotRun(why) => (format!("not run: {}", cell(why)), "not run".to_owned()),
        };
        out.push_str(&format!(
            "| {} | {result} | {} | {} | {} | {verdict} |\n",
            cell(&row.what),
            cell(&row.compared),
            cell(&row.ratio),
            cell(&row.budget),
        ));
    }
    out
}

/// `1234567.8` as `1,234,568`.
pub(crate) fn thousands(value: f64) -> String {
    let rounded = value.round().max(0.0) as u64;
    let digits = rounded.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_kind_of_row() {
        let rows = vec![
            Row::info("parse alone", "1,000/s"),
            Row::info("steps", "400,000/s")
                .compared("wechatpy 10,000/s", "40.0x")
                .budget(">= 30x", true),
            Row::info("http", "9/s").budget(">= 80%", false),
            Row::not_run("token", "1 fetch", "no redis-server |\nhere"),
        ];
        let table = render(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(
            lines[3],
            "| steps | 400,000/s | wechatpy 10,000/s | 40.0x | >= 30x | met |"
        );
        assert!(lines[4].ends_with("| **missed** |"));
        assert_eq!(
            lines[5],
            "| token | not run: no redis-server \\| here |  |  | 1 fetch | not run |"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_234_567.8), "1,234,568");
    }
}
