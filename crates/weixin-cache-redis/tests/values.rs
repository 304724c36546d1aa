//! Redis-specific value and key checks beyond the shared suite (`WEIXIN_TEST_REDIS_URL`).

mod common;

use std::time::Duration;

use weixin_cache_redis::{RedisCache, RedisConfig};
use weixin_core::cache::{Cache, CacheErrorKind};
use weixin_testkit::Namespace;

async fn connect() -> RedisCache {
    RedisCache::connect(RedisConfig::new(common::shared_url()))
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"))
}

#[tokio::test]
async fn values_of_one_and_four_mebibytes_round_trip() {
    let cache = connect().await;
    let ns = Namespace::new("redis_large");
    for len in [1024 * 1024, 4 * 1024 * 1024] {
        let key = ns.key(len);
        let value: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
        cache
            .set(&key, &value, Some(Duration::from_secs(60)))
            .await
            .unwrap_or_else(|e| panic!("set {len}: {e}"));
        assert!(
            cache.get(&key).await.ok().flatten() == Some(value),
            "{len} bytes"
        );
        assert!(matches!(cache.delete(&key).await, Ok(true)));
    }
}

#[tokio::test]
async fn sub_millisecond_ttls_round_up_and_zero_is_rejected() {
    let cache = connect().await;
    let ns = Namespace::new("redis_ttl");
    let key = ns.key("k");
    // 1 µs rounds up to 1 ms (never to 0, which Redis rejects).
    cache
        .set(&key, b"v", Some(Duration::from_micros(1)))
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(cache.get(&key).await.ok(), Some(None), "expired after 1 ms");
    let err = cache.add(&key, b"v", Duration::ZERO).await.err();
    assert_eq!(err.map(|e| e.kind()), Some(CacheErrorKind::InvalidInput));
}

#[tokio::test]
async fn keys_with_spaces_newlines_and_long_keys_are_distinct() {
    let cache = connect().await;
    let ns = Namespace::new("redis_keys");
    let keys = [
        ns.key("a b"),
        ns.key("a\r\nb"),
        ns.key("a\0b"),
        ns.key("x".repeat(1000)),
        ns.key(""),
    ];
    for (i, key) in keys.iter().enumerate() {
        cache
            .set(key, &[i as u8], Some(Duration::from_secs(60)))
            .await
            .unwrap_or_else(|e| panic!("set {key:?}: {e}"));
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            cache.get(key).await.ok().flatten(),
            Some(vec![i as u8]),
            "{key:?}"
        );
        assert!(matches!(cache.delete(key).await, Ok(true)));
    }
}
