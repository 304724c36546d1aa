//! `login` against the simulator: the simulator plays WeChat's side of `wx.login`.

mod support;

use sim_in_tests::login;
use weixin::MiniProgram;
use weixin::mini_program::session::SessionError;
use weixin_sim::DEFAULT_APPID;

#[tokio::test]
async fn a_login_code_becomes_a_session() {
    let (sim, _weixin, app) = support::start().await;
    let app = MiniProgram::new(app);
    // What the mini program's wx.login() would have given the client.
    let code = sim
        .issue_login_code(DEFAULT_APPID, Some("o-shopper"))
        .unwrap();

    let session = login(&app, &code).await.unwrap();

    assert_eq!(session.openid, "o-shopper");
    // The id the client keeps finds the session again.
    assert_eq!(
        app.sessions().get(&session.id).await.unwrap().openid,
        "o-shopper"
    );
    assert_eq!(sim.call_count("/sns/jscode2session"), 1);
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn a_code_works_once() {
    let (sim, _weixin, app) = support::start().await;
    let app = MiniProgram::new(app);
    let code = sim
        .issue_login_code(DEFAULT_APPID, Some("o-shopper"))
        .unwrap();

    login(&app, &code).await.unwrap();
    let again = login(&app, &code).await.unwrap_err();

    assert!(matches!(again, SessionError::CodeUsed), "{again:?}");
    assert!(matches!(
        login(&app, "made-up-code").await.unwrap_err(),
        SessionError::InvalidCode
    ));
    sim.stop().await.unwrap();
}
