//! The lease of an in-flight mark: a dead owner's claim is taken over after the lease, a live
//! owner that renews keeps it as long as it runs, and a renewal never overwrites anything but
//! its own mark.

mod common;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, advance, sleep};
use weixin_context::{
    Begin, DEFAULT_DEDUP_LEASE, DedupKey, DedupTicket, Deduplicator, MIN_DEDUP_LEASE, Wait,
};
use weixin_core::cache::Cache;

const APP: &str = "wx_app";
const LEASE: Duration = DEFAULT_DEDUP_LEASE;
const MS: Duration = Duration::from_millis(1);

fn key() -> DedupKey {
    DedupKey::from_parts(APP, Some(6074746557628292943), "o_user", 1414387151, None)
}

fn first(begin: Begin) -> DedupTicket {
    match begin {
        Begin::First(ticket) => ticket,
        other => panic!("expected First, got {other:?}"),
    }
}

fn is_in_flight(begin: &Begin) -> bool {
    matches!(begin, Begin::InFlight)
}

/// Two servers sharing one cache.
fn two_servers() -> (Arc<dyn Cache>, Deduplicator, Deduplicator) {
    let cache = common::cache();
    let a = Deduplicator::new(Arc::clone(&cache));
    let b = Deduplicator::new(Arc::clone(&cache));
    (cache, a, b)
}

#[tokio::test(start_paused = true)]
async fn a_claim_whose_owner_vanished_is_taken_over_after_the_lease() {
    let (_, dead, retry) = two_servers();
    assert_eq!(dead.lease(), Duration::from_secs(6));
    // The owner's server dies: the ticket is dropped, nothing renews or completes it.
    drop(first(dead.begin(&key()).await.unwrap()));
    advance(LEASE - MS).await;
    assert!(is_in_flight(&retry.begin(&key()).await.unwrap()));
    advance(MS).await;
    let ticket = first(retry.begin(&key()).await.unwrap());
    assert!(retry.complete(ticket, b"taken over").await.unwrap());
    assert!(matches!(dead.begin(&key()).await.unwrap(), Begin::Done(r) if r == b"taken over"));
}

#[tokio::test(start_paused = true)]
async fn wait_done_sees_an_expired_lease_as_vacant() {
    let (_, dead, retry) = two_servers();
    drop(first(dead.begin(&key()).await.unwrap()));
    // The retry arrives 5 s after the first delivery, as WeChat's does.
    advance(Duration::from_secs(5)).await;
    let started = Instant::now();
    let outcome = retry
        .wait_done(&key(), Duration::from_millis(4500))
        .await
        .unwrap();
    assert_eq!(outcome, Wait::Vacant);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited <= Duration::from_millis(1060),
        "noticed within one poll of the expiry: {waited:?}"
    );
    assert!(matches!(
        retry.begin(&key()).await.unwrap(),
        Begin::First(_)
    ));
}

#[tokio::test(start_paused = true)]
async fn a_renewing_owner_keeps_the_claim_far_past_the_lease() {
    let (_, owner, other) = two_servers();
    let ticket = first(owner.begin(&key()).await.unwrap());
    let run = {
        let owner = owner.clone();
        tokio::spawn(async move {
            let reply = owner
                .keep_alive(&ticket, async {
                    sleep(Duration::from_secs(30)).await;
                    b"after 30 s".to_vec()
                })
                .await;
            owner.complete(ticket, &reply).await
        })
    };
    // Another server sees the push in flight all along, far past the lease.
    for _ in 0..5 {
        sleep(Duration::from_secs(5)).await;
        assert!(is_in_flight(&other.begin(&key()).await.unwrap()));
    }
    let started = Instant::now();
    let outcome = other
        .wait_done(&key(), Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(outcome, Wait::Done(b"after 30 s".to_vec()));
    assert!(started.elapsed() <= Duration::from_millis(5060));
    assert!(
        run.await.unwrap().unwrap(),
        "the owner's claim was never lost"
    );
}

#[tokio::test(start_paused = true)]
async fn renew_extends_the_lease_from_now() {
    let dedup = Deduplicator::new(common::cache());
    let ticket = first(dedup.begin(&key()).await.unwrap());
    advance(Duration::from_secs(5)).await;
    assert!(dedup.renew(&ticket).await.unwrap());
    // 10 s after the claim, beyond its first lease but within the renewed one.
    advance(Duration::from_secs(5)).await;
    assert!(is_in_flight(&dedup.begin(&key()).await.unwrap()));
    advance(Duration::from_secs(1)).await;
    assert!(matches!(
        dedup.begin(&key()).await.unwrap(),
        Begin::First(_)
    ));
    assert!(
        !dedup.renew(&ticket).await.unwrap(),
        "an expired mark cannot be renewed"
    );
}

#[tokio::test(start_paused = true)]
async fn complete_stores_the_reply_for_the_full_ttl_not_the_lease() {
    let dedup = Deduplicator::new(common::cache());
    let ticket = first(dedup.begin(&key()).await.unwrap());
    assert!(dedup.complete(ticket, b"reply").await.unwrap());
    advance(dedup.ttl() - MS).await;
    assert!(matches!(dedup.begin(&key()).await.unwrap(), Begin::Done(r) if r == b"reply"));
    advance(MS).await;
    assert!(matches!(
        dedup.begin(&key()).await.unwrap(),
        Begin::First(_)
    ));
}

#[tokio::test]
async fn renewal_never_overwrites_a_finished_entry() {
    let (cache, a, b) = two_servers();
    let stale = first(a.begin(&key()).await.unwrap());
    // Its lease ran out, another run claimed and completed the push.
    cache.delete(stale.cache_key()).await.unwrap();
    let current = first(b.begin(&key()).await.unwrap());
    assert!(b.complete(current, b"the other run").await.unwrap());
    assert!(!a.renew(&stale).await.unwrap());
    assert_eq!(
        cache.get(stale.cache_key()).await.unwrap().as_deref(),
        Some(&b"Dthe other run"[..])
    );
}

#[tokio::test]
async fn renewal_never_overwrites_another_owners_mark() {
    let (cache, a, b) = two_servers();
    let stale = first(a.begin(&key()).await.unwrap());
    cache.delete(stale.cache_key()).await.unwrap();
    let current = first(b.begin(&key()).await.unwrap());
    let before = cache.get(current.cache_key()).await.unwrap();
    assert!(!a.renew(&stale).await.unwrap());
    assert_eq!(cache.get(current.cache_key()).await.unwrap(), before);
    // The mark is still exactly the other owner's: it can abandon it.
    assert!(b.abandon(current).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_lost_claim_is_never_renewed_or_completed_over_the_new_owners() {
    let (cache, a, b) = two_servers();
    let stale = first(a.begin(&key()).await.unwrap());
    let cache_key = stale.cache_key().to_owned();
    let (marked_tx, marked_rx) = tokio::sync::oneshot::channel();
    // Mid-run (t = 1 s) the mark is lost (say, the cache was flushed) and a retry on server
    // b claims the push and handles it for 20 s, keeping its own lease alive.
    let new_owner = async {
        sleep(Duration::from_secs(1)).await;
        cache.delete(&cache_key).await.unwrap();
        let current = first(b.begin(&key()).await.unwrap());
        let mark = cache.get(&cache_key).await.unwrap();
        marked_tx.send(mark).unwrap();
        let reply = b
            .keep_alive(&current, async {
                sleep(Duration::from_secs(20)).await;
                b"new owner".to_vec()
            })
            .await;
        b.complete(current, &reply).await.unwrap()
    };
    // The entry is the new owner's mark, byte for byte, through the old owner's renewals
    // (due at 2, 4, 6 and 8 s).
    let watcher = async {
        let mark = marked_rx.await.unwrap();
        assert!(mark.is_some());
        for _ in 0..9 {
            sleep(Duration::from_secs(1)).await;
            let now = cache.get(&cache_key).await.unwrap();
            assert!(now == mark, "the old owner wrote over the new owner's mark");
        }
    };
    let old_owner = async {
        let output = a
            .keep_alive(&stale, async {
                sleep(Duration::from_secs(10)).await;
                "old owner's work finished"
            })
            .await;
        (output, a.complete(stale, b"old owner").await.unwrap())
    };
    let ((output, old_completed), new_completed, ()) = tokio::join!(old_owner, new_owner, watcher);
    assert_eq!(
        output, "old owner's work finished",
        "the work runs to its end"
    );
    assert!(!old_completed, "completing a lost claim stores nothing");
    assert!(new_completed);
    assert!(matches!(a.begin(&key()).await.unwrap(), Begin::Done(r) if r == b"new owner"));
}

#[tokio::test(start_paused = true)]
async fn keep_alive_of_quick_work_leaves_the_mark_alone() {
    let dedup = Deduplicator::new(common::cache());
    let ticket = first(dedup.begin(&key()).await.unwrap());
    assert_eq!(dedup.keep_alive(&ticket, async { 7 }).await, 7);
    // No renewal happened: the mark expires one lease after the claim.
    advance(LEASE).await;
    assert!(matches!(
        dedup.begin(&key()).await.unwrap(),
        Begin::First(_)
    ));
}

#[test]
fn the_lease_is_kept_within_one_second_and_the_ttl() {
    let dedup = Deduplicator::new(common::cache());
    assert_eq!(dedup.lease(), DEFAULT_DEDUP_LEASE);
    assert_eq!(DEFAULT_DEDUP_LEASE, Duration::from_secs(6));
    assert_eq!(MIN_DEDUP_LEASE, Duration::from_secs(1));
    assert_eq!(
        dedup.clone().with_lease(Duration::ZERO).lease(),
        MIN_DEDUP_LEASE
    );
    assert_eq!(
        dedup.clone().with_lease(Duration::from_secs(2)).lease(),
        Duration::from_secs(2)
    );
    assert_eq!(
        dedup.clone().with_lease(Duration::from_secs(600)).lease(),
        dedup.ttl()
    );
    assert_eq!(
        dedup
            .with_lease(Duration::from_secs(600))
            .with_ttl(Duration::from_secs(90))
            .lease(),
        Duration::from_secs(90)
    );
}
