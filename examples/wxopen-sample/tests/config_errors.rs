//! The binary's configuration errors name the variable, exit with status 2, and never print
//! a secret. The logs of a whole conversation contain no secret either.

mod support;

use std::process::Command;

use wxopen_demo::{Stage, StageConfig, Transcript, script};

fn run_app(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(support::binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("WEIXIN_") {
            command.env_remove(key);
        }
    }
    let output = command
        .envs(env.iter().copied())
        .output()
        .expect("run the app");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_missing_variable_is_named() {
    let (code, stderr) = run_app(&[
        ("WEIXIN_APPSECRET", "s3cret-value"),
        ("WEIXIN_TOKEN", "tok"),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("WEIXIN_APPID is not set"), "{stderr}");
}

#[test]
fn a_bad_key_is_named_and_not_printed() {
    let (code, stderr) = run_app(&[
        ("WEIXIN_APPID", "wx1"),
        ("WEIXIN_APPSECRET", "s3cret-value"),
        ("WEIXIN_TOKEN", "tok-value"),
        ("WEIXIN_ENCODING_AES_KEY", "not-a-valid-key-but-secret"),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("WEIXIN_ENCODING_AES_KEY"), "{stderr}");
    for secret in ["s3cret-value", "tok-value", "not-a-valid-key-but-secret"] {
        assert!(!stderr.contains(secret), "{secret} printed: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_logs_of_a_conversation_hold_no_secret() {
    let dir = std::env::temp_dir().join(format!("wxopen-sample-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("app.log");
    let config = StageConfig::new(support::binary(), "memory")
        .env("RUST_LOG", "debug")
        .log_file(&log);
    let stage = Stage::start(&config).await.expect("stage");
    let mut transcript = Transcript::new(false);
    script::run(&stage, &mut transcript).await;
    assert!(transcript.all_passed(), "{transcript}");

    let sim = stage.sim();
    let mut secrets = vec![stage.token.clone(), stage.aes_key.clone()];
    secrets.extend(sim.apps().iter().map(|a| a.secret.clone()));
    secrets.extend(sim.current_tokens().into_iter().map(|t| t.access_token));
    secrets.extend(sim.session_key(&stage.appid, script::USER));
    let _ = stage.stop().await;

    let logs = std::fs::read_to_string(&log).expect("logs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(logs.lines().count() > 5, "debug logs were written:\n{logs}");
    for secret in secrets {
        assert!(!logs.contains(&secret), "a secret is in the logs:\n{logs}");
    }
}
