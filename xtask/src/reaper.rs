//! Last-resort cleanup of the throwaway servers' processes.
//!
//! The normal path is [`crate::services::Services`]'s `Drop`, which kills and waits every
//! server. This module covers the paths where that `Drop` may not run:
//!
//! - **Panics**: [`install_panic_hook`] kills every registered process before the default hook
//!   prints the panic (also with `panic = "abort"`, and for panics on other threads).
//! - **xtask killed** (`SIGTERM`, `SIGKILL`, a CI job cancelled): each server gets a watchdog
//!   shell ([`spawn_watchdog`]) that kills it once xtask's process is gone.
//! - **Ctrl-C in a terminal**: xtask is std only and installs no signal handler, so it dies
//!   without running `Drop`. The servers stay in xtask's process group (they are spawned without
//!   `process_group`/`setsid`), so the terminal delivers the same `SIGINT` to them and they exit;
//!   the watchdogs catch anything that survives.

use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// Process ids of live server and watchdog processes, killed by the panic hook.
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Polls xtask's pid (`$1`) every second; when it is gone, kills the server (`$2`).
const WATCHDOG_SCRIPT: &str =
    r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -KILL "$2" 2>/dev/null"#;

/// Makes a panic anywhere in xtask kill the registered processes first.
pub(crate) fn install_panic_hook() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        kill_registered();
        default_hook(info);
    }));
}

/// Records a live process to kill if xtask panics.
pub(crate) fn register(pid: u32) {
    with_live(|live| live.push(pid));
}

/// Forgets a process once it has been killed and waited (its pid may be reused afterwards).
pub(crate) fn unregister(pid: u32) {
    with_live(|live| live.retain(|live_pid| *live_pid != pid));
}

/// Starts a watchdog that kills `server_pid` once xtask exits; `None` when `sh` cannot start
/// (then only the other paths above protect the server).
pub(crate) fn spawn_watchdog(server_pid: u32) -> Option<Child> {
    let watchdog = Command::new("sh")
        .args(["-c", WATCHDOG_SCRIPT, "xtask-watchdog"])
        .arg(std::process::id().to_string())
        .arg(server_pid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    register(watchdog.id());
    Some(watchdog)
}

fn with_live(change: impl FnOnce(&mut Vec<u32>)) {
    let mut live = LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    change(&mut live);
}

/// Sends `SIGKILL` to every registered process. Uses `try_lock`: a panic hook must not block.
fn kill_registered() {
    let pids = match LIVE.try_lock() {
        Ok(live) => live.clone(),
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => return,
    };
    for pid in pids {
        // `Child::kill` needs the `Child`, which the panicking code owns; `kill(1)` needs only
        // the pid. Killed children are reaped when their owner's `Drop` runs during unwinding.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
