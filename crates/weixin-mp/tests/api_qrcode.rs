//! Parametric QR codes.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::qrcode::{QrCodeApi, QrScene};

fn ticket_response(expire: Option<u64>) -> wiremock::ResponseTemplate {
    let mut body = json!({
        "ticket": "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==",
        "url": "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"
    });
    if let Some(expire) = expire {
        body["expire_seconds"] = json!(expire);
    }
    json_response(body)
}

#[tokio::test]
async fn temporary_codes_with_id_and_string_scenes() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/qrcode/create",
        &[],
        Some(json!({"expire_seconds": 604800, "action_name": "QR_SCENE",
                    "action_info": {"scene": {"scene_id": 123}}})),
        ticket_response(Some(604800)),
    )
    .await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/qrcode/create",
        &[],
        Some(json!({"expire_seconds": 60, "action_name": "QR_STR_SCENE",
                    "action_info": {"scene": {"scene_str": "test"}}})),
        ticket_response(Some(60)),
    )
    .await;
    let t = mp
        .qrcode()
        .create_temporary(604800, &QrScene::Id(123))
        .await
        .unwrap();
    assert_eq!(t.expire_seconds, Some(604800));
    assert_eq!(t.url, "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI");
    let t = mp
        .qrcode()
        .create_temporary(60, &QrScene::Str("test".into()))
        .await
        .unwrap();
    assert_eq!(t.expire_seconds, Some(60));
}

#[tokio::test]
async fn permanent_codes_have_no_expiry() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/qrcode/create",
        &[],
        Some(json!({"action_name": "QR_LIMIT_SCENE", "action_info": {"scene": {"scene_id": 7}}})),
        ticket_response(None),
    )
    .await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/qrcode/create",
        &[],
        Some(json!({"action_name": "QR_LIMIT_STR_SCENE",
                    "action_info": {"scene": {"scene_str": "shop"}}})),
        ticket_response(None),
    )
    .await;
    let t = mp.qrcode().create_permanent(&QrScene::Id(7)).await.unwrap();
    assert_eq!(t.expire_seconds, None);
    mp.qrcode()
        .create_permanent(&QrScene::Str("shop".into()))
        .await
        .unwrap();
}

#[test]
fn show_url_encodes_the_ticket() {
    assert_eq!(
        QrCodeApi::show_url(
            "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw=="
        ),
        "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw%3D%3D"
    );
    assert_eq!(
        QrCodeApi::show_url("a+b/c d&e"),
        "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=a%2Bb%2Fc+d%26e"
    );
}

#[tokio::test]
async fn qrcode_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    fail_with(&server, "/cgi-bin/qrcode/create", 45029).await;
    assert_eq!(
        api_code(mp.qrcode().create_permanent(&QrScene::Id(1)).await),
        45029
    );
    assert_eq!(
        api_code(mp.qrcode().create_temporary(60, &QrScene::Id(1)).await),
        45029
    );
}
