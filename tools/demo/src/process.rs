//! Running the sample app as a separate process: start it, learn its address, wait until it is
//! healthy, and stop it with SIGTERM the way a supervisor would.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// What the app prints on stdout once it listens, followed by its URL.
pub const LISTENING: &str = "wxopen-sample listening on";

/// How long the app may take to start and answer `/healthz`.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `wxopen-sample` process. Dropping it kills the process.
#[derive(Debug)]
pub struct AppProcess {
    child: Child,
    base_url: String,
    name: String,
}

impl AppProcess {
    /// Starts `binary` with exactly the `WEIXIN_*` variables in `env` (inherited ones are
    /// removed), `WEIXIN_LISTEN=127.0.0.1:0` unless given and `RUST_LOG=warn` unless set, its
    /// stderr (the logs) going to `stderr`; reads the address it printed, and waits until
    /// `GET /healthz` answers 200.
    ///
    /// # Errors
    /// A message when it cannot start, exits early or does not become healthy in time.
    pub async fn spawn(
        binary: &Path,
        name: &str,
        env: &[(String, String)],
        stderr: Stdio,
    ) -> Result<Self, String> {
        let mut command = Command::new(binary);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("WEIXIN_") {
                command.env_remove(&key);
            }
        }
        command.env("WEIXIN_LISTEN", "127.0.0.1:0");
        if std::env::var_os("RUST_LOG").is_none() {
            command.env("RUST_LOG", "warn");
        }
        command
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| format!("{name}: no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(START_TIMEOUT, lines.next_line()).await;
        let base_url = match first {
            Ok(Ok(Some(line))) => match line.strip_prefix(LISTENING) {
                Some(url) => url.trim().to_owned(),
                None => return Err(format!("{name}: unexpected first line on stdout: {line}")),
            },
            Ok(Ok(None) | Err(_)) => {
                let status = child.wait().await.map_err(|e| e.to_string())?;
                return Err(format!("{name} exited before listening ({status})"));
            }
            Err(_) => return Err(format!("{name} did not listen within {START_TIMEOUT:?}")),
        };
        // Keep draining stdout so the app never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let process = Self {
            child,
            base_url,
            name: name.to_owned(),
        };
        process.wait_healthy().await?;
        Ok(process)
    }

    async fn wait_healthy(&self) -> Result<(), String> {
        let http = super::client::http_client()?;
        let url = format!("{}/healthz", self.base_url);
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(response) = http.get(&url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "{}: /healthz not OK within {START_TIMEOUT:?}",
                    self.name
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The app's base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The process name given at start.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id (while it runs).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends SIGTERM without waiting.
    ///
    /// # Errors
    /// A message when the signal cannot be sent.
    pub async fn signal_terminate(&self) -> Result<(), String> {
        let pid = self
            .pid()
            .ok_or_else(|| format!("{} is not running", self.name))?;
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .map_err(|e| format!("cannot run kill: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("kill -TERM {pid} failed ({status})"))
        }
    }

    /// Waits for the process to exit, at most `within` (then kills it and reports that).
    ///
    /// # Errors
    /// A message when it did not exit in time.
    pub async fn wait(&mut self, within: Duration) -> Result<ExitStatus, String> {
        match tokio::time::timeout(within, self.child.wait()).await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(_) => {
                let _ = self.child.start_kill();
                Err(format!(
                    "{} did not exit within {within:?}; killed",
                    self.name
                ))
            }
        }
    }

    /// SIGTERM, then waits for a graceful exit (at most `within`).
    ///
    /// # Errors
    /// A message when the signal failed or the process did not exit in time.
    pub async fn terminate(mut self, within: Duration) -> Result<ExitStatus, String> {
        self.signal_terminate().await?;
        self.wait(within).await
    }
}
