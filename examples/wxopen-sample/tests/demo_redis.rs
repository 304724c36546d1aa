//! The whole scripted conversation with the Redis cache (feature `redis`,
//! `WEIXIN_TEST_REDIS_URL`).
#![cfg(feature = "redis")]

mod support;

use wxopen_demo::StageConfig;

#[tokio::test(flavor = "multi_thread")]
async fn every_scripted_step_behaves_with_redis() {
    support::run_script(StageConfig::new(support::binary(), support::redis_url())).await;
}
