//! Several OS processes contend for one lock through the real Memcached
//! (`WEIXIN_TEST_MEMCACHED_URL`). Each runs a read-modify-write of a counter file with a sleep in the
//! middle while holding the lock, and marks its occupancy with an exclusively created file: two
//! holders at once would either fail to create the marker or lose an increment.
//!
//! The test re-executes its own binary as the workers (selected by an environment variable).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use weixin_cache_memcached::MemcachedCache;
use weixin_core::cache::DistributedLock;

const WORKER_VAR: &str = "WEIXIN_MEMCACHED_LOCK_WORKER_DIR";
const KEY_VAR: &str = "WEIXIN_MEMCACHED_LOCK_WORKER_KEY";
const WORKERS: usize = 4;
const ROUNDS: u64 = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_contending_for_one_lock_never_overlap() {
    if let Ok(dir) = std::env::var(WORKER_VAR) {
        let key = std::env::var(KEY_VAR).unwrap_or_else(|e| panic!("{KEY_VAR}: {e}"));
        worker(Path::new(&dir), &key).await;
        return;
    }
    // Fail early (in the parent) with the clear message when the server is not configured.
    let url = common::shared_url();

    let dir = scratch_dir();
    std::fs::write(dir.join("counter"), "0").unwrap_or_else(|e| panic!("write counter: {e}"));
    let key = weixin_core::testkit::Namespace::new("multi_process").key("lock");
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let children: Vec<_> = (0..WORKERS)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "processes_contending_for_one_lock_never_overlap",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(WORKER_VAR, &dir)
                .env(KEY_VAR, &key)
                .env(common::URL_VAR, &url)
                .spawn()
                .unwrap_or_else(|e| panic!("spawn worker: {e}"))
        })
        .collect();
    let mut pids = std::collections::HashSet::new();
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
    let holders: std::collections::HashSet<_> = log.lines().collect();
    assert_eq!(holders.len(), WORKERS, "every process got the lock: {log}");
    let _ = std::fs::remove_dir_all(&dir);
}

async fn worker(dir: &Path, key: &str) {
    let cache = MemcachedCache::from_url(&common::shared_url())
        .await
        .unwrap_or_else(|e| panic!("worker connect: {e}"));
    let lock = cache.lock();
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

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "weixin-memcached-lock-{}-{}",
        std::process::id(),
        weixin_core::testkit::Namespace::new("dir")
            .key("x")
            .replace(':', "_")
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {dir:?}: {e}"));
    dir
}
