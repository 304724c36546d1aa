//! Server-API signing in the client: signable calls go out encrypted and signed, answers are
//! verified before their errcode is read, and an answer that fails verification is an error of
//! unknown outcome that is never resent.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value, json};
use weixin_core::client::{AccessTokenSource, ApiClient, Call, ClientOptions, RetryPolicy};
use weixin_core::{Error, Secret};
use weixin_crypto::api_signing::{
    ApiSigning, ApiSigningError, PlatformSigning, SignedHeaders, SigningKey, SymmetricKey,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const APPID: &str = "wx_signing_app";
const TOKEN: &str = "TOKEN_signing_tests_0123456789";
const KEY_PEM: &[u8] = include_bytes!("api-signing-key.pem");
const SYM: &str = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=";
const SEND: &str = "/cgi-bin/message/custom/send";

struct FixedToken;

#[async_trait]
impl AccessTokenSource for FixedToken {
    async fn access_token(&self) -> Result<Secret, Error> {
        Ok(Secret::from(TOKEN))
    }
    async fn invalidate(&self, _token: &Secret) -> Result<(), Error> {
        Ok(())
    }
}

fn key(sn: &str) -> SigningKey {
    SigningKey::from_pem(sn, KEY_PEM).unwrap()
}

fn symmetric() -> SymmetricKey {
    SymmetricKey::from_base64("sym-sn", SYM).unwrap()
}

/// The developer's settings; the platform certificate is the same test key under "plat-sn".
fn client(server: &MockServer) -> ApiClient {
    let options = ClientOptions {
        api_base: server.uri(),
        timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        },
        ..ClientOptions::default()
    };
    let signing = ApiSigning::new(
        APPID,
        symmetric(),
        key("dev-sn"),
        vec![key("plat-sn").public_key()],
    )
    .unwrap();
    ApiClient::new(APPID, &options)
        .unwrap()
        .with_token_source(Arc::new(FixedToken))
        .with_signing(Arc::new(signing))
        .unwrap()
}

/// How the fake WeChat answers.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Signed,
    TamperedSignature,
    UnknownSerial,
    StaleTimestamp,
    OtherAppid,
}

/// WeChat's side: opens the signed request (recording its fields) and seals the answer.
struct FakeWeChat {
    answer: Answer,
    seen: Arc<std::sync::Mutex<Vec<Map<String, Value>>>>,
    calls: Arc<AtomicUsize>,
}

impl Respond for FakeWeChat {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        // wiremock rebuilds the URL as http://localhost/…: the URL called is in the Host header.
        let host = request
            .headers
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let url = format!("http://{host}{}", request.url.path());
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let platform = PlatformSigning::new(
            APPID,
            symmetric(),
            vec![key("dev-sn").public_key()],
            key("plat-sn"),
        );
        let now = unix_now();
        let fields = match platform.open_request(
            &url,
            &SignedHeaders::from_lookup(header),
            &request.body,
            now,
        ) {
            Ok(fields) => fields,
            Err(e) => {
                return ResponseTemplate::new(200).set_body_json(
                    json!({"errcode": e.platform_errcode(), "errmsg": e.to_string()}),
                );
            }
        };
        // Only the token stays in the query.
        let query: Vec<String> = request
            .url
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(query, ["access_token"]);
        self.seen.lock().unwrap().push(fields);
        let (platform, ts) = match self.answer {
            Answer::StaleTimestamp => (platform, now - 600),
            Answer::OtherAppid => (
                PlatformSigning::new("wx_other", symmetric(), Vec::new(), key("plat-sn")),
                now,
            ),
            Answer::UnknownSerial => (
                PlatformSigning::new(APPID, symmetric(), Vec::new(), key("rotated-sn")),
                now,
            ),
            _ => (platform, now),
        };
        let answer = json!({"errcode": 0, "errmsg": "ok"});
        let sealed = platform
            .seal_response(&url, ts, answer.as_object().unwrap())
            .unwrap();
        let mut template = ResponseTemplate::new(200).set_body_bytes(sealed.body);
        for (name, value) in sealed.headers {
            let value = if self.answer == Answer::TamperedSignature && name == "Wechatmp-Signature"
            {
                // Another first digit (the signature is random: it may start with 'A').
                let first = if value.starts_with('A') { 'B' } else { 'A' };
                format!("{first}{}", &value[1..])
            } else {
                value
            };
            template = template.insert_header(name, value.as_str());
        }
        template
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn fake(
    answer: Answer,
) -> (
    MockServer,
    Arc<std::sync::Mutex<Vec<Map<String, Value>>>>,
    Arc<AtomicUsize>,
) {
    let server = MockServer::start().await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(SEND))
        .respond_with(FakeWeChat {
            answer,
            seen: seen.clone(),
            calls: calls.clone(),
        })
        .mount(&server)
        .await;
    (server, seen, calls)
}

fn send() -> Call {
    Call::post(SEND)
        .json(&json!({"touser": "o1", "msgtype": "text", "text": {"content": "你好"}}))
        .signable()
}

#[tokio::test]
async fn a_signable_call_goes_out_sealed_and_its_verified_answer_is_read() {
    let (server, seen, _) = fake(Answer::Signed).await;
    let api = client(&server);
    assert!(api.is_signing());
    let answer: Value = api.json(send()).await.unwrap();
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok"}));
    let fields = seen.lock().unwrap()[0].clone();
    assert_eq!(fields["touser"], "o1");
    assert_eq!(fields["text"]["content"], "你好");
    assert!(!fields.contains_key("access_token"));
}

#[tokio::test]
async fn answers_that_fail_verification_are_errors_of_unknown_outcome_never_resent() {
    for (answer, expect) in [
        (Answer::TamperedSignature, "signature does not verify"),
        (Answer::UnknownSerial, "rotated-sn"),
        (Answer::StaleTimestamp, "timestamp"),
        (Answer::OtherAppid, "wx_other"),
    ] {
        let (server, _, calls) = fake(answer).await;
        let api = client(&server);
        let err = api.json::<Value>(send()).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Signing {
                    request_sent: true,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.is_outcome_unknown() && !err.is_retryable(), "{err}");
        assert!(err.to_string().contains(expect), "{err}");
        // Even an idempotent call is not repeated into a storm.
        let _ = api.json::<Value>(send().idempotent()).await.unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 2, "{err}");
    }
}

#[tokio::test]
async fn a_plain_error_answer_is_the_platform_errcode_and_plain_data_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path(SEND))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40234, "errmsg": "invalid signature"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).json::<Value>(send()).await.unwrap_err();
    assert_eq!(err.api_code().map(|c| c.code()), Some(40234), "{err}");

    let server = MockServer::start().await;
    Mock::given(path(SEND))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).json::<Value>(send()).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Signing {
                source: ApiSigningError::MissingHeader { .. },
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn calls_not_marked_signable_go_out_plain() {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/user/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"openid": "o1"})))
        .mount(&server)
        .await;
    let api = client(&server);
    let v: Value = api
        .json(Call::get("/cgi-bin/user/info").query("openid", "o1"))
        .await
        .unwrap();
    assert_eq!(v["openid"], "o1");
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("Wechatmp-Signature").is_none());
}

#[tokio::test]
async fn signing_settings_for_another_appid_are_refused() {
    let signing = ApiSigning::new(
        "wx_other",
        symmetric(),
        key("dev-sn"),
        vec![key("plat-sn").public_key()],
    )
    .unwrap();
    let err = ApiClient::new(APPID, &ClientOptions::default())
        .unwrap()
        .with_signing(Arc::new(signing))
        .unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("wx_other"),
        "{err}"
    );
}
