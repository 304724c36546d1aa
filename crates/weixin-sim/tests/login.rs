//! `sns/jscode2session`, login codes, phone-number codes.

mod common;

use std::time::Duration;

use base64::Engine;
use common::{errcode, start};
use serde_json::json;
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, SimConfig};

fn session_path(code: &str) -> String {
    format!(
        "/sns/jscode2session?appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}&js_code={code}&grant_type=authorization_code"
    )
}

#[tokio::test]
async fn code_is_single_use_and_session_key_stable_per_user() {
    let c = start(SimConfig::default()).await;
    let code = c
        .sim
        .issue_login_code(DEFAULT_APPID, Some("o-alice"))
        .unwrap();
    let first = c.get(&session_path(&code)).await;
    assert_eq!(first["openid"], "o-alice");
    assert!(
        first.get("errcode").is_none(),
        "success omits errcode: {first}"
    );
    let key = first["session_key"].as_str().unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key)
        .unwrap();
    assert_eq!(raw.len(), 16);
    assert!(first["unionid"].as_str().unwrap().starts_with("oU"));

    let reused = c.get(&session_path(&code)).await;
    assert_eq!(errcode(&reused), 40163);
    assert_eq!(errcode(&c.get(&session_path("made-up")).await), 40029);

    let again = c
        .sim
        .issue_login_code(DEFAULT_APPID, Some("o-alice"))
        .unwrap();
    let second = c.get(&session_path(&again)).await;
    assert_eq!(second["session_key"], first["session_key"]);
    assert_eq!(second["unionid"], first["unionid"]);
    assert_eq!(
        c.sim.session_key(DEFAULT_APPID, "o-alice").as_deref(),
        Some(key)
    );

    let bob = c
        .sim
        .issue_login_code(DEFAULT_APPID, Some("o-bob"))
        .unwrap();
    assert_ne!(
        c.get(&session_path(&bob)).await["session_key"],
        first["session_key"]
    );
}

#[tokio::test]
async fn codes_expire_after_five_minutes_and_check_the_secret() {
    let config = SimConfig {
        unionid: false,
        rotate_session_keys: true,
        ..SimConfig::default()
    };
    let c = start(config).await;
    let code = c.sim.issue_login_code(DEFAULT_APPID, None).unwrap();
    c.sim.advance(Duration::from_secs(301));
    assert_eq!(errcode(&c.get(&session_path(&code)).await), 40029);

    let code = c.sim.issue_login_code(DEFAULT_APPID, Some("u")).unwrap();
    let bad = c
        .get(&format!("/sns/jscode2session?appid={DEFAULT_APPID}&secret=nope&js_code={code}&grant_type=authorization_code"))
        .await;
    assert_eq!(errcode(&bad), 40125);
    let ok = c.get(&session_path(&code)).await;
    assert!(ok.get("unionid").is_none());
    let code2 = c.sim.issue_login_code(DEFAULT_APPID, Some("u")).unwrap();
    assert_ne!(
        c.get(&session_path(&code2)).await["session_key"],
        ok["session_key"]
    );
    assert!(c.sim.issue_login_code("wxunknown", None).is_err());
}

#[tokio::test]
async fn login_codes_over_http() {
    let c = start(SimConfig::default()).await;
    let issued = c.post("/sim/codes", &json!({"openid": "o-http"})).await;
    assert_eq!(issued["appid"], DEFAULT_APPID);
    let code = issued["code"].as_str().unwrap();
    assert_eq!(c.get(&session_path(code)).await["openid"], "o-http");
    let made_up = c.post("/sim/codes", &json!({})).await;
    assert!(made_up["openid"].as_str().unwrap().starts_with('o'));
}

#[tokio::test]
async fn phone_number_codes() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let code = c
        .sim
        .issue_phone_code(DEFAULT_APPID, "13123456789")
        .unwrap();
    let path = "/wxa/business/getuserphonenumber";
    let v = c.api(path, &token, &json!({"code": code})).await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(v["phone_info"]["phoneNumber"], "13123456789");
    assert_eq!(v["phone_info"]["countryCode"], 86);
    assert_eq!(v["phone_info"]["watermark"]["appid"], DEFAULT_APPID);
    assert_eq!(
        errcode(&c.api(path, &token, &json!({"code": code})).await),
        40029
    );

    let issued = c
        .post("/sim/phone-codes", &json!({"phone": "+1 5551234567"}))
        .await;
    let v = c.api(path, &token, &json!({"code": issued["code"]})).await;
    assert_eq!(v["phone_info"]["purePhoneNumber"], "5551234567");
    assert_eq!(v["phone_info"]["countryCode"], 1);
}
