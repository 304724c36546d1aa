//! Plain reads, writes, deletes and argument validation.

use std::sync::Arc;
use std::time::Duration;

use super::namespace::{Namespace, ok};
use weixin_core::cache::{Cache, CacheErrorKind};

/// `get` of an absent key is `None`; `set` then `get` returns the value; `delete` removes it
/// and reports whether it did.
pub async fn get_set_delete(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("get_set_delete");
    let key = ns.key("k");

    assert_eq!(
        ok(cache.get(&key).await, "get"),
        None,
        "get of an absent key"
    );
    assert!(
        !ok(cache.delete(&key).await, "delete"),
        "delete of an absent key must return false"
    );

    ok(cache.set(&key, b"value", None).await, "set");
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"value"[..]),
        "get after set"
    );

    assert!(
        ok(cache.delete(&key).await, "delete"),
        "delete of a present key must return true"
    );
    assert_eq!(ok(cache.get(&key).await, "get"), None, "get after delete");
    assert!(
        !ok(cache.delete(&key).await, "delete"),
        "a second delete must return false"
    );
}

/// `set` replaces an existing value (with or without a TTL), and keys do not affect each other.
pub async fn set_overwrites(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("set_overwrites");
    let key = ns.key("k");
    let other = ns.key("other");

    ok(cache.set(&key, b"first", None).await, "set");
    ok(cache.set(&other, b"untouched", None).await, "set");
    ok(
        cache
            .set(&key, b"second", Some(Duration::from_secs(60)))
            .await,
        "set",
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"second"[..]),
        "set must replace the previous value"
    );
    ok(cache.set(&key, b"3", None).await, "set");
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"3"[..]),
        "a shorter value must replace a longer one completely"
    );
    assert_eq!(
        ok(cache.get(&other).await, "get").as_deref(),
        Some(&b"untouched"[..]),
        "writing one key must not change another"
    );
}

/// A zero TTL is rejected with `InvalidInput` by every operation that takes a TTL, and stores
/// nothing.
pub async fn zero_ttl_rejected(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("zero_ttl_rejected");
    let key = ns.key("k");
    let zero = Duration::ZERO;

    let kind = |what: &str, result: Result<(), weixin_core::cache::CacheError>| match result {
        Ok(()) => panic!("{what} with a zero TTL must fail with InvalidInput, but succeeded"),
        Err(e) => assert_eq!(
            e.kind(),
            CacheErrorKind::InvalidInput,
            "{what} with a zero TTL: wrong error kind ({e})"
        ),
    };
    kind("set", cache.set(&key, b"v", Some(zero)).await);
    kind("add", cache.add(&key, b"v", zero).await.map(|_| ()));
    kind(
        "compare_and_swap",
        cache
            .compare_and_swap(&key, None, b"v", Some(zero))
            .await
            .map(|_| ()),
    );
    assert_eq!(
        ok(cache.get(&key).await, "get"),
        None,
        "a rejected write must not store anything"
    );
}
