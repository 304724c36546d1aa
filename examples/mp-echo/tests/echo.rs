//! Drives the echo server the way WeChat does: the simulator's `PushDriver` signs and
//! encrypts pushes, POSTs them to the server and decrypts the passive reply.

use mp_echo::{EchoConfig, PUSH_PATH, WELCOME, app};
use weixin_sim::{EncryptMode, Push, PushDriver, PushFormat, PushTarget, ReplyCheck};

const APPID: &str = "wx00000000000000a1";
const SECRET: &str = "echo-secret";
const TOKEN: &str = "echo-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// Starts the echo server on a free loopback port; returns its push URL.
async fn start(encoding_aes_key: Option<&str>) -> String {
    let config = EchoConfig {
        appid: APPID.to_owned(),
        secret: SECRET.into(),
        token: TOKEN.into(),
        encoding_aes_key: encoding_aes_key.map(Into::into),
        listen: "127.0.0.1:0".parse().unwrap(),
    };
    let router = app(&config).unwrap();
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let url = format!("http://{}{PUSH_PATH}", listener.local_addr().unwrap());
    tokio::spawn(async move { weixin::axum::serve(listener, router).await });
    url
}

/// A driver for the server in safe (encrypted) mode.
fn safe_driver(url: &str, format: PushFormat) -> PushDriver {
    let target = PushTarget::new(url, TOKEN, APPID)
        .aes_key(AES_KEY)
        .unwrap()
        .format(format)
        .mode(EncryptMode::Safe);
    PushDriver::new(target).unwrap()
}

/// The decrypted reply of a push, failing on anything else.
async fn decrypted_reply(driver: &PushDriver, push: &Push) -> String {
    let report = driver.send(push).await.unwrap();
    assert_eq!(report.attempts.len(), 1, "{report:?}");
    match report.reply {
        Some(ReplyCheck::Decrypted(reply)) => reply,
        other => panic!("expected an encrypted reply, got {other:?}"),
    }
}

#[tokio::test]
async fn url_verification_passes() {
    let url = start(Some(AES_KEY)).await;
    let report = safe_driver(&url, PushFormat::Xml).verify_url().await;
    assert!(report.ok, "{report:?}");
}

#[tokio::test]
async fn url_verification_with_a_wrong_token_fails() {
    let url = start(Some(AES_KEY)).await;
    let driver = PushDriver::new(PushTarget::new(&url, "not-the-token", APPID)).unwrap();
    assert!(!driver.verify_url().await.ok);
}

#[tokio::test]
async fn encrypted_xml_text_is_echoed() {
    let url = start(Some(AES_KEY)).await;
    let driver = safe_driver(&url, PushFormat::Xml);
    let reply = decrypted_reply(&driver, &Push::text("o-user", "你好, echo")).await;
    assert!(
        reply.contains("<Content><![CDATA[你好, echo]]></Content>"),
        "{reply}"
    );
    assert!(
        reply.contains("<ToUserName><![CDATA[o-user]]></ToUserName>"),
        "{reply}"
    );
}

#[tokio::test]
async fn encrypted_json_text_is_echoed() {
    let url = start(Some(AES_KEY)).await;
    let driver = safe_driver(&url, PushFormat::Json);
    let reply = decrypted_reply(&driver, &Push::text("o-user", "hello json")).await;
    let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(reply["Content"], "hello json");
    assert_eq!(reply["MsgType"], "text");
    assert_eq!(reply["ToUserName"], "o-user");
}

#[tokio::test]
async fn a_new_follower_is_welcomed() {
    let url = start(Some(AES_KEY)).await;
    let driver = safe_driver(&url, PushFormat::Xml);
    let reply = decrypted_reply(&driver, &Push::follow("o-new", None)).await;
    assert!(reply.contains(WELCOME), "{reply}");
}

#[tokio::test]
async fn other_messages_get_success() {
    let url = start(Some(AES_KEY)).await;
    let driver = safe_driver(&url, PushFormat::Xml);
    let report = driver.send(&Push::click("o-user", "MENU_1")).await.unwrap();
    assert_eq!(report.reply, Some(ReplyCheck::Success));
}

#[tokio::test]
async fn plaintext_mode_without_a_key() {
    let url = start(None).await;
    let driver = PushDriver::new(PushTarget::new(&url, TOKEN, APPID)).unwrap();
    let report = driver.send(&Push::text("o-user", "plain")).await.unwrap();
    match report.reply {
        Some(ReplyCheck::Plain(reply)) => {
            assert!(
                reply.contains("<Content><![CDATA[plain]]></Content>"),
                "{reply}"
            );
        }
        other => panic!("expected a plaintext reply, got {other:?}"),
    }
}
