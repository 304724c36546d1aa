//! [`MemcachedCache`]: the [`Cache`] implementation.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{Cache, CacheError};

use crate::client::{Client, optional_ttl, ttl};
use crate::config::MemcachedConfig;
use crate::error::BACKEND;
use crate::lock::MemcachedLock;

/// A [`Cache`] on memcached (meta protocol, memcached 1.6 or later).
///
/// Cheap to clone (the connection pools are shared). Every operation is bounded by the
/// configured operation timeout; broken connections are dropped and redialed, so the same
/// cache recovers after a server restart.
///
/// Semantics specific to memcached (see the crate docs): TTLs are whole seconds, rounded up,
/// plus one second of clock slack; keys that memcached cannot store verbatim are hashed; values
/// are limited by the server's item size (`-I`, 1 MiB by default including overhead).
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use weixin_cache_memcached::{MemcachedCache, MemcachedConfig};
/// use weixin_core::cache::{Cache, DistributedLock};
///
/// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
/// let cache = MemcachedCache::connect(
///     MemcachedConfig::new("memcache://127.0.0.1:11211")?.operation_timeout(Duration::from_secs(1)),
/// )
/// .await?;
/// cache.set("weixin:demo:k", b"v", Some(Duration::from_secs(60))).await?;
/// assert_eq!(cache.get("weixin:demo:k").await?, Some(b"v".to_vec()));
///
/// let shared: Arc<dyn Cache> = Arc::new(cache.clone());
/// let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
/// # let _ = (shared, lock);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MemcachedCache {
    client: Arc<Client>,
}

impl MemcachedCache {
    /// Connects with `config`, checking every server with a no-op round trip: a server that
    /// is down fails here with `Unavailable` within the connect timeout.
    pub async fn connect(config: MemcachedConfig) -> Result<Self, CacheError> {
        Ok(Self {
            client: Arc::new(Client::connect(&config).await?),
        })
    }

    /// Connects to `url` (`memcache://host:port`) with default options.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
    /// let cache = weixin_cache_memcached::MemcachedCache::from_url("memcache://127.0.0.1:11211").await?;
    /// # let _ = cache; Ok(()) }
    /// ```
    pub async fn from_url(url: &str) -> Result<Self, CacheError> {
        Self::connect(MemcachedConfig::new(url)?).await
    }

    /// A native distributed lock sharing this cache's connections.
    pub fn lock(&self) -> MemcachedLock {
        MemcachedLock::new(self)
    }
}

impl std::fmt::Debug for MemcachedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemcachedCache").finish_non_exhaustive()
    }
}

#[async_trait]
impl Cache for MemcachedCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.client.get(key).await
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        self.client.set(key, value, optional_ttl(ttl)?).await
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.client.delete(key).await
    }

    async fn add(&self, key: &str, value: &[u8], ttl_value: Duration) -> Result<bool, CacheError> {
        self.client.add("add", key, value, ttl(ttl_value)?).await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        let ttl = optional_ttl(ttl)?;
        match expected {
            None => self.client.add("compare-and-swap", key, new, ttl).await,
            Some(expected) => {
                self.client
                    .swap_if_equal("compare-and-swap", key, expected, new, ttl)
                    .await
            }
        }
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        self.client
            .delete_if_equal("compare-and-delete", key, expected)
            .await
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }

    fn native_lock(&self) -> Option<std::sync::Arc<dyn weixin_core::cache::DistributedLock>> {
        Some(std::sync::Arc::new(self.lock()))
    }
}
