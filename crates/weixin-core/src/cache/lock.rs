use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::CacheError;

/// A distributed lock: mutual exclusion across tasks, processes and servers.
///
/// A lock has a TTL so that a crashed owner's lock expires. Each acquisition gets a random owner
/// token; only the holder of that token can release or extend it.
#[async_trait]
pub trait DistributedLock: Send + Sync + 'static {
    /// Tries to take the lock on `key` for `ttl`, waiting at most `wait` for a current holder.
    ///
    /// Returns `Ok(None)` when the wait ran out without getting the lock.
    async fn acquire(
        &self,
        key: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<LockGuard>, CacheError>;
}

/// The backend side of a held lock: release and extend by owner token.
#[async_trait]
pub trait LockRelease: Send + Sync + 'static {
    /// Releases `key` only if it is still held with `token`; returns whether it was.
    async fn release(&self, key: &str, token: &str) -> Result<bool, CacheError>;
    /// Extends `key` to `ttl` from now only if it is still held with `token`.
    async fn extend(&self, key: &str, token: &str, ttl: Duration) -> Result<bool, CacheError>;
}

/// A held lock. Release it with [`LockGuard::release`]; dropping the guard releases it in the
/// background (on the current tokio runtime) if it was not released explicitly.
pub struct LockGuard {
    key: String,
    token: String,
    backend: Option<Arc<dyn LockRelease>>,
}

impl LockGuard {
    /// Wraps a lock taken on `key` with owner `token`; `backend` releases it.
    pub fn new(key: String, token: String, backend: Arc<dyn LockRelease>) -> Self {
        Self {
            key,
            token,
            backend: Some(backend),
        }
    }

    /// The locked key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The owner token of this acquisition.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Extends the lock to `ttl` from now; `Ok(false)` if it was lost (expired, taken by another).
    pub async fn extend(&self, ttl: Duration) -> Result<bool, CacheError> {
        match &self.backend {
            Some(b) => b.extend(&self.key, &self.token, ttl).await,
            None => Ok(false),
        }
    }

    /// Releases the lock; `Ok(false)` if it was no longer ours (it expired meanwhile).
    pub async fn release(mut self) -> Result<bool, CacheError> {
        match self.backend.take() {
            Some(b) => b.release(&self.key, &self.token).await,
            None => Ok(false),
        }
    }
}

impl std::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockGuard")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(backend) = self.backend.take()
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            let key = std::mem::take(&mut self.key);
            let token = std::mem::take(&mut self.token);
            rt.spawn(async move {
                if let Err(e) = backend.release(&key, &token).await {
                    tracing::warn!(error = %e, "releasing a dropped lock guard failed; it will expire by its TTL");
                }
            });
        }
    }
}
