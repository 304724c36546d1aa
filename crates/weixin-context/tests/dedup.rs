//! Public behaviour of the deduplicator.

mod common;

use std::sync::Arc;
use std::time::Duration;

use weixin_context::{Begin, DedupKey, Deduplicator, Error, MIN_DEDUP_TTL, Wait};
use weixin_core::cache::Cache;

const APP: &str = "wx_app";

fn text_key() -> DedupKey {
    DedupKey::from_parts(APP, Some(6074746557628292943), "o_user", 1414387151, None)
}

fn first(begin: Begin) -> weixin_context::DedupTicket {
    match begin {
        Begin::First(ticket) => ticket,
        other => panic!("expected First, got {other:?}"),
    }
}

#[tokio::test]
async fn same_key_three_times_gets_first_then_the_stored_reply_twice() {
    let dedup = Deduplicator::new(common::cache());
    let key = text_key();
    let ticket = first(dedup.begin(&key).await.unwrap());
    assert_eq!(
        ticket.cache_key(),
        "weixin:dedup:wx_app:msg:6074746557628292943"
    );
    assert!(dedup.complete(ticket, b"<xml>reply</xml>").await.unwrap());
    for _ in 0..2 {
        match dedup.begin(&key).await.unwrap() {
            Begin::Done(reply) => assert_eq!(reply, b"<xml>reply</xml>"),
            other => panic!("expected Done, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_empty_reply_is_done_not_in_flight() {
    let dedup = Deduplicator::new(common::cache());
    let key = text_key();
    let ticket = first(dedup.begin(&key).await.unwrap());
    dedup.complete(ticket, b"").await.unwrap();
    assert!(matches!(dedup.begin(&key).await.unwrap(), Begin::Done(r) if r.is_empty()));
}

#[tokio::test]
async fn a_second_begin_while_running_is_in_flight() {
    let dedup = Deduplicator::new(common::cache());
    let key = text_key();
    let _ticket = first(dedup.begin(&key).await.unwrap());
    assert!(matches!(dedup.begin(&key).await.unwrap(), Begin::InFlight));
}

async fn count_firsts(dedups: Vec<Deduplicator>, key: DedupKey, tasks: usize) -> (usize, usize) {
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let dedup = dedups[i % dedups.len()].clone();
            let key = key.clone();
            tokio::spawn(async move { dedup.begin(&key).await })
        })
        .collect();
    let (mut firsts, mut in_flight) = (0, 0);
    for h in handles {
        match h.await.unwrap().unwrap() {
            Begin::First(_) => firsts += 1,
            Begin::InFlight => in_flight += 1,
            Begin::Done(_) => panic!("nobody completed"),
        }
    }
    (firsts, in_flight)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_begins_have_exactly_one_first() {
    let dedup = Deduplicator::new(common::cache());
    assert_eq!(count_firsts(vec![dedup], text_key(), 20).await, (1, 19));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_a_cache_have_exactly_one_first() {
    let cache = common::cache();
    let servers = vec![
        Deduplicator::new(Arc::clone(&cache)),
        Deduplicator::new(Arc::clone(&cache)),
    ];
    let key = DedupKey::from_parts(APP, None, "o_user", 1414387151, Some("subscribe"));
    assert_eq!(count_firsts(servers, key, 20).await, (1, 19));
}

#[tokio::test(start_paused = true)]
async fn wait_done_returns_the_reply_completed_by_another_task() {
    let dedup = Deduplicator::new(common::cache());
    let key = text_key();
    let ticket = first(dedup.begin(&key).await.unwrap());
    let worker = {
        let dedup = dedup.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            dedup.complete(ticket, b"late reply").await
        })
    };
    let started = tokio::time::Instant::now();
    let outcome = dedup.wait_done(&key, Duration::from_secs(3)).await.unwrap();
    assert_eq!(outcome, Wait::Done(b"late reply".to_vec()));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited <= Duration::from_millis(360),
        "polled promptly after completion: {waited:?}"
    );
    assert!(worker.await.unwrap().unwrap());
}

#[tokio::test(start_paused = true)]
async fn wait_done_times_out_at_max_wait() {
    let dedup = Deduplicator::new(common::cache());
    let key = text_key();
    let _ticket = first(dedup.begin(&key).await.unwrap());
    let started = tokio::time::Instant::now();
    let outcome = dedup
        .wait_done(&key, Duration::from_millis(500))
        .await
        .unwrap();
    assert_eq!(outcome, Wait::TimedOut);
    assert_eq!(started.elapsed(), Duration::from_millis(500));
}

#[tokio::test]
async fn abandon_lets_the_next_begin_win() {
    let dedup = Deduplicator::new(common::cache());
    let key = text_key();
    let ticket = first(dedup.begin(&key).await.unwrap());
    assert!(dedup.abandon(ticket).await.unwrap());
    assert_eq!(
        dedup.wait_done(&key, Duration::from_secs(1)).await.unwrap(),
        Wait::Vacant,
        "a waiting retry learns it can run the handler itself"
    );
    let ticket = first(dedup.begin(&key).await.unwrap());
    dedup.complete(ticket, b"second run").await.unwrap();
    assert!(matches!(dedup.begin(&key).await.unwrap(), Begin::Done(r) if r == b"second run"));
}

/// Claims the push, then lets the mark "expire" (deleted) and a retry claim it anew.
async fn stale_and_current(
    cache: &Arc<dyn Cache>,
    dedup: &Deduplicator,
) -> (weixin_context::DedupTicket, weixin_context::DedupTicket) {
    let stale = first(dedup.begin(&text_key()).await.unwrap());
    cache.delete(stale.cache_key()).await.unwrap();
    let current = first(dedup.begin(&text_key()).await.unwrap());
    (stale, current)
}

#[tokio::test]
async fn a_stale_ticket_cannot_abandon_a_newer_claim() {
    let cache = common::cache();
    let dedup = Deduplicator::new(Arc::clone(&cache));
    let (stale, current) = stale_and_current(&cache, &dedup).await;
    assert!(!dedup.abandon(stale).await.unwrap());
    assert!(matches!(
        dedup.begin(&text_key()).await.unwrap(),
        Begin::InFlight
    ));
    assert!(dedup.abandon(current).await.unwrap());
}

#[tokio::test]
async fn a_stale_ticket_cannot_complete_over_a_newer_claim() {
    let cache = common::cache();
    let dedup = Deduplicator::new(Arc::clone(&cache));
    let (stale, current) = stale_and_current(&cache, &dedup).await;
    assert!(!dedup.complete(stale, b"stale").await.unwrap());
    assert!(matches!(
        dedup.begin(&text_key()).await.unwrap(),
        Begin::InFlight
    ));
    assert!(dedup.complete(current, b"fresh").await.unwrap());
    assert!(matches!(dedup.begin(&text_key()).await.unwrap(), Begin::Done(r) if r == b"fresh"));
}

#[tokio::test]
async fn completing_after_the_mark_expired_still_records_the_reply() {
    let cache = common::cache();
    let dedup = Deduplicator::new(Arc::clone(&cache));
    let ticket = first(dedup.begin(&text_key()).await.unwrap());
    cache.delete(ticket.cache_key()).await.unwrap();
    assert!(dedup.complete(ticket, b"late").await.unwrap());
    assert!(matches!(dedup.begin(&text_key()).await.unwrap(), Begin::Done(r) if r == b"late"));
}

#[tokio::test]
async fn msg_id_zero_uses_the_event_rule() {
    let dedup = Deduplicator::new(common::cache());
    let zero = DedupKey::from_parts(
        APP,
        Some(0),
        "o_user",
        1414387151,
        Some("user_enter_tempsession"),
    );
    let absent = DedupKey::from_parts(
        APP,
        None,
        "o_user",
        1414387151,
        Some("user_enter_tempsession"),
    );
    assert_eq!(
        dedup.cache_key(&zero),
        "weixin:dedup:wx_app:evt:o_user:1414387151:user_enter_tempsession"
    );
    let _ticket = first(dedup.begin(&zero).await.unwrap());
    assert!(matches!(
        dedup.begin(&absent).await.unwrap(),
        Begin::InFlight
    ));
    // Another second, user or event is another push.
    for other in [
        DedupKey::from_parts(
            APP,
            Some(0),
            "o_user",
            1414387152,
            Some("user_enter_tempsession"),
        ),
        DedupKey::from_parts(
            APP,
            Some(0),
            "o_other",
            1414387151,
            Some("user_enter_tempsession"),
        ),
        DedupKey::from_parts(APP, Some(0), "o_user", 1414387151, Some("subscribe")),
    ] {
        assert!(matches!(
            dedup.begin(&other).await.unwrap(),
            Begin::First(_)
        ));
    }
}

#[test]
fn ttl_below_thirty_seconds_is_raised() {
    let dedup = Deduplicator::new(common::cache());
    assert_eq!(dedup.ttl(), Duration::from_secs(60));
    let short = dedup.clone().with_ttl(Duration::from_secs(10));
    assert_eq!(short.ttl(), MIN_DEDUP_TTL);
    assert_eq!(MIN_DEDUP_TTL, Duration::from_secs(30));
    assert_eq!(
        dedup.with_ttl(Duration::from_secs(90)).ttl(),
        Duration::from_secs(90)
    );
}

#[tokio::test]
async fn a_foreign_value_under_the_key_is_reported() {
    let cache = common::cache();
    let dedup = Deduplicator::new(Arc::clone(&cache)).with_key_prefix("shared");
    let key = text_key();
    let cache_key = dedup.cache_key(&key);
    assert!(cache_key.starts_with("shared:dedup:"));
    cache
        .set(&cache_key, b"something else", None)
        .await
        .unwrap();
    let err = dedup.begin(&key).await.unwrap_err();
    assert!(matches!(err, Error::CorruptDedupEntry { key } if key == cache_key));
}
