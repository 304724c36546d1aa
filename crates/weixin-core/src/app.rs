//! The registry: [`Weixin`] (built by [`WeixinBuilder`]) holds the registered apps, the shared
//! cache and lock, the token containers and the HTTP client; [`AppClient`] is one app's handle.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::cache::{Cache, CacheKey, DistributedLock};
use crate::client::{ApiClient, ApiRegion, Bases, ClientOptions, RetryPolicy, build_http};
use crate::clock::Clock;
use crate::error::Error;
use crate::observe::{ApiFailure, Counters, Observer, Stats};
use crate::secret::Secret;
use crate::token::{
    AccessTokenContainer, AccessTokenFetcher, JsApiTicketContainer, JsApiTicketFetcher,
    RefresherHandle, TokenMode, TokenSettings,
};
use weixin_crypto::api_signing::ApiSigning;

/// One app's registration: everything the admin console gives you for one Official Account or
/// mini program, given once.
///
/// - the appid and AppSecret (API calls, access tokens);
/// - the message-push settings of 「消息推送配置」 (`Token`, `EncodingAESKey`, and the previous
///   key while rotating), needed only to receive pushes;
/// - an optional name to find the app by and to show in logs.
///
/// `Debug` masks the secret, the push token and the keys.
///
/// ```
/// use weixin_core::AppConfig;
/// let app = AppConfig::new("wx2c2769f8efd9abc2", "app-secret")
///     .push_token("spamtest")
///     .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
/// let shown = format!("{app:?}");
/// assert!(!shown.contains("spamtest") && !shown.contains("app-secret"));
/// ```
#[derive(Debug, Clone)]
pub struct AppConfig {
    appid: String,
    secret: Secret,
    name: Option<String>,
    push_token: Option<Secret>,
    encoding_aes_key: Option<Secret>,
    previous_encoding_aes_key: Option<Secret>,
    api_signing: Option<Arc<ApiSigning>>,
}

impl AppConfig {
    /// An app with its appid and AppSecret.
    pub fn new(appid: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            appid: appid.into(),
            secret: secret.into(),
            name: None,
            push_token: None,
            encoding_aes_key: None,
            previous_encoding_aes_key: None,
            api_signing: None,
        }
    }

    /// A name to find the app by ([`Weixin::app_by_name`]) and to show in logs.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The message-push `Token` (「消息推送配置」): push signatures are checked with it.
    #[must_use]
    pub fn push_token(mut self, token: impl Into<Secret>) -> Self {
        self.push_token = Some(token.into());
        self
    }

    /// The 43-character `EncodingAESKey` (compatible and safe modes). Without one, only plain
    /// pushes can be received; with one, plain pushes are refused unless the push pipeline is
    /// told otherwise.
    #[must_use]
    pub fn encoding_aes_key(mut self, key: impl Into<Secret>) -> Self {
        self.encoding_aes_key = Some(key.into());
        self
    }

    /// Like [`encoding_aes_key`](Self::encoding_aes_key) with an optional value, for
    /// configuration read from the environment (`None`: plain mode).
    #[must_use]
    pub fn maybe_encoding_aes_key(mut self, key: Option<impl Into<Secret>>) -> Self {
        self.encoding_aes_key = key.map(Into::into);
        self
    }

    /// The previous `EncodingAESKey`, kept while rotating: a push the current key cannot
    /// decrypt is tried with this one, and its reply is encrypted with the key that worked.
    #[must_use]
    pub fn previous_encoding_aes_key(mut self, key: impl Into<Secret>) -> Self {
        self.previous_encoding_aes_key = Some(key.into());
        self
    }

    /// Server-API signing (「API安全」): the app's calls that support it go out encrypted and
    /// signed, and their answers must verify. See [`weixin_crypto::api_signing`].
    #[must_use]
    pub fn api_signing(mut self, signing: impl Into<Arc<ApiSigning>>) -> Self {
        self.api_signing = Some(signing.into());
        self
    }

    /// Like [`api_signing`](Self::api_signing) with an optional value, for configuration read
    /// from the environment (`None`: calls go out plain).
    #[must_use]
    pub fn maybe_api_signing(mut self, signing: Option<Arc<ApiSigning>>) -> Self {
        self.api_signing = signing;
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

    /// The message-push `Token`, when configured.
    pub fn push_token_value(&self) -> Option<&Secret> {
        self.push_token.as_ref()
    }

    /// The current `EncodingAESKey`, when configured.
    pub fn encoding_aes_key_value(&self) -> Option<&Secret> {
        self.encoding_aes_key.as_ref()
    }

    /// The previous `EncodingAESKey`, when configured.
    pub fn previous_encoding_aes_key_value(&self) -> Option<&Secret> {
        self.previous_encoding_aes_key.as_ref()
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
        if self.push_token.as_ref().is_some_and(Secret::is_empty) {
            return Err(Error::Config(format!(
                "app {} has an empty push Token: copy it from the admin console's message-push configuration",
                self.appid
            )));
        }
        if let Some(signing) = &self.api_signing
            && signing.appid() != self.appid
        {
            return Err(Error::Config(format!(
                "app {} has signing settings for appid {}",
                self.appid,
                signing.appid()
            )));
        }
        if self.push_token.is_none() && self.encoding_aes_key.is_some() {
            return Err(Error::Config(format!(
                "app {} has an EncodingAESKey but no push Token: both come from the message-push configuration",
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

    /// The distributed lock. Default: the cache's own lock
    /// ([`Cache::native_lock`]) when it has one, else a
    /// [`CacheLock`](crate::cache::CacheLock) over the cache. Set it only to use a lock service
    /// other than the cache on purpose.
    pub fn lock(mut self, lock: Arc<dyn DistributedLock>) -> Self {
        self.lock = Some(lock);
        self
    }

    /// The API base URL, or several separated by commas, primary first (default
    /// [`DEFAULT_API_BASE`](crate::client::DEFAULT_API_BASE)); calls fail over along the list
    /// (see [`ClientOptions::api_base`]).
    pub fn api_base(mut self, url: impl Into<String>) -> Self {
        self.client.api_base = url.into();
        self
    }

    /// WeChat's regional API domain first, then the main and the disaster-recovery domains
    /// (replaces [`api_base`](Self::api_base)).
    pub fn api_region(mut self, region: ApiRegion) -> Self {
        self.client.api_base = region.api_base().to_owned();
        self
    }

    /// How long a base that failed is skipped before it is tried again (default 30 s).
    pub fn failover_rest(mut self, rest: Duration) -> Self {
        self.client.failover_rest = rest;
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

    /// The wall clock of every app (default: system time): token expiry, push timestamps and
    /// the replay window, message contexts, sessions. Tests use a
    /// [`ManualClock`](crate::clock::ManualClock).
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
        let bases = Arc::new(Bases::parse(
            &self.client.api_base,
            self.client.failover_rest,
        )?);
        let http = build_http(&self.client)?;
        let cache = match self.cache {
            Some(cache) => cache,
            None => default_cache(),
        };
        let lock = match self.lock {
            Some(lock) => lock,
            None => cache
                .native_lock()
                .unwrap_or_else(|| default_lock(cache.clone())),
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
                shared: Shared {
                    keys: CacheKey::new(self.tokens.key_prefix.clone()),
                    cache,
                    lock,
                    clock: self.tokens.clock.clone(),
                },
                http,
                bases,
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

/// What every app of a registry shares: the cache, its lock, the key prefix and the clock.
#[derive(Clone)]
struct Shared {
    cache: Arc<dyn Cache>,
    lock: Arc<dyn DistributedLock>,
    keys: CacheKey,
    clock: Arc<dyn Clock>,
}

struct Inner {
    shared: Shared,
    http: reqwest::Client,
    bases: Arc<Bases>,
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
            inner.bases.clone(),
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
        let mut api = base_client.with_token_source(inner.access_tokens.source(&config.appid));
        if let Some(signing) = &config.api_signing {
            api = api.with_signing(signing.clone())?;
        }
        inner
            .jsapi_tickets
            .register(&config.appid, JsApiTicketFetcher::new(&api));
        let app = AppClient {
            inner: Arc::new(AppInner {
                config,
                api,
                shared: inner.shared.clone(),
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
        &self.inner.shared.cache
    }

    /// The distributed lock.
    pub fn lock(&self) -> &Arc<dyn DistributedLock> {
        &self.inner.shared.lock
    }

    /// The cache key builder (with the configured prefix).
    pub fn keys(&self) -> &CacheKey {
        &self.inner.shared.keys
    }

    /// The wall clock of the registry (token expiry, contexts, sessions, push timestamps).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.shared.clock
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
            .field("api_bases", &self.inner.bases.urls().collect::<Vec<_>>())
            .field("cache", &self.inner.shared.cache.backend_name())
            .field("key_prefix", &self.inner.shared.keys.prefix())
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

/// One registered app: its configuration, API client and tokens, and the registry's shared
/// cache, lock, key prefix and clock. Every other part of the SDK (the push pipeline, login
/// sessions, API handles) is built from this handle, so it inherits all of them: nothing can be
/// wired to another cache by accident. Cloning is cheap.
#[derive(Clone)]
pub struct AppClient {
    inner: Arc<AppInner>,
}

struct AppInner {
    config: AppConfig,
    api: ApiClient,
    shared: Shared,
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

    /// The whole registration (push token and keys included).
    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// The shared cache of the registry.
    pub fn cache(&self) -> &Arc<dyn Cache> {
        &self.inner.shared.cache
    }

    /// The registry's distributed lock.
    pub fn lock(&self) -> &Arc<dyn DistributedLock> {
        &self.inner.shared.lock
    }

    /// The cache key builder of the registry (with its prefix).
    pub fn keys(&self) -> &CacheKey {
        &self.inner.shared.keys
    }

    /// The registry's wall clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.shared.clock
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
