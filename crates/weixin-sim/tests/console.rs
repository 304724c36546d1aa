//! The console page and its endpoints: `/sim/console`, `POST /sim/push`, `GET /sim/chat`,
//! `POST /sim/burst`, `GET /sim/quotas`, against a small callback that answers text pushes
//! through the customer-service API (and, in safe mode, with an encrypted reply).

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use weixin_crypto::{KeySlot, MsgCrypt};
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, SimConfig};

const TOKEN: &str = "consoletoken";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

struct App {
    sim: String,
    http: reqwest::Client,
    crypt: MsgCrypt,
}

fn xml_text(body: &str, tag: &str) -> Option<String> {
    let start = body.find(&format!("<{tag}><![CDATA["))? + tag.len() + 11;
    let end = start + body[start..].find("]]>")?;
    Some(body[start..end].to_owned())
}

/// Answers a text with `echo: <text>` through `custom/send` (no deduplication: every
/// delivery is handled), then `success`, or an encrypted reply in safe mode.
async fn on_push(State(app): State<Arc<App>>, body: Bytes) -> String {
    let body = String::from_utf8_lossy(&body).into_owned();
    let encrypted = xml_text(&body, "Encrypt");
    let plain = match &encrypted {
        Some(e) => {
            weixin_crypto::hazmat::decrypt_unverified(&app.crypt, e)
                .expect("decrypts")
                .message
        }
        None => body,
    };
    let (Some(from), Some(content)) = (
        xml_text(&plain, "FromUserName"),
        xml_text(&plain, "Content"),
    ) else {
        return "success".to_owned();
    };
    let token: Value = app
        .http
        .get(format!(
            "{}/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}",
            app.sim
        ))
        .send().await.expect("token").json().await.expect("json");
    let sent: Value = app
        .http
        .post(format!(
            "{}/cgi-bin/message/custom/send?access_token={}",
            app.sim,
            token["access_token"].as_str().expect("access_token")
        ))
        .json(&json!({"touser": from, "msgtype": "text", "text": {"content": format!("echo: {content}")}}))
        .send().await.expect("send").json().await.expect("json");
    assert_eq!(sent["errcode"], 0, "{sent}");
    if encrypted.is_some() {
        app.crypt
            .encrypt_reply("<xml>thanks</xml>", 1, "n", KeySlot::Current)
            .expect("encrypts")
            .to_xml()
    } else {
        "success".to_owned()
    }
}

async fn start() -> (common::Ctx, String) {
    let ctx = common::start(SimConfig::default()).await;
    let app = Arc::new(App {
        sim: ctx.sim.base_url().to_owned(),
        http: ctx.http.clone(),
        crypt: MsgCrypt::new(TOKEN, AES_KEY, DEFAULT_APPID).expect("key"),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/wx", listener.local_addr().expect("addr"));
    let router = Router::new().route("/wx", post(on_push)).with_state(app);
    tokio::spawn(async move { axum::serve(listener, router).await });
    (ctx, url)
}

async fn post_status(ctx: &common::Ctx, path: &str, body: &Value) -> (u16, Value) {
    let r = ctx
        .http
        .post(ctx.url(path))
        .json(body)
        .send()
        .await
        .expect("send");
    (r.status().as_u16(), r.json().await.expect("json"))
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_from_the_binary() {
    let ctx = common::start(SimConfig::default()).await;
    let page = ctx.http.get(ctx.url("/sim/console")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    // Every asset is local: no CDN, nothing from the internet.
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let link = &html[i + attr.len()..];
            // `data:,` is the empty favicon: the browser asks the API for none.
            assert!(
                link.starts_with("/sim/console/") || link.starts_with("data:,\""),
                "{}",
                &html[i..i + 40]
            );
        }
    }
    for (asset, kind) in [
        ("app.js", "text/javascript"),
        ("i18n.js", "text/javascript"),
        ("style.css", "text/css"),
    ] {
        let r = ctx
            .http
            .get(ctx.url(&format!("/sim/console/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{asset}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{asset}"
        );
        assert!(!r.text().await.unwrap().contains("://cdn"), "{asset}");
    }
}

#[tokio::test]
async fn a_safe_mode_push_shows_the_envelope_its_decryption_and_the_decrypted_answer() {
    let (ctx, url) = start().await;
    let (status, report) = post_status(
        &ctx,
        "/sim/push",
        &json!({
            "target": {"url": url, "token": TOKEN, "aes_key": AES_KEY, "mode": "safe"},
            "from": "o-alice",
            "push": {"type": "text", "content": "hi there"},
        }),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let req = &report["request"];
    assert_eq!(req["query"]["encrypt_type"], "aes");
    assert_eq!(req["query"]["openid"], "o-alice");
    assert!(req["query"]["msg_signature"].as_str().unwrap().len() == 40);
    assert_eq!(req["encrypted"], true);
    assert!(!req["body"].as_str().unwrap().contains("hi there"));
    assert!(
        req["plaintext"]
            .as_str()
            .unwrap()
            .contains("<Content><![CDATA[hi there]]></Content>")
    );
    assert_eq!(report["attempts"][0]["status"], 200);
    assert_eq!(report["delivered"], true);
    assert_eq!(
        report["reply"],
        json!({"kind": "decrypted", "text": "<xml>thanks</xml>"})
    );

    let chat = ctx
        .get(&format!("/sim/chat?appid={DEFAULT_APPID}&openid=o-alice"))
        .await;
    let entries = chat["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{chat}");
    assert_eq!(entries[0]["side"], "user");
    assert_eq!(entries[0]["text"], "hi there");
    assert_eq!(entries[0]["delivered"], true);
    assert_eq!(entries[0]["msg_id"], req["msg_id"]);
    assert_eq!(entries[1]["side"], "app");
    assert_eq!(entries[1]["text"], "echo: hi there");
    // Another user's chat is empty; a reset forgets the pushes too.
    let other = ctx.get("/sim/chat?openid=o-bob").await;
    assert_eq!(other["entries"], json!([]));
    ctx.post("/sim/reset", &json!({})).await;
    assert_eq!(
        ctx.get("/sim/chat?openid=o-alice").await["entries"],
        json!([])
    );
}

#[tokio::test]
async fn pushes_in_order_interleave_with_the_replies_and_events_render() {
    let (ctx, url) = start().await;
    for (push, format) in [
        (
            json!({"type": "enter_session", "session_from": "x"}),
            "json",
        ),
        (json!({"type": "text", "content": "one"}), "xml"),
        (json!({"type": "text", "content": "two"}), "xml"),
        (
            json!({"type": "subscribe_popup", "items": [{"template_id": "T1", "status": "accept"}]}),
            "json",
        ),
    ] {
        let (status, report) = post_status(&ctx, "/sim/push", &json!({
            "target": {"url": url, "token": TOKEN, "format": format}, "from": "o-carol", "push": push,
        })).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["reply"]["kind"], "success");
    }
    let chat = ctx.get("/sim/chat?openid=o-carol").await;
    let texts: Vec<&str> = chat["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "[entered the chat]",
            "one",
            "echo: one",
            "two",
            "echo: two",
            "[event subscribe_msg_popup_event]"
        ]
    );
}

#[tokio::test]
async fn bad_requests_are_explained() {
    let (ctx, url) = start().await;
    let cases = [
        (json!({"url": "ftp://x/", "token": "t"}), "http and https"),
        (json!({"url": "not a url", "token": "t"}), "callback URL"),
        (
            json!({"url": url, "token": "t", "mode": "safe"}),
            "EncodingAESKey",
        ),
        (
            json!({"url": url, "token": "t", "mode": "safe", "aes_key": "short"}),
            "EncodingAESKey",
        ),
        (
            json!({"url": url, "token": "t", "appid": "wxnope"}),
            "unknown appid",
        ),
    ];
    for (target, expected) in cases {
        let (status, v) = post_status(
            &ctx,
            "/sim/push",
            &json!({
                "target": target, "from": "o-u", "push": {"type": "text", "content": "x"},
            }),
        )
        .await;
        assert_eq!(status, 400, "{target}");
        assert!(
            v["error"].as_str().unwrap().contains(expected),
            "{v} for {target}"
        );
    }
    let (status, v) = post_status(
        &ctx,
        "/sim/burst",
        &json!({
            "target": {"url": url, "token": "t"}, "count": 0, "concurrency": 1,
        }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("count"), "{v}");
    // A callback nobody listens on: reported, not an error of the endpoint.
    let (status, v) = post_status(
        &ctx,
        "/sim/push",
        &json!({
            "target": {"url": "http://127.0.0.1:9/wx", "token": "t"}, "from": "o-u",
            "push": {"type": "text", "content": "x"}, "attempts": 1, "timeout_ms": 500,
        }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["delivered"], false);
    assert!(v["attempts"][0]["error"].is_string(), "{v}");
}

#[tokio::test]
async fn a_burst_reports_latencies_and_counts_duplicate_handling() {
    let (ctx, url) = start().await;
    let target = json!({"url": url, "token": TOKEN});
    let (status, once) = post_status(
        &ctx,
        "/sim/burst",
        &json!({
            "target": target, "count": 12, "concurrency": 4, "copies": 1,
        }),
    )
    .await;
    assert_eq!(status, 200, "{once}");
    assert_eq!(once["outcomes"], json!({"http 200": 12}));
    assert_eq!(once["handled"], json!({"once": 12, "more": 0, "none": 0}));
    let hist: u64 = once["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(hist, 12);
    let l = &once["latency_ms"];
    assert!(l["min"].as_f64().unwrap() <= l["p50"].as_f64().unwrap());
    assert!(l["p50"].as_f64().unwrap() <= l["max"].as_f64().unwrap());
    // This callback does not deduplicate: every push delivered twice is handled twice.
    let (_, twice) = post_status(
        &ctx,
        "/sim/burst",
        &json!({
            "target": target, "count": 5, "concurrency": 10, "copies": 2,
        }),
    )
    .await;
    assert_eq!(twice["outcomes"], json!({"http 200": 10}));
    assert_eq!(twice["handled"], json!({"once": 0, "more": 5, "none": 0}));
}

#[tokio::test]
async fn quotas_show_todays_use_of_limited_endpoints() {
    let ctx = common::start(SimConfig::default().daily_quota("/cgi-bin/token", 7)).await;
    ctx.token().await;
    ctx.token().await;
    let q = ctx.get("/sim/quotas").await;
    assert_eq!(
        q["used"],
        json!([{"appid": DEFAULT_APPID, "path": "/cgi-bin/token", "used": 2, "limit": 7}])
    );
    assert!(
        q["limits"]
            .as_array()
            .unwrap()
            .contains(&json!({"path": "/cgi-bin/token", "limit": 7}))
    );
}
