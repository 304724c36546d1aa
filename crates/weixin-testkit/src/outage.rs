//! Outage scenarios every networked backend must survive, against a real server process owned
//! by the test ([`OwnServer`]): down at start, killed and restarted on the same port, frozen
//! (SIGSTOP: connections stay open, nothing answers) and thawed.
//!
//! A backend describes how to start its server and connect to it in an [`OutageBackend`], then
//! calls each scenario from its own `#[tokio::test]`. Each scenario panics with a message saying
//! what was expected.
//!
//! ```no_run
//! use std::sync::Arc;
//! use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
//! use weixin_testkit::outage::{self, Connected, OutageBackend};
//! use weixin_testkit::OwnServer;
//!
//! fn start(port: u16) -> OwnServer {
//!     OwnServer::spawn("redis-server", ["--port", &port.to_string(), "--save", ""], port)
//! }
//!
//! fn connect(port: u16) -> Connected {
//!     // A real backend connects to 127.0.0.1:`port` with `outage::OP_TIMEOUT` and
//!     // `outage::CONNECT_TIMEOUT`.
//!     let _ = port;
//!     Box::pin(async move {
//!         let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
//!         let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
//!         Ok((cache, lock))
//!     })
//! }
//!
//! const BACKEND: OutageBackend = OutageBackend { name: "redis", start, connect };
//!
//! // #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
//! async fn the_same_cache_recovers_after_the_server_is_killed_and_restarted() {
//!     outage::killed_and_restarted(&BACKEND).await;
//! }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use weixin_core::cache::{Cache, CacheError, CacheErrorKind, DistributedLock};

use super::{OwnServer, expect_transient, free_port, retry_until_ok};

/// The operation timeout the backend's [`OutageBackend::connect`] must configure.
pub const OP_TIMEOUT: Duration = Duration::from_millis(500);
/// The connect timeout the backend's [`OutageBackend::connect`] must configure.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// Scheduling slack on a busy 2-core machine.
const SLACK: Duration = Duration::from_millis(1500);
/// How long a restarted or thawed server may take to answer again.
const RESTART_RECOVERY: Duration = Duration::from_secs(15);
const THAW_RECOVERY: Duration = Duration::from_secs(10);

/// A cache on one server and the lock to use with it (usually the backend's native lock).
pub type CacheAndLock = (Arc<dyn Cache>, Arc<dyn DistributedLock>);

/// What [`OutageBackend::connect`] returns: the connection attempt.
pub type Connected = Pin<Box<dyn Future<Output = Result<CacheAndLock, CacheError>> + Send>>;

/// How to start a backend's server and build a cache on it.
#[derive(Debug, Clone, Copy)]
pub struct OutageBackend {
    /// The backend's name as its errors report it ([`CacheError::backend`]), e.g. `"redis"`.
    pub name: &'static str,
    /// Starts a server listening on 127.0.0.1:`port` (see [`OwnServer::spawn`]).
    pub start: fn(u16) -> OwnServer,
    /// Connects a cache to the server on 127.0.0.1:`port`, with [`OP_TIMEOUT`] and
    /// [`CONNECT_TIMEOUT`]; fails like the backend's constructor when nothing listens there.
    pub connect: fn(u16) -> Connected,
}

impl OutageBackend {
    async fn connected(&self, port: u16) -> CacheAndLock {
        (self.connect)(port)
            .await
            .unwrap_or_else(|e| panic!("connect to {} on port {port}: {e}", self.name))
    }
}

/// A server that is down when the cache is built fails the constructor quickly (within two
/// connect timeouts), with [`CacheErrorKind::Unavailable`] and an error naming the server.
pub async fn down_at_start(backend: &OutageBackend) {
    let started = Instant::now();
    let connected = (backend.connect)(free_port()).await.map(|_| ());
    let err = expect_transient(connected, backend.name, "connect");
    let took = started.elapsed();
    assert_eq!(err.kind(), CacheErrorKind::Unavailable, "{err}");
    assert!(took < CONNECT_TIMEOUT * 2 + SLACK, "took {took:?}");
    assert!(
        err.to_string().contains("127.0.0.1"),
        "names the server: {err}"
    );
}

/// While the server is killed, every operation (plain, conditional, lock) fails transiently
/// within its timeout; once a new server listens on the same port, the same cache and lock work
/// again, conditional operations included.
pub async fn killed_and_restarted(backend: &OutageBackend) {
    let name = backend.name;
    let port = free_port();
    let mut server = (backend.start)(port);
    let (cache, lock) = backend.connected(port).await;

    cache
        .set("k", b"before", None)
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));
    // Run a conditional operation before the outage: a backend that prepares them on the server
    // (Redis loads its scripts into the script cache) must cope with a restart forgetting that.
    assert!(matches!(
        cache.compare_and_delete("k", b"other").await,
        Ok(false)
    ));

    server.kill();
    for _ in 0..3 {
        let started = Instant::now();
        expect_transient(cache.get("k").await, name, "get while the server is down");
        expect_transient(
            cache.compare_and_delete("k", b"before").await,
            name,
            "compare_and_delete while down",
        );
        expect_transient(
            lock.acquire("lock", Duration::from_secs(5), Duration::ZERO)
                .await,
            name,
            "acquire while down",
        );
        let took = started.elapsed();
        assert!(
            took < OP_TIMEOUT * 3 + SLACK,
            "three operations took {took:?}"
        );
    }

    let _server = (backend.start)(port);
    retry_until_ok(RESTART_RECOVERY, "recovery after the restart", || {
        cache.set("k", b"after", None)
    })
    .await;
    assert_eq!(cache.get("k").await.ok().flatten(), Some(b"after".to_vec()));
    assert!(matches!(
        cache
            .compare_and_swap("k", Some(b"after"), b"swapped", None)
            .await,
        Ok(true)
    ));
    assert!(matches!(
        cache.compare_and_delete("k", b"swapped").await,
        Ok(true)
    ));
    let guard = lock
        .acquire("lock", Duration::from_secs(5), Duration::ZERO)
        .await
        .unwrap_or_else(|e| panic!("acquire after restart: {e}"))
        .unwrap_or_else(|| panic!("the lock is free on the fresh server"));
    assert!(matches!(
        guard.extend(Duration::from_secs(5)).await,
        Ok(true)
    ));
    assert!(matches!(guard.release().await, Ok(true)));
}

/// A frozen server makes a read fail with [`CacheErrorKind::Timeout`] after the operation
/// timeout (not earlier) and a lock attempt fail within it; after thawing, the same cache reads
/// the value stored before.
pub async fn frozen_then_thawed(backend: &OutageBackend) {
    let name = backend.name;
    let port = free_port();
    let server = (backend.start)(port);
    let (cache, lock) = backend.connected(port).await;
    cache
        .set("k", b"v", None)
        .await
        .unwrap_or_else(|e| panic!("set: {e}"));

    server.signal_stop();
    let started = Instant::now();
    let err = expect_transient(cache.get("k").await, name, "get from a frozen server");
    let took = started.elapsed();
    assert_eq!(err.kind(), CacheErrorKind::Timeout, "{err}");
    assert!(
        took >= OP_TIMEOUT - Duration::from_millis(50),
        "gave up early: {took:?}"
    );
    assert!(took < OP_TIMEOUT + SLACK, "took {took:?}");
    let started = Instant::now();
    expect_transient(
        lock.acquire("lock", Duration::from_secs(5), Duration::from_secs(1))
            .await,
        name,
        "acquire from a frozen server",
    );
    assert!(
        started.elapsed() < OP_TIMEOUT + SLACK,
        "acquire took {:?}",
        started.elapsed()
    );

    server.signal_continue();
    let value = retry_until_ok(THAW_RECOVERY, "recovery after thawing", || cache.get("k")).await;
    assert_eq!(value, Some(b"v".to_vec()));
}

/// A lock attempt sent to a frozen server has an unknown outcome (the server may store its
/// token after thawing); the lock releases it in the background, so the lock is free again long
/// before its 60 s TTL.
pub async fn lock_attempt_lost_while_frozen(backend: &OutageBackend) {
    let port = free_port();
    let server = (backend.start)(port);
    let (_cache, lock) = backend.connected(port).await;

    // The attempt reaches the frozen server's socket but gets no answer: its outcome is unknown.
    server.signal_stop();
    let err = lock
        .acquire("lock", Duration::from_secs(60), Duration::ZERO)
        .await
        .err()
        .unwrap_or_else(|| panic!("acquire from a frozen server must fail"));
    assert!(err.is_transient(), "{err}");
    server.signal_continue();

    // The server may now have stored that attempt's token; the background release removes
    // it, so the lock is free long before its 60 s TTL.
    let started = Instant::now();
    let guard = lock
        .acquire("lock", Duration::from_secs(60), Duration::from_secs(15))
        .await
        .unwrap_or_else(|e| panic!("acquire after thawing: {e}"))
        .unwrap_or_else(|| panic!("the unknown attempt kept the lock for 15 s"));
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(matches!(guard.release().await, Ok(true)));
}
