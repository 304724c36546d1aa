//! The registry: [`Weixin`] (built by [`WeixinBuilder`]) holds the registered apps, the shared
//! cache and lock, the token containers and the HTTP client; [`AppClient`] is one app's handle.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::cache::{Cache, CacheKey, DistributedLock};
use crate::client::{ApiClient, ClientOptions, RetryPolicy, build_http, parse_base};
use crate::clock::Clock;
use crate::error::Error;
use crate::observe::{ApiFailure, Counters, Observer, Stats};
use crate::secret::Secret;
use crate::token::{
    AccessTokenContainer, AccessTokenFetcher, JsApiTicketContainer, JsApiTicketFetcher,
    RefresherHandle, TokenMode, TokenSettings,
};

/// One app's registration: appid, secret and an optional display name.
///
/// `Debug` masks the secret.
#[derive(Debug, Clone)]
pub struct AppConfig {
    appid: String,
    secret: Secret,
    name: Option<String>,
}

impl AppConfig {
    /// An app with its appid and AppSecret.
    pub fn new(appid: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            appid: appid.into(),
            secret: secret.into(),
            name: None,
        }
    }

    /// A name to find the app by ([`Weixin::app_by_name`]) and to show in logs.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The AppSecret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    fn validate(&self) -> Result<(), Error> {
        if self.appid.trim().is_empty() {
            return Err(Error::Config("an app has an empty appid".to_owned()));
        }
        if self.secret.is_empty() {
            return Err(Error::Config(format!(
                "app {} has an empty secret",
                self.appid
            )));
        }
        Ok(())
    }
}

/// Builds a [`Weixin`] registry. Every setting has a default; see [`Weixin`] for an example.
pub struct WeixinBuilder {
    cache: Option<Arc<dyn Cache>>,
    lock: Option<Arc<dyn DistributedLock>>,
    client: ClientOptions,
    token_mode: TokenMode,
    tokens: TokenSettings,
    hook: Option<crate::observe::ErrorHook>,
    apps: Vec<AppConfig>,
}

impl WeixinBuilder {
    /// The shared cache (default: a new in-process `MemoryCache`). Use the same cache on every
    /// server (e.g. Redis) so they share tokens.
    pub fn cache(mut self, cache: Arc<dyn Cache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The distributed lock (default: a `CacheLock` over the cache).
    pub fn lock(mut self, lock: Arc<dyn DistributedLock>) -> Self {
        self.lock = Some(lock);
        self
    }

    /// The API base URL (default `https://api.weixin.qq.com`).
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.client.api_base = url.into();
        self
    }

    /// Connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.client.connect_timeout = timeout;
        self
    }

    /// Total timeout of one API attempt (default 15 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.client.timeout = timeout;
        self
    }

    /// Retry policy for idempotent calls (default 3 attempts, 100 ms base backoff).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.client.retry = retry;
        self
    }

    /// Cache key prefix (default `weixin`): keys are `{prefix}:{kind}:{appid}:...`.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.tokens.key_prefix = prefix.into();
        self
    }

    /// How access tokens are fetched (default [`TokenMode::Stable`]).
    pub fn token_mode(mut self, mode: TokenMode) -> Self {
        self.token_mode = mode;
        self
    }

    /// Refresh tokens that expire within this margin (default 300 s).
    pub fn token_margin(mut self, margin: Duration) -> Self {
        self.tokens.margin = margin;
        self
    }

    /// TTL of the token refresh lock (default 10 s).
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.tokens.lock_ttl = ttl;
        self
    }

    /// How long to wait for another server's refresh (default 5 s).
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.tokens.lock_wait = wait;
        self
    }

    /// The wall clock used for token expiry (default: system time).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.tokens.clock = clock;
        self
    }

    /// Called on every failed API attempt (all builds), e.g. to count errors per code.
    pub fn on_api_error(mut self, hook: impl Fn(&ApiFailure) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Registers an app.
    pub fn app(mut self, app: AppConfig) -> Self {
        self.apps.push(app);
        self
    }

    /// Builds the registry. Errors: [`Error::Config`] for an invalid base URL, an empty appid or
    /// secret, or an appid registered twice.
    pub fn build(self) -> Result<Weixin, Error> {
        let base = parse_base(&self.client.api_base)?;
        let http = build_http(&self.client)?;
        let cache = match self.cache {
            Some(cache) => cache,
            None => default_cache(),
        };
        let lock = match self.lock {
            Some(lock) => lock,
            None => default_lock(cache.clone()),
        };
        let counters = Arc::new(Counters::default());
        let observer = Observer {
            counters: counters.clone(),
            hook: self.hook,
        };
        let access_tokens = AccessTokenContainer::with_counters(
            cache.clone(),
            lock.clone(),
            self.tokens.clone(),
            counters.clone(),
        );
        let jsapi_tickets = JsApiTicketContainer::with_counters(
            cache.clone(),
            lock.clone(),
            self.tokens.clone(),
            counters.clone(),
        );
        let weixin = Weixin {
            inner: Arc::new(Inner {
                keys: CacheKey::new(self.tokens.key_prefix.clone()),
                cache,
                lock,
                http,
                base,
                retry: self.client.retry,
                token_mode: self.token_mode,
                observer,
                access_tokens,
                jsapi_tickets,
                apps: RwLock::new(HashMap::new()),
            }),
        };
        let mut seen = std::collections::HashSet::new();
        for app in self.apps {
            if !seen.insert(app.appid.clone()) {
                return Err(Error::Config(format!(
                    "app {} is registered twice",
                    app.appid
                )));
            }
            weixin.register(app)?;
        }
        Ok(weixin)
    }
}

fn default_cache() -> Arc<dyn Cache> {
    Arc::new(crate::cache::MemoryCache::new())
}

fn default_lock(cache: Arc<dyn Cache>) -> Arc<dyn DistributedLock> {
    Arc::new(crate::cache::CacheLock::new(cache))
}

/// The registry of apps: an explicit value (no globals, no thread-locals) holding the shared
/// cache and lock, the token containers, the HTTP connection pool and the registered apps.
///
/// ```no_run
/// use weixin_core::{AppConfig, Weixin};
///
/// # async fn demo() -> weixin_core::Result<()> {
/// let weixin = Weixin::builder()
///     .app(AppConfig::new("wx1234567890abcdef", "app-secret").name("shop"))
///     .build()?;
/// let app = weixin.app("wx1234567890abcdef")?;
/// let token = app.access_token().await?; // from the shared cache, fetched at most once
/// let user: serde_json::Value = app
///     .api()
///     .get("/cgi-bin/user/info", &[("openid", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")])
///     .await?;
/// # let _ = (token, user); Ok(()) }
/// ```
///
/// Cloning is cheap (an `Arc`).
#[derive(Clone)]
pub struct Weixin {
    inner: Arc<Inner>,
}

struct Inner {
    cache: Arc<dyn Cache>,
    lock: Arc<dyn DistributedLock>,
    keys: CacheKey,
    http: reqwest::Client,
    base: url::Url,
    retry: RetryPolicy,
    token_mode: TokenMode,
    observer: Observer,
    access_tokens: AccessTokenContainer,
    jsapi_tickets: JsApiTicketContainer,
    apps: RwLock<HashMap<String, AppClient>>,
}

impl Weixin {
    /// A builder with default settings.
    pub fn builder() -> WeixinBuilder {
        WeixinBuilder {
            cache: None,
            lock: None,
            client: ClientOptions::default(),
            token_mode: TokenMode::default(),
            tokens: TokenSettings::default(),
            hook: None,
            apps: Vec::new(),
        }
    }

    /// Registers (or replaces, e.g. after a secret rotation) an app and returns its handle.
    /// A token still valid in the shared cache is kept: registering never fetches.
    pub fn register(&self, config: AppConfig) -> Result<AppClient, Error> {
        config.validate()?;
        let inner = &self.inner;
        let base_client = ApiClient::from_parts(
            config.appid.clone(),
            inner.http.clone(),
            &inner.base,
            inner.retry,
            inner.observer.clone(),
        );
        inner.access_tokens.register(
            &config.appid,
            AccessTokenFetcher::new(
                config.appid.clone(),
                config.secret.clone(),
                inner.token_mode,
                &base_client,
            ),
        );
        let api = base_client.with_token_source(inner.access_tokens.source(&config.appid));
        inner
            .jsapi_tickets
            .register(&config.appid, JsApiTicketFetcher::new(&api));
        let app = AppClient {
            inner: Arc::new(AppInner {
                config,
                api,
                access_tokens: inner.access_tokens.clone(),
                jsapi_tickets: inner.jsapi_tickets.clone(),
            }),
        };
        inner
            .apps
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(app.appid().to_owned(), app.clone());
        Ok(app)
    }

    /// The handle of a registered app. Errors: [`Error::Config`] for an unknown appid.
    pub fn app(&self, appid: &str) -> Result<AppClient, Error> {
        self.inner
            .apps
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(appid)
            .cloned()
            .ok_or_else(|| Error::Config(format!("unknown appid {appid}: register it first")))
    }

    /// The handle of the app registered with [`AppConfig::name`] `name`.
    pub fn app_by_name(&self, name: &str) -> Result<AppClient, Error> {
        self.inner
            .apps
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .find(|a| a.name() == Some(name))
            .cloned()
            .ok_or_else(|| Error::Config(format!("no app named {name}")))
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

    /// The access-token container shared by all apps.
    pub fn access_tokens(&self) -> &AccessTokenContainer {
        &self.inner.access_tokens
    }

    /// The JS-SDK ticket container shared by all apps.
    pub fn jsapi_tickets(&self) -> &JsApiTicketContainer {
        &self.inner.jsapi_tickets
    }

    /// The shared cache (for other parts of the SDK: contexts, dedup, sessions).
    pub fn cache(&self) -> &Arc<dyn Cache> {
        &self.inner.cache
    }

    /// The distributed lock.
    pub fn lock(&self) -> &Arc<dyn DistributedLock> {
        &self.inner.lock
    }

    /// The cache key builder (with the configured prefix).
    pub fn keys(&self) -> &CacheKey {
        &self.inner.keys
    }

    /// Counters: token fetches, lock waits, retries, force refreshes, invalidations, API calls.
    pub fn stats(&self) -> Stats {
        self.inner.observer.counters.snapshot()
    }

    /// Starts the background refresher of every app's access token (see
    /// [`TokenBroker::spawn_refresher`](crate::token::TokenBroker::spawn_refresher)); it stops
    /// when the handle is dropped. Errors: [`Error::Config`] outside a tokio runtime.
    pub fn spawn_refresher(&self, interval: Duration) -> Result<RefresherHandle, Error> {
        self.inner.access_tokens.spawn_refresher(interval)
    }
}

impl fmt::Debug for Weixin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Weixin")
            .field("api_base", &self.inner.base.as_str())
            .field("cache", &self.inner.cache.backend_name())
            .field("key_prefix", &self.inner.keys.prefix())
            .field("token_mode", &self.inner.token_mode)
            .field(
                "apps",
                &self
                    .inner
                    .apps
                    .read()
                    .map(|a| a.values().cloned().collect::<Vec<_>>())
                    .unwrap_or_default(),
            )
            .finish_non_exhaustive()
    }
}

/// One registered app: its API client and tokens. Cloning is cheap.
#[derive(Clone)]
pub struct AppClient {
    inner: Arc<AppInner>,
}

struct AppInner {
    config: AppConfig,
    api: ApiClient,
    access_tokens: AccessTokenContainer,
    jsapi_tickets: JsApiTicketContainer,
}

impl AppClient {
    /// The appid.
    pub fn appid(&self) -> &str {
        &self.inner.config.appid
    }

    /// The name given at registration.
    pub fn name(&self) -> Option<&str> {
        self.inner.config.name.as_deref()
    }

    /// The AppSecret (e.g. for `sns/jscode2session`).
    pub fn secret(&self) -> &Secret {
        &self.inner.config.secret
    }

    /// The API client of this app (access token added automatically).
    pub fn api(&self) -> &ApiClient {
        &self.inner.api
    }

    /// A valid access token (shared cache, single flight, distributed lock).
    pub async fn access_token(&self) -> Result<Secret, Error> {
        self.inner.access_tokens.get(self.appid()).await
    }

    /// A valid JS-SDK ticket (same mechanism as access tokens).
    pub async fn jsapi_ticket(&self) -> Result<Secret, Error> {
        self.inner.jsapi_tickets.get(self.appid()).await
    }

    /// Tells the container WeChat rejected `token` (when you call WeChat yourself).
    pub async fn invalidate_access_token(&self, token: &Secret) -> Result<bool, Error> {
        self.inner
            .access_tokens
            .invalidate(self.appid(), token)
            .await
    }
}

impl fmt::Debug for AppClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppClient")
            .field("appid", &self.inner.config.appid)
            .field("name", &self.inner.config.name)
            .field("secret", &self.inner.config.secret)
            .finish_non_exhaustive()
    }
}
