//! What the memory cache stores per key, and how moka learns each entry's lifetime.

use std::sync::Arc;
use std::time::Duration;

use moka::Expiry;
use tokio::time::Instant;

/// One stored value with its own expiry.
///
/// `deadline` is the authoritative expiry, measured on tokio's clock so tests can pause and
/// advance time. `ttl` is only a hint for moka to reclaim the memory of expired entries; moka
/// measures it on the real clock from the moment of the write, which is never earlier than
/// `deadline` outside paused-time tests.
#[derive(Clone)]
pub(super) struct Stored {
    pub(super) value: Arc<[u8]>,
    deadline: Option<Instant>,
    ttl: Option<Duration>,
}

impl Stored {
    /// A value written at `now` that lives for `ttl` (`None`: forever).
    pub(super) fn new(value: &[u8], ttl: Option<Duration>, now: Instant) -> Self {
        Self {
            value: Arc::from(value),
            // An overflowing deadline is so far away that it means "never".
            deadline: ttl.and_then(|ttl| now.checked_add(ttl)),
            ttl,
        }
    }

    /// Whether the entry is still visible at `now`.
    pub(super) fn is_live(&self, now: Instant) -> bool {
        self.deadline.is_none_or(|deadline| deadline > now)
    }
}

/// Tells moka to drop each entry after its own TTL, restarting on every write.
pub(super) struct PerEntryExpiry;

impl Expiry<String, Stored> for PerEntryExpiry {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &Stored,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        value.ttl
    }

    fn expire_after_update(
        &self,
        _key: &String,
        value: &Stored,
        _updated_at: std::time::Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        value.ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_until_the_deadline_and_not_at_it() {
        let now = Instant::now();
        let stored = Stored::new(b"v", Some(Duration::from_secs(5)), now);
        assert!(stored.is_live(now));
        assert!(stored.is_live(now + Duration::from_millis(4999)));
        assert!(!stored.is_live(now + Duration::from_secs(5)));
    }

    #[test]
    fn no_ttl_and_overflowing_ttl_never_expire() {
        let now = Instant::now();
        let forever = Stored::new(b"v", None, now);
        let huge = Stored::new(b"v", Some(Duration::MAX), now);
        let later = now + Duration::from_secs(100 * 365 * 24 * 3600);
        assert!(forever.is_live(later));
        assert!(huge.is_live(later));
    }
}
