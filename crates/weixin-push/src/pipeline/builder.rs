//! [`PipelineBuilder`]: configuration of a [`Pipeline`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use weixin_context::{
    ContextStore, DEFAULT_DEDUP_LEASE, DEFAULT_DEDUP_TTL, DEFAULT_EXPIRY, Deduplicator,
};
use weixin_core::AppClient;
use weixin_core::cache::Cache;
use weixin_core::clock::Clock;
use weixin_crypto::{EncodingAesKey, MsgCrypt};

use super::open::Verifier;
use super::{Inner, Pipeline};
use crate::handler::PushHandler;
use crate::message::PushMessage;

/// The default body size limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// The default handler deadline: 4.5 s (WeChat waits 5 s).
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(4500);
/// The default number of requests (and of responses) kept per user.
pub const DEFAULT_MAX_RECORDS: usize = weixin_context::DEFAULT_MAX_RECORDS;

/// Decides per message whether it is deduplicated (Senparc's `OmitRepeatedMessageFunc`):
/// `true` = deduplicate.
pub type DedupFilter<M> = Arc<dyn Fn(&M) -> bool + Send + Sync>;

/// Why a pipeline could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The app was registered without a push `Token` ([`AppConfig::push_token`](weixin_core::AppConfig::push_token)).
    #[error(
        "app {appid} has no push Token: register it with AppConfig::push_token (the admin console's message-push configuration)"
    )]
    NoPushToken {
        /// The app.
        appid: String,
    },
    /// An `EncodingAESKey` is not a valid 43-character key.
    #[error("invalid {which} EncodingAESKey: {source}")]
    InvalidKey {
        /// `current` or `previous`.
        which: &'static str,
        /// What is wrong with it.
        source: weixin_crypto::CryptoError,
    },
    /// Plain pushes are refused and there is no key to decrypt the others: nothing could
    /// ever be accepted.
    #[error("plain pushes are refused but no EncodingAESKey is configured")]
    NothingAccepted,
}

/// Builds a [`Pipeline`]; start with [`Pipeline::builder`].
///
/// The appid, push token and keys, the cache (for dedup and contexts), the key prefix and the
/// clock all come from the app's handle ([`AppClient`]): they are given once, to the registry.
///
/// | setting | default |
/// |---|---|
/// | cache | the app's (the registry's) cache; [`separate_cache`](Self::separate_cache) to use another on purpose |
/// | [`allow_plain`](Self::allow_plain) | `true` only when no `EncodingAESKey` is configured |
/// | [`dedup`](Self::dedup) / [`dedup_filter`](Self::dedup_filter) | on, every message |
/// | [`dedup_ttl`](Self::dedup_ttl) | 60 s (at least 30 s) |
/// | [`dedup_lease`](Self::dedup_lease) | 6 s (1 s up to the dedup TTL) |
/// | [`context`](Self::context) | on |
/// | [`max_records`](Self::max_records) | 20 |
/// | [`context_expiry`](Self::context_expiry) | 30 min, sliding |
/// | [`body_limit`](Self::body_limit) | 1 MiB |
/// | [`replay_window`](Self::replay_window) | off |
/// | [`deadline`](Self::deadline) | 4.5 s |
pub struct PipelineBuilder<M, H> {
    app: AppClient,
    handler: Arc<H>,
    cache: Arc<dyn Cache>,
    allow_plain: Option<bool>,
    dedup: bool,
    dedup_filter: Option<DedupFilter<M>>,
    dedup_ttl: Duration,
    dedup_lease: Duration,
    context: bool,
    max_records: usize,
    context_expiry: Duration,
    body_limit: usize,
    replay_window: Option<Duration>,
    deadline: Duration,
}

impl<M, H> fmt::Debug for PipelineBuilder<M, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipelineBuilder")
            .field("appid", &self.app.appid())
            .field("cache", &self.cache.backend_name())
            .field("allow_plain", &self.allow_plain)
            .field("dedup", &self.dedup)
            .field("dedup_filter", &self.dedup_filter.is_some())
            .field("dedup_ttl", &self.dedup_ttl)
            .field("dedup_lease", &self.dedup_lease)
            .field("context", &self.context)
            .field("max_records", &self.max_records)
            .field("context_expiry", &self.context_expiry)
            .field("body_limit", &self.body_limit)
            .field("replay_window", &self.replay_window)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// Lets the context store share the pipeline's clock.
#[derive(Debug)]
struct SharedClock(Arc<dyn Clock>);

impl Clock for SharedClock {
    fn now_ms(&self) -> u64 {
        self.0.now_ms()
    }
}

impl<M, H> PipelineBuilder<M, H>
where
    M: PushMessage,
    H: PushHandler<M>,
{
    pub(crate) fn new(app: &AppClient, handler: Arc<H>) -> Self {
        Self {
            app: app.clone(),
            handler,
            cache: Arc::clone(app.cache()),
            allow_plain: None,
            dedup: true,
            dedup_filter: None,
            dedup_ttl: DEFAULT_DEDUP_TTL,
            dedup_lease: DEFAULT_DEDUP_LEASE,
            context: true,
            max_records: DEFAULT_MAX_RECORDS,
            context_expiry: DEFAULT_EXPIRY,
            body_limit: DEFAULT_BODY_LIMIT,
            replay_window: None,
            deadline: DEFAULT_DEADLINE,
        }
    }

    /// Keeps dedup entries and message contexts in `cache` instead of the app's cache.
    ///
    /// Rarely what you want: the app's cache is the one every server shares, and a cache of
    /// this process alone means a retry that lands on another server is handled twice. Use it
    /// only to put push state on purpose in a store of its own (say, a Redis instance kept
    /// apart from the tokens).
    pub fn separate_cache(mut self, cache: Arc<dyn Cache>) -> Self {
        self.cache = cache;
        self
    }

    /// Whether plain (unencrypted) pushes are accepted, checked with `signature`. Default:
    /// `true` only when no `EncodingAESKey` is configured. Turn it off once the account is in
    /// safe mode so that nobody can bypass the encryption.
    pub fn allow_plain(mut self, allow: bool) -> Self {
        self.allow_plain = Some(allow);
        self
    }

    /// Turns deduplication of WeChat's retries on or off (default on).
    pub fn dedup(mut self, on: bool) -> Self {
        self.dedup = on;
        self
    }

    /// Decides per message whether it is deduplicated (Senparc's `OmitRepeatedMessageFunc`):
    /// return `false` to run the handler for every delivery of that message.
    pub fn dedup_filter<F>(mut self, filter: F) -> Self
    where
        F: Fn(&M) -> bool + Send + Sync + 'static,
    {
        self.dedup_filter = Some(Arc::new(filter));
        self
    }

    /// How long a push is remembered (default 60 s, at least 30 s: WeChat retries for 15 s).
    pub fn dedup_ttl(mut self, ttl: Duration) -> Self {
        self.dedup_ttl = ttl;
        self
    }

    /// How long the claim of a push being handled lives without a renewal (default 6 s; kept
    /// within 1 s and the dedup TTL). The server handling the push renews it every third of
    /// the lease until it has answered; if that server dies, the claim expires one lease after
    /// its last renewal and WeChat's next retry (about 5 s after each delivery) handles the
    /// push on another server instead of being refused.
    pub fn dedup_lease(mut self, lease: Duration) -> Self {
        self.dedup_lease = lease;
        self
    }

    /// Turns the per-user message context on or off (default on). When off, handlers get a
    /// fresh context holding only the current request, and nothing is stored.
    pub fn context(mut self, on: bool) -> Self {
        self.context = on;
        self
    }

    /// How many requests, and separately how many responses, a user's context keeps (default 20).
    pub fn max_records(mut self, max_records: usize) -> Self {
        self.max_records = max_records;
        self
    }

    /// The sliding expiry of a user's context (default 30 minutes).
    pub fn context_expiry(mut self, expiry: Duration) -> Self {
        self.context_expiry = expiry;
        self
    }

    /// The largest accepted body in bytes (default 1 MiB); larger ones get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Rejects (401) pushes whose `timestamp` is further than `window` from now, either way
    /// (off by default; 300 s is a sensible value). Needs a correct server clock.
    pub fn replay_window(mut self, window: Duration) -> Self {
        self.replay_window = Some(window);
        self
    }

    /// How long the handler may take before the pipeline answers `success` and lets it finish
    /// in the background (default 4.5 s; WeChat gives up after 5 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Builds the pipeline.
    ///
    /// # Errors
    /// [`BuildError`] for an app without a push token, an invalid key, or a configuration
    /// that accepts nothing.
    pub fn build(self) -> Result<Pipeline<M, H>, BuildError> {
        let config = self.app.config();
        let appid = config.appid().to_owned();
        let token = match config.push_token_value() {
            Some(token) if !token.is_empty() => token.clone(),
            _ => return Err(BuildError::NoPushToken { appid }),
        };
        let crypt = match config.encoding_aes_key_value() {
            None => None,
            Some(key) => {
                let key =
                    EncodingAesKey::new(key.expose()).map_err(|source| BuildError::InvalidKey {
                        which: "current",
                        source,
                    })?;
                let mut crypt = MsgCrypt::with_key(token.expose(), key, appid.clone());
                if let Some(previous) = config.previous_encoding_aes_key_value() {
                    let previous = EncodingAesKey::new(previous.expose()).map_err(|source| {
                        BuildError::InvalidKey {
                            which: "previous",
                            source,
                        }
                    })?;
                    crypt = crypt.with_previous_key(previous);
                }
                Some(crypt)
            }
        };
        let allow_plain = self.allow_plain.unwrap_or(crypt.is_none());
        if !allow_plain && crypt.is_none() {
            return Err(BuildError::NothingAccepted);
        }
        let cache = self.cache;
        let clock = Arc::clone(self.app.clock());
        let prefix = self.app.keys().prefix().to_owned();
        let dedup = self.dedup.then(|| {
            Deduplicator::new(Arc::clone(&cache))
                .with_ttl(self.dedup_ttl)
                .with_lease(self.dedup_lease)
                .with_key_prefix(prefix.clone())
        });
        let contexts = self.context.then(|| {
            ContextStore::builder(Arc::clone(&cache))
                .max_records(self.max_records)
                .expiry(self.context_expiry)
                .clock(SharedClock(Arc::clone(&clock)))
                .key_prefix(prefix.clone())
                .build()
        });
        Ok(Pipeline {
            inner: Arc::new(Inner {
                appid: Arc::from(appid.as_str()),
                verifier: Verifier {
                    token,
                    crypt,
                    allow_plain,
                    replay_window: self.replay_window.map(|w| w.as_secs()),
                },
                handler: self.handler,
                dedup,
                dedup_filter: self.dedup_filter,
                contexts,
                max_records: self.max_records,
                body_limit: self.body_limit,
                deadline: self.deadline,
                clock,
            }),
        })
    }
}
