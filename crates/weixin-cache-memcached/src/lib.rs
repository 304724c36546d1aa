//! Memcached cache and distributed lock backend for the weixin SDK.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! - [`MemcachedCache`] implements [`weixin_core::cache::Cache`].
//! - [`MemcachedLock`] implements [`weixin_core::cache::DistributedLock`]; it is
//!   `weixin_core::cache::CacheLock` over this cache.
//! - [`MemcachedConfig`] holds the server URL(s) and the options.
//!
//! It speaks the memcached **meta protocol** (`mg`/`ms`/`md`) through the `memcache` crate's
//! async `exp` client, pinned to `~0.21` because that module is experimental. No `memcache::`
//! type appears in this API.
//!
//! # Connecting
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use weixin_cache_memcached::{MemcachedCache, MemcachedConfig};
//! use weixin_core::cache::{Cache, DistributedLock};
//!
//! # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
//! let cache = MemcachedCache::connect(
//!     MemcachedConfig::new("memcache://127.0.0.1:11211")?
//!         .operation_timeout(Duration::from_millis(500)) // bounds every operation
//!         .connect_timeout(Duration::from_secs(1))       // bounds each dial
//!         .max_connections(Some(64))                     // per server; default: no cap
//!         .max_idle(16),                                 // pooled idle connections per server
//! )
//! .await?;
//!
//! let cache_for_sdk: Arc<dyn Cache> = Arc::new(cache.clone());
//! let lock_for_sdk: Arc<dyn DistributedLock> = Arc::new(cache.lock());
//! # let _ = (cache_for_sdk, lock_for_sdk);
//! # Ok(()) }
//! ```
//!
//! # Server requirements and settings
//!
//! - memcached **1.6 or later** (meta commands). Tested against Debian's 1.6.18.
//! - Values: memcached's item size limit (`-I`, default 1 MiB) includes the key and item
//!   overhead, so a value of exactly 1 MiB needs a larger limit, e.g. `memcached -I 2m`. A
//!   value over the limit fails with `InvalidInput` and leaves nothing stored.
//! - Memory: memcached evicts items under memory pressure (LRU), **locks included**. Size the
//!   server (`-m`) so that lock and token keys are not evicted, or use Redis for locks.
//!
//! # Semantics
//!
//! - **TTLs** are whole seconds. memcached's clock ticks once a second, so an item stored
//!   with `T<n>` may expire up to a second early; this backend sends `ceil(ttl) + 1` seconds,
//!   so an entry never expires before its TTL and lives at most about two seconds longer. TTLs
//!   above 30 days are sent as absolute Unix times (the client's clock). A zero TTL is
//!   rejected (memcached would read 0 as "never expires").
//! - **Keys** of 1 to 250 bytes of printable ASCII without spaces are stored as they are. Any
//!   other key (longer, empty, with spaces, control or non-ASCII characters) and any key
//!   starting with `#sha256:` is stored as `#sha256:` followed by the hex SHA-256 of its bytes:
//!   deterministic across processes, and distinct keys never share an entry (up to SHA-256
//!   collisions).
//! - **add** uses the meta add mode (`ms .. ME`), whose reply tells winning from losing.
//! - **compare_and_swap / compare_and_delete / lock release / extend** read the value with its
//!   CAS (`mg .. v c`), compare the bytes, then write with `ms .. C<cas>` or delete with
//!   `md .. C<cas>`. If another client wrote in between, the comparison is repeated on the
//!   fresh value, within the operation timeout.
//!
//! # Failures
//!
//! Every operation is bounded by the operation timeout ([`CacheErrorKind::Timeout`]); refused
//! or broken connections are [`CacheErrorKind::Unavailable`]. The constructor round-trips a
//! no-op on every server, so a server that is down is reported there. A broken connection is
//! dropped and redialed by later operations: after a server restart the same cache works
//! again (tested by killing and restarting a real server). A request that was sent but not
//! answered is reported with a note that its outcome is unknown.
//!
//! [`CacheErrorKind::Timeout`]: weixin_core::cache::CacheErrorKind::Timeout
//! [`CacheErrorKind::Unavailable`]: weixin_core::cache::CacheErrorKind::Unavailable
#![forbid(unsafe_code)]

mod cache;
mod client;
mod config;
mod error;
mod keys;
mod lock;
mod ops;

pub use cache::MemcachedCache;
pub use config::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_IDLE, DEFAULT_OPERATION_TIMEOUT, DEFAULT_PORT,
    MemcachedConfig,
};
pub use keys::HASHED_PREFIX;
pub use lock::MemcachedLock;
