//! Access tokens: classic overlap and invalidation, stable tokens, expiry, quotas, bad secrets.

mod common;

use std::time::Duration;

use common::{errcode, start};
use serde_json::json;
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, SimApp, SimConfig, TokenKind};

const SEND: &str = "/cgi-bin/message/subscribe/send";

fn subscribe_body() -> serde_json::Value {
    json!({"touser": "o1", "template_id": "T", "data": {"thing1": {"value": "x"}}})
}

#[tokio::test]
async fn classic_fetch_invalidates_previous_token_after_five_minutes() {
    let c = start(SimConfig::default()).await;
    let first = c.token().await;
    assert!(first.len() > 100, "WeChat tokens are long");
    assert_eq!(errcode(&c.api(SEND, &first, &subscribe_body()).await), 0);

    let second = c.token().await;
    assert_ne!(first, second);
    // Both work during the overlap.
    c.sim.advance(Duration::from_secs(299));
    assert_eq!(errcode(&c.api(SEND, &first, &subscribe_body()).await), 0);
    assert_eq!(errcode(&c.api(SEND, &second, &subscribe_body()).await), 0);
    assert_eq!(c.sim.current_tokens().len(), 2);
    // After it, the old one is "not latest".
    c.sim.advance(Duration::from_secs(2));
    let old = c.api(SEND, &first, &subscribe_body()).await;
    assert_eq!(errcode(&old), 40001);
    assert!(old["errmsg"].as_str().unwrap().contains("rid: "));
    assert_eq!(errcode(&c.api(SEND, &second, &subscribe_body()).await), 0);
    assert_eq!(c.sim.current_tokens().len(), 1);
    assert_eq!(c.sim.token_count(DEFAULT_APPID), 2);
}

#[tokio::test]
async fn expired_unknown_and_missing_tokens() {
    let c = start(SimConfig::default().token_ttl(Duration::from_secs(600))).await;
    let token = c.token().await;
    let missing = c.post(SEND, &subscribe_body()).await;
    assert_eq!(errcode(&missing), 41001);
    assert_eq!(
        errcode(&c.api(SEND, "not-a-token", &subscribe_body()).await),
        40001
    );
    c.sim.advance(Duration::from_secs(599));
    assert_eq!(errcode(&c.api(SEND, &token, &subscribe_body()).await), 0);
    c.sim.advance(Duration::from_secs(1));
    assert_eq!(
        errcode(&c.api(SEND, &token, &subscribe_body()).await),
        42001
    );
    assert!(c.sim.current_tokens().is_empty());
}

#[tokio::test]
async fn token_ttl_is_reported() {
    let c = start(SimConfig::default().token_ttl(Duration::from_secs(1234))).await;
    let v = c
        .get(&format!(
            "/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}"
        ))
        .await;
    assert_eq!(v["expires_in"], 1234);
    let issued = &c.sim.tokens_issued()[0];
    assert_eq!(issued.expires_at - issued.issued_at, 1234);
    assert_eq!(issued.kind, TokenKind::Classic);
}

#[tokio::test]
async fn an_absurd_token_ttl_saturates_instead_of_overflowing() {
    let c = start(SimConfig::default().token_ttl(Duration::MAX)).await;
    let v = c
        .get(&format!(
            "/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}"
        ))
        .await;
    let token = v["access_token"].as_str().expect("a token").to_owned();
    assert!(v["expires_in"].as_u64().expect("expires_in") > 1_000_000_000);
    // The token works: it is not already expired.
    assert_eq!(errcode(&c.api(SEND, &token, &subscribe_body()).await), 0);
}

#[tokio::test]
async fn credential_errors() {
    let c = start(SimConfig::default()).await;
    let q = |appid: &str, secret: &str, grant: &str| {
        format!("/cgi-bin/token?grant_type={grant}&appid={appid}&secret={secret}")
    };
    assert_eq!(
        errcode(&c.get(&q("wxnope", "x", "client_credential")).await),
        40013
    );
    assert_eq!(
        errcode(&c.get(&q(DEFAULT_APPID, "wrong", "client_credential")).await),
        40125
    );
    assert_eq!(
        errcode(&c.get(&q(DEFAULT_APPID, DEFAULT_SECRET, "password")).await),
        40002
    );
    assert_eq!(
        errcode(&c.get(&q("", DEFAULT_SECRET, "client_credential")).await),
        41002
    );
    assert_eq!(
        errcode(&c.get(&q(DEFAULT_APPID, "", "client_credential")).await),
        41004
    );
    // Wrong method.
    let post = c
        .post(
            &q(DEFAULT_APPID, DEFAULT_SECRET, "client_credential"),
            &json!({}),
        )
        .await;
    assert_eq!(errcode(&post), 43001);
    assert!(c.sim.tokens_issued().is_empty());
}

#[tokio::test]
async fn stable_token_normal_and_forced() {
    let config = SimConfig::default().add_app(SimApp::new("wx2", "s2"));
    let c = start(config).await;
    let stable = |force: bool| json!({"grant_type": "client_credential", "appid": DEFAULT_APPID, "secret": DEFAULT_SECRET, "force_refresh": force});
    let a = c.post("/cgi-bin/stable_token", &stable(false)).await;
    let b = c.post("/cgi-bin/stable_token", &stable(false)).await;
    assert_eq!(
        a["access_token"], b["access_token"],
        "normal mode returns the same token"
    );
    let a_token = a["access_token"].as_str().unwrap().to_owned();

    // Isolated from the classic token.
    let classic = c.token().await;
    assert_eq!(errcode(&c.api(SEND, &a_token, &subscribe_body()).await), 0);

    // expires_in counts down, and is renewed 5 minutes early.
    c.sim.advance(Duration::from_secs(7000));
    let late = c.post("/cgi-bin/stable_token", &stable(false)).await;
    assert_ne!(late["access_token"], a["access_token"]);
    assert_eq!(late["expires_in"], 7200);
    c.sim.advance(Duration::from_secs(100));
    let same = c.post("/cgi-bin/stable_token", &stable(false)).await;
    assert_eq!(same["access_token"], late["access_token"]);
    // Real milliseconds pass between the calls too.
    let left = same["expires_in"].as_u64().unwrap();
    assert!((7099..=7100).contains(&left), "{left}");
    assert_eq!(errcode(&c.api(SEND, &classic, &subscribe_body()).await), 0);

    // Force refresh: a new token, the previous one works for 5 more minutes.
    let forced = c.post("/cgi-bin/stable_token", &stable(true)).await;
    assert_ne!(forced["access_token"], same["access_token"]);
    let prev = same["access_token"].as_str().unwrap();
    c.sim.advance(Duration::from_secs(200));
    assert_eq!(errcode(&c.api(SEND, prev, &subscribe_body()).await), 0);
    c.sim.advance(Duration::from_secs(101));
    assert_eq!(errcode(&c.api(SEND, prev, &subscribe_body()).await), 40001);

    // Within 30 s of a forced refresh, another one changes nothing.
    let again = c.post("/cgi-bin/stable_token", &stable(true)).await;
    let immediately = c.post("/cgi-bin/stable_token", &stable(true)).await;
    assert_eq!(again["access_token"], immediately["access_token"]);
}

#[tokio::test]
async fn stable_force_refresh_is_limited_per_day() {
    let config = SimConfig {
        stable_force_refresh_per_day: 3,
        ..SimConfig::default()
    };
    let c = start(config).await;
    let body = json!({"grant_type": "client_credential", "appid": DEFAULT_APPID, "secret": DEFAULT_SECRET, "force_refresh": true});
    for _ in 0..3 {
        let v = c.post("/cgi-bin/stable_token", &body).await;
        assert!(v["access_token"].is_string(), "{v}");
        c.sim.advance(Duration::from_secs(31));
    }
    assert_eq!(
        errcode(&c.post("/cgi-bin/stable_token", &body).await),
        45009
    );
    c.sim.advance(Duration::from_secs(86_400));
    assert!(c.post("/cgi-bin/stable_token", &body).await["access_token"].is_string());
}

#[tokio::test]
async fn daily_quota_gives_45009_and_resets_next_day() {
    let c = start(
        SimConfig::default()
            .daily_quota("/cgi-bin/token", 3)
            .daily_quota(SEND, 2),
    )
    .await;
    let token = {
        for _ in 0..2 {
            c.token().await;
        }
        c.token().await
    };
    let over = c
        .get(&format!(
            "/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}"
        ))
        .await;
    assert_eq!(errcode(&over), 45009);
    assert_eq!(errcode(&c.api(SEND, &token, &subscribe_body()).await), 0);
    assert_eq!(errcode(&c.api(SEND, &token, &subscribe_body()).await), 0);
    assert_eq!(
        errcode(&c.api(SEND, &token, &subscribe_body()).await),
        45009
    );
    assert_eq!(c.sim.call_count("/cgi-bin/token"), 4);
    assert_eq!(c.sim.call_count(SEND), 3);
    // A new (simulated) day.
    c.sim.advance(Duration::from_secs(86_400));
    assert!(c.token().await.len() > 100);
}
