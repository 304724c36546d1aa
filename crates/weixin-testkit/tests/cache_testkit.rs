//! The conformance suite catches broken backends (each flaw makes the matching check panic).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{Cache, CacheError, CacheLock, DistributedLock, MemoryCache};
use weixin_testkit as testkit;

/// Which contract violation the wrapped memory cache commits.
#[derive(Clone, Copy)]
enum Flaw {
    /// `add` reads, yields, then writes: not atomic.
    RacyAdd,
    /// `compare_and_delete` deletes whatever is there.
    BlindCompareAndDelete,
    /// An empty value reads as absent.
    EmptyIsAbsent,
    /// `compare_and_swap` ignores `expected`.
    BlindCompareAndSwap,
    /// `add` stores without a TTL.
    AddWithoutTtl,
}

struct Broken {
    inner: MemoryCache,
    flaw: Flaw,
}

fn broken(flaw: Flaw) -> Arc<dyn Cache> {
    Arc::new(Broken {
        inner: MemoryCache::new(),
        flaw,
    })
}

#[async_trait]
impl Cache for Broken {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let value = self.inner.get(key).await?;
        match self.flaw {
            Flaw::EmptyIsAbsent => Ok(value.filter(|v| !v.is_empty())),
            _ => Ok(value),
        }
    }
    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        self.inner.set(key, value, ttl).await
    }
    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.inner.delete(key).await
    }
    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        match self.flaw {
            Flaw::RacyAdd => {
                if self.inner.get(key).await?.is_some() {
                    return Ok(false);
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
                self.inner.set(key, value, Some(ttl)).await?;
                Ok(true)
            }
            Flaw::AddWithoutTtl => self.inner.compare_and_swap(key, None, value, None).await,
            _ => self.inner.add(key, value, ttl).await,
        }
    }
    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        match self.flaw {
            Flaw::BlindCompareAndSwap => {
                self.inner.set(key, new, ttl).await?;
                Ok(true)
            }
            _ => self.inner.compare_and_swap(key, expected, new, ttl).await,
        }
    }
    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        match self.flaw {
            Flaw::BlindCompareAndDelete => self.inner.delete(key).await,
            _ => self.inner.compare_and_delete(key, expected).await,
        }
    }
    fn backend_name(&self) -> &'static str {
        "broken"
    }
}

/// Runs `check` in its own task and returns its panic message, failing if it passed.
async fn panic_message<F>(check: F) -> String
where
    F: Future<Output = ()> + Send + 'static,
{
    let err = tokio::spawn(check)
        .await
        .expect_err("the check must fail on a broken backend");
    let payload = err.into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_racy_add_is_caught() {
    let cache = broken(Flaw::RacyAdd);
    let msg = panic_message(async move { testkit::add_race(&cache).await }).await;
    assert!(msg.contains("exactly one"), "{msg}");
}

#[tokio::test]
async fn a_blind_compare_and_delete_is_caught() {
    let cache = broken(Flaw::BlindCompareAndDelete);
    let msg = panic_message(async move { testkit::compare_and_delete(&cache).await }).await;
    assert!(msg.contains("non-owner"), "{msg}");
}

#[tokio::test]
async fn a_blind_compare_and_swap_is_caught() {
    let cache = broken(Flaw::BlindCompareAndSwap);
    let msg = panic_message(async move { testkit::compare_and_swap(&cache).await }).await;
    assert!(msg.contains("must fail"), "{msg}");
}

#[tokio::test]
async fn an_empty_value_read_as_absent_is_caught() {
    let cache = broken(Flaw::EmptyIsAbsent);
    let msg = panic_message(async move { testkit::binary_values(&cache).await }).await;
    assert!(msg.contains("empty"), "{msg}");
}

#[tokio::test]
async fn an_add_without_ttl_is_caught() {
    let cache = broken(Flaw::AddWithoutTtl);
    let msg = panic_message(async move { testkit::add_after_expiry(&cache).await }).await;
    assert!(msg.contains("after expiry"), "{msg}");
}

#[tokio::test]
async fn a_lock_released_by_a_previous_owner_is_caught() {
    let cache = broken(Flaw::BlindCompareAndDelete);
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache));
    let msg = panic_message(async move { testkit::lock_lost_after_expiry(&lock).await }).await;
    assert!(msg.contains("expired lock"), "{msg}");
}

#[tokio::test]
async fn namespaces_are_unique_per_check_and_run() {
    let a = testkit::Namespace::new("x");
    let b = testkit::Namespace::new("x");
    assert_ne!(a.key("k"), b.key("k"));
    assert!(a.key("k").starts_with("weixin-testkit:"));
}
