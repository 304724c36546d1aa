//! [`Backoff`]: short, jittered, exponential waits between retries.
//!
//! Used wherever the SDK polls shared state: waiting for a lock, retrying a lost
//! compare-and-swap, waiting for another server's dedup result.

use std::time::Duration;

/// Exponential backoff with "equal jitter": each wait is uniform in `[step / 2, step]`, and
/// `step` doubles up to `cap`. The jitter keeps contending servers from retrying in lockstep.
///
/// ```
/// use std::time::Duration;
/// use weixin_core::backoff::Backoff;
///
/// let mut backoff = Backoff::new(Duration::from_millis(2), Duration::from_millis(50));
/// let first = backoff.next_delay();
/// assert!(first >= Duration::from_millis(1) && first <= Duration::from_millis(2));
/// ```
#[derive(Debug, Clone)]
pub struct Backoff {
    step: Duration,
    cap: Duration,
}

impl Backoff {
    /// Starts at `first` (at most `cap`), doubling up to `cap`.
    pub fn new(first: Duration, cap: Duration) -> Self {
        Self {
            step: first.min(cap),
            cap,
        }
    }

    /// The next wait (jittered), advancing the step.
    pub fn next_delay(&mut self) -> Duration {
        let half = self.step / 2;
        let delay = half + jitter(self.step - half);
        self.step = self.step.saturating_mul(2).min(self.cap);
        delay
    }

    /// Sleeps for the next wait, at most `limit`.
    pub async fn wait_at_most(&mut self, limit: Duration) {
        let delay = self.next_delay().min(limit);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Sleeps for the next wait.
    pub async fn wait(&mut self) {
        self.wait_at_most(Duration::MAX).await;
    }
}

/// A uniformly random duration in `[0, max]`, at microsecond resolution.
fn jitter(max: Duration) -> Duration {
    let micros = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
    if micros == 0 {
        return Duration::ZERO;
    }
    Duration::from_micros(random_u64() % micros.saturating_add(1))
}

/// A random number for jitter; falls back to the clock if the OS source fails (jitter quality
/// is not security relevant).
pub fn random_u64() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos().into())
            .unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_within_the_doubling_step_and_cap() {
        let mut b = Backoff::new(Duration::from_millis(1), Duration::from_millis(8));
        let bounds = [1, 2, 4, 8, 8, 8];
        for max in bounds {
            let d = b.next_delay();
            let max = Duration::from_millis(max);
            assert!(
                d <= max && d >= max / 2,
                "{d:?} outside [{max:?} / 2, {max:?}]"
            );
        }
    }

    #[test]
    fn jitter_spreads_values() {
        let values: std::collections::HashSet<_> =
            (0..50).map(|_| jitter(Duration::from_millis(10))).collect();
        assert!(values.len() > 10, "jitter should vary: {values:?}");
        assert_eq!(jitter(Duration::ZERO), Duration::ZERO);
    }
}
