//! [`StoredToken`]: the value kept in the shared cache for a token or ticket.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The margin is at most this share (1/n) of a token's lifetime as fetched.
const SHORT_LIFETIME_SHARE: i64 = 10;

/// A token as stored in the shared cache: JSON `{"token","expires_at","fetched_at"}` with unix
/// milliseconds, so every server (and every language) can read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    /// The token or ticket.
    pub token: Secret,
    /// When WeChat says it expires (unix ms).
    pub expires_at: i64,
    /// When it was fetched (unix ms): `expires_at - fetched_at` is the lifetime WeChat announced
    /// in that answer, which bounds the refresh margin (see [`refresh_at`](Self::refresh_at)).
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

    /// When the token is due for refresh with `margin`: `expires_at - min(margin, lifetime / 10)`,
    /// where the lifetime is the `expires_in` of the answer it was stored from
    /// (`expires_at - fetched_at`).
    ///
    /// # Why a tenth of the lifetime
    ///
    /// `margin` (default 300 s) is meant to match WeChat's renewal window: `stable_token` answers
    /// the *current* token, with a shrinking `expires_in`, until it has less than 5 minutes left,
    /// and only then issues a new one. A fetch made before that window is a wasted call that
    /// brings back the token already held.
    ///
    /// When a token lives less than `10 × margin` as fetched (a test platform with short TTLs, or
    /// an answer that is already inside the margin), the margin shrinks to a tenth of that
    /// lifetime. Two consequences:
    ///
    /// - a token is always fresh for 90% of the life it was fetched with, so an answer whose
    ///   `expires_in` is already inside the margin is used until near its expiry instead of being
    ///   stale at once and fetched again on every call;
    /// - the refresh lands late in the token's life, where a stable-token platform issues the next
    ///   token, so each real token costs about one token-endpoint call. (Capping the margin at
    ///   half the lifetime, as earlier versions did, refreshed in the middle of a short token's
    ///   life: `stable_token` answered the same token, and a second or third call followed.)
    ///
    /// A 7200 s WeChat token keeps the full 300 s margin (720 s > 300 s).
    pub fn refresh_at(&self, margin: Duration) -> i64 {
        let lifetime = self.expires_at.saturating_sub(self.fetched_at).max(0);
        let margin = i64::try_from(margin.as_millis())
            .unwrap_or(i64::MAX)
            .min(lifetime / SHORT_LIFETIME_SHARE);
        self.expires_at.saturating_sub(margin)
    }

    /// Whether the token can still be handed out at `now_ms` without a refresh:
    /// [`refresh_at(margin)`](Self::refresh_at) `> now_ms`.
    pub fn is_fresh(&self, now_ms: i64, margin: Duration) -> bool {
        self.refresh_at(margin) > now_ms
    }

    /// Like [`is_fresh`](Self::is_fresh), `ahead` earlier (the background refresher's lead).
    pub(crate) fn is_fresh_ahead(&self, now_ms: i64, margin: Duration, ahead: Duration) -> bool {
        let ahead = i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX);
        self.refresh_at(margin).saturating_sub(ahead) > now_ms
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
    fn freshness_uses_the_margin_capped_at_a_tenth_of_the_lifetime() {
        let t = StoredToken::new("a".into(), 0, Duration::from_secs(7200));
        let margin = Duration::from_secs(300);
        assert!(t.is_fresh(6_899_000, margin));
        assert!(!t.is_fresh(6_900_000, margin));
        assert!(t.is_valid(7_199_999));
        let short = StoredToken::new("b".into(), 0, Duration::from_secs(300));
        assert_eq!(short.refresh_at(margin), 270_000);
        assert!(short.is_fresh(269_999, margin));
        assert!(!short.is_fresh(270_000, margin));
        // An answer already inside the margin (7 s left) is used for 90% of that, not stale.
        let late = StoredToken::new("c".into(), 1_000_000, Duration::from_secs(7));
        assert!(late.is_fresh(1_006_299, margin));
        assert!(!late.is_fresh(1_006_300, margin));
        assert!(late.is_fresh_ahead(1_005_299, margin, Duration::from_secs(1)));
        assert!(!late.is_fresh_ahead(1_005_300, margin, Duration::from_secs(1)));
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
