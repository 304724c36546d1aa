//! `POST /sim/burst`: many text pushes at once (each from its own user, optionally delivered
//! several times with the same `MsgId` as WeChat's retries are), their latency distribution,
//! and how many the app handled exactly once.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::bad_request;
use super::send::driver;
use super::spec::TargetSpec;
use crate::push::{AttemptOutcome, Push};
use crate::state::Shared;

/// Limits that keep one burst short.
const MAX_COUNT: u32 = 1000;
const MAX_CONCURRENCY: u32 = 100;
const MAX_COPIES: u32 = 3;
const MAX_SETTLE_MS: u64 = 5000;

/// Numbers the bursts of this process, so two bursts never share their users.
static BURSTS: AtomicU64 = AtomicU64::new(0);

/// Upper bounds (ms) of the histogram buckets; the last bucket is everything above.
const BUCKETS_MS: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// `POST /sim/burst` body.
#[derive(Debug, Deserialize)]
pub(crate) struct BurstRequest {
    target: TargetSpec,
    /// Pushes (distinct `MsgId`s).
    count: u32,
    /// Deliveries in flight at once.
    concurrency: u32,
    /// Deliveries of each push with the same body and `MsgId` (1 = no retries).
    #[serde(default = "one")]
    copies: u32,
    /// How long to wait after the last answer before counting the app's messages.
    #[serde(default = "default_settle")]
    settle_ms: u64,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
}

fn one() -> u32 {
    1
}

fn default_settle() -> u64 {
    300
}

fn default_timeout() -> u64 {
    5000
}

/// What one delivery gave.
struct Delivery {
    latency: Duration,
    outcome: AttemptOutcome,
}

pub(crate) async fn burst(
    State(shared): State<Arc<Shared>>,
    Json(req): Json<BurstRequest>,
) -> Response {
    if !(1..=MAX_COUNT).contains(&req.count)
        || !(1..=MAX_CONCURRENCY).contains(&req.concurrency)
        || !(1..=MAX_COPIES).contains(&req.copies)
    {
        return bad_request(format!(
            "count must be 1..={MAX_COUNT}, concurrency 1..={MAX_CONCURRENCY}, copies 1..={MAX_COPIES}"
        ));
    }
    let (driver, appid) = match driver(&shared, &req.target, req.timeout_ms) {
        Ok(d) => d,
        Err(e) => return bad_request(e),
    };
    let driver = Arc::new(driver.max_attempts(1));
    let tag = format!(
        "{:x}-{}",
        shared.clock.now_ms(),
        BURSTS.fetch_add(1, Ordering::Relaxed)
    );
    let prefix = format!("o-burst-{tag}-");
    let mut prepared = Vec::with_capacity(req.count as usize);
    for i in 0..req.count {
        let push = Push::text(format!("{prefix}{i}"), format!("burst {tag} #{i}"));
        match driver.prepare(&push) {
            Ok(p) => prepared.push(p),
            Err(e) => return bad_request(e.to_string()),
        }
        shared
            .state()
            .user_messaged(&shared.config, &appid, push.from_user(), shared.now());
    }
    let permits = Arc::new(Semaphore::new(req.concurrency as usize));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for p in prepared {
        let p = Arc::new(p);
        for _ in 0..req.copies {
            let (driver, permits, p) = (driver.clone(), permits.clone(), p.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.ok()?;
                let report = driver.resend(&p).await;
                report.attempts.into_iter().next().map(|a| Delivery {
                    latency: a.latency,
                    outcome: a.outcome,
                })
            });
        }
    }
    let mut deliveries = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(Some(d)) = done {
            deliveries.push(d);
        }
    }
    let elapsed = started.elapsed();
    tokio::time::sleep(Duration::from_millis(req.settle_ms.min(MAX_SETTLE_MS))).await;
    let handled = handled_counts(&shared, &appid, &prefix, req.count);
    Json(json!({
        "count": req.count,
        "concurrency": req.concurrency,
        "copies": req.copies,
        "elapsed_ms": elapsed.as_secs_f64() * 1000.0,
        "outcomes": outcomes(&deliveries),
        "latency_ms": latency_stats(&deliveries),
        "histogram": histogram(&deliveries),
        "handled": handled,
    }))
    .into_response()
}

/// Per push, the API messages the app sent its user: once, more than once, never.
fn handled_counts(shared: &Shared, appid: &str, prefix: &str, count: u32) -> serde_json::Value {
    let mut per_user: HashMap<String, u32> = HashMap::new();
    for m in shared.state().messages() {
        if m.appid == appid && m.touser.starts_with(prefix) {
            *per_user.entry(m.touser).or_default() += 1;
        }
    }
    let once = per_user.values().filter(|n| **n == 1).count();
    let more = per_user.values().filter(|n| **n > 1).count();
    let none = (count as usize).saturating_sub(per_user.len());
    json!({"once": once, "more": more, "none": none})
}

fn outcomes(deliveries: &[Delivery]) -> serde_json::Value {
    let mut by: HashMap<String, u32> = HashMap::new();
    for d in deliveries {
        let key = match &d.outcome {
            AttemptOutcome::Response { status, .. } => format!("http {status}"),
            AttemptOutcome::Timeout => "timeout".to_owned(),
            AttemptOutcome::ConnectionError(_) => "connection error".to_owned(),
        };
        *by.entry(key).or_default() += 1;
    }
    json!(by)
}

fn sorted_ms(deliveries: &[Delivery]) -> Vec<f64> {
    let mut ms: Vec<f64> = deliveries
        .iter()
        .map(|d| d.latency.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    ms
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn latency_stats(deliveries: &[Delivery]) -> serde_json::Value {
    let ms = sorted_ms(deliveries);
    let mean = if ms.is_empty() {
        0.0
    } else {
        ms.iter().sum::<f64>() / ms.len() as f64
    };
    json!({
        "min": ms.first().copied().unwrap_or(0.0),
        "p50": percentile(&ms, 50.0),
        "p90": percentile(&ms, 90.0),
        "p99": percentile(&ms, 99.0),
        "max": ms.last().copied().unwrap_or(0.0),
        "mean": mean,
    })
}

/// `[{"le": upper bound or null for the rest, "count": n}]`.
fn histogram(deliveries: &[Delivery]) -> serde_json::Value {
    let mut counts = [0u32; BUCKETS_MS.len() + 1];
    for ms in sorted_ms(deliveries) {
        let bucket = BUCKETS_MS
            .iter()
            .position(|le| ms <= *le)
            .unwrap_or(BUCKETS_MS.len());
        counts[bucket] += 1;
    }
    let buckets: Vec<_> = counts
        .iter()
        .enumerate()
        .map(|(i, n)| json!({"le": BUCKETS_MS.get(i), "count": n}))
        .collect();
    json!(buckets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 5.0);
        assert_eq!(percentile(&v, 90.0), 9.0);
        assert_eq!(percentile(&v, 99.0), 10.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
