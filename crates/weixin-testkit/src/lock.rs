//! Distributed lock behaviour: exclusion, release, waiting, expiry, extension.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::namespace::{Namespace, join_all, ok};
use super::ttl::{EXPIRY_WAIT, SHORT_TTL};
use weixin_core::cache::{DistributedLock, LockGuard};

/// How many tasks contend in [`lock_mutual_exclusion`].
pub const CONTENDERS: usize = 100;

const LONG_TTL: Duration = Duration::from_secs(30);

async fn take(
    lock: &Arc<dyn DistributedLock>,
    key: &str,
    ttl: Duration,
    wait: Duration,
) -> Option<LockGuard> {
    ok(lock.acquire(key, ttl, wait).await, "acquire")
}

/// [`CONTENDERS`] tasks take the same lock with waiting; a shared counter proves there are never
/// two holders at once, and every task gets its turn.
pub async fn lock_mutual_exclusion(lock: &Arc<dyn DistributedLock>) {
    let ns = Namespace::new("lock_mutual_exclusion");
    let key = ns.key("lock");
    let holders = Arc::new(AtomicUsize::new(0));
    let handles = (0..CONTENDERS)
        .map(|_| {
            let lock = Arc::clone(lock);
            let key = key.clone();
            let holders = Arc::clone(&holders);
            tokio::spawn(async move {
                let guard = take(&lock, &key, LONG_TTL, Duration::from_secs(60))
                    .await
                    .unwrap_or_else(|| panic!("no turn at the lock within 60 s"));
                let before = holders.fetch_add(1, Ordering::SeqCst);
                assert_eq!(before, 0, "two tasks held the lock at once");
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
                holders.fetch_sub(1, Ordering::SeqCst);
                assert!(
                    ok(guard.release().await, "release"),
                    "releasing a held lock must return true"
                );
            })
        })
        .collect();
    assert_eq!(join_all(handles).await.len(), CONTENDERS);
}

/// A released lock can be taken at once; a dropped guard releases in the background.
pub async fn lock_release_frees(lock: &Arc<dyn DistributedLock>) {
    let ns = Namespace::new("lock_release_frees");
    let key = ns.key("lock");

    let guard = take(lock, &key, LONG_TTL, Duration::ZERO).await;
    let guard = guard.unwrap_or_else(|| panic!("a free lock must be taken without waiting"));
    assert_eq!(guard.key(), key, "the guard names its key");
    assert!(
        take(lock, &key, LONG_TTL, Duration::ZERO).await.is_none(),
        "a held lock must not be taken again"
    );
    assert!(
        ok(guard.release().await, "release"),
        "release must return true"
    );

    let guard = take(lock, &key, LONG_TTL, Duration::ZERO).await;
    let guard = guard.unwrap_or_else(|| panic!("a released lock must be free at once"));
    drop(guard);
    assert!(
        take(lock, &key, LONG_TTL, Duration::from_secs(5))
            .await
            .is_some(),
        "a dropped guard must release its lock in the background"
    );
}

/// Waiting for a held lock gives up after the wait with `None`, not before and not much later.
pub async fn lock_wait_times_out(lock: &Arc<dyn DistributedLock>) {
    let ns = Namespace::new("lock_wait_times_out");
    let key = ns.key("lock");
    let wait = Duration::from_millis(300);

    let held = take(lock, &key, LONG_TTL, Duration::ZERO).await;
    let held = held.unwrap_or_else(|| panic!("a free lock must be taken without waiting"));
    let started = Instant::now();
    assert!(
        take(lock, &key, LONG_TTL, wait).await.is_none(),
        "a held lock must not be taken while waiting"
    );
    let waited = started.elapsed();
    assert!(
        waited >= wait,
        "gave up after {waited:?}, before the {wait:?} wait"
    );
    assert!(
        waited < wait + Duration::from_secs(2),
        "gave up after {waited:?}, long after the {wait:?} wait"
    );
    assert!(
        ok(held.release().await, "release"),
        "release must return true"
    );
}

/// A lock whose owner vanished without releasing (the guard is forgotten) expires after its TTL
/// and can then be taken. Sleeps up to about [`EXPIRY_WAIT`].
pub async fn lock_expires_when_owner_vanishes(lock: &Arc<dyn DistributedLock>) {
    let ns = Namespace::new("lock_expires_when_owner_vanishes");
    let key = ns.key("lock");

    let vanished = take(lock, &key, SHORT_TTL, Duration::ZERO).await;
    let vanished = vanished.unwrap_or_else(|| panic!("a free lock must be taken without waiting"));
    std::mem::forget(vanished);
    assert!(
        take(lock, &key, SHORT_TTL, Duration::ZERO).await.is_none(),
        "the vanished owner's lock must hold until its TTL"
    );

    let next = take(lock, &key, LONG_TTL, EXPIRY_WAIT + Duration::from_secs(1)).await;
    let next = next.unwrap_or_else(|| {
        panic!("the vanished owner's lock must expire after its TTL ({SHORT_TTL:?})")
    });
    assert!(
        ok(next.release().await, "release"),
        "release must return true"
    );
}

/// `extend` keeps a lock past its original TTL while owned. Sleeps [`EXPIRY_WAIT`].
pub async fn lock_extend(lock: &Arc<dyn DistributedLock>) {
    let ns = Namespace::new("lock_extend");
    let key = ns.key("lock");

    let guard = take(lock, &key, SHORT_TTL, Duration::ZERO).await;
    let guard = guard.unwrap_or_else(|| panic!("a free lock must be taken without waiting"));
    assert!(
        ok(guard.extend(EXPIRY_WAIT + SHORT_TTL).await, "extend"),
        "the owner must be able to extend"
    );

    tokio::time::sleep(EXPIRY_WAIT).await;

    assert!(
        take(lock, &key, SHORT_TTL, Duration::ZERO).await.is_none(),
        "an extended lock must outlive its original TTL"
    );
    assert!(
        ok(guard.extend(SHORT_TTL).await, "extend"),
        "the owner must be able to extend again"
    );
    assert!(
        ok(guard.release().await, "release"),
        "release must return true"
    );
}

/// After its lock expired and someone else took it, the old owner can neither extend nor release
/// it, and its release does not remove the new owner's lock. Sleeps [`EXPIRY_WAIT`].
pub async fn lock_lost_after_expiry(lock: &Arc<dyn DistributedLock>) {
    let ns = Namespace::new("lock_lost_after_expiry");
    let key = ns.key("lock");

    let old = take(lock, &key, SHORT_TTL, Duration::ZERO).await;
    let old = old.unwrap_or_else(|| panic!("a free lock must be taken without waiting"));

    tokio::time::sleep(EXPIRY_WAIT).await;

    assert!(
        !ok(old.extend(LONG_TTL).await, "extend"),
        "extending an expired lock must fail"
    );
    let new = take(lock, &key, LONG_TTL, Duration::ZERO).await;
    let new = new.unwrap_or_else(|| panic!("an expired lock must be free"));
    assert!(
        !ok(old.extend(LONG_TTL).await, "extend"),
        "a previous owner must not extend the new owner's lock"
    );
    assert!(
        !ok(old.release().await, "release"),
        "releasing an expired lock must return false"
    );
    assert!(
        take(lock, &key, LONG_TTL, Duration::ZERO).await.is_none(),
        "the previous owner's release must not free the new owner's lock"
    );
    assert!(
        ok(new.release().await, "release"),
        "the new owner's release must return true"
    );
}
