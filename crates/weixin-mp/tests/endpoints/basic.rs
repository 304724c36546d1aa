//! Basic APIs: WeChat's IPs, the callback check, API quotas and rid lookup.

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_mp::api::basic::{CheckAction, CheckOperator, RateLimit};
use weixin_testkit::endpoints::{APPID, Case, SECRET};

const CGI_PATH: &str = "/cgi-bin/message/custom/send";

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("GET /cgi-bin/get_api_domain_ip", |app| async move {
            let ips = MpApi::new(app).basic().get_api_domain_ip().await?;
            assert_eq!(ips, ["101.89.47.18", "101.91.34.103"]);
            Ok(())
        })
        .answer(json!({"ip_list": ["101.89.47.18", "101.91.34.103"]}))
        .errcode(40013),
        Case::new("GET /cgi-bin/getcallbackip", |app| async move {
            let ips = MpApi::new(app).basic().get_callback_ip().await?;
            assert_eq!(ips, ["127.0.0.1", "127.0.0.2", "101.226.103.0/25"]);
            Ok(())
        })
        .answer(json!({"ip_list": ["127.0.0.1", "127.0.0.2", "101.226.103.0/25"]}))
        .errcode(40013),
        Case::new("POST /cgi-bin/callback/check", |app| async move {
            let check = MpApi::new(app)
                .basic()
                .callback_check(CheckAction::All, CheckOperator::Default)
                .await?;
            assert_eq!(check.dns[1].ip, "111.161.64.48");
            assert_eq!(check.ping[0].package_loss, "0%");
            assert_eq!(check.ping[1].time, "21.434ms");
            Ok(())
        })
        .body(json!({"action": "all", "check_operator": "DEFAULT"}))
        .answer(json!({
            "dns": [
                {"ip": "111.161.64.40", "real_operator": "UNICOM"},
                {"ip": "111.161.64.48", "real_operator": "UNICOM"}
            ],
            "ping": [
                {"ip": "111.161.64.40", "from_operator": "UNICOM", "package_loss": "0%", "time": "23.079ms"},
                {"ip": "111.161.64.48", "from_operator": "UNICOM", "package_loss": "0%", "time": "21.434ms"}
            ]
        }))
        .errcode(40201),
        Case::new("POST /cgi-bin/openapi/quota/get", |app| async move {
            let quota = MpApi::new(app).basic().quota(CGI_PATH).await?;
            assert_eq!(
                (quota.daily_limit, quota.used, quota.remain),
                (500000, 12, 499988)
            );
            let limit = RateLimit {
                call_count: 100,
                refresh_second: 60,
            };
            assert_eq!(quota.rate_limit, Some(limit));
            assert_eq!(quota.component_rate_limit, None);
            Ok(())
        })
        .body(json!({"cgi_path": CGI_PATH}))
        .answer(json!({
            "errcode": 0, "errmsg": "ok",
            "quota": {"daily_limit": 500000, "used": 12, "remain": 499988},
            "rate_limit": {"call_count": 100, "refresh_second": 60}
        }))
        .errcode(76021),
        Case::new("POST /cgi-bin/openapi/rid/get", |app| async move {
            let info = MpApi::new(app)
                .basic()
                .rid_info("61725984-6126f6f9-040f19c4")
                .await?;
            assert_eq!((info.invoke_time, info.cost_in_ms), (1635156704, 30));
            assert_eq!(info.client_ip, "113.xx.70.51");
            assert!(info.response_body.contains("45009"));
            Ok(())
        })
        .body(json!({"rid": "61725984-6126f6f9-040f19c4"}))
        .answer(json!({
            "errcode": 0, "errmsg": "ok",
            "request": {
                "invoke_time": 1635156704, "cost_in_ms": 30,
                "request_url": "access_token=50_Im7xxxx", "request_body": "",
                "response_body": "{\"errcode\":45009,\"errmsg\":\"reach max api daily quota limit rid: 617682e0-09059ac5-34a8e2ea\"}",
                "client_ip": "113.xx.70.51"
            }
        }))
        .errcode(76001),
        Case::new("POST /cgi-bin/clear_quota", |app| async move {
            MpApi::new(app).basic().clear_quota().await
        })
        .body(json!({"appid": APPID}))
        .errcode(48006),
        // Called with the secret and without an access token; the secret goes in the body (the
        // doc's current form), not in the URL.
        Case::new("POST /cgi-bin/clear_quota/v2", |app| async move {
            MpApi::new(app).basic().clear_quota_with_secret().await
        })
        .body(json!({"appid": APPID, "appsecret": SECRET}))
        .errcode(41004),
        Case::new("POST /cgi-bin/openapi/quota/clear", |app| async move {
            MpApi::new(app).basic().clear_api_quota(CGI_PATH).await
        })
        .body(json!({"cgi_path": CGI_PATH}))
        .errcode(76021),
    ]
}
