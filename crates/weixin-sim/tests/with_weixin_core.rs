//! The SDK's own client against the simulator (the example of docs/simulator.md).

use std::time::Duration;

use serde_json::json;
use weixin_core::{AppConfig, Weixin};
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, SimConfig, Simulator, TokenKind};

#[tokio::test]
async fn weixin_core_gets_a_token_and_sends_a_message() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let weixin = Weixin::builder()
        .api_base(sim.base_url())
        .app(AppConfig::new(DEFAULT_APPID, DEFAULT_SECRET))
        .build()
        .unwrap();
    let app = weixin.app(DEFAULT_APPID).unwrap();

    sim.user_messaged(DEFAULT_APPID, "o-user");
    let body = json!({"touser": "o-user", "msgtype": "text", "text": {"content": "hello"}});
    let _: serde_json::Value = app
        .api()
        .post("/cgi-bin/message/custom/send", &body)
        .await
        .unwrap();
    assert_eq!(sim.messages_to("o-user")[0].text(), Some("hello"));
    // The SDK uses the stable token by default, fetched once.
    assert_eq!(sim.tokens_issued().len(), 1);
    assert_eq!(sim.tokens_issued()[0].kind, TokenKind::Stable);

    // The token expires on the simulator's clock while the SDK still holds it: the SDK gets
    // 42001, refreshes and retries once.
    sim.advance(Duration::from_secs(7200));
    sim.user_messaged(DEFAULT_APPID, "o-user");
    let _: serde_json::Value = app
        .api()
        .post("/cgi-bin/message/custom/send", &body)
        .await
        .unwrap();
    assert_eq!(sim.messages_to("o-user").len(), 2);
    assert_eq!(sim.tokens_issued().len(), 2);
    assert_eq!(sim.call_count("/cgi-bin/message/custom/send"), 3);

    // A user outside the 48-hour window: the SDK reports WeChat's error.
    let err = app
        .api()
        .post::<_, serde_json::Value>(
            "/cgi-bin/message/custom/send",
            &json!({"touser": "o-stranger", "msgtype": "text", "text": {"content": "hi"}}),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("45015"), "{err}");
    sim.stop().await.unwrap();
}
