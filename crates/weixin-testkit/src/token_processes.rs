//! A multi-process proof for the token broker over a shared backend.
//!
//! [`run`] re-executes the calling test binary as 4 worker processes, each with its own `Weixin`
//! registry and its own backend connection, which fire 250 concurrent `access_token()` calls
//! each (1,000 in total) at the same instant against a fake token endpoint (wiremock, loopback).
//! It asserts that the fetch happens exactly once across all processes:
//!
//! 1. on a cold cache;
//! 2. at token expiry: the parent stores a token whose expiry is inside the refresh margin
//!    (still valid, no longer fresh) and the endpoint now answers with a second token.
//!
//! Each worker prints one `TOKEN_WORKER key=value ...` line that the parent parses.
//!
//! ```no_run
//! use std::sync::Arc;
//! use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
//! use weixin_testkit::token_processes::{self, Backend};
//!
//! // In a backend crate's tests (the function name must match `test_name`):
//! // #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
//! async fn four_processes_fetch_the_token_once() {
//!     let backend = Backend {
//!         name: "mybackend",
//!         test_name: "four_processes_fetch_the_token_once",
//!         url_var: "MY_BACKEND_URL",
//!     };
//!     token_processes::run(&backend, "my://127.0.0.1:1".to_owned(), |_url| {
//!         Box::pin(async move {
//!             let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new()); // connect to `_url`
//!             let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
//!             (cache, lock)
//!         })
//!     })
//!     .await;
//! }
//! ```

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio::task::JoinSet;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use weixin_core::cache::{Cache, DistributedLock};
use weixin_core::token::StoredToken;
use weixin_core::{AppConfig, Secret, Weixin};

/// The backend under test.
#[derive(Debug, Clone, Copy)]
pub struct Backend {
    /// A short name for messages, e.g. `"redis"`.
    pub name: &'static str,
    /// The name of the `#[test]` function calling [`run`] (the workers re-run exactly it).
    pub test_name: &'static str,
    /// The environment variable holding the backend URL (passed on to the workers).
    pub url_var: &'static str,
}

/// Connects to the backend at a URL: the shared cache and the lock to use with it.
pub type Connect =
    fn(String) -> Pin<Box<dyn Future<Output = (Arc<dyn Cache>, Arc<dyn DistributedLock>)> + Send>>;

const ROLE_VAR: &str = "WEIXIN_TESTKIT_TOKEN_WORKER";
const API_VAR: &str = "WEIXIN_TESTKIT_TOKEN_WORKER_API";
const PREFIX_VAR: &str = "WEIXIN_TESTKIT_TOKEN_WORKER_PREFIX";
const GO_VAR: &str = "WEIXIN_TESTKIT_TOKEN_WORKER_GO_MS";
const RESULT_TAG: &str = "TOKEN_WORKER";

const APPID: &str = "wx_multi_process";
const SECRET: &str = "multi-process-secret";
const TOKEN_1: &str = "TOKEN_multi_process_round_1";
const TOKEN_2: &str = "TOKEN_multi_process_round_2";
/// Worker processes per round.
pub const WORKERS: usize = 4;
/// Concurrent `access_token()` calls per worker.
pub const CALLS_PER_WORKER: usize = 250;
/// How far ahead of the spawn the common start instant lies (process start + connect).
const LEAD: Duration = Duration::from_millis(2500);
/// The fake endpoint answers slowly, so the other processes really contend for the lock.
const ENDPOINT_DELAY: Duration = Duration::from_millis(300);
const ROUND_TIMEOUT: Duration = Duration::from_secs(15);

/// Runs the proof (parent) or, in a re-executed worker process, the worker's part.
///
/// `url` is the backend URL (read it with the crate's "fail clearly when missing" helper before
/// calling). Panics with a clear message when any check fails.
pub async fn run(backend: &Backend, url: String, connect: Connect) {
    if std::env::var_os(ROLE_VAR).is_some() {
        worker(url, connect).await;
        return;
    }
    let started = Instant::now();
    let prefix = super::Namespace::new("token_multi_process").key("weixin");
    let server = MockServer::start().await;
    let (cache, _) = connect(url.clone()).await;
    // A registry in the parent only to learn the token's cache key (never fetches).
    let key = registry(&server.uri(), &prefix, &cache)
        .access_tokens()
        .cache_key(APPID)
        .unwrap_or_else(|e| panic!("cache_key: {e}"));

    // Round 1: cold cache.
    mount_token(&server, TOKEN_1).await;
    let round1 = run_round(backend, &server, &url, &prefix).await;
    check_round("round 1 (cold cache)", &round1, TOKEN_1);
    assert_requests(&server, "cold cache").await;

    // Round 2: at expiry. The stored token is still valid for 60 s but inside the 300 s margin.
    server.reset().await;
    mount_token(&server, TOKEN_2).await;
    let now = now_ms();
    let stale = StoredToken {
        token: Secret::from(TOKEN_1),
        expires_at: now + 60_000,
        fetched_at: now - 7_140_000,
    };
    let bytes = serde_json::to_vec(&stale).unwrap_or_else(|e| panic!("encode token: {e}"));
    cache
        .set(&key, &bytes, Some(Duration::from_secs(60)))
        .await
        .unwrap_or_else(|e| panic!("store the almost-expired token: {e}"));
    let round2 = run_round(backend, &server, &url, &prefix).await;
    check_round("round 2 (at expiry)", &round2, TOKEN_2);
    assert_requests(&server, "at expiry").await;

    let stored = cache
        .get(&key)
        .await
        .unwrap_or_else(|e| panic!("read the stored token: {e}"))
        .and_then(|raw| serde_json::from_slice::<StoredToken>(&raw).ok())
        .unwrap_or_else(|| panic!("no token stored under {key}"));
    assert_eq!(
        stored.token.expose(),
        TOKEN_2,
        "the new token is in {}",
        backend.name
    );
    assert!(
        stored.expires_at > now_ms() + 7_000_000,
        "stored with the endpoint's 7200 s expiry"
    );
    let _ = cache.delete(&key).await;
    println!(
        "{}, {WORKERS} processes x {CALLS_PER_WORKER} calls: token_fetches = {} (cold), {} (at expiry); lock_waits = {}, {}; {:.1?} in total",
        backend.name,
        total(&round1, "token_fetches"),
        total(&round2, "token_fetches"),
        total(&round1, "lock_waits"),
        total(&round2, "lock_waits"),
        started.elapsed()
    );
}

fn registry(api: &str, prefix: &str, cache: &Arc<dyn Cache>) -> Weixin {
    registry_with_lock(api, prefix, cache.clone(), None)
}

fn registry_with_lock(
    api: &str,
    prefix: &str,
    cache: Arc<dyn Cache>,
    lock: Option<Arc<dyn DistributedLock>>,
) -> Weixin {
    let mut builder = Weixin::builder()
        .api_base(api)
        .key_prefix(prefix)
        .cache(cache)
        .app(AppConfig::new(APPID, SECRET));
    if let Some(lock) = lock {
        builder = builder.lock(lock);
    }
    builder
        .build()
        .unwrap_or_else(|e| panic!("registry builds: {e}"))
}

async fn mount_token(server: &MockServer, token: &str) {
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .and(body_partial_json(json!({
            "grant_type": "client_credential",
            "appid": APPID,
            "force_refresh": false,
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": token, "expires_in": 7200}))
                .set_delay(ENDPOINT_DELAY),
        )
        .expect(1)
        .named("stable_token")
        .mount(server)
        .await;
}

async fn assert_requests(server: &MockServer, round: &str) {
    let received = server.received_requests().await.map(|r| r.len());
    assert_eq!(
        received,
        Some(1),
        "{round}: the token endpoint got {received:?} requests"
    );
    server.verify().await;
}

type WorkerReport = HashMap<String, String>;

/// Spawns the workers with a common start instant and collects their reports.
async fn run_round(
    backend: &Backend,
    server: &MockServer,
    url: &str,
    prefix: &str,
) -> Vec<WorkerReport> {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let go = now_ms() + i64::try_from(LEAD.as_millis()).unwrap_or(i64::MAX);
    let mut children = JoinSet::new();
    for _ in 0..WORKERS {
        let child = tokio::process::Command::new(&exe)
            .args([
                backend.test_name,
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ROLE_VAR, "1")
            .env(API_VAR, server.uri())
            .env(PREFIX_VAR, prefix)
            .env(GO_VAR, go.to_string())
            .env(backend.url_var, url)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn worker: {e}"));
        children.spawn(child.wait_with_output());
    }
    let mut reports = Vec::with_capacity(WORKERS);
    let collect = async {
        while let Some(joined) = children.join_next().await {
            let output = joined
                .unwrap_or_else(|e| panic!("join worker: {e}"))
                .unwrap_or_else(|e| panic!("wait for worker: {e}"));
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success(),
                "a worker failed: {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                output.status
            );
            let report = stdout
                .lines()
                // The harness may have printed `test ... ` on the same line.
                .find_map(|line| line.split_once(RESULT_TAG).map(|(_, rest)| rest))
                .map(|rest| {
                    rest.split_whitespace()
                        .filter_map(|kv| kv.split_once('='))
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect::<WorkerReport>()
                })
                .unwrap_or_else(|| panic!("a worker printed no {RESULT_TAG} line:\n{stdout}"));
            reports.push(report);
        }
    };
    if tokio::time::timeout(ROUND_TIMEOUT, collect).await.is_err() {
        // Dropping the JoinSet drops the children, which kills them (kill_on_drop).
        panic!("the workers did not finish within {ROUND_TIMEOUT:?}");
    }
    reports
}

fn field(report: &WorkerReport, name: &str) -> u64 {
    report
        .get(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("worker report without a numeric {name}: {report:?}"))
}

fn total(reports: &[WorkerReport], name: &str) -> u64 {
    reports.iter().map(|r| field(r, name)).sum()
}

fn check_round(round: &str, reports: &[WorkerReport], token: &str) {
    assert_eq!(reports.len(), WORKERS, "{round}: every worker reported");
    let pids: HashSet<_> = reports.iter().map(|r| field(r, "pid")).collect();
    assert_eq!(pids.len(), WORKERS, "{round}: distinct processes");
    for r in reports {
        assert_eq!(
            r.get("token").map(String::as_str),
            Some(token),
            "{round}: every process saw the same token: {reports:?}"
        );
        assert_eq!(field(r, "calls"), CALLS_PER_WORKER as u64, "{round}: {r:?}");
        assert!(
            field(r, "ready_before_go_ms") > 0,
            "{round}: a worker was ready only after the common start instant (raise LEAD): {r:?}"
        );
        assert_eq!(field(r, "lock_timeouts"), 0, "{round}: {r:?}");
    }
    for r in reports {
        println!("{round}: {r:?}");
    }
    assert_eq!(
        total(reports, "token_fetches"),
        1,
        "{round}: token fetches summed over the processes: {reports:?}"
    );
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_else(|e| panic!("clock before 1970: {e}"));
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn worker(url: String, connect: Connect) {
    let api = env(API_VAR);
    let prefix = env(PREFIX_VAR);
    let go: i64 = env(GO_VAR)
        .parse()
        .unwrap_or_else(|e| panic!("{GO_VAR}: {e}"));
    let (cache, lock) = connect(url).await;
    let wx = registry_with_lock(&api, &prefix, cache, Some(lock));

    let ready_before_go = go - now_ms();
    let start = tokio::time::Instant::now()
        + Duration::from_millis(u64::try_from(ready_before_go).unwrap_or(0));
    let mut set = JoinSet::new();
    for _ in 0..CALLS_PER_WORKER {
        let wx = wx.clone();
        set.spawn(async move {
            tokio::time::sleep_until(start).await;
            wx.app(APPID)?.access_token().await
        });
    }
    let mut tokens = HashSet::new();
    let mut calls = 0usize;
    while let Some(joined) = set.join_next().await {
        let token = joined
            .unwrap_or_else(|e| panic!("call task: {e}"))
            .unwrap_or_else(|e| panic!("access_token failed: {e}"));
        tokens.insert(token.expose().to_owned());
        calls += 1;
    }
    let elapsed = start.elapsed();
    assert_eq!(tokens.len(), 1, "one token within the process: {tokens:?}");
    let token = tokens.into_iter().next().unwrap_or_default();
    let stats = wx.stats();
    println!(
        "{RESULT_TAG} pid={} token={token} calls={calls} token_fetches={} lock_waits={} lock_timeouts={} ready_before_go_ms={ready_before_go} elapsed_ms={}",
        std::process::id(),
        stats.token_fetches,
        stats.lock_waits,
        stats.lock_timeouts,
        elapsed.as_millis()
    );
}
