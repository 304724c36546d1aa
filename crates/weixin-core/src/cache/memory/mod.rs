//! [`MemoryCache`]: the embedded single-process cache, a sharded hash map.

mod builder;
mod entry;
mod shard;

pub use builder::MemoryCacheBuilder;

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use self::shard::Shard;
use super::{Cache, CacheError, CacheErrorKind};

const BACKEND: &str = "memory";

/// Entries of bound per shard of a bounded cache (fewer shards keep LRU order closer to exact).
const BOUND_PER_SHARD: u64 = 1024;

/// The embedded default cache: in process memory, shared by every task of this process.
///
/// - Every operation is atomic per key: the keys are spread over a few shards, each a hash map
///   behind its own mutex, and [`Cache::add`], [`Cache::compare_and_swap`] and
///   [`Cache::compare_and_delete`] read and write under that mutex. No lock is held across an
///   `.await`, and a critical section is a hash lookup and a copy of the value.
/// - Each entry has its own TTL. Expiry is measured on tokio's clock
///   ([`tokio::time::Instant`]), so tests can use paused time. Expired entries are invisible at
///   once; their memory is reclaimed when they are next touched, and by a sweep of the shard
///   that runs after as many writes as the shard holds entries (so the cost per write stays
///   constant and at most about as many expired entries as live ones are kept).
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
    inner: Arc<Inner>,
}

struct Inner {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    max_entries: Option<u64>,
    /// The bound of each shard, when the cache is bounded.
    shard_max: Option<usize>,
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCache")
            .field("entry_count", &self.entry_count())
            .field("max_entries", &self.inner.max_entries)
            .field("shards", &self.inner.shards.len())
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

    fn from_bound(max_entries: Option<u64>) -> Self {
        // A few shards per core keep two tasks from waiting on the same mutex.
        let cores = std::thread::available_parallelism().map_or(4, usize::from);
        let unbounded_shards = (cores * 4).next_power_of_two().clamp(4, 64);
        let shards = match max_entries {
            None => unbounded_shards,
            Some(max) => usize::try_from(max / BOUND_PER_SHARD)
                .unwrap_or(usize::MAX)
                .clamp(1, unbounded_shards),
        };
        let shard_max = max_entries.map(|max| {
            let per_shard = max.div_ceil(shards as u64).max(1);
            usize::try_from(per_shard).unwrap_or(usize::MAX)
        });
        Self {
            inner: Arc::new(Inner {
                shards: (0..shards).map(|_| Mutex::default()).collect(),
                hasher: RandomState::default(),
                max_entries,
                shard_max,
            }),
        }
    }

    /// The configured bound, if any.
    pub fn max_entries(&self) -> Option<u64> {
        self.inner.max_entries
    }

    /// The number of stored entries.
    ///
    /// It may still count entries that expired but were not swept yet; call
    /// [`MemoryCache::run_pending_tasks`] first for an exact figure of live entries.
    pub fn entry_count(&self) -> u64 {
        self.inner
            .shards
            .iter()
            .map(|shard| lock(shard).len() as u64)
            .sum()
    }

    /// Runs housekeeping now: removes expired entries and evicts down to the bound.
    ///
    /// Housekeeping also runs by itself during writes; this is mainly for tests and metrics.
    pub async fn run_pending_tasks(&self) {
        let now = Instant::now();
        for shard in self.inner.shards.iter() {
            let mut shard = lock(shard);
            shard.sweep(now);
            if let Some(max) = self.inner.shard_max {
                shard.evict_down_to(max);
            }
        }
    }

    /// The locked shard that holds `key`.
    fn shard(&self, key: &str) -> MutexGuard<'_, Shard> {
        let shards = &self.inner.shards;
        // The high bits: the map inside the shard indexes by the low ones of its own hash.
        let hash = self.inner.hasher.hash_one(key);
        let index = ((hash >> 32) as usize) % shards.len();
        lock(&shards[index])
    }

    /// Stores `value` under `key` in the locked `shard`, then runs the shard's housekeeping.
    fn put(&self, shard: &mut Shard, key: &str, value: &[u8], ttl: Option<Duration>, now: Instant) {
        shard.put(key, value, ttl, now);
        shard.after_write(now, self.inner.shard_max);
    }
}

/// Locks a shard. A panic while holding it cannot leave a shard half-written (every operation
/// is a single map call), so a poisoned lock is simply taken over.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
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
        Ok(self.shard(key).get(key, now))
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        if let Some(ttl) = ttl {
            check_ttl(ttl)?;
        }
        let now = Instant::now();
        self.put(&mut self.shard(key), key, value, ttl, now);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let now = Instant::now();
        Ok(self.shard(key).remove(key, now))
    }

    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        check_ttl(ttl)?;
        let now = Instant::now();
        let mut shard = self.shard(key);
        if shard.live(key, now).is_some() {
            return Ok(false);
        }
        self.put(&mut shard, key, value, Some(ttl), now);
        Ok(true)
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
        let now = Instant::now();
        let mut shard = self.shard(key);
        if shard.live(key, now) != expected {
            return Ok(false);
        }
        self.put(&mut shard, key, new, ttl, now);
        Ok(true)
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        let now = Instant::now();
        let mut shard = self.shard(key);
        if shard.live(key, now) != Some(expected) {
            return Ok(false);
        }
        Ok(shard.remove(key, now))
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }
}
