//! The cache and lock contract every backend implements.
//!
//! Values are bytes; [`CacheExt`] adds typed (serde JSON) helpers on top. Keys are plain strings;
//! build them with [`CacheKey`] so several apps and environments can share one server.

mod error;
mod key;
mod lock;

pub use error::{CacheError, CacheErrorKind};
pub use key::CacheKey;
pub use lock::{DistributedLock, LockGuard, LockRelease};

use std::time::Duration;

use async_trait::async_trait;

/// An async key-value cache shared by every part of the SDK (tokens, contexts, dedup, sessions).
///
/// The trait is object safe: the SDK holds caches as `Arc<dyn Cache>`. All operations are atomic
/// with respect to each other on one key. A TTL of `None` in [`Cache::set`] means "no expiry".
///
/// Implementations: `MemoryCache` (here), `weixin-cache-redis`, `weixin-cache-memcached`. Every
/// implementation must pass the conformance suite in `weixin_core::testkit` (feature `testkit`).
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
}
