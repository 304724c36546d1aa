//! Configuration of a [`MemoryCache`].

use super::MemoryCache;

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
    /// When a write takes the cache over the bound, the least recently used entries are evicted
    /// (a new key is never refused). The bound is split evenly across the cache's shards (one
    /// shard per 1,024 entries of bound, up to the unbounded shard count), and each shard evicts
    /// its own least recently used entries in batches of 1/16 of its share; so the order is LRU
    /// within a shard and approximately LRU across the cache. Evicted entries simply disappear,
    /// exactly like expired ones; that includes locks and tokens, so size the bound well above
    /// the working set.
    pub fn max_entries(mut self, max_entries: u64) -> Self {
        self.max_entries = Some(max_entries);
        self
    }

    /// Creates the cache.
    pub fn build(self) -> MemoryCache {
        MemoryCache::from_bound(self.max_entries)
    }
}
