//! [`RedisLock`]: the distributed lock of a [`RedisCache`].

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{CacheError, CacheLock, DistributedLock, LockGuard};

use crate::cache::RedisCache;

/// A [`DistributedLock`] on Redis.
///
/// Acquire is `SET key token NX PX ttl` (the cache's `add`); release and extend run single-key
/// Lua scripts that act only while the key still holds this acquisition's random owner token
/// (the cache's `compare_and_delete` / `compare_and_swap`), so an owner whose lock expired can
/// never release or extend someone else's.
///
/// Lock keys live in the same key space as cache entries: namespace them (e.g. with
/// [`weixin_core::cache::CacheKey`]).
///
/// It is [`CacheLock`] over the Redis cache: the acquire loop (random 128-bit owner token,
/// jittered backoff within the wait), the owner-checked release and extend, and the background
/// release after an attempt whose outcome is unknown (timeout, broken connection) are shared by
/// every backend and tested once by the conformance suite.
///
/// ```no_run
/// use std::time::Duration;
/// use weixin_cache_redis::RedisCache;
/// use weixin_core::cache::DistributedLock;
///
/// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
/// let cache = RedisCache::from_url("redis://127.0.0.1:6379").await?;
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
pub struct RedisLock {
    inner: CacheLock,
}

impl RedisLock {
    /// The lock of `cache` (same as [`RedisCache::lock`]).
    pub fn new(cache: &RedisCache) -> Self {
        Self {
            inner: CacheLock::new(Arc::new(cache.clone())),
        }
    }
}

#[async_trait]
impl DistributedLock for RedisLock {
    async fn acquire(
        &self,
        key: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<LockGuard>, CacheError> {
        self.inner.acquire(key, ttl, wait).await
    }
}
