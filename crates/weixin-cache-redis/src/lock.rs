//! [`RedisLock`]: a native distributed lock (`SET NX PX` + owner-checked Lua release/extend).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::Value;
use tokio::time::Instant;
use weixin_core::cache::{CacheError, DistributedLock, LockGuard, LockRelease};

use crate::cache::RedisCache;
use crate::client::{Client, ttl_millis};
use crate::token::{Backoff, owner_token};

/// A [`DistributedLock`] on Redis: `SET key token NX PX ttl` to acquire; release and extend run
/// a Lua script that acts only while the key still holds this acquisition's random owner token,
/// so an owner whose lock expired can never release or extend someone else's.
///
/// Lock keys live in the same key space as cache entries: namespace them (e.g. with
/// [`weixin_core::cache::CacheKey`]).
///
/// ```no_run
/// use std::time::Duration;
/// use weixin_cache_redis::{RedisCache, RedisLock};
/// use weixin_core::cache::DistributedLock;
///
/// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
/// let cache = RedisCache::from_url("redis://127.0.0.1:6379").await?;
/// let lock: RedisLock = cache.lock();
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
#[derive(Clone)]
pub struct RedisLock {
    client: Arc<Client>,
}

impl RedisLock {
    /// The lock of `cache` (same as [`RedisCache::lock`]).
    pub fn new(cache: &RedisCache) -> Self {
        cache.lock()
    }

    pub(crate) fn from_client(client: Arc<Client>) -> Self {
        Self { client }
    }

    /// One `SET NX PX` attempt.
    async fn try_acquire(&self, key: &str, token: &str, ttl_ms: u64) -> Result<bool, CacheError> {
        let mut conn = self.client.connection();
        let cmd = redis::cmd("SET")
            .arg(key)
            .arg(token)
            .arg("PX")
            .arg(ttl_ms)
            .arg("NX")
            .to_owned();
        let reply: Value = self
            .client
            .bounded("lock SET NX", cmd.query_async(&mut conn))
            .await?;
        Ok(!matches!(reply, Value::Nil))
    }
}

impl RedisLock {
    /// After a failed attempt whose outcome is unknown (sent, but no answer within the timeout
    /// or the connection broke), the lock may be ours without our knowing: release it in the
    /// background, by owner token, so it does not block others until its TTL.
    ///
    /// The release is retried while the server does not answer, for at most the lock's TTL
    /// (capped at 60 s), after which the lock has expired anyway.
    fn forget_in_background(&self, key: &str, token: &str, ttl: Duration, error: &CacheError) {
        if !error.is_transient() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (lock, key, token) = (self.clone(), key.to_owned(), token.to_owned());
        let give_up = Instant::now() + ttl.min(Duration::from_secs(60));
        runtime.spawn(async move {
            while Instant::now() < give_up {
                match lock.release(&key, &token).await {
                    Err(e) if e.is_transient() => {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    _ => return,
                }
            }
        });
    }
}

impl std::fmt::Debug for RedisLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLock").finish_non_exhaustive()
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
        let ttl_ms = ttl_millis(ttl)?;
        let token = owner_token()?;
        let deadline = Instant::now() + wait;
        let mut backoff = Backoff::new();
        loop {
            let won = match self.try_acquire(key, &token, ttl_ms).await {
                Ok(won) => won,
                Err(e) => {
                    self.forget_in_background(key, &token, ttl, &e);
                    return Err(e);
                }
            };
            if won {
                let release: Arc<dyn LockRelease> = Arc::new(self.clone());
                return Ok(Some(LockGuard::new(key.to_owned(), token, release)));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(backoff.next_delay().min(deadline - now)).await;
        }
    }
}

#[async_trait]
impl LockRelease for RedisLock {
    async fn release(&self, key: &str, token: &str) -> Result<bool, CacheError> {
        let mut conn = self.client.connection();
        let released: i64 = self
            .client
            .bounded(
                "lock release script",
                self.client
                    .scripts
                    .compare_and_delete
                    .key(key)
                    .arg(token)
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(released == 1)
    }

    async fn extend(&self, key: &str, token: &str, ttl: Duration) -> Result<bool, CacheError> {
        let ttl_ms = ttl_millis(ttl)?;
        let mut conn = self.client.connection();
        let extended: i64 = self
            .client
            .bounded(
                "lock extend script",
                self.client
                    .scripts
                    .extend
                    .key(key)
                    .arg(token)
                    .arg(ttl_ms)
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(extended == 1)
    }
}
