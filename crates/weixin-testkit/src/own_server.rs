//! A throwaway server process owned by one test, for killing, freezing and restarting it.

use std::ffi::OsStr;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long [`OwnServer::spawn`] waits for the server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long [`OwnServer::signal_stop`] and [`OwnServer::signal_continue`] wait for every thread
/// of the server to reach the requested state.
pub const SIGNAL_TIMEOUT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(1);

/// A loopback port nothing listens on right now (the OS picks it; it is free again when this
/// returns, so another process could take it, which is unlikely enough for tests).
///
/// # Panics
///
/// When no loopback port can be bound.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"))
        .port()
}

/// A server process (e.g. `redis-server`, `memcached`) owned by one test, listening on a
/// loopback port; killed when dropped.
///
/// ```no_run
/// use weixin_testkit::{OwnServer, free_port};
///
/// let port = free_port();
/// let server = OwnServer::spawn("redis-server", ["--port", &port.to_string(), "--save", ""], port);
/// server.signal_stop(); // every thread is stopped when this returns: no more answers
/// server.signal_continue(); // and running again
/// drop(server); // SIGKILL
/// ```
#[derive(Debug)]
pub struct OwnServer {
    program: String,
    child: Option<Child>,
    port: u16,
}

impl OwnServer {
    /// Starts `program` with `args` (which must make it listen on 127.0.0.1:`port`), its output
    /// discarded, and waits until `port` accepts connections.
    ///
    /// # Panics
    ///
    /// When the program cannot be started, exits early, or does not listen within 10 s.
    pub fn spawn<I, S>(program: &str, args: I, port: u16) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program} ({e}): install it (`apt-get install {program}`) or \
                     run `cargo xtask test`, which installs it"
                )
            });
        let mut server = Self {
            program: program.to_owned(),
            child: Some(child),
            port,
        };
        server.wait_until_listening();
        server
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, or `None` after [`OwnServer::kill`].
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Freezes the server (SIGSTOP) and waits until every one of its threads is stopped: from
    /// then on it keeps its connections open but answers nothing.
    ///
    /// `kill -STOP` returns before the signal has reached every thread of a multi-threaded
    /// server, which may still answer a request in between; on Linux this waits (up to
    /// [`SIGNAL_TIMEOUT`]) until each `/proc/PID/task/*/stat` shows state `T`. Elsewhere it
    /// only sends the signal.
    ///
    /// # Panics
    ///
    /// When the signal cannot be sent or the threads do not all stop in time. Does nothing
    /// after [`OwnServer::kill`].
    pub fn signal_stop(&self) {
        self.signal("-STOP", true);
    }

    /// Thaws a frozen server (SIGCONT) and waits (on Linux, up to [`SIGNAL_TIMEOUT`]) until none
    /// of its threads is stopped any more.
    ///
    /// # Panics
    ///
    /// When the signal cannot be sent or a thread stays stopped. Does nothing after
    /// [`OwnServer::kill`].
    pub fn signal_continue(&self) {
        self.signal("-CONT", false);
    }

    /// Kills the server (SIGKILL, which also ends a frozen one) and reaps it. Does nothing the
    /// second time.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn signal(&self, signal: &str, stopped: bool) {
        let Some(pid) = self.pid() else { return };
        let status = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap_or_else(|e| panic!("kill {signal} {pid}: {e}"));
        assert!(status.success(), "kill {signal} {pid} failed: {status}");
        if cfg!(target_os = "linux") {
            self.wait_for_threads(pid, signal, stopped);
        }
    }

    /// Polls until every thread is stopped (`stopped`) or none is.
    fn wait_for_threads(&self, pid: u32, signal: &str, stopped: bool) {
        let deadline = Instant::now() + SIGNAL_TIMEOUT;
        loop {
            let states = thread_states(pid);
            let done = !states.is_empty()
                && if stopped {
                    states.iter().all(|s| is_stopped(*s))
                } else {
                    !states.iter().any(|s| is_stopped(*s))
                };
            if done {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{} (pid {pid}): after kill {signal}, its threads are in states {states:?} \
                     after {SIGNAL_TIMEOUT:?} (wanted {})",
                    self.program,
                    if stopped { "all T" } else { "none T" }
                );
            }
            std::thread::sleep(POLL);
        }
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                self.child = None;
                panic!(
                    "{} exited before listening on port {}: {status}",
                    self.program, self.port
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "{} did not start listening on port {} within {START_TIMEOUT:?}",
            self.program, self.port
        );
    }
}

impl Drop for OwnServer {
    /// Kills the server (best effort: errors are ignored).
    fn drop(&mut self) {
        self.kill();
    }
}

fn is_stopped(state: char) -> bool {
    matches!(state, 'T' | 't')
}

/// The state letter of every thread of `pid` (empty when `/proc/PID/task` cannot be read).
/// A thread that exits while being read is skipped.
fn thread_states(pid: u32) -> Vec<char> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(|task| {
            let stat = std::fs::read_to_string(task.ok()?.path().join("stat")).ok()?;
            stat_state(&stat)
        })
        .collect()
}

/// The state field of a `/proc/*/stat` line: the first character after the `)` that closes
/// the command name (which may itself contain spaces and parentheses).
fn stat_state(stat: &str) -> Option<char> {
    let (_, rest) = stat.rsplit_once(')')?;
    rest.trim_start().chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_state_reads_the_field_after_the_command_name() {
        assert_eq!(stat_state("42 (redis-server) S 1 42"), Some('S'));
        assert_eq!(stat_state("42 (a) (b) T 1 42"), Some('T'));
        assert_eq!(stat_state("42 (x"), None);
    }

    #[test]
    fn a_stopped_process_has_every_thread_in_state_t_and_continues() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let port = free_port();
        // Any long-running program will do for the signals; `sleep` never listens, so build
        // the server by hand instead of `spawn`.
        let child = Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap_or_else(|e| panic!("sleep: {e}"));
        let server = OwnServer {
            program: "sleep".to_owned(),
            child: Some(child),
            port,
        };
        let pid = server.pid().unwrap_or_else(|| panic!("running"));
        server.signal_stop();
        assert!(thread_states(pid).iter().all(|s| is_stopped(*s)));
        server.signal_continue();
        let states = thread_states(pid);
        assert!(!states.is_empty() && !states.iter().any(|s| is_stopped(*s)));
    }
}
