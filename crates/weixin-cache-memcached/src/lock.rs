//! [`MemcachedLock`]: the distributed lock of a [`MemcachedCache`].

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{CacheError, CacheLock, DistributedLock, LockGuard};

use crate::cache::MemcachedCache;

/// A [`DistributedLock`] on Memcached.
///
/// Acquire stores a random owner token with the meta add mode (`ms <key> ME T<ttl>`, the cache's
/// `add`), whose reply tells a winner (`HD`) from a loser (`NS`): unlike the classic ASCII `add`
/// of some clients, a lost race is never reported as success. Release and extend go through the
/// cache's CAS-checked `compare_and_delete` / `compare_and_swap`, so they act only while the key
/// still holds this acquisition's token. TTLs are whole seconds, rounded up, plus one second of
/// clock slack (see the crate docs).
///
/// It is [`CacheLock`] over the Memcached cache: the acquire loop (random 128-bit owner token,
/// jittered backoff within the wait), the owner-checked release and extend, and the background
/// release after an attempt whose outcome is unknown (timeout, broken connection) are shared by
/// every backend and tested once by the conformance suite.
///
/// ```no_run
/// use std::time::Duration;
/// use weixin_cache_memcached::MemcachedCache;
/// use weixin_core::cache::DistributedLock;
///
/// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
/// let cache = MemcachedCache::from_url("memcache://127.0.0.1:11211").await?;
/// let lock = cache.lock();
/// if let Some(guard) = lock
///     .acquire("weixin:lock:wx123:token", Duration::from_secs(10), Duration::from_secs(3))
///     .await?
/// {
///     // ... refresh the token while holding the lock ...
///     guard.extend(Duration::from_secs(10)).await?;
///     guard.release().await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct MemcachedLock {
    inner: CacheLock,
}

impl MemcachedLock {
    /// The lock of `cache` (same as [`MemcachedCache::lock`]).
    pub fn new(cache: &MemcachedCache) -> Self {
        Self {
            inner: CacheLock::new(Arc::new(cache.clone())),
        }
    }
}

#[async_trait]
impl DistributedLock for MemcachedLock {
    async fn acquire(
        &self,
        key: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<LockGuard>, CacheError> {
        self.inner.acquire(key, ttl, wait).await
    }
}
