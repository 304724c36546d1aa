//! Sliding expiry, the retention window and the expiry notification.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::MessageContext;

/// The default sliding expiry of a context: 30 minutes without an update (Senparc's default).
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(30 * 60);

/// The default retention window: how long an expired context is kept (only while an expiry
/// handler is registered) so that the handler can still receive it when the user comes back.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// The callback that receives an expired context (Senparc's `MessageContextRemoved`).
pub(crate) type ExpiredHandler<Req, Resp, S> =
    Arc<dyn Fn(MessageContext<Req, Resp, S>) + Send + Sync + 'static>;

/// When a context counts as expired, how long its cache entry lives, and whom to tell.
pub(crate) struct ExpiryPolicy<Req, Resp, S> {
    expiry: Duration,
    retention: Duration,
    handler: Option<ExpiredHandler<Req, Resp, S>>,
}

impl<Req, Resp, S> Clone for ExpiryPolicy<Req, Resp, S> {
    fn clone(&self) -> Self {
        Self {
            expiry: self.expiry,
            retention: self.retention,
            handler: self.handler.clone(),
        }
    }
}

impl<Req, Resp, S> fmt::Debug for ExpiryPolicy<Req, Resp, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpiryPolicy")
            .field("expiry", &self.expiry)
            .field("retention", &self.retention)
            .field(
                "handler",
                &self.handler.as_ref().map(|_| "Fn(MessageContext)"),
            )
            .finish()
    }
}

impl<Req, Resp, S> ExpiryPolicy<Req, Resp, S> {
    pub(crate) fn new(
        expiry: Duration,
        retention: Duration,
        handler: Option<ExpiredHandler<Req, Resp, S>>,
    ) -> Self {
        Self {
            expiry,
            retention,
            handler,
        }
    }

    /// The sliding expiry.
    pub(crate) fn expiry(&self) -> Duration {
        self.expiry
    }

    /// The retention window in force: the configured one with a handler, zero without (nobody
    /// would receive the expired context, so there is no reason to keep it).
    pub(crate) fn retention(&self) -> Duration {
        if self.handler.is_some() {
            self.retention
        } else {
            Duration::ZERO
        }
    }

    /// The TTL of every context write: expiry plus the retention in force.
    pub(crate) fn ttl(&self) -> Duration {
        self.expiry.saturating_add(self.retention())
    }

    /// Whether a context last active at `last_active_ms` has expired at `now_ms`.
    pub(crate) fn is_expired(&self, last_active_ms: u64, now_ms: u64) -> bool {
        let expiry_ms = u64::try_from(self.expiry.as_millis()).unwrap_or(u64::MAX);
        now_ms >= last_active_ms.saturating_add(expiry_ms)
    }

    /// Hands an expired context to the handler, if one is registered.
    pub(crate) fn notify(&self, expired: MessageContext<Req, Resp, S>) {
        if let Some(handler) = &self.handler {
            tracing::debug!(
                appid = expired.appid(),
                openid = expired.openid(),
                last_active_ms = expired.last_active_ms(),
                "message context expired"
            );
            handler(expired);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    type Policy = ExpiryPolicy<u8, u8, ()>;

    #[test]
    fn expired_exactly_at_the_expiry() {
        let p = Policy::new(Duration::from_millis(100), Duration::ZERO, None);
        assert!(!p.is_expired(1_000, 1_099));
        assert!(p.is_expired(1_000, 1_100));
        assert!(!p.is_expired(u64::MAX, u64::MAX - 1));
    }

    #[test]
    fn retention_only_counts_with_a_handler() {
        let min = Duration::from_secs(60);
        let without = Policy::new(min, min * 10, None);
        assert_eq!(without.ttl(), min);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let with = Policy::new(
            min,
            min * 10,
            Some(Arc::new(move |ctx: MessageContext<u8, u8, ()>| {
                if let Ok(mut v) = sink.lock() {
                    v.push(ctx.openid().to_owned());
                }
            })),
        );
        assert_eq!(with.ttl(), min * 11);
        with.notify(MessageContext::new("wx", "u1", 0, 1));
        without.notify(MessageContext::new("wx", "u2", 0, 1));
        assert_eq!(*seen.lock().unwrap(), ["u1"]);
    }
}
