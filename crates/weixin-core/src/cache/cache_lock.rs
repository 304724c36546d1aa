//! [`CacheLock`]: a distributed lock on top of any [`Cache`].

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::owner_token::owner_token;
use super::{Cache, CacheError, DistributedLock, LockGuard, LockRelease};
use crate::backoff::Backoff;

/// A [`DistributedLock`] that works over any conforming [`Cache`].
///
/// - acquire: [`Cache::add`] of a fresh random owner token (128 bits) with the lock's TTL; while
///   another owner holds the key, it retries with jittered exponential backoff (2 ms doubling to
///   50 ms) until `wait` runs out.
/// - release: [`Cache::compare_and_delete`] with the owner token, so a lock that expired and was
///   taken by someone else is never deleted by its previous owner.
/// - extend: [`Cache::compare_and_swap`] from the token to itself with the new TTL.
///
/// The lock key lives in the same key space as cached values: namespace it, e.g. with
/// `CacheKey::build("lock", appid, &[what])`, so it never collides with a value.
///
/// Mutual exclusion holds while the owner finishes within the TTL; pick a TTL well above the
/// critical section, or [`LockGuard::extend`] it.
///
/// A cache error while acquiring is returned as is (it is not retried). When the outcome of the
/// attempt is unknown (a timeout or a broken connection: the backend may have stored the token
/// without our hearing of it, possibly later), the lock deletes that token in the background,
/// polling with backoff (200 ms to 2 s) until it is gone or for at most the lock's TTL (capped at
/// 60 s), so a lock nobody knows it holds does not block others until it expires.
///
/// Backends whose native lock is `add` plus owner-checked delete (Redis `SET NX PX` + Lua,
/// Memcached `add` + CAS) use this type with their cache.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), weixin_core::cache::CacheError> {
/// let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
/// let lock = CacheLock::new(cache);
/// let ttl = Duration::from_secs(5);
///
/// let guard = lock.acquire("weixin:lock:wx123:token", ttl, Duration::ZERO).await?;
/// let guard = guard.expect("the lock is free");
/// // A second acquisition does not get it while the first holds it.
/// assert!(lock.acquire("weixin:lock:wx123:token", ttl, Duration::from_millis(20)).await?.is_none());
/// assert!(guard.release().await?);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CacheLock {
    owner: Arc<TokenOwner>,
}

/// Releases and extends locks by owner token; shared by the lock and all its guards.
struct TokenOwner {
    cache: Arc<dyn Cache>,
}

impl CacheLock {
    /// A lock that stores its keys in `cache`.
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self {
            owner: Arc::new(TokenOwner { cache }),
        }
    }

    /// The cache the lock keys are stored in.
    pub fn cache(&self) -> &Arc<dyn Cache> {
        &self.owner.cache
    }
}

impl std::fmt::Debug for CacheLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheLock")
            .field("backend", &self.owner.cache.backend_name())
            .finish()
    }
}

/// The first retry delay while waiting for a lock.
const FIRST_DELAY: Duration = Duration::from_millis(2);
/// The longest retry delay while waiting for a lock.
const MAX_DELAY: Duration = Duration::from_millis(50);
/// First pause between background release attempts.
const RELEASE_RETRY: Duration = Duration::from_millis(200);
/// Longest pause between background release attempts.
const RELEASE_RETRY_MAX: Duration = Duration::from_secs(2);

impl CacheLock {
    /// After an attempt whose outcome is unknown, the lock may be ours without our knowing:
    /// release it by owner token in the background (see the type docs).
    fn release_in_background(&self, key: &str, token: &str, ttl: Duration, error: &CacheError) {
        if !error.is_transient() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (owner, key, token) = (self.owner.clone(), key.to_owned(), token.to_owned());
        let give_up = Instant::now() + ttl.min(Duration::from_secs(60));
        runtime.spawn(async move {
            // Keep trying even after "not there": the lost write may still be queued at the
            // server (e.g. on the connection that timed out) and land later. Deleting by our
            // random owner token can never remove someone else's lock.
            let mut backoff = Backoff::new(RELEASE_RETRY, RELEASE_RETRY_MAX);
            while Instant::now() < give_up {
                match owner.release(&key, &token).await {
                    Ok(true) => return,
                    Err(e) if !e.is_transient() => return,
                    Ok(false) | Err(_) => backoff.wait_at_most(give_up - Instant::now()).await,
                }
            }
        });
    }
}

#[async_trait]
impl DistributedLock for CacheLock {
    async fn acquire(
        &self,
        key: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<LockGuard>, CacheError> {
        let cache = &self.owner.cache;
        let token = owner_token(cache.backend_name())?;
        let started = Instant::now();
        let mut backoff = Backoff::new(FIRST_DELAY, MAX_DELAY);
        loop {
            let won = match cache.add(key, token.as_bytes(), ttl).await {
                Ok(won) => won,
                Err(e) => {
                    self.release_in_background(key, &token, ttl, &e);
                    return Err(e);
                }
            };
            if won {
                let owner: Arc<dyn LockRelease> = self.owner.clone();
                return Ok(Some(LockGuard::new(key.to_owned(), token, owner)));
            }
            let remaining = wait.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                tracing::debug!(key, ?wait, "lock still held by another owner; giving up");
                return Ok(None);
            }
            tokio::time::sleep(backoff.next_delay().min(remaining)).await;
        }
    }
}

#[async_trait]
impl LockRelease for TokenOwner {
    async fn release(&self, key: &str, token: &str) -> Result<bool, CacheError> {
        self.cache.compare_and_delete(key, token.as_bytes()).await
    }

    async fn extend(&self, key: &str, token: &str, ttl: Duration) -> Result<bool, CacheError> {
        let token = token.as_bytes();
        self.cache
            .compare_and_swap(key, Some(token), token, Some(ttl))
            .await
    }
}

#[async_trait]
impl LockRelease for CacheLock {
    async fn release(&self, key: &str, token: &str) -> Result<bool, CacheError> {
        self.owner.release(key, token).await
    }

    async fn extend(&self, key: &str, token: &str, ttl: Duration) -> Result<bool, CacheError> {
        self.owner.extend(key, token, ttl).await
    }
}
