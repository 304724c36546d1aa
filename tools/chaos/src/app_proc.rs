//! One `wxopen-sample` process: started with the env contract on a fixed port, its stdout and
//! stderr in files (one pair per start), health-checked, measured (RSS), killed with SIGKILL,
//! restarted on the same port, and stopped with SIGTERM at the end.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::ChaosError;

/// How long an instance may take to answer `/healthz` after a start.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// What an instance is started with.
#[derive(Debug, Clone)]
pub struct AppEnv {
    /// The `wxopen-sample` binary.
    pub binary: PathBuf,
    /// `WEIXIN_*` variables (and `RUST_LOG`).
    pub vars: Vec<(String, String)>,
    /// Where the log files go.
    pub log_dir: PathBuf,
}

/// A sample-app instance (index `0..3`). Dropping it kills the process.
#[derive(Debug)]
pub struct AppProc {
    index: usize,
    port: u16,
    env: AppEnv,
    child: Option<Child>,
    starts: u32,
    logs: Vec<PathBuf>,
    http: reqwest::Client,
}

impl AppProc {
    /// Starts instance `index` listening on `127.0.0.1:port` and waits for `/healthz`.
    ///
    /// # Errors
    /// [`ChaosError::Setup`] when it does not start or become healthy.
    pub async fn start(index: usize, port: u16, env: AppEnv) -> Result<Self, ChaosError> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| ChaosError::Setup(format!("HTTP client: {e}")))?;
        let mut app = Self {
            index,
            port,
            env,
            child: None,
            starts: 0,
            logs: Vec::new(),
            http,
        };
        app.spawn().await?;
        Ok(app)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The running process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Every log file this instance wrote (stdout and stderr of every start).
    pub fn log_files(&self) -> &[PathBuf] {
        &self.logs
    }

    async fn spawn(&mut self) -> Result<(), ChaosError> {
        self.starts += 1;
        let name = format!("app{}-start{}", self.index, self.starts);
        let out_path = self.env.log_dir.join(format!("{name}.stdout"));
        let err_path = self.env.log_dir.join(format!("{name}.stderr"));
        let file = |path: &Path| {
            std::fs::File::create(path)
                .map_err(|e| ChaosError::Setup(format!("cannot create {}: {e}", path.display())))
        };
        let stdout = file(&out_path)?;
        let stderr = file(&err_path)?;
        self.logs.push(out_path);
        self.logs.push(err_path.clone());
        let mut command = Command::new(&self.env.binary);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("WEIXIN_") {
                command.env_remove(&key);
            }
        }
        command
            .envs(self.env.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("WEIXIN_LISTEN", format!("127.0.0.1:{}", self.port))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true);
        let child = command.spawn().map_err(|e| {
            ChaosError::Setup(format!("cannot start {}: {e}", self.env.binary.display()))
        })?;
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if self.healthy().await {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(ChaosError::Setup(format!(
                    "{name} exited at start ({status}); see {}",
                    err_path.display()
                )));
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ChaosError::Setup(format!(
                    "{name}: /healthz not OK within {START_TIMEOUT:?}; see {}",
                    err_path.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether `GET /healthz` answers 200 now.
    pub async fn healthy(&self) -> bool {
        matches!(
            self.http.get(format!("{}/healthz", self.base_url())).send().await,
            Ok(response) if response.status().is_success()
        )
    }

    /// Resident memory in bytes (`VmRSS` of `/proc/PID/status`), when running on Linux.
    pub fn rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line
            .trim_start_matches("VmRSS:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    }

    /// `kill -9`, and waits for the process to be gone.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Starts the instance again on the same port.
    ///
    /// # Errors
    /// As [`AppProc::start`].
    pub async fn restart(&mut self) -> Result<(), ChaosError> {
        self.kill9().await;
        self.spawn().await
    }

    /// Sends SIGTERM and waits up to `grace` for the exit; `None` when it did not exit (it is
    /// killed then).
    pub async fn terminate(&mut self, grace: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let pid = child.id()?;
        let sent = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .is_ok_and(|s| s.success());
        if !sent {
            let _ = child.start_kill();
        }
        match tokio::time::timeout(grace, child.wait()).await {
            Ok(Ok(status)) => Some(status),
            _ => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                None
            }
        }
    }
}
