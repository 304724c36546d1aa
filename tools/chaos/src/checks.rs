//! The assertions of issue 10 over what a run observed, and the table they print as.

use std::collections::HashMap;
use std::fmt::Write as _;

use weixin_sim::{MessageKind, TokenKind};

use crate::load::{AttemptKind, PushRecord};
use crate::orchestrator::Evidence;

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    /// What is checked.
    pub name: String,
    /// What the run measured.
    pub measured: String,
    /// What it must be.
    pub expected: String,
    /// Whether it is.
    pub pass: bool,
}

/// The outcome of a run: the rows, and notes (examples of failures, where the logs are).
#[derive(Debug, Clone, Default)]
pub struct ChaosReport {
    /// The checks, in the order.
    pub rows: Vec<CheckRow>,
    /// Facts about the run and examples behind failed rows.
    pub notes: Vec<String>,
}

impl ChaosReport {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r.pass)
    }

    /// The rows as an aligned text table, then the notes.
    pub fn table(&self) -> String {
        let headers = ["check", "measured", "expected", "result"];
        let cells: Vec<[String; 4]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.name.clone(),
                    r.measured.clone(),
                    r.expected.clone(),
                    if r.pass { "ok" } else { "FAIL" }.to_owned(),
                ]
            })
            .collect();
        let mut widths = headers.map(str::len);
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, row: [&str; 4]| {
            let mut text = String::from("|");
            for (cell, width) in row.iter().zip(widths) {
                let pad = width.saturating_sub(cell.chars().count());
                let _ = write!(text, " {cell}{} |", " ".repeat(pad));
            }
            out.push_str(&text);
            out.push('\n');
        };
        line(&mut out, headers);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&mut out, [&rule[0], &rule[1], &rule[2], &rule[3]]);
        for row in &cells {
            line(&mut out, [&row[0], &row[1], &row[2], &row[3]]);
        }
        for note in &self.notes {
            out.push_str(note);
            out.push('\n');
        }
        let verdict = if self.passed() {
            "chaos run: every check passed"
        } else {
            "chaos run: FAILED"
        };
        out.push_str(verdict);
        out.push('\n');
        out
    }
}

/// The pushed text a customer-service reply answers: the first line is `You said: <text>`.
pub fn answered_text(reply: &str) -> Option<&str> {
    let rest = reply.strip_prefix("You said: ")?;
    Some(rest.split('\n').next().unwrap_or(rest))
}

/// Applies every check to `evidence`.
pub fn evaluate(evidence: &Evidence) -> ChaosReport {
    let mut report = ChaosReport::default();
    let records = &evidence.load.records;
    let inbox = inbox_counts(evidence);
    let handled = |r: &PushRecord| inbox.counts.get(r.text.as_str()).copied().unwrap_or(0);
    let secs = evidence.config.duration.as_secs_f64();

    // 1. The load itself.
    let attempts: usize = records.iter().map(|r| r.attempts.len()).sum();
    let retries = attempts.saturating_sub(records.len());
    let moved = records
        .iter()
        .flat_map(|r| r.attempts.windows(2))
        .filter(|w| w[0].instance != w[1].instance)
        .count();
    let sent = records.len() as u64;
    report.rows.push(CheckRow {
        name: "pushes sent (500 users, 3 instances)".into(),
        measured: format!(
            "{sent} pushes in {secs:.0} s ({:.0}/s), {attempts} attempts, {retries} retries ({moved} on another instance)",
            sent as f64 / secs.max(1.0)
        ),
        expected: format!(
            "{} planned, >= {}",
            evidence.planned, evidence.config.min_pushes
        ),
        pass: sent == evidence.planned
            && sent >= evidence.config.min_pushes
            && evidence.load.task_panics == 0,
    });

    // 2. Answered pushes were handled exactly once.
    let answered: Vec<&PushRecord> = records.iter().filter(|r| r.answered()).collect();
    let lost: Vec<&PushRecord> = answered
        .iter()
        .copied()
        .filter(|r| handled(r) == 0)
        .collect();
    let twice: Vec<&PushRecord> = records.iter().filter(|r| handled(r) > 1).collect();
    report.rows.push(CheckRow {
        name: "answered pushes handled exactly once".into(),
        measured: format!(
            "{} answered: {} once, {} never, {} more than once",
            answered.len(),
            answered.len() - lost.len() - answered.iter().filter(|r| handled(r) > 1).count(),
            lost.len(),
            answered.iter().filter(|r| handled(r) > 1).count()
        ),
        expected: "all once".into(),
        pass: lost.is_empty() && answered.iter().all(|r| handled(r) == 1),
    });
    note_examples(&mut report, "answered but never handled", &lost, evidence);
    note_examples(&mut report, "handled more than once", &twice, evidence);

    // 3. Pushes that failed every attempt failed cleanly and were not handled twice.
    let failed: Vec<&PushRecord> = records.iter().filter(|r| !r.answered()).collect();
    let mut last_kinds: HashMap<&'static str, usize> = HashMap::new();
    for r in &failed {
        let kind = match r.attempts.last().map(|a| a.kind) {
            Some(AttemptKind::Status(s)) if s >= 500 => "5xx",
            Some(AttemptKind::ConnectionError) => "connection error",
            Some(AttemptKind::Timeout) => "timeout",
            Some(AttemptKind::Status(_)) => "4xx",
            Some(AttemptKind::BadReply) => "bad reply",
            Some(AttemptKind::Answered) => "answered",
            None => "never sent",
        };
        *last_kinds.entry(kind).or_default() += 1;
    }
    let unclean = ["4xx", "bad reply", "never sent"]
        .iter()
        .map(|k| last_kinds.get(k).copied().unwrap_or(0))
        .sum::<usize>();
    let mut kinds: Vec<String> = last_kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    kinds.sort();
    report.rows.push(CheckRow {
        name: "pushes failed after 3 attempts".into(),
        measured: format!(
            "{} ({}); handled 0: {}, 1: {}, >1: {}",
            failed.len(),
            if kinds.is_empty() {
                "none".to_owned()
            } else {
                kinds.join(", ")
            },
            failed.iter().filter(|r| handled(r) == 0).count(),
            failed.iter().filter(|r| handled(r) == 1).count(),
            failed.iter().filter(|r| handled(r) > 1).count()
        ),
        expected: "5xx/timeout/refused only, none handled twice".into(),
        pass: unclean == 0 && failed.iter().all(|r| handled(r) <= 1),
    });

    // 4. The inbox: one message per handled push, nothing else.
    report.rows.push(CheckRow {
        name: "inbox = unique pushes handled".into(),
        measured: format!(
            "{} messages, {} distinct pushes, {} duplicates, {} unknown",
            inbox.total,
            inbox.counts.len(),
            inbox.duplicates,
            inbox.unknown
        ),
        expected: "messages = distinct, 0 duplicates, 0 unknown".into(),
        pass: inbox.duplicates == 0 && inbox.unknown == 0 && inbox.total == inbox.counts.len(),
    });

    // 5. The dead instance.
    let t = &evidence.timeline;
    let (dead_from, dead_to) = (
        t.killed_ms.unwrap_or(u64::MAX),
        t.restarted_ms.unwrap_or(u64::MAX),
    );
    let hit_dead: Vec<&PushRecord> = records
        .iter()
        .filter(|r| {
            r.attempts.iter().any(|a| {
                a.instance == t.killed_instance
                    && matches!(a.kind, AttemptKind::ConnectionError | AttemptKind::Timeout)
                    && a.ended_ms >= dead_from
                    && a.started_ms <= dead_to
            })
        })
        .collect();
    let in_flight = records
        .iter()
        .filter(|r| {
            r.attempts.iter().any(|a| {
                a.instance == t.killed_instance
                    && a.started_ms < dead_from
                    && a.ended_ms >= dead_from
            })
        })
        .count();
    report.rows.push(outcome_row(
        format!("pushes that hit the killed instance {}", t.killed_instance),
        &hit_dead,
        &handled,
        format!(
            "{in_flight} in flight at the kill; dead {} ms",
            dead_to.saturating_sub(dead_from)
        ),
        t.killed_ms.is_some() && t.restarted_ms.is_some(),
    ));

    // 6. The Redis outage.
    let (down, up) = (
        t.redis_down_ms.unwrap_or(u64::MAX),
        t.redis_up_ms.unwrap_or(u64::MAX).saturating_add(1000),
    );
    let in_outage: Vec<&PushRecord> = records
        .iter()
        .filter(|r| {
            r.attempts
                .iter()
                .any(|a| a.ended_ms >= down && a.started_ms <= up)
        })
        .collect();
    report.rows.push(outcome_row(
        "pushes during the Redis outage".into(),
        &in_outage,
        &handled,
        format!(
            "down {} ms; {} handled without dedup",
            t.redis_up_ms
                .unwrap_or(down)
                .saturating_sub(t.redis_down_ms.unwrap_or(down)),
            evidence.logs.dedup_unavailable
        ),
        t.redis_down_ms.is_some() && t.redis_up_ms.is_some(),
    ));

    // 7. 40001 seen by the apps.
    report.rows.push(CheckRow {
        name: "40001 seen by the apps".into(),
        measured: format!(
            "{} (42001: {})",
            evidence.logs.errcode_40001, evidence.logs.errcode_42001
        ),
        expected: "0 (no forced cases in this run)".into(),
        pass: evidence.logs.errcode_40001 == 0,
    });

    // 8. Token fetches = expiry windows.
    report.rows.push(token_row(evidence, &mut report.notes));

    // 9. No panic.
    let exits_ok = evidence
        .exits
        .iter()
        .all(|e| e.is_some_and(|status| status.success()));
    report.rows.push(CheckRow {
        name: "no panic".into(),
        measured: format!(
            "{} `panicked at` lines, {} driver task panics, exit codes after SIGTERM: {}",
            evidence.logs.panics.len(),
            evidence.load.task_panics,
            evidence
                .exits
                .iter()
                .map(|e| e.map_or("none".to_owned(), |s| s.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        expected: "0, 0, all 0".into(),
        pass: evidence.logs.panics.is_empty() && evidence.load.task_panics == 0 && exits_ok,
    });

    // 10. No deadlock: every request finished.
    let timeouts = records
        .iter()
        .flat_map(|r| &r.attempts)
        .filter(|a| a.kind == AttemptKind::Timeout)
        .count();
    let drain_ms = evidence
        .load_end_ms
        .saturating_sub(evidence.load.last_start_ms);
    let healthy = evidence.healthy_at_end.iter().filter(|h| **h).count();
    report.rows.push(CheckRow {
        name: "no deadlock (every request finished)".into(),
        measured: format!(
            "{} of {} pushes finished, last {} ms after the last start; {timeouts} attempts timed out (5 s); {healthy}/{} healthy at the end; {} exited on SIGTERM",
            records.len(),
            evidence.planned,
            drain_ms,
            evidence.healthy_at_end.len(),
            evidence.exits.iter().filter(|e| e.is_some()).count()
        ),
        expected: "all, within 3 x 5 s, all healthy, all exit".into(),
        pass: records.len() as u64 == evidence.planned
            && drain_ms <= 20_000
            && healthy == evidence.healthy_at_end.len()
            && evidence.exits.iter().all(Option::is_some),
    });

    // 11. Memory.
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let rss: Vec<String> = evidence
        .rss
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "#{i} {:.0}/{:.0}/{:.0}",
                mib(s.first),
                mib(s.peak),
                mib(s.last)
            )
        })
        .collect();
    report.rows.push(CheckRow {
        name: "memory per instance (RSS MiB first/peak/last)".into(),
        measured: rss.join(", "),
        expected: format!("peak <= {:.0} MiB", mib(evidence.config.rss_limit)),
        pass: !evidence.rss.is_empty()
            && evidence
                .rss
                .iter()
                .all(|s| s.samples > 0 && s.peak <= evidence.config.rss_limit),
    });

    // 12. Secrets in the logs.
    let mut leaked: Vec<String> = evidence
        .logs
        .secrets
        .iter()
        .map(|f| f.what.clone())
        .collect();
    leaked.sort();
    leaked.dedup();
    report.rows.push(CheckRow {
        name: "no secret or token in any log line".into(),
        measured: format!(
            "{} lines in {} files; {} with a secret{}",
            evidence.logs.lines,
            evidence.logs.files,
            evidence.logs.secrets.len(),
            if leaked.is_empty() {
                String::new()
            } else {
                format!(" ({})", leaked.join(", "))
            }
        ),
        expected: format!(
            "0 (appsecret, Token, EncodingAESKey, {} access tokens)",
            evidence.token_values_seen
        ),
        pass: evidence.logs.secrets.is_empty() && evidence.logs.lines > 0,
    });
    for finding in evidence.logs.secrets.iter().take(5) {
        report.notes.push(format!(
            "secret in a log: {} at {}:{}",
            finding.what,
            finding.file.display(),
            finding.line
        ));
    }
    for finding in evidence.logs.panics.iter().take(5) {
        report.notes.push(format!(
            "panic in a log: {}:{}",
            finding.file.display(),
            finding.line
        ));
    }
    for error in &t.errors {
        report.notes.push(format!("chaos event failed: {error}"));
    }

    report.notes.push(format!(
        "timeline: instance {} killed at {} ms, healthy again at {} ms; Redis down at {} ms, up at {} ms; load ended at {} ms",
        t.killed_instance,
        show(t.killed_ms),
        show(t.restarted_ms),
        show(t.redis_down_ms),
        show(t.redis_up_ms),
        evidence.load_end_ms
    ));
    report.notes.push(format!(
        "apps: {} handler failures answered 500, {} handlers past the 4.5 s deadline, {} WARN and {} ERROR lines; custom/send calls at the simulator: {}; logs in {}",
        evidence.logs.handler_failures,
        evidence.logs.past_deadline,
        evidence.logs.warn_lines,
        evidence.logs.error_lines,
        evidence
            .calls
            .get("/cgi-bin/message/custom/send")
            .copied()
            .unwrap_or(0),
        evidence.log_dir.display()
    ));
    report
}

fn show(ms: Option<u64>) -> String {
    ms.map_or("-".to_owned(), |ms| ms.to_string())
}

/// The row for a group of pushes hit by an event: answered by a retry, failed cleanly, none
/// handled twice, none answered without being handled.
fn outcome_row(
    name: String,
    group: &[&PushRecord],
    handled: &dyn Fn(&PushRecord) -> usize,
    extra: String,
    happened: bool,
) -> CheckRow {
    let answered = group.iter().filter(|r| r.answered()).count();
    let failed_5xx = group
        .iter()
        .filter(|r| !r.answered() && r.attempts.last().is_some_and(|a| a.kind.retryable()))
        .count();
    let lost = group
        .iter()
        .filter(|r| r.answered() && handled(r) == 0)
        .count();
    let twice = group.iter().filter(|r| handled(r) > 1).count();
    CheckRow {
        name,
        measured: format!(
            "{} pushes: {answered} answered, {failed_5xx} failed (5xx/refused/timeout); {lost} answered but not handled, {twice} handled twice; {extra}",
            group.len()
        ),
        expected: "answered or failed cleanly; 0 lost, 0 twice".into(),
        pass: happened && twice == 0 && lost == 0 && answered + failed_5xx == group.len(),
    }
}

fn token_row(evidence: &Evidence, notes: &mut Vec<String>) -> CheckRow {
    let appid_tokens: Vec<_> = evidence.tokens_issued.iter().collect();
    let mut extra = 0usize;
    for kind in [TokenKind::Stable, TokenKind::Classic] {
        let mut of_kind: Vec<_> = appid_tokens.iter().filter(|t| t.kind == kind).collect();
        of_kind.sort_by_key(|t| t.issued_at);
        let overlap = evidence.config.token_overlap.as_secs();
        for pair in of_kind.windows(2) {
            // A new token is due once the previous one is inside its renewal window (1 s slack
            // for the simulator's whole-second timestamps).
            if pair[1].issued_at + overlap + 1 < pair[0].expires_at {
                extra += 1;
            }
        }
    }
    let issued = appid_tokens.len();
    let min_tokens = evidence.config.min_tokens();
    let stable = appid_tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Stable)
        .count();
    let first = appid_tokens.iter().map(|t| t.issued_at).min().unwrap_or(0);
    let last = appid_tokens.iter().map(|t| t.issued_at).max().unwrap_or(0);
    let ttl = evidence.config.token_ttl.as_secs().max(1);
    let renew_every = ttl
        .saturating_sub(evidence.config.token_overlap.as_secs())
        .max(1);
    let span = last.saturating_sub(first);
    // Windows in the span between the first and the last issue.
    let min_windows = (span / ttl + 1) as usize;
    let max_windows = (span / renew_every + 2) as usize;
    let fetch_calls = evidence
        .calls
        .get("/cgi-bin/stable_token")
        .copied()
        .unwrap_or(0)
        + evidence.calls.get("/cgi-bin/token").copied().unwrap_or(0);
    notes.push(format!(
        "tokens: {issued} issued ({stable} stable) over {span} s, TTL {ttl} s, renewal window {} s; {fetch_calls} token-endpoint calls by the apps (faults and renewals included)",
        evidence.config.token_overlap.as_secs()
    ));
    CheckRow {
        name: "token fetches = expiry windows".into(),
        measured: format!("{issued} tokens issued, {extra} before their window"),
        expected: format!("{min_windows}..={max_windows} windows (>= {min_tokens}), 0 early"),
        pass: extra == 0 && issued >= min_tokens && (min_windows..=max_windows).contains(&issued),
    }
}

struct Inbox<'a> {
    counts: HashMap<&'a str, usize>,
    total: usize,
    duplicates: usize,
    unknown: usize,
}

fn inbox_counts(evidence: &Evidence) -> Inbox<'_> {
    let mut inbox = Inbox {
        counts: HashMap::new(),
        total: 0,
        duplicates: 0,
        unknown: 0,
    };
    for message in &evidence.messages {
        if message.kind != MessageKind::Custom {
            continue;
        }
        inbox.total += 1;
        match message.text().and_then(answered_text) {
            Some(text) if text.starts_with("chaos-u") => {
                let count = inbox.counts.entry(text).or_default();
                *count += 1;
                if *count > 1 {
                    inbox.duplicates += 1;
                }
            }
            _ => inbox.unknown += 1,
        }
    }
    inbox
}

fn note_examples(
    report: &mut ChaosReport,
    what: &str,
    records: &[&PushRecord],
    evidence: &Evidence,
) {
    if records.is_empty() {
        return;
    }
    let t = &evidence.timeline;
    for r in records.iter().take(8) {
        let attempts: Vec<String> = r
            .attempts
            .iter()
            .map(|a| {
                format!(
                    "#{} {:?} {}..{} ms",
                    a.instance, a.kind, a.started_ms, a.ended_ms
                )
            })
            .collect();
        report.notes.push(format!(
            "{what}: {} (MsgId {}): {}",
            r.text,
            r.msg_id,
            attempts.join(" -> ")
        ));
    }
    report.notes.push(format!(
        "({} {what} in all; kill at {} ms, Redis down {}..{} ms)",
        records.len(),
        show(t.killed_ms),
        show(t.redis_down_ms),
        show(t.redis_up_ms)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answered_text_is_the_first_line_only() {
        assert_eq!(
            answered_text("You said: chaos-u001-000001\nEarlier: chaos-u001-000000"),
            Some("chaos-u001-000001")
        );
        assert_eq!(answered_text("Welcome!"), None);
    }

    fn push(seq: u64, attempts: &[(usize, AttemptKind, u64, u64)]) -> PushRecord {
        PushRecord {
            seq,
            openid: crate::load::openid(0),
            text: crate::load::push_text(0, seq),
            msg_id: 7_000 + seq,
            attempts: attempts
                .iter()
                .map(
                    |&(instance, kind, started_ms, ended_ms)| crate::load::AttemptRecord {
                        instance,
                        started_ms,
                        ended_ms,
                        kind,
                    },
                )
                .collect(),
        }
    }

    fn reply(seq: u64) -> weixin_sim::SentMessage {
        weixin_sim::SentMessage {
            appid: "wx1".into(),
            touser: crate::load::openid(0),
            kind: MessageKind::Custom,
            msgtype: "text".into(),
            body: serde_json::json!({"text": {"content": format!(
                "You said: {}\nEarlier: (nothing yet)", crate::load::push_text(0, seq)
            )}}),
            at: 0,
        }
    }

    fn evidence(records: Vec<PushRecord>, messages: Vec<weixin_sim::SentMessage>) -> Evidence {
        use std::os::unix::process::ExitStatusExt;
        let mut config = crate::ChaosConfig::short("wxopen-sample".into());
        config.min_pushes = 0;
        let stats = crate::orchestrator::RssStats {
            first: 1,
            peak: 1,
            last: 1,
            samples: 1,
        };
        Evidence {
            planned: records.len() as u64,
            config,
            load: crate::load::LoadResult {
                records,
                task_panics: 0,
                last_start_ms: 0,
            },
            load_end_ms: 100,
            messages,
            tokens_issued: Vec::new(),
            token_values_seen: 0,
            calls: std::collections::BTreeMap::new(),
            timeline: crate::orchestrator::Timeline {
                killed_instance: 1,
                killed_ms: Some(1_000),
                restarted_ms: Some(3_000),
                redis_down_ms: Some(10_000),
                redis_up_ms: Some(15_000),
                errors: Vec::new(),
            },
            rss: vec![stats; 3],
            healthy_at_end: vec![true; 3],
            exits: vec![Some(std::process::ExitStatus::from_raw(0)); 3],
            logs: crate::logscan::LogScan {
                lines: 1,
                ..Default::default()
            },
            log_dir: "logs".into(),
        }
    }

    fn row<'a>(report: &'a ChaosReport, name: &str) -> &'a CheckRow {
        report
            .rows
            .iter()
            .find(|r| r.name.starts_with(name))
            .unwrap_or_else(|| panic!("no row {name}"))
    }

    #[test]
    fn exactly_once_passes_and_a_lost_or_doubled_push_fails() {
        use AttemptKind::{Answered, ConnectionError, Status};
        // Answered after a 500; handled once.
        let good = vec![push(0, &[(0, Status(500), 0, 5), (1, Answered, 100, 110)])];
        let report = evaluate(&evidence(good, vec![reply(0)]));
        assert!(row(&report, "answered pushes handled exactly once").pass);
        assert!(row(&report, "inbox").pass);

        // Killed mid-handler, the retry answered from the in-flight mark: lost.
        let lost = vec![push(
            1,
            &[
                (1, ConnectionError, 900, 1_000),
                (2, Answered, 1_100, 5_600),
            ],
        )];
        let report = evaluate(&evidence(lost, vec![]));
        assert!(!row(&report, "answered pushes handled exactly once").pass);
        assert!(!row(&report, "pushes that hit the killed instance").pass);
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.contains("answered but never handled"))
        );

        // Handled twice: a duplicate in the inbox.
        let twice = vec![push(2, &[(0, Answered, 0, 10)])];
        let report = evaluate(&evidence(twice, vec![reply(2), reply(2)]));
        assert!(!row(&report, "answered pushes handled exactly once").pass);
        assert!(!row(&report, "inbox").pass);
        assert!(!report.passed());
    }

    #[test]
    fn the_table_shows_failures() {
        let report = ChaosReport {
            rows: vec![
                CheckRow {
                    name: "a".into(),
                    measured: "1".into(),
                    expected: "1".into(),
                    pass: true,
                },
                CheckRow {
                    name: "b".into(),
                    measured: "2".into(),
                    expected: "0".into(),
                    pass: false,
                },
            ],
            notes: vec![],
        };
        assert!(!report.passed());
        let table = report.table();
        assert!(
            table.contains("| b     | 2        | 0        | FAIL   |"),
            "{table}"
        );
        assert!(table.ends_with("chaos run: FAILED\n"));
    }
}
