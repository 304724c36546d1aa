//! `CacheLock` over a cache: tokens, waiting, extension and errors (paused time).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;
use weixin_core::cache::{
    Cache, CacheError, CacheErrorKind, CacheLock, DistributedLock, LockRelease, MemoryCache,
};

fn setup() -> (Arc<dyn Cache>, CacheLock) {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let lock = CacheLock::new(cache.clone());
    (cache, lock)
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test(start_paused = true)]
async fn the_lock_key_holds_a_fresh_random_owner_token() {
    let (cache, lock) = setup();
    let first = lock
        .acquire("lock", secs(10), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.key(), "lock");
    assert_eq!(first.token().len(), 32);
    assert_eq!(
        cache.get("lock").await.unwrap(),
        Some(first.token().as_bytes().to_vec())
    );
    let token = first.token().to_owned();
    assert!(first.release().await.unwrap());
    assert_eq!(cache.get("lock").await.unwrap(), None);

    let second = lock
        .acquire("lock", secs(10), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        second.token(),
        token,
        "every acquisition gets its own token"
    );
    assert!(second.release().await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_waiter_gets_the_lock_soon_after_the_holder_releases() {
    let (_, lock) = setup();
    let held = lock
        .acquire("lock", secs(60), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        held.release().await.unwrap();
    });

    let started = Instant::now();
    let guard = lock.acquire("lock", secs(60), secs(5)).await.unwrap();
    let waited = started.elapsed();
    assert!(guard.is_some(), "the lock was released within the wait");
    assert!(waited >= Duration::from_millis(500), "{waited:?}");
    assert!(
        waited <= Duration::from_millis(551),
        "backoff is capped at 50 ms: {waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiter_gets_the_lock_when_the_ttl_runs_out() {
    let (_, lock) = setup();
    std::mem::forget(lock.acquire("lock", secs(3), Duration::ZERO).await.unwrap());
    let started = Instant::now();
    assert!(
        lock.acquire("lock", secs(3), secs(10))
            .await
            .unwrap()
            .is_some()
    );
    let waited = started.elapsed();
    assert!(
        waited >= secs(3) && waited <= secs(3) + Duration::from_millis(50),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_wait_is_honoured_exactly() {
    let (_, lock) = setup();
    let _held = lock
        .acquire("lock", secs(60), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();

    let started = Instant::now();
    assert!(
        lock.acquire("lock", secs(60), Duration::ZERO)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(started.elapsed(), Duration::ZERO, "a zero wait tries once");

    let started = Instant::now();
    assert!(
        lock.acquire("lock", secs(60), secs(2))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(started.elapsed(), secs(2), "never sleeps past the wait");
}

#[tokio::test(start_paused = true)]
async fn extend_keeps_the_lock_and_fails_once_lost() {
    let (_, lock) = setup();
    let guard = lock
        .acquire("lock", secs(10), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    tokio::time::advance(secs(8)).await;
    assert!(guard.extend(secs(10)).await.unwrap());
    tokio::time::advance(secs(8)).await;
    assert!(
        lock.acquire("lock", secs(10), Duration::ZERO)
            .await
            .unwrap()
            .is_none()
    );

    tokio::time::advance(secs(3)).await;
    let thief = lock
        .acquire("lock", secs(10), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert!(!guard.extend(secs(10)).await.unwrap(), "the lock was lost");
    assert!(!guard.release().await.unwrap());
    assert!(thief.release().await.unwrap());
}

#[tokio::test]
async fn release_and_extend_check_the_token() {
    let (cache, lock) = setup();
    let guard = lock
        .acquire("lock", secs(10), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert!(!lock.release("lock", "not-the-token").await.unwrap());
    assert!(
        !lock
            .extend("lock", "not-the-token", secs(10))
            .await
            .unwrap()
    );
    assert_eq!(
        cache.get("lock").await.unwrap(),
        Some(guard.token().as_bytes().to_vec())
    );
    assert!(lock.extend("lock", guard.token(), secs(10)).await.unwrap());
    assert!(lock.release("lock", guard.token()).await.unwrap());
    assert!(
        !guard.release().await.unwrap(),
        "already released through the lock"
    );
}

#[tokio::test]
async fn locks_on_different_keys_are_independent() {
    let (_, lock) = setup();
    let a = lock.acquire("a", secs(10), Duration::ZERO).await.unwrap();
    let b = lock.acquire("b", secs(10), Duration::ZERO).await.unwrap();
    assert!(a.is_some() && b.is_some());
}

/// A cache whose every call fails, as a broken connection would.
struct Down;

fn down() -> CacheError {
    CacheError::new(CacheErrorKind::Unavailable, "down", "connection refused")
}

#[async_trait]
impl Cache for Down {
    async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, CacheError> {
        Err(down())
    }
    async fn set(&self, _: &str, _: &[u8], _: Option<Duration>) -> Result<(), CacheError> {
        Err(down())
    }
    async fn delete(&self, _: &str) -> Result<bool, CacheError> {
        Err(down())
    }
    async fn add(&self, _: &str, _: &[u8], _: Duration) -> Result<bool, CacheError> {
        Err(down())
    }
    async fn compare_and_swap(
        &self,
        _: &str,
        _: Option<&[u8]>,
        _: &[u8],
        _: Option<Duration>,
    ) -> Result<bool, CacheError> {
        Err(down())
    }
    async fn compare_and_delete(&self, _: &str, _: &[u8]) -> Result<bool, CacheError> {
        Err(down())
    }
    fn backend_name(&self) -> &'static str {
        "down"
    }
}

#[tokio::test]
async fn cache_errors_are_returned_not_waited_out() {
    let lock = CacheLock::new(Arc::new(Down));
    let err = lock.acquire("lock", secs(10), secs(60)).await.unwrap_err();
    assert_eq!(err.kind(), CacheErrorKind::Unavailable);
    assert!(err.is_transient());
    assert!(lock.release("lock", "t").await.is_err());
    assert!(lock.extend("lock", "t", secs(1)).await.is_err());
    assert_eq!(lock.cache().backend_name(), "down");
    assert!(format!("{lock:?}").contains("down"));
}
