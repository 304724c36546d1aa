//! A review that runs on every `cargo xtask test`: no library or example code compares a
//! signature, an `echostr`, a session key or an exposed secret with `==` / `!=`.
//!
//! Those comparisons must go through the constant-time functions (`weixin_crypto`'s
//! `verify_*` and `signature::hex_eq`, or `Secret`'s own equality, which is constant-time),
//! so that response timing does not reveal how much of a forged value was right. The test tools
//! that play WeChat's side (the simulator, the chaos and benchmark harnesses) are exempt.

use std::fs;
use std::path::{Path, PathBuf};

/// Names that, next to `==` or `!=`, mean a secret or a signature is being compared.
const SENSITIVE: [&str; 5] = ["signature", "msg_sig", "echostr", "session_key", "expose()"];

/// Crates (directories under `crates/`, `examples/` and `tools/`) that stand in for WeChat or
/// measure things, not code that checks what WeChat sends.
const EXEMPT: [&str; 3] = ["weixin-sim", "chaos", "bench"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `src/` trees of every crate, example and tool that is not exempt.
fn library_sources() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    for group in ["crates", "examples", "tools"] {
        let Ok(entries) = fs::read_dir(root.join(group)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if EXEMPT.iter().any(|e| name == *e) {
                continue;
            }
            rust_files(&entry.path().join("src"), &mut files);
        }
    }
    files
}

/// Lines of `source` (before its `#[cfg(test)]` module) that compare a sensitive value with
/// `==` or `!=`.
fn suspicious_lines(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.trim();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") || !(code.contains("==") || code.contains("!=")) {
            continue;
        }
        let lower = code.to_lowercase();
        if SENSITIVE.iter().any(|name| lower.contains(name)) {
            found.push((number + 1, code.to_owned()));
        }
    }
    found
}

#[test]
fn the_review_catches_a_plain_comparison() {
    let bad = "fn check(signature: &str, expected: &str) -> bool {\n    signature == expected\n}\n";
    assert_eq!(suspicious_lines(bad).len(), 1);
    let good = "fn check(s: &str, e: &str) -> bool {\n    hex_eq(s, e)\n}\n";
    assert!(suspicious_lines(good).is_empty());
}

#[test]
fn no_signature_or_secret_is_compared_with_eq() {
    let files = library_sources();
    assert!(
        files.len() > 50,
        "found only {} source files: is the workspace layout different?",
        files.len()
    );
    let mut offenders = Vec::new();
    for file in files {
        let source = fs::read_to_string(&file).expect("readable source file");
        for (line, code) in suspicious_lines(&source) {
            offenders.push(format!("{}:{line}: {code}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "compare these in constant time (weixin_crypto::signature::hex_eq, verify_*, or as Secret values):\n{}",
        offenders.join("\n")
    );
}
