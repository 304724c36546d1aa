//! `SwappableCache`: switching backends at run time (the conformance suite runs in
//! `weixin-testkit`'s tests).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{Cache, CacheError, MemoryCache, SwappableCache};

#[tokio::test]
async fn calls_go_to_the_current_backend_and_nothing_is_migrated() {
    let first = Arc::new(MemoryCache::new());
    let second = Arc::new(MemoryCache::new());
    let swappable = Arc::new(SwappableCache::new(first.clone()));
    let cache: Arc<dyn Cache> = swappable.clone();

    cache.set("k", b"one", None).await.unwrap();
    assert_eq!(first.get("k").await.unwrap().as_deref(), Some(&b"one"[..]));

    let previous = swappable.swap(second.clone());
    assert_eq!(
        previous.get("k").await.unwrap().as_deref(),
        Some(&b"one"[..])
    );
    assert_eq!(
        cache.get("k").await.unwrap(),
        None,
        "entries are not migrated"
    );

    assert!(
        cache
            .add("k", b"two", Duration::from_secs(60))
            .await
            .unwrap()
    );
    assert_eq!(second.get("k").await.unwrap().as_deref(), Some(&b"two"[..]));
    assert_eq!(
        first.get("k").await.unwrap().as_deref(),
        Some(&b"one"[..]),
        "the old backend is left alone"
    );

    swappable.swap(first.clone());
    assert_eq!(cache.get("k").await.unwrap().as_deref(), Some(&b"one"[..]));
}

/// A backend that only reports its name, to see `backend_name` follow the swap.
struct Named(&'static str);

#[async_trait]
impl Cache for Named {
    async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(Some(self.0.as_bytes().to_vec()))
    }
    async fn set(&self, _: &str, _: &[u8], _: Option<Duration>) -> Result<(), CacheError> {
        Ok(())
    }
    async fn delete(&self, _: &str) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn add(&self, _: &str, _: &[u8], _: Duration) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn compare_and_swap(
        &self,
        _: &str,
        _: Option<&[u8]>,
        _: &[u8],
        _: Option<Duration>,
    ) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn compare_and_delete(&self, _: &str, _: &[u8]) -> Result<bool, CacheError> {
        Ok(false)
    }
    fn backend_name(&self) -> &'static str {
        self.0
    }
}

#[tokio::test]
async fn the_backend_name_follows_the_swap() {
    let swappable = SwappableCache::new(Arc::new(Named("alpha")));
    assert_eq!(swappable.backend_name(), "alpha");
    assert_eq!(swappable.current().backend_name(), "alpha");
    swappable.swap(Arc::new(Named("beta")));
    assert_eq!(swappable.backend_name(), "beta");
    assert_eq!(
        swappable.get("any").await.unwrap().as_deref(),
        Some(&b"beta"[..])
    );
    assert!(format!("{swappable:?}").contains("beta"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapping_while_tasks_write_never_fails_a_call() {
    let swappable = Arc::new(SwappableCache::new(Arc::new(MemoryCache::new())));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let cache = swappable.clone();
            tokio::spawn(async move {
                for i in 0..200 {
                    let key = format!("w{w}:{i}");
                    cache.set(&key, b"v", None).await.unwrap();
                    cache.get(&key).await.unwrap();
                }
            })
        })
        .collect();
    for _ in 0..20 {
        swappable.swap(Arc::new(MemoryCache::new()));
        tokio::task::yield_now().await;
    }
    for writer in writers {
        writer.await.unwrap();
    }
}
