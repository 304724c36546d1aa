//! A server under load (the empty axum server, the callback, the sample app, the Node peer):
//! started on a free loopback port, waited for, and killed when dropped.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{process, reaper};

/// How long a server may take to accept its first connection.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server process; dropping it kills and waits it.
pub(crate) struct Server {
    name: String,
    child: Child,
    watchdog: Option<Child>,
    port: u16,
}

impl Server {
    /// Starts `command` (which must listen on `port`), logging to `log`, and waits until the
    /// port accepts connections.
    pub(crate) fn start(
        name: &str,
        mut command: Command,
        port: u16,
        log: &Path,
    ) -> Result<Self, String> {
        let out =
            File::create(log).map_err(|err| format!("cannot create {}: {err}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|err| format!("cannot reuse {}: {err}", log.display()))?;
        command.stdin(Stdio::null()).stdout(out).stderr(err);
        let shown = process::display(&command);
        println!("xtask: starting {name}: {shown}");
        let child = command
            .spawn()
            .map_err(|err| format!("could not start `{shown}`: {err}"))?;
        reaper::register(child.id());
        let watchdog = reaper::spawn_watchdog(child.id());
        let mut server = Self {
            name: name.to_owned(),
            child,
            watchdog,
            port,
        };
        server.wait_ready(log)?;
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&mut self, log: &Path) -> Result<(), String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}) before listening; {} says: {}",
                    self.name,
                    log.display(),
                    log_tail(log)
                ));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not listen on port {} within {}s; {} says: {}",
                    self.name,
                    self.port,
                    READY_TIMEOUT.as_secs(),
                    log.display(),
                    log_tail(log)
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(watchdog) = &mut self.watchdog {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
            reaper::unregister(watchdog.id());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        reaper::unregister(self.child.id());
    }
}

/// A port that was free a moment ago.
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|err| format!("cannot find a free loopback port: {err}"))
}

/// The last few lines of a log, on one line.
pub(crate) fn log_tail(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(5)..].join(" / ");
            if tail.is_empty() {
                "(nothing)".to_owned()
            } else {
                tail
            }
        }
        Err(err) => format!("(cannot read it: {err})"),
    }
}

/// `dir/name`.
pub(crate) fn log_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.log"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_exits_is_reported_with_its_log() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-server-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = log_path(&dir, "quitter");
        let mut command = Command::new("sh");
        command.args(["-c", "echo cannot bind; exit 3"]);
        let err = Server::start("quitter", command, free_port().unwrap(), &log)
            .err()
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("quitter exited"), "{err}");
        assert!(err.contains("cannot bind"), "{err}");
    }
}
