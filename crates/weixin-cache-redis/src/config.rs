//! How to reach Redis: the URL (or cluster nodes) and the connection options.

use std::fmt;
use std::time::Duration;

/// The default bound on every cache or lock operation.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(2);
/// The default bound on opening one connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Where the server is: one Redis, or the seed nodes of a Redis Cluster.
#[derive(Clone)]
pub(crate) enum Target {
    /// `redis://[user:password@]host:port[/db]` (or `rediss://` if the `redis` crate supports
    /// TLS in this build, which it does not by default).
    Single(String),
    /// Seed nodes of a cluster (feature `cluster`).
    #[cfg(feature = "cluster")]
    Cluster(Vec<String>),
}

/// Configuration of a [`RedisCache`](crate::RedisCache).
///
/// ```
/// use std::time::Duration;
/// use weixin_cache_redis::RedisConfig;
///
/// let config = RedisConfig::new("redis://127.0.0.1:6379/0")
///     .operation_timeout(Duration::from_millis(500))
///     .connect_timeout(Duration::from_secs(1))
///     .connections(4);
/// assert_eq!(config.get_connections(), 4);
/// assert_eq!(config.get_operation_timeout(), Duration::from_millis(500));
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    pub(crate) target: Target,
    pub(crate) operation_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) connections: usize,
}

impl RedisConfig {
    /// A single Redis server at `url`: `redis://[user:password@]host:port[/db]`.
    ///
    /// The URL is checked when connecting ([`RedisCache::connect`](crate::RedisCache::connect)).
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_target(Target::Single(url.into()))
    }

    /// A Redis Cluster reached through one or more seed nodes (`redis://host:port` each).
    ///
    /// Only single-key commands and single-key Lua scripts are sent, so every operation goes to
    /// the node owning its key's slot; nothing spans slots.
    ///
    /// ```
    /// use weixin_cache_redis::RedisConfig;
    ///
    /// let config = RedisConfig::cluster(["redis://10.0.0.1:7000", "redis://10.0.0.2:7000"]);
    /// # let _ = config;
    /// ```
    #[cfg(feature = "cluster")]
    pub fn cluster<I, S>(nodes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with_target(Target::Cluster(nodes.into_iter().map(Into::into).collect()))
    }

    fn with_target(target: Target) -> Self {
        Self {
            target,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            connections: 1,
        }
    }

    /// Bounds every operation (including waiting for a reconnection); past it the operation
    /// fails with [`CacheErrorKind::Timeout`](weixin_core::cache::CacheErrorKind::Timeout).
    /// Default 2 s. A zero duration is replaced by 1 ms.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Bounds opening one connection. Default 2 s. A zero duration is replaced by 1 ms.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How many multiplexed connections to open (used round-robin). Default 1, which is
    /// enough for most applications: one connection pipelines many concurrent requests.
    /// Zero is replaced by 1. Ignored for a cluster (the cluster client manages its own).
    pub fn connections(mut self, connections: usize) -> Self {
        self.connections = connections.max(1);
        self
    }

    /// The configured operation timeout.
    pub fn get_operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    /// The configured connect timeout.
    pub fn get_connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The configured number of connections.
    pub fn get_connections(&self) -> usize {
        self.connections
    }
}

/// Hides the password of a `scheme://user:password@host` URL.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RedisConfig");
        match &self.target {
            Target::Single(url) => d.field("url", &redact(url)),
            #[cfg(feature = "cluster")]
            Target::Cluster(nodes) => d.field(
                "cluster",
                &nodes.iter().map(|n| redact(n)).collect::<Vec<_>>(),
            ),
        };
        d.field("operation_timeout", &self.operation_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("connections", &self.connections)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let config = RedisConfig::new("redis://user:s3cret@127.0.0.1:6379/2");
        let printed = format!("{config:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("127.0.0.1:6379/2"), "{printed}");
    }

    #[test]
    fn zero_values_are_clamped() {
        let config = RedisConfig::new("redis://127.0.0.1")
            .connections(0)
            .operation_timeout(Duration::ZERO)
            .connect_timeout(Duration::ZERO);
        assert_eq!(config.get_connections(), 1);
        assert_eq!(config.get_operation_timeout(), Duration::from_millis(1));
        assert_eq!(config.get_connect_timeout(), Duration::from_millis(1));
    }

    #[test]
    fn redact_leaves_urls_without_credentials_alone() {
        assert_eq!(redact("redis://h:1/0"), "redis://h:1/0");
        assert_eq!(redact("redis://:pw@h:1"), "redis://***@h:1");
    }
}
