//! [`StoredToken`]: the value kept in the shared cache for a token or ticket.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// A token as stored in the shared cache: JSON `{"token","expires_at","fetched_at"}` with unix
/// milliseconds, so every server (and every language) can read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    /// The token or ticket.
    pub token: Secret,
    /// When WeChat says it expires (unix ms).
    pub expires_at: i64,
    /// When it was fetched (unix ms).
    pub fetched_at: i64,
}

impl StoredToken {
    /// A token fetched at `now_ms` that WeChat said is valid for `expires_in`.
    pub fn new(token: Secret, now_ms: i64, expires_in: Duration) -> Self {
        let ms = i64::try_from(expires_in.as_millis()).unwrap_or(i64::MAX);
        Self {
            token,
            expires_at: now_ms.saturating_add(ms),
            fetched_at: now_ms,
        }
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        // Serializing a struct of a string and two integers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Whether the token can still be handed out at `now_ms`: `expires_at - margin > now`.
    ///
    /// The margin is capped at half the token's lifetime, so a stable token that WeChat returns
    /// with only a few minutes left (`expires_in >= 300`) is used for a while instead of being
    /// fetched again on every call.
    pub fn is_fresh(&self, now_ms: i64, margin: Duration) -> bool {
        let lifetime = self.expires_at.saturating_sub(self.fetched_at).max(0);
        let margin = i64::try_from(margin.as_millis())
            .unwrap_or(i64::MAX)
            .min(lifetime / 2);
        self.expires_at.saturating_sub(margin) > now_ms
    }

    /// Whether it has not expired yet (usable, even if inside the margin).
    pub fn is_valid(&self, now_ms: i64) -> bool {
        self.expires_at > now_ms
    }

    /// Whether `self` should win over `other` in the cache: a later expiry, then a later fetch.
    pub fn is_newer_than(&self, other: &Self) -> bool {
        (self.expires_at, self.fetched_at) > (other.expires_at, other.fetched_at)
    }

    /// Time left until expiry at `now_ms` (zero when expired).
    pub fn remaining(&self, now_ms: i64) -> Duration {
        Duration::from_millis(u64::try_from(self.expires_at.saturating_sub(now_ms)).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_uses_the_margin_capped_at_half_the_lifetime() {
        let t = StoredToken::new("a".into(), 0, Duration::from_secs(7200));
        let margin = Duration::from_secs(300);
        assert!(t.is_fresh(6_899_000, margin));
        assert!(!t.is_fresh(6_900_000, margin));
        assert!(t.is_valid(7_199_999));
        let short = StoredToken::new("b".into(), 0, Duration::from_secs(300));
        assert!(short.is_fresh(149_000, margin));
        assert!(!short.is_fresh(150_000, margin));
    }

    #[test]
    fn newer_means_later_expiry() {
        let a = StoredToken::new("a".into(), 1000, Duration::from_secs(7200));
        let b = StoredToken::new("b".into(), 2000, Duration::from_secs(600));
        assert!(a.is_newer_than(&b));
        assert!(!b.is_newer_than(&a));
        let round = StoredToken::from_bytes(&a.to_bytes()).unwrap();
        assert_eq!(round, a);
        assert!(!format!("{a:?}").contains("\"a\""));
    }
}
