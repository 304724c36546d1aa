//! The shared cache: the contract, the in-process cache, the backends, and [`from_url`].
//!
//! Everything the SDK shares between servers lives in one cache: access tokens and their
//! locks, push dedup marks, message contexts, login sessions. Give the registry
//! ([`Weixin::builder`](crate::Weixin::builder)) the same cache on every server.

pub use weixin_core::cache::*;

#[cfg(feature = "memcached")]
pub use weixin_cache_memcached as memcached;
#[cfg(feature = "redis")]
pub use weixin_cache_redis as redis;

use std::sync::Arc;

/// Connects the cache a URL names, with its own lock (the registry picks it up):
///
/// | URL | cache | feature |
/// |---|---|---|
/// | `memory` | an in-process [`MemoryCache`] (one server only) | always |
/// | `redis://host:port/db`, `rediss://…` | Redis | `redis` |
/// | `memcache://host:port` | Memcached | `memcached` |
///
/// Redis and Memcached are reached at once, so a server that is down is reported here, at
/// start-up. The URL (which may hold a password) is never part of an error message.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), weixin::cache::CacheError> {
/// let cache = weixin::cache::from_url("memory").await?;
/// assert_eq!(cache.backend_name(), "memory");
/// assert!(weixin::cache::from_url("mongodb://x").await.is_err());
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`CacheError`] for an unknown scheme, a backend this build was compiled without, or a
/// server that cannot be reached.
pub async fn from_url(url: &str) -> Result<Arc<dyn Cache>, CacheError> {
    let url = url.trim();
    let scheme = url.split_once("://").map_or(url, |(scheme, _)| scheme);
    match scheme {
        "memory" => Ok(Arc::new(MemoryCache::new())),
        "redis" | "rediss" => connect_redis(url).await,
        "memcache" | "memcached" => connect_memcached(url).await,
        _ => Err(CacheError::new(
            CacheErrorKind::InvalidInput,
            "cache",
            format!("unknown cache URL scheme `{scheme}`: use memory, redis://… or memcache://…"),
        )),
    }
}

#[cfg(feature = "redis")]
async fn connect_redis(url: &str) -> Result<Arc<dyn Cache>, CacheError> {
    let cache = redis::RedisCache::connect(redis::RedisConfig::new(url)).await?;
    Ok(Arc::new(cache))
}

#[cfg(not(feature = "redis"))]
async fn connect_redis(_url: &str) -> Result<Arc<dyn Cache>, CacheError> {
    Err(CacheError::new(
        CacheErrorKind::InvalidInput,
        "redis",
        "this build has no Redis support: enable the `redis` feature of the `weixin` crate",
    ))
}

#[cfg(feature = "memcached")]
async fn connect_memcached(url: &str) -> Result<Arc<dyn Cache>, CacheError> {
    let cache = memcached::MemcachedCache::connect(memcached::MemcachedConfig::new(url)?).await?;
    Ok(Arc::new(cache))
}

#[cfg(not(feature = "memcached"))]
async fn connect_memcached(_url: &str) -> Result<Arc<dyn Cache>, CacheError> {
    Err(CacheError::new(
        CacheErrorKind::InvalidInput,
        "memcached",
        "this build has no Memcached support: enable the `memcached` feature of the `weixin` crate",
    ))
}
