//! The token broker during a shared-cache outage: it keeps serving the token it holds, fetches
//! only where that cannot start a token war (stable tokens), and shares through the cache again
//! once it is back.

mod token_fakes;

use std::sync::Arc;
use std::time::Duration;

use token_fakes::{APPID, FakePlatform, Mode, SwitchableCache, broker};
use weixin_core::Error;
use weixin_core::cache::Cache;
use weixin_core::clock::ManualClock;

const START_MS: u64 = 1_800_000_000_000;

fn stable() -> Mode {
    Mode::Stable {
        renewal: Duration::from_secs(300),
        whole_seconds: true,
    }
}

const TTL: Duration = Duration::from_secs(7200);
const MARGIN: Duration = Duration::from_secs(300);

#[tokio::test]
async fn a_fresh_local_copy_is_served_with_zero_fetches() {
    for mode in [stable(), Mode::Classic] {
        let clock = ManualClock::new(START_MS);
        let platform = FakePlatform::new(clock.clone(), TTL, mode);
        let cache = SwitchableCache::new();
        let shared: Arc<dyn Cache> = cache.clone();
        let fetcher = broker(shared.clone(), &clock, MARGIN, platform.clone());
        // A second server that only ever read the token from the cache.
        let reader = broker(shared, &clock, MARGIN, platform.clone());
        let token = fetcher.get(APPID).await.unwrap();
        assert_eq!(reader.get(APPID).await.unwrap(), token);
        assert_eq!(platform.calls(), 1);

        cache.set_down(true);
        clock.advance(Duration::from_secs(3600));
        for b in [&fetcher, &reader] {
            for _ in 0..100 {
                assert_eq!(b.get(APPID).await.unwrap(), token, "{mode:?}");
            }
        }
        assert_eq!(
            platform.calls(),
            1,
            "{mode:?}: no fetch while a fresh copy is held"
        );
        assert_eq!(fetcher.stats().token_fetches, 1);
        assert_eq!(reader.stats().token_fetches, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stable_mode_without_a_local_copy_fetches_once_for_fifty_callers() {
    let clock = ManualClock::new(START_MS);
    let platform =
        FakePlatform::new(clock.clone(), TTL, stable()).with_delay(Duration::from_millis(100));
    let cache = SwitchableCache::new();
    let b = broker(cache.clone(), &clock, MARGIN, platform.clone());
    cache.set_down(true);

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let b = b.clone();
        tasks.spawn(async move { b.get(APPID).await });
    }
    let mut tokens = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        tokens.push(joined.unwrap().expect("served during the outage"));
    }
    assert_eq!(tokens.len(), 50);
    assert!(tokens.iter().all(|t| *t == tokens[0]));
    assert_eq!(platform.calls(), 1, "single flight inside the process");

    // Kept in process: later calls during the outage fetch nothing.
    clock.advance(Duration::from_secs(600));
    assert_eq!(b.get(APPID).await.unwrap(), tokens[0]);
    assert_eq!(platform.calls(), 1);
}

#[tokio::test]
async fn classic_mode_without_a_local_copy_returns_a_clear_error() {
    let clock = ManualClock::new(START_MS);
    let platform = FakePlatform::new(clock.clone(), TTL, Mode::Classic);
    let cache = SwitchableCache::new();
    let b = broker(cache.clone(), &clock, MARGIN, platform.clone());
    cache.set_down(true);

    let err = b.get(APPID).await.unwrap_err();

    assert!(
        matches!(&err, Error::CacheUnavailable { appid, kind: "access_token", .. } if appid == APPID),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.kind_name(), "cache_unavailable");
    assert!(
        err.to_string().contains("shared cache is unavailable"),
        "{err}"
    );
    assert_eq!(
        platform.calls(),
        0,
        "classic tokens are never fetched without the lock"
    );
}

#[tokio::test]
async fn classic_mode_serves_a_token_inside_its_margin_rather_than_fetching() {
    let clock = ManualClock::new(START_MS);
    let platform = FakePlatform::new(clock.clone(), TTL, Mode::Classic);
    let cache = SwitchableCache::new();
    let b = broker(cache.clone(), &clock, MARGIN, platform.clone());
    let token = b.get(APPID).await.unwrap();
    cache.set_down(true);

    // 100 s left: inside the 300 s margin, not expired.
    clock.advance(TTL - Duration::from_secs(100));
    assert_eq!(b.get(APPID).await.unwrap(), token);
    assert_eq!(platform.calls(), 1);

    // Expired: nothing left to serve, and still no fetch.
    clock.advance(Duration::from_secs(100));
    assert!(matches!(
        b.get(APPID).await,
        Err(Error::CacheUnavailable { .. })
    ));
    assert_eq!(platform.calls(), 1);
}

#[tokio::test]
async fn once_the_cache_is_back_the_local_token_is_shared_through_it() {
    let clock = ManualClock::new(START_MS);
    let platform = FakePlatform::new(clock.clone(), TTL, stable());
    let cache = SwitchableCache::new();
    let shared: Arc<dyn Cache> = cache.clone();
    let a = broker(shared.clone(), &clock, MARGIN, platform.clone());
    let b = broker(shared.clone(), &clock, MARGIN, platform.clone());
    cache.set_down(true);
    let token = a.get(APPID).await.unwrap();
    assert_eq!(platform.calls(), 1);

    cache.set_down(false);
    clock.advance(Duration::from_secs(10));
    assert_eq!(a.get(APPID).await.unwrap(), token);
    assert_eq!(
        platform.calls(),
        1,
        "the held token is stored, not fetched again"
    );
    let key = a.cache_key(APPID).unwrap();
    let raw = shared
        .get(&key)
        .await
        .unwrap()
        .expect("stored in the cache");
    let stored: weixin_core::token::StoredToken = serde_json::from_slice(&raw).unwrap();
    assert_eq!(stored.token, token);

    // Another server reads it from the cache.
    assert_eq!(b.get(APPID).await.unwrap(), token);
    assert_eq!(platform.calls(), 1);
    assert_eq!(b.stats().token_fetches, 0);

    // Refreshes go through the cache again: due at 300 s before expiry, one fetch for both.
    clock.advance(TTL - Duration::from_secs(10) - Duration::from_secs(250));
    let next = b.get(APPID).await.unwrap();
    assert_ne!(next, token);
    assert_eq!(a.get(APPID).await.unwrap(), next);
    assert_eq!(platform.calls(), 2);
}

#[tokio::test]
async fn a_failed_store_after_the_fetch_still_returns_and_keeps_the_token() {
    for mode in [stable(), Mode::Classic] {
        let clock = ManualClock::new(START_MS);
        let platform = FakePlatform::new(clock.clone(), TTL, mode);
        let cache = SwitchableCache::new();
        let shared: Arc<dyn Cache> = cache.clone();
        let b = broker(shared.clone(), &clock, MARGIN, platform.clone());
        // Reads and the lock work; the compare-and-swap of the fetched token fails.
        cache.set_swaps_down(true);
        let token = b.get(APPID).await.expect("the fetched token is returned");
        assert_eq!(platform.calls(), 1);
        let key = b.cache_key(APPID).unwrap();
        cache.set_swaps_down(false);
        assert_eq!(shared.get(&key).await.unwrap(), None, "not stored");

        // Kept in process: served through a full outage without another fetch.
        cache.set_down(true);
        assert_eq!(b.get(APPID).await.unwrap(), token, "{mode:?}");
        assert_eq!(platform.calls(), 1, "{mode:?}");
    }
}
