//! When tokens are refreshed: one token-endpoint call per real token, also when the platform's
//! `stable_token` answers the current token with a shrinking `expires_in`.

mod token_fakes;

use std::sync::Arc;
use std::time::Duration;

use token_fakes::{APPID, FakePlatform, Mode, broker};
use weixin_core::cache::{Cache, MemoryCache};
use weixin_core::clock::ManualClock;

const START_MS: u64 = 1_800_000_000_000;

struct Run {
    calls: usize,
    issued: usize,
}

/// `servers` brokers sharing one cache call `get()` every `step` for `span`; when `refresher` is
/// `Some(interval)`, the first one also runs `refresh_if_due(2 × interval)` every `interval`.
async fn run(
    ttl: Duration,
    mode: Mode,
    margin: Duration,
    servers: usize,
    step: Duration,
    span: Duration,
    refresher: Option<Duration>,
) -> Run {
    let clock = ManualClock::new(START_MS);
    let platform = FakePlatform::new(clock.clone(), ttl, mode);
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let brokers: Vec<_> = (0..servers)
        .map(|_| broker(cache.clone(), &clock, margin, platform.clone()))
        .collect();
    let mut elapsed = Duration::ZERO;
    let mut since_tick = Duration::ZERO;
    while elapsed < span {
        if let Some(interval) = refresher
            && since_tick >= interval
        {
            since_tick = Duration::ZERO;
            brokers[0]
                .refresh_if_due(APPID, interval * 2)
                .await
                .expect("background refresh");
        }
        for b in &brokers {
            let token = b.get_stored(APPID).await.expect("token");
            assert!(
                token.is_valid(i64::try_from(START_MS + elapsed.as_millis() as u64).unwrap()),
                "an expired token was handed out at {elapsed:?}"
            );
        }
        clock.advance(step);
        elapsed += step;
        since_tick += step;
    }
    Run {
        calls: platform.calls(),
        issued: platform.issued(),
    }
}

/// The chaos run's simulator: 15 s tokens, renewed by `stable_token` only in their last 5 s,
/// `expires_in` in whole seconds; the SDK keeps its default 300 s margin.
#[tokio::test]
async fn simulator_like_stable_tokens_are_fetched_once_each() {
    let r = run(
        Duration::from_secs(15),
        Mode::Stable {
            renewal: Duration::from_secs(5),
            whole_seconds: true,
        },
        Duration::from_secs(300),
        3,
        Duration::from_millis(100),
        Duration::from_secs(75),
        None,
    )
    .await;
    println!(
        "simulator-like (15 s TTL, 5 s renewal, 3 servers, 75 s): {} calls, {} tokens",
        r.calls, r.issued
    );
    assert!(r.issued >= 5, "{} tokens in 75 s of 15 s tokens", r.issued);
    assert_eq!(r.calls, r.issued, "token-endpoint calls = tokens (windows)");
}

/// The same with a 20 s TTL (the full chaos run).
#[tokio::test]
async fn twenty_second_stable_tokens_are_fetched_once_each() {
    let r = run(
        Duration::from_secs(20),
        Mode::Stable {
            renewal: Duration::from_secs(5),
            whole_seconds: true,
        },
        Duration::from_secs(300),
        3,
        Duration::from_millis(100),
        Duration::from_secs(100),
        None,
    )
    .await;
    println!(
        "simulator-like (20 s TTL, 5 s renewal, 3 servers, 100 s): {} calls, {} tokens",
        r.calls, r.issued
    );
    assert!(r.issued >= 5);
    assert_eq!(r.calls, r.issued);
}

/// WeChat itself: 7200 s tokens renewed in their last 300 s, the default margin. (Calls every
/// 7 s: a call landing exactly 300 s before expiry would still get the current token from the
/// fake, while real requests reach WeChat a little after the SDK decided to refresh.)
#[tokio::test]
async fn wechat_like_stable_tokens_are_fetched_once_each() {
    let r = run(
        Duration::from_secs(7200),
        Mode::Stable {
            renewal: Duration::from_secs(300),
            whole_seconds: true,
        },
        Duration::from_secs(300),
        2,
        Duration::from_secs(7),
        Duration::from_secs(5 * 7200),
        None,
    )
    .await;
    println!(
        "WeChat-like (7200 s, 300 s renewal, 5 windows): {} calls, {} tokens",
        r.calls, r.issued
    );
    assert!(r.issued >= 5);
    assert_eq!(r.calls, r.issued);
}

/// Classic tokens: every fetch issues one, so one fetch per window.
#[tokio::test]
async fn classic_tokens_are_fetched_once_per_window() {
    let r = run(
        Duration::from_secs(15),
        Mode::Classic,
        Duration::from_secs(300),
        3,
        Duration::from_millis(100),
        Duration::from_secs(75),
        None,
    )
    .await;
    println!(
        "classic (15 s, 75 s): {} calls, {} tokens",
        r.calls, r.issued
    );
    assert_eq!(r.calls, r.issued);
    assert!((5..=7).contains(&r.issued), "{} windows", r.issued);
}

/// The background refresher on WeChat-like tokens: it fetches ahead of the foreground margin,
/// where `stable_token` still answers the current token; that early answer must not make it
/// fetch again on every tick.
#[tokio::test]
async fn the_refresher_does_not_refetch_the_same_token_every_tick() {
    let r = run(
        Duration::from_secs(7200),
        Mode::Stable {
            renewal: Duration::from_secs(300),
            whole_seconds: true,
        },
        Duration::from_secs(300),
        2,
        Duration::from_secs(10),
        Duration::from_secs(5 * 7200),
        Some(Duration::from_secs(60)),
    )
    .await;
    println!(
        "WeChat-like with a 60 s refresher (5 windows): {} calls, {} tokens",
        r.calls, r.issued
    );
    assert!(r.issued >= 5);
    assert!(
        r.calls <= 2 * r.issued,
        "{} calls for {} tokens",
        r.calls,
        r.issued
    );
}

/// A platform that returns the same token until it has expired (no renewal window at all): the
/// broker must not loop fetching the token it already holds.
#[tokio::test]
async fn a_platform_without_renewal_window_does_not_cause_a_fetch_loop() {
    let r = run(
        Duration::from_secs(15),
        Mode::Stable {
            renewal: Duration::ZERO,
            whole_seconds: false,
        },
        Duration::from_secs(300),
        3,
        Duration::from_millis(100),
        Duration::from_secs(75),
        None,
    )
    .await;
    println!(
        "same token until expiry (15 s, 75 s): {} calls, {} tokens",
        r.calls, r.issued
    );
    assert!(r.issued >= 5);
    assert!(
        r.calls <= 3 * r.issued,
        "{} calls for {} tokens",
        r.calls,
        r.issued
    );
}
