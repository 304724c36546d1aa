//! Server-API signing through the simulator: the SDK's signed calls verified, decrypted and
//! answered signed; each broken request refused with WeChat's errcode; each spoiled answer
//! refused by the SDK as an error of unknown outcome, sent exactly once.

use std::time::Duration;

use serde_json::{Value, json};
use weixin_core::client::Call;
use weixin_core::{AppClient, AppConfig, Error, Weixin};
use weixin_crypto::api_signing::{
    ApiSigning, ApiSigningError, PublicKey, SigningKey, SymmetricKey,
};
use weixin_sim::signing::{SigningFault, demo};
use weixin_sim::{RunningSim, SimApp, SimConfig, Simulator};

const APPID: &str = "wx5191000000000001";
const PLAIN_APPID: &str = "wx5191000000000002";
const SECRET: &str = "signing-secret";
const SEND: &str = "/cgi-bin/message/custom/send";

async fn sim() -> RunningSim {
    let config = SimConfig::default()
        .app(SimApp::new(APPID, SECRET).demo_signing())
        .add_app(SimApp::new(PLAIN_APPID, SECRET));
    Simulator::start(config).await.unwrap()
}

fn app(sim: &RunningSim, appid: &str, signing: Option<ApiSigning>) -> AppClient {
    let config = AppConfig::new(appid, SECRET).maybe_api_signing(signing.map(Into::into));
    let weixin = Weixin::builder()
        .api_base(sim.base_url())
        .app(config)
        .build()
        .unwrap();
    weixin.app(appid).unwrap()
}

async fn send(app: &AppClient, text: &str) -> Result<Value, Error> {
    let body = json!({"touser": "o-user", "msgtype": "text", "text": {"content": text}});
    app.api()
        .json(Call::post(SEND).json(&body).signable())
        .await
}

fn code(err: &Error) -> i64 {
    err.api_code().map_or(0, |c| c.code())
}

#[tokio::test]
async fn signed_calls_round_trip_through_the_simulator() {
    let sim = sim().await;
    let app = app(&sim, APPID, Some(demo::developer(APPID)));
    sim.user_messaged(APPID, "o-user");
    let answer = send(&app, "signed hello").await.unwrap();
    assert_eq!(answer["errcode"], 0, "{answer}");
    assert!(
        answer.get("_n").is_none(),
        "security fields stripped: {answer}"
    );
    assert_eq!(sim.messages_to("o-user")[0].text(), Some("signed hello"));
    assert_eq!(sim.signed_calls().get(SEND), Some(&1));

    // An error answer comes signed too, and is read as WeChat's error.
    let err = app
        .api()
        .json::<Value>(
            Call::post(SEND)
                .json(&json!({"touser": "o-user", "msgtype": "nope"}))
                .signable(),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), 40008, "{err}");
    assert_eq!(sim.signed_calls().get(SEND), Some(&2));
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn broken_requests_get_the_platform_errcodes() {
    let sim = sim().await;
    sim.user_messaged(APPID, "o-user");

    // Not signed at all, for an app that requires it: 40230 (no serial), nothing sent.
    let unsigned = app(&sim, APPID, None);
    let err = send(&unsigned, "plain").await.unwrap_err();
    assert_eq!(code(&err), 40230, "{err}");

    // Signed with a key serial the platform does not know: 40234.
    let wrong_serial = ApiSigning::new(
        APPID,
        SymmetricKey::from_base64(demo::SYMMETRIC_SN, demo::SYMMETRIC_KEY).unwrap(),
        SigningKey::from_pem("not-the-uploaded-sn", demo::DEVELOPER_KEY_PEM.as_bytes()).unwrap(),
        [PublicKey::from_pem(demo::PLATFORM_SN, demo::PLATFORM_CERT_PEM.as_bytes()).unwrap()],
    )
    .unwrap();
    let err = send(&app(&sim, APPID, Some(wrong_serial)), "x")
        .await
        .unwrap_err();
    assert_eq!(code(&err), 40234, "{err}");
    assert!(err.to_string().contains("API_Invalid_Signature"), "{err}");

    // Advancing the simulator's clock is time passing for both sides: still accepted.
    let signed = app(&sim, APPID, Some(demo::developer(APPID)));
    sim.advance(Duration::from_secs(600));
    send(&signed, "later").await.unwrap();
    assert_eq!(sim.signed_calls().get(SEND), Some(&1));

    assert_eq!(sim.messages_to("o-user").len(), 1, "only the good one");
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn stale_requests_for_another_app_or_an_app_without_keys_are_refused() {
    let sim = sim().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{}{SEND}", sim.base_url());
    let fields = json!({"touser": "o-user", "msgtype": "text", "text": {"content": "x"}});
    let fields = fields.as_object().unwrap();
    let post = |token: String, appid: &str, timestamp: i64| {
        let sealed = demo::developer(appid)
            .seal_request(&url, timestamp, fields)
            .unwrap();
        let mut request = http
            .post(format!("{url}?access_token={token}"))
            .body(sealed.body.clone());
        for (name, value) in sealed.headers() {
            request = request.header(name, value);
        }
        request.send()
    };
    let signing_token = app(&sim, APPID, None).access_token().await.unwrap();
    let plain_token = app(&sim, PLAIN_APPID, None).access_token().await.unwrap();

    // Signed ten minutes ago (a replayed request, or the server's clock is off): 40240.
    let answer: Value = post(signing_token.expose().to_owned(), APPID, now() - 600)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 40240, "{answer}");
    assert!(
        answer.get("iv").is_none(),
        "a refusal is not sealed: {answer}"
    );

    // Signed as another app with this app's token: 40237.
    let answer: Value = post(
        signing_token.expose().to_owned(),
        "wx5191000000000099",
        now(),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(answer["errcode"], 40237, "{answer}");

    // Signed, for an app that has no API security set up: 40238.
    let answer: Value = post(plain_token.expose().to_owned(), PLAIN_APPID, now())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 40238, "{answer}");
    assert!(sim.messages_to("o-user").is_empty());
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn spoiled_answers_are_refused_once_and_never_resent() {
    let sim = sim().await;
    let app = app(&sim, APPID, Some(demo::developer(APPID)));
    let cases = [
        (SigningFault::BadSignature, "signature does not verify"),
        (SigningFault::UnknownSerial, "not configured"),
        (SigningFault::StaleTimestamp, "away from the local clock"),
        (SigningFault::OtherAppid, "is for appid"),
    ];
    for (n, (fault, says)) in cases.into_iter().enumerate() {
        sim.user_messaged(APPID, "o-user");
        sim.set_signing_fault(fault);
        let before = sim.call_count(SEND);
        let err = send(&app, &format!("reply {n}")).await.unwrap_err();
        assert!(
            matches!(&err, Error::Signing { request_sent: true, source, .. }
                if !matches!(source, ApiSigningError::MissingHeader { .. })),
            "{fault:?}: {err:?}"
        );
        assert!(err.is_outcome_unknown(), "{fault:?}");
        assert!(err.to_string().contains(says), "{fault:?}: {err}");
        assert_eq!(sim.call_count(SEND), before + 1, "{fault:?}: sent once");
        // The call took effect on the platform: resending would have sent the reply twice.
        assert_eq!(sim.messages_to("o-user").len(), n + 1, "{fault:?}");
    }
    sim.set_signing_fault(SigningFault::None);
    sim.user_messaged(APPID, "o-user");
    send(&app, "fine again").await.unwrap();
    sim.stop().await.unwrap();
}

fn now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_secs()).unwrap()
}
