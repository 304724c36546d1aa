//! [`TokenBroker`]: cached, single-flight, lock-protected tokens shared by every server.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use async_trait::async_trait;

use super::budget;
use super::fetcher::{FetchedToken, TokenFetcher};
use super::stored::StoredToken;
use crate::cache::{Cache, CacheError, CacheKey, DistributedLock};
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
    /// A token is refreshed when it expires within this margin (default 300 s, WeChat's renewal
    /// window; capped at a tenth of the lifetime the token was fetched with, see
    /// [`StoredToken::refresh_at`]).
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
///
/// # When the shared cache is down
///
/// Each process keeps an in-process copy of every token it fetched or read from the cache. When
/// the cache (or the lock built on it) fails, one warning is logged per outage and:
/// - a fresh in-process copy is served, without fetching;
/// - with no fresh copy, in stable-token mode ([`TokenFetcher::fetch_returns_current_token`]) the
///   token is fetched without the distributed lock, once per process (single flight), and kept in
///   process: `stable_token` answers every server the same token, so this cannot start a token
///   war;
/// - in classic mode (and for JS-SDK tickets), where a fetch would replace the token the other
///   servers use, nothing is fetched: a copy that has not expired yet is served even inside its
///   margin, else [`Error::CacheUnavailable`].
///
/// When the cache is back, tokens are read from it again; a fresh in-process token the cache
/// lacks is stored there (compare-and-swap) instead of being fetched again.
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
    /// Set at the first cache failure (one warning per outage), cleared by the next success.
    cache_down: AtomicBool,
}

struct Entry<F> {
    fetcher: F,
    /// Single flight inside this process.
    flight: tokio::sync::Mutex<()>,
    /// Bumped by each single-flight leader when it has a token, which it leaves in `last`, so
    /// the tasks that waited for it take that token without another cache round trip.
    generation: AtomicU64,
    /// The in-process copy: the last token this process fetched or read from the cache.
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

    /// Keeps `token` as the in-process copy (without waking single-flight waiters), so it can
    /// be served while the shared cache is down.
    fn remember(&self, token: &StoredToken) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_ref() != Some(token) {
            *last = Some(token.clone());
        }
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
                cache_down: AtomicBool::new(false),
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

    /// Refreshes `appid`'s token if it is due within `ahead` (its
    /// [`refresh_at`](StoredToken::refresh_at) minus `ahead` has passed); used by the background
    /// refresher so that foreground calls never wait.
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

    fn is_usable(&self, t: &StoredToken, ahead: Duration, rejected: Option<&Secret>) -> bool {
        t.is_fresh_ahead(self.now(), self.inner.settings.margin, ahead)
            && Some(&t.token) != rejected
    }

    /// The in-process copy if it is fresh and not the rejected one.
    fn local_fresh(&self, entry: &Entry<F>, ahead: Duration) -> Option<StoredToken> {
        let rejected = entry.rejected();
        entry
            .last()
            .filter(|t| self.is_usable(t, ahead, rejected.as_ref()))
    }

    /// The in-process copy if it has not expired yet (even inside its margin) and is not the
    /// rejected one.
    fn local_valid(&self, entry: &Entry<F>) -> Option<StoredToken> {
        let rejected = entry.rejected();
        entry
            .last()
            .filter(|t| t.is_valid(self.now()) && Some(&t.token) != rejected.as_ref())
    }

    /// Warns once per outage (the flag is cleared by the next cache success).
    fn cache_failed(&self, appid: &str, kind: &'static str, error: &CacheError) {
        if !self.inner.cache_down.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                appid,
                kind,
                error = %error,
                "shared cache unavailable: serving tokens held in this process until it is back"
            );
        } else {
            tracing::debug!(appid, kind, error = %error, "shared cache still unavailable");
        }
    }

    fn cache_ok(&self) {
        if self.inner.cache_down.load(Ordering::Acquire)
            && self.inner.cache_down.swap(false, Ordering::AcqRel)
        {
            tracing::info!("shared cache reachable again: tokens are shared through it again");
        }
    }

    /// Reads the shared cache, noting the outage state.
    async fn cache_get(
        &self,
        appid: &str,
        kind: &'static str,
        key: &str,
    ) -> Result<Option<Vec<u8>>, CacheError> {
        match self.inner.cache.get(key).await {
            Ok(raw) => {
                self.cache_ok();
                Ok(raw)
            }
            Err(e) => {
                self.cache_failed(appid, kind, &e);
                Err(e)
            }
        }
    }

    /// The cached token if it is fresh and not the rejected one (also kept in process).
    async fn read_fresh(
        &self,
        appid: &str,
        entry: &Entry<F>,
        key: &str,
        ahead: Duration,
    ) -> Result<Option<StoredToken>, CacheError> {
        let Some(raw) = self.cache_get(appid, entry.fetcher.kind(), key).await? else {
            return Ok(None);
        };
        let rejected = entry.rejected();
        let fresh =
            StoredToken::from_bytes(&raw).filter(|t| self.is_usable(t, ahead, rejected.as_ref()));
        if let Some(t) = &fresh {
            entry.remember(t);
        }
        Ok(fresh)
    }

    async fn obtain(&self, appid: &str, ahead: Duration) -> Result<StoredToken, Error> {
        let entry = self.entry(appid)?;
        let key = self.token_key(appid, &entry);
        match self.read_fresh(appid, &entry, &key, ahead).await {
            Ok(Some(t)) => return Ok(t),
            Ok(None) => {}
            Err(_) => {
                if let Some(t) = self.local_fresh(&entry, ahead) {
                    return Ok(t);
                }
            }
        }
        let generation = entry.generation.load(Ordering::Acquire);
        let _flight = entry.flight.lock().await;
        if entry.generation.load(Ordering::Acquire) != generation
            && let Some(t) = self.local_fresh(&entry, ahead)
        {
            // The leader we waited for got a token: no cache round trip needed.
            return Ok(t);
        }
        match self.read_fresh(appid, &entry, &key, ahead).await {
            Ok(Some(t)) => return Ok(t),
            Ok(None) => {}
            Err(e) => return self.obtain_without_cache(appid, &entry, ahead, e).await,
        }
        let kind = entry.fetcher.kind();
        let lock_key = self.inner.keys.build("lock", appid, &[kind]);
        let settings = &self.inner.settings;
        self.inner.counters.incr(Counter::LockWaits);
        let guard = match self
            .inner
            .lock
            .acquire(&lock_key, settings.lock_ttl, settings.lock_wait)
            .await
        {
            Ok(guard) => guard,
            Err(e) => {
                self.cache_failed(appid, kind, &e);
                return self.obtain_without_cache(appid, &entry, ahead, e).await;
            }
        };
        let Some(guard) = guard else {
            self.inner.counters.incr(Counter::LockTimeouts);
            // Another server holds the refresh lock for too long. A token that has not expired
            // yet is still usable.
            let raw = match self.cache_get(appid, kind, &key).await {
                Ok(raw) => raw,
                Err(e) => return self.obtain_without_cache(appid, &entry, ahead, e).await,
            };
            if let Some(t) = raw.as_deref().and_then(StoredToken::from_bytes)
                && t.is_valid(self.now())
                && Some(&t.token) != entry.rejected().as_ref()
            {
                tracing::debug!(
                    appid,
                    kind,
                    "refresh lock busy; using the cached token inside its margin"
                );
                entry.remember(&t);
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
        let result = match self.refresh_locked(appid, &entry, &key, ahead).await {
            Err(Error::Cache(e)) => self.obtain_without_cache(appid, &entry, ahead, e).await,
            other => other,
        };
        if let Ok(t) = &result {
            entry.publish(t);
        }
        if let Err(e) = guard.release().await {
            tracing::debug!(appid, kind, error = %e, "releasing the refresh lock failed; it expires by its TTL");
        }
        result
    }

    /// The shared cache (or the lock built on it) failed and the cache holds no token we could
    /// read. Called inside the single flight, so at most one task per process gets here at once.
    ///
    /// 1. A fresh in-process copy is served.
    /// 2. If a fetch returns the current token (stable-token mode), fetching without the
    ///    distributed lock cannot start a token war: the token is fetched, kept in process and
    ///    stored when possible. Should that fetch fail, a copy that has not expired yet is served.
    /// 3. Otherwise (classic mode, tickets) a fetch would invalidate the token the other servers
    ///    use, so nothing is fetched: a copy that has not expired yet is served (even inside its
    ///    margin), else [`Error::CacheUnavailable`].
    async fn obtain_without_cache(
        &self,
        appid: &str,
        entry: &Entry<F>,
        ahead: Duration,
        error: CacheError,
    ) -> Result<StoredToken, Error> {
        let kind = entry.fetcher.kind();
        if let Some(t) = self.local_fresh(entry, ahead) {
            return Ok(t);
        }
        if entry.fetcher.fetch_returns_current_token() {
            let rejected = entry.rejected();
            match self.fetch(appid, entry, rejected.as_ref()).await {
                Ok(fetched) => {
                    entry.set_rejected(None);
                    let new = StoredToken::new(fetched.token, self.now(), fetched.expires_in);
                    tracing::debug!(
                        appid,
                        kind,
                        "fetched a stable token without the distributed lock (shared cache unavailable)"
                    );
                    entry.publish(&new);
                    return Ok(new);
                }
                Err(e) => {
                    if let Some(t) = self.local_valid(entry) {
                        tracing::warn!(appid, kind, error = %e, "token fetch failed while the shared cache is unavailable; serving the in-process token inside its margin");
                        return Ok(t);
                    }
                    return Err(e);
                }
            }
        }
        if let Some(t) = self.local_valid(entry) {
            tracing::debug!(
                appid,
                kind,
                "shared cache unavailable; serving the in-process token inside its margin rather than fetching without the lock"
            );
            return Ok(t);
        }
        Err(Error::CacheUnavailable {
            appid: appid.to_owned(),
            kind,
            source: error,
        })
    }

    async fn refresh_locked(
        &self,
        appid: &str,
        entry: &Entry<F>,
        key: &str,
        ahead: Duration,
    ) -> Result<StoredToken, Error> {
        let rejected = entry.rejected();
        let current = self.cache_get(appid, entry.fetcher.kind(), key).await?;
        if let Some(t) = current.as_deref().and_then(StoredToken::from_bytes)
            && self.is_usable(&t, ahead, rejected.as_ref())
        {
            // Another server refreshed while we waited for the lock.
            return Ok(t);
        }
        if let Some(local) = self.local_fresh(entry, ahead) {
            // This process holds a fresh token the cache lacks (typically fetched while the
            // cache was down, or the cache lost its data): share it instead of fetching again.
            tracing::debug!(
                appid,
                kind = entry.fetcher.kind(),
                "storing the in-process token in the shared cache"
            );
            return Ok(self
                .store(appid, entry.fetcher.kind(), key, current, local)
                .await);
        }
        let fetched = self.fetch(appid, entry, rejected.as_ref()).await?;
        entry.set_rejected(None);
        let new = StoredToken::new(fetched.token, self.now(), fetched.expires_in);
        Ok(self
            .store(appid, entry.fetcher.kind(), key, current, new)
            .await)
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

    /// Stores `new` unless a newer token is already there; returns the token that won. If the
    /// cache fails, `new` is returned unstored (the caller keeps it in process).
    async fn store(
        &self,
        appid: &str,
        kind: &'static str,
        key: &str,
        mut expected: Option<Vec<u8>>,
        new: StoredToken,
    ) -> StoredToken {
        let bytes = new.to_bytes();
        let ttl = new.remaining(self.now()).max(Duration::from_secs(1));
        for _ in 0..8 {
            match self
                .inner
                .cache
                .compare_and_swap(key, expected.as_deref(), &bytes, Some(ttl))
                .await
            {
                Ok(true) => return new,
                Ok(false) => {}
                Err(e) => {
                    self.cache_failed(appid, kind, &e);
                    return new;
                }
            }
            let now_raw = match self.cache_get(appid, kind, key).await {
                Ok(raw) => raw,
                Err(_) => return new,
            };
            if let Some(other) = now_raw.as_deref().and_then(StoredToken::from_bytes)
                && (other.is_newer_than(&new) || other.token == new.token)
            {
                tracing::debug!(
                    appid,
                    "a newer token was stored by another server meanwhile; keeping it"
                );
                return other;
            }
            expected = now_raw;
        }
        tracing::warn!(
            appid,
            "could not store the fetched token (cache contention); using it without storing"
        );
        new
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
