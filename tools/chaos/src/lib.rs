//! The chaos run of issue 10: three `wxopen-sample` processes sharing one real Redis, the
//! WeChat simulator with faults on, and WeChat's push retries spread over the instances, while
//! one instance is killed with SIGKILL and restarted, Redis is stopped for 5 s, and access
//! tokens expire every few seconds. At the end the checks are printed as a table.
//!
//! `cargo xtask chaos [--minutes N]` builds the binaries and runs `weixin-chaos`; the
//! one-minute version is the test `tests/short_run.rs` (part of `cargo xtask test`).
//!
//! | part | module |
//! |---|---|
//! | the run, the timeline of events | [`orchestrator`] |
//! | Redis with an fsynced AOF, killed and restarted on its port | [`redis_proc`] |
//! | a sample-app process: start, `/healthz`, RSS, kill -9, restart, SIGTERM | [`app_proc`] |
//! | WeChat's pushes, round-robin per attempt | [`load`] |
//! | the assertions and the table | [`checks`] |
//! | secrets, tokens and panics in the logs | [`logscan`] |
//!
//! ```no_run
//! # async fn demo() -> Result<(), weixin_chaos::ChaosError> {
//! let config = weixin_chaos::ChaosConfig::short("target/debug/wxopen-sample".into());
//! let report = weixin_chaos::orchestrator::run(config).await?;
//! println!("{}", report.table());
//! assert!(report.passed());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod app_proc;
pub mod checks;
pub mod load;
pub mod logscan;
pub mod orchestrator;
pub mod redis_proc;
pub mod secrets;

use std::path::PathBuf;
use std::time::Duration;

pub use checks::{ChaosReport, CheckRow};
use load::LoadPlan;
use weixin_sim::Faults;

/// The issue's floor for the full run: 10,000 pushes ...
const REQUIRED_PUSHES: u128 = 10_000;
/// ... in 3 minutes of load.
const REQUIRED_PER: Duration = Duration::from_secs(180);

/// Why a run could not take place (a failed check is not an error: see [`ChaosReport`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChaosError {
    /// A part could not be started; the message says which and what to do.
    Setup(String),
}

impl std::fmt::Display for ChaosError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Setup(message) => write!(f, "chaos run setup failed: {message}"),
        }
    }
}

impl std::error::Error for ChaosError {}

/// Everything a run is made of.
#[derive(Debug, Clone)]
pub struct ChaosConfig {
    /// How long pushes are started.
    pub duration: Duration,
    /// Pushes started per second.
    pub rate: u32,
    /// Pushes in flight at most.
    pub concurrency: usize,
    /// Distinct users.
    pub users: u32,
    /// App instances.
    pub instances: usize,
    /// The least number of pushes the run must send (the full run: [`required_pushes`]).
    pub min_pushes: u64,
    /// Access-token lifetime at the simulator.
    pub token_ttl: Duration,
    /// The simulator's renewal window: a stable token is renewed when it has less than this left.
    pub token_overlap: Duration,
    /// Faults of the simulator's API.
    pub faults: Faults,
    /// Seed of the fault generator.
    pub seed: u64,
    /// Pause before WeChat's retry of a push.
    pub retry_delay: Duration,
    /// The `wxopen-sample` binary (built with `--features redis`).
    pub app_binary: PathBuf,
    /// `redis-server`.
    pub redis_binary: PathBuf,
    /// Logs and Redis files go here.
    pub work_dir: PathBuf,
    /// `RUST_LOG` of the apps.
    pub rust_log: String,
    /// When the instance is killed, as a share of `duration`.
    pub kill_at: f64,
    /// Which instance is killed.
    pub kill_instance: usize,
    /// How long it stays dead.
    pub dead_for: Duration,
    /// When Redis is stopped, as a share of `duration`.
    pub redis_stop_at: f64,
    /// How long Redis stays down.
    pub redis_down_for: Duration,
    /// The most resident memory an instance may use, in bytes.
    pub rss_limit: u64,
}

impl ChaosConfig {
    /// The issue's full run: `minutes` (at least 1) of load at 60 pushes a second from 500
    /// users (10,800 pushes in 3 minutes), tokens living 20 s. It must send
    /// [`required_pushes`] for its length.
    pub fn full(minutes: u64, app_binary: PathBuf) -> Self {
        let duration = Duration::from_secs(minutes.max(1) * 60);
        Self {
            duration,
            rate: 60,
            concurrency: 64,
            min_pushes: required_pushes(duration),
            token_ttl: Duration::from_secs(20),
            ..Self::base(app_binary)
        }
    }

    /// The one-minute version run by `cargo xtask test`: 40 pushes a second (2,400 pushes),
    /// at most 24 in flight (the tests share two cores), tokens living 15 s.
    pub fn short(app_binary: PathBuf) -> Self {
        Self {
            duration: Duration::from_secs(60),
            rate: 40,
            concurrency: 24,
            min_pushes: 2_000,
            token_ttl: Duration::from_secs(15),
            ..Self::base(app_binary)
        }
    }

    /// The load this configuration offers: `rate` pushes a second for `duration`, each tried
    /// at most 3 times with WeChat's 5 s timeout.
    pub fn load_plan(&self) -> LoadPlan {
        LoadPlan {
            rate: self.rate,
            duration: self.duration,
            concurrency: self.concurrency,
            users: self.users,
            attempt_timeout: Duration::from_secs(5),
            max_attempts: 3,
            retry_delay: self.retry_delay,
            first_msg_id: 7_000_000_000_000_000_000,
        }
    }

    /// The fewest access tokens the simulator must have issued by the end: the apps send
    /// messages through the whole load, and a token lives `token_ttl`, so at least one per
    /// `token_ttl` of load (at least 1).
    pub fn min_tokens(&self) -> usize {
        let ttl = self.token_ttl.as_secs().max(1);
        usize::try_from(self.duration.as_secs() / ttl)
            .unwrap_or(usize::MAX)
            .max(1)
    }

    fn base(app_binary: PathBuf) -> Self {
        Self {
            duration: Duration::from_secs(60),
            rate: 40,
            concurrency: 24,
            users: 500,
            instances: 3,
            min_pushes: 0,
            token_ttl: Duration::from_secs(15),
            token_overlap: Duration::from_secs(5),
            faults: Faults {
                busy: 0.10,
                http_5xx: 0.0,
                drop: 0.02,
                latency_share: 0.05,
                latency: Duration::from_millis(1200),
            },
            seed: 0xC4A05,
            retry_delay: Duration::from_millis(100),
            app_binary,
            redis_binary: PathBuf::from("redis-server"),
            work_dir: std::env::temp_dir().join(format!("weixin-chaos-{}", std::process::id())),
            rust_log: "info,weixin_core=debug".to_owned(),
            kill_at: 0.3,
            kill_instance: 1,
            dead_for: Duration::from_secs(2),
            redis_stop_at: 0.6,
            redis_down_for: Duration::from_secs(5),
            rss_limit: 256 * 1024 * 1024,
        }
    }
}

/// The pushes a full run of `duration` must send: the issue's 10,000 in 3 minutes, pro rata
/// (rounded up), so that every length asks for the same rate, 55.6 a second. The full run
/// offers 60 a second, 8% above it.
pub fn required_pushes(duration: Duration) -> u64 {
    let pushes = (REQUIRED_PUSHES * duration.as_millis()).div_ceil(REQUIRED_PER.as_millis());
    u64::try_from(pushes).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floors_scale_with_the_run_length() {
        for (minutes, floor) in [(1, 3_334), (2, 6_667), (3, 10_000), (10, 33_334)] {
            let config = ChaosConfig::full(minutes, "wxopen-sample".into());
            let secs = minutes * 60;
            assert_eq!(config.duration, Duration::from_secs(secs));
            assert_eq!(config.min_pushes, floor, "{minutes} min");

            // The offered load is above the floor, by the same margin at every length.
            let offered = config.load_plan().total();
            assert_eq!(offered, 3_600 * minutes);
            assert!(config.min_pushes <= offered, "{minutes} min");
            assert!(
                offered - config.min_pushes >= 7 * offered / 100,
                "{minutes} min"
            );

            // Tokens: one per TTL of load at least, and no more than the renewals the
            // simulator can issue in that time (one per TTL minus the renewal window, plus the
            // first).
            let renew_every = (config.token_ttl - config.token_overlap).as_secs();
            assert_eq!(config.min_tokens() as u64, secs / 20);
            assert!(config.min_tokens() >= 3);
            assert!((config.min_tokens() as u64) < secs / renew_every + 1);

            // The kill and the Redis outage end well inside the load.
            let end = |share: f64, down: Duration| config.duration.mul_f64(share) + down;
            assert!(end(config.kill_at, config.dead_for) < config.duration);
            assert!(end(config.redis_stop_at, config.redis_down_for) < config.duration);
        }
        // No run is shorter than a minute.
        assert_eq!(ChaosConfig::full(0, "x".into()).min_pushes, 3_334);
    }

    #[test]
    fn the_short_run_offers_more_than_its_floor() {
        let config = ChaosConfig::short("wxopen-sample".into());
        assert_eq!(config.load_plan().total(), 2_400);
        assert!(config.min_pushes <= 2_400);
        assert_eq!(config.min_tokens(), 4);
    }
}
