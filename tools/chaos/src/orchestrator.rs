//! The run: simulator (in this process, faults on), one Redis, three sample-app processes, the
//! push load, and the chaos events on a timeline; then the evidence for the checks.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::process::ExitStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use weixin_sim::{
    EncryptMode, IssuedToken, PushDriver, PushFormat, PushTarget, SentMessage, SimApp, SimConfig,
    SimHandle, Simulator,
};

use crate::app_proc::{AppEnv, AppProc};
use crate::checks::{self, ChaosReport};
use crate::load::{self, LoadResult, LoadTargets};
use crate::logscan::{self, Forbidden, LogScan};
use crate::redis_proc::RedisProc;
use crate::{ChaosConfig, ChaosError, secrets};

/// When the chaos events happened, milliseconds since the run began.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The instance killed with SIGKILL.
    pub killed_instance: usize,
    /// When it was killed.
    pub killed_ms: Option<u64>,
    /// When it answered `/healthz` again.
    pub restarted_ms: Option<u64>,
    /// When Redis was killed.
    pub redis_down_ms: Option<u64>,
    /// When Redis answered `PING` again.
    pub redis_up_ms: Option<u64>,
    /// Event failures (an instance or Redis that did not come back).
    pub errors: Vec<String>,
}

/// Memory of one instance over the run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RssStats {
    /// First sample, bytes.
    pub first: u64,
    /// Highest sample, bytes.
    pub peak: u64,
    /// Last sample, bytes.
    pub last: u64,
    /// Samples taken.
    pub samples: u64,
}

impl RssStats {
    fn add(&mut self, bytes: u64) {
        if self.samples == 0 {
            self.first = bytes;
        }
        self.samples += 1;
        self.peak = self.peak.max(bytes);
        self.last = bytes;
    }
}

/// Everything the run observed; the checks read it.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The configuration the run used.
    pub config: ChaosConfig,
    /// The pushes planned.
    pub planned: u64,
    /// What the load recorded.
    pub load: LoadResult,
    /// Milliseconds from the run's start to the end of the last push.
    pub load_end_ms: u64,
    /// Customer-service messages in the simulator's inbox.
    pub messages: Vec<SentMessage>,
    /// Tokens the simulator issued.
    pub tokens_issued: Vec<IssuedToken>,
    /// Distinct token values seen in the simulator during the run.
    pub token_values_seen: usize,
    /// API calls per path at the simulator.
    pub calls: BTreeMap<String, u64>,
    /// The chaos events.
    pub timeline: Timeline,
    /// Memory per instance.
    pub rss: Vec<RssStats>,
    /// `/healthz` of each instance after the load.
    pub healthy_at_end: Vec<bool>,
    /// Exit status of each instance after SIGTERM (`None`: did not exit in time).
    pub exits: Vec<Option<ExitStatus>>,
    /// The log scan.
    pub logs: LogScan,
    /// Where the logs are.
    pub log_dir: PathBuf,
}

/// Runs the whole chaos run and returns the report (the checks applied to the evidence).
///
/// # Errors
/// [`ChaosError::Setup`] when a part cannot start (no `redis-server`, the app binary missing,
/// an instance that never gets healthy).
pub async fn run(config: ChaosConfig) -> Result<ChaosReport, ChaosError> {
    let evidence = collect(config).await?;
    Ok(checks::evaluate(&evidence))
}

/// Runs the chaos run and returns what it observed, without judging it.
///
/// # Errors
/// As [`run`].
pub async fn collect(config: ChaosConfig) -> Result<Evidence, ChaosError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let log_dir = config.work_dir.join("logs");
    let redis_dir = config.work_dir.join("redis");
    for dir in [&log_dir, &redis_dir] {
        std::fs::create_dir_all(dir)
            .map_err(|e| ChaosError::Setup(format!("cannot create {}: {e}", dir.display())))?;
    }
    if !config.app_binary.is_file() {
        return Err(ChaosError::Setup(format!(
            "the sample app binary {} does not exist: cargo build -p wxopen-sample --features redis",
            config.app_binary.display()
        )));
    }
    let secrets = secrets::Secrets::generate();

    let mut sim_config = SimConfig::default()
        .app(SimApp::new(&secrets.appid, &secrets.appsecret))
        .token_ttl(config.token_ttl)
        .faults(config.faults.clone())
        .seed(config.seed);
    sim_config.token_overlap = config.token_overlap;
    let sim = Simulator::start(sim_config)
        .await
        .map_err(|e| ChaosError::Setup(format!("cannot start the simulator: {e}")))?;
    let handle = sim.handle().clone();

    let redis = RedisProc::start(&config.redis_binary, free_port()?, &redis_dir).await?;
    let env = AppEnv {
        binary: config.app_binary.clone(),
        vars: vec![
            ("WEIXIN_APPID".into(), secrets.appid.clone()),
            ("WEIXIN_APPSECRET".into(), secrets.appsecret.clone()),
            ("WEIXIN_TOKEN".into(), secrets.push_token.clone()),
            ("WEIXIN_ENCODING_AES_KEY".into(), secrets.aes_key.clone()),
            ("WEIXIN_API_BASE".into(), sim.base_url().to_owned()),
            ("WEIXIN_CACHE".into(), redis.url()),
            ("RUST_LOG".into(), config.rust_log.clone()),
        ],
        log_dir: log_dir.clone(),
    };
    let mut apps = Vec::new();
    for index in 0..config.instances.max(1) {
        apps.push(AppProc::start(index, free_port()?, env.clone()).await?);
    }
    let bases: Vec<String> = apps.iter().map(AppProc::base_url).collect();
    let targets = Arc::new(load_targets(&bases, &secrets, &handle)?);
    let apps = Arc::new(Mutex::new(apps));
    let redis = Arc::new(Mutex::new(redis));

    let plan = config.load_plan();
    let t0 = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let tokens_task = tokio::spawn(watch_tokens(handle.clone(), Arc::clone(&stop)));
    let rss_task = tokio::spawn(watch_rss(Arc::clone(&apps), Arc::clone(&stop)));
    let events_task = tokio::spawn(chaos_events(
        config.clone(),
        Arc::clone(&apps),
        Arc::clone(&redis),
        t0,
    ));

    let load = load::run(&plan, targets, t0).await;
    let load_end_ms = load::millis_since(t0);
    let timeline = events_task.await.unwrap_or_else(|e| Timeline {
        errors: vec![format!("the chaos-event task failed: {e}")],
        ..Timeline::default()
    });
    // Handlers past the push deadline finish in the background: give them time.
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    let token_values = tokens_task.await.unwrap_or_default();
    let rss = rss_task.await.unwrap_or_default();

    let mut apps = apps.lock().await;
    let mut healthy_at_end = Vec::new();
    for app in apps.iter() {
        healthy_at_end.push(app.healthy().await);
    }
    let messages = handle.messages();
    let tokens_issued = handle.tokens_issued();
    let calls = handle.calls();
    let mut exits = Vec::new();
    for app in apps.iter_mut() {
        exits.push(app.terminate(Duration::from_secs(15)).await);
    }
    let files: Vec<PathBuf> = apps
        .iter()
        .flat_map(|app| app.log_files().iter().cloned())
        .collect();
    drop(apps);
    redis.lock().await.kill().await;
    let _ = sim.stop().await;

    let mut forbidden = secrets.forbidden();
    for (n, value) in token_values.iter().enumerate() {
        forbidden.push(Forbidden {
            label: format!("access token #{}", n + 1),
            value: value.clone(),
        });
    }
    let logs = logscan::scan(&files, &forbidden);
    Ok(Evidence {
        planned: plan.total(),
        config,
        load,
        load_end_ms,
        messages,
        tokens_issued,
        token_values_seen: token_values.len(),
        calls,
        timeline,
        rss,
        healthy_at_end,
        exits,
        logs,
        log_dir,
    })
}

fn load_targets(
    bases: &[String],
    secrets: &secrets::Secrets,
    sim: &SimHandle,
) -> Result<LoadTargets, ChaosError> {
    let driver = |base: &str, format: PushFormat| -> Result<PushDriver, ChaosError> {
        let target = PushTarget::new(
            format!("{base}/wxopen"),
            &secrets.push_token,
            &secrets.appid,
        )
        .aes_key(&secrets.aes_key)
        .map_err(|e| ChaosError::Setup(format!("push target: {e}")))?
        .format(format)
        .mode(EncryptMode::Safe);
        Ok(PushDriver::new(target)
            .map_err(|e| ChaosError::Setup(format!("push driver: {e}")))?
            .attempt_timeout(Duration::from_secs(5))
            .max_attempts(1))
    };
    let first = bases
        .first()
        .ok_or_else(|| ChaosError::Setup("no instance".into()))?;
    Ok(LoadTargets {
        bases: bases.to_vec(),
        drivers: bases
            .iter()
            .map(|b| driver(b, PushFormat::Json))
            .collect::<Result<_, _>>()?,
        xml: driver(first, PushFormat::Xml)?,
        json: driver(first, PushFormat::Json)?,
        sim: sim.clone(),
        appid: secrets.appid.clone(),
    })
}

/// Collects every token value that works at the simulator, twice a second (tokens live for
/// the TTL, so none is missed), for the log scan.
async fn watch_tokens(sim: SimHandle, stop: Arc<AtomicBool>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut ordered = Vec::new();
    loop {
        for token in sim.current_tokens() {
            if seen.insert(token.access_token.clone()) {
                ordered.push(token.access_token);
            }
        }
        if stop.load(Ordering::Relaxed) {
            return ordered;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn watch_rss(apps: Arc<Mutex<Vec<AppProc>>>, stop: Arc<AtomicBool>) -> Vec<RssStats> {
    let mut stats = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        {
            let apps = apps.lock().await;
            stats.resize(apps.len(), RssStats::default());
            for (app, stat) in apps.iter().zip(stats.iter_mut()) {
                if let Some(bytes) = app.rss_bytes() {
                    stat.add(bytes);
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    stats
}

/// Kill -9 one instance and restart it; later stop Redis for `redis_down_for` and restart it.
async fn chaos_events(
    config: ChaosConfig,
    apps: Arc<Mutex<Vec<AppProc>>>,
    redis: Arc<Mutex<RedisProc>>,
    t0: Instant,
) -> Timeline {
    let mut timeline = Timeline {
        killed_instance: config.kill_instance,
        ..Timeline::default()
    };
    let at = |share: f64| config.duration.mul_f64(share.clamp(0.0, 1.0));
    tokio::time::sleep_until(tokio::time::Instant::from_std(t0 + at(config.kill_at))).await;
    {
        let mut apps = apps.lock().await;
        if let Some(app) = apps.get_mut(config.kill_instance) {
            // Stamped before the signal: an attempt that ends at the kill counts as hit by it.
            timeline.killed_ms = Some(load::millis_since(t0));
            app.kill9().await;
        }
    }
    tokio::time::sleep(config.dead_for).await;
    {
        let mut apps = apps.lock().await;
        if let Some(app) = apps.get_mut(config.kill_instance) {
            match app.restart().await {
                Ok(()) => timeline.restarted_ms = Some(load::millis_since(t0)),
                Err(e) => timeline.errors.push(format!("restart after kill -9: {e}")),
            }
        }
    }
    tokio::time::sleep_until(tokio::time::Instant::from_std(
        t0 + at(config.redis_stop_at),
    ))
    .await;
    timeline.redis_down_ms = Some(load::millis_since(t0));
    redis.lock().await.kill().await;
    tokio::time::sleep(config.redis_down_for).await;
    match redis.lock().await.restart().await {
        Ok(()) => timeline.redis_up_ms = Some(load::millis_since(t0)),
        Err(e) => timeline.errors.push(format!("Redis restart: {e}")),
    }
    timeline
}

fn free_port() -> Result<u16, ChaosError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| ChaosError::Setup(format!("no free port: {e}")))
}
