//! A multi-process proof for a [`DistributedLock`](weixin_core::cache::DistributedLock) over a shared
//! backend.
//!
//! [`run`] re-executes the calling test binary as [`WORKERS`] worker processes that contend
//! for one lock, [`ROUNDS`] times each. While holding it, a worker runs a read-modify-write of a
//! counter file with a sleep in the middle and marks its occupancy with an exclusively created
//! file: two holders at once would either fail to create the marker or lose an increment.
//!
//! ```no_run
//! use std::sync::Arc;
//! use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
//! use weixin_testkit::lock_processes::{self, Backend};
//!
//! // In a backend crate's tests (the function name must match `test_name`):
//! // #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
//! async fn processes_contending_for_one_lock_never_overlap() {
//!     let backend = Backend {
//!         name: "mybackend",
//!         test_name: "processes_contending_for_one_lock_never_overlap",
//!         url_var: "MY_BACKEND_URL",
//!     };
//!     lock_processes::run(&backend, "my://127.0.0.1:1".to_owned(), |_url| {
//!         Box::pin(async move {
//!             let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new()); // connect to `_url`
//!             let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
//!             (cache, lock)
//!         })
//!     })
//!     .await;
//! }
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub use super::token_processes::{Backend, Connect};

const DIR_VAR: &str = "WEIXIN_TESTKIT_LOCK_WORKER_DIR";
const KEY_VAR: &str = "WEIXIN_TESTKIT_LOCK_WORKER_KEY";
/// Worker processes.
pub const WORKERS: usize = 4;
/// Lock turns per worker.
pub const ROUNDS: u64 = 15;

/// Runs the proof (parent) or, in a re-executed worker process, the worker's part.
///
/// `url` is the backend URL (read it with the crate's "fail clearly when missing" helper before
/// calling); each worker gets it through `backend.url_var` and uses the lock `connect` returns.
///
/// # Panics
///
/// When a worker fails, two workers held the lock at once, or a worker never got it.
pub async fn run(backend: &Backend, url: String, connect: Connect) {
    if let Ok(dir) = std::env::var(DIR_VAR) {
        let key = std::env::var(KEY_VAR).unwrap_or_else(|e| panic!("{KEY_VAR}: {e}"));
        worker(Path::new(&dir), &key, url, connect).await;
        return;
    }

    let dir = scratch_dir(backend.name);
    std::fs::write(dir.join("counter"), "0").unwrap_or_else(|e| panic!("write counter: {e}"));
    let key = super::Namespace::new("multi_process").key("lock");
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let children: Vec<_> = (0..WORKERS)
        .map(|_| {
            Command::new(&exe)
                .args([
                    backend.test_name,
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(DIR_VAR, &dir)
                .env(KEY_VAR, &key)
                .env(backend.url_var, &url)
                .spawn()
                .unwrap_or_else(|e| panic!("spawn worker: {e}"))
        })
        .collect();
    let mut pids = HashSet::new();
    for child in children {
        pids.insert(child.id());
        let output = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("wait for worker: {e}"));
        assert!(
            output.status.success(),
            "a worker failed: {:?}",
            output.status
        );
    }
    assert_eq!(pids.len(), WORKERS, "distinct processes");

    let count = std::fs::read_to_string(dir.join("counter")).unwrap_or_default();
    assert_eq!(
        count.trim(),
        (WORKERS as u64 * ROUNDS).to_string(),
        "lost updates: two processes held the lock at once"
    );
    let log = std::fs::read_to_string(dir.join("holders")).unwrap_or_default();
    let holders: HashSet<_> = log.lines().collect();
    assert_eq!(holders.len(), WORKERS, "every process got the lock: {log}");
    let _ = std::fs::remove_dir_all(&dir);
}

async fn worker(dir: &Path, key: &str, url: String, connect: Connect) {
    let (_cache, lock) = connect(url).await;
    let me = std::process::id();
    for _ in 0..ROUNDS {
        let guard = lock
            .acquire(key, Duration::from_secs(30), Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("acquire: {e}"))
            .unwrap_or_else(|| panic!("no turn at the lock within 60 s"));
        let marker = dir.join("occupied");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&marker)
            .unwrap_or_else(|e| panic!("two holders at once (marker exists): {e}"));
        let counter = dir.join("counter");
        let value: u64 = std::fs::read_to_string(&counter)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| panic!("unreadable counter"));
        tokio::time::sleep(Duration::from_millis(5)).await;
        std::fs::write(&counter, (value + 1).to_string()).unwrap_or_else(|e| panic!("{e}"));
        append(&dir.join("holders"), &format!("{me}\n"));
        std::fs::remove_file(&marker).unwrap_or_else(|e| panic!("remove marker: {e}"));
        assert!(
            matches!(guard.release().await, Ok(true)),
            "release of a held lock"
        );
    }
}

fn append(path: &Path, line: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("open log: {e}"));
    file.write_all(line.as_bytes())
        .unwrap_or_else(|e| panic!("append log: {e}"));
}

fn scratch_dir(backend: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "weixin-{backend}-lock-{}-{}",
        std::process::id(),
        super::Namespace::new("dir").key("x").replace(':', "_")
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {dir:?}: {e}"));
    dir
}
