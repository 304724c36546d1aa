//! [`MemoryCache`]: the embedded single-process cache, on moka.

mod builder;
mod entry;

pub use builder::MemoryCacheBuilder;

use std::time::Duration;

use async_trait::async_trait;
use moka::ops::compute::Op;
use tokio::time::Instant;

use self::entry::Stored;
use super::{Cache, CacheError, CacheErrorKind};

const BACKEND: &str = "memory";

/// The embedded default cache: in process memory, shared by every task of this process.
///
/// - Every operation is atomic per key: [`Cache::add`], [`Cache::compare_and_swap`] and
///   [`Cache::compare_and_delete`] run under moka's per-key compute lock, and so do plain writes,
///   so a conditional write never interleaves with another write on the same key.
/// - Each entry has its own TTL. Expiry is measured on tokio's clock
///   ([`tokio::time::Instant`]), so tests can use paused time; expired entries are invisible at
///   once and their memory is reclaimed by moka shortly afterwards.
/// - Unbounded by default; [`MemoryCache::with_capacity`] or [`MemoryCacheBuilder::max_entries`]
///   bound it, evicting the least recently used entries.
/// - Clones share the same storage.
///
/// It is not shared between processes: with several servers, use a Redis or Memcached backend so
/// that they share one access token and one set of locks.
///
/// ```
/// use std::time::Duration;
/// use weixin_core::cache::{Cache, MemoryCache};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), weixin_core::cache::CacheError> {
/// let cache = MemoryCache::new();
/// assert!(cache.add("weixin:dedup:wx123:msg42", b"1", Duration::from_secs(60)).await?);
/// assert!(!cache.add("weixin:dedup:wx123:msg42", b"1", Duration::from_secs(60)).await?);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryCache {
    entries: moka::future::Cache<String, Stored>,
    max_entries: Option<u64>,
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCache")
            .field("entry_count", &self.entries.entry_count())
            .field("max_entries", &self.max_entries)
            .finish()
    }
}

impl MemoryCache {
    /// An unbounded memory cache (entries leave only by expiry or deletion).
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A memory cache bounded to about `max_entries` entries, evicting the least recently used.
    ///
    /// See [`MemoryCacheBuilder::max_entries`] for the exact eviction behaviour.
    pub fn with_capacity(max_entries: u64) -> Self {
        Self::builder().max_entries(max_entries).build()
    }

    /// A builder for a configured cache.
    pub fn builder() -> MemoryCacheBuilder {
        MemoryCacheBuilder::default()
    }

    fn from_parts(entries: moka::future::Cache<String, Stored>, max_entries: Option<u64>) -> Self {
        Self {
            entries,
            max_entries,
        }
    }

    /// The configured bound, if any.
    pub fn max_entries(&self) -> Option<u64> {
        self.max_entries
    }

    /// The approximate number of stored entries.
    ///
    /// It may still count entries that expired or are about to be evicted; call
    /// [`MemoryCache::run_pending_tasks`] first for an up-to-date figure.
    pub fn entry_count(&self) -> u64 {
        self.entries.entry_count()
    }

    /// Runs pending housekeeping now: evictions over the bound and removal of expired entries.
    ///
    /// Housekeeping also runs by itself during normal operations; this is mainly for tests and
    /// metrics.
    pub async fn run_pending_tasks(&self) {
        self.entries.run_pending_tasks().await;
    }

    /// Runs `decide` on the live value of `key` under moka's per-key lock and applies its
    /// operation; returns `decide`'s verdict. An expired value is passed as `None`, and is
    /// removed if `decide` leaves the key alone.
    async fn compute(
        &self,
        key: &str,
        decide: impl FnOnce(Option<&Stored>, Instant) -> (Op<Stored>, bool),
    ) -> bool {
        let mut verdict = false;
        self.entries
            .entry_by_ref(key)
            .and_compute_with(|current| {
                let now = Instant::now();
                let current = current.map(moka::Entry::into_value);
                let live = current.as_ref().filter(|stored| stored.is_live(now));
                let (op, outcome) = decide(live, now);
                verdict = outcome;
                let op = match op {
                    Op::Nop if current.is_some() && live.is_none() => Op::Remove,
                    op => op,
                };
                std::future::ready(op)
            })
            .await;
        verdict
    }
}

/// Rejects a zero TTL, as the [`Cache`] contract requires.
fn check_ttl(ttl: Duration) -> Result<(), CacheError> {
    if ttl.is_zero() {
        Err(CacheError::new(
            CacheErrorKind::InvalidInput,
            BACKEND,
            "a TTL must be greater than zero",
        ))
    } else {
        Ok(())
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let now = Instant::now();
        Ok(self
            .entries
            .get(key)
            .await
            .filter(|stored| stored.is_live(now))
            .map(|stored| stored.value.to_vec()))
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        if let Some(ttl) = ttl {
            check_ttl(ttl)?;
        }
        self.compute(key, |_, now| (Op::Put(Stored::new(value, ttl, now)), true))
            .await;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        Ok(self
            .compute(key, |live, _| match live {
                Some(_) => (Op::Remove, true),
                None => (Op::Nop, false),
            })
            .await)
    }

    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        check_ttl(ttl)?;
        Ok(self
            .compute(key, |live, now| match live {
                Some(_) => (Op::Nop, false),
                None => (Op::Put(Stored::new(value, Some(ttl), now)), true),
            })
            .await)
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        if let Some(ttl) = ttl {
            check_ttl(ttl)?;
        }
        Ok(self
            .compute(key, |live, now| {
                if live.map(|stored| &*stored.value) == expected {
                    (Op::Put(Stored::new(new, ttl, now)), true)
                } else {
                    (Op::Nop, false)
                }
            })
            .await)
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        Ok(self
            .compute(key, |live, _| match live {
                Some(stored) if &*stored.value == expected => (Op::Remove, true),
                _ => (Op::Nop, false),
            })
            .await)
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }
}
