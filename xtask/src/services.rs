//! Throwaway `redis-server` and `memcached` on free loopback ports, for the tests.
//!
//! [`Services::start`] finds (or installs) both binaries, starts each on a free `127.0.0.1`
//! port and waits until it answers a real protocol request. The returned guard stops both when
//! dropped: `Drop` kills and waits each process. Callers keep the guard alive for as long as the
//! tests run and never call `std::process::exit` while it lives (main returns an exit code
//! instead), so `Drop` runs on every normal path, including a failed step. See [`crate::reaper`]
//! for panics, Ctrl-C and xtask being killed.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use xtask::probe;

use crate::install::{self, Needed};
use crate::{process, reaper};

/// How long a server may take to answer its first request.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause between readiness probes.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Timeout of one readiness probe.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// Attempts with fresh ports before giving up (another process may grab the port we picked).
const START_ATTEMPTS: usize = 5;
/// Lines of a server's log printed when it fails to start.
const LOG_TAIL_LINES: usize = 20;

/// Which server.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Redis,
    Memcached,
}

impl Kind {
    fn needed(self) -> Needed {
        match self {
            Self::Redis => Needed {
                binary: "redis-server",
                package: "redis-server",
            },
            Self::Memcached => Needed {
                binary: "memcached",
                package: "memcached",
            },
        }
    }

    fn name(self) -> &'static str {
        self.needed().binary
    }

    fn env_var(self) -> &'static str {
        match self {
            Self::Redis => "WEIXIN_TEST_REDIS_URL",
            Self::Memcached => "WEIXIN_TEST_MEMCACHED_URL",
        }
    }

    fn url(self, port: u16) -> String {
        match self {
            Self::Redis => format!("redis://127.0.0.1:{port}"),
            Self::Memcached => format!("memcache://127.0.0.1:{port}"),
        }
    }

    fn command(self, binary: &Path, port: u16, dir: &Path, root: bool) -> Command {
        let mut command = Command::new(binary);
        let port = port.to_string();
        match self {
            Self::Redis => {
                command
                    .args(["--port", &port, "--bind", "127.0.0.1"])
                    .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                    .arg("--dir")
                    .arg(dir);
            }
            Self::Memcached => {
                command.args([
                    "-l",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "0",
                    "-m",
                    "64",
                    "-I",
                    "2m",
                ]);
                if root {
                    // memcached refuses to run as root unless told which user to run as.
                    command.args(["-u", "root"]);
                }
            }
        }
        command
    }

    /// One real protocol request: `PING` → `+PONG`, or `version` → `VERSION ...`.
    fn probe(self, addr: SocketAddr) -> std::io::Result<()> {
        match self {
            Self::Redis => probe::redis_ping(addr, PROBE_TIMEOUT),
            Self::Memcached => probe::memcached_version(addr, PROBE_TIMEOUT).map(drop),
        }
    }
}

/// Both servers, running. Dropping this stops them and removes their temporary directory.
pub(crate) struct Services {
    redis: Server,
    memcached: Server,
    dir: PathBuf,
}

impl Services {
    /// Starts `redis-server` and `memcached`, installing them first when missing and possible.
    pub(crate) fn start() -> Result<Self, String> {
        let kinds = [Kind::Redis, Kind::Memcached];
        let needed = kinds.map(Kind::needed);
        let binaries = install::ensure(&needed)?;
        let dir = make_temp_dir()?;
        let root = process::is_root();
        let started = start_server(Kind::Redis, &binaries[0], &dir, root).and_then(|redis| {
            let memcached = start_server(Kind::Memcached, &binaries[1], &dir, root)?;
            Ok((redis, memcached))
        });
        match started {
            Ok((redis, memcached)) => Ok(Self {
                redis,
                memcached,
                dir,
            }),
            Err(err) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(err)
            }
        }
    }

    /// The variables that tell tests where the servers are.
    pub(crate) fn env(&self) -> [(&'static str, String); 2] {
        [&self.redis, &self.memcached].map(|server| (server.kind.env_var(), server.url()))
    }

    /// One line per server, for the log.
    pub(crate) fn describe(&self) -> String {
        [&self.redis, &self.memcached]
            .map(|server| {
                let version = if server.version.is_empty() {
                    String::new()
                } else {
                    format!(" {}", server.version)
                };
                format!(
                    "{}{version} (pid {}, {}) at {}",
                    server.kind.name(),
                    server.child.id(),
                    server.binary.display(),
                    server.url()
                )
            })
            .join("\n")
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        // The servers themselves are killed and waited by `Server::drop`, which runs right after
        // this for each field; the log directory can go now (nothing reads it any more).
        println!(
            "xtask: stopping {} (pid {}) and {} (pid {})",
            self.redis.kind.name(),
            self.redis.child.id(),
            self.memcached.kind.name(),
            self.memcached.child.id()
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One running server process, killed and waited on drop.
struct Server {
    kind: Kind,
    binary: PathBuf,
    port: u16,
    version: String,
    child: Child,
    watchdog: Option<Child>,
}

impl Server {
    fn url(&self) -> String {
        self.kind.url(self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Watchdog first, so that it cannot fire at a pid that we are about to reap.
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

/// Starts one server on a free port, retrying with other ports when it exits early.
fn start_server(kind: Kind, binary: &Path, dir: &Path, root: bool) -> Result<Server, String> {
    let name = kind.name();
    let mut last_failure = String::new();
    for attempt in 1..=START_ATTEMPTS {
        let port = free_port()?;
        let log_path = dir.join(format!("{name}-{port}.log"));
        let mut command = kind.command(binary, port, dir, root);
        let log = File::create(&log_path)
            .map_err(|err| format!("cannot create {}: {err}", log_path.display()))?;
        let log_for_stderr = log
            .try_clone()
            .map_err(|err| format!("cannot reuse {}: {err}", log_path.display()))?;
        command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_for_stderr);
        let shown = process::display(&command);
        println!("xtask: starting {shown}");
        let child = command
            .spawn()
            .map_err(|err| format!("could not start `{shown}`: {err}"))?;
        reaper::register(child.id());
        let watchdog = reaper::spawn_watchdog(child.id());
        let mut server = Server {
            kind,
            binary: binary.to_path_buf(),
            port,
            version: String::new(),
            child,
            watchdog,
        };
        match wait_ready(&mut server) {
            Ok(()) => return Ok(server),
            Err(Failure::Exited(status)) => {
                last_failure = format!(
                    "{name} exited early ({status}) on port {port}; its log {} ends with:\n{}",
                    log_path.display(),
                    log_tail(&log_path)
                );
                println!(
                    "xtask: {name} exited early on port {port} (attempt {attempt}/{START_ATTEMPTS}), trying another port"
                );
            }
            Err(Failure::NoAnswer(err)) => {
                return Err(format!(
                    "{name} on port {port} did not answer within {}s (last probe: {err}); its log {} ends with:\n{}",
                    READY_TIMEOUT.as_secs(),
                    log_path.display(),
                    log_tail(&log_path)
                ));
            }
        }
    }
    Err(format!(
        "{name} failed to start {START_ATTEMPTS} times; last time: {last_failure}"
    ))
}

/// Why a server did not become ready.
enum Failure {
    Exited(std::process::ExitStatus),
    NoAnswer(std::io::Error),
}

/// Probes until the server answers, it exits, or [`READY_TIMEOUT`] passes.
fn wait_ready(server: &mut Server) -> Result<(), Failure> {
    let addr = SocketAddr::from(([127, 0, 0, 1], server.port));
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(Failure::Exited(status));
        }
        match server.kind.probe(addr) {
            // Checking again that our child still runs: the answer could come from someone else
            // who took the port after our server failed to bind it.
            Ok(()) => {
                if let Ok(Some(status)) = server.child.try_wait() {
                    return Err(Failure::Exited(status));
                }
                server.version = version_of(server.kind, addr);
                return Ok(());
            }
            Err(err) if Instant::now() >= deadline => return Err(Failure::NoAnswer(err)),
            Err(_) => std::thread::sleep(POLL_INTERVAL),
        }
    }
}

/// The server's version, for the log; empty when unknown (Redis needs `INFO` for it: skipped).
fn version_of(kind: Kind, addr: SocketAddr) -> String {
    match kind {
        Kind::Redis => String::new(),
        Kind::Memcached => probe::memcached_version(addr, PROBE_TIMEOUT).unwrap_or_default(),
    }
}

/// A port that was free a moment ago: bind port 0 on loopback, read the port, release it.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|err| format!("cannot find a free loopback port: {err}"))
}

/// A fresh directory for the servers' logs and Redis' working directory.
fn make_temp_dir() -> Result<PathBuf, String> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "weixin-xtask-services-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)
        .map(|()| dir.clone())
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))
}

/// The last lines of a log file, indented; or why it cannot be read.
fn log_tail(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..];
            if tail.is_empty() {
                "    (empty)".to_owned()
            } else {
                tail.iter()
                    .map(|line| format!("    {line}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        Err(err) => format!("    (cannot read it: {err})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_port_is_bindable_again() {
        let port = free_port().unwrap();
        assert_ne!(port, 0);
        TcpListener::bind(("127.0.0.1", port)).unwrap();
    }

    #[test]
    fn server_commands_follow_the_contract() {
        let dir = Path::new("/tmp/x");
        let redis = process::display(&Kind::Redis.command(Path::new("redis-server"), 7, dir, true));
        assert_eq!(
            redis,
            "redis-server --port 7 --bind 127.0.0.1 --save \"\" --appendonly no --daemonize no --dir /tmp/x"
        );
        let memcached =
            process::display(&Kind::Memcached.command(Path::new("memcached"), 8, dir, true));
        assert_eq!(
            memcached,
            "memcached -l 127.0.0.1 -p 8 -U 0 -m 64 -I 2m -u root"
        );
        let as_user =
            process::display(&Kind::Memcached.command(Path::new("memcached"), 8, dir, false));
        assert!(!as_user.contains("-u root"));
    }

    #[test]
    fn urls_and_variables() {
        assert_eq!(Kind::Redis.url(1), "redis://127.0.0.1:1");
        assert_eq!(Kind::Memcached.url(2), "memcache://127.0.0.1:2");
        assert_eq!(Kind::Redis.env_var(), "WEIXIN_TEST_REDIS_URL");
        assert_eq!(Kind::Memcached.env_var(), "WEIXIN_TEST_MEMCACHED_URL");
    }

    #[test]
    fn log_tail_keeps_the_last_lines() {
        let dir = make_temp_dir().unwrap();
        let path = dir.join("log");
        let text: String = (1..=30).map(|n| format!("line {n}\n")).collect();
        std::fs::write(&path, text).unwrap();
        let tail = log_tail(&path);
        assert!(tail.starts_with("    line 11\n"), "{tail}");
        assert!(tail.ends_with("line 30"), "{tail}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
