//! Configuration of a [`MemoryCache`].

use moka::policy::EvictionPolicy;

use super::MemoryCache;
use super::entry::PerEntryExpiry;

/// Builds a [`MemoryCache`]; start with [`MemoryCache::builder`].
///
/// ```
/// use weixin_core::cache::MemoryCache;
///
/// let cache = MemoryCache::builder().max_entries(10_000).build();
/// assert_eq!(cache.max_entries(), Some(10_000));
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct MemoryCacheBuilder {
    max_entries: Option<u64>,
}

impl MemoryCacheBuilder {
    /// Bounds the cache to about `max_entries` entries (default: unbounded).
    ///
    /// When a write takes the cache over the bound, the least recently used entries are evicted.
    /// Eviction runs in batches during later cache operations, so the count can exceed the bound
    /// briefly. Evicted entries simply disappear, exactly like expired ones; that includes locks
    /// and tokens, so size the bound well above the working set.
    pub fn max_entries(mut self, max_entries: u64) -> Self {
        self.max_entries = Some(max_entries);
        self
    }

    /// Creates the cache.
    pub fn build(self) -> MemoryCache {
        // LRU instead of moka's default TinyLFU: TinyLFU may refuse to admit a new key when the
        // cache is full, which would silently drop a lock just taken or a token just stored.
        let mut builder = moka::future::Cache::builder()
            .eviction_policy(EvictionPolicy::lru())
            .expire_after(PerEntryExpiry);
        if let Some(max) = self.max_entries {
            builder = builder.max_capacity(max);
        }
        MemoryCache::from_parts(builder.build(), self.max_entries)
    }
}
