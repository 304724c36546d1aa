//! JS-SDK config: ticket from the shared container, signature over the URL without fragment.

mod api_support;

use api_support::*;
use serde_json::json;

const TICKET: &str =
    "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

async fn mount_ticket(server: &wiremock::MockServer) {
    expect_call(
        server,
        "GET",
        "/cgi-bin/ticket/getticket",
        &[("type", "jsapi")],
        None,
        json_response(json!({"errcode": 0, "errmsg": "ok", "ticket": TICKET, "expires_in": 7200})),
    )
    .await;
}

#[tokio::test]
async fn config_signs_the_official_vector() {
    let (server, mp) = setup().await;
    mount_ticket(&server).await;
    let config = mp
        .jssdk()
        .config_with(
            "http://mp.weixin.qq.com?params=value#fragment",
            1414587457,
            "Wm3WZYTPz0wzccnW",
        )
        .await
        .unwrap();
    assert_eq!(config.signature, "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    assert_eq!(config.app_id, APPID);
    assert_eq!(
        serde_json::to_value(&config).unwrap(),
        json!({"appId": APPID, "timestamp": 1414587457, "nonceStr": "Wm3WZYTPz0wzccnW",
               "signature": "0f9de62fce790f9a083d5c99e95740ceb90c27ed"})
    );
}

#[tokio::test]
async fn config_uses_now_a_fresh_nonce_and_the_cached_ticket() {
    let (server, mp) = setup().await;
    mount_ticket(&server).await; // expect(1): the second config reuses the ticket
    let url = "https://example.com/page?id=1";
    let a = mp.jssdk().config(&format!("{url}#top")).await.unwrap();
    let b = mp.jssdk().config(url).await.unwrap();
    assert_ne!(a.nonce_str, b.nonce_str);
    assert_eq!(a.nonce_str.len(), 16);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(a.timestamp <= now && a.timestamp + 60 > now);
    assert_eq!(
        a.signature,
        weixin_crypto::jssdk_signature(TICKET, &a.nonce_str, a.timestamp, url).as_str()
    );
}

#[tokio::test]
async fn ticket_errors_are_reported() {
    let (server, mp) = setup().await;
    fail_with(&server, "/cgi-bin/ticket/getticket", 48001).await;
    assert_eq!(
        api_code(mp.jssdk().config("https://example.com/").await),
        48001
    );
}
