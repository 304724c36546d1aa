//! Redis cache and distributed lock backend for the weixin SDK.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! - [`RedisCache`] implements [`weixin_core::cache::Cache`]: `GET`, `SET [PX]`, `DEL`,
//!   `SET NX PX` for `add`, and single-key Lua scripts for compare-and-swap and
//!   compare-and-delete.
//! - [`RedisLock`] implements [`weixin_core::cache::DistributedLock`]: `SET key token NX PX ttl`
//!   to acquire, owner-checked scripts to release (`GET == token → DEL`) and extend
//!   (`GET == token → SET PX`); it is `weixin_core::cache::CacheLock` over this cache.
//! - [`RedisConfig`] holds the URL and the options.
//!
//! No `redis::` type appears in this API, so the client can be upgraded without breaking you.
//!
//! # Connecting
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use weixin_cache_redis::{RedisCache, RedisConfig};
//! use weixin_core::cache::{Cache, DistributedLock};
//!
//! # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
//! let cache = RedisCache::connect(
//!     RedisConfig::new("redis://:password@127.0.0.1:6379/0")
//!         .operation_timeout(Duration::from_millis(500)) // bounds every operation
//!         .connect_timeout(Duration::from_secs(1))       // bounds each dial
//!         .connections(2),                               // multiplexed connections, round-robin
//! )
//! .await?;
//!
//! let cache_for_sdk: Arc<dyn Cache> = Arc::new(cache.clone());
//! let lock_for_sdk: Arc<dyn DistributedLock> = Arc::new(cache.lock());
//! # let _ = (cache_for_sdk, lock_for_sdk);
//! # Ok(()) }
//! ```
//!
//! # Failures
//!
//! Every operation is bounded by the operation timeout ([`CacheErrorKind::Timeout`] past it);
//! a refused or broken connection is [`CacheErrorKind::Unavailable`]. The constructor connects
//! eagerly, so a server that is down is reported there. A connection that breaks later is
//! redialed on the following operations: once the server is back, the same `RedisCache`
//! works again (tested by killing and restarting a real server). Lua scripts are sent with
//! `EVALSHA` and re-sent with `EVAL` after a restart emptied the script cache.
//!
//! [`CacheErrorKind::Timeout`]: weixin_core::cache::CacheErrorKind::Timeout
//! [`CacheErrorKind::Unavailable`]: weixin_core::cache::CacheErrorKind::Unavailable
//!
//! # Redis Cluster (feature `cluster`)
//!
//! `RedisConfig::cluster([...seed nodes])` connects through the `redis` crate's async cluster
//! client (the other nodes are discovered from the seeds). Every operation of this crate touches
//! exactly one key (commands and scripts alike), so each goes to the node owning that key's
//! slot; there are no multi-key pipelines across slots. Tested: the whole conformance suite runs
//! against a three-master cluster formed from throwaway `redis-server` processes with
//! `redis-cli --cluster create` (`tests/cluster.rs`, needs `redis-cli`); failover with replicas
//! is not tested.
//!
//! ```no_run
//! # #[cfg(feature = "cluster")]
//! # async fn demo() -> Result<(), weixin_core::cache::CacheError> {
//! use weixin_cache_redis::{RedisCache, RedisConfig};
//! let cache = RedisCache::connect(RedisConfig::cluster(["redis://10.0.0.1:7000"])).await?;
//! # let _ = cache; Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod cache;
mod client;
mod config;
mod conn;
mod error;
mod lock;
mod scripts;

pub use cache::RedisCache;
pub use config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_OPERATION_TIMEOUT, RedisConfig};
pub use lock::RedisLock;
