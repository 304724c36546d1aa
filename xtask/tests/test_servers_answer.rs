//! Smoke test: both throwaway servers started by `cargo xtask test` answer from a test process.
//!
//! The addresses come from `WEIXIN_TEST_REDIS_URL` and `WEIXIN_TEST_MEMCACHED_URL`. Without them
//! the tests fail (they never pass silently): run them through `cargo xtask test`.

use std::time::Duration;

use xtask::probe;

const TIMEOUT: Duration = Duration::from_secs(5);

/// Reads a server URL from the environment, or fails with how to get one.
fn server_url(var: &str) -> String {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{var} is not set: this test needs a real server. Run `cargo xtask test` \
             (it starts redis-server and memcached and sets {var}), e.g. \
             `cargo xtask test --no-lint -- -p xtask`."
        ),
    }
}

#[test]
fn redis_answers_ping() {
    let url = server_url("WEIXIN_TEST_REDIS_URL");
    let addr = probe::socket_addr_from_url(&url, "redis").unwrap();
    probe::redis_ping(addr, TIMEOUT).unwrap_or_else(|err| panic!("redis at {url}: {err}"));
}

#[test]
fn memcached_round_trips_a_value() {
    let url = server_url("WEIXIN_TEST_MEMCACHED_URL");
    let addr = probe::socket_addr_from_url(&url, "memcache").unwrap();
    let key = format!("xtask-smoke-{}", std::process::id());
    probe::memcached_set_get(addr, TIMEOUT, &key, b"hello weixin")
        .unwrap_or_else(|err| panic!("memcached at {url}: {err}"));
}
