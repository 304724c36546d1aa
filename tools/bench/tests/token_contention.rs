//! The token-contention driver against a real Redis: 4 processes x 250 calls at token expiry
//! must fetch the token exactly once. Needs `WEIXIN_TEST_REDIS_URL` (`cargo xtask test` sets it).

use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_worker_processes_fetch_the_expired_token_once() {
    let Ok(redis) = std::env::var("WEIXIN_TEST_REDIS_URL") else {
        panic!(
            "WEIXIN_TEST_REDIS_URL is not set: run `cargo xtask test`, or start \
             `redis-server --port 6391 --save ''` and set WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6391"
        );
    };
    let exe = Path::new(env!("CARGO_BIN_EXE_weixin-bench"));
    let result = weixin_bench::token::run(&redis, exe).await.unwrap();
    assert_eq!(result.calls, 1_000, "{result:?}");
    assert_eq!(result.errors, 0, "{result:?}");
    assert_eq!(result.latencies_us.len(), 1_000);
    assert_eq!(result.fetches, 1, "{result:?}");
}
