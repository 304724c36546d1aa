//! Pool files: distinct pre-encrypted pushes for wrk (`bench/wrk/pushes.lua`) and the peers.
//!
//! A pool file is text, one push per line: the query string, a tab, the one-line XML body.
//! Lines starting with `#` are comments; the first one names the account:
//!
//! ```text
//! # weixin-bench push pool appid=wx... token=... encoding_aes_key=... count=N
//! signature=...&timestamp=...&nonce=...&openid=...&encrypt_type=aes&msg_signature=...<TAB><xml>...</xml>
//! ```
//!
//! Push `n` has `MsgId` 24000000000000000 + n, so no two lines of a pool are retries of each
//! other and dedup never short-circuits.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::fixture::{self, Push};

/// The header line of a pool file.
pub fn header(count: u64) -> String {
    format!(
        "# weixin-bench push pool appid={} token={} encoding_aes_key={} count={count}",
        fixture::APPID,
        fixture::TOKEN,
        fixture::ENCODING_AES_KEY
    )
}

/// One line of a pool file.
pub fn line(push: &Push) -> String {
    format!("{}\t{}", push.query(), push.body)
}

/// Writes `count` pushes sent at `timestamp` to `path`.
pub fn write(path: &Path, count: u64, timestamp: u64) -> Result<(), String> {
    let crypt = fixture::crypt()?;
    let file =
        File::create(path).map_err(|err| format!("cannot create {}: {err}", path.display()))?;
    let mut out = BufWriter::new(file);
    let io = |err: std::io::Error| format!("cannot write {}: {err}", path.display());
    writeln!(out, "{}", header(count)).map_err(io)?;
    for n in 0..count {
        let push = Push::text(&crypt, n, timestamp)?;
        writeln!(out, "{}", line(&push)).map_err(io)?;
    }
    out.flush().map_err(io)
}

/// The push of one pool line (`query<TAB>body`).
pub fn parse_line(line: &str) -> Result<Push, String> {
    let (query, body) = line
        .split_once('\t')
        .ok_or("a pool line is `query<TAB>body`")?;
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
            .ok_or_else(|| format!("the pool line has no `{name}`"))
    };
    Ok(Push {
        signature: param("signature")?,
        timestamp: param("timestamp")?,
        nonce: param("nonce")?,
        openid: param("openid")?,
        msg_signature: param("msg_signature")?,
        body: body.to_owned(),
    })
}

/// The first push of the pool file at `path` (the one the steps loops of Rust and wechatpy
/// both use).
pub fn read_first(path: &Path) -> Result<Push, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let line = text
        .lines()
        .find(|line| !line.starts_with('#') && !line.is_empty())
        .ok_or_else(|| format!("{}: no push in the pool", path.display()))?;
    parse_line(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_has_a_header_and_one_distinct_push_per_line() {
        let path = std::env::temp_dir().join(format!("weixin-bench-pool-{}", std::process::id()));
        write(&path, 3, 1_700_000_000).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("# weixin-bench push pool appid="));
        assert!(lines[0].ends_with("count=3"));
        let crypt = fixture::crypt().unwrap();
        let mut messages = Vec::new();
        for line in &lines[1..] {
            let push = parse_line(line).unwrap();
            assert_eq!(push.timestamp, "1700000000");
            crypt
                .verify_signature(&push.signature, &push.timestamp, &push.nonce)
                .unwrap();
            let decrypted = crypt
                .decrypt_push(
                    &push.msg_signature,
                    &push.timestamp,
                    &push.nonce,
                    push.body.as_bytes(),
                )
                .unwrap();
            messages.push(decrypted.message);
        }
        messages.dedup();
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[0], fixture::text_xml(0, 1_700_000_000));
    }

    #[test]
    fn read_first_skips_the_header() {
        let path = std::env::temp_dir().join(format!("weixin-bench-first-{}", std::process::id()));
        write(&path, 2, 1_700_000_000).unwrap();
        let first = read_first(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(first.openid, fixture::openid(0));
        let decrypted = fixture::crypt()
            .unwrap()
            .decrypt_push(
                &first.msg_signature,
                &first.timestamp,
                &first.nonce,
                first.body.as_bytes(),
            )
            .unwrap();
        assert_eq!(decrypted.message, fixture::text_xml(0, 1_700_000_000));
        assert!(parse_line("no tab here").is_err());
    }
}
