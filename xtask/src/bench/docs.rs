//! Writes `docs/benchmarks.md`: machine, date, command, results, and what each row means.

use crate::bench::machine::Machine;
use crate::bench::settings::Settings;
use crate::bench::table::{self, Row};

/// Everything the page shows about one run.
pub(crate) struct Run<'a> {
    /// `cargo xtask bench` or `cargo xtask bench --quick`.
    pub(crate) command: &'a str,
    /// When it started, `YYYY-MM-DD HH:MM UTC`.
    pub(crate) date: &'a str,
    /// How long the measurements took, in seconds.
    pub(crate) seconds: u64,
    /// How long the whole command took (with the release builds), in seconds.
    pub(crate) total_seconds: u64,
    /// The loop and load settings.
    pub(crate) settings: &'a Settings,
    /// The machine.
    pub(crate) machine: &'a Machine,
    /// The results.
    pub(crate) rows: &'a [Row],
}

/// The page's prose, with `{{name}}` placeholders that [`render`] fills.
const TEMPLATE: &str = include_str!("benchmarks.md.tmpl");

/// The whole page: [`TEMPLATE`] with every placeholder filled.
pub(crate) fn render(run: &Run<'_>) -> String {
    let machine = run.machine;
    let settings = run.settings;
    let tools = machine
        .tools
        .iter()
        .map(|(name, version)| format!("{name}: `{version}`"))
        .collect::<Vec<_>>()
        .join("; ");
    let values = [
        ("command", run.command.to_owned()),
        ("seconds", run.seconds.to_string()),
        ("total_seconds", run.total_seconds.to_string()),
        ("date", run.date.to_owned()),
        ("cpu", machine.cpu.clone()),
        ("memory", machine.memory.clone()),
        ("os", machine.os.clone()),
        ("load", machine.load.clone()),
        ("tools", tools),
        ("rounds", settings.rounds.to_string()),
        ("steps", table::thousands(settings.steps_iterations as f64)),
        ("loops", table::thousands(settings.loop_iterations as f64)),
        ("pool", table::thousands(settings.pool_pushes as f64)),
        ("threads", settings.wrk_threads.to_string()),
        ("conns", settings.wrk_connections.to_string()),
        ("users", table::thousands(settings.memory_users as f64)),
        ("table", table::render(run.rows)),
    ];
    fill(TEMPLATE, &values)
}

/// `template` with each `{{name}}` replaced by its value; a name without a value stays as it is
/// (the tests check that none is left). Values are inserted verbatim, never scanned again.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut page = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        page.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let name = &after[..end];
            let value = values.iter().find(|(key, _)| *key == name)?;
            Some((&value.1, end))
        });
        match value {
            Some((value, end)) => {
                page.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                page.push_str("{{");
                rest = after;
            }
        }
    }
    page.push_str(rest);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            cpu: "Test CPU, 2 logical cores".into(),
            memory: "1.0 GiB".into(),
            os: "Linux".into(),
            load: "0.1 0.2 0.3".into(),
            tools: vec![("rustc".into(), "rustc 1.95.0".into())],
        }
    }

    #[test]
    fn the_page_has_the_run_and_the_table() {
        let machine = machine();
        let rows = [Row::info("parse alone", "1/s")];
        let settings = Settings::new(true);
        let page = render(&Run {
            command: "cargo xtask bench --quick",
            date: "2026-11-24 19:15 UTC",
            seconds: 90,
            total_seconds: 300,
            settings: &settings,
            machine: &machine,
            rows: &rows,
        });
        assert!(page.starts_with("# Benchmarks\n"));
        assert!(page.contains(
            "- Command: `cargo xtask bench --quick` (measuring took 90 s; 300 s with the release builds)\n"
        ));
        assert!(page.contains("- Date: 2026-11-24 19:15 UTC\n"));
        assert!(page.contains("Test CPU, 2 logical cores"));
        assert!(page.contains("rustc: `rustc 1.95.0`"));
        assert!(page.contains("| parse alone | 1/s |"));
        assert!(page.contains("100,000 users"));
    }

    #[test]
    fn every_placeholder_is_filled_and_every_row_appears() {
        let machine = machine();
        let rows = [
            Row::info("wechatpy-equivalent steps", "400,000/s").budget(">= 30x", true),
            Row::info("whole pipeline", "90,000/s/core").budget(">= 200,000/s/core", false),
            Row::info("HTTP: empty axum handler", "30,000 req/s"),
            Row::not_run("token contention", "1 fetch", "no redis-server"),
            Row::info("memory per user", "500 B").budget("<= 2 KiB", true),
        ];
        let settings = Settings::new(false);
        let page = render(&Run {
            command: "cargo xtask bench",
            date: "2026-12-03 17:00 UTC",
            seconds: 600,
            total_seconds: 900,
            settings: &settings,
            machine: &machine,
            rows: &rows,
        });
        assert!(!page.contains("{{"), "a placeholder is left:\n{page}");
        assert!(!page.contains("}}"), "a placeholder is left:\n{page}");
        for row in [
            "| wechatpy-equivalent steps | 400,000/s |",
            "| whole pipeline | 90,000/s/core |",
            "| HTTP: empty axum handler | 30,000 req/s |",
            "| token contention | not run: no redis-server |",
            "| memory per user | 500 B |",
        ] {
            assert!(page.contains(row), "{row} is missing:\n{page}");
        }
        assert!(page.contains("wrk `-t"), "the wrk settings");
        assert!(page.ends_with("other rows are still measured.\n"));
    }

    #[test]
    fn fill_replaces_known_names_and_keeps_unknown_ones() {
        let values = [("a", "x{{b}}".to_owned()), ("b", "y".to_owned())];
        assert_eq!(fill("{{a}}-{{b}}-{{c}}-{{", &values), "x{{b}}-y-{{c}}-{{");
    }
}
