//! The test kit for weixin SDK cache backends: the conformance suite every [`Cache`] and
//! [`DistributedLock`] implementation must pass, and the harder proofs that go with it. Add it
//! as a dev-dependency:
//!
//! ```toml
//! [dev-dependencies]
//! weixin-testkit = "0.1"
//! ```
//!
//! The memory cache runs the suite in this crate's tests; `weixin-cache-redis` and
//! `weixin-cache-memcached` run it against real servers. Every check uses its own random key
//! prefix ([`Namespace`]), so one server can be shared by concurrent and repeated runs. A failed
//! check panics with a message saying what was expected.
//!
//! [`run_all`] takes about [`EXPIRY_WAIT`] plus a second or two: the checks that must wait for a
//! TTL run concurrently with the others. Use a multi-threaded runtime so the race checks really
//! race.
//!
//! ```
//! use std::sync::Arc;
//! use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
//!
//! # async fn conformance() {
//! // In a backend crate: #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
//! let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new()); // e.g. RedisCache::connect(url)
//! let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
//! weixin_testkit::run_all(cache, lock).await;
//! # }
//! ```
//!
//! The individual checks are public too, to run one while debugging a backend.
//!
//! [`token_processes`] proves the token broker fetches once across OS processes sharing a
//! backend, and [`lock_processes`] that a lock excludes across them. [`outage`] holds the
//! failure scenarios (a server down at start, killed and restarted, frozen and thawed) for a
//! backend whose server runs as an [`OwnServer`]; [`expect_transient`] and [`retry_until_ok`]
//! help with the backend's own failure tests. [`bench`](mod@bench) holds the cases the
//! backends' benches measure.

mod atomic;
mod basics;
pub mod bench;
pub mod endpoints;
mod lock;
pub mod lock_processes;
mod namespace;
pub mod outage;
mod own_server;
pub mod token_processes;
mod transient;
mod ttl;
mod values;

pub use atomic::{
    RACERS, add_race, add_semantics, compare_and_delete, compare_and_swap, compare_and_swap_race,
};
pub use basics::{get_set_delete, set_overwrites, zero_ttl_rejected};
pub use lock::{
    CONTENDERS, lock_expires_when_owner_vanishes, lock_extend, lock_lost_after_expiry,
    lock_mutual_exclusion, lock_release_frees, lock_wait_times_out,
};
pub use namespace::Namespace;
pub use own_server::{OwnServer, SIGNAL_TIMEOUT, free_port};
pub use transient::{expect_transient, retry_until_ok};
pub use ttl::{EXPIRY_WAIT, SHORT_TTL, add_after_expiry, ttl_expiry};
pub use values::{LARGE_VALUE_LEN, binary_values, large_values, unusual_keys};

use std::sync::Arc;

use weixin_core::cache::{Cache, DistributedLock};

/// Runs every check: [`run_cache_checks`] on `cache` and [`run_lock_checks`] on `lock`,
/// concurrently.
///
/// `lock` is usually a [`CacheLock`](weixin_core::cache::CacheLock) over `cache`, or the backend's native lock.
pub async fn run_all(cache: Arc<dyn Cache>, lock: Arc<dyn DistributedLock>) {
    tokio::join!(run_cache_checks(&cache), run_lock_checks(&lock));
}

/// Runs every [`Cache`] check; the ones that sleep run concurrently with the rest.
pub async fn run_cache_checks(cache: &Arc<dyn Cache>) {
    let quick = async {
        get_set_delete(cache).await;
        set_overwrites(cache).await;
        zero_ttl_rejected(cache).await;
        add_semantics(cache).await;
        add_race(cache).await;
        compare_and_swap(cache).await;
        compare_and_swap_race(cache).await;
        compare_and_delete(cache).await;
        binary_values(cache).await;
        large_values(cache).await;
        unusual_keys(cache).await;
    };
    tokio::join!(quick, ttl_expiry(cache), add_after_expiry(cache));
}

/// Runs every [`DistributedLock`] check; the ones that sleep run concurrently with the rest.
pub async fn run_lock_checks(lock: &Arc<dyn DistributedLock>) {
    let quick = async {
        lock_mutual_exclusion(lock).await;
        lock_release_frees(lock).await;
        lock_wait_times_out(lock).await;
    };
    tokio::join!(
        quick,
        lock_expires_when_owner_vanishes(lock),
        lock_extend(lock),
        lock_lost_after_expiry(lock)
    );
}
