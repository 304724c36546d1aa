//! Reads every log line the app instances wrote: secrets that must never appear, panics, and
//! the counters the checks need (40001/42001 seen by the apps, handler failures, dedup outages).

use std::path::{Path, PathBuf};

/// A value that must never appear in a log line, with a label for the report (never the value).
#[derive(Clone)]
pub struct Forbidden {
    /// What it is (`appsecret`, `access token #3`, ...).
    pub label: String,
    /// The value.
    pub value: String,
}

impl std::fmt::Debug for Forbidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forbidden")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// A log line that broke a rule: where it is and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// What was found (a label, never the secret).
    pub what: String,
}

/// What the scan found.
#[derive(Debug, Clone, Default)]
pub struct LogScan {
    /// Files read.
    pub files: usize,
    /// Lines read.
    pub lines: u64,
    /// Lines holding a secret or a token.
    pub secrets: Vec<Finding>,
    /// Lines with `panicked at`.
    pub panics: Vec<Finding>,
    /// Lines reporting errcode 40001 (invalid credential).
    pub errcode_40001: u64,
    /// Lines reporting errcode 42001 (expired token).
    pub errcode_42001: u64,
    /// `push handler failed` lines (the push was answered 500 so WeChat retries).
    pub handler_failures: u64,
    /// `dedup unavailable` lines (pushes handled without dedup during the Redis outage).
    pub dedup_unavailable: u64,
    /// Handlers still running at the push deadline (answered `success`, finished in background).
    pub past_deadline: u64,
    /// Lines at WARN.
    pub warn_lines: u64,
    /// Lines at ERROR.
    pub error_lines: u64,
}

/// Scans `files` for `forbidden` values and the counters.
pub fn scan(files: &[PathBuf], forbidden: &[Forbidden]) -> LogScan {
    let mut scan = LogScan::default();
    for file in files {
        scan_file(file, forbidden, &mut scan);
    }
    scan
}

fn scan_file(file: &Path, forbidden: &[Forbidden], scan: &mut LogScan) {
    let Ok(bytes) = std::fs::read(file) else {
        return;
    };
    scan.files += 1;
    let text = String::from_utf8_lossy(&bytes);
    for (index, raw) in text.lines().enumerate() {
        let line = strip_ansi(raw);
        let line = line.as_str();
        scan.lines += 1;
        let finding = |what: String| Finding {
            file: file.to_owned(),
            line: index + 1,
            what,
        };
        for secret in forbidden {
            if !secret.value.is_empty() && line.contains(&secret.value) {
                scan.secrets.push(finding(secret.label.clone()));
            }
        }
        if line.contains("panicked at") {
            scan.panics.push(finding("panicked at".to_owned()));
        }
        if line.contains("errcode 40001") || line.contains("errcode=40001") {
            scan.errcode_40001 += 1;
        }
        if line.contains("errcode 42001") || line.contains("errcode=42001") {
            scan.errcode_42001 += 1;
        }
        if line.contains("push handler failed") {
            scan.handler_failures += 1;
        }
        if line.contains("dedup unavailable") {
            scan.dedup_unavailable += 1;
        }
        if line.contains("handler still running at the deadline") {
            scan.past_deadline += 1;
        }
        if line.contains(" WARN ") {
            scan.warn_lines += 1;
        }
        if line.contains(" ERROR ") {
            scan.error_lines += 1;
        }
    }
}

/// The line without ANSI colour sequences (`ESC [ ... letter`): the apps colour their logs.
pub fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip to the final byte of the sequence (a letter).
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_secrets_panics_and_errcodes() {
        let dir = std::env::temp_dir().join(format!("weixin-chaos-logscan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("app.stderr");
        std::fs::write(
            &file,
            "2026 INFO ok\n\
             2026 DEBUG weixin.api.attempt{errcode=40001}: failed with errcode 40001\n\
             2026 \u{1b}[33m WARN \u{1b}[0m leaked s3cr3t-\u{1b}[2mvalue here\n\
             thread 'main' panicked at src/main.rs:1:1\n",
        )
        .unwrap();
        let forbidden = [Forbidden {
            label: "appsecret".into(),
            value: "s3cr3t-value".into(),
        }];
        let scan = scan(std::slice::from_ref(&file), &forbidden);
        assert_eq!(scan.lines, 4);
        assert_eq!(scan.errcode_40001, 1);
        assert_eq!(scan.warn_lines, 1);
        assert_eq!(scan.secrets.len(), 1);
        assert_eq!(scan.secrets[0].line, 3);
        assert_eq!(scan.secrets[0].what, "appsecret");
        assert_eq!(scan.panics.len(), 1);
        assert!(!format!("{:?}", forbidden[0]).contains("s3cr3t"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
