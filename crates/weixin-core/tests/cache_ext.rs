//! `CacheExt`: typed JSON helpers on any cache.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use weixin_core::cache::{Cache, CacheErrorKind, CacheExt, MemoryCache};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Token {
    value: String,
    expires_at: u64,
}

fn token() -> Token {
    Token {
        value: "ACCESS".into(),
        expires_at: 1_800_000_000,
    }
}

#[tokio::test]
async fn json_round_trips_through_a_dyn_cache() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    cache.set_json("t", &token(), None).await.unwrap();
    assert_eq!(cache.get_json::<Token>("t").await.unwrap(), Some(token()));
    // Stored as plain JSON, readable by any other client of the same server.
    let raw = cache.get("t").await.unwrap().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(json["value"], "ACCESS");
}

#[tokio::test]
async fn a_missing_key_is_none() {
    let cache = MemoryCache::new();
    assert_eq!(cache.get_json::<Token>("missing").await.unwrap(), None);
}

#[tokio::test]
async fn add_json_is_set_if_absent() {
    let cache = MemoryCache::new();
    let ttl = Duration::from_secs(60);
    assert!(cache.add_json("t", &token(), ttl).await.unwrap());
    let other = Token {
        value: "OTHER".into(),
        expires_at: 1,
    };
    assert!(!cache.add_json("t", &other, ttl).await.unwrap());
    assert_eq!(cache.get_json::<Token>("t").await.unwrap(), Some(token()));
}

#[tokio::test]
async fn unsized_values_can_be_stored() {
    let cache = MemoryCache::new();
    cache.set_json("s", "text", None).await.unwrap();
    cache.set_json("list", &[1, 2, 3][..], None).await.unwrap();
    assert_eq!(
        cache.get_json::<String>("s").await.unwrap().as_deref(),
        Some("text")
    );
    assert_eq!(
        cache.get_json::<Vec<i32>>("list").await.unwrap(),
        Some(vec![1, 2, 3])
    );
}

#[tokio::test]
async fn a_value_of_the_wrong_shape_is_a_serialization_error() {
    let cache = MemoryCache::new();
    cache.set("t", b"not json", None).await.unwrap();
    let err = cache.get_json::<Token>("t").await.unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::Serialization);
    assert!(!err.is_transient());
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().contains("`t`"), "{err}");

    cache.set_json("n", &42, None).await.unwrap();
    let err = cache.get_json::<Token>("n").await.unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::Serialization);
}

#[tokio::test]
async fn an_unencodable_value_is_a_serialization_error_and_stores_nothing() {
    let cache = MemoryCache::new();
    // JSON object keys must be strings.
    let map: HashMap<(u8, u8), u8> = HashMap::from([((1, 2), 3)]);
    let err = cache.set_json("m", &map, None).await.unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::Serialization);
    let err = cache
        .add_json("m", &map, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::Serialization);
    assert_eq!(cache.get("m").await.unwrap(), None);
}
