//! An app's registration carries its push settings, validated once, at registration; the
//! registry's cache, lock, prefix and clock reach every app handle.

use std::sync::Arc;

use async_trait::async_trait;
use weixin_core::cache::{Cache, CacheError, DistributedLock, LockGuard, MemoryCache};
use weixin_core::clock::ManualClock;
use weixin_core::{AppConfig, Error, Weixin};

#[test]
fn an_empty_push_token_is_refused_at_registration() {
    let err = Weixin::builder()
        .app(AppConfig::new("wx_a", "secret").push_token(""))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("empty push Token")),
        "{err}"
    );
}

#[test]
fn a_key_without_a_push_token_is_refused_at_registration() {
    let err = Weixin::builder()
        .app(AppConfig::new("wx_a", "secret").encoding_aes_key("k".repeat(43)))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("no push Token")),
        "{err}"
    );
}

#[test]
fn the_push_settings_never_print() {
    let config = AppConfig::new("wx_a", "app-secret-1")
        .push_token("push-token-2")
        .encoding_aes_key("aes-key-3")
        .previous_encoding_aes_key("aes-key-4");
    let shown = format!("{config:?}");
    for secret in ["app-secret-1", "push-token-2", "aes-key-3", "aes-key-4"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert_eq!(
        config.push_token_value().map(|t| t.expose()),
        Some("push-token-2")
    );
}

#[test]
fn every_app_handle_shares_the_registry_cache_prefix_and_clock() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let clock = ManualClock::new(1_234_000);
    let weixin = Weixin::builder()
        .cache(Arc::clone(&cache))
        .key_prefix("shop")
        .clock(Arc::new(clock.clone()))
        .app(AppConfig::new("wx_a", "secret"))
        .build()
        .unwrap();
    let app = weixin.app("wx_a").unwrap();
    assert!(Arc::ptr_eq(app.cache(), &cache));
    assert!(Arc::ptr_eq(app.cache(), weixin.cache()));
    assert!(Arc::ptr_eq(app.lock(), weixin.lock()));
    assert_eq!(app.keys().prefix(), "shop");
    assert_eq!(app.clock().now_ms(), 1_234_000);
}

/// A cache that brings its own lock.
struct WithNativeLock {
    inner: MemoryCache,
    lock: Arc<dyn DistributedLock>,
}

#[async_trait]
impl Cache for WithNativeLock {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.inner.get(key).await
    }
    async fn set(
        &self,
        key: &str,
        value: &[u8],
        ttl: Option<std::time::Duration>,
    ) -> Result<(), CacheError> {
        self.inner.set(key, value, ttl).await
    }
    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.inner.delete(key).await
    }
    async fn add(
        &self,
        key: &str,
        value: &[u8],
        ttl: std::time::Duration,
    ) -> Result<bool, CacheError> {
        self.inner.add(key, value, ttl).await
    }
    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<std::time::Duration>,
    ) -> Result<bool, CacheError> {
        self.inner.compare_and_swap(key, expected, new, ttl).await
    }
    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        self.inner.compare_and_delete(key, expected).await
    }
    fn backend_name(&self) -> &'static str {
        "native-lock-test"
    }
    fn native_lock(&self) -> Option<Arc<dyn DistributedLock>> {
        Some(Arc::clone(&self.lock))
    }
}

#[tokio::test]
async fn the_registry_takes_the_lock_that_comes_with_the_cache() {
    let lock_store: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let lock: Arc<dyn DistributedLock> =
        Arc::new(weixin_core::cache::CacheLock::new(Arc::clone(&lock_store)));
    let cache = Arc::new(WithNativeLock {
        inner: MemoryCache::new(),
        lock: Arc::clone(&lock),
    });
    let weixin = Weixin::builder().cache(cache).build().unwrap();
    assert!(
        Arc::ptr_eq(weixin.lock(), &lock),
        "the cache's native lock is used"
    );
    let guard: Option<LockGuard> = weixin
        .lock()
        .acquire(
            "k",
            std::time::Duration::from_secs(5),
            std::time::Duration::ZERO,
        )
        .await
        .unwrap();
    assert!(guard.is_some());
}
