//! The whole scripted conversation with the Memcached cache (feature `memcached`,
//! `WEIXIN_TEST_MEMCACHED_URL`).
#![cfg(feature = "memcached")]

mod support;

use wxopen_demo::StageConfig;

#[tokio::test(flavor = "multi_thread")]
async fn every_scripted_step_behaves_with_memcached() {
    support::run_script(StageConfig::new(
        support::binary(),
        support::memcached_url(),
    ))
    .await;
}
