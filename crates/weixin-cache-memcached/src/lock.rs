//! [`MemcachedLock`]: a native distributed lock (`ms ME` to acquire, CAS-checked release and
//! extend).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;
use weixin_core::cache::{CacheError, DistributedLock, LockGuard, LockRelease};

use crate::cache::MemcachedCache;
use crate::client::{Client, ttl};
use crate::token::{Backoff, owner_token};

/// A [`DistributedLock`] on memcached.
///
/// Acquire stores a random owner token with the meta add mode (`ms <key> ME T<ttl>`), whose
/// reply tells a winner (`HD`) from a loser (`NS`): unlike the classic ASCII `add` of some
/// clients, a lost race is never reported as success. Release reads the token with its CAS and
/// deletes with `md <key> C<cas>`; extend rewrites it with `ms <key> C<cas> T<ttl>`; both act
/// only while the key still holds this acquisition's token. TTLs are whole seconds, rounded up,
/// plus one second of clock slack (see the crate docs).
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
///     guard.extend(Duration::from_secs(10)).await?;
///     guard.release().await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MemcachedLock {
    client: Arc<Client>,
}

impl MemcachedLock {
    /// The lock of `cache` (same as [`MemcachedCache::lock`]).
    pub fn new(cache: &MemcachedCache) -> Self {
        cache.lock()
    }

    pub(crate) fn from_client(client: Arc<Client>) -> Self {
        Self { client }
    }
}

impl MemcachedLock {
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

impl std::fmt::Debug for MemcachedLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemcachedLock").finish_non_exhaustive()
    }
}

#[async_trait]
impl DistributedLock for MemcachedLock {
    async fn acquire(
        &self,
        key: &str,
        ttl_value: Duration,
        wait: Duration,
    ) -> Result<Option<LockGuard>, CacheError> {
        let ttl = ttl(ttl_value)?;
        let token = owner_token()?;
        let deadline = Instant::now() + wait;
        let mut backoff = Backoff::new();
        loop {
            let won = match self
                .client
                .add("lock acquire", key, token.as_bytes(), ttl)
                .await
            {
                Ok(won) => won,
                Err(e) => {
                    self.forget_in_background(key, &token, ttl_value, &e);
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
impl LockRelease for MemcachedLock {
    async fn release(&self, key: &str, token: &str) -> Result<bool, CacheError> {
        self.client
            .delete_if_equal("lock release", key, token.as_bytes())
            .await
    }

    async fn extend(
        &self,
        key: &str,
        token: &str,
        ttl_value: Duration,
    ) -> Result<bool, CacheError> {
        let ttl = ttl(ttl_value)?;
        self.client
            .swap_if_equal("lock extend", key, token.as_bytes(), token.as_bytes(), ttl)
            .await
    }
}
