//! Running one command or script against Redis, bounded by the operation timeout.

use std::future::Future;
use std::time::Duration;

use redis::RedisResult;
use weixin_core::cache::CacheError;

use crate::config::RedisConfig;
use crate::conn::{Connection, Connections};
use crate::error::{from_redis, invalid, timeout};
use crate::scripts::Scripts;

/// The longest TTL Redis accepts comfortably (`PX` must not overflow "now + ttl" in ms).
const MAX_TTL_MILLIS: u64 = (i64::MAX / 2) as u64;

/// What [`RedisCache`](crate::RedisCache) and [`RedisLock`](crate::RedisLock) share.
pub(crate) struct Client {
    connections: Connections,
    pub(crate) scripts: Scripts,
    operation_timeout: Duration,
}

impl Client {
    pub(crate) async fn connect(config: &RedisConfig) -> Result<Self, CacheError> {
        Ok(Self {
            connections: Connections::open(config).await?,
            scripts: Scripts::new(),
            operation_timeout: config.operation_timeout,
        })
    }

    /// A connection for the next operation.
    pub(crate) fn connection(&self) -> Connection {
        self.connections.pick()
    }

    /// Awaits `work` for at most the operation timeout, mapping its errors.
    pub(crate) async fn bounded<T>(
        &self,
        op: &'static str,
        work: impl Future<Output = RedisResult<T>>,
    ) -> Result<T, CacheError> {
        match tokio::time::timeout(self.operation_timeout, work).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(from_redis(op, e)),
            Err(_) => Err(timeout(op, self.operation_timeout)),
        }
    }
}

/// A TTL in whole milliseconds for `PX`, rounded up (never down to 0, which Redis rejects).
pub(crate) fn ttl_millis(ttl: Duration) -> Result<u64, CacheError> {
    if ttl.is_zero() {
        return Err(invalid("a TTL must be positive (zero is rejected)"));
    }
    u64::try_from(ttl.as_nanos().div_ceil(1_000_000))
        .ok()
        .filter(|ms| *ms <= MAX_TTL_MILLIS)
        .ok_or_else(|| invalid(format!("TTL {ttl:?} is too long for Redis")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use weixin_core::cache::CacheErrorKind;

    #[test]
    fn ttls_round_up_to_milliseconds() {
        assert_eq!(ttl_millis(Duration::from_nanos(1)).ok(), Some(1));
        assert_eq!(ttl_millis(Duration::from_micros(1500)).ok(), Some(2));
        assert_eq!(ttl_millis(Duration::from_secs(3)).ok(), Some(3000));
    }

    #[test]
    fn zero_and_huge_ttls_are_rejected() {
        for ttl in [Duration::ZERO, Duration::MAX] {
            let err = ttl_millis(ttl).err().map(|e| e.kind());
            assert_eq!(err, Some(CacheErrorKind::InvalidInput), "{ttl:?}");
        }
    }
}
