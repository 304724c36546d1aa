//! The cache and lock contract every backend implements, and the embedded implementations.
//!
//! Values are bytes; [`CacheExt`] adds typed (serde JSON) helpers on top. Keys are plain strings;
//! build them with [`CacheKey`] so several apps and environments can share one server.
//!
//! - [`Cache`]: the object-safe backend trait (`Arc<dyn Cache>` everywhere in the SDK).
//! - [`MemoryCache`]: the embedded single-process default.
//! - [`CacheLock`]: a [`DistributedLock`] built on any [`Cache`] (owner token, safe release).
//! - [`SwappableCache`]: a handle whose backend can be switched at run time.
//! - `weixin-cache-redis` and `weixin-cache-memcached` provide shared backends; every backend
//!   passes the same conformance suite (the `weixin-testkit` crate).
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use weixin_core::cache::{Cache, CacheKey, CacheLock, DistributedLock, MemoryCache};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), weixin_core::cache::CacheError> {
//! let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
//! let lock = CacheLock::new(cache.clone());
//!
//! // Lock keys share the cache's key space: namespace them.
//! let key = CacheKey::default().build("lock", "wx123", &["token"]);
//! if let Some(guard) = lock
//!     .acquire(&key, Duration::from_secs(10), Duration::from_secs(3))
//!     .await?
//! {
//!     cache.set("weixin:token:wx123:access", b"ACCESS_TOKEN", Some(Duration::from_secs(7000))).await?;
//!     guard.release().await?;
//! }
//! # Ok(())
//! # }
//! ```

mod cache_lock;
mod error;
mod ext;
mod key;
mod lock;
mod memory;
mod owner_token;
mod swappable;

pub use cache_lock::CacheLock;
pub use error::{CacheError, CacheErrorKind};
pub use ext::CacheExt;
pub use key::CacheKey;
pub use lock::{DistributedLock, LockGuard, LockRelease};
pub use memory::{MemoryCache, MemoryCacheBuilder};
pub use swappable::SwappableCache;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

/// An async key-value cache shared by every part of the SDK (tokens, contexts, dedup, sessions).
///
/// The trait is object safe: the SDK holds caches as `Arc<dyn Cache>`. All operations are atomic
/// with respect to each other on one key.
///
/// # TTLs
///
/// - `None` (in [`Cache::set`] and [`Cache::compare_and_swap`]) means "no expiry"; a write
///   without a TTL also clears any TTL the key had before.
/// - A zero TTL is rejected with [`CacheErrorKind::InvalidInput`] (Memcached would read it as
///   "never expires" and Redis refuses it, so no backend accepts it).
/// - Backends may round a TTL up to their granularity (Memcached: whole seconds), never down.
/// - An expired key behaves exactly like an absent one in every operation.
///
/// Implementations: `MemoryCache` (here), `weixin-cache-redis`, `weixin-cache-memcached`. Every
/// implementation must pass the conformance suite of the `weixin-testkit` crate.
#[async_trait]
pub trait Cache: Send + Sync + 'static {
    /// Reads a value; `Ok(None)` when the key is absent or expired.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;

    /// Stores a value unconditionally, replacing any previous one.
    async fn set(&self, key: &str, value: &[u8], ttl: Option<Duration>) -> Result<(), CacheError>;

    /// Deletes a key; returns whether a live value was removed.
    async fn delete(&self, key: &str) -> Result<bool, CacheError>;

    /// Stores the value only if the key is absent (set-if-absent with TTL).
    ///
    /// Returns `true` when this call stored the value (it "won"), `false` when a live value was
    /// already there. Exactly one of many concurrent `add` calls on one key wins.
    async fn add(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, CacheError>;

    /// Replaces the value only if the current value equals `expected` byte for byte.
    ///
    /// `expected = None` means "only if absent" (like [`Cache::add`]). Returns whether the swap
    /// happened. Used to store a token without overwriting a newer one, to extend a lock only
    /// while still owning it, and to update a user's context without losing a concurrent write.
    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: &[u8],
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError>;

    /// Deletes the key only if its current value equals `expected`; returns whether it did.
    ///
    /// This is how a lock is released by its owner only, and how one exact stale token is
    /// invalidated without removing a fresh one another server just stored.
    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError>;

    /// A short name for logs and errors, e.g. `"memory"`, `"redis"`.
    fn backend_name(&self) -> &'static str;

    /// The backend's own distributed lock, when it has one that is better than the generic
    /// [`CacheLock`] over this cache (default: `None`, and [`Weixin`](crate::Weixin) uses a
    /// `CacheLock`). The lock comes with the cache, so a registry never pairs a cache with a
    /// lock on another store by accident.
    fn native_lock(&self) -> Option<Arc<dyn DistributedLock>> {
        None
    }
}
