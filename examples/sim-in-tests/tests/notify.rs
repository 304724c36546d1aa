//! `notify_user` against the simulator: what the user got, and how many tokens it took.

mod support;

use sim_in_tests::notify_user;
use weixin::OfficialAccount;
use weixin_sim::{DEFAULT_APPID, TokenKind};

#[tokio::test]
async fn the_user_gets_the_message() {
    let (sim, _weixin, app) = support::start().await;
    let account = OfficialAccount::new(app);
    // The user wrote to the account, so customer-service messages may reach them.
    sim.user_messaged(DEFAULT_APPID, "o-alice");

    notify_user(&account, "o-alice", "your order shipped")
        .await
        .unwrap();

    let got = sim.messages_to("o-alice");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text(), Some("your order shipped"));
    assert!(sim.messages_to("o-bob").is_empty());
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn one_token_serves_many_calls() {
    let (sim, weixin, app) = support::start().await;
    let account = OfficialAccount::new(app);
    sim.user_messaged(DEFAULT_APPID, "o-alice");

    for n in 0..3 {
        notify_user(&account, "o-alice", &format!("update {n}"))
            .await
            .unwrap();
    }

    assert_eq!(sim.messages_to("o-alice").len(), 3);
    assert_eq!(sim.call_count("/cgi-bin/stable_token"), 1);
    assert_eq!(sim.token_count(DEFAULT_APPID), 1);
    assert_eq!(sim.tokens_issued()[0].kind, TokenKind::Stable);
    assert_eq!(weixin.stats().token_fetches, 1);
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn a_user_who_never_wrote_cannot_be_notified() {
    let (sim, _weixin, app) = support::start().await;
    let account = OfficialAccount::new(app);

    let err = notify_user(&account, "o-stranger", "hi").await.unwrap_err();

    assert_eq!(err.api_code().map(|c| c.code()), Some(45015), "{err}");
    assert!(sim.messages_to("o-stranger").is_empty());
    sim.stop().await.unwrap();
}
