//! The push driver against a small in-test callback server.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use weixin_crypto::{MsgCrypt, verify_signature};
use weixin_sim::{
    AttemptOutcome, DEFAULT_APPID, EncryptMode, Push, PushDriver, PushFormat, PushTarget,
    ReplyCheck, SimConfig, Simulator,
};

const TOKEN: &str = "AAAAA";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wxba5fad812f8e6fb9";

/// What the callback does with request number i (0-based); beyond the list: the last entry.
#[derive(Clone)]
enum Behave {
    Status(u16),
    Sleep(Duration),
    /// Verify + decrypt, answer with an encrypted copy of this plaintext.
    EncryptedReply(&'static str),
    Reply(&'static str),
}

#[derive(Clone)]
struct Callback {
    behave: Vec<Behave>,
    received: Arc<Mutex<Vec<Received>>>,
    crypt: MsgCrypt,
}

#[derive(Debug, Clone)]
struct Received {
    query: HashMap<String, String>,
    body: String,
    /// The plaintext after verification (signature or msg_signature), or the error.
    verified: Result<String, String>,
}

async fn on_post(
    State(cb): State<Callback>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let verified =
        match verify_signature(TOKEN, &get("timestamp"), &get("nonce"), &get("signature")) {
            Err(e) => Err(e.to_string()),
            Ok(()) if get("encrypt_type") == "aes" => cb
                .crypt
                .decrypt_push(
                    &get("msg_signature"),
                    &get("timestamp"),
                    &get("nonce"),
                    body.as_bytes(),
                )
                .map(|p| p.message)
                .map_err(|e| e.to_string()),
            Ok(()) => Ok(body.clone()),
        };
    let n = {
        let mut received = cb.received.lock().unwrap();
        received.push(Received {
            query: q.clone(),
            body: body.clone(),
            verified,
        });
        received.len() - 1
    };
    let behave = cb
        .behave
        .get(n)
        .or(cb.behave.last())
        .cloned()
        .unwrap_or(Behave::Reply("success"));
    match behave {
        Behave::Status(s) => StatusCode::from_u16(s).unwrap().into_response(),
        Behave::Sleep(d) => {
            tokio::time::sleep(d).await;
            "success".into_response()
        }
        Behave::Reply(r) => r.into_response(),
        Behave::EncryptedReply(plain) => {
            let format = weixin_crypto::detect_format(body.as_bytes()).unwrap();
            let reply = cb
                .crypt
                .encrypt_reply(plain, 1713424427, &get("nonce"), Default::default())
                .unwrap();
            reply.render(format).into_response()
        }
    }
}

async fn on_get(Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    match verify_signature(TOKEN, &get("timestamp"), &get("nonce"), &get("signature")) {
        Ok(()) => get("echostr").into_response(),
        Err(_) => StatusCode::UNAUTHORIZED.into_response(),
    }
}

struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn callback(behave: Vec<Behave>) -> Server {
    common::install_tls_provider();
    let received = Arc::new(Mutex::new(Vec::new()));
    let cb = Callback {
        behave,
        received: received.clone(),
        crypt: MsgCrypt::new(TOKEN, KEY, APPID).unwrap(),
    };
    let app = Router::new()
        .route("/wx", get(on_get).post(on_post))
        .with_state(cb);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        url: format!("http://{addr}/wx"),
        received,
    }
}

fn driver(url: &str, format: PushFormat, mode: EncryptMode) -> PushDriver {
    let target = PushTarget::new(url, TOKEN, APPID)
        .aes_key(KEY)
        .unwrap()
        .format(format)
        .mode(mode)
        .original_id("gh_97417a04a28d");
    PushDriver::new(target).unwrap()
}

#[tokio::test]
async fn plain_xml_text_is_signed_and_stops_on_200() {
    let server = callback(vec![Behave::Reply("success")]).await;
    let d = driver(&server.url, PushFormat::Xml, EncryptMode::Plain);
    let report = d.send(&Push::text("o-user", "hello")).await.unwrap();
    assert_eq!(report.attempts.len(), 1);
    assert_eq!(report.reply, Some(ReplyCheck::Success));
    assert!(report.delivered());
    let got = &server.received()[0];
    let body = got.verified.as_ref().expect("signature verifies");
    assert!(body.starts_with("<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o-user]]></FromUserName><CreateTime>"));
    assert!(body.contains("<Content><![CDATA[hello]]></Content>"));
    assert!(body.contains(&format!("<MsgId>{}</MsgId>", report.msg_id().unwrap())));
    assert_eq!(got.query["openid"], "o-user");
    assert!(!got.query.contains_key("encrypt_type"));
}

#[tokio::test]
async fn safe_mode_xml_and_json_decrypt_with_weixin_crypto() {
    for format in [PushFormat::Xml, PushFormat::Json] {
        let server = callback(vec![Behave::EncryptedReply("<xml>reply</xml>")]).await;
        let d = driver(&server.url, format, EncryptMode::Safe);
        let report = d.send(&Push::text("o-user", "secret words")).await.unwrap();
        let got = &server.received()[0];
        assert_eq!(got.query["encrypt_type"], "aes");
        let plain = got
            .verified
            .as_ref()
            .expect("msg_signature verifies and decrypts");
        assert_eq!(*plain, report.prepared.plaintext);
        assert!(
            !got.body.contains("secret words"),
            "safe mode sends no plaintext"
        );
        match format {
            PushFormat::Xml => assert!(got.body.starts_with(
                "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA["
            )),
            PushFormat::Json => {
                let v: serde_json::Value = serde_json::from_str(&got.body).unwrap();
                assert_eq!(v.as_object().unwrap().len(), 2);
                let inner: serde_json::Value = serde_json::from_str(plain).unwrap();
                assert_eq!(inner["Content"], "secret words");
                assert_eq!(
                    inner["MsgId"].as_u64(),
                    report.msg_id(),
                    "MsgId is a JSON integer"
                );
            }
        }
        assert_eq!(
            report.reply,
            Some(ReplyCheck::Decrypted("<xml>reply</xml>".to_owned()))
        );
        assert!(report.reply_accepted(true));
    }
}

#[tokio::test]
async fn compatible_mode_has_both_and_plain_replies_are_flagged() {
    let server = callback(vec![Behave::Reply("<xml>plain reply</xml>")]).await;
    let d = driver(&server.url, PushFormat::Xml, EncryptMode::Compatible);
    let report = d
        .send(&Push::enter_session("o-user", "card"))
        .await
        .unwrap();
    let got = &server.received()[0];
    assert!(
        got.body
            .contains("<Event><![CDATA[user_enter_tempsession]]></Event>")
    );
    assert!(got.body.contains("<Encrypt><![CDATA["));
    assert!(
        got.verified
            .as_ref()
            .unwrap()
            .contains("<SessionFrom><![CDATA[card]]></SessionFrom>")
    );
    assert_eq!(report.msg_id(), None, "events carry no MsgId");
    assert_eq!(
        report.reply,
        Some(ReplyCheck::Plain("<xml>plain reply</xml>".to_owned()))
    );
    assert!(report.reply_accepted(false));
    assert!(!report.reply_accepted(true));
}

#[tokio::test]
async fn tampered_encrypted_reply_is_invalid() {
    let server = callback(vec![Behave::Reply(
        r#"{"Encrypt":"AAAA","MsgSignature":"0000","TimeStamp":1,"Nonce":"2"}"#,
    )])
    .await;
    let d = driver(&server.url, PushFormat::Json, EncryptMode::Safe);
    let report = d.send(&Push::text("o", "x")).await.unwrap();
    assert!(
        matches!(report.reply, Some(ReplyCheck::Invalid(ref e)) if e.contains("msg_signature"))
    );
}

#[tokio::test]
async fn retries_on_5xx_with_the_same_body() {
    let server = callback(vec![
        Behave::Status(500),
        Behave::Status(503),
        Behave::Reply("success"),
    ])
    .await;
    let d = driver(&server.url, PushFormat::Xml, EncryptMode::Safe);
    let report = d.send(&Push::text("o", "again")).await.unwrap();
    assert_eq!(report.attempts.len(), 3);
    assert!(matches!(
        report.attempts[0].outcome,
        AttemptOutcome::Response { status: 500, .. }
    ));
    assert!(report.delivered());
    let got = server.received();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|r| r.body == got[0].body && r.query == got[0].query)
    );

    // Always failing: three attempts in all, then give up.
    let server = callback(vec![Behave::Status(502)]).await;
    let d = driver(&server.url, PushFormat::Xml, EncryptMode::Plain);
    let report = d.send(&Push::text("o", "x")).await.unwrap();
    assert_eq!(report.attempts.len(), 3);
    assert!(!report.delivered());
    assert_eq!(server.received().len(), 3);

    // 4xx is an answer: no retry.
    let server = callback(vec![Behave::Status(401)]).await;
    let report = driver(&server.url, PushFormat::Xml, EncryptMode::Plain)
        .send(&Push::text("o", "x"))
        .await
        .unwrap();
    assert_eq!(report.attempts.len(), 1);
    assert!(!report.delivered());
}

#[tokio::test]
async fn retries_on_timeout() {
    let server = callback(vec![
        Behave::Sleep(Duration::from_millis(600)),
        Behave::Reply("success"),
    ])
    .await;
    let d = driver(&server.url, PushFormat::Json, EncryptMode::Plain)
        .attempt_timeout(Duration::from_millis(150));
    let report = d.send(&Push::text("o", "slow")).await.unwrap();
    assert_eq!(report.attempts.len(), 2);
    assert_eq!(report.attempts[0].outcome, AttemptOutcome::Timeout);
    assert!(report.attempts[0].latency >= Duration::from_millis(150));
    assert!(report.attempts[0].latency < Duration::from_millis(600));
    assert_eq!(report.reply, Some(ReplyCheck::Success));
}

#[tokio::test]
async fn connection_errors_are_retried() {
    // Bind then drop a listener: nothing listens on that port.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    common::install_tls_provider();
    let d = driver(
        &format!("http://{addr}/wx"),
        PushFormat::Xml,
        EncryptMode::Plain,
    )
    .max_attempts(2);
    let report = d.send(&Push::text("o", "x")).await.unwrap();
    assert_eq!(report.attempts.len(), 2);
    assert!(matches!(
        report.attempts[1].outcome,
        AttemptOutcome::ConnectionError(_)
    ));
}

#[tokio::test]
async fn msg_ids_are_distinct_and_resend_repeats_one() {
    let server = callback(vec![Behave::Reply("success")]).await;
    let d = driver(&server.url, PushFormat::Json, EncryptMode::Safe);
    let a = d.send(&Push::text("o", "1")).await.unwrap();
    let b = d
        .send(&Push::image("o", "http://pic", "MEDIA"))
        .await
        .unwrap();
    assert_ne!(a.msg_id(), b.msg_id());
    assert!(a.msg_id().unwrap() > 1_000_000_000_000_000_000);
    let again = d.resend(&a.prepared).await;
    assert_eq!(again.msg_id(), a.msg_id());
    let got = server.received();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].body, got[0].body);
    assert_eq!(got[2].verified, got[0].verified);
}

#[tokio::test]
async fn event_pushes_in_json() {
    let server = callback(vec![Behave::Reply("")]).await;
    let d = driver(&server.url, PushFormat::Json, EncryptMode::Safe);
    d.send(&Push::subscribe_popup(
        "o",
        &[("T1", "accept"), ("T2", "reject")],
    ))
    .await
    .unwrap();
    d.send(&Push::subscribe_sent(
        "o",
        "T1",
        1700827132819554304,
        0,
        "success",
    ))
    .await
    .unwrap();
    d.send(&Push::media_check("o", APPID, "trace-1", "risky", 20001))
        .await
        .unwrap();
    let got: Vec<serde_json::Value> = server
        .received()
        .iter()
        .map(|r| serde_json::from_str(r.verified.as_ref().unwrap()).unwrap())
        .collect();
    assert_eq!(got[0]["Event"], "subscribe_msg_popup_event");
    assert_eq!(got[0]["List"][1]["TemplateId"], "T2");
    assert_eq!(got[1]["List"]["MsgID"], "1700827132819554304");
    assert_eq!(got[2]["result"]["suggest"], "risky");
    assert_eq!(got[2]["detail"][0]["label"], 20001);
    assert!(got.iter().all(|v| v.get("MsgId").is_none()));
}

#[tokio::test]
async fn official_account_events_in_xml() {
    let server = callback(vec![Behave::Reply("success")]).await;
    let d = driver(&server.url, PushFormat::Xml, EncryptMode::Plain);
    d.send(&Push::follow("o", Some("qrscene_123")))
        .await
        .unwrap();
    d.send(&Push::click("o", "V1001_TODAY_MUSIC"))
        .await
        .unwrap();
    let got = server.received();
    assert!(got[0].body.contains(
        "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey>"
    ));
    assert!(got[1].body.contains(
        "<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[V1001_TODAY_MUSIC]]></EventKey>"
    ));
}

#[tokio::test]
async fn verify_url_checks_the_echo() {
    let server = callback(vec![]).await;
    let ok = driver(&server.url, PushFormat::Xml, EncryptMode::Plain)
        .verify_url()
        .await;
    assert!(ok.ok, "{ok:?}");
    let wrong = PushDriver::new(PushTarget::new(&server.url, "other-token", APPID)).unwrap();
    let report = wrong.verify_url().await;
    assert!(!report.ok);
    assert!(matches!(
        report.outcome,
        AttemptOutcome::Response { status: 401, .. }
    ));
}

#[tokio::test]
async fn attached_driver_opens_the_customer_service_window() {
    let server = callback(vec![Behave::Reply("success")]).await;
    let sim = Simulator::new(SimConfig::default());
    let d = PushDriver::new(PushTarget::new(&server.url, TOKEN, DEFAULT_APPID))
        .unwrap()
        .attach(sim.handle());
    sim.handle().advance(Duration::from_secs(1000));
    let report = d.send(&Push::text("o-attached", "hi")).await.unwrap();
    assert!(report.prepared.create_time >= sim.handle().clock().now_secs() - 1);
    assert!(
        report.prepared.create_time
            > std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 900
    );

    // The window is open in the simulator now.
    let running = sim.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let c = common::Ctx {
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        sim: running,
    };
    let token = c.token().await;
    let sent = c
        .api(
            "/cgi-bin/message/custom/send",
            &token,
            &serde_json::json!({"touser": "o-attached", "msgtype": "text", "text": {"content": "reply"}}),
        )
        .await;
    assert_eq!(common::errcode(&sent), 0);
}

#[test]
fn safe_mode_needs_a_key() {
    let target = PushTarget::new("http://127.0.0.1:1/wx", TOKEN, APPID).mode(EncryptMode::Safe);
    assert!(PushDriver::new(target).is_err());
    assert!(PushDriver::new(PushTarget::new("not a url", TOKEN, APPID)).is_err());
}

#[tokio::test]
async fn pushed_images_become_media_the_handler_can_send_back() {
    let server = callback(vec![Behave::Reply("success")]).await;
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let d = PushDriver::new(PushTarget::new(&server.url, TOKEN, DEFAULT_APPID))
        .unwrap()
        .attach_remote(sim.base_url())
        .unwrap();
    d.send(&Push::image("o-img", "http://pic", "USER_IMAGE_1"))
        .await
        .unwrap();
    let c = common::Ctx {
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        sim,
    };
    let token = c.token().await;
    let got = c
        .http
        .get(c.url(&format!(
            "/cgi-bin/media/get?access_token={token}&media_id=USER_IMAGE_1"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["content-type"], "image/png");
    assert!(
        got.bytes()
            .await
            .unwrap()
            .starts_with(&weixin_sim::png::PNG_SIGNATURE)
    );
    // The image message opened the window (remote attach), and the media id is valid.
    let sent = c
        .api(
            "/cgi-bin/message/custom/send",
            &token,
            &serde_json::json!({"touser": "o-img", "msgtype": "image", "image": {"media_id": "USER_IMAGE_1"}}),
        )
        .await;
    assert_eq!(common::errcode(&sent), 0);
}
