//! `MemoryCache`: exact TTLs on paused time, capacity eviction (the conformance suite runs in
//! `weixin-testkit`'s tests).

use std::sync::Arc;
use std::time::Duration;

use weixin_core::cache::{Cache, CacheErrorKind, MemoryCache};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test(start_paused = true)]
async fn a_value_expires_exactly_at_its_ttl() {
    let cache = MemoryCache::new();
    cache.set("k", b"v", Some(secs(60))).await.unwrap();

    tokio::time::advance(secs(60) - Duration::from_millis(1)).await;
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some(&b"v"[..]));

    tokio::time::advance(Duration::from_millis(1)).await;
    assert_eq!(cache.get("k").await.unwrap(), None);
}

#[tokio::test(start_paused = true)]
async fn each_entry_has_its_own_ttl() {
    let cache = MemoryCache::new();
    cache.set("short", b"1", Some(secs(10))).await.unwrap();
    cache.set("long", b"2", Some(secs(100))).await.unwrap();
    cache.set("forever", b"3", None).await.unwrap();

    tokio::time::advance(secs(50)).await;
    assert_eq!(cache.get("short").await.unwrap(), None);
    assert!(cache.get("long").await.unwrap().is_some());

    tokio::time::advance(secs(10 * 365 * 24 * 3600)).await;
    assert_eq!(cache.get("long").await.unwrap(), None);
    assert_eq!(
        cache.get("forever").await.unwrap().as_deref(),
        Some(&b"3"[..])
    );
}

#[tokio::test(start_paused = true)]
async fn a_write_restarts_or_clears_the_ttl() {
    let cache = MemoryCache::new();
    cache.set("k", b"v1", Some(secs(10))).await.unwrap();
    tokio::time::advance(secs(8)).await;
    cache.set("k", b"v2", Some(secs(10))).await.unwrap();
    tokio::time::advance(secs(8)).await;
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some(&b"v2"[..]));

    assert!(
        cache
            .compare_and_swap("k", Some(b"v2"), b"v3", None)
            .await
            .unwrap()
    );
    tokio::time::advance(secs(3600)).await;
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some(&b"v3"[..]));
}

#[tokio::test(start_paused = true)]
async fn an_expired_value_counts_as_absent_everywhere() {
    let cache = MemoryCache::new();
    for key in ["add", "cas-none", "cas-some", "cad", "delete"] {
        cache.set(key, b"old", Some(secs(5))).await.unwrap();
    }
    tokio::time::advance(secs(5)).await;

    assert!(cache.add("add", b"new", secs(5)).await.unwrap());
    assert!(
        cache
            .compare_and_swap("cas-none", None, b"new", None)
            .await
            .unwrap()
    );
    assert!(
        !cache
            .compare_and_swap("cas-some", Some(b"old"), b"new", None)
            .await
            .unwrap()
    );
    assert!(!cache.compare_and_delete("cad", b"old").await.unwrap());
    assert!(!cache.delete("delete").await.unwrap());

    assert_eq!(
        cache.get("add").await.unwrap().as_deref(),
        Some(&b"new"[..])
    );
    assert_eq!(
        cache.get("cas-none").await.unwrap().as_deref(),
        Some(&b"new"[..])
    );
    assert_eq!(cache.get("cas-some").await.unwrap(), None);
}

#[tokio::test]
async fn a_zero_ttl_is_invalid_input() {
    let cache = MemoryCache::new();
    let err = cache.add("k", b"v", Duration::ZERO).await.unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::InvalidInput);
    assert_eq!(err.backend(), "memory");
    let err = cache
        .set("k", b"v", Some(Duration::ZERO))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::InvalidInput);
    assert_eq!(cache.get("k").await.unwrap(), None);
}

#[tokio::test]
async fn a_bounded_cache_evicts_down_to_its_capacity() {
    let cache = MemoryCache::with_capacity(100);
    assert_eq!(cache.max_entries(), Some(100));
    for i in 0..1000 {
        cache.set(&format!("k{i}"), b"v", None).await.unwrap();
    }
    cache.run_pending_tasks().await;
    assert!(
        cache.entry_count() <= 100,
        "{} entries",
        cache.entry_count()
    );

    let mut live = 0;
    for i in 0..1000 {
        if cache.get(&format!("k{i}")).await.unwrap().is_some() {
            live += 1;
        }
    }
    assert!(live <= 100 && live > 0, "{live} live entries");
    assert!(
        cache.get("k999").await.unwrap().is_some(),
        "the newest entry is kept (LRU never refuses a new key)"
    );
}

#[tokio::test]
async fn eviction_takes_the_least_recently_used_entry() {
    let cache = MemoryCache::with_capacity(10);
    for i in 0..10 {
        cache.set(&format!("k{i}"), b"v", None).await.unwrap();
    }
    cache.run_pending_tasks().await;
    // Touch k0 so that k1 becomes the least recently used.
    assert!(cache.get("k0").await.unwrap().is_some());
    cache.run_pending_tasks().await;

    cache.set("new", b"v", None).await.unwrap();
    cache.run_pending_tasks().await;

    assert!(
        cache.get("k0").await.unwrap().is_some(),
        "k0 was used recently"
    );
    assert!(
        cache.get("new").await.unwrap().is_some(),
        "the new key is kept"
    );
    assert_eq!(
        cache.get("k1").await.unwrap(),
        None,
        "k1 was the least recently used"
    );
}

#[tokio::test]
async fn an_unbounded_cache_keeps_everything() {
    let cache = MemoryCache::default();
    assert_eq!(cache.max_entries(), None);
    for i in 0..2000 {
        cache.set(&format!("k{i}"), b"v", None).await.unwrap();
    }
    cache.run_pending_tasks().await;
    assert_eq!(cache.entry_count(), 2000);
}

#[tokio::test]
async fn clones_share_storage() {
    let a = MemoryCache::new();
    let b = a.clone();
    a.set("k", b"v", None).await.unwrap();
    assert_eq!(b.get("k").await.unwrap().as_deref(), Some(&b"v"[..]));
    assert_eq!(a.backend_name(), "memory");
    assert!(format!("{a:?}").contains("MemoryCache"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn adds_on_many_keys_have_one_winner_each() {
    let cache = Arc::new(MemoryCache::new());
    let handles: Vec<_> = (0..400)
        .map(|i| {
            let cache = cache.clone();
            tokio::spawn(async move {
                let key = format!("k{}", i % 20);
                cache.add(&key, b"v", secs(60)).await.unwrap()
            })
        })
        .collect();
    let mut wins = 0;
    for handle in handles {
        if handle.await.unwrap() {
            wins += 1;
        }
    }
    assert_eq!(wins, 20);
}

#[tokio::test(start_paused = true)]
async fn expired_entries_are_reclaimed_by_later_writes() {
    let cache = MemoryCache::new();
    for i in 0..1000 {
        cache
            .set(&format!("old{i}"), b"v", Some(secs(5)))
            .await
            .unwrap();
    }
    assert_eq!(cache.entry_count(), 1000);
    tokio::time::advance(secs(5)).await;

    // Without any explicit housekeeping, writes of other keys sweep the expired ones.
    for i in 0..4000 {
        cache.set(&format!("new{i}"), b"v", None).await.unwrap();
    }
    assert_eq!(cache.entry_count(), 4000, "every expired entry was swept");
}

#[tokio::test]
async fn a_large_bound_holds_across_shards() {
    let cache = MemoryCache::with_capacity(20_000);
    for i in 0..100_000 {
        cache.set(&format!("k{i}"), b"v", None).await.unwrap();
    }
    assert!(
        cache.entry_count() <= 20_000 + 64,
        "{} entries",
        cache.entry_count()
    );
    assert!(
        cache.entry_count() >= 18_000,
        "{} entries",
        cache.entry_count()
    );
    // The most recent writes are all kept.
    for i in 99_000..100_000 {
        assert!(cache.get(&format!("k{i}")).await.unwrap().is_some(), "k{i}");
    }
}
