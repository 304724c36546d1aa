//! The weixin-core conformance suite against a real Memcached (`WEIXIN_TEST_MEMCACHED_URL`).

mod common;

use std::sync::Arc;

use weixin_cache_memcached::{MemcachedCache, MemcachedConfig};
use weixin_core::cache::{Cache, CacheLock, DistributedLock};

fn config(url: &str) -> MemcachedConfig {
    MemcachedConfig::new(url).unwrap_or_else(|e| panic!("bad {}: {e}", common::URL_VAR))
}

async fn connect() -> MemcachedCache {
    let url = common::shared_url();
    match MemcachedCache::connect(config(&url)).await {
        Ok(cache) => cache,
        Err(e) => panic!("cannot connect to the test Memcached at {url}: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_suite_with_the_native_lock() {
    let cache = connect().await;
    assert_eq!(cache.backend_name(), "memcached");
    let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
    weixin_testkit::run_all(Arc::new(cache), lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_suite_with_a_small_connection_cap() {
    let url = common::shared_url();
    // At most 3 connections for 100 lock contenders and the racing checks.
    let cache = MemcachedCache::connect(config(&url).max_connections(Some(3)).max_idle(3))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
    weixin_testkit::run_all(Arc::new(cache), lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn generic_cache_lock_over_memcached_passes_the_lock_checks() {
    let cache: Arc<dyn Cache> = Arc::new(connect().await);
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache));
    weixin_testkit::run_lock_checks(&lock).await;
}
