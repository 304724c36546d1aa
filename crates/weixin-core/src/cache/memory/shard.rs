//! One shard of the memory cache: a hash map behind a mutex, with its own housekeeping.

use std::collections::HashMap;

use tokio::time::Instant;

use super::entry::Stored;

/// Writes between two sweeps of expired entries, at least. There are as many as the shard held
/// after the previous sweep when that is more, so a sweep costs O(1) per write on average and
/// a shard holds at most about twice its live entries.
const MIN_WRITES_PER_SWEEP: usize = 64;

/// The keys of one shard. Every operation on a key runs under the shard's mutex, which makes
/// each conditional write atomic.
#[derive(Default)]
pub(super) struct Shard {
    // foldhash: keyed with a random seed per map like the standard one, several times faster.
    map: HashMap<Box<str>, Stored, foldhash::fast::RandomState>,
    /// Use counter: bumped on every read and write, stamped on the entry touched.
    clock: u64,
    writes_since_sweep: usize,
    /// Entries left by the last sweep.
    len_after_sweep: usize,
}

impl Shard {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The live value of `key` (removing it if it expired), marked as just used.
    pub(super) fn get(&mut self, key: &str, now: Instant) -> Option<Vec<u8>> {
        let used = self.tick();
        let stored = self.map.get_mut(key)?;
        if stored.is_live(now) {
            stored.used = used;
            Some(stored.value.to_vec())
        } else {
            self.map.remove(key);
            None
        }
    }

    /// The live value of `key` at `now`, if any (an expired one counts as absent).
    pub(super) fn live(&self, key: &str, now: Instant) -> Option<&[u8]> {
        self.map
            .get(key)
            .filter(|stored| stored.is_live(now))
            .map(|stored| &*stored.value)
    }

    /// Stores `value` for `key`.
    pub(super) fn put(
        &mut self,
        key: &str,
        value: &[u8],
        ttl: Option<std::time::Duration>,
        now: Instant,
    ) {
        let used = self.tick();
        let stored = Stored::new(value, ttl, now, used);
        match self.map.get_mut(key) {
            Some(slot) => *slot = stored,
            None => {
                self.map.insert(Box::from(key), stored);
            }
        }
        self.writes_since_sweep += 1;
    }

    /// Removes `key`; whether a live value was removed.
    pub(super) fn remove(&mut self, key: &str, now: Instant) -> bool {
        self.map
            .remove(key)
            .is_some_and(|stored| stored.is_live(now))
    }

    /// The number of stored entries, expired ones not yet swept included.
    pub(super) fn len(&self) -> usize {
        self.map.len()
    }

    /// Housekeeping after a write: sweeps expired entries every so often, and evicts the least
    /// recently used entries when over `max` (down to `max - max / 16`, so eviction runs in
    /// batches).
    pub(super) fn after_write(&mut self, now: Instant, max: Option<usize>) {
        if self.writes_since_sweep >= self.len_after_sweep.max(MIN_WRITES_PER_SWEEP) {
            self.sweep(now);
        }
        if let Some(max) = max
            && self.map.len() > max
        {
            self.sweep(now);
            self.evict_down_to(max - max / 16);
        }
    }

    /// Removes every expired entry.
    pub(super) fn sweep(&mut self, now: Instant) {
        self.map.retain(|_, stored| stored.is_live(now));
        self.writes_since_sweep = 0;
        self.len_after_sweep = self.map.len();
    }

    /// Evicts the least recently used entries until at most `keep` remain.
    pub(super) fn evict_down_to(&mut self, keep: usize) {
        let excess = self.map.len().saturating_sub(keep);
        if excess == 0 {
            return;
        }
        // Use stamps are unique within a shard: everything at or below the excess-th smallest
        // stamp goes.
        let mut stamps: Vec<u64> = self.map.values().map(|stored| stored.used).collect();
        let (_, &mut threshold, _) = stamps.select_nth_unstable(excess - 1);
        self.map.retain(|_, stored| stored.used > threshold);
    }
}
