//! Customer-service messages (48-hour window), typing, subscribe messages, content security,
//! links, unknown paths, the `/sim` inspection endpoints.

mod common;

use std::time::Duration;

use common::{errcode, start};
use serde_json::json;
use weixin_sim::{DEFAULT_APPID, MessageKind, SimConfig};

const CUSTOM: &str = "/cgi-bin/message/custom/send";

fn text(to: &str, content: &str) -> serde_json::Value {
    json!({"touser": to, "msgtype": "text", "text": {"content": content}})
}

#[tokio::test]
async fn custom_send_needs_the_48_hour_window() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o1", "too early")).await),
        45015
    );

    c.sim.user_messaged(DEFAULT_APPID, "o1");
    assert_eq!(errcode(&c.api(CUSTOM, &token, &text("o1", "one")).await), 0);
    c.sim.advance(Duration::from_secs(47 * 3600));
    let token = c.token().await;
    assert_eq!(errcode(&c.api(CUSTOM, &token, &text("o1", "two")).await), 0);
    c.sim.advance(Duration::from_secs(3600));
    let token = c.token().await;
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o1", "late")).await),
        45015
    );

    let sent = c.sim.messages_to("o1");
    let texts: Vec<_> = sent.iter().filter_map(|m| m.text()).collect();
    assert_eq!(texts, ["one", "two"]);
    assert!(
        sent.iter()
            .all(|m| m.kind == MessageKind::Custom && m.msgtype == "text")
    );
    // Every call counted, refused ones too.
    assert_eq!(c.sim.call_count(CUSTOM), 4);
}

#[tokio::test]
async fn five_messages_per_user_message_and_enter_session_allows_two() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    c.sim.user_messaged(DEFAULT_APPID, "o1");
    for i in 0..5 {
        assert_eq!(
            errcode(&c.api(CUSTOM, &token, &text("o1", &format!("{i}"))).await),
            0
        );
    }
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o1", "sixth")).await),
        45047
    );
    c.sim.user_messaged(DEFAULT_APPID, "o1");
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o1", "again")).await),
        0
    );

    c.sim.user_entered_session(DEFAULT_APPID, "o2");
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o2", "welcome")).await),
        0
    );
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o2", "second")).await),
        0
    );
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o2", "third")).await),
        45047
    );
    c.sim.user_entered_session(DEFAULT_APPID, "o3");
    c.sim.advance(Duration::from_secs(61));
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o3", "late")).await),
        45015
    );
}

#[tokio::test]
async fn custom_send_validates_the_body() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    c.sim.user_messaged(DEFAULT_APPID, "o1");
    let bad_type = json!({"touser": "o1", "msgtype": "hologram", "hologram": {}});
    assert_eq!(errcode(&c.api(CUSTOM, &token, &bad_type).await), 40008);
    assert_eq!(errcode(&c.api(CUSTOM, &token, &text("", "x")).await), 40003);
    let unknown_media = json!({"touser": "o1", "msgtype": "image", "image": {"media_id": "nope"}});
    assert_eq!(errcode(&c.api(CUSTOM, &token, &unknown_media).await), 40007);
    let not_json = c
        .http
        .post(c.url(&format!("{CUSTOM}?access_token={token}")))
        .body("{nope")
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(errcode(&not_json), 47001);
    let link = json!({"touser": "o1", "msgtype": "link", "link": {"title": "t", "description": "d", "url": "u", "thumb_url": "x"}});
    assert_eq!(errcode(&c.api(CUSTOM, &token, &link).await), 0);
    assert_eq!(c.sim.messages()[0].msgtype, "link");
}

#[tokio::test]
async fn typing_rules() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let path = "/cgi-bin/message/custom/typing";
    let typing = |cmd: &str| json!({"touser": "o1", "command": cmd});
    assert_eq!(
        errcode(&c.api(path, &token, &typing("Typing")).await),
        45080
    );
    c.sim.user_messaged(DEFAULT_APPID, "o1");
    assert_eq!(errcode(&c.api(path, &token, &typing("Typing")).await), 0);
    assert_eq!(
        errcode(&c.api(path, &token, &typing("CancelTyping")).await),
        0
    );
    assert_eq!(
        errcode(&c.api(path, &token, &typing("Dancing")).await),
        45072
    );
    assert_eq!(
        errcode(
            &c.api(
                "/cgi-bin/message/custom/business/typing",
                &token,
                &typing("Typing")
            )
            .await
        ),
        0
    );
}

#[tokio::test]
async fn subscribe_send_is_recorded_and_validated() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let path = "/cgi-bin/message/subscribe/send";
    let body = json!({
        "touser": "o9", "template_id": "TPL1", "page": "index", "miniprogram_state": "developer",
        "data": {"number01": {"value": "339208499"}, "thing2": {"value": "TIT创意园"}}
    });
    let v = c.api(path, &token, &body).await;
    assert_eq!(errcode(&v), 0);
    assert!(v["msgid"].as_u64().is_some());
    let recorded = c.sim.messages_to("o9");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].kind, MessageKind::Subscribe);
    assert_eq!(recorded[0].msgtype, "TPL1");
    assert_eq!(recorded[0].body, body);

    let long =
        json!({"touser": "o9", "template_id": "T", "data": {"thing1": {"value": "x".repeat(21)}}});
    let err = c.api(path, &token, &long).await;
    assert_eq!(errcode(&err), 47003);
    assert!(
        err["errmsg"]
            .as_str()
            .unwrap()
            .contains("data.thing1.value")
    );
    let no_template = json!({"touser": "o9", "data": {}});
    assert_eq!(errcode(&c.api(path, &token, &no_template).await), 40037);
    assert_eq!(c.sim.messages().len(), 1);

    // Over HTTP, filtered by kind.
    let listed = c.get("/sim/messages?touser=o9&kind=subscribe").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        c.get("/sim/messages?kind=custom")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn msg_sec_check_flags_bad_words() {
    let c = start(SimConfig::default().bad_words(["spam", "scam"])).await;
    let token = c.token().await;
    let path = "/wxa/msg_sec_check";
    let check =
        |content: &str| json!({"version": 2, "openid": "o1", "scene": 2, "content": content});
    let pass = c.api(path, &token, &check("hello world")).await;
    assert_eq!(errcode(&pass), 0);
    assert_eq!(pass["result"]["suggest"], "pass");
    assert_eq!(pass["result"]["label"], 100);
    let risky = c.api(path, &token, &check("buy SPAM now")).await;
    assert_eq!(errcode(&risky), 0);
    assert_eq!(risky["result"]["suggest"], "risky");
    assert_eq!(risky["detail"][1]["keyword"], "spam");
    assert_eq!(
        errcode(
            &c.api(
                path,
                &token,
                &json!({"version": 2, "openid": "o1", "scene": 9, "content": "x"})
            )
            .await
        ),
        40129
    );
    // Legacy v1.
    assert_eq!(
        errcode(&c.api(path, &token, &json!({"content": "a scam"})).await),
        87014
    );
    assert_eq!(
        errcode(&c.api(path, &token, &json!({"content": "fine"})).await),
        0
    );
}

#[tokio::test]
async fn scheme_url_link_short_link() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let now = c.get("/sim/clock").await["now"].as_u64().unwrap();
    let scheme = c
        .api("/wxa/generatescheme", &token, &json!({"jump_wxa": {"path": "pages/index/index", "query": "a=1"}, "is_expire": true, "expire_time": now + 3600}))
        .await;
    assert!(
        scheme["openlink"]
            .as_str()
            .unwrap()
            .starts_with("weixin://dl/business/?t=")
    );
    let too_long = c
        .api(
            "/wxa/generatescheme",
            &token,
            &json!({"jump_wxa": {"path": "pages/index/index"}, "expire_time": now + 31 * 86_400}),
        )
        .await;
    assert_eq!(errcode(&too_long), 85401);
    let no_expiry = c
        .api(
            "/wxa/generatescheme",
            &token,
            &json!({"jump_wxa": {"path": "pages/index/index"}}),
        )
        .await;
    assert_eq!(errcode(&no_expiry), 47001, "expire_time is required");
    let slash = c
        .api(
            "/wxa/generate_urllink",
            &token,
            &json!({"path": "/pages/index/index"}),
        )
        .await;
    assert_eq!(errcode(&slash), 40165);
    let link = c
        .api(
            "/wxa/generate_urllink",
            &token,
            &json!({"path": "pages/index/index", "expire_type": 1, "expire_interval": 7}),
        )
        .await;
    assert!(
        link["url_link"]
            .as_str()
            .unwrap()
            .starts_with("https://wxaurl.cn/")
    );
    let short = c
        .api(
            "/wxa/genwxashortlink",
            &token,
            &json!({"page_url": "pages/a/a?x=1", "page_title": "t"}),
        )
        .await;
    assert!(short["link"].as_str().unwrap().starts_with("#小程序://"));
}

#[tokio::test]
async fn unknown_paths_are_invalid_urls() {
    let c = start(SimConfig::default()).await;
    let resp = c
        .http
        .get(c.url("/cgi-bin/does/not/exist"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(errcode(&v), 40066);
    assert!(v["errmsg"].as_str().unwrap().starts_with("invalid url"));
    assert_eq!(c.sim.call_count("/cgi-bin/does/not/exist"), 1);
    let get_on_post = c.get("/cgi-bin/message/custom/send").await;
    assert_eq!(errcode(&get_on_post), 43002);
}

#[tokio::test]
async fn inspection_endpoints_and_reset() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    c.post("/sim/interactions", &json!({"openid": "o5"})).await;
    assert_eq!(errcode(&c.api(CUSTOM, &token, &text("o5", "hi")).await), 0);
    let calls = c.get("/sim/calls").await;
    assert_eq!(calls["/cgi-bin/token"], 1);
    assert_eq!(calls[CUSTOM], 1);
    assert!(calls.get("/sim/calls").is_none(), "/sim is not counted");
    let tokens = c.get("/sim/tokens").await;
    assert_eq!(tokens["issued"].as_array().unwrap().len(), 1);
    assert_eq!(tokens["current"][0]["access_token"], token.as_str());
    let messages = c.get("/sim/messages?touser=o5").await;
    assert_eq!(messages[0]["body"]["text"]["content"], "hi");
    let apps = c.get("/sim/apps").await;
    assert_eq!(apps[0]["appid"], DEFAULT_APPID);

    let before = c.get("/sim/clock").await["now"].as_u64().unwrap();
    let after = c
        .post("/sim/clock/advance", &json!({"seconds": 7200}))
        .await;
    assert!(after["now"].as_u64().unwrap() >= before + 7200);
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o5", "x")).await),
        42001
    );

    c.post("/sim/reset", &json!({})).await;
    assert!(c.sim.messages().is_empty());
    assert!(c.sim.calls().is_empty());
    assert_eq!(
        errcode(&c.api(CUSTOM, &token, &text("o5", "x")).await),
        40001
    );
}
