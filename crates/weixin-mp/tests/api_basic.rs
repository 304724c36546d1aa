//! IPs, callback check, quotas.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::basic::{CheckAction, CheckOperator, RateLimit};
use wiremock::Mock;
use wiremock::matchers::{body_json, method, path, query_param_is_missing};

#[tokio::test]
async fn ip_lists() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/get_api_domain_ip",
        &[],
        None,
        json_response(json!({"ip_list": ["101.89.47.18", "101.91.34.103"]})),
    )
    .await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/getcallbackip",
        &[],
        None,
        json_response(json!({"ip_list": ["127.0.0.1"]})),
    )
    .await;
    assert_eq!(
        mp.basic().get_api_domain_ip().await.unwrap(),
        ["101.89.47.18", "101.91.34.103"]
    );
    assert_eq!(mp.basic().get_callback_ip().await.unwrap(), ["127.0.0.1"]);
}

#[tokio::test]
async fn callback_check_posts_action_and_operator() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/callback/check",
        &[],
        Some(json!({"action": "all", "check_operator": "DEFAULT"})),
        json_response(json!({
            "dns": [{"ip": "111.161.64.40", "real_operator": "UNICOM"}],
            "ping": [{"ip": "111.161.64.40", "from_operator": "UNICOM", "package_loss": "0%", "time": "23.079ms"}]
        })),
    )
    .await;
    let check = mp
        .basic()
        .callback_check(CheckAction::All, CheckOperator::Default)
        .await
        .unwrap();
    assert_eq!(check.dns[0].real_operator, "UNICOM");
    assert_eq!(check.ping[0].time, "23.079ms");
}

#[test]
fn check_enums_serialize_like_wechat() {
    assert_eq!(json!(CheckAction::Dns), json!("dns"));
    assert_eq!(json!(CheckOperator::Chinanet), json!("CHINANET"));
    assert_eq!(json!(CheckOperator::Cap), json!("CAP"));
}

#[tokio::test]
async fn quota_calls() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/openapi/quota/get",
        &[],
        Some(json!({"cgi_path": "/cgi-bin/message/custom/send"})),
        json_response(json!({"errcode": 0, "errmsg": "ok",
                             "quota": {"daily_limit": 500000, "used": "12", "remain": 499988},
                             "rate_limit": {"call_count": 100, "refresh_second": 60},
                             "component_rate_limit": {"call_count": "50", "refresh_second": 60}})),
    )
    .await;
    let quota = mp
        .basic()
        .quota("/cgi-bin/message/custom/send")
        .await
        .unwrap();
    assert_eq!(
        (quota.daily_limit, quota.used, quota.remain),
        (500000, 12, 499988)
    );
    assert_eq!(
        quota.rate_limit,
        Some(RateLimit {
            call_count: 100,
            refresh_second: 60
        })
    );
    assert_eq!(quota.component_rate_limit.map(|r| r.call_count), Some(50));

    expect_call(
        &server,
        "POST",
        "/cgi-bin/clear_quota",
        &[],
        Some(json!({"appid": APPID})),
        ok(),
    )
    .await;
    mp.basic().clear_quota().await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/openapi/quota/clear",
        &[],
        Some(json!({"cgi_path": "/cgi-bin/message/custom/send"})),
        ok(),
    )
    .await;
    mp.basic()
        .clear_api_quota("/cgi-bin/message/custom/send")
        .await
        .unwrap();
}

#[tokio::test]
async fn basic_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let basic = mp.basic();
    fail_with(&server, "/cgi-bin/get_api_domain_ip", 40164).await;
    assert_eq!(api_code(basic.get_api_domain_ip().await), 40164);
    fail_with(&server, "/cgi-bin/getcallbackip", 40164).await;
    assert_eq!(api_code(basic.get_callback_ip().await), 40164);
    fail_with(&server, "/cgi-bin/callback/check", 40201).await;
    assert_eq!(
        api_code(
            basic
                .callback_check(CheckAction::Ping, CheckOperator::Unicom)
                .await
        ),
        40201
    );
    fail_with(&server, "/cgi-bin/openapi/quota/get", 76021).await;
    assert_eq!(api_code(basic.quota("/nope").await), 76021);
    fail_with(&server, "/cgi-bin/clear_quota", 48006).await;
    assert_eq!(api_code(basic.clear_quota().await), 48006);
    fail_with(&server, "/cgi-bin/openapi/quota/clear", 76022).await;
    assert_eq!(api_code(basic.clear_api_quota("/x").await), 76022);
}

#[tokio::test]
async fn a_read_is_retried_after_a_token_error_with_a_fresh_token() {
    let server = wiremock::MockServer::start().await;
    mount_tokens(&server, &[TOKEN, TOKEN2]).await;
    wiremock::Mock::given(wiremock::matchers::path("/cgi-bin/get_api_domain_ip"))
        .and(wiremock::matchers::query_param("access_token", TOKEN))
        .respond_with(errcode(42001))
        .expect(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::path("/cgi-bin/get_api_domain_ip"))
        .and(wiremock::matchers::query_param("access_token", TOKEN2))
        .respond_with(json_response(json!({"ip_list": ["1.2.3.4"]})))
        .expect(1)
        .mount(&server)
        .await;
    let mp = client(&server);
    assert_eq!(mp.basic().get_api_domain_ip().await.unwrap(), ["1.2.3.4"]);
    // A second rejection in a row is reported, not retried forever.
    server.reset().await;
    wiremock::Mock::given(wiremock::matchers::path("/cgi-bin/get_api_domain_ip"))
        .respond_with(errcode(40001))
        .mount(&server)
        .await;
    mount_tokens(&server, &[TOKEN, TOKEN2, TOKEN]).await;
    assert_eq!(api_code(mp.basic().get_api_domain_ip().await), 40001);
    let calls = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/cgi-bin/get_api_domain_ip")
        .count();
    assert_eq!(calls, 2, "one retry after a token error, no more");
}

#[tokio::test]
async fn a_quota_without_rate_limits_has_none() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/openapi/quota/get",
        &[],
        None,
        json_response(json!({"errcode": 0, "errmsg": "ok",
                             "quota": {"daily_limit": 10, "used": 0, "remain": 10}})),
    )
    .await;
    let quota = mp.basic().quota("/wxa/getwxacode").await.unwrap();
    assert_eq!((quota.remain, quota.rate_limit), (10, None));
}

#[tokio::test]
async fn rid_info_looks_up_a_failed_call() {
    let (server, mp) = setup().await;
    fail_with(&server, "/cgi-bin/message/custom/send", 45009).await;
    let err = mp
        .custom()
        .send(&weixin_mp::api::custom::CustomMessage::text("o1", "hi"))
        .await
        .unwrap_err();
    let rid = err.rid().expect("the errmsg carries a rid").to_owned();
    assert_eq!(rid, "1-2-3");

    expect_call(
        &server,
        "POST",
        "/cgi-bin/openapi/rid/get",
        &[],
        Some(json!({"rid": "1-2-3"})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "request": {
            "invoke_time": 1635927956, "cost_in_ms": 30,
            "request_url": "access_token=xxx", "request_body": "{}",
            "response_body": "{\"errcode\":45009}", "client_ip": "1.2.3.4"}})),
    )
    .await;
    let info = mp.basic().rid_info(&rid).await.unwrap();
    assert_eq!(info.invoke_time, 1635927956);
    assert_eq!(info.cost_in_ms, 30);
    assert_eq!(info.client_ip, "1.2.3.4");
    assert_eq!(info.response_body, r#"{"errcode":45009}"#);
}

#[tokio::test]
async fn clear_quota_with_secret_needs_no_token_and_keeps_the_secret_out_of_the_url() {
    let server = wiremock::MockServer::start().await;
    // No token endpoint is mounted: a token fetch would fail the call.
    Mock::given(method("POST"))
        .and(path("/cgi-bin/clear_quota/v2"))
        .and(query_param_is_missing("access_token"))
        .and(query_param_is_missing("appsecret"))
        .and(body_json(json!({"appid": APPID, "appsecret": SECRET})))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .basic()
        .clear_quota_with_secret()
        .await
        .unwrap();
}
