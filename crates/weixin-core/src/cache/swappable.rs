//! [`SwappableCache`]: a cache handle whose backend can be switched at run time.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;

use super::{Cache, CacheError};

/// A [`Cache`] that forwards every call to a backend that can be replaced while the application
/// runs, e.g. to move from the memory cache to Redis without a restart.
///
/// Give the SDK `Arc<SwappableCache>` (as `Arc<dyn Cache>`) and keep a clone of the `Arc` to call
/// [`SwappableCache::swap`] later.
///
/// **Entries are not migrated.** After a swap every read misses until the value is written again
/// into the new backend: access tokens are simply fetched again, contexts and sessions start
/// empty. Locks taken in the old backend are not visible in the new one, so for a moment two
/// owners (one per backend) can hold "the same" lock. A call already running when the swap
/// happens finishes on the old backend.
///
/// ```
/// use std::sync::Arc;
/// use weixin_core::cache::{Cache, MemoryCache, SwappableCache};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), weixin_core::cache::CacheError> {
/// let swappable = Arc::new(SwappableCache::new(Arc::new(MemoryCache::new())));
/// let cache: Arc<dyn Cache> = swappable.clone();
/// cache.set("k", b"old", None).await?;
///
/// swappable.swap(Arc::new(MemoryCache::new())); // e.g. a RedisCache in production
/// assert_eq!(cache.get("k").await?, None); // not migrated
/// # Ok(())
/// # }
/// ```
pub struct SwappableCache {
    current: RwLock<Arc<dyn Cache>>,
}

impl SwappableCache {
    /// A handle that starts with `initial` as its backend.
    pub fn new(initial: Arc<dyn Cache>) -> Self {
        Self {
            current: RwLock::new(initial),
        }
    }

    /// The backend calls go to right now.
    pub fn current(&self) -> Arc<dyn Cache> {
        // The lock only guards a pointer swap, so a poisoned lock still holds a valid backend.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes `new` the backend for all later calls and returns the previous one.
    ///
    /// Nothing is copied from the previous backend (see the type's documentation).
    pub fn swap(&self, new: Arc<dyn Cache>) -> Arc<dyn Cache> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        let previous = std::mem::replace(&mut *current, new);
        tracing::info!(
            from = previous.backend_name(),
            to = current.backend_name(),
            "cache backend swapped; entries are not migrated"
        );
        previous
    }
}

impl std::fmt::Debug for SwappableCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwappableCache")
            .field("backend", &self.current().backend_name())
            .finish()
    }
}

#[async_trait]
impl Cache for SwappableCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.current().get(key).await
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        self.current().set(key, value, ttl).await
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.current().delete(key).await
    }

    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        self.current().add(key, value, ttl).await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        self.current()
            .compare_and_swap(key, expected, new, ttl)
            .await
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        self.current().compare_and_delete(key, expected).await
    }

    /// The name of the current backend.
    fn backend_name(&self) -> &'static str {
        self.current().backend_name()
    }
}
