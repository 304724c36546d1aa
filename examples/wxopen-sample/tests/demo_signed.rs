//! The whole scripted conversation with server-API signing on: the simulator requires every
//! customer-service send signed and encrypted, and the app is configured with the six
//! `WEIXIN_API_*` variables.

mod support;

use wxopen_demo::StageConfig;

#[tokio::test(flavor = "multi_thread")]
async fn every_scripted_step_behaves_with_signing_on() {
    let config = StageConfig::new(support::binary(), "memory").signing(true);
    let transcript = support::run_script(config).await;
    let text = transcript.to_string();
    assert!(
        text.contains("every customer-service send signed and encrypted"),
        "{text}"
    );
    assert!(text.contains("app -> user: Welcome!"), "{text}");
}
