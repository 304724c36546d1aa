//! The SDK's backend conformance suite, run on the custom backend: if this passes, tokens,
//! locks, contexts, dedup and sessions all work on it.

use std::sync::Arc;

use custom_cache::MapCache;
use weixin_core::cache::{Cache, CacheLock, DistributedLock};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn map_cache_passes_the_conformance_suite() {
    let cache: Arc<dyn Cache> = Arc::new(MapCache::default());
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(Arc::clone(&cache)));
    weixin_testkit::run_all(cache, lock).await;
}
