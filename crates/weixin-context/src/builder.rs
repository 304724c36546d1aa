//! Configuration of a [`ContextStore`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use weixin_core::cache::{Cache, CacheKey};

use crate::context::DEFAULT_MAX_RECORDS;
use crate::expiry::{DEFAULT_EXPIRY, DEFAULT_RETENTION, ExpiredHandler, ExpiryPolicy};
use crate::{Clock, ContextStore, MessageContext, SystemClock};

/// The default number of read–modify–write attempts of one update.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 32;

/// The shortest accepted expiry.
const MIN_EXPIRY: Duration = Duration::from_secs(1);

/// Builds a [`ContextStore`]; start with [`ContextStore::builder`].
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use weixin_context::ContextStore;
/// use weixin_core::cache::{Cache, MemoryCache};
///
/// let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
/// let store: ContextStore<String, String> = ContextStore::builder(cache)
///     .max_records(10)
///     .expiry(Duration::from_secs(10 * 60))
///     .key_prefix("myapp")
///     .on_expired(|ctx| println!("{} left after {} requests", ctx.openid(), ctx.requests().len()))
///     .build();
/// assert_eq!(store.cache_key("wx1", "u1"), "myapp:context:wx1:u1");
/// ```
pub struct ContextStoreBuilder<Req, Resp, S = serde_json::Value> {
    cache: Arc<dyn Cache>,
    key_prefix: String,
    max_records: usize,
    max_attempts: u32,
    expiry: Duration,
    retention: Duration,
    clock: Arc<dyn Clock>,
    handler: Option<ExpiredHandler<Req, Resp, S>>,
}

impl<Req, Resp, S> fmt::Debug for ContextStoreBuilder<Req, Resp, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextStoreBuilder")
            .field("backend", &self.cache.backend_name())
            .field("key_prefix", &self.key_prefix)
            .field("max_records", &self.max_records)
            .field("max_attempts", &self.max_attempts)
            .field("expiry", &self.expiry)
            .field("retention", &self.retention)
            .field("clock", &self.clock)
            .field("has_handler", &self.handler.is_some())
            .finish()
    }
}

impl<Req, Resp, S> ContextStoreBuilder<Req, Resp, S>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
    S: Serialize + DeserializeOwned + Default + Send + 'static,
{
    pub(crate) fn new(cache: Arc<dyn Cache>) -> Self {
        Self {
            cache,
            key_prefix: CacheKey::default().prefix().to_owned(),
            max_records: DEFAULT_MAX_RECORDS,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            expiry: DEFAULT_EXPIRY,
            retention: DEFAULT_RETENTION,
            clock: Arc::new(SystemClock),
            handler: None,
        }
    }

    /// How many requests, and separately how many responses, a context keeps (default 20).
    /// The oldest are dropped first. `0` keeps none.
    pub fn max_records(mut self, max_records: usize) -> Self {
        self.max_records = max_records;
        self
    }

    /// The sliding expiry (default 30 minutes): a context not updated for this long is expired.
    /// Raised to at least one second (caches reject a zero TTL; Memcached counts seconds).
    pub fn expiry(mut self, expiry: Duration) -> Self {
        self.expiry = expiry.max(MIN_EXPIRY);
        self
    }

    /// How long an expired context is still kept so that [`on_expired`](Self::on_expired) can
    /// receive it when the user comes back (default 24 hours). Only applies while a handler is
    /// registered; without one, entries live exactly [`expiry`](Self::expiry). Longer windows
    /// catch more returning users and hold more memory in the cache.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The key prefix (default `weixin`): keys are `{prefix}:context:{appid}:{openid}`.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// How many read–modify–write attempts one update makes before failing with
    /// [`Error::Contended`](crate::Error::Contended) (default 32, at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The clock (default [`SystemClock`]); tests inject a [`ManualClock`](crate::ManualClock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Registers the handler that receives each expired context (Senparc's
    /// `MessageContextRemoved`), once, on the user's next access within the retention window.
    ///
    /// It runs synchronously inside the `load`/`update` call that found the expiry, after the
    /// replacing write succeeded; spawn a task from it for slow work.
    pub fn on_expired<F>(mut self, handler: F) -> Self
    where
        F: Fn(MessageContext<Req, Resp, S>) + Send + Sync + 'static,
    {
        self.handler = Some(Arc::new(handler));
        self
    }

    /// Builds the store.
    pub fn build(self) -> ContextStore<Req, Resp, S> {
        ContextStore::from_parts(
            self.cache,
            CacheKey::new(self.key_prefix),
            self.max_records,
            self.max_attempts,
            ExpiryPolicy::new(self.expiry, self.retention, self.handler),
            self.clock,
        )
    }
}
