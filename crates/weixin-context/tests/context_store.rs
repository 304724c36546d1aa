//! Public behaviour of the context store.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use weixin_context::{ContextStore, Error, ManualClock, MessageContext};
use weixin_core::cache::Cache;

const APP: &str = "wx_app";
const USER: &str = "o_user";
const START_MS: u64 = 1_700_000_000_000;

type Ctx = MessageContext<u64, String>;
type Store = ContextStore<u64, String>;

/// A store whose storage counts commits: each update pushes the commit's sequence number, so
/// the kept records show exactly which commits survived and in what order.
fn counting_update(ctx: &mut Ctx) {
    let seq = ctx.storage().as_u64().unwrap_or(0) + 1;
    *ctx.storage_mut() = seq.into();
    ctx.push_request(seq);
}

async fn run_concurrent_updates(store: Store, tasks: u64) {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.update(APP, USER, counting_update).await })
        })
        .collect();
    for handle in handles {
        handle.await.expect("task panicked").expect("update failed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_updates_keep_fifty_records() {
    let store: Store = ContextStore::builder(common::cache())
        .max_records(64)
        .build();
    run_concurrent_updates(store.clone(), 50).await;
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.storage(), 50, "every update committed exactly once");
    let seqs: Vec<u64> = ctx.requests().iter().copied().collect();
    assert_eq!(seqs, (1..=50).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_updates_with_bound_twenty_keep_the_twenty_newest() {
    let store: Store = ContextStore::builder(common::cache()).build();
    assert_eq!(store.max_records(), 20);
    run_concurrent_updates(store.clone(), 50).await;
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.storage(), 50);
    let seqs: Vec<u64> = ctx.requests().iter().copied().collect();
    assert_eq!(seqs, (31..=50).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_a_cache_see_each_others_writes() {
    let cache = common::cache();
    let server_a: Store = ContextStore::new(Arc::clone(&cache));
    let server_b: Store = ContextStore::new(Arc::clone(&cache));
    server_a.push_request(APP, USER, 1).await.unwrap();
    let ctx = server_b.push_request(APP, USER, 2).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [1, 2]);
    server_b
        .update(APP, USER, |ctx| *ctx.storage_mut() = "from b".into())
        .await
        .unwrap();
    let seen_by_a = server_a.load(APP, USER).await.unwrap();
    assert_eq!(seen_by_a.storage(), "from b");
    assert_eq!(seen_by_a.requests().len(), 2);

    // Interleaved concurrent writers on both servers lose nothing.
    let mut handles = Vec::new();
    for i in 0..20 {
        let store = if i % 2 == 0 {
            server_a.clone()
        } else {
            server_b.clone()
        };
        handles.push(tokio::spawn(async move {
            store.update(APP, "o_other", counting_update).await
        }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    assert_eq!(server_a.load(APP, "o_other").await.unwrap().storage(), 20);

    // Another prefix is another namespace.
    let other_env: Store = ContextStore::builder(cache).key_prefix("staging").build();
    assert!(
        other_env
            .load(APP, USER)
            .await
            .unwrap()
            .requests()
            .is_empty()
    );
}

#[tokio::test]
async fn load_without_a_context_returns_a_fresh_unsaved_one() {
    let cache = common::cache();
    let clock = ManualClock::new(START_MS);
    let store: Store = ContextStore::builder(Arc::clone(&cache))
        .clock(clock)
        .build();
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!((ctx.appid(), ctx.openid()), (APP, USER));
    assert_eq!(ctx.created_at_ms(), START_MS);
    assert!(ctx.requests().is_empty() && ctx.storage().is_null());
    assert_eq!(cache.get(&store.cache_key(APP, USER)).await.unwrap(), None);
}

#[tokio::test]
async fn remove_deletes_the_context() {
    let store: Store = ContextStore::new(common::cache());
    store.push_request(APP, USER, 7).await.unwrap();
    assert!(store.remove(APP, USER).await.unwrap());
    assert!(!store.remove(APP, USER).await.unwrap());
    assert!(store.load(APP, USER).await.unwrap().requests().is_empty());
}

#[tokio::test]
async fn update_returns_the_closure_value_and_slides_last_active() {
    let clock = ManualClock::new(START_MS);
    let store: Store = ContextStore::builder(common::cache())
        .clock(clock.clone())
        .build();
    let n = store
        .update(APP, USER, |ctx| {
            ctx.push_response("hi".into());
            ctx.responses().len()
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    clock.advance(Duration::from_secs(60));
    store.push_request(APP, USER, 1).await.unwrap();
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.created_at_ms(), START_MS);
    assert_eq!(ctx.last_active_ms(), START_MS + 60_000);
}

type Expired = Arc<Mutex<Vec<Ctx>>>;

fn store_with_handler(cache: Arc<dyn Cache>, clock: ManualClock, seen: &Expired) -> Store {
    let sink = Arc::clone(seen);
    ContextStore::builder(cache)
        .clock(clock)
        .expiry(Duration::from_secs(30 * 60))
        .on_expired(move |ctx| sink.lock().unwrap().push(ctx))
        .build()
}

#[tokio::test]
async fn expiry_fires_once_on_next_access_and_resets_the_context() {
    let clock = ManualClock::new(START_MS);
    let seen = Expired::default();
    let store = store_with_handler(common::cache(), clock.clone(), &seen);
    assert_eq!(
        store.entry_ttl(),
        Duration::from_secs(30 * 60 + 24 * 3600),
        "a handler keeps entries for the retention window"
    );
    store
        .update(APP, USER, |ctx| {
            ctx.push_request(1);
            *ctx.storage_mut() = serde_json::json!({"cart": ["tea"]});
        })
        .await
        .unwrap();

    // Reads do not slide the expiry; 29 min later it is still live.
    clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(store.load(APP, USER).await.unwrap().requests().len(), 1);
    clock.advance(Duration::from_secs(60));
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing fires before access"
    );

    let fresh = store.load(APP, USER).await.unwrap();
    assert!(fresh.requests().is_empty() && fresh.storage().is_null());
    assert_eq!(fresh.created_at_ms(), START_MS + 30 * 60_000);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!((seen[0].appid(), seen[0].openid()), (APP, USER));
        assert_eq!(seen[0].requests().iter().copied().collect::<Vec<_>>(), [1]);
        assert_eq!(seen[0].storage()["cart"][0], "tea");
    }

    // Later accesses do not fire again.
    store.load(APP, USER).await.unwrap();
    store.push_request(APP, USER, 2).await.unwrap();
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [2]);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn expiry_found_by_update_starts_the_update_on_a_fresh_context() {
    let clock = ManualClock::new(START_MS);
    let seen = Expired::default();
    let store = store_with_handler(common::cache(), clock.clone(), &seen);
    store
        .update(APP, USER, |ctx| {
            ctx.push_request(1);
            *ctx.storage_mut() = 99.into();
        })
        .await
        .unwrap();
    clock.advance(Duration::from_secs(31 * 60));
    let ctx = store.push_request(APP, USER, 2).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [2]);
    assert!(ctx.storage().is_null(), "storage is cleared");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].storage(), 99);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_fires_once_across_two_servers_racing() {
    for _round in 0..20 {
        let cache = common::cache();
        let clock = ManualClock::new(START_MS);
        let seen = Expired::default();
        let a = store_with_handler(Arc::clone(&cache), clock.clone(), &seen);
        let b = store_with_handler(cache, clock.clone(), &seen);
        a.push_request(APP, USER, 1).await.unwrap();
        clock.advance(Duration::from_secs(3600));
        let (ra, rb, rc) = tokio::join!(
            tokio::spawn({
                let a = a.clone();
                async move { a.push_request(APP, USER, 10).await }
            }),
            tokio::spawn({
                let b = b.clone();
                async move { b.push_request(APP, USER, 20).await }
            }),
            tokio::spawn({
                let b = b.clone();
                async move { b.load(APP, USER).await }
            }),
        );
        ra.unwrap().unwrap();
        rb.unwrap().unwrap();
        rc.unwrap().unwrap();
        assert_eq!(seen.lock().unwrap().len(), 1, "exactly one server fires");
        let mut kept: Vec<u64> = a
            .load(APP, USER)
            .await
            .unwrap()
            .requests()
            .iter()
            .copied()
            .collect();
        kept.sort_unstable();
        // The load deletes only the exact expired bytes, so no new push is lost.
        assert_eq!(kept, [10, 20]);
    }
}

#[tokio::test]
async fn without_a_handler_entries_live_exactly_the_expiry() {
    let clock = ManualClock::new(START_MS);
    let store: Store = ContextStore::builder(common::cache())
        .clock(clock.clone())
        .expiry(Duration::from_secs(600))
        .retention(Duration::from_secs(9999))
        .build();
    assert_eq!(store.entry_ttl(), Duration::from_secs(600));
    store.push_request(APP, USER, 1).await.unwrap();
    clock.advance(Duration::from_secs(600));
    assert!(store.load(APP, USER).await.unwrap().requests().is_empty());
}

#[tokio::test]
async fn undecodable_context_is_replaced_by_a_fresh_one() {
    let cache = common::cache();
    let store: Store = ContextStore::new(Arc::clone(&cache));
    let key = store.cache_key(APP, USER);
    cache
        .set(&key, b"{\"q\":[\"not a number\"]}", None)
        .await
        .unwrap();
    assert!(store.load(APP, USER).await.unwrap().requests().is_empty());
    store.push_request(APP, USER, 5).await.unwrap();
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [5]);
}

#[tokio::test(start_paused = true)]
async fn losing_every_race_is_a_clear_error_and_writes_nothing() {
    let inner = common::cache();
    let raced: Arc<dyn Cache> = Arc::new(common::AlwaysRaced(Arc::clone(&inner)));
    let store: Store = ContextStore::builder(raced).max_attempts(5).build();
    let mut runs = 0;
    let err = store
        .update(APP, USER, |ctx| {
            runs += 1;
            ctx.push_request(1);
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Contended { attempts: 5, ref key } if key == "weixin:context:wx_app:o_user")
    );
    assert!(err.is_retryable());
    assert_eq!(runs, 5, "the closure ran once per attempt");
    assert_eq!(
        inner.get("weixin:context:wx_app:o_user").await.unwrap(),
        None
    );
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct Cart {
    items: Vec<String>,
}

#[tokio::test]
async fn typed_storage_round_trips() {
    let store: ContextStore<String, String, Cart> = ContextStore::new(common::cache());
    store
        .update(APP, USER, |ctx| ctx.storage_mut().items.push("tea".into()))
        .await
        .unwrap();
    store
        .update(APP, USER, |ctx| ctx.storage_mut().items.push("cake".into()))
        .await
        .unwrap();
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.storage().items, ["tea", "cake"]);
}

#[tokio::test]
async fn versioned_load_and_save_is_one_swap_when_nobody_raced() {
    let store: Store = ContextStore::new(common::cache());
    store.push_request(APP, USER, 1).await.unwrap();
    let (mut ctx, version) = store.load_versioned(APP, USER).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [1]);
    ctx.push_request(2);
    ctx.push_response("two".to_owned());
    let mut reapplied = 0;
    store
        .save_versioned(APP, USER, version, ctx, |_| reapplied += 1)
        .await
        .unwrap();
    assert_eq!(reapplied, 0, "the swap on the loaded bytes succeeded");
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(ctx.last_response().map(String::as_str), Some("two"));
}

#[tokio::test]
async fn versioned_save_after_a_concurrent_write_reapplies_on_the_current_value() {
    let cache = common::cache();
    let server_a: Store = ContextStore::new(Arc::clone(&cache));
    let server_b: Store = ContextStore::new(Arc::clone(&cache));
    let (mut ctx, version) = server_a.load_versioned(APP, USER).await.unwrap();
    ctx.push_request(1);
    // Server B writes between A's read and A's save.
    server_b.push_request(APP, USER, 2).await.unwrap();
    let mut reapplied = 0;
    server_a
        .save_versioned(APP, USER, version, ctx, |stored| {
            reapplied += 1;
            stored.push_request(1);
        })
        .await
        .unwrap();
    assert_eq!(reapplied, 1);
    let ctx = server_a.load(APP, USER).await.unwrap();
    assert_eq!(
        ctx.requests().iter().copied().collect::<Vec<_>>(),
        [2, 1],
        "B's write is kept and A's change is applied after it"
    );
}

#[tokio::test]
async fn versioned_save_replacing_an_expired_context_fires_the_handler_once() {
    let clock = ManualClock::new(START_MS);
    let seen = Expired::default();
    let store = store_with_handler(common::cache(), clock.clone(), &seen);
    store.push_request(APP, USER, 1).await.unwrap();
    clock.advance(Duration::from_secs(31 * 60));
    let (mut ctx, version) = store.load_versioned(APP, USER).await.unwrap();
    assert!(ctx.requests().is_empty(), "an expired context loads fresh");
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing fires before the save"
    );
    ctx.push_request(2);
    store
        .save_versioned(APP, USER, version, ctx, |_| panic!("no race here"))
        .await
        .unwrap();
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].requests().iter().copied().collect::<Vec<_>>(), [1]);
    }
    let ctx = store.load(APP, USER).await.unwrap();
    assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [2]);
    assert_eq!(seen.lock().unwrap().len(), 1);
}
