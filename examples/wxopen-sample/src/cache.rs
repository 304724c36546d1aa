//! Cache backend selection: `WEIXIN_CACHE` -> the one shared cache (with its lock) that every
//! part of the app reaches through the registry.

use std::sync::Arc;

use weixin::cache::{Cache, CacheError};

use crate::config::CacheChoice;

/// Connects to the chosen backend. Redis and Memcached are reached eagerly, so a server that is
/// down is reported here, at start-up. Access tokens, dedup entries, message contexts and
/// sessions all live in it, so servers sharing Redis or Memcached share all of them.
///
/// # Errors
/// The backend's connection error.
pub async fn connect(choice: &CacheChoice) -> Result<Arc<dyn Cache>, CacheError> {
    match choice {
        CacheChoice::Memory => weixin::cache::from_url("memory").await,
        CacheChoice::Redis(url) | CacheChoice::Memcached(url) => {
            weixin::cache::from_url(url.expose()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_is_the_default_backend() {
        let cache = connect(&CacheChoice::Memory).await.unwrap();
        assert_eq!(cache.backend_name(), "memory");
        cache.set("k", b"v", None).await.unwrap();
        assert_eq!(cache.get("k").await.unwrap(), Some(b"v".to_vec()));
    }

    #[cfg(feature = "redis")]
    #[tokio::test]
    async fn an_unreachable_redis_is_reported_at_start() {
        let choice = CacheChoice::parse("redis://127.0.0.1:1/0").unwrap();
        assert!(connect(&choice).await.is_err());
    }
}
