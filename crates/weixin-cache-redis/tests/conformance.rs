//! The weixin-core conformance suite against a real Redis (`WEIXIN_TEST_REDIS_URL`).

mod common;

use std::sync::Arc;

use weixin_cache_redis::{RedisCache, RedisConfig};
use weixin_core::cache::{Cache, CacheLock, DistributedLock};

async fn connect() -> RedisCache {
    let url = common::shared_url();
    match RedisCache::connect(RedisConfig::new(&url)).await {
        Ok(cache) => cache,
        Err(e) => panic!("cannot connect to the test Redis at {url}: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_suite_with_the_native_lock() {
    let cache = connect().await;
    assert_eq!(cache.backend_name(), "redis");
    let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
    weixin_testkit::run_all(Arc::new(cache), lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_suite_with_several_connections() {
    let url = common::shared_url();
    let cache = RedisCache::connect(RedisConfig::new(&url).connections(3))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
    weixin_testkit::run_all(Arc::new(cache), lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn generic_cache_lock_over_redis_passes_the_lock_checks() {
    let cache: Arc<dyn Cache> = Arc::new(connect().await);
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache));
    weixin_testkit::run_lock_checks(&lock).await;
}
