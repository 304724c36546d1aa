//! Four processes, one Redis, one simulator: exactly one access token is fetched.
//!
//! Needs a Redis server: `WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6379` (`cargo xtask test`
//! starts one and sets it).

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use weixin_sim::{DEFAULT_APPID, SimConfig, Simulator};

fn redis_url() -> String {
    std::env::var("WEIXIN_TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!(
            "WEIXIN_TEST_REDIS_URL is not set: this test needs a Redis server, e.g. \
             `redis-server --port 6391 --save '' --daemonize yes` and \
             WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6391 (or run `cargo xtask test`)"
        )
    })
}

/// A key prefix no earlier run used, so no token of another simulator is in Redis.
fn fresh_prefix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("api-client-test-{}-{nanos}", std::process::id())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_processes_fetch_one_token() {
    let redis = redis_url();
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    // Customer-service messages need the user to have written within 48 hours.
    sim.user_messaged(DEFAULT_APPID, "o-fleet");

    let base = sim.base_url().to_string();
    let prefix = fresh_prefix();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_api-client"))
            .args(["--redis", &redis, "--api-base", &base, "--processes", "4"])
            .args(["--openid", "o-fleet", "--key-prefix", &prefix])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );

    // The simulator saw one token fetch and four messages. (Count the calls: a stable_token
    // call without force_refresh returns the current token, so four uncoordinated fetches
    // would still show one token issued.)
    assert_eq!(
        sim.call_count("/cgi-bin/stable_token"),
        1,
        "{:?}",
        sim.calls()
    );
    assert_eq!(
        sim.token_count(DEFAULT_APPID),
        1,
        "{:?}",
        sim.tokens_issued()
    );
    assert_eq!(sim.messages_to("o-fleet").len(), 4);
    // And the parent counted the same.
    assert!(
        stdout.contains("4 calls succeeded, 0 failed; access tokens fetched: 1"),
        "{stdout}"
    );
    sim.stop().await.unwrap();
}
