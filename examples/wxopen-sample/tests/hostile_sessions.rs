//! Hostile callers of the sample's session endpoints, over real HTTP against the in-process
//! simulator: `POST /wxopen/decrypt` without a valid session (none, forged, expired) is a 4xx
//! JSON error and never decrypts; session ids are 128 random bits; a reused login code is a
//! clear 400 (WeChat's 40163).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpListener;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_core::clock::ManualClock;
use weixin_core::{AppConfig, Weixin};
use weixin_sim::{RunningSim, SimApp, SimConfig, Simulator};
use weixin_wxopen::SessionContainer;
use wxopen_demo::open_data;
use wxopen_sample::routes::{RouteState, router};

const APPID: &str = "wx0000000000hostile";
const SECRET: &str = "hostile-secret";
const EXPIRY: Duration = Duration::from_secs(600);
/// The registry clock's start, in seconds (watermarks are dated by it).
const NOW_SECS: i64 = 1_700_000_000;

struct Env {
    sim: RunningSim,
    clock: ManualClock,
    base: String,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Self {
        let sim = Simulator::start(SimConfig::default().app(SimApp::new(APPID, SECRET)))
            .await
            .expect("simulator");
        let clock = ManualClock::new(1_700_000_000_000);
        assert_eq!(NOW_SECS * 1000, 1_700_000_000_000);
        let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
        let weixin = Weixin::builder()
            .cache(cache)
            .clock(Arc::new(clock.clone()))
            .api_base(sim.base_url())
            .app(AppConfig::new(APPID, SECRET))
            .build()
            .expect("registry");
        let sessions = SessionContainer::new(weixin.app(APPID).expect("app")).expiry(EXPIRY);
        let app = router(RouteState {
            sessions,
            cache: "memory",
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        Env {
            sim,
            clock,
            base,
            http,
        }
    }

    fn code(&self, openid: &str) -> String {
        self.sim
            .handle()
            .issue_login_code(APPID, Some(openid))
            .expect("code")
    }

    /// POSTs `body` (raw bytes) and returns the status and the JSON answer.
    async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the sample answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path} answered {status} with non-JSON {text:?}: {e}"));
        (status, value)
    }

    async fn login(&self, code: &str) -> (u16, Value) {
        self.post("/wxopen/login", json!({ "code": code }).to_string())
            .await
    }
}

/// A refusal: the expected status, a JSON `{"error": "..."}` with a reason, and nothing
/// decrypted in it.
fn assert_refused(what: &str, status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{what}: {body}");
    let reason = body["error"].as_str().unwrap_or_default();
    assert!(!reason.is_empty(), "{what}: no reason in {body}");
    assert!(
        body.get("openId").is_none() && !body.to_string().contains("secret-payload"),
        "{what}: decrypted data leaked: {body}"
    );
}

#[tokio::test]
async fn decrypt_without_a_valid_session_is_refused() {
    let env = Env::start().await;
    let (status, login) = env.login(&env.code("o-victim")).await;
    assert_eq!(status, 200, "{login}");
    let session_id = login["session_id"].as_str().expect("session_id").to_owned();
    let session_key = env
        .sim
        .handle()
        .session_key(APPID, "o-victim")
        .expect("the simulator knows the key");
    let data = open_data::encrypt(
        &session_key,
        &json!({"openId": "o-victim", "note": "secret-payload", "watermark": {"appid": APPID, "timestamp": NOW_SECS}})
            .to_string(),
    )
    .expect("encrypt");
    let request = |id: Value| {
        json!({"session_id": id, "encrypted_data": data.encrypted_data, "iv": data.iv}).to_string()
    };

    // Control: the real session decrypts.
    let (status, body) = env
        .post("/wxopen/decrypt", request(json!(session_id)))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["note"], "secret-payload");

    // No session id at all, or not a string: the body is refused.
    let no_id = json!({"encrypted_data": data.encrypted_data, "iv": data.iv}).to_string();
    let (status, body) = env.post("/wxopen/decrypt", no_id).await;
    assert_refused("no session_id", status, &body, 400);
    assert!(
        body["error"].as_str().unwrap().contains("session_id"),
        "{body}"
    );
    for id in [json!(null), json!(12), json!(["x"])] {
        let (status, body) = env.post("/wxopen/decrypt", request(id.clone())).await;
        assert_refused(&format!("session_id {id}"), status, &body, 400);
    }

    // Empty, malformed or guessed ids: 401 (log in again), never a decryption.
    let mut flipped = session_id.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).expect("hex");
    let mut guessed = [0u8; 16];
    getrandom::fill(&mut guessed).expect("random");
    let guessed: String = guessed.iter().map(|b| format!("{b:02x}")).collect();
    for id in [
        String::new(),
        "admin".to_owned(),
        session_id.to_uppercase(),
        format!("{session_id}0"),
        format!("../{session_id}"),
        "0".repeat(32),
        guessed,
        flipped,
    ] {
        let (status, body) = env.post("/wxopen/decrypt", request(json!(id))).await;
        assert_refused(&format!("session_id {id:?}"), status, &body, 401);
    }

    // Expired: the same id after the expiry (no lookup in between to slide it).
    env.clock.advance(EXPIRY + Duration::from_secs(1));
    let (status, body) = env
        .post("/wxopen/decrypt", request(json!(session_id)))
        .await;
    assert_refused("expired session", status, &body, 401);
    assert!(
        body["error"].as_str().unwrap().contains("log in again"),
        "{body}"
    );
}

#[tokio::test]
async fn every_decryption_failure_gets_the_same_answer() {
    let env = Env::start().await;
    let (status, login) = env.login(&env.code("o-victim")).await;
    assert_eq!(status, 200, "{login}");
    let session_id = login["session_id"].as_str().expect("session_id").to_owned();
    let key = env
        .sim
        .handle()
        .session_key(APPID, "o-victim")
        .expect("the simulator knows the key");
    let sealed = |data: Value| open_data::encrypt(&key, &data.to_string()).expect("encrypt");
    let watermark = |appid: &str, timestamp: i64| json!({"appid": appid, "timestamp": timestamp});
    let good = sealed(json!({"openId": "o-victim", "watermark": watermark(APPID, NOW_SECS)}));
    let request = |encrypted_data: &str, iv: &str| {
        json!({"session_id": session_id, "encrypted_data": encrypted_data, "iv": iv}).to_string()
    };

    // Control: fresh data of this user and app decrypts; nine minutes old still does.
    let (status, body) = env
        .post("/wxopen/decrypt", request(&good.encrypted_data, &good.iv))
        .await;
    assert_eq!(status, 200, "{body}");
    let recent =
        sealed(json!({"openId": "o-victim", "watermark": watermark(APPID, NOW_SECS - 540)}));
    let (status, body) = env
        .post(
            "/wxopen/decrypt",
            request(&recent.encrypted_data, &recent.iv),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let foreign = sealed(
        json!({"openId": "o-victim", "watermark": watermark("wx0000000000000bad", NOW_SECS)}),
    );
    let stale =
        sealed(json!({"openId": "o-victim", "watermark": watermark(APPID, NOW_SECS - 3600)}));
    let other_user =
        sealed(json!({"openId": "o-someone-else", "watermark": watermark(APPID, NOW_SECS)}));
    let no_watermark = sealed(json!({"openId": "o-victim"}));
    let other_iv = sealed(json!({"x": 1})).iv;
    let cases = [
        (
            "another app's watermark",
            request(&foreign.encrypted_data, &foreign.iv),
        ),
        (
            "an hour-old watermark",
            request(&stale.encrypted_data, &stale.iv),
        ),
        (
            "another user's openId",
            request(&other_user.encrypted_data, &other_user.iv),
        ),
        (
            "no watermark",
            request(&no_watermark.encrypted_data, &no_watermark.iv),
        ),
        ("the wrong iv", request(&good.encrypted_data, &other_iv)),
        (
            "an iv that is not base64",
            request(&good.encrypted_data, "%%%"),
        ),
        ("data that is not base64", request("not base64!", &good.iv)),
        (
            "truncated data",
            request(&good.encrypted_data[..24], &good.iv),
        ),
    ];
    for (what, body) in cases {
        let (status, body) = env.post("/wxopen/decrypt", body).await;
        assert_eq!(status, 400, "{what}: {body}");
        assert_eq!(
            body,
            json!({"error": wxopen_sample::routes::DECRYPT_FAILED}),
            "{what}: the answer must not say which check failed"
        );
    }
}

#[tokio::test]
async fn session_ids_are_128_random_bits() {
    let env = Env::start().await;
    let mut ids = HashSet::new();
    let mut ones = [0u32; 128];
    for i in 0..1000 {
        let (status, body) = env.login(&env.code(&format!("o-user-{i}"))).await;
        assert_eq!(status, 200, "login {i}: {body}");
        let id = body["session_id"].as_str().expect("session_id").to_owned();
        assert_eq!(id.len(), 32, "{id}");
        assert!(
            id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{id}"
        );
        for (n, pair) in id.as_bytes().chunks(2).enumerate() {
            let byte =
                u8::from_str_radix(std::str::from_utf8(pair).expect("hex"), 16).expect("hex byte");
            for bit in 0..8 {
                ones[n * 8 + bit] += u32::from((byte >> bit) & 1);
            }
        }
        assert!(ids.insert(id), "login {i} repeated a session id");
    }
    // Every one of the 128 bits is a fair coin: set in 400..=600 of 1,000 ids (about 6.3
    // standard deviations; a counter, a timestamp or a short random part fails this).
    for (bit, count) in ones.iter().enumerate() {
        assert!(
            (400..=600).contains(count),
            "bit {bit} is set in {count} of 1000 ids"
        );
    }
}

#[tokio::test]
async fn a_reused_login_code_is_a_clear_400() {
    let env = Env::start().await;
    let code = env.code("o-reuse");
    let (status, first) = env.login(&code).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = env.login(&code).await;
    assert_refused("reused code", status, &again, 400);
    let reason = again["error"].as_str().unwrap();
    assert!(
        reason.contains("40163") && reason.contains("already used"),
        "{reason}"
    );
    assert!(again.get("session_id").is_none(), "{again}");

    // A code WeChat never issued, an empty code and a body without one: 400 too.
    let (status, body) = env.login("made-up-code").await;
    assert_refused("unknown code", status, &body, 400);
    assert!(body["error"].as_str().unwrap().contains("40029"), "{body}");
    let (status, body) = env.login("  ").await;
    assert_refused("blank code", status, &body, 400);
    let (status, body) = env.post("/wxopen/login", "{}").await;
    assert_refused("no code", status, &body, 400);
    let (status, body) = env
        .post("/wxopen/login", b"{\"code\":\"\xff\"}".to_vec())
        .await;
    assert_refused("invalid UTF-8 code", status, &body, 400);
}
