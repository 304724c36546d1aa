//! Lock owner tokens and the jittered retry delay while waiting for a lock.

use std::time::Duration;

use weixin_core::cache::{CacheError, CacheErrorKind};

use crate::error::BACKEND;

const FIRST_DELAY: Duration = Duration::from_millis(2);
const MAX_DELAY: Duration = Duration::from_millis(50);

/// A fresh random owner token: 128 bits from the OS as 32 lowercase hex digits.
pub(crate) fn owner_token() -> Result<String, CacheError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        CacheError::new(
            CacheErrorKind::Unavailable,
            BACKEND,
            format!("no randomness for a lock owner token: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Exponential backoff from 2 ms to 50 ms; each delay is drawn from the upper half of the
/// current step so that waiters do not retry in lockstep.
pub(crate) struct Backoff {
    step: Duration,
    rng: u64,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        let mut seed = [0u8; 8];
        // Jitter quality only: a failure leaves a fixed (still valid) seed.
        let _ = getrandom::fill(&mut seed);
        Self {
            step: FIRST_DELAY,
            rng: u64::from_le_bytes(seed) | 1,
        }
    }

    pub(crate) fn next_delay(&mut self) -> Duration {
        let step = self.step;
        self.step = (self.step * 2).min(MAX_DELAY);
        // xorshift64
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let half = step / 2;
        let half_micros = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
        half + Duration::from_micros(self.rng % half_micros.saturating_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_hex() {
        let (a, b) = (owner_token(), owner_token());
        let (Ok(a), Ok(b)) = (a, b) else {
            panic!("no randomness")
        };
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn delays_stay_within_bounds() {
        let mut backoff = Backoff::new();
        let mut step = FIRST_DELAY;
        for _ in 0..20 {
            let d = backoff.next_delay();
            assert!(d >= step / 2 && d <= step, "{d:?} vs {step:?}");
            step = (step * 2).min(MAX_DELAY);
        }
    }
}
