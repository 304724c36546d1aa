//! Test doubles for the token broker: a token platform with stable-token or classic semantics on
//! a manual clock, and a cache that can be switched off like a stopped Redis.
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use weixin_core::cache::{
    Cache, CacheError, CacheErrorKind, CacheLock, DistributedLock, MemoryCache,
};
use weixin_core::clock::{Clock, ManualClock};
use weixin_core::token::{FetchedToken, TokenBroker, TokenFetcher, TokenSettings};
use weixin_core::{Error, Secret};

/// The appid every broker test registers.
pub const APPID: &str = "wx_broker_test";

/// How the fake platform answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `stable_token` like WeChat and the simulator: the current token while it has at least
    /// `renewal` left, then a new one with the full TTL; `expires_in` is the remaining life,
    /// floored to whole seconds when `whole_seconds` is set.
    Stable {
        renewal: Duration,
        whole_seconds: bool,
    },
    /// `/cgi-bin/token`: every fetch issues a new token with the full TTL.
    Classic,
}

/// What the fake platform did.
#[derive(Debug, Default)]
pub struct PlatformLog {
    /// Fetch calls answered.
    pub calls: AtomicUsize,
    /// Tokens issued (a stable fetch that returns the current token issues none).
    pub issued: AtomicUsize,
}

/// A token endpoint on a manual clock.
#[derive(Clone)]
pub struct FakePlatform {
    clock: ManualClock,
    ttl: Duration,
    mode: Mode,
    delay: Duration,
    current: Arc<Mutex<Option<(String, u64)>>>,
    pub log: Arc<PlatformLog>,
}

impl FakePlatform {
    pub fn new(clock: ManualClock, ttl: Duration, mode: Mode) -> Self {
        Self {
            clock,
            ttl,
            mode,
            delay: Duration::ZERO,
            current: Arc::new(Mutex::new(None)),
            log: Arc::new(PlatformLog::default()),
        }
    }

    /// Each fetch takes `delay` of real time (so concurrent callers pile up).
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn calls(&self) -> usize {
        self.log.calls.load(Ordering::SeqCst)
    }

    pub fn issued(&self) -> usize {
        self.log.issued.load(Ordering::SeqCst)
    }

    fn issue(&self, now: u64) -> (String, u64) {
        let n = self.log.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let expires_ms = now + u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        (format!("TOKEN_fake_{n}_abcdefghijklmnop"), expires_ms)
    }

    fn answer(&self) -> FetchedToken {
        self.log.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.clock.now_ms();
        let mut current = self.current.lock().unwrap();
        let (token, expires_ms) = match (self.mode, current.clone()) {
            (Mode::Stable { renewal, .. }, Some((token, exp)))
                if exp > now && Duration::from_millis(exp - now) >= renewal =>
            {
                (token, exp)
            }
            _ => {
                let fresh = self.issue(now);
                *current = Some(fresh.clone());
                fresh
            }
        };
        let left = Duration::from_millis(expires_ms - now);
        let expires_in = match self.mode {
            Mode::Stable {
                whole_seconds: true,
                ..
            } => Duration::from_secs(left.as_secs()),
            _ => left,
        };
        FetchedToken {
            token: Secret::from(token),
            expires_in,
        }
    }
}

#[async_trait]
impl TokenFetcher for FakePlatform {
    fn kind(&self) -> &'static str {
        "access_token"
    }

    async fn fetch(&self, _force_refresh: bool) -> Result<FetchedToken, Error> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        Ok(self.answer())
    }

    fn supports_force_refresh(&self) -> bool {
        matches!(self.mode, Mode::Stable { .. })
    }

    fn fetch_returns_current_token(&self) -> bool {
        matches!(self.mode, Mode::Stable { .. })
    }
}

/// A cache that fails every operation while switched off, like a stopped Redis.
pub struct SwitchableCache {
    inner: Arc<dyn Cache>,
    down: AtomicBool,
    swaps_down: AtomicBool,
    /// Operations attempted while up.
    pub ops_up: AtomicUsize,
}

impl SwitchableCache {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::new(MemoryCache::new()),
            down: AtomicBool::new(false),
            swaps_down: AtomicBool::new(false),
            ops_up: AtomicUsize::new(0),
        })
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Only `compare_and_swap` fails (the store of a fetched token), reads and the lock work.
    pub fn set_swaps_down(&self, down: bool) {
        self.swaps_down.store(down, Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), CacheError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(CacheError::new(
                CacheErrorKind::Unavailable,
                "switchable",
                "connection refused (test outage)",
            ));
        }
        self.ops_up.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[async_trait]
impl Cache for SwitchableCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.check()?;
        self.inner.get(key).await
    }
    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        self.check()?;
        self.inner.set(key, value, ttl).await
    }
    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.check()?;
        self.inner.delete(key).await
    }
    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        self.check()?;
        self.inner.add(key, value, ttl).await
    }
    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        if self.swaps_down.load(Ordering::SeqCst) {
            return Err(CacheError::new(
                CacheErrorKind::Unavailable,
                "switchable",
                "connection reset (test outage)",
            ));
        }
        self.check()?;
        self.inner.compare_and_swap(key, expected, new, ttl).await
    }
    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        self.check()?;
        self.inner.compare_and_delete(key, expected).await
    }
    fn backend_name(&self) -> &'static str {
        "switchable"
    }
}

/// A broker over `cache` (and a [`CacheLock`] on it) on `clock`, with `margin`.
pub fn broker(
    cache: Arc<dyn Cache>,
    clock: &ManualClock,
    margin: Duration,
    platform: FakePlatform,
) -> TokenBroker<FakePlatform> {
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    let settings = TokenSettings {
        margin,
        lock_wait: Duration::from_millis(500),
        clock: Arc::new(clock.clone()),
        ..TokenSettings::default()
    };
    let broker = TokenBroker::new(cache, lock, settings);
    broker.register(APPID, platform);
    broker
}
