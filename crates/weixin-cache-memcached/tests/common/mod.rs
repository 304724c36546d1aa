//! Test support: the shared server from `cargo xtask test`, and throwaway `memcached`
//! processes owned by one test (`weixin_testkit::OwnServer`).
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;

use weixin_cache_memcached::MemcachedCache;
use weixin_core::cache::{Cache, DistributedLock};
use weixin_testkit::OwnServer;

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

/// The URL of a server on a loopback port.
pub fn url(port: u16) -> String {
    format!("memcache://127.0.0.1:{port}")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Starts `memcached` on `port` (64 MiB, no UDP) with `extra` arguments.
pub fn start_server(port: u16, extra: &[&str]) -> OwnServer {
    let port_arg = port.to_string();
    let user: &[&str] = if running_as_root() {
        &["-u", "root"]
    } else {
        &[]
    };
    let args = ["-l", "127.0.0.1", "-p", &port_arg, "-U", "0", "-m", "64"]
        .into_iter()
        .chain(extra.iter().copied())
        .chain(user.iter().copied());
    OwnServer::spawn("memcached", args, port)
}

/// A shared cache and the lock to use with it.
pub type CacheAndLock = (Arc<dyn Cache>, Arc<dyn DistributedLock>);

/// Connects to `url` with the defaults: the cache and its native lock (for the multi-process
/// proofs of `weixin_testkit`).
pub fn connect_with_lock(url: String) -> Pin<Box<dyn Future<Output = CacheAndLock> + Send>> {
    Box::pin(async move {
        let cache = MemcachedCache::from_url(&url)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
        let cache: Arc<dyn Cache> = Arc::new(cache);
        (cache, lock)
    })
}
