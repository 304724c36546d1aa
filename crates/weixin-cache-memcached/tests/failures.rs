//! Failure behaviour against real `memcached` processes owned by each test: down at start,
//! killed while in use, frozen (no answers), restarted on the same port (the scenarios of
//! `weixin_testkit::outage`), a malformed URL and oversized values.

mod common;

use std::sync::Arc;
use std::time::Duration;

use weixin_cache_memcached::{MemcachedCache, MemcachedConfig};
use weixin_core::cache::{Cache, CacheErrorKind, DistributedLock};
use weixin_testkit::outage::{self, CONNECT_TIMEOUT, Connected, OP_TIMEOUT, OutageBackend};
use weixin_testkit::{OwnServer, free_port};

const MEMCACHED: OutageBackend = OutageBackend {
    name: "memcached",
    start,
    connect: connect_outage,
};

fn start(port: u16) -> OwnServer {
    common::start_server(port, &[])
}

fn config(url: &str) -> MemcachedConfig {
    MemcachedConfig::new(url)
        .unwrap_or_else(|e| panic!("{e}"))
        .operation_timeout(OP_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
}

fn connect_outage(port: u16) -> Connected {
    Box::pin(async move {
        let cache = MemcachedCache::connect(config(&common::url(port))).await?;
        let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
        let cache: Arc<dyn Cache> = Arc::new(cache);
        Ok((cache, lock))
    })
}

async fn connect(url: &str) -> MemcachedCache {
    MemcachedCache::connect(config(url))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"))
}

#[tokio::test]
async fn a_server_that_is_down_at_start_fails_the_constructor_quickly() {
    outage::down_at_start(&MEMCACHED).await;
}

#[tokio::test]
async fn a_malformed_url_is_invalid_input() {
    let err = MemcachedCache::from_url("memcache://127.0.0.1:1?protocol=ascii")
        .await
        .err();
    assert_eq!(err.map(|e| e.kind()), Some(CacheErrorKind::InvalidInput));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_cache_recovers_after_the_server_is_killed_and_restarted() {
    outage::killed_and_restarted(&MEMCACHED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_makes_operations_time_out_and_thawing_recovers() {
    outage::frozen_then_thawed(&MEMCACHED).await;
}

#[tokio::test]
async fn one_mebibyte_values_need_a_larger_item_size_and_oversized_values_are_rejected() {
    let mib: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();

    // Default item size (1 MiB including overhead): a 1 MiB value does not fit.
    let small = common::start_server(free_port(), &[]);
    let cache = connect(&common::url(small.port())).await;
    let err = cache.set("big", &mib, None).await.err();
    assert_eq!(err.map(|e| e.kind()), Some(CacheErrorKind::InvalidInput));
    assert_eq!(cache.get("big").await.ok(), Some(None), "nothing stored");
    // The connection stays in sync after the rejection.
    assert!(cache.set("small", b"v", None).await.is_ok());
    assert_eq!(cache.get("small").await.ok().flatten(), Some(b"v".to_vec()));

    // `-I 2m`: 1 MiB values round-trip, through every operation.
    let large = common::start_server(free_port(), &["-I", "2m"]);
    let cache = connect(&common::url(large.port())).await;
    cache
        .set("big", &mib, None)
        .await
        .unwrap_or_else(|e| panic!("set 1 MiB with -I 2m: {e}"));
    assert!(cache.get("big").await.ok().flatten() == Some(mib.clone()));
    assert!(matches!(
        cache
            .compare_and_swap("big", Some(&mib), &mib[1..], None)
            .await,
        Ok(true)
    ));
    assert!(matches!(
        cache.compare_and_delete("big", &mib[1..]).await,
        Ok(true)
    ));
    assert!(matches!(
        cache.add("big", &mib, Duration::from_secs(60)).await,
        Ok(true)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_attempt_lost_in_a_frozen_server_is_released_after_thawing() {
    outage::lock_attempt_lost_while_frozen(&MEMCACHED).await;
}
