//! [`SimConfig`]: the apps the simulator knows, token lifetimes, quotas, faults, seed.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use weixin_crypto::api_signing::{PlatformSigning, PublicKey, SigningKey, SymmetricKey};

/// One simulated mini program or official account.
///
/// `Debug` never shows the secret.
#[derive(Clone)]
pub struct SimApp {
    /// The appid (`wx…`).
    pub appid: String,
    /// The AppSecret that `cgi-bin/token`, `stable_token` and `jscode2session` accept.
    pub secret: String,
    /// The original ID (`gh_…`), used as `ToUserName` of pushes.
    pub original_id: String,
    /// Server-API signing: when set, the signable endpoints require signed, encrypted
    /// requests and answer signed, encrypted.
    signing: Option<Arc<PlatformSigning>>,
}

impl SimApp {
    /// An app with its appid and secret; the original ID is derived from the appid.
    pub fn new(appid: impl Into<String>, secret: impl Into<String>) -> Self {
        let appid = appid.into();
        let original_id = format!("gh_{}", appid.trim_start_matches("wx"));
        Self {
            appid,
            secret: secret.into(),
            original_id,
            signing: None,
        }
    }

    /// Turns server-API signing on for this app (API安全 in the admin console): `symmetric`
    /// is the app's symmetric key, `developer` the public key(s) the developer uploaded,
    /// `platform` the key behind the platform certificate the developer downloads.
    ///
    /// Signed timestamps are checked against the wall clock, not the simulator's advanced
    /// clock: [`SimHandle::advance`](crate::SimHandle::advance) models time passing for WeChat
    /// and the app alike, while the 5-minute check is about their clocks disagreeing.
    #[must_use]
    pub fn api_signing(
        mut self,
        symmetric: SymmetricKey,
        developer: impl IntoIterator<Item = PublicKey>,
        platform: SigningKey,
    ) -> Self {
        let signing = PlatformSigning::new(&self.appid, symmetric, developer, platform);
        self.signing = Some(Arc::new(signing));
        self
    }

    /// Turns server-API signing on with the demo keys of [`crate::signing::demo`].
    #[must_use]
    pub fn demo_signing(self) -> Self {
        let (symmetric, developer, platform) = crate::signing::demo::platform_parts();
        self.api_signing(symmetric, [developer], platform)
    }

    /// Whether server-API signing is on.
    pub fn is_signing(&self) -> bool {
        self.signing.is_some()
    }

    pub(crate) fn signing(&self) -> Option<Arc<PlatformSigning>> {
        self.signing.clone()
    }

    /// Sets the original ID (`gh_…`).
    #[must_use]
    pub fn original_id(mut self, original_id: impl Into<String>) -> Self {
        self.original_id = original_id.into();
        self
    }
}

impl fmt::Debug for SimApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimApp")
            .field("appid", &self.appid)
            .field("secret", &"<redacted>")
            .field("original_id", &self.original_id)
            .field("signing", &self.signing.is_some())
            .finish()
    }
}

/// Fault injection: each share is a probability in `0.0..=1.0`, drawn per API request from the
/// seeded generator (never applied to `/sim/*`). A request suffers at most one of drop, 5xx and
/// busy (so `drop + http_5xx + busy` should not exceed 1); latency comes on top.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Share of requests answered `{"errcode":-1,"errmsg":"system error"}`.
    pub busy: f64,
    /// Share of requests answered HTTP 503.
    pub http_5xx: f64,
    /// Share of requests whose connection is closed without any response.
    pub drop: f64,
    /// Share of requests delayed by [`Faults::latency`].
    pub latency_share: f64,
    /// The added delay.
    pub latency: Duration,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether any fault can happen.
    pub fn is_active(&self) -> bool {
        self.busy > 0.0 || self.http_5xx > 0.0 || self.drop > 0.0 || self.latency_share > 0.0
    }
}

/// The simulator's settings. Every field has a default ([`SimConfig::default`]): one app
/// `wx00000000000000a1` / secret `sim-secret`, WeChat's token lifetimes and quotas, no faults.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The apps; requests for any other appid get 40013.
    pub apps: Vec<SimApp>,
    /// Lifetime of access tokens (`expires_in`), default 7200 s.
    pub token_ttl: Duration,
    /// How long a replaced token keeps working, default 5 minutes.
    pub token_overlap: Duration,
    /// `stable_token` with `force_refresh: true`: refreshes per app and day (default 20).
    pub stable_force_refresh_per_day: u32,
    /// `stable_token` with `force_refresh: true` within this interval of the previous forced
    /// refresh returns the current token unchanged (default 30 s).
    pub stable_force_refresh_interval: Duration,
    /// Daily call limits per endpoint path (e.g. `"/cgi-bin/token"`) and app; 45009 when exceeded.
    /// Endpoints not listed are unlimited. Default: `/cgi-bin/token` 2000,
    /// `/cgi-bin/stable_token` 500000.
    pub daily_quotas: HashMap<String, u64>,
    /// Customer-service messages allowed per user message within the 48-hour window (default 5).
    pub custom_messages_per_user_message: u32,
    /// Whether `jscode2session` returns a `unionid` (the app is bound to an open platform
    /// account). Default true.
    pub unionid: bool,
    /// When true, every `jscode2session` gives the user a new `session_key` (default false:
    /// stable per user, like WeChat while the session is alive).
    pub rotate_session_keys: bool,
    /// Words that make `wxa/msg_sec_check` flag content as risky (default `["badword"]`).
    pub bad_words: Vec<String>,
    /// Fault injection.
    pub faults: Faults,
    /// Seed of the generator behind faults and generated ids.
    pub seed: u64,
    /// Address to listen on for [`crate::Simulator::start`]; default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Host names (or `host:port`) besides loopback ones that may reach `/sim/*`, e.g. the
    /// container name when the simulator runs in Docker. Default none: a web page that
    /// rebinds its DNS name to 127.0.0.1 cannot read or reset the simulator.
    pub allowed_hosts: Vec<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        let daily_quotas = HashMap::from([
            ("/cgi-bin/token".to_owned(), 2000),
            ("/cgi-bin/stable_token".to_owned(), 500_000),
        ]);
        Self {
            apps: vec![SimApp::new(DEFAULT_APPID, DEFAULT_SECRET)],
            token_ttl: Duration::from_secs(7200),
            token_overlap: Duration::from_secs(300),
            stable_force_refresh_per_day: 20,
            stable_force_refresh_interval: Duration::from_secs(30),
            daily_quotas,
            custom_messages_per_user_message: 5,
            unionid: true,
            rotate_session_keys: false,
            bad_words: vec!["badword".to_owned()],
            faults: Faults::none(),
            seed: 0x5EED,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            allowed_hosts: Vec::new(),
        }
    }
}

/// The appid of the default app.
pub const DEFAULT_APPID: &str = "wx00000000000000a1";
/// The secret of the default app.
pub const DEFAULT_SECRET: &str = "sim-secret";

impl SimConfig {
    /// The default configuration (see [`SimConfig`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the apps with this single one.
    #[must_use]
    pub fn app(mut self, app: SimApp) -> Self {
        self.apps = vec![app];
        self
    }

    /// Adds an app.
    #[must_use]
    pub fn add_app(mut self, app: SimApp) -> Self {
        self.apps.push(app);
        self
    }

    /// Sets the access-token lifetime.
    #[must_use]
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Sets the daily limit of one endpoint path (e.g. `"/cgi-bin/message/custom/send"`).
    #[must_use]
    pub fn daily_quota(mut self, path: impl Into<String>, limit: u64) -> Self {
        self.daily_quotas.insert(path.into(), limit);
        self
    }

    /// Sets the faults.
    #[must_use]
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the listen address.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Lets `host` (a name, or `host:port`) reach `/sim/*` besides the loopback names.
    #[must_use]
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }

    /// Sets the words `msg_sec_check` flags.
    #[must_use]
    pub fn bad_words<I, S>(mut self, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.bad_words = words.into_iter().map(Into::into).collect();
        self
    }
}
