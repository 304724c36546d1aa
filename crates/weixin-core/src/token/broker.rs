//! [`TokenBroker`]: cached, single-flight, lock-protected tokens shared by every server.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use async_trait::async_trait;

use super::budget;
use super::fetcher::{FetchedToken, TokenFetcher};
use super::stored::StoredToken;
use crate::cache::{Cache, CacheKey, DistributedLock};
use crate::client::AccessTokenSource;
use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::observe::{Counter, Counters, Stats};
use crate::secret::Secret;

/// Settings of a [`TokenBroker`].
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// Key prefix in the shared cache (default `weixin`).
    pub key_prefix: String,
    /// A token is refreshed when it expires within this margin (default 300 s; capped at half a
    /// token's lifetime).
    pub margin: Duration,
    /// TTL of the distributed refresh lock (default 10 s): if its holder dies, others take over.
    pub lock_ttl: Duration,
    /// How long a server waits for another server's refresh (default 5 s).
    pub lock_wait: Duration,
    /// Stable-token forced refreshes allowed per day, across all servers (WeChat: 20).
    pub force_refresh_per_day: u32,
    /// Minimum time between two forced refreshes (WeChat: 30 s).
    pub force_refresh_interval: Duration,
    /// The wall clock (shared across servers through the cache).
    pub clock: Arc<dyn Clock>,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            key_prefix: "weixin".to_owned(),
            margin: Duration::from_secs(300),
            lock_ttl: Duration::from_secs(10),
            lock_wait: Duration::from_secs(5),
            force_refresh_per_day: 20,
            force_refresh_interval: Duration::from_secs(30),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Tokens of one kind (access tokens, JS-SDK tickets...) for many apps, without a token war.
///
/// [`TokenBroker::get`]:
/// 1. a fresh token (`expires_at - margin > now`) in the shared cache is returned at once;
/// 2. otherwise one task per process and app fetches (single flight: the others wait for it and
///    then read the cache);
/// 3. that task takes the distributed lock `{prefix}:lock:{appid}:{kind}` (TTL, owner token,
///    bounded wait), re-reads the cache (another server may have refreshed), fetches only if the
///    token is still stale, and stores it with compare-and-swap against the value it read, so an
///    older token (earlier expiry) never overwrites a newer one.
///
/// A token rejected by WeChat is dropped with [`TokenBroker::invalidate`] (compare-and-delete of
/// that exact value). If WeChat's normal stable-token answer is still that rejected token, a
/// forced refresh is made, within the daily budget shared by all servers; over budget, the
/// normal token is kept and a debug log says so.
///
/// Registering an app never touches the cache: a still-valid token is kept.
pub struct TokenBroker<F: TokenFetcher> {
    inner: Arc<Inner<F>>,
}

impl<F: TokenFetcher> Clone for TokenBroker<F> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<F> {
    cache: Arc<dyn Cache>,
    lock: Arc<dyn DistributedLock>,
    keys: CacheKey,
    settings: TokenSettings,
    counters: Arc<Counters>,
    apps: RwLock<HashMap<String, Arc<Entry<F>>>>,
}

struct Entry<F> {
    fetcher: F,
    /// Single flight inside this process.
    flight: tokio::sync::Mutex<()>,
    /// Bumped by each single-flight leader when it has a token, which it leaves in `last`, so
    /// the tasks that waited for it take that token without another cache round trip.
    generation: AtomicU64,
    last: Mutex<Option<StoredToken>>,
    /// The token WeChat last rejected here: not to be handed out again from the cache.
    rejected: Mutex<Option<Secret>>,
}

impl<F> Entry<F> {
    fn rejected(&self) -> Option<Secret> {
        self.rejected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_rejected(&self, token: Option<Secret>) {
        *self.rejected.lock().unwrap_or_else(|e| e.into_inner()) = token;
    }

    fn publish(&self, token: &StoredToken) {
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn last(&self) -> Option<StoredToken> {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Access tokens of every registered app.
pub type AccessTokenContainer = TokenBroker<super::AccessTokenFetcher>;
/// JS-SDK tickets of every registered app (same mechanism as access tokens).
pub type JsApiTicketContainer = TokenBroker<super::JsApiTicketFetcher>;

impl<F: TokenFetcher> TokenBroker<F> {
    /// A broker over the shared `cache` and `lock`, with its own counters.
    pub fn new(
        cache: Arc<dyn Cache>,
        lock: Arc<dyn DistributedLock>,
        settings: TokenSettings,
    ) -> Self {
        Self::with_counters(cache, lock, settings, Arc::new(Counters::default()))
    }

    /// A broker that counts into `counters` (shared with a registry).
    pub fn with_counters(
        cache: Arc<dyn Cache>,
        lock: Arc<dyn DistributedLock>,
        settings: TokenSettings,
        counters: Arc<Counters>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                cache,
                lock,
                keys: CacheKey::new(settings.key_prefix.clone()),
                settings,
                counters,
                apps: RwLock::new(HashMap::new()),
            }),
        }
    }

    /// Registers (or replaces) the fetcher of `appid`. The cached token is left alone.
    pub fn register(&self, appid: &str, fetcher: F) {
        let entry = Arc::new(Entry {
            fetcher,
            flight: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            last: Mutex::new(None),
            rejected: Mutex::new(None),
        });
        self.inner
            .apps
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(appid.to_owned(), entry);
    }

    /// Whether `appid` is registered.
    pub fn is_registered(&self, appid: &str) -> bool {
        self.inner
            .apps
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(appid)
    }

    /// The registered appids.
    pub fn appids(&self) -> Vec<String> {
        self.inner
            .apps
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect()
    }

    /// The counters (shared with the registry when built by one).
    pub fn stats(&self) -> Stats {
        self.inner.counters.snapshot()
    }

    /// The settings.
    pub fn settings(&self) -> &TokenSettings {
        &self.inner.settings
    }

    /// The cache key of `appid`'s token: `{prefix}:{kind}:{appid}`.
    pub fn cache_key(&self, appid: &str) -> Result<String, Error> {
        let entry = self.entry(appid)?;
        Ok(self.token_key(appid, &entry))
    }

    /// A valid token of `appid` (see the type docs for how).
    pub async fn get(&self, appid: &str) -> Result<Secret, Error> {
        self.obtain(appid, Duration::ZERO).await.map(|t| t.token)
    }

    /// Like [`get`](Self::get), with the expiry.
    pub async fn get_stored(&self, appid: &str) -> Result<StoredToken, Error> {
        self.obtain(appid, Duration::ZERO).await
    }

    /// Refreshes `appid`'s token if it expires within `margin + ahead` (used by the background
    /// refresher so that foreground calls never wait).
    pub async fn refresh_if_due(&self, appid: &str, ahead: Duration) -> Result<StoredToken, Error> {
        self.obtain(appid, ahead).await
    }

    /// WeChat rejected `token`: delete it from the shared cache if it is still the stored one
    /// (compare-and-delete; a newer token stored by another server is kept) and do not hand it out
    /// again. Returns whether it was deleted.
    pub async fn invalidate(&self, appid: &str, token: &Secret) -> Result<bool, Error> {
        let entry = self.entry(appid)?;
        entry.set_rejected(Some(token.clone()));
        let key = self.token_key(appid, &entry);
        let Some(raw) = self.inner.cache.get(&key).await? else {
            return Ok(false);
        };
        let stored = StoredToken::from_bytes(&raw);
        if stored.is_some_and(|s| s.token == *token)
            && self.inner.cache.compare_and_delete(&key, &raw).await?
        {
            self.inner.counters.incr(Counter::Invalidations);
            tracing::info!(
                appid,
                kind = entry.fetcher.kind(),
                "rejected token removed from the shared cache"
            );
            return Ok(true);
        }
        Ok(false)
    }

    /// An [`AccessTokenSource`] for `appid` over this broker (for an [`ApiClient`](crate::client::ApiClient)).
    pub fn source(&self, appid: &str) -> Arc<dyn AccessTokenSource> {
        Arc::new(BrokerSource {
            broker: self.clone(),
            appid: appid.to_owned(),
        })
    }

    fn entry(&self, appid: &str) -> Result<Arc<Entry<F>>, Error> {
        self.inner
            .apps
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(appid)
            .cloned()
            .ok_or_else(|| Error::Config(format!("app {appid} is not registered")))
    }

    fn token_key(&self, appid: &str, entry: &Entry<F>) -> String {
        self.inner.keys.build(entry.fetcher.kind(), appid, &[])
    }

    fn now(&self) -> i64 {
        i64::try_from(self.inner.settings.clock.now_ms()).unwrap_or(i64::MAX)
    }

    /// The cached token if it is fresh and not the rejected one.
    async fn read_fresh(
        &self,
        key: &str,
        margin: Duration,
        rejected: Option<&Secret>,
    ) -> Result<Option<StoredToken>, Error> {
        let Some(raw) = self.inner.cache.get(key).await? else {
            return Ok(None);
        };
        Ok(StoredToken::from_bytes(&raw)
            .filter(|t| t.is_fresh(self.now(), margin) && Some(&t.token) != rejected))
    }

    async fn obtain(&self, appid: &str, ahead: Duration) -> Result<StoredToken, Error> {
        let entry = self.entry(appid)?;
        let key = self.token_key(appid, &entry);
        let margin = self.inner.settings.margin + ahead;
        if let Some(t) = self
            .read_fresh(&key, margin, entry.rejected().as_ref())
            .await?
        {
            return Ok(t);
        }
        let generation = entry.generation.load(Ordering::Acquire);
        let _flight = entry.flight.lock().await;
        let rejected = entry.rejected();
        if entry.generation.load(Ordering::Acquire) != generation
            && let Some(t) = entry.last()
            && t.is_fresh(self.now(), margin)
            && Some(&t.token) != rejected.as_ref()
        {
            // The leader we waited for got a token: no cache round trip needed.
            return Ok(t);
        }
        if let Some(t) = self.read_fresh(&key, margin, rejected.as_ref()).await? {
            return Ok(t);
        }
        let kind = entry.fetcher.kind();
        let lock_key = self.inner.keys.build("lock", appid, &[kind]);
        let settings = &self.inner.settings;
        self.inner.counters.incr(Counter::LockWaits);
        let guard = self
            .inner
            .lock
            .acquire(&lock_key, settings.lock_ttl, settings.lock_wait)
            .await?;
        let Some(guard) = guard else {
            self.inner.counters.incr(Counter::LockTimeouts);
            // Another server holds the refresh lock for too long. A token that has not expired
            // yet is still usable.
            if let Some(raw) = self.inner.cache.get(&key).await?
                && let Some(t) = StoredToken::from_bytes(&raw)
                && t.is_valid(self.now())
                && Some(&t.token) != entry.rejected().as_ref()
            {
                tracing::debug!(
                    appid,
                    kind,
                    "refresh lock busy; using the cached token inside its margin"
                );
                return Ok(t);
            }
            return Err(Error::TokenUnavailable {
                appid: appid.to_owned(),
                kind,
                reason: format!(
                    "the refresh lock was held by another server for more than {:?}",
                    settings.lock_wait
                ),
            });
        };
        let result = self.refresh_locked(appid, &entry, &key, margin).await;
        if let Ok(t) = &result {
            entry.publish(t);
        }
        if let Err(e) = guard.release().await {
            tracing::debug!(appid, kind, error = %e, "releasing the refresh lock failed; it expires by its TTL");
        }
        result
    }

    async fn refresh_locked(
        &self,
        appid: &str,
        entry: &Entry<F>,
        key: &str,
        margin: Duration,
    ) -> Result<StoredToken, Error> {
        let rejected = entry.rejected();
        let current = self.inner.cache.get(key).await?;
        if let Some(t) = current.as_deref().and_then(StoredToken::from_bytes)
            && t.is_fresh(self.now(), margin)
            && Some(&t.token) != rejected.as_ref()
        {
            // Another server refreshed while we waited for the lock.
            return Ok(t);
        }
        let fetched = self.fetch(appid, entry, rejected.as_ref()).await?;
        entry.set_rejected(None);
        let new = StoredToken::new(fetched.token, self.now(), fetched.expires_in);
        self.store(appid, key, current, new).await
    }

    async fn fetch(
        &self,
        appid: &str,
        entry: &Entry<F>,
        rejected: Option<&Secret>,
    ) -> Result<FetchedToken, Error> {
        let kind = entry.fetcher.kind();
        let counter = if kind == "access_token" {
            Counter::TokenFetches
        } else {
            Counter::TicketFetches
        };
        self.inner.counters.incr(counter);
        tracing::debug!(appid, kind, "fetching a token from WeChat");
        let fetched = entry.fetcher.fetch(false).await?;
        let still_rejected = rejected.is_some_and(|r| *r == fetched.token);
        if !(still_rejected && entry.fetcher.supports_force_refresh()) {
            return Ok(fetched);
        }
        let settings = &self.inner.settings;
        let budget_key = self.inner.keys.build("force_refresh", appid, &[kind]);
        let allowed = budget::try_consume(
            self.inner.cache.as_ref(),
            &budget_key,
            self.now(),
            settings.force_refresh_per_day,
            settings.force_refresh_interval,
        )
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(appid, kind, error = %e, "cannot read the force-refresh budget; not forcing");
            false
        });
        if !allowed {
            tracing::debug!(
                appid,
                kind,
                "WeChat still returns the rejected token but the force-refresh budget (per day / 30 s apart) is spent; using the normal fetch"
            );
            return Ok(fetched);
        }
        tracing::info!(
            appid,
            kind,
            "WeChat still returns the rejected token: forcing a refresh"
        );
        self.inner.counters.incr(counter);
        self.inner.counters.incr(Counter::ForceRefreshes);
        entry.fetcher.fetch(true).await
    }

    /// Stores `new` unless a newer token is already there; returns the token that won.
    async fn store(
        &self,
        appid: &str,
        key: &str,
        mut expected: Option<Vec<u8>>,
        new: StoredToken,
    ) -> Result<StoredToken, Error> {
        let bytes = new.to_bytes();
        let ttl = new.remaining(self.now()).max(Duration::from_secs(1));
        for _ in 0..8 {
            if self
                .inner
                .cache
                .compare_and_swap(key, expected.as_deref(), &bytes, Some(ttl))
                .await?
            {
                return Ok(new);
            }
            let now_raw = self.inner.cache.get(key).await?;
            if let Some(other) = now_raw.as_deref().and_then(StoredToken::from_bytes)
                && (other.is_newer_than(&new) || other.token == new.token)
            {
                tracing::debug!(
                    appid,
                    "a newer token was stored by another server meanwhile; keeping it"
                );
                return Ok(other);
            }
            expected = now_raw;
        }
        tracing::warn!(
            appid,
            "could not store the fetched token (cache contention); using it without storing"
        );
        Ok(new)
    }
}

impl<F: TokenFetcher> fmt::Debug for TokenBroker<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenBroker")
            .field("cache", &self.inner.cache.backend_name())
            .field("settings", &self.inner.settings)
            .field("apps", &self.appids())
            .finish()
    }
}

struct BrokerSource<F: TokenFetcher> {
    broker: TokenBroker<F>,
    appid: String,
}

#[async_trait]
impl<F: TokenFetcher> AccessTokenSource for BrokerSource<F> {
    async fn access_token(&self) -> Result<Secret, Error> {
        self.broker.get(&self.appid).await
    }

    async fn invalidate(&self, token: &Secret) -> Result<(), Error> {
        self.broker.invalidate(&self.appid, token).await.map(|_| ())
    }
}
