//! Token contention: 4 processes x 250 concurrent `access_token()` calls at token expiry,
//! sharing Redis, against the simulator. The budget is exactly one token fetch.
//!
//! [`run`] (subcommand `token`) starts the simulator in process with a short token TTL,
//! fetches the first token through a `Weixin` over Redis (the warm-up), then starts the
//! worker processes (subcommand `token-worker`, this same binary). They connect to Redis,
//! build their own `Weixin`, and at one agreed instant, just after the stored token has
//! expired, each fires its concurrent calls. The simulator's inspection API counts the token
//! fetches after the warm-up; the workers report every call's latency.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::task::JoinSet;
use weixin_cache_redis::{RedisCache, RedisConfig};
use weixin_core::cache::{Cache, DistributedLock};
use weixin_core::{AppConfig, Weixin};
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, SimConfig, Simulator};

use crate::report::Line;

/// Worker processes.
pub const WORKERS: usize = 4;
/// Concurrent calls per worker.
pub const CALLS: usize = 250;
/// The simulator's token lifetime.
pub const TOKEN_TTL: Duration = Duration::from_secs(3);
/// The SDK's refresh margin: a token is fresh for `TOKEN_TTL - MARGIN` after its fetch.
pub const MARGIN: Duration = Duration::from_secs(1);
/// When the workers fire, after the warm-up fetch: past the token's real expiry.
pub const GO_AFTER: Duration = Duration::from_millis(3_500);
/// The tag of a worker's result line.
const WORKER_TAG: &str = "TOKEN_WORKER";

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or(0)
}

async fn weixin(redis_url: &str, api_base: &str, prefix: &str) -> Result<Weixin, String> {
    let cache = RedisCache::connect(RedisConfig::new(redis_url).connections(2))
        .await
        .map_err(|err| format!("cannot connect to Redis at {redis_url}: {err}"))?;
    let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
    let cache: Arc<dyn Cache> = Arc::new(cache);
    Weixin::builder()
        .cache(cache)
        .lock(lock)
        .api_base(api_base)
        .key_prefix(prefix)
        .token_margin(MARGIN)
        .lock_wait(Duration::from_secs(10))
        .app(AppConfig::new(DEFAULT_APPID, DEFAULT_SECRET))
        .build()
        .map_err(|err| err.to_string())
}

/// The value at quantile `q` (0..=1) of sorted `values` (nearest rank); 0 when empty.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// What the contention run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Contention {
    /// Token fetches during the contended calls (the budget is 1).
    pub fetches: usize,
    /// Calls made, across all workers.
    pub calls: usize,
    /// Calls that failed.
    pub errors: usize,
    /// Latency of every call in microseconds, sorted.
    pub latencies_us: Vec<u64>,
}

/// Runs the contention measurement against Redis at `redis_url`; the workers are `exe
/// token-worker ...` (this binary: `std::env::current_exe()`).
pub async fn run(redis_url: &str, exe: &Path) -> Result<Contention, String> {
    let sim = Simulator::start(SimConfig::default().token_ttl(TOKEN_TTL))
        .await
        .map_err(|err| format!("cannot start the simulator: {err}"))?;
    let prefix = format!("bench{}x{}", std::process::id(), unix_ms());
    let warm = weixin(redis_url, sim.base_url(), &prefix).await?;
    let app = warm.app(DEFAULT_APPID).map_err(|err| err.to_string())?;
    app.access_token()
        .await
        .map_err(|err| format!("warm-up token fetch failed: {err}"))?;
    let go_at = unix_ms() + GO_AFTER.as_millis() as u64;
    let before = sim.handle().token_count(DEFAULT_APPID);

    let mut children = Vec::with_capacity(WORKERS);
    for _ in 0..WORKERS {
        let child = Command::new(exe)
            .args([
                "token-worker",
                "--redis",
                redis_url,
                "--api",
                sim.base_url(),
            ])
            .args(["--prefix", &prefix, "--go-at-ms", &go_at.to_string()])
            .args(["--calls", &CALLS.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| format!("cannot start a worker: {err}"))?;
        children.push(child);
    }
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output())
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|err| format!("waiting for the workers failed: {err}"))?;

    let mut latencies_us = Vec::new();
    let mut errors = 0;
    let mut calls = 0;
    for output in outputs {
        let output = output.map_err(|err| format!("a worker failed: {err}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find_map(|line| line.strip_prefix(WORKER_TAG))
            .ok_or_else(|| format!("a worker ({}) printed no result: {stdout}", output.status))?;
        for field in line.split_whitespace() {
            match field.split_once('=') {
                Some(("errors", n)) => errors += n.parse::<usize>().unwrap_or(0),
                Some(("calls", n)) => calls += n.parse::<usize>().unwrap_or(0),
                Some(("us", list)) => {
                    latencies_us.extend(list.split(',').filter_map(|us| us.parse::<u64>().ok()))
                }
                _ => {}
            }
        }
    }
    latencies_us.sort_unstable();
    let fetches = sim.handle().token_count(DEFAULT_APPID) - before;
    let _ = sim.stop().await;
    Ok(Contention {
        fetches,
        calls,
        errors,
        latencies_us,
    })
}

/// One worker: waits for `go_at_ms`, then makes `calls` concurrent `access_token()` calls and
/// prints one `TOKEN_WORKER` line.
pub async fn worker(
    redis_url: &str,
    api_base: &str,
    prefix: &str,
    go_at_ms: u64,
    calls: usize,
) -> Result<(), String> {
    let weixin = weixin(redis_url, api_base, prefix).await?;
    let app = weixin.app(DEFAULT_APPID).map_err(|err| err.to_string())?;
    let now = unix_ms();
    let late_ms = now.saturating_sub(go_at_ms);
    tokio::time::sleep(Duration::from_millis(go_at_ms.saturating_sub(now))).await;
    let mut set = JoinSet::new();
    for _ in 0..calls {
        let app = app.clone();
        set.spawn(async move {
            let start = Instant::now();
            let ok = app.access_token().await.is_ok();
            (ok, start.elapsed().as_micros() as u64)
        });
    }
    let mut errors = 0;
    let mut latencies = Vec::with_capacity(calls);
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((ok, us)) => {
                errors += usize::from(!ok);
                latencies.push(us.to_string());
            }
            Err(_) => errors += 1,
        }
    }
    println!(
        "{WORKER_TAG} calls={calls} errors={errors} late_ms={late_ms} us={}",
        latencies.join(",")
    );
    Ok(())
}

/// Prints the result line.
pub fn print(result: &Contention) {
    Line::new("token")
        .field("fetches", result.fetches)
        .field("calls", result.calls)
        .field("errors", result.errors)
        .field(
            "p50_ms",
            format!(
                "{:.2}",
                quantile(&result.latencies_us, 0.50) as f64 / 1000.0
            ),
        )
        .field(
            "p99_ms",
            format!(
                "{:.2}",
                quantile(&result.latencies_us, 0.99) as f64 / 1000.0
            ),
        )
        .field(
            "max_ms",
            format!("{:.2}", quantile(&result.latencies_us, 1.0) as f64 / 1000.0),
        )
        .print();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile(&values, 0.99), 99);
        assert_eq!(quantile(&values, 0.5), 50);
        assert_eq!(quantile(&values, 1.0), 100);
        assert_eq!(quantile(&[], 0.99), 0);
        assert_eq!(quantile(&[7], 0.99), 7);
    }

    #[test]
    fn the_workers_fire_after_the_token_expired() {
        assert!(GO_AFTER > TOKEN_TTL);
        assert!(MARGIN < TOKEN_TTL);
    }
}
