//! Cache backend selection: `WEIXIN_CACHE` -> the shared cache and lock every part uses.

use std::sync::Arc;

use weixin_core::cache::{Cache, CacheError, CacheLock, DistributedLock, MemoryCache};

use crate::config::CacheChoice;

/// The shared cache and lock: access tokens, dedup entries, message contexts and sessions all
/// live here, so servers sharing Redis or Memcached share all of them.
#[derive(Clone)]
pub struct Backend {
    /// The cache.
    pub cache: Arc<dyn Cache>,
    /// The distributed lock (token refreshes).
    pub lock: Arc<dyn DistributedLock>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("cache", &self.cache.backend_name())
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// Connects to the chosen backend. Redis and Memcached are reached eagerly, so a server
    /// that is down is reported here, at start-up.
    ///
    /// # Errors
    /// The backend's connection error.
    pub async fn connect(choice: &CacheChoice) -> Result<Self, CacheError> {
        match choice {
            CacheChoice::Memory => {
                let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
                let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
                Ok(Self { cache, lock })
            }
            CacheChoice::Redis(url) => redis(url.expose()).await,
            CacheChoice::Memcached(url) => memcached(url.expose()).await,
        }
    }

    /// The backend's name (`memory`, `redis`, `memcached`).
    pub fn name(&self) -> &'static str {
        self.cache.backend_name()
    }
}

#[cfg(feature = "redis")]
async fn redis(url: &str) -> Result<Backend, CacheError> {
    use weixin_cache_redis::{RedisCache, RedisConfig};
    let cache = RedisCache::connect(RedisConfig::new(url)).await?;
    Ok(Backend {
        lock: Arc::new(cache.lock()),
        cache: Arc::new(cache),
    })
}

#[cfg(not(feature = "redis"))]
async fn redis(_url: &str) -> Result<Backend, CacheError> {
    // `CacheChoice::parse` refuses Redis URLs without the feature; this is for hand-built choices.
    Err(CacheError::new(
        weixin_core::cache::CacheErrorKind::InvalidInput,
        "redis",
        "this build has no Redis support: rebuild with --features redis",
    ))
}

#[cfg(feature = "memcached")]
async fn memcached(url: &str) -> Result<Backend, CacheError> {
    use weixin_cache_memcached::{MemcachedCache, MemcachedConfig};
    let cache = MemcachedCache::connect(MemcachedConfig::new(url)?).await?;
    Ok(Backend {
        lock: Arc::new(cache.lock()),
        cache: Arc::new(cache),
    })
}

#[cfg(not(feature = "memcached"))]
async fn memcached(_url: &str) -> Result<Backend, CacheError> {
    Err(CacheError::new(
        weixin_core::cache::CacheErrorKind::InvalidInput,
        "memcached",
        "this build has no Memcached support: rebuild with --features memcached",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_is_the_default_backend() {
        let backend = Backend::connect(&CacheChoice::Memory).await.unwrap();
        assert_eq!(backend.name(), "memory");
        backend.cache.set("k", b"v", None).await.unwrap();
        assert_eq!(backend.cache.get("k").await.unwrap(), Some(b"v".to_vec()));
    }

    #[cfg(feature = "redis")]
    #[tokio::test]
    async fn an_unreachable_redis_is_reported_at_start() {
        let choice = CacheChoice::parse("redis://127.0.0.1:1/0").unwrap();
        assert!(Backend::connect(&choice).await.is_err());
    }
}
