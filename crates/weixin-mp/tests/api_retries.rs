//! Retry behaviour seen through the API handles: reads are retried on 5xx, writes that must not
//! happen twice are not; nothing secret shows in `Debug`.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_core::client::RetryPolicy;
use weixin_mp::api::{Lang, MpApi};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn retrying_client(server: &MockServer) -> MpApi {
    client_with(
        server,
        RetryPolicy {
            max_attempts: 3,
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(5),
        },
    )
}

#[tokio::test]
async fn reads_are_retried_after_a_server_error() {
    let server = MockServer::start().await;
    mount_tokens(&server, &[TOKEN]).await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .respond_with(json_response(json!({"subscribe": 1, "openid": "o1"})))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let mp = retrying_client(&server);
    let info = mp.user().info("o1", Lang::ZhCn).await.unwrap();
    assert_eq!(info.openid, "o1");
}

#[tokio::test]
async fn deletes_and_sends_are_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    mount_tokens(&server, &[TOKEN]).await;
    for p in [
        "/cgi-bin/material/del_material",
        "/cgi-bin/tags/delete",
        "/cgi-bin/template/del_private_template",
        "/cgi-bin/message/template/send",
        "/cgi-bin/qrcode/create",
    ] {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(503))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mp = retrying_client(&server);
    assert!(mp.media().del_material("M").await.is_err());
    assert!(mp.tags().delete(100).await.is_err());
    assert!(mp.template().del_private_template("T").await.is_err());
    let message = weixin_mp::api::template::TemplateMessage::new("O", "T");
    assert!(mp.template().send(&message).await.is_err());
    let scene = weixin_mp::api::qrcode::QrScene::Id(1);
    assert!(mp.qrcode().create_permanent(&scene).await.is_err());
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let (_server, mp) = setup().await;
    for text in [
        format!("{mp:?}"),
        format!("{:?}", mp.oauth()),
        format!("{:?}", mp.jssdk()),
        format!("{:?}", mp.basic()),
        format!("{:?}", mp.custom()),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains(APPID), "{text}");
    }
}
