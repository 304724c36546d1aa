//! The API client: retries by idempotency, timeouts, binary endpoints, uploads, calls without a
//! token, the error hook.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};
use weixin_core::client::{AccessTokenSource, ApiClient, Call, ClientOptions, RetryPolicy, Upload};
use weixin_core::{ApiFailure, ErrCode, Error, Secret};
use wiremock::matchers::{body_string_contains, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "TOKEN_client_tests_0123456789";

/// A token source that always hands out the same token and counts invalidations.
#[derive(Default)]
struct FixedToken {
    invalidated: AtomicUsize,
}

#[async_trait]
impl AccessTokenSource for FixedToken {
    async fn access_token(&self) -> Result<Secret, Error> {
        Ok(Secret::from(TOKEN))
    }
    async fn invalidate(&self, _token: &Secret) -> Result<(), Error> {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn options(base: &str) -> ClientOptions {
    ClientOptions {
        api_base: base.to_owned(),
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(100),
        },
        ..ClientOptions::default()
    }
}

fn client(server: &MockServer) -> (ApiClient, Arc<FixedToken>, Arc<Mutex<Vec<ApiFailure>>>) {
    let tokens = Arc::new(FixedToken::default());
    let failures = Arc::new(Mutex::new(Vec::new()));
    let seen = failures.clone();
    let api = ApiClient::new("wx_client_app", &options(&server.uri()))
        .expect("ApiClient::new installs a crypto provider and builds")
        .with_token_source(tokens.clone())
        .with_error_hook(Arc::new(move |f: &ApiFailure| {
            seen.lock().unwrap().push(f.clone())
        }));
    (api, tokens, failures)
}

fn errcode(code: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"errcode": code, "errmsg": "x rid: 1-2-3"}))
}

#[tokio::test]
async fn api_client_new_works_with_the_default_https_base() {
    let api = ApiClient::new("wx1", &ClientOptions::default()).unwrap();
    assert_eq!(api.api_base(), "https://api.weixin.qq.com");
    assert!(
        ApiClient::new(
            "wx1",
            &ClientOptions {
                api_base: "ftp://x".into(),
                ..Default::default()
            }
        )
        .is_err()
    );
}

#[tokio::test]
async fn timeout_on_a_message_send_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(errcode(0).set_delay(Duration::from_millis(1000)))
        .expect(1)
        .mount(&server)
        .await;
    let (api, _, failures) = client(&server);

    let err = api
        .post::<_, Value>(
            "/cgi-bin/message/custom/send",
            &json!({"touser": "o1", "msgtype": "text"}),
        )
        .await
        .unwrap_err();

    assert!(err.is_timeout(), "{err}");
    let failures = failures.lock().unwrap().clone();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].kind, "timeout");
    assert!(!failures[0].will_retry);
    server.verify().await;
}

#[tokio::test]
async fn timeout_on_an_idempotent_get_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .respond_with(errcode(0).set_delay(Duration::from_millis(1000)))
        .expect(3)
        .mount(&server)
        .await;
    let (api, _, _) = client(&server);
    let err = api
        .get::<Value>("/cgi-bin/user/info", &[])
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    server.verify().await;
}

#[tokio::test]
async fn busy_on_an_idempotent_get_is_retried_with_backoff_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .respond_with(errcode(-1))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(query_param("access_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"openid": "o1"})))
        .expect(1)
        .mount(&server)
        .await;
    let (api, _, failures) = client(&server);

    let started = std::time::Instant::now();
    let user: Value = api
        .get("/cgi-bin/user/info", &[("openid", "o1")])
        .await
        .unwrap();

    assert_eq!(user["openid"], "o1");
    // Two backoffs: at least 10 ms + 20 ms with the jitter floor of one half.
    assert!(started.elapsed() >= Duration::from_millis(30));
    let failures = failures.lock().unwrap().clone();
    assert_eq!(failures.len(), 2);
    assert!(
        failures
            .iter()
            .all(|f| f.errcode == Some(ErrCode::SystemBusy) && f.will_retry)
    );
    assert_eq!(
        failures.iter().map(|f| f.attempt).collect::<Vec<_>>(),
        [1, 2]
    );
    server.verify().await;
}

#[tokio::test]
async fn busy_and_5xx_on_a_send_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(errcode(-1))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .expect(1)
        .mount(&server)
        .await;
    let (api, _, _) = client(&server);
    let err = api
        .post::<_, Value>("/cgi-bin/message/custom/send", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(ErrCode::SystemBusy));
    let err = api
        .post::<_, Value>("/cgi-bin/message/subscribe/send", &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Status { status: 502, .. }), "{err}");
    server.verify().await;
}

#[tokio::test]
async fn server_errors_on_idempotent_calls_are_retried_up_to_the_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/get"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let (api, _, failures) = client(&server);
    let err = api
        .get::<Value>("/cgi-bin/user/get", &[])
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(failures.lock().unwrap().len(), 3);
    server.verify().await;
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_sends_since_nothing_was_sent() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tokens = Arc::new(FixedToken::default());
    let failures = Arc::new(Mutex::new(Vec::<ApiFailure>::new()));
    let seen = failures.clone();
    let api = ApiClient::new(
        "wx_client_app",
        &options(&format!("http://127.0.0.1:{port}")),
    )
    .unwrap()
    .with_token_source(tokens)
    .with_error_hook(Arc::new(move |f: &ApiFailure| {
        seen.lock().unwrap().push(f.clone())
    }));

    let err = api
        .post::<_, Value>("/cgi-bin/message/custom/send", &json!({}))
        .await
        .unwrap_err();

    assert!(err.is_connect(), "{err:?}");
    assert!(!err.to_string().contains(TOKEN));
    let failures = failures.lock().unwrap().clone();
    assert_eq!(failures.len(), 3);
    assert!(failures.iter().all(|f| f.kind == "connect"));
}

#[tokio::test]
async fn token_errors_are_retried_once_even_for_sends() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(errcode(40014))
        .expect(2)
        .mount(&server)
        .await;
    let (api, tokens, _) = client(&server);
    let err = api
        .post::<_, Value>("/cgi-bin/message/custom/send", &json!({}))
        .await
        .unwrap_err();
    assert!(err.is_token_invalid());
    assert_eq!(tokens.invalidated.load(Ordering::SeqCst), 1);
    server.verify().await;
}

#[tokio::test]
async fn binary_endpoint_returns_json_errors_as_api_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wxa/getwxacodeunlimit"))
        .and(body_string_contains("scene"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json; encoding=utf-8")
                .set_body_string(
                    r#"{"errcode":45009,"errmsg":"reach max api daily quota limit rid: 1"}"#,
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (api, _, _) = client(&server);
    let call = Call::post("/wxa/getwxacodeunlimit")
        .json(&json!({"scene": "a=1"}))
        .idempotent();
    let err = api.bytes(call).await.unwrap_err();
    assert!(err.is_quota_exceeded(), "{err}");
    assert_eq!(err.endpoint(), Some("/wxa/getwxacodeunlimit"));
    server.verify().await;
}

#[tokio::test]
async fn binary_endpoint_detects_a_json_error_behind_an_image_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wxa/getwxacode"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/jpeg")
                .set_body_string(r#"{"errcode":41030,"errmsg":"invalid page"}"#),
        )
        .mount(&server)
        .await;
    let (api, _, _) = client(&server);
    let err = api
        .bytes(Call::post("/wxa/getwxacode").json(&json!({})))
        .await
        .unwrap_err();
    assert_eq!(err.api_code().map(ErrCode::code), Some(41030));
}

#[tokio::test]
async fn binary_endpoint_returns_image_bytes() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wxa/getwxacodeunlimit"))
        .and(query_param("access_token", TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .insert_header("content-disposition", r#"attachment; filename="code.png""#)
                .set_body_bytes(png),
        )
        .mount(&server)
        .await;
    let (api, _, _) = client(&server);
    let file = api
        .bytes(Call::post("/wxa/getwxacodeunlimit").json(&json!({"scene": "a=1"})))
        .await
        .unwrap();
    assert_eq!(&file.bytes[..], png);
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.file_name.as_deref(), Some("code.png"));
}

#[tokio::test]
async fn multipart_upload_sends_the_media_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/media/upload"))
        .and(query_param("type", "image"))
        .and(query_param("access_token", TOKEN))
        .and(body_string_contains(r#"name="media"; filename="cat.jpg""#))
        .and(|req: &wiremock::Request| {
            String::from_utf8_lossy(&req.body)
                .to_ascii_lowercase()
                .contains("content-type: image/jpeg")
        })
        .and(body_string_contains("JPEGDATA"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"type": "image", "media_id": "MEDIA_ID", "created_at": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (api, _, _) = client(&server);
    let call = Call::post("/cgi-bin/media/upload")
        .query("type", "image")
        .multipart(Upload::media("cat.jpg", "image/jpeg", b"JPEGDATA".to_vec()));
    let v: Value = api.json(call).await.unwrap();
    assert_eq!(v["media_id"], "MEDIA_ID");
    server.verify().await;
}

#[tokio::test]
async fn calls_without_token_carry_no_access_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("js_code", "CODE"))
        .and(query_param_is_missing("access_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"openid": "o1", "session_key": "SESSIONKEY"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // No token source at all: a token-less call still works.
    let api = ApiClient::new("wx_client_app", &options(&server.uri())).unwrap();
    let v: Value = api
        .json(
            Call::get("/sns/jscode2session")
                .without_token()
                .query("js_code", "CODE"),
        )
        .await
        .unwrap();
    assert_eq!(v["openid"], "o1");
    // A call that needs a token fails clearly without a source.
    let err = api
        .get::<Value>("/cgi-bin/user/info", &[])
        .await
        .unwrap_err();
    assert!(err.is_config(), "{err}");
    server.verify().await;
}

#[tokio::test]
async fn business_errors_are_api_errors_with_the_errmsg() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"errcode": 43101, "errmsg": "user refuse to accept the msg rid: abc"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (api, _, failures) = client(&server);
    let err = api
        .post::<_, Value>("/cgi-bin/message/subscribe/send", &json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            code,
            message,
            endpoint,
        } => {
            assert_eq!(*code, ErrCode::UserRefused);
            assert!(message.contains("rid: abc"));
            assert_eq!(endpoint, "/cgi-bin/message/subscribe/send");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        failures.lock().unwrap()[0].errcode,
        Some(ErrCode::UserRefused)
    );
    server.verify().await;
}
