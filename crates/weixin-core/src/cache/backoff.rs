//! Owner tokens and the jittered retry delay used by [`super::CacheLock`].

use std::time::Duration;

use super::{CacheError, CacheErrorKind};

/// The first retry delay while waiting for a lock.
const FIRST_DELAY: Duration = Duration::from_millis(2);
/// The longest retry delay while waiting for a lock.
const MAX_DELAY: Duration = Duration::from_millis(50);

/// A fresh random owner token: 128 bits from the OS, as 32 lowercase hex digits.
pub(super) fn owner_token(backend: &'static str) -> Result<String, CacheError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        CacheError::new(
            CacheErrorKind::Unavailable,
            backend,
            format!("no randomness for a lock owner token: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Exponential backoff from 2 ms to 50 ms with "equal jitter" (each delay is uniformly drawn
/// from the upper half of the current step), so waiters do not retry in lockstep.
#[derive(Debug)]
pub(super) struct Backoff {
    step: Duration,
    rng: u64,
}

impl Backoff {
    /// A backoff whose jitter is seeded by `seed` (any value; zero is fine).
    pub(super) fn new(seed: u64) -> Self {
        Self {
            step: FIRST_DELAY,
            // SplitMix64 of the seed: never zero for xorshift below in practice, and `| 1` makes
            // sure of it.
            rng: splitmix64(seed) | 1,
        }
    }

    /// The next delay to sleep before retrying.
    pub(super) fn next_delay(&mut self) -> Duration {
        let step = self.step;
        self.step = (self.step * 2).min(MAX_DELAY);
        let half = step / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = self.next_random() % half_nanos.saturating_add(1);
        half + Duration::from_nanos(jitter)
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_and_distinct() {
        let a = owner_token("test").expect("randomness");
        let b = owner_token("test").expect("randomness");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn delays_double_within_jitter_bounds_and_cap_at_50ms() {
        let mut backoff = Backoff::new(7);
        let mut step = FIRST_DELAY;
        for _ in 0..20 {
            let delay = backoff.next_delay();
            assert!(
                delay >= step / 2 && delay <= step,
                "{delay:?} outside {step:?}"
            );
            step = (step * 2).min(MAX_DELAY);
        }
        assert_eq!(step, MAX_DELAY);
    }

    #[test]
    fn different_seeds_jitter_differently() {
        let a: Vec<_> = {
            let mut b = Backoff::new(1);
            (0..8).map(|_| b.next_delay()).collect()
        };
        let b: Vec<_> = {
            let mut b = Backoff::new(2);
            (0..8).map(|_| b.next_delay()).collect()
        };
        assert_ne!(a, b);
    }
}
