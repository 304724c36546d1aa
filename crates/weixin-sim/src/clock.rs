//! [`SimClock`]: wall time plus an offset that tests and demos move forward.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The simulator's clock: the system time plus an offset you can [`advance`](SimClock::advance),
/// so tokens, codes, media and the 48-hour window expire without waiting.
///
/// Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct SimClock {
    offset_ms: Arc<AtomicU64>,
}

impl SimClock {
    /// A clock at the system time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// How far the clock has been moved.
    pub fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        real.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Now, in seconds since the Unix epoch.
    pub fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }

    /// The day number (UTC) used for daily quotas.
    pub fn day(&self) -> u64 {
        self.now_secs() / 86_400
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_and_is_shared() {
        let clock = SimClock::new();
        let other = clock.clone();
        let before = clock.now_secs();
        other.advance(Duration::from_secs(7201));
        assert!(clock.now_secs() >= before + 7201);
        assert_eq!(clock.offset(), Duration::from_secs(7201));
    }
}
