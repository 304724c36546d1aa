//! SIGTERM: requests in flight (a push whose handler is calling WeChat, a login) finish, then
//! the process exits with status 0.

mod support;

use std::time::Duration;

use weixin_sim::{Faults, Push, PushFormat, ReplyCheck};
use wxopen_demo::client::MiniProgram;
use wxopen_demo::script;
use wxopen_demo::{Stage, StageConfig};

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_requests_in_flight_finish() {
    let mut stage = Stage::start(&StageConfig::new(support::binary(), "memory"))
        .await
        .expect("stage");
    let sim = stage.sim();
    // Every WeChat API call now takes 1 s: the handler (token + send) and the login are slow.
    sim.set_faults(Faults {
        latency_share: 1.0,
        latency: Duration::from_secs(1),
        ..Faults::none()
    });
    let code = sim
        .issue_login_code(&stage.appid, Some("o-late"))
        .expect("code");
    let client = MiniProgram::new(stage.app_url(0)).expect("client");
    let driver = script::driver(&stage, 0, PushFormat::Xml).expect("driver");
    let login = tokio::spawn(async move { client.login(&code).await });
    let push = tokio::spawn(async move {
        driver
            .send(&Push::text("o-late", "before the shutdown"))
            .await
    });

    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut app = stage.apps.remove(0);
    app.signal_terminate().await.expect("SIGTERM");

    let login = login.await.expect("join").expect("login request");
    assert_eq!(
        login.status, 200,
        "the login in flight finished: {}",
        login.body
    );
    let push = push.await.expect("join").expect("push");
    assert_eq!(push.reply, Some(ReplyCheck::Success), "{:?}", push.attempts);
    assert_eq!(push.attempts.len(), 1, "answered on the first attempt");
    let sent = sim.messages_to("o-late");
    assert_eq!(sent.len(), 1, "the handler in flight sent its reply");

    let status = app.wait(Duration::from_secs(10)).await.expect("exit");
    assert!(status.success(), "exit status {status}");
    let _ = stage.stop().await;
}
