//! Running one meta command against memcached, bounded by the operation timeout.

use std::future::Future;
use std::time::Duration;

use memcache::exp::{AsyncMetaClient, MetaClientBuilder, Ttl};
use weixin_core::cache::{CacheError, CacheErrorKind};

use crate::config::MemcachedConfig;
use crate::error::{BACKEND, from_client, invalid, timeout};

/// What [`MemcachedCache`](crate::MemcachedCache) and [`MemcachedLock`](crate::MemcachedLock)
/// share: the meta-protocol client (its own per-server connection pools) and the timeout.
pub(crate) struct Client {
    pub(crate) meta: AsyncMetaClient,
    operation_timeout: Duration,
}

impl Client {
    /// Resolves the servers and round-trips a no-op on each, so a server that is down is
    /// reported here instead of by the first operation.
    pub(crate) async fn connect(config: &MemcachedConfig) -> Result<Self, CacheError> {
        let shown = config.servers.join(",");
        let builder = MetaClientBuilder::new()
            .connect_timeout(Some(config.connect_timeout))
            .io_timeout(Some(config.operation_timeout))
            .max_connections(config.max_connections)
            .max_idle(config.max_idle);
        let limit = config.connect_timeout * 2 + config.operation_timeout;
        let connecting = async {
            let meta = builder
                .connect_multiple_async(config.servers.iter().map(String::as_str))
                .await?;
            meta.noop().await?;
            Ok(meta)
        };
        let meta = match tokio::time::timeout(limit, connecting).await {
            Ok(Ok(meta)) => meta,
            Ok(Err(e)) => {
                let err: memcache::exp::Error = e;
                let mapped = from_client(&format!("connecting to memcached at {shown}"), err);
                // A refused or unreachable server at start-up is "unavailable", whatever the
                // low-level cause was.
                return Err(match mapped.kind() {
                    CacheErrorKind::Timeout | CacheErrorKind::Protocol => {
                        CacheError::new(CacheErrorKind::Unavailable, BACKEND, mapped.to_string())
                            .with_source(mapped)
                    }
                    _ => mapped,
                });
            }
            Err(_) => {
                return Err(CacheError::new(
                    CacheErrorKind::Unavailable,
                    BACKEND,
                    format!("could not reach memcached at {shown} within {limit:?}"),
                ));
            }
        };
        Ok(Self {
            meta,
            operation_timeout: config.operation_timeout,
        })
    }

    /// Awaits `work` for at most the operation timeout, mapping its errors.
    pub(crate) async fn bounded<T>(
        &self,
        op: &'static str,
        work: impl Future<Output = memcache::exp::Result<T>>,
    ) -> Result<T, CacheError> {
        match tokio::time::timeout(self.operation_timeout, work).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(from_client(op, e)),
            Err(_) => Err(timeout(op, self.operation_timeout)),
        }
    }

    /// Like [`Client::bounded`] for a multi-step `work` that maps its own errors.
    pub(crate) async fn bounded_steps<T>(
        &self,
        op: &'static str,
        work: impl Future<Output = Result<T, CacheError>>,
    ) -> Result<T, CacheError> {
        match tokio::time::timeout(self.operation_timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(timeout(op, self.operation_timeout)),
        }
    }
}

/// memcached expires items on a one-second clock: an item stored with `T<n>` expires when the
/// server clock has ticked `n` times, which can be as little as `n - 1` seconds (plus a
/// fraction) later. One extra second makes sure an entry never expires before its TTL.
const CLOCK_SLACK_SECS: u64 = 1;

/// The memcached TTL for a cache TTL: whole seconds rounded up, plus the clock slack. Zero is
/// rejected (memcached would read it as "never expires").
pub(crate) fn ttl(ttl: Duration) -> Result<Ttl, CacheError> {
    if ttl.is_zero() {
        return Err(invalid("a TTL must be positive (zero is rejected)"));
    }
    let secs = ttl
        .as_secs()
        .saturating_add(u64::from(ttl.subsec_nanos() > 0))
        .saturating_add(CLOCK_SLACK_SECS);
    u32::try_from(secs)
        .map(Ttl::secs)
        .map_err(|_| invalid(format!("TTL {ttl:?} is too long for memcached")))
}

/// [`ttl`] for an optional TTL; `None` is "never expires".
pub(crate) fn optional_ttl(value: Option<Duration>) -> Result<Ttl, CacheError> {
    value.map_or(Ok(Ttl::NEVER), ttl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_round_up_and_add_the_clock_slack() {
        assert_eq!(ttl(Duration::from_millis(1)).ok(), Some(Ttl::secs(2)));
        assert_eq!(ttl(Duration::from_secs(1)).ok(), Some(Ttl::secs(2)));
        assert_eq!(ttl(Duration::from_millis(1001)).ok(), Some(Ttl::secs(3)));
        assert_eq!(optional_ttl(None).ok(), Some(Ttl::NEVER));
    }

    #[test]
    fn zero_and_huge_ttls_are_rejected() {
        for value in [Duration::ZERO, Duration::MAX] {
            let kind = ttl(value).err().map(|e| e.kind());
            assert_eq!(kind, Some(CacheErrorKind::InvalidInput), "{value:?}");
        }
    }
}
