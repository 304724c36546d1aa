//! Several OS processes contend for one lock through the real Memcached (`WEIXIN_TEST_MEMCACHED_URL`):
//! `weixin_testkit::lock_processes` re-executes this test as the workers, which hold the
//! lock in turn while updating a shared counter file; two holders at once would lose an update.

mod common;

use weixin_testkit::lock_processes::{self, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_contending_for_one_lock_never_overlap() {
    let backend = Backend {
        name: "memcached",
        test_name: "processes_contending_for_one_lock_never_overlap",
        url_var: common::URL_VAR,
    };
    // Fail early (in the parent) with the clear message when the server is not configured.
    let url = common::shared_url();
    lock_processes::run(&backend, url, common::connect_with_lock).await;
}
