//! Test support: the shared server from `cargo xtask test`, and throwaway servers owned by one
//! test (for stopping, pausing and restarting them).
#![allow(dead_code, unreachable_pub)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable `cargo xtask test` sets to the shared server's URL.
pub const URL_VAR: &str = "WEIXIN_TEST_MEMCACHED_URL";

/// The shared test server's URL; fails the test (never skips it) when the variable is missing.
pub fn shared_url() -> String {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{URL_VAR} is not set: run `cargo xtask test`, which starts a throwaway memcached \
             and sets it (or export {URL_VAR}=memcache://127.0.0.1:PORT yourself)"
        ),
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("local_addr: {e}"))
        .port();
    drop(listener);
    port
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A `memcached` process owned by one test; killed when dropped.
pub struct OwnServer {
    child: Option<Child>,
    pub port: u16,
}

impl OwnServer {
    /// Starts `memcached` on `port` with `extra` arguments and waits until it accepts
    /// connections.
    pub fn start(port: u16, extra: &[&str]) -> Self {
        let mut command = Command::new("memcached");
        command
            .args([
                "-l",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "0",
                "-m",
                "64",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if running_as_root() {
            command.args(["-u", "root"]);
        }
        let child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start memcached ({e}): install it (`apt-get install memcached`) or run \
                 `cargo xtask test`, which installs it"
            )
        });
        let server = Self {
            child: Some(child),
            port,
        };
        wait_until_listening(port);
        server
    }

    pub fn url(&self) -> String {
        format!("memcache://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) the server: it keeps its connections open but
    /// answers nothing while frozen.
    pub fn signal(&self, signal: &str) {
        if let Some(child) = &self.child {
            let status = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .unwrap_or_else(|e| panic!("kill {signal}: {e}"));
            assert!(status.success(), "kill {signal} failed");
        }
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .status();
        }
        self.kill();
    }
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the test server on port {port} did not start listening within 10 s");
}
