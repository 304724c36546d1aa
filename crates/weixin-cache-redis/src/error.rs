//! Mapping `redis` errors and elapsed timeouts to [`CacheError`].

use weixin_core::cache::{CacheError, CacheErrorKind};

/// The backend name used in errors and logs.
pub(crate) const BACKEND: &str = "redis";

/// Converts a client error, classifying connection problems as `Unavailable`.
pub(crate) fn from_redis(op: &str, err: redis::RedisError) -> CacheError {
    let kind = classify(&err);
    CacheError::new(kind, BACKEND, format!("{op} failed: {err}")).with_source(err)
}

fn classify(err: &redis::RedisError) -> CacheErrorKind {
    use redis::{ErrorKind, ServerErrorKind};
    if err.is_timeout() {
        return CacheErrorKind::Timeout;
    }
    if err.is_io_error()
        || err.is_connection_dropped()
        || err.is_connection_refusal()
        || err.is_cluster_error()
    {
        return CacheErrorKind::Unavailable;
    }
    match err.kind() {
        ErrorKind::ClusterConnectionNotFound
        | ErrorKind::Server(
            ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown
            | ServerErrorKind::ReadOnly
            | ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown,
        ) => CacheErrorKind::Unavailable,
        ErrorKind::InvalidClientConfig => CacheErrorKind::InvalidInput,
        _ => CacheErrorKind::Protocol,
    }
}

/// The error for an operation that did not finish within the configured timeout.
pub(crate) fn timeout(op: &str, limit: std::time::Duration) -> CacheError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_unavailable_and_timeouts_are_timeouts() {
        let refused =
            redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(
            from_redis("GET", refused).kind(),
            CacheErrorKind::Unavailable
        );
        let timed_out = redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert_eq!(from_redis("GET", timed_out).kind(), CacheErrorKind::Timeout);
        assert_eq!(
            timeout("GET", std::time::Duration::from_millis(5)).kind(),
            CacheErrorKind::Timeout
        );
    }
}
