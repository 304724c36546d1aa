//! The access-token broker of `weixin-core`, unchanged, over the real Memcached and across OS
//! processes: 4 worker processes, each with its own registry, `MemcachedCache` connection and
//! lock, make 1,000 concurrent `access_token()` calls in total; the token is fetched exactly
//! once, on a cold cache and again at expiry (`weixin_testkit::token_processes`).

mod common;

use weixin_testkit::token_processes::{self, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_sharing_memcached_fetch_the_token_once_per_expiry() {
    let backend = Backend {
        name: "memcached",
        test_name: "four_processes_sharing_memcached_fetch_the_token_once_per_expiry",
        url_var: common::URL_VAR,
    };
    // Fails with the clear message when the server is not configured.
    let url = common::shared_url();
    token_processes::run(&backend, url, common::connect_with_lock).await;
}
