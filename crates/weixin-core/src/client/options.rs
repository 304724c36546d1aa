//! Client settings: base URLs and region, timeouts, failover and the retry policy.

use std::time::Duration;

/// WeChat's main API domain, then its disaster-recovery one: every list ends with them.
macro_rules! main_domains {
    () => {
        "https://api.weixin.qq.com,https://api2.weixin.qq.com"
    };
}

/// The default API base list: the main domain, then `api2.weixin.qq.com` (WeChat's
/// disaster-recovery domain).
pub const DEFAULT_API_BASE: &str = main_domains!();

/// Which of WeChat's API domains a client calls first ([`ApiRegion::api_base`] gives the list
/// for [`ClientOptions::api_base`]). Every region falls back to the main domain, then to
/// `api2.weixin.qq.com`, WeChat's disaster-recovery domain.
///
/// ```
/// use weixin_core::client::ApiRegion;
/// assert_eq!(
///     ApiRegion::Shanghai.api_base(),
///     "https://sh.api.weixin.qq.com,https://api.weixin.qq.com,https://api2.weixin.qq.com"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ApiRegion {
    /// `api.weixin.qq.com`, then `api2.weixin.qq.com` ([`DEFAULT_API_BASE`]).
    #[default]
    Default,
    /// `sh.api.weixin.qq.com` first (East China).
    Shanghai,
    /// `sz.api.weixin.qq.com` first (South China).
    Shenzhen,
    /// `hk.api.weixin.qq.com` first (Hong Kong).
    HongKong,
}

impl ApiRegion {
    /// The base URL list, primary first.
    pub fn api_base(self) -> &'static str {
        match self {
            Self::Default => DEFAULT_API_BASE,
            Self::Shanghai => concat!("https://sh.api.weixin.qq.com,", main_domains!()),
            Self::Shenzhen => concat!("https://sz.api.weixin.qq.com,", main_domains!()),
            Self::HongKong => concat!("https://hk.api.weixin.qq.com,", main_domains!()),
        }
    }
}

/// The region names accepted by [`ApiRegion`]'s `FromStr`, as shown in errors.
const REGION_NAMES: &str = "default, shanghai (sh), shenzhen (sz), hongkong (hk)";

impl std::str::FromStr for ApiRegion {
    type Err = String;

    /// `default`, `shanghai`/`sh`, `shenzhen`/`sz`, `hongkong`/`hk` (any case), e.g. from an
    /// environment variable.
    ///
    /// ```
    /// use weixin_core::client::ApiRegion;
    /// assert_eq!("sh".parse(), Ok(ApiRegion::Shanghai));
    /// assert_eq!("HongKong".parse(), Ok(ApiRegion::HongKong));
    /// assert!("mars".parse::<ApiRegion>().unwrap_err().contains("shenzhen"));
    /// ```
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(Self::Default),
            "shanghai" | "sh" => Ok(Self::Shanghai),
            "shenzhen" | "sz" => Ok(Self::Shenzhen),
            "hongkong" | "hong-kong" | "hk" => Ok(Self::HongKong),
            _ => Err(format!(
                "unknown API region `{}`: expected {REGION_NAMES}",
                name.trim()
            )),
        }
    }
}

/// How failed idempotent calls are retried: bounded exponential backoff with jitter.
///
/// Attempt `n` (n ≥ 2) waits `min(max_delay, base_delay · 2^(n-2))`, multiplied by a random factor
/// in `[0.5, 1.0]` so that many servers do not retry in lockstep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts for busy (-1), 5xx and network errors, including the first (default 3).
    /// `1` disables these retries. Token refresh retries are separate (always exactly one).
    pub max_attempts: u32,
    /// The first backoff delay (default 100 ms).
    pub base_delay: Duration,
    /// The longest backoff delay (default 2 s).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// No retries on busy / 5xx / network errors.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry), jitter included.
    pub fn delay(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(20);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        // Equal jitter: half fixed, half random, so the delay is never zero.
        let random = getrandom::u32().unwrap_or(u32::MAX / 2);
        let factor = 0.5 + 0.5 * (f64::from(random) / f64::from(u32::MAX));
        full.mul_f64(factor)
    }
}

/// Settings of the HTTP side of an [`ApiClient`](super::ApiClient).
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The API base URL, or several separated by commas, primary first (default
    /// [`DEFAULT_API_BASE`]: the main domain, then the disaster-recovery one; see
    /// [`ApiRegion`]). A call whose connection cannot be made moves to the next base (nothing
    /// was sent, so sends too); an idempotent call that got HTTP 5xx or timed out moves too. Point
    /// it at the simulator or a mock server in tests.
    pub api_base: String,
    /// How long a base that failed (no connection, HTTP 5xx, timeout) is skipped before it is
    /// tried again (default 30 s).
    pub failover_rest: Duration,
    /// Connect timeout (default 5 s).
    pub connect_timeout: Duration,
    /// Total timeout of one attempt, body included (default 15 s). A call can override it.
    pub timeout: Duration,
    /// The retry policy for idempotent calls.
    pub retry: RetryPolicy,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            api_base: DEFAULT_API_BASE.to_owned(),
            failover_rest: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            retry: RetryPolicy::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_bounded_and_jittered() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let d1 = p.delay(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d2 = p.delay(2);
            assert!(d2 >= Duration::from_millis(100) && d2 <= Duration::from_millis(200));
            assert!(p.delay(30) <= Duration::from_secs(2));
        }
    }
}
