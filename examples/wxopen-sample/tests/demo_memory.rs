//! The whole scripted conversation against the simulator, memory cache.

mod support;

use wxopen_demo::StageConfig;

#[tokio::test(flavor = "multi_thread")]
async fn every_scripted_step_behaves_with_the_memory_cache() {
    let transcript = support::run_script(StageConfig::new(support::binary(), "memory")).await;
    // The transcript shows what the user sent and what the app answered.
    let text = transcript.to_string();
    assert!(text.contains("user: hello"), "{text}");
    assert!(text.contains("app -> user: Welcome!"), "{text}");
}
