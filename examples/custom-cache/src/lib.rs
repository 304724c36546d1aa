//! Writing your own cache backend for the weixin SDK.
//!
//! Everything in the SDK that must be shared between servers (access tokens, locks, message
//! contexts, push dedup, mini-program sessions) goes through one small trait,
//! [`weixin_core::cache::Cache`]. Implement its six operations on your store, run the
//! conformance suite (`weixin_testkit`, see `tests/conformance.rs`), and every part of
//! the SDK works on it.
//!
//! [`MapCache`] keeps values in a `HashMap` behind a mutex. A real backend (etcd, a SQL table,
//! DynamoDB...) has the same shape: the only hard requirement is that `add`,
//! `compare_and_swap` and `compare_and_delete` are atomic on one key.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;
use weixin_core::cache::{Cache, CacheError, CacheErrorKind};

const BACKEND: &str = "map";

/// One stored value and when it stops existing.
struct Entry {
    value: Vec<u8>,
    expires_at: Option<Instant>,
}

impl Entry {
    fn is_live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// A cache backend over a `HashMap`, for one process.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), weixin_core::cache::CacheError> {
/// use std::time::Duration;
/// use custom_cache::MapCache;
/// use weixin_core::cache::Cache;
///
/// let cache = MapCache::default();
/// assert!(cache.add("k", b"first", Duration::from_secs(30)).await?);
/// assert!(!cache.add("k", b"second", Duration::from_secs(30)).await?);
/// assert_eq!(cache.get("k").await?.as_deref(), Some(&b"first"[..]));
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct MapCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for MapCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be tokens: never print them.
        f.debug_struct("MapCache").finish_non_exhaustive()
    }
}

impl MapCache {
    /// Runs `f` on the map with expired entries of `key` already removed.
    fn with_key<T>(
        &self,
        key: &str,
        f: impl FnOnce(&mut HashMap<String, Entry>) -> T,
    ) -> Result<T, CacheError> {
        let mut entries = self.entries.lock().map_err(|_| {
            CacheError::new(CacheErrorKind::Unavailable, BACKEND, "map mutex poisoned")
        })?;
        if entries.get(key).is_some_and(|e| !e.is_live(Instant::now())) {
            entries.remove(key);
        }
        Ok(f(&mut entries))
    }
}

/// The contract rejects zero TTLs (Memcached would read 0 as "never expires").
fn expiry(ttl: Option<Duration>) -> Result<Option<Instant>, CacheError> {
    match ttl {
        Some(ttl) if ttl.is_zero() => Err(CacheError::new(
            CacheErrorKind::InvalidInput,
            BACKEND,
            "a TTL of zero is not allowed",
        )),
        Some(ttl) => Ok(Some(Instant::now() + ttl)),
        None => Ok(None),
    }
}

#[async_trait]
impl Cache for MapCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.with_key(key, |map| map.get(key).map(|e| e.value.clone()))
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        let expires_at = expiry(ttl)?;
        self.with_key(key, |map| {
            map.insert(
                key.to_owned(),
                Entry {
                    value: value.to_vec(),
                    expires_at,
                },
            );
        })
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.with_key(key, |map| map.remove(key).is_some())
    }

    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        self.compare_and_swap(key, None, value, Some(ttl)).await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        let expires_at = expiry(ttl)?;
        self.with_key(key, |map| {
            let current = map.get(key).map(|e| e.value.as_slice());
            if current != expected {
                return false;
            }
            map.insert(
                key.to_owned(),
                Entry {
                    value: new.to_vec(),
                    expires_at,
                },
            );
            true
        })
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        self.with_key(key, |map| {
            let matches = map.get(key).is_some_and(|e| e.value == expected);
            if matches {
                map.remove(key);
            }
            matches
        })
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }
}
