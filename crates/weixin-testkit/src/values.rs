//! Value and key shapes: binary, empty, large, unicode keys.

use std::sync::Arc;
use std::time::Duration;

use super::namespace::{Namespace, ok};
use weixin_core::cache::Cache;

/// The size of the large value check: 1 MiB less 1 KiB, because Memcached's default item limit
/// of 1 MiB also counts the key and the item header.
pub const LARGE_VALUE_LEN: usize = 1024 * 1024 - 1024;

const TTL: Duration = Duration::from_secs(60);

/// Values are bytes: all 256 byte values survive a round trip, and an empty value is stored
/// (it reads back as `Some(empty)`, not as absent).
pub async fn binary_values(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("binary_values");
    let all_bytes: Vec<u8> = (0..=255).collect();
    let bytes_key = ns.key("all-bytes");
    ok(cache.set(&bytes_key, &all_bytes, Some(TTL)).await, "set");
    assert_eq!(
        ok(cache.get(&bytes_key).await, "get"),
        Some(all_bytes.clone()),
        "all 256 byte values must round-trip"
    );
    assert!(
        ok(
            cache.compare_and_delete(&bytes_key, &all_bytes).await,
            "compare_and_delete"
        ),
        "compare_and_delete must match a binary value"
    );

    let empty = ns.key("empty");
    ok(cache.set(&empty, b"", Some(TTL)).await, "set");
    assert_eq!(
        ok(cache.get(&empty).await, "get"),
        Some(Vec::new()),
        "an empty value must read back as Some(empty)"
    );
    assert!(
        !ok(cache.add(&empty, b"x", TTL).await, "add"),
        "an empty value is present: add must lose"
    );
    assert!(
        !ok(
            cache.compare_and_swap(&empty, None, b"x", Some(TTL)).await,
            "compare_and_swap"
        ),
        "an empty value is present: swapping from absence must fail"
    );
    assert!(
        ok(
            cache
                .compare_and_swap(&empty, Some(b""), b"x", Some(TTL))
                .await,
            "compare_and_swap"
        ),
        "swapping from the empty value must succeed"
    );
    ok(cache.delete(&empty).await, "delete");

    let added_empty = ns.key("added-empty");
    assert!(ok(cache.add(&added_empty, b"", TTL).await, "add"), "add");
    assert!(
        ok(
            cache.compare_and_delete(&added_empty, b"").await,
            "compare_and_delete"
        ),
        "compare_and_delete must match the empty value"
    );
}

/// A value of [`LARGE_VALUE_LEN`] bytes round-trips and can be replaced by a small one.
pub async fn large_values(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("large_values");
    let key = ns.key("k");
    let large: Vec<u8> = (0..LARGE_VALUE_LEN)
        .map(|i| u8::try_from(i % 251).unwrap_or(0))
        .collect();
    ok(cache.set(&key, &large, Some(TTL)).await, "set");
    let read = ok(cache.get(&key).await, "get");
    assert_eq!(
        read.as_ref().map(Vec::len),
        Some(LARGE_VALUE_LEN),
        "a large value must read back whole"
    );
    assert!(read == Some(large.clone()), "a large value must round-trip");
    assert!(
        ok(
            cache
                .compare_and_swap(&key, Some(&large), b"small", Some(TTL))
                .await,
            "compare_and_swap"
        ),
        "compare_and_swap must match a large value"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"small"[..]),
        "a small value must replace a large one"
    );
    ok(cache.delete(&key).await, "delete");
}

/// Keys with colons and non-ASCII characters work and stay distinct from similar keys.
pub async fn unusual_keys(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("unusual_keys");
    let keys = [
        ns.key("键:ключ:🔑"),
        ns.key("a:b"),
        ns.key("a_b"),
        ns.key("a::b:"),
        ns.key("ÄÖÜ-ß"),
    ];
    for (i, key) in keys.iter().enumerate() {
        ok(
            cache.set(key, i.to_string().as_bytes(), Some(TTL)).await,
            "set",
        );
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            ok(cache.get(key).await, "get"),
            Some(i.to_string().into_bytes()),
            "key {key:?} must keep its own value"
        );
    }
    for key in &keys {
        assert!(ok(cache.delete(key).await, "delete"), "delete {key:?}");
    }
}
