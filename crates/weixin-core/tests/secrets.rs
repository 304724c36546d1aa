//! Secrets and tokens never appear in Debug output, errors or logs (TRACE level included).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tracing_subscriber::fmt::format::FmtSpan;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_core::token::StoredToken;
use weixin_core::{AppConfig, Secret, TokenMode, Weixin};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APPID: &str = "wx_secret_test_app";
const SECRET: &str = "SECRET_app_secret_never_logged_42";
const TOKEN_A: &str = "TOKEN_first_never_logged_0001";
const TOKEN_B: &str = "TOKEN_second_never_logged_0002";
const TOKEN_C: &str = "TOKEN_seeded_never_logged_0003";
const NEEDLES: [&str; 4] = [SECRET, TOKEN_A, TOKEN_B, TOKEN_C];

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for needle in NEEDLES {
        assert!(!text.contains(needle), "{what} leaks {needle}:\n{text}");
    }
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn secret_formats_as_a_mask() {
    let s = Secret::from(SECRET);
    assert_eq!(format!("{s}"), "Secret(***)");
    assert_eq!(format!("{s:?}"), "Secret(***)");
    assert_eq!(format!("{s:#?}"), "Secret(***)");
    assert_eq!(s.expose(), SECRET);
    assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{SECRET}\""));
    let back: Secret = serde_json::from_str(&format!("\"{SECRET}\"")).unwrap();
    assert_eq!(back, s);
    let config = AppConfig::new(APPID, SECRET).name("shop");
    assert_clean("AppConfig Debug", &format!("{config:?} {config:#?}"));
}

#[tokio::test]
async fn no_secret_or_token_in_debug_errors_or_trace_logs() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut seen = String::new();

    // A WeChat that hands out A, rejects A with 40001, then hands out B.
    let server = MockServer::start().await;
    for (i, token) in [TOKEN_A, TOKEN_B].iter().enumerate() {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": token, "expires_in": 7200})),
            )
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap())
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(query_param("access_token", TOKEN_A))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(query_param("access_token", TOKEN_B))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"openid": "o1"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 45015, "errmsg": "response out of time limit"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;

    let wx = Weixin::builder()
        .api_base(server.uri())
        .timeout(Duration::from_millis(300))
        .app(AppConfig::new(APPID, SECRET).name("shop"))
        .build()
        .unwrap();
    let app = wx.app(APPID).unwrap();
    seen += &format!(
        "{wx:?} {wx:#?} {app:?} {:?} {:?}",
        app.api(),
        wx.access_tokens()
    );

    // Success after a token refresh.
    let user: Value = app
        .api()
        .get("/cgi-bin/user/info", &[("openid", "o1")])
        .await
        .unwrap();
    assert_eq!(user["openid"], "o1");
    // Business error, then a timeout with the token in the URL.
    for p in [
        "/cgi-bin/message/custom/send",
        "/cgi-bin/message/subscribe/send",
    ] {
        let err = app
            .api()
            .post::<_, Value>(p, &json!({"touser": "o1"}))
            .await
            .unwrap_err();
        seen += &format!("{err} {err:?}\n");
    }

    // A transport error with a token in the URL: a server whose cache already has a token.
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let dead = Weixin::builder()
        .api_base(format!("http://127.0.0.1:{}", closed_port()))
        .cache(cache.clone())
        .app(AppConfig::new(APPID, SECRET))
        .build()
        .unwrap();
    let key = dead.access_tokens().cache_key(APPID).unwrap();
    let seeded = StoredToken::new(TOKEN_C.into(), now_ms(), Duration::from_secs(7200));
    cache
        .set(&key, &serde_json::to_vec(&seeded).unwrap(), None)
        .await
        .unwrap();
    let err = dead
        .app(APPID)
        .unwrap()
        .api()
        .get::<Value>("/cgi-bin/user/get", &[])
        .await
        .unwrap_err();
    assert!(err.is_connect());
    seen += &format!("{err} {err:?}\n");

    // A transport error while fetching a classic token (the secret is in that URL).
    let classic = Weixin::builder()
        .api_base(format!("http://127.0.0.1:{}", closed_port()))
        .token_mode(TokenMode::Classic)
        .app(AppConfig::new(APPID, SECRET))
        .build()
        .unwrap();
    let err = classic
        .app(APPID)
        .unwrap()
        .access_token()
        .await
        .unwrap_err();
    seen += &format!("{err} {err:?}\n");

    // A token endpoint answering something malformed that contains a token.
    let odd = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN_A, "expires_in": "soon"})),
        )
        .mount(&odd)
        .await;
    let wx_odd = Weixin::builder()
        .api_base(odd.uri())
        .app(AppConfig::new(APPID, SECRET))
        .build()
        .unwrap();
    let err = wx_odd.app(APPID).unwrap().access_token().await.unwrap_err();
    seen += &format!("{err} {err:?}\n");

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    // The capture works: spans and events of the calls are there.
    assert!(logs.contains("weixin.api"), "{logs}");
    assert!(logs.contains("/cgi-bin/user/info"));
    assert!(logs.contains("errcode=40001"));
    assert!(logs.contains("/cgi-bin/stable_token"));
    assert_clean("trace logs", &logs);
    assert_clean("Debug output and errors", &seen);
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}
