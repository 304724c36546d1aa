//! The stage of a demo run: the simulator (in this process) and one or more sample-app
//! processes configured against it, with a fresh appid so runs sharing a Redis or Memcached
//! server never see each other's tokens, dedup entries, contexts or sessions.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use weixin_sim::{RunningSim, SimApp, SimConfig, SimHandle, Simulator};

use super::process::AppProcess;

/// How long an app may take to stop after SIGTERM.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// What to start.
#[derive(Debug, Clone)]
pub struct StageConfig {
    /// The `wxopen-sample` binary.
    pub binary: PathBuf,
    /// `WEIXIN_CACHE` for every app process (`memory`, `redis://...`, `memcache://...`).
    pub cache: String,
    /// How many app processes (they share the cache; use more than one only with a shared one).
    pub processes: usize,
    /// More environment variables for the apps (e.g. `RUST_LOG`).
    pub extra_env: Vec<(String, String)>,
    /// Where the apps' stderr (their logs) goes; `None` = this process's stderr.
    pub log_file: Option<PathBuf>,
    /// Server-API signing on (the simulator's demo keys, given to the apps through the six
    /// `WEIXIN_API_*` variables).
    pub signing: bool,
}

impl StageConfig {
    /// One app process with `cache`.
    pub fn new(binary: impl Into<PathBuf>, cache: impl Into<String>) -> Self {
        Self {
            binary: binary.into(),
            cache: cache.into(),
            processes: 1,
            extra_env: Vec::new(),
            log_file: None,
            signing: false,
        }
    }

    /// Adds an environment variable for the apps.
    #[must_use]
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_env.push((key.into(), value.into()));
        self
    }

    /// Sends the apps' logs (stderr) to `path` (appended).
    #[must_use]
    pub fn log_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.log_file = Some(path.into());
        self
    }

    /// Turns server-API signing on: the simulator requires signed, encrypted calls on the
    /// signable endpoints, and the apps get the demo keys.
    #[must_use]
    pub fn signing(mut self, on: bool) -> Self {
        self.signing = on;
        self
    }

    /// Sets the number of app processes.
    #[must_use]
    pub fn processes(mut self, processes: usize) -> Self {
        self.processes = processes.max(1);
        self
    }
}

/// The simulator and the app processes of one run.
#[derive(Debug)]
pub struct Stage {
    /// The simulator.
    pub sim: RunningSim,
    /// The app processes, all configured alike.
    pub apps: Vec<AppProcess>,
    /// The mini program's appid (fresh per run).
    pub appid: String,
    /// The message-push Token.
    pub token: String,
    /// The EncodingAESKey (the apps run in encrypted mode).
    pub aes_key: String,
    /// `WEIXIN_CACHE` of the apps.
    pub cache: String,
    /// Whether server-API signing is on.
    pub signing: bool,
}

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Stage {
    /// Starts the simulator and the app processes, and waits until every app is healthy.
    ///
    /// # Errors
    /// A message saying what could not start.
    pub async fn start(config: &StageConfig) -> Result<Self, String> {
        let appid = format!("wx{}", hex(&random_bytes::<8>()?));
        let secret = format!("demo-secret-{}", hex(&random_bytes::<8>()?));
        let token = format!("demotoken{}", hex(&random_bytes::<4>()?));
        let aes_key =
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(random_bytes::<32>()?);
        let mut app = SimApp::new(&appid, &secret);
        if config.signing {
            app = app.demo_signing();
        }
        let sim = Simulator::start(SimConfig::default().app(app))
            .await
            .map_err(|e| format!("simulator: {e}"))?;
        let mut env = vec![
            ("WEIXIN_APPID".to_owned(), appid.clone()),
            ("WEIXIN_APPSECRET".to_owned(), secret),
            ("WEIXIN_TOKEN".to_owned(), token.clone()),
            ("WEIXIN_ENCODING_AES_KEY".to_owned(), aes_key.clone()),
            ("WEIXIN_API_BASE".to_owned(), sim.base_url().to_owned()),
            ("WEIXIN_CACHE".to_owned(), config.cache.clone()),
        ];
        if config.signing {
            env.extend(signing_env(&appid)?);
        }
        env.extend(config.extra_env.iter().cloned());
        let mut apps = Vec::with_capacity(config.processes);
        for n in 1..=config.processes {
            let name = if config.processes == 1 {
                "app".to_owned()
            } else {
                format!("app-{n}")
            };
            let stderr = match &config.log_file {
                None => Stdio::inherit(),
                Some(path) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("log file {}: {e}", path.display()))?
                    .into(),
            };
            apps.push(AppProcess::spawn(&config.binary, &name, &env, stderr).await?);
        }
        Ok(Self {
            sim,
            apps,
            appid,
            token,
            aes_key,
            cache: config.cache.clone(),
            signing: config.signing,
        })
    }

    /// The simulator's inspection and admin handle.
    pub fn sim(&self) -> SimHandle {
        self.sim.handle().clone()
    }

    /// The base URL of app process `n` (0-based; the last one when `n` is too large).
    pub fn app_url(&self, n: usize) -> &str {
        self.apps
            .get(n)
            .or(self.apps.last())
            .map_or("", AppProcess::base_url)
    }

    /// Access tokens fetched so far: calls of `cgi-bin/stable_token` and `cgi-bin/token`.
    pub fn token_fetches(&self) -> u64 {
        let sim = self.sim.handle();
        sim.call_count("/cgi-bin/stable_token") + sim.call_count("/cgi-bin/token")
    }

    /// Stops every app with SIGTERM and reports, per app, whether it exited with status 0
    /// within [`STOP_TIMEOUT`]; then stops the simulator.
    pub async fn stop(self) -> Vec<(String, Result<(), String>)> {
        let mut results = Vec::new();
        for app in self.apps {
            let name = app.name().to_owned();
            let result = match app.terminate(STOP_TIMEOUT).await {
                Ok(status) if status.success() => Ok(()),
                Ok(status) => Err(format!("exited with {status}")),
                Err(e) => Err(e),
            };
            results.push((name, result));
        }
        let _ = self.sim.stop().await;
        results
    }
}

/// The six `WEIXIN_API_*` variables with the simulator's demo keys, the key and certificate
/// files in a directory of their own under the system's temporary directory.
fn signing_env(appid: &str) -> Result<Vec<(String, String)>, String> {
    let dir = std::env::temp_dir().join(format!("wxopen-demo-keys-{appid}"));
    let env = weixin_sim::signing::demo::write_env(&dir)
        .map_err(|e| format!("demo keys in {}: {e}", dir.display()))?;
    Ok(env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// The `wxopen-sample` binary next to the running executable (how `wxopen-demo` finds it).
///
/// # Errors
/// A message when the current executable is unknown or the binary is not there.
pub fn sibling_app_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current executable: {e}"))?;
    let binary = exe.with_file_name(format!("wxopen-sample{}", std::env::consts::EXE_SUFFIX));
    if Path::new(&binary).is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "{} not found: build it with `cargo build -p wxopen-sample --bins`",
            binary.display()
        ))
    }
}
