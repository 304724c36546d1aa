//! Tiny protocol probes for Redis and memcached over plain TCP, std only.
//!
//! `cargo xtask test` uses them to wait until a throwaway server really answers, and the smoke
//! test uses them to prove that a test process can reach both servers.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let addr = xtask::probe::socket_addr_from_url("redis://127.0.0.1:6379", "redis")?;
//! xtask::probe::redis_ping(addr, Duration::from_secs(1))?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Largest reply a probe reads before giving up; the probes' replies are a few bytes.
const MAX_REPLY: usize = 64 * 1024;

/// Parses `SCHEME://[USER@]HOST:PORT[/...]` into a socket address.
///
/// ```
/// let addr = xtask::probe::socket_addr_from_url("memcache://127.0.0.1:11211", "memcache")?;
/// assert_eq!(addr.port(), 11211);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// `InvalidInput` when the scheme differs, the port is missing, or the host does not resolve.
pub fn socket_addr_from_url(url: &str, scheme: &str) -> io::Result<SocketAddr> {
    let invalid = |why: &str| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{url}`: {why} (expected {scheme}://HOST:PORT)"),
        )
    };
    let rest = url
        .strip_prefix(scheme)
        .and_then(|rest| rest.strip_prefix("://"))
        .ok_or_else(|| invalid("wrong scheme"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    if host_port.is_empty() {
        return Err(invalid("no host"));
    }
    host_port
        .to_socket_addrs()
        .map_err(|err| invalid(&err.to_string()))?
        .next()
        .ok_or_else(|| invalid("the host resolves to no address"))
}

/// Sends `PING` to a Redis server and checks that it answers `+PONG`.
///
/// # Errors
///
/// Connection and timeout errors, or `InvalidData` when the reply is not `+PONG`.
pub fn redis_ping(addr: SocketAddr, timeout: Duration) -> io::Result<()> {
    let mut stream = connect(addr, timeout)?;
    let reply = exchange(&mut stream, b"PING\r\n", ends_with_crlf)?;
    expect_reply("redis PING", &reply, b"+PONG\r\n")
}

/// Sends `version` to a memcached server and returns the version it reports.
///
/// # Errors
///
/// Connection and timeout errors, or `InvalidData` when the reply is not `VERSION ...`.
pub fn memcached_version(addr: SocketAddr, timeout: Duration) -> io::Result<String> {
    let mut stream = connect(addr, timeout)?;
    let reply = exchange(&mut stream, b"version\r\n", ends_with_crlf)?;
    match reply.strip_prefix(b"VERSION ") {
        Some(version) => Ok(String::from_utf8_lossy(version).trim_end().to_owned()),
        None => Err(unexpected("memcached version", &reply, b"VERSION ...\r\n")),
    }
}

/// Stores `value` under `key` in memcached (`set`, 60 s expiry) and reads it back (`get`).
///
/// `value` must not contain `\r\nEND\r\n`; probes use short plain values.
///
/// # Errors
///
/// Connection and timeout errors, or `InvalidData` when a reply differs from the protocol's
/// `STORED` / `VALUE ... END`.
pub fn memcached_set_get(
    addr: SocketAddr,
    timeout: Duration,
    key: &str,
    value: &[u8],
) -> io::Result<()> {
    let mut stream = connect(addr, timeout)?;

    let mut set = format!("set {key} 0 60 {}\r\n", value.len()).into_bytes();
    set.extend_from_slice(value);
    set.extend_from_slice(b"\r\n");
    let reply = exchange(&mut stream, &set, ends_with_crlf)?;
    expect_reply("memcached set", &reply, b"STORED\r\n")?;

    let get = format!("get {key}\r\n");
    let reply = exchange(&mut stream, get.as_bytes(), |reply| {
        reply.ends_with(b"END\r\n") || (ends_with_crlf(reply) && is_error_line(reply))
    })?;
    let mut expected = format!("VALUE {key} 0 {}\r\n", value.len()).into_bytes();
    expected.extend_from_slice(value);
    expected.extend_from_slice(b"\r\nEND\r\n");
    expect_reply("memcached get", &reply, &expected)
}

/// Opens a TCP connection whose connect, read and write all give up after `timeout`.
fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    Ok(stream)
}

/// Writes `request`, then reads until `complete` says the reply is whole (or the peer closes).
fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    complete: impl Fn(&[u8]) -> bool,
) -> io::Result<Vec<u8>> {
    stream.write_all(request)?;
    let mut reply = Vec::new();
    let mut chunk = [0_u8; 4096];
    while !complete(&reply) && reply.len() < MAX_REPLY {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        reply.extend_from_slice(&chunk[..read]);
    }
    Ok(reply)
}

fn ends_with_crlf(reply: &[u8]) -> bool {
    reply.ends_with(b"\r\n")
}

fn is_error_line(reply: &[u8]) -> bool {
    [&b"ERROR"[..], b"CLIENT_ERROR", b"SERVER_ERROR"]
        .iter()
        .any(|prefix| reply.starts_with(prefix))
}

fn expect_reply(what: &str, reply: &[u8], expected: &[u8]) -> io::Result<()> {
    if reply == expected {
        Ok(())
    } else {
        Err(unexpected(what, reply, expected))
    }
}

fn unexpected(what: &str, reply: &[u8], expected: &[u8]) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "{what}: expected {:?}, got {:?}",
            String::from_utf8_lossy(expected),
            String::from_utf8_lossy(reply)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_and_port() {
        let addr = socket_addr_from_url("redis://127.0.0.1:6380", "redis").unwrap();
        assert_eq!(addr, SocketAddr::from(([127, 0, 0, 1], 6380)));
    }

    #[test]
    fn ignores_user_info_and_path() {
        let addr = socket_addr_from_url("redis://user:pw@127.0.0.1:7000/2", "redis").unwrap();
        assert_eq!(addr.port(), 7000);
    }

    #[test]
    fn rejects_wrong_scheme_and_missing_port() {
        let err = socket_addr_from_url("http://127.0.0.1:1", "redis").unwrap_err();
        assert!(err.to_string().contains("wrong scheme"), "{err}");
        let err = socket_addr_from_url("memcache://127.0.0.1", "memcache").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(socket_addr_from_url("redis://", "redis").is_err());
    }

    #[test]
    fn recognises_memcached_error_lines() {
        assert!(is_error_line(b"SERVER_ERROR out of memory\r\n"));
        assert!(!is_error_line(b"VALUE k 0 1\r\n"));
    }
}
