//! Shared by the end-to-end tests: the app binary, the test servers' URLs, running the script.
#![allow(dead_code)] // each test file uses a part

use wxopen_demo::{Stage, StageConfig, Transcript, script};

/// The `wxopen-sample` binary cargo built for these tests (same features).
pub(crate) fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_wxopen-sample")
}

/// `WEIXIN_TEST_REDIS_URL`; fails the test with the way to set it when missing.
pub(crate) fn redis_url() -> String {
    std::env::var("WEIXIN_TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!(
            "WEIXIN_TEST_REDIS_URL is not set: run `cargo xtask test`, or start a server \
             (`redis-server --port 6391 --save '' --daemonize yes`) and set \
             WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6391"
        )
    })
}

/// `WEIXIN_TEST_MEMCACHED_URL`; fails the test with the way to set it when missing.
pub(crate) fn memcached_url() -> String {
    std::env::var("WEIXIN_TEST_MEMCACHED_URL").unwrap_or_else(|_| {
        panic!(
            "WEIXIN_TEST_MEMCACHED_URL is not set: run `cargo xtask test`, or start a server \
             (`memcached -p 11291 -U 0 -I 2m -d`) and set \
             WEIXIN_TEST_MEMCACHED_URL=memcache://127.0.0.1:11291"
        )
    })
}

/// The titles every full run records, in order (the scripted steps).
pub(crate) const STEPS: [&str; 11] = [
    "1. URL verification",
    "2. the user enters the customer-service chat",
    "3. a text (XML, safe mode)",
    "4. a text (JSON, safe mode)",
    "5. an image",
    "6. a push retried by WeChat",
    "7. login with a wx.login code",
    "8. decrypt encryptedData",
    "9. WebSocket echo",
    "10. the access token expires",
    "11. access tokens fetched in all",
];

/// Starts the stage, runs the whole script, stops the apps; panics with the transcript unless
/// every step behaved and every app exited cleanly on SIGTERM.
pub(crate) async fn run_script(config: StageConfig) -> Transcript {
    let stage = Stage::start(&config)
        .await
        .unwrap_or_else(|e| panic!("cannot start the stage: {e}"));
    let mut transcript = Transcript::new(false);
    script::run(&stage, &mut transcript).await;
    let stopped = stage.stop().await;
    let titles: Vec<&str> = transcript
        .steps()
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    // With signing on, one more step checks that every send went out signed.
    let expected = STEPS.len() + usize::from(config.signing);
    assert_eq!(titles.len(), expected, "{transcript}");
    for (title, expected) in titles.iter().zip(STEPS) {
        assert!(
            title.starts_with(expected),
            "step `{title}`, expected `{expected}`"
        );
    }
    assert!(
        transcript.all_passed(),
        "some steps did not behave:\n{transcript}"
    );
    for (name, result) in stopped {
        assert_eq!(result, Ok(()), "{name} did not stop cleanly on SIGTERM");
    }
    transcript
}
