//! How to reach memcached: the server URL(s) and the connection options.

use std::time::Duration;

use weixin_core::cache::CacheError;

use crate::error::invalid;

/// The default bound on every cache or lock operation.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(2);
/// The default bound on opening one connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The default number of idle connections kept per server.
pub const DEFAULT_MAX_IDLE: usize = 8;
/// The port used when a URL names none.
pub const DEFAULT_PORT: u16 = 11211;

/// Configuration of a [`MemcachedCache`](crate::MemcachedCache).
///
/// ```
/// use std::time::Duration;
/// use weixin_cache_memcached::MemcachedConfig;
///
/// let config = MemcachedConfig::new("memcache://127.0.0.1:11211")?
///     .operation_timeout(Duration::from_millis(500))
///     .connect_timeout(Duration::from_secs(1))
///     .max_connections(Some(32))
///     .max_idle(16);
/// assert_eq!(config.servers(), ["127.0.0.1:11211"]);
/// # Ok::<(), weixin_core::cache::CacheError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemcachedConfig {
    pub(crate) servers: Vec<String>,
    pub(crate) operation_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_connections: Option<usize>,
    pub(crate) max_idle: usize,
}

impl MemcachedConfig {
    /// Parses `memcache://host:port` (the port defaults to 11211; `memcached://` and a bare
    /// `host:port` are accepted too). Several servers may be listed comma-separated,
    /// `memcache://10.0.0.1:11211,10.0.0.2:11211`: keys are spread over them by rendezvous
    /// hashing, each key (and so each lock) living on exactly one server.
    ///
    /// Fails with `InvalidInput` for anything else (user info, paths, query options such as
    /// `?protocol=ascii`: this backend always speaks the meta protocol).
    pub fn new(url: &str) -> Result<Self, CacheError> {
        let servers = parse_servers(url)?;
        Ok(Self {
            servers,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_connections: None,
            max_idle: DEFAULT_MAX_IDLE,
        })
    }

    /// Bounds every operation; past it the operation fails with
    /// [`CacheErrorKind::Timeout`](weixin_core::cache::CacheErrorKind::Timeout). Default 2 s.
    /// A zero duration is replaced by 1 ms.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Bounds dialing one connection. Default 2 s. A zero duration is replaced by 1 ms.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Caps the connections in use per server (`None`, the default: no cap). At the cap an
    /// operation waits for a free connection (within its timeout).
    pub fn max_connections(mut self, max: Option<usize>) -> Self {
        self.max_connections = max.filter(|m| *m > 0);
        self
    }

    /// How many idle connections to keep per server for reuse. Default 8.
    pub fn max_idle(mut self, max_idle: usize) -> Self {
        self.max_idle = max_idle;
        self
    }

    /// The servers, as `host:port`.
    pub fn servers(&self) -> &[String] {
        &self.servers
    }

    /// The configured operation timeout.
    pub fn get_operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    /// The configured connect timeout.
    pub fn get_connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
}

fn parse_servers(url: &str) -> Result<Vec<String>, CacheError> {
    let rest = url
        .strip_prefix("memcache://")
        .or_else(|| url.strip_prefix("memcached://"))
        .unwrap_or(url);
    if rest.contains("://") {
        return Err(invalid(format!(
            "unsupported memcached URL {url:?}: expected memcache://host:port"
        )));
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut servers = Vec::new();
    for part in rest.split(',') {
        servers.push(parse_server(part.trim(), url)?);
    }
    Ok(servers)
}

fn parse_server(part: &str, url: &str) -> Result<String, CacheError> {
    let bad = |why: &str| invalid(format!("invalid memcached URL {url:?}: {why}"));
    if part.is_empty() {
        return Err(bad("no host"));
    }
    if part.contains(['/', '?', '#', '@']) || part.chars().any(char::is_whitespace) {
        return Err(bad(
            "only host:port is supported (no user, path or options)",
        ));
    }
    // `[v6]:port`, `[v6]`, `host:port` or `host`.
    let (host, port) = if let Some(v6) = part.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
        match after {
            "" => (format!("[{host}]"), None),
            _ => (
                format!("[{host}]"),
                Some(
                    after
                        .strip_prefix(':')
                        .ok_or_else(|| bad("garbage after ']'"))?,
                ),
            ),
        }
    } else {
        match part.split_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (part.to_owned(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err(bad("no host"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("the port must be a number from 1 to 65535"))?,
    };
    Ok(format!("{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use weixin_core::cache::CacheErrorKind;

    fn servers(url: &str) -> Option<Vec<String>> {
        MemcachedConfig::new(url).ok().map(|c| c.servers)
    }

    #[test]
    fn parses_the_accepted_forms() {
        assert_eq!(
            servers("memcache://127.0.0.1:11299"),
            Some(vec!["127.0.0.1:11299".into()])
        );
        assert_eq!(
            servers("memcached://cache.local/"),
            Some(vec!["cache.local:11211".into()])
        );
        assert_eq!(servers("10.0.0.1:1"), Some(vec!["10.0.0.1:1".into()]));
        assert_eq!(
            servers("memcache://a:1, b:2"),
            Some(vec!["a:1".into(), "b:2".into()])
        );
        assert_eq!(servers("memcache://[::1]:5"), Some(vec!["[::1]:5".into()]));
        assert_eq!(
            servers("memcache://[::1]"),
            Some(vec!["[::1]:11211".into()])
        );
    }

    #[test]
    fn rejects_everything_else() {
        for url in [
            "",
            "memcache://",
            "redis://h:1",
            "memcache://h:0",
            "memcache://h:x",
            "memcache://h:1?protocol=ascii",
            "memcache://u:p@h:1",
            "memcache://h:1/path",
            "memcache://a:1,",
            "memcache://[::1",
        ] {
            let err = MemcachedConfig::new(url).err().map(|e| e.kind());
            assert_eq!(err, Some(CacheErrorKind::InvalidInput), "{url:?}");
        }
    }

    #[test]
    fn options_are_clamped() {
        let Ok(config) = MemcachedConfig::new("h:1") else {
            panic!("valid URL rejected")
        };
        let config = config
            .operation_timeout(Duration::ZERO)
            .connect_timeout(Duration::ZERO)
            .max_connections(Some(0));
        assert_eq!(config.get_operation_timeout(), Duration::from_millis(1));
        assert_eq!(config.get_connect_timeout(), Duration::from_millis(1));
        assert_eq!(config.max_connections, None);
    }
}
