//! [`RedisCache`]: the [`Cache`] implementation.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::Value;
use weixin_core::cache::{Cache, CacheError};

use crate::client::{Client, ttl_millis};
use crate::config::RedisConfig;
use crate::error::BACKEND;
use crate::lock::RedisLock;

/// A [`Cache`] on Redis (or, with the `cluster` feature, Redis Cluster).
///
/// Cheap to clone (the connections are shared). Every operation is one command or one
/// single-key Lua script, bounded by the configured operation timeout; a broken connection is
/// redialed automatically on the next operation.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use weixin_cache_redis::{RedisCache, RedisConfig};
/// use weixin_core::cache::{Cache, DistributedLock};
///
/// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
/// let cache = RedisCache::connect(
///     RedisConfig::new("redis://127.0.0.1:6379/0").operation_timeout(Duration::from_secs(1)),
/// )
/// .await?;
/// cache.set("weixin:demo:k", b"v", Some(Duration::from_secs(60))).await?;
/// assert_eq!(cache.get("weixin:demo:k").await?, Some(b"v".to_vec()));
///
/// // The SDK holds caches and locks as trait objects.
/// let shared: Arc<dyn Cache> = Arc::new(cache.clone());
/// let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
/// # let _ = (shared, lock);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisCache {
    client: Arc<Client>,
}

impl RedisCache {
    /// Connects with `config`. Fails with `Unavailable` (or `Timeout`) if the server cannot
    /// be reached within the connect timeout, and `InvalidInput` for a malformed URL.
    pub async fn connect(config: RedisConfig) -> Result<Self, CacheError> {
        Ok(Self {
            client: Arc::new(Client::connect(&config).await?),
        })
    }

    /// Connects to `url` (`redis://[user:password@]host:port[/db]`) with default options.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
    /// let cache = weixin_cache_redis::RedisCache::from_url("redis://127.0.0.1:6379").await?;
    /// # let _ = cache; Ok(()) }
    /// ```
    pub async fn from_url(url: &str) -> Result<Self, CacheError> {
        Self::connect(RedisConfig::new(url)).await
    }

    /// A native distributed lock sharing this cache's connections.
    pub fn lock(&self) -> RedisLock {
        RedisLock::new(self)
    }
}

impl std::fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache").finish_non_exhaustive()
    }
}

/// `SET key value [PX ms] [NX]` as a command.
fn set_command(key: &str, value: &[u8], ttl_ms: Option<u64>, only_if_absent: bool) -> redis::Cmd {
    let mut cmd = redis::cmd("SET");
    cmd.arg(key).arg(value);
    if let Some(ms) = ttl_ms {
        cmd.arg("PX").arg(ms);
    }
    if only_if_absent {
        cmd.arg("NX");
    }
    cmd
}

impl RedisCache {
    /// `SET .. NX`: whether it stored the value.
    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl_ms: Option<u64>,
    ) -> Result<bool, CacheError> {
        let mut conn = self.client.connection();
        let cmd = set_command(key, value, ttl_ms, true);
        let reply: Value = self
            .client
            .bounded("SET NX", cmd.query_async(&mut conn))
            .await?;
        Ok(!matches!(reply, Value::Nil))
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let mut conn = self.client.connection();
        let cmd = redis::cmd("GET").arg(key).to_owned();
        self.client.bounded("GET", cmd.query_async(&mut conn)).await
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError> {
        let ttl_ms = ttl.map(ttl_millis).transpose()?;
        let mut conn = self.client.connection();
        let cmd = set_command(key, value, ttl_ms, false);
        self.client
            .bounded("SET", cmd.query_async::<()>(&mut conn))
            .await
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let mut conn = self.client.connection();
        let cmd = redis::cmd("DEL").arg(key).to_owned();
        let removed: i64 = self
            .client
            .bounded("DEL", cmd.query_async(&mut conn))
            .await?;
        Ok(removed > 0)
    }

    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError> {
        let ttl_ms = ttl_millis(ttl)?;
        self.set_if_absent(key, value, Some(ttl_ms)).await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        let ttl_ms = ttl.map(ttl_millis).transpose()?;
        let Some(expected) = expected else {
            return self.set_if_absent(key, new, ttl_ms).await;
        };
        let mut conn = self.client.connection();
        let swapped: i64 = self
            .client
            .bounded(
                "compare-and-swap script",
                self.client
                    .scripts
                    .compare_and_swap
                    .key(key)
                    .arg(expected)
                    .arg(new)
                    .arg(ttl_ms.unwrap_or(0))
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(swapped == 1)
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        let mut conn = self.client.connection();
        let deleted: i64 = self
            .client
            .bounded(
                "compare-and-delete script",
                self.client
                    .scripts
                    .compare_and_delete
                    .key(key)
                    .arg(expected)
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(deleted == 1)
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }

    fn native_lock(&self) -> Option<std::sync::Arc<dyn weixin_core::cache::DistributedLock>> {
        Some(std::sync::Arc::new(self.lock()))
    }
}
