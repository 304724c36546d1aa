//! What the memory cache stores per key.

use tokio::time::Instant;

/// One stored value with its own expiry and its last use (for LRU eviction).
///
/// `deadline` is measured on tokio's clock so tests can pause and advance time.
pub(super) struct Stored {
    pub(super) value: Box<[u8]>,
    deadline: Option<Instant>,
    /// The shard's use counter at the last read or write of this entry.
    pub(super) used: u64,
}

impl Stored {
    /// A value written at `now` that lives for `ttl` (`None`: forever).
    pub(super) fn new(
        value: &[u8],
        ttl: Option<std::time::Duration>,
        now: Instant,
        used: u64,
    ) -> Self {
        Self {
            value: Box::from(value),
            // An overflowing deadline is so far away that it means "never".
            deadline: ttl.and_then(|ttl| now.checked_add(ttl)),
            used,
        }
    }

    /// Whether the entry is still visible at `now`.
    pub(super) fn is_live(&self, now: Instant) -> bool {
        self.deadline.is_none_or(|deadline| deadline > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn live_until_the_deadline_and_not_at_it() {
        let now = Instant::now();
        let stored = Stored::new(b"v", Some(Duration::from_secs(5)), now, 0);
        assert!(stored.is_live(now));
        assert!(stored.is_live(now + Duration::from_millis(4999)));
        assert!(!stored.is_live(now + Duration::from_secs(5)));
    }

    #[test]
    fn no_ttl_and_overflowing_ttl_never_expire() {
        let now = Instant::now();
        let forever = Stored::new(b"v", None, now, 0);
        let huge = Stored::new(b"v", Some(Duration::MAX), now, 0);
        let later = now + Duration::from_secs(100 * 365 * 24 * 3600);
        assert!(forever.is_live(later));
        assert!(huge.is_live(later));
    }
}
