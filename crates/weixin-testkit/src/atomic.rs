//! Set-if-absent, compare-and-swap and compare-and-delete, alone and under races.

use std::sync::Arc;
use std::time::Duration;

use super::namespace::{Namespace, join_all, ok};
use weixin_core::cache::Cache;

/// How many tasks race in the race checks.
pub const RACERS: usize = 50;

const TTL: Duration = Duration::from_secs(60);

/// `add` stores only when the key is absent and reports whether it did.
pub async fn add_semantics(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("add_semantics");
    let key = ns.key("k");

    assert!(
        ok(cache.add(&key, b"first", TTL).await, "add"),
        "add on an absent key must win"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"first"[..]),
        "the winning add must store its value"
    );
    assert!(
        !ok(cache.add(&key, b"second", TTL).await, "add"),
        "add on a present key must lose"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"first"[..]),
        "a losing add must not change the value"
    );

    ok(cache.set(&key, b"set", None).await, "set");
    assert!(
        !ok(cache.add(&key, b"third", TTL).await, "add"),
        "add must lose against a value stored without a TTL"
    );

    ok(cache.delete(&key).await, "delete");
    assert!(
        ok(cache.add(&key, b"after-delete", TTL).await, "add"),
        "add after delete must win"
    );
}

/// Of [`RACERS`] concurrent `add` calls on one key exactly one wins, and its value is stored.
pub async fn add_race(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("add_race");
    let key = ns.key("k");
    let handles = (0..RACERS)
        .map(|i| {
            let cache = Arc::clone(cache);
            let key = key.clone();
            tokio::spawn(async move {
                let won = ok(cache.add(&key, i.to_string().as_bytes(), TTL).await, "add");
                (i, won)
            })
        })
        .collect();
    let winners: Vec<usize> = join_all(handles)
        .await
        .into_iter()
        .filter_map(|(i, won)| won.then_some(i))
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one of {RACERS} concurrent adds must win, winners: {winners:?}"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get"),
        Some(winners[0].to_string().into_bytes()),
        "the stored value must be the winner's"
    );
}

/// `compare_and_swap` swaps only on an exact match; `expected = None` means "only if absent".
pub async fn compare_and_swap(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("compare_and_swap");
    let key = ns.key("k");

    assert!(
        !ok(
            cache.compare_and_swap(&key, Some(b"x"), b"new", None).await,
            "compare_and_swap"
        ),
        "expecting a value on an absent key must fail"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get"),
        None,
        "a failed swap must not create the key"
    );

    assert!(
        ok(
            cache.compare_and_swap(&key, None, b"v1", Some(TTL)).await,
            "compare_and_swap"
        ),
        "expecting absence on an absent key must succeed"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"v1"[..]),
        "the swap from absence must store the value"
    );

    assert!(
        !ok(
            cache.compare_and_swap(&key, None, b"v2", None).await,
            "compare_and_swap"
        ),
        "expecting absence on a present key must fail"
    );
    assert!(
        !ok(
            cache.compare_and_swap(&key, Some(b"v"), b"v2", None).await,
            "compare_and_swap"
        ),
        "a prefix of the current value is not a match"
    );
    assert!(
        !ok(
            cache
                .compare_and_swap(&key, Some(b"v1 "), b"v2", None)
                .await,
            "compare_and_swap"
        ),
        "a longer value is not a match"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"v1"[..]),
        "failed swaps must not change the value"
    );

    assert!(
        ok(
            cache.compare_and_swap(&key, Some(b"v1"), b"v2", None).await,
            "compare_and_swap"
        ),
        "a matching swap must succeed"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"v2"[..]),
        "a matching swap must store the new value"
    );
    assert!(
        !ok(
            cache.compare_and_swap(&key, Some(b"v1"), b"v3", None).await,
            "compare_and_swap"
        ),
        "swapping from a replaced value must fail"
    );
}

/// Of [`RACERS`] concurrent swaps from the same expected value exactly one succeeds.
pub async fn compare_and_swap_race(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("compare_and_swap_race");
    let key = ns.key("k");
    ok(cache.set(&key, b"start", Some(TTL)).await, "set");
    let handles = (0..RACERS)
        .map(|i| {
            let cache = Arc::clone(cache);
            let key = key.clone();
            tokio::spawn(async move {
                let new = i.to_string();
                let won = ok(
                    cache
                        .compare_and_swap(&key, Some(b"start"), new.as_bytes(), Some(TTL))
                        .await,
                    "compare_and_swap",
                );
                (i, won)
            })
        })
        .collect();
    let winners: Vec<usize> = join_all(handles)
        .await
        .into_iter()
        .filter_map(|(i, won)| won.then_some(i))
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one of {RACERS} concurrent swaps must win, winners: {winners:?}"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get"),
        Some(winners[0].to_string().into_bytes()),
        "the stored value must be the winner's"
    );
}

/// `compare_and_delete` deletes only on an exact match: a non-owner cannot delete, the owner can.
pub async fn compare_and_delete(cache: &Arc<dyn Cache>) {
    let ns = Namespace::new("compare_and_delete");
    let key = ns.key("k");

    assert!(
        !ok(
            cache.compare_and_delete(&key, b"owner").await,
            "compare_and_delete"
        ),
        "compare_and_delete of an absent key must return false"
    );

    ok(cache.set(&key, b"owner", Some(TTL)).await, "set");
    assert!(
        !ok(
            cache.compare_and_delete(&key, b"someone-else").await,
            "compare_and_delete"
        ),
        "a non-owner must not delete"
    );
    assert!(
        !ok(
            cache.compare_and_delete(&key, b"own").await,
            "compare_and_delete"
        ),
        "a prefix of the value is not a match"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get").as_deref(),
        Some(&b"owner"[..]),
        "a failed compare_and_delete must keep the value"
    );

    assert!(
        ok(
            cache.compare_and_delete(&key, b"owner").await,
            "compare_and_delete"
        ),
        "the owner must delete"
    );
    assert_eq!(
        ok(cache.get(&key).await, "get"),
        None,
        "the key must be gone"
    );
    assert!(
        !ok(
            cache.compare_and_delete(&key, b"owner").await,
            "compare_and_delete"
        ),
        "a second compare_and_delete must return false"
    );
}
