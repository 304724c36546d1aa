//! The quota and debugging calls against the simulator: quota/get counts, clear_quota (with a
//! token, and v2 with the secret when the token is out of quota) and rid lookup.

mod support;

use serde_json::json;
use weixin::mini_program::api::WxOpenApi;

const SEND: &str = "/cgi-bin/message/custom/send";

#[tokio::test]
async fn quota_is_counted_and_cleared_and_rids_are_looked_up() {
    let (sim, _weixin, app) = support::start().await;
    let api = WxOpenApi::from(app.clone());

    // Two sends to a user who never wrote: both refused (45015), both counted.
    let body = json!({"touser": "o-stranger", "msgtype": "text", "text": {"content": "hi"}});
    let mut last_error = None;
    for _ in 0..2 {
        let err = app
            .api()
            .post::<_, serde_json::Value>(SEND, &body)
            .await
            .unwrap_err();
        last_error = Some(err);
    }
    let quota = api.quota().quota(SEND).await.unwrap();
    assert_eq!(quota.used, 2);
    assert_eq!(quota.remain, quota.daily_limit - 2);

    // The rid of the error finds the call, without the token.
    let err = last_error.unwrap();
    let rid = err.rid().expect("the error carries a rid").to_owned();
    let info = api.quota().rid_info(&rid).await.unwrap();
    assert_eq!(info.request_url, SEND);
    assert!(info.request_body.contains("o-stranger"), "{info:?}");
    assert!(info.response_body.contains("45015"), "{info:?}");
    assert_eq!(info.client_ip, "127.0.0.1");
    assert!(info.invoke_time > 0);
    let unknown = api.quota().rid_info("00000000-00000000-00000000").await;
    assert!(unknown.is_err());

    // clear_quota resets today's counts; so does v2 (appid + secret, no token).
    api.quota().clear_quota().await.unwrap();
    assert_eq!(api.quota().quota(SEND).await.unwrap().used, 0);
    app.api()
        .post::<_, serde_json::Value>(SEND, &body)
        .await
        .unwrap_err();
    api.quota().clear_quota_with_secret().await.unwrap();
    assert_eq!(api.quota().quota(SEND).await.unwrap().used, 0);

    // Ten whole-account clears a month: 8 more, then 48006.
    for _ in 0..8 {
        api.quota().clear_quota().await.unwrap();
    }
    let err = api.quota().clear_quota().await.unwrap_err();
    assert_eq!(err.api_code().map(|c| c.code()), Some(48006), "{err}");

    // A path that is not an API.
    let err = api.quota().quota("/nope").await.unwrap_err();
    assert_eq!(err.api_code().map(|c| c.code()), Some(76021), "{err}");
    assert_eq!(sim.call_count("/cgi-bin/clear_quota/v2"), 1);
}
