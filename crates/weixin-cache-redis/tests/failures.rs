//! Failure behaviour against real `redis-server` processes owned by each test: down at start,
//! killed while in use, frozen (no answers), restarted on the same port (the scenarios of
//! `weixin_testkit::outage`), and a malformed URL.

mod common;

use std::sync::Arc;

use weixin_cache_redis::{RedisCache, RedisConfig};
use weixin_core::cache::{Cache, CacheErrorKind, DistributedLock};
use weixin_testkit::OwnServer;
use weixin_testkit::outage::{self, CONNECT_TIMEOUT, Connected, OP_TIMEOUT, OutageBackend};

const REDIS: OutageBackend = OutageBackend {
    name: "redis",
    start,
    connect,
};

fn start(port: u16) -> OwnServer {
    common::start_server(port, &[])
}

fn config(url: &str) -> RedisConfig {
    RedisConfig::new(url)
        .operation_timeout(OP_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
}

fn connect(port: u16) -> Connected {
    Box::pin(async move {
        let cache = RedisCache::connect(config(&common::url(port))).await?;
        let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
        let cache: Arc<dyn Cache> = Arc::new(cache);
        Ok((cache, lock))
    })
}

#[tokio::test]
async fn a_server_that_is_down_at_start_fails_the_constructor_quickly() {
    outage::down_at_start(&REDIS).await;
}

#[tokio::test]
async fn a_malformed_url_is_invalid_input() {
    let err = RedisCache::connect(config("http://127.0.0.1:1"))
        .await
        .err();
    assert_eq!(err.map(|e| e.kind()), Some(CacheErrorKind::InvalidInput));
}

/// Also proves the scripts work again: EVALSHA falls back to EVAL on the fresh server, whose
/// script cache is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_cache_recovers_after_the_server_is_killed_and_restarted() {
    outage::killed_and_restarted(&REDIS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_makes_operations_time_out_and_thawing_recovers() {
    outage::frozen_then_thawed(&REDIS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_attempt_lost_in_a_frozen_server_is_released_after_thawing() {
    outage::lock_attempt_lost_while_frozen(&REDIS).await;
}
