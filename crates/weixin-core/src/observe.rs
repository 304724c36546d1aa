//! Observing API calls: the error hook ([`ApiFailure`]) and the counters ([`Stats`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::errcode::ErrCode;
use crate::error::Error;

/// One failed API attempt, as passed to the error hook.
///
/// Holds no secret and no token: the endpoint is the path only.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiFailure {
    /// The app's appid.
    pub appid: String,
    /// The API path, e.g. `/cgi-bin/message/custom/send`.
    pub endpoint: String,
    /// WeChat's errcode when it answered with one.
    pub errcode: Option<ErrCode>,
    /// A short error kind: `api`, `timeout`, `connect`, `http`, `status`, `decode`, ...
    pub kind: &'static str,
    /// The attempt number, starting at 1.
    pub attempt: u32,
    /// Whether the client is going to retry the call.
    pub will_retry: bool,
    /// How long the attempt took.
    pub latency: Duration,
}

impl ApiFailure {
    pub(crate) fn new(
        appid: &str,
        endpoint: &str,
        err: &Error,
        attempt: u32,
        will_retry: bool,
        latency: Duration,
    ) -> Self {
        Self {
            appid: appid.to_owned(),
            endpoint: endpoint.to_owned(),
            errcode: err.api_code(),
            kind: err.kind_name(),
            attempt,
            will_retry,
            latency,
        }
    }
}

/// The callback type of the error hook: sees every failed API attempt, in every build.
pub type ErrorHook = Arc<dyn Fn(&ApiFailure) + Send + Sync>;

/// Live counters of one registry (shared by its token containers and API clients).
#[derive(Debug, Default)]
pub struct Counters {
    token_fetches: AtomicU64,
    ticket_fetches: AtomicU64,
    force_refreshes: AtomicU64,
    lock_waits: AtomicU64,
    lock_timeouts: AtomicU64,
    invalidations: AtomicU64,
    api_calls: AtomicU64,
    api_failures: AtomicU64,
    retries: AtomicU64,
}

/// Which counter to bump.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    TokenFetches,
    TicketFetches,
    ForceRefreshes,
    LockWaits,
    LockTimeouts,
    Invalidations,
    ApiCalls,
    ApiFailures,
    Retries,
}

impl Counters {
    pub(crate) fn incr(&self, counter: Counter) {
        let c = match counter {
            Counter::TokenFetches => &self.token_fetches,
            Counter::TicketFetches => &self.ticket_fetches,
            Counter::ForceRefreshes => &self.force_refreshes,
            Counter::LockWaits => &self.lock_waits,
            Counter::LockTimeouts => &self.lock_timeouts,
            Counter::Invalidations => &self.invalidations,
            Counter::ApiCalls => &self.api_calls,
            Counter::ApiFailures => &self.api_failures,
            Counter::Retries => &self.retries,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// A snapshot of the counters.
    pub fn snapshot(&self) -> Stats {
        let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            token_fetches: r(&self.token_fetches),
            ticket_fetches: r(&self.ticket_fetches),
            force_refreshes: r(&self.force_refreshes),
            lock_waits: r(&self.lock_waits),
            lock_timeouts: r(&self.lock_timeouts),
            invalidations: r(&self.invalidations),
            api_calls: r(&self.api_calls),
            api_failures: r(&self.api_failures),
            retries: r(&self.retries),
        }
    }
}

/// A snapshot of [`Counters`], for tests and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Access tokens fetched from WeChat (`/cgi-bin/stable_token` or `/cgi-bin/token`).
    pub token_fetches: u64,
    /// JS-SDK tickets fetched from WeChat.
    pub ticket_fetches: u64,
    /// Stable-token fetches with `force_refresh: true`.
    pub force_refreshes: u64,
    /// Times a task went to the distributed lock (the cached token was stale).
    pub lock_waits: u64,
    /// Times the lock could not be taken within the wait.
    pub lock_timeouts: u64,
    /// Rejected tokens removed from the shared cache (compare-and-delete succeeded).
    pub invalidations: u64,
    /// API attempts sent (including retries and token fetches).
    pub api_calls: u64,
    /// API attempts that failed.
    pub api_failures: u64,
    /// API attempts repeated (after a token refresh or a backoff).
    pub retries: u64,
}

/// The observer shared by the API clients of a registry: counters plus the optional hook.
#[derive(Clone, Default)]
pub(crate) struct Observer {
    pub(crate) counters: Arc<Counters>,
    pub(crate) hook: Option<ErrorHook>,
}

impl Observer {
    pub(crate) fn failure(&self, failure: &ApiFailure) {
        self.counters.incr(Counter::ApiFailures);
        if let Some(hook) = &self.hook {
            hook(failure);
        }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observer")
            .field("counters", &self.counters.snapshot())
            .field("hook", &self.hook.is_some())
            .finish()
    }
}
