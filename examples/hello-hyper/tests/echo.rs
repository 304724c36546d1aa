//! The bare-hyper example end to end: a safe-mode push answered with an encrypted passive reply.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use weixin_sim::{EncryptMode, Push, PushDriver, PushFormat, PushTarget, ReplyCheck};

const APPID: &str = "wx4f4bc4dec97d474b";
const TOKEN: &str = "hyper-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

#[tokio::test(flavor = "multi_thread")]
async fn answers_a_safe_mode_text_with_an_encrypted_echo() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hello-hyper"))
        .env_clear()
        .env("WEIXIN_APPID", APPID)
        .env("WEIXIN_APPSECRET", "secret")
        .env("WEIXIN_TOKEN", TOKEN)
        .env("WEIXIN_ENCODING_AES_KEY", AES_KEY)
        .env("WEIXIN_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the example");
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("the example prints its address within 20 s")
    .expect("read stdout")
    .expect("a line");
    let addr = line.strip_prefix("listening on ").expect("address line");

    let target = PushTarget::new(format!("http://{addr}/wx"), TOKEN, APPID)
        .aes_key(AES_KEY)
        .expect("key")
        .format(PushFormat::Xml)
        .mode(EncryptMode::Safe);
    let driver = PushDriver::new(target).expect("driver");
    assert!(driver.verify_url().await.ok, "URL verification");
    let report = driver
        .send(&Push::text("o_hyper_user", "over hyper"))
        .await
        .expect("push");
    match &report.reply {
        Some(ReplyCheck::Decrypted(plain)) => assert!(
            plain.contains("<Content><![CDATA[echo: over hyper]]></Content>"),
            "{plain}"
        ),
        other => panic!("expected an encrypted reply, got {other:?}"),
    }
    let _ = child.start_kill();
}
