//! Expiry against the real clock (these checks sleep; `run_all` runs them concurrently).

use std::sync::Arc;
use std::time::Duration;

use super::namespace::{Namespace, ok};
use weixin_core::cache::Cache;

/// The TTL the expiry checks use. Two seconds because Memcached counts TTLs in whole seconds on a
/// coarse clock, so a 2 s entry lives between about 1 and 2 seconds there.
pub const SHORT_TTL: Duration = Duration::from_secs(2);

/// How long the expiry checks sleep to be sure a [`SHORT_TTL`] entry has expired on any backend.
pub const EXPIRY_WAIT: Duration = Duration::from_millis(3500);

/// Every way of writing with a TTL expires; writing without one never does, and a later write
/// without a TTL clears an earlier TTL. Expired keys behave as absent. Sleeps [`EXPIRY_WAIT`].
pub async fn ttl_expiry(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("ttl_expiry");
    let set_ttl = ns.key("set-ttl");
    let no_ttl = ns.key("no-ttl");
    let cleared = ns.key("ttl-cleared");
    let added = ns.key("add");
    let swapped = ns.key("cas");
    let swapped_long = ns.key("cas-long");

    ok(cache.set(&set_ttl, b"v", Some(SHORT_TTL)).await, "set");
    ok(cache.set(&no_ttl, b"v", None).await, "set");
    ok(cache.set(&cleared, b"v", Some(SHORT_TTL)).await, "set");
    ok(cache.set(&cleared, b"w", None).await, "set");
    assert!(ok(cache.add(&added, b"v", SHORT_TTL).await, "add"), "add");
    assert!(
        ok(
            cache
                .compare_and_swap(&swapped, None, b"v", Some(SHORT_TTL))
                .await,
            "compare_and_swap"
        ),
        "compare_and_swap from absence"
    );
    // A swap sets the new TTL: a long-lived value swapped to a short TTL expires.
    ok(cache.set(&swapped_long, b"v", None).await, "set");
    assert!(
        ok(
            cache
                .compare_and_swap(&swapped_long, Some(b"v"), b"w", Some(SHORT_TTL))
                .await,
            "compare_and_swap"
        ),
        "matching compare_and_swap"
    );
    for key in [&set_ttl, &added, &swapped, &swapped_long] {
        assert!(
            ok(cache.get(key).await, "get").is_some(),
            "{key} must be readable before its TTL ran out"
        );
    }

    tokio::time::sleep(EXPIRY_WAIT).await;

    for key in [&set_ttl, &added, &swapped, &swapped_long] {
        assert_eq!(
            ok(cache.get(key).await, "get"),
            None,
            "{key} must have expired after {EXPIRY_WAIT:?} (TTL {SHORT_TTL:?})"
        );
    }
    assert_eq!(
        ok(cache.get(&no_ttl).await, "get").as_deref(),
        Some(&b"v"[..]),
        "a value without TTL must not expire"
    );
    assert_eq!(
        ok(cache.get(&cleared).await, "get").as_deref(),
        Some(&b"w"[..]),
        "a write without TTL must clear the earlier TTL"
    );

    assert!(
        !ok(cache.delete(&set_ttl).await, "delete"),
        "delete of an expired key must return false"
    );
    assert!(
        !ok(
            cache.compare_and_delete(&added, b"v").await,
            "compare_and_delete"
        ),
        "compare_and_delete of an expired key must return false"
    );
    assert!(
        !ok(
            cache
                .compare_and_swap(&swapped, Some(b"v"), b"x", None)
                .await,
            "compare_and_swap"
        ),
        "swapping from an expired value must fail"
    );
    assert!(
        ok(
            cache.compare_and_swap(&swapped, None, b"x", None).await,
            "compare_and_swap"
        ),
        "an expired key must count as absent for compare_and_swap"
    );
    ok(cache.delete(&no_ttl).await, "delete");
    ok(cache.delete(&cleared).await, "delete");
    ok(cache.delete(&swapped).await, "delete");
}

/// An `add` loses while the first value lives and wins once it has expired. Sleeps
/// [`EXPIRY_WAIT`].
pub async fn add_after_expiry(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("add_after_expiry");
    let key = ns.key("k");

    assert!(
        ok(cache.add(&key, b"first", SHORT_TTL).await, "add"),
        "the first add must win"
    );
    assert!(
        !ok(cache.add(&key, b"second", SHORT_TTL).await, "add"),
        "an add before expiry must lose"
    );

    tokio::time::sleep(EXPIRY_WAIT).await;

    assert!(
        ok(cache.add(&key, b"third", SHORT_TTL).await, "add"),
        "an add after expiry must win"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"third"[..]),
        "the add after expiry must store its value"
    );
}
