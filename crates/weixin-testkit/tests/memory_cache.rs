//! The SDK's own caches pass the conformance suite: `MemoryCache` (unbounded and bounded) and
//! `SwappableCache` over it.

use std::sync::Arc;

use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache, SwappableCache};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_cache_passes_the_conformance_suite() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    weixin_testkit::run_all(cache, lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bounded_memory_cache_passes_the_conformance_suite() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::with_capacity(10_000));
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    weixin_testkit::run_all(cache, lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_swappable_cache_passes_the_conformance_suite() {
    let cache: Arc<dyn Cache> = Arc::new(SwappableCache::new(Arc::new(MemoryCache::new())));
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    weixin_testkit::run_all(cache, lock).await;
}
