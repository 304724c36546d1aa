//! The run's own `redis-server`: a free port, append-only file fsynced on every write, so a
//! SIGKILL and a restart on the same port keep the dedup entries and the tokens.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::ChaosError;

/// How long Redis may take to answer `PING` after a start.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A `redis-server` child process. Dropping it kills the process.
#[derive(Debug)]
pub struct RedisProc {
    binary: PathBuf,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
    starts: u32,
}

impl RedisProc {
    /// Starts `binary` (normally `redis-server` on `PATH`) on `port` with its files in `dir`.
    ///
    /// # Errors
    /// [`ChaosError::Setup`] when the binary is missing or Redis does not answer `PING`.
    pub async fn start(binary: &Path, port: u16, dir: &Path) -> Result<Self, ChaosError> {
        let mut redis = Self {
            binary: binary.to_owned(),
            port,
            dir: dir.to_owned(),
            child: None,
            starts: 0,
        };
        redis.spawn().await?;
        Ok(redis)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    async fn spawn(&mut self) -> Result<(), ChaosError> {
        self.starts += 1;
        let log = std::fs::File::create(self.dir.join(format!("redis-{}.log", self.starts)))
            .map_err(|e| ChaosError::Setup(format!("cannot create the Redis log: {e}")))?;
        let log_err = log
            .try_clone()
            .map_err(|e| ChaosError::Setup(format!("cannot create the Redis log: {e}")))?;
        let child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .args(["--daemonize", "no", "--dir"])
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                ChaosError::Setup(format!(
                    "cannot start {}: {e}. The chaos run needs redis-server on PATH \
                     (apt-get install redis-server; `cargo xtask test` installs it)",
                    self.binary.display()
                ))
            })?;
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if ping(self.port).await {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ChaosError::Setup(format!(
                    "redis-server on port {} did not answer PING within {START_TIMEOUT:?} (see {})",
                    self.port,
                    self.dir.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills Redis with SIGKILL (no chance to save anything beyond the fsynced AOF) and waits.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Starts Redis again on the same port and directory (it replays its AOF).
    ///
    /// # Errors
    /// As [`RedisProc::start`].
    pub async fn restart(&mut self) -> Result<(), ChaosError> {
        self.kill().await;
        self.spawn().await
    }
}

/// Whether a Redis on `port` answers `PING` with `+PONG`.
pub async fn ping(port: u16) -> bool {
    let attempt = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        stream.write_all(b"PING\r\n").await.ok()?;
        let mut buf = [0u8; 16];
        let n = stream.read(&mut buf).await.ok()?;
        Some(buf.get(..n)?.starts_with(b"+PONG"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(1), attempt).await,
        Ok(Some(true))
    )
}
