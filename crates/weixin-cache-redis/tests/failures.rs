//! Failure behaviour against real `redis-server` processes owned by each test: down at start,
//! killed while in use, frozen (no answers), restarted on the same port.

mod common;

use std::time::{Duration, Instant};

use common::{expect_transient, start_server};
use weixin_cache_redis::{RedisCache, RedisConfig};
use weixin_core::cache::{Cache, CacheErrorKind, DistributedLock};
use weixin_core::testkit::{free_port, retry_until_ok};

const OP_TIMEOUT: Duration = Duration::from_millis(500);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// Scheduling slack on a busy 2-core machine.
const SLACK: Duration = Duration::from_millis(1500);

fn config(url: &str) -> RedisConfig {
    RedisConfig::new(url)
        .operation_timeout(OP_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
}

#[tokio::test]
async fn a_server_that_is_down_at_start_fails_the_constructor_quickly() {
    let url = common::url(free_port());
    let started = Instant::now();
    let err = expect_transient(RedisCache::connect(config(&url)).await, "connect");
    let took = started.elapsed();
    assert_eq!(err.kind(), CacheErrorKind::Unavailable, "{err}");
    assert!(took < CONNECT_TIMEOUT * 2 + SLACK, "took {took:?}");
    assert!(
        err.to_string().contains("127.0.0.1"),
        "names the server: {err}"
    );
}

#[tokio::test]
async fn a_malformed_url_is_invalid_input() {
    let err = RedisCache::connect(config("http://127.0.0.1:1"))
        .await
        .err();
    assert_eq!(err.map(|e| e.kind()), Some(CacheErrorKind::InvalidInput));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_cache_recovers_after_the_server_is_killed_and_restarted() {
    let port = free_port();
    let mut server = start_server(port, &[]);
    let cache = RedisCache::connect(config(&common::url(server.port())))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let lock = cache.lock();

    cache
        .set("k", b"before", None)
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));
    // Load the scripts into the server's script cache, which the restart empties.
    assert!(matches!(
        cache.compare_and_delete("k", b"other").await,
        Ok(false)
    ));

    server.kill();
    for _ in 0..3 {
        let started = Instant::now();
        expect_transient(cache.get("k").await, "get while the server is down");
        expect_transient(
            cache.compare_and_delete("k", b"before").await,
            "compare_and_delete while down",
        );
        expect_transient(
            lock.acquire("lock", Duration::from_secs(5), Duration::ZERO)
                .await,
            "acquire while down",
        );
        let took = started.elapsed();
        assert!(
            took < OP_TIMEOUT * 3 + SLACK,
            "three operations took {took:?}"
        );
    }

    let _server = start_server(port, &[]);
    retry_until_ok(
        Duration::from_secs(15),
        "recovery after the restart",
        || cache.set("k", b"after", None),
    )
    .await;
    assert_eq!(cache.get("k").await.ok().flatten(), Some(b"after".to_vec()));
    // Scripts work again (EVALSHA falls back to EVAL on the fresh server).
    assert!(matches!(
        cache
            .compare_and_swap("k", Some(b"after"), b"swapped", None)
            .await,
        Ok(true)
    ));
    assert!(matches!(
        cache.compare_and_delete("k", b"swapped").await,
        Ok(true)
    ));
    let guard = lock
        .acquire("lock", Duration::from_secs(5), Duration::ZERO)
        .await
        .unwrap_or_else(|e| panic!("acquire after restart: {e}"))
        .unwrap_or_else(|| panic!("the lock is free on the fresh server"));
    assert!(matches!(
        guard.extend(Duration::from_secs(5)).await,
        Ok(true)
    ));
    assert!(matches!(guard.release().await, Ok(true)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_makes_operations_time_out_and_thawing_recovers() {
    let server = start_server(free_port(), &[]);
    let cache = RedisCache::connect(config(&common::url(server.port())))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    cache
        .set("k", b"v", None)
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));

    server.signal_stop();
    let started = Instant::now();
    let err = expect_transient(cache.get("k").await, "get from a frozen server");
    let took = started.elapsed();
    assert_eq!(err.kind(), CacheErrorKind::Timeout, "{err}");
    assert!(
        took >= OP_TIMEOUT - Duration::from_millis(50),
        "gave up early: {took:?}"
    );
    assert!(took < OP_TIMEOUT + SLACK, "took {took:?}");
    let started = Instant::now();
    expect_transient(
        cache
            .lock()
            .acquire("lock", Duration::from_secs(5), Duration::from_secs(1))
            .await,
        "acquire from a frozen server",
    );
    assert!(
        started.elapsed() < OP_TIMEOUT + SLACK,
        "acquire took {:?}",
        started.elapsed()
    );

    server.signal_continue();
    let value = retry_until_ok(Duration::from_secs(10), "recovery after thawing", || {
        cache.get("k")
    })
    .await;
    assert_eq!(value, Some(b"v".to_vec()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_attempt_lost_in_a_frozen_server_is_released_after_thawing() {
    let server = start_server(free_port(), &[]);
    let cache = RedisCache::connect(config(&common::url(server.port())))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let lock = cache.lock();

    // The attempt reaches the frozen server's socket but gets no answer: its outcome is unknown.
    server.signal_stop();
    let err = lock
        .acquire("lock", Duration::from_secs(60), Duration::ZERO)
        .await
        .err()
        .unwrap_or_else(|| panic!("acquire from a frozen server must fail"));
    assert!(err.is_transient(), "{err}");
    server.signal_continue();

    // The server may now have stored that attempt's token; the background release removes
    // it, so the lock is free long before its 60 s TTL.
    let started = Instant::now();
    let guard = lock
        .acquire("lock", Duration::from_secs(60), Duration::from_secs(15))
        .await
        .unwrap_or_else(|e| panic!("acquire after thawing: {e}"))
        .unwrap_or_else(|| panic!("the unknown attempt kept the lock for 15 s"));
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(matches!(guard.release().await, Ok(true)));
}
