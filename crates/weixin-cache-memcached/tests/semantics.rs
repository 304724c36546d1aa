//! Memcached-specific semantics beyond the shared suite: key mapping, TTL rounding, the `add`
//! trap, several servers (`WEIXIN_TEST_MEMCACHED_URL`, plus throwaway servers).

mod common;

use std::time::{Duration, Instant};

use weixin_cache_memcached::{HASHED_PREFIX, MemcachedCache, MemcachedConfig};
use weixin_core::cache::{Cache, CacheErrorKind, DistributedLock};
use weixin_testkit::{Namespace, free_port};

async fn connect() -> MemcachedCache {
    MemcachedCache::from_url(&common::shared_url())
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"))
}

const TTL: Option<Duration> = Some(Duration::from_secs(60));

#[tokio::test]
async fn keys_memcached_cannot_store_verbatim_are_hashed_and_stay_distinct() {
    let cache = connect().await;
    let ns = Namespace::new("mc_keys");
    let long = ns.key("x".repeat(300));
    let longer = ns.key("x".repeat(301));
    let keys = [
        ns.key("a b"),
        ns.key("a  b"),
        ns.key("a\r\nb"),
        ns.key("tab\tkey"),
        ns.key("a\0b"),
        long.clone(),
        longer,
        String::new(),
        // A verbatim-looking key that starts with the hash prefix is hashed too.
        format!("{HASHED_PREFIX}{}", ns.key("x")),
        ns.key("y".repeat(250 - ns.key("").len())),
    ];
    for (i, key) in keys.iter().enumerate() {
        cache
            .set(key, &[i as u8], TTL)
            .await
            .unwrap_or_else(|e| panic!("set {key:?}: {e}"));
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            cache.get(key).await.ok().flatten(),
            Some(vec![i as u8]),
            "{key:?}"
        );
    }
    // Conditional operations and locks see the same mapping.
    assert!(matches!(
        cache.compare_and_swap(&long, Some(&[5]), b"n", TTL).await,
        Ok(true)
    ));
    assert!(matches!(
        cache.compare_and_delete(&long, b"n").await,
        Ok(true)
    ));
    let lock = cache.lock();
    let guard = lock
        .acquire(&keys[0], Duration::from_secs(5), Duration::ZERO)
        .await
        .unwrap_or_else(|e| panic!("acquire: {e}"));
    assert!(
        guard.is_none(),
        "the lock key holds a cache value, so it is taken"
    );
    for key in &keys[1..] {
        let _ = cache.delete(key).await;
    }
    let guard = lock
        .acquire(
            &ns.key("lock with spaces"),
            Duration::from_secs(5),
            Duration::ZERO,
        )
        .await
        .unwrap_or_else(|e| panic!("acquire: {e}"))
        .unwrap_or_else(|| panic!("a free lock"));
    assert!(matches!(guard.release().await, Ok(true)));
}

#[tokio::test]
async fn a_lost_add_reports_losing_even_under_a_race() {
    let cache = connect().await;
    let ns = Namespace::new("mc_add");
    for round in 0..20 {
        let key = ns.key(round);
        let racers: Vec<_> = (0..8u8)
            .map(|i| {
                let cache = cache.clone();
                let key = key.clone();
                tokio::spawn(async move { cache.add(&key, &[i], Duration::from_secs(60)).await })
            })
            .collect();
        let mut winners = Vec::new();
        for (i, racer) in racers.into_iter().enumerate() {
            match racer.await {
                Ok(Ok(true)) => winners.push(i as u8),
                Ok(Ok(false)) => {}
                other => panic!("add failed: {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "exactly one add wins: {winners:?}");
        assert_eq!(cache.get(&key).await.ok().flatten(), Some(winners));
    }
}

#[tokio::test]
async fn sub_second_ttls_round_up_never_down() {
    let cache = connect().await;
    let ns = Namespace::new("mc_ttl");
    let key = ns.key("k");
    let started = Instant::now();
    cache
        .set(&key, b"v", Some(Duration::from_millis(1)))
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));
    // A 1 ms TTL becomes ceil(1 ms) + 1 s of clock slack = 2 s: alive for more than 1 s ...
    tokio::time::sleep(Duration::from_millis(900).saturating_sub(started.elapsed())).await;
    assert_eq!(
        cache.get(&key).await.ok().flatten(),
        Some(b"v".to_vec()),
        "after 0.9 s"
    );
    // ... and gone after at most 2 s.
    tokio::time::sleep(Duration::from_millis(2200).saturating_sub(started.elapsed())).await;
    assert_eq!(cache.get(&key).await.ok(), Some(None), "after 2.2 s");
    let err = cache.set(&key, b"v", Some(Duration::ZERO)).await.err();
    assert_eq!(err.map(|e| e.kind()), Some(CacheErrorKind::InvalidInput));
}

#[tokio::test]
async fn ttls_above_thirty_days_are_sent_as_absolute_times() {
    let cache = connect().await;
    let key = Namespace::new("mc_long_ttl").key("k");
    cache
        .set(&key, b"v", Some(Duration::from_secs(90 * 24 * 3600)))
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));
    // Sent as a relative TTL above 30 days, memcached would read it as a past Unix time.
    assert_eq!(cache.get(&key).await.ok().flatten(), Some(b"v".to_vec()));
    assert!(matches!(cache.delete(&key).await, Ok(true)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_spread_over_several_servers_and_each_key_lives_on_one() {
    let a = common::start_server(free_port(), &[]);
    let b = common::start_server(free_port(), &[]);
    let url = format!("memcache://127.0.0.1:{},127.0.0.1:{}", a.port(), b.port());
    let config = MemcachedConfig::new(&url).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.servers().len(), 2);
    let both = MemcachedCache::connect(config)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let only_a = MemcachedCache::from_url(&common::url(a.port()))
        .await
        .unwrap_or_else(|e| panic!("connect a: {e}"));
    let only_b = MemcachedCache::from_url(&common::url(b.port()))
        .await
        .unwrap_or_else(|e| panic!("connect b: {e}"));
    let (mut on_a, mut on_b) = (0, 0);
    for i in 0..64 {
        let key = format!("k{i}");
        both.set(&key, b"v", TTL)
            .await
            .unwrap_or_else(|e| panic!("set: {e}"));
        let in_a = only_a.get(&key).await.ok().flatten().is_some();
        let in_b = only_b.get(&key).await.ok().flatten().is_some();
        assert!(in_a != in_b, "{key} must live on exactly one server");
        if in_a {
            on_a += 1
        } else {
            on_b += 1
        }
        assert!(matches!(
            both.compare_and_delete(&key, b"v").await,
            Ok(true)
        ));
    }
    assert!(on_a > 0 && on_b > 0, "keys spread: {on_a} / {on_b}");
}
