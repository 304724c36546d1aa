//! Shared helpers for the integration tests.
#![allow(dead_code, unreachable_pub)]

pub mod records;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{Cache, CacheError, MemoryCache};

/// The cache the tests run on: weixin-core's in-memory cache. Two handles to one `Arc` play
/// two servers sharing Redis.
pub fn cache() -> Arc<dyn Cache> {
    Arc::new(MemoryCache::new())
}

/// A cache whose compare-and-swap always loses, as if another server always wrote first.
pub struct AlwaysRaced(pub Arc<dyn Cache>);

#[async_trait]
impl Cache for AlwaysRaced {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.0.get(key).await
    }
    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        self.0.set(key, value, ttl).await
    }
    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.0.delete(key).await
    }
    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        self.0.add(key, value, ttl).await
    }
    async fn compare_and_swap(
        &self,
        _: &str,
        _: Option<&[u8]>,
        _: &[u8],
        _: Option<Duration>,
    ) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn compare_and_delete(&self, _: &str, _: &[u8]) -> Result<bool, CacheError> {
        Ok(false)
    }
    fn backend_name(&self) -> &'static str {
        "always-raced"
    }
}
