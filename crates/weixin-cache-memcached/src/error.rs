//! Mapping `memcache::exp` errors and elapsed timeouts to [`CacheError`].

use std::io;
use std::time::Duration;

use memcache::exp::Error;
use weixin_core::cache::{CacheError, CacheErrorKind};

/// The backend name used in errors and logs.
pub(crate) const BACKEND: &str = "memcached";

/// Converts a client error: transport problems are `Unavailable` (or `Timeout`), an oversized
/// value is `InvalidInput`.
pub(crate) fn from_client(op: &str, err: Error) -> CacheError {
    let kind = classify(&err);
    let note = if err.is_ambiguous() {
        " (the request was sent; whether the server applied it is unknown)"
    } else {
        ""
    };
    CacheError::new(kind, BACKEND, format!("{op} failed{note}: {err}")).with_source(err)
}

fn classify(err: &Error) -> CacheErrorKind {
    match err {
        Error::Io(io) if is_timeout(io) => CacheErrorKind::Timeout,
        Error::Io(_) => CacheErrorKind::Unavailable,
        Error::Timeout { .. } => CacheErrorKind::Timeout,
        Error::Ambiguous { source, .. } => classify(source),
        // "SERVER_ERROR object too large for cache": the value exceeds the server's item size
        // (`-I`); other server errors (out of memory, ...) are the server's trouble.
        Error::Server(message) if message.contains("too large") => CacheErrorKind::InvalidInput,
        Error::Server(_) => CacheErrorKind::Unavailable,
        Error::Rejected(_) | Error::Usage(_) | Error::EmptyValue => CacheErrorKind::InvalidInput,
        _ => CacheErrorKind::Protocol,
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// The error for an operation that did not finish within the configured timeout.
pub(crate) fn timeout(op: &str, limit: Duration) -> CacheError {
    CacheError::new(
        CacheErrorKind::Timeout,
        BACKEND,
        format!("{op} did not finish within {limit:?}"),
    )
}

/// The error for a rejected argument.
pub(crate) fn invalid(message: impl Into<String>) -> CacheError {
    CacheError::new(CacheErrorKind::InvalidInput, BACKEND, message)
}

/// The error for a reply this backend does not expect.
pub(crate) fn unexpected(op: &str, what: impl std::fmt::Debug) -> CacheError {
    CacheError::new(
        CacheErrorKind::Protocol,
        BACKEND,
        format!("{op}: unexpected reply {what:?}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let kind = |e| from_client("op", e).kind();
        assert_eq!(
            kind(Error::Io(io::Error::from(io::ErrorKind::ConnectionRefused))),
            CacheErrorKind::Unavailable
        );
        assert_eq!(
            kind(Error::Io(io::Error::from(io::ErrorKind::TimedOut))),
            CacheErrorKind::Timeout
        );
        assert_eq!(
            kind(Error::Timeout { key: b"k".to_vec() }),
            CacheErrorKind::Timeout
        );
        assert_eq!(
            kind(Error::Server("object too large for cache".into())),
            CacheErrorKind::InvalidInput
        );
        assert_eq!(kind(Error::Usage("bad")), CacheErrorKind::InvalidInput);
        assert_eq!(
            kind(Error::Protocol("garbage".into())),
            CacheErrorKind::Protocol
        );
    }

    #[test]
    fn ambiguous_errors_keep_their_cause_and_say_so() {
        let err = from_client(
            "SET",
            Error::Ambiguous {
                key: b"k".to_vec(),
                source: Box::new(Error::Io(io::Error::from(io::ErrorKind::ConnectionReset))),
            },
        );
        assert_eq!(err.kind(), CacheErrorKind::Unavailable);
        assert!(err.to_string().contains("unknown"), "{err}");
    }
}
