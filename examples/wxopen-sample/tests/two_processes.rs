//! Two sample-app processes behind one simulator, sharing Redis (feature `redis`,
//! `WEIXIN_TEST_REDIS_URL`): WeChat's retries spread over both servers are handled exactly once,
//! and the access token is fetched once per expiry for both.
#![cfg(feature = "redis")]

mod support;

use futures_util::future::join_all;
use weixin_sim::{Push, PushFormat, PushReport, ReplyCheck};
use wxopen_demo::script::{self, TOKEN_EXPIRY_JUMP};
use wxopen_demo::{Stage, StageConfig};

#[tokio::test(flavor = "multi_thread")]
async fn the_script_passes_with_the_retry_on_the_other_server() {
    let transcript =
        support::run_script(StageConfig::new(support::binary(), support::redis_url()).processes(2))
            .await;
    let retry = &transcript.steps()[5];
    assert!(retry.title.contains("other server"), "{retry}");
}

/// Delivers each push to both servers at the same time (the first delivery and WeChat's
/// retry), then once more to the first; returns the reports of the three deliveries.
async fn deliver_everywhere(stage: &Stage, users: &[String], round: &str) -> Vec<PushReport> {
    let driver = script::driver(stage, 0, PushFormat::Xml).expect("driver");
    let sim = stage.sim();
    let mut prepared = Vec::new();
    for user in users {
        sim.user_messaged(&stage.appid, user); // what `PushDriver::send` does for a user message
        let push = driver
            .prepare(&Push::text(user.as_str(), format!("{round} from {user}")))
            .expect("prepare");
        let mut other = push.clone();
        other.url = other.url.replacen(stage.app_url(0), stage.app_url(1), 1);
        prepared.push((push, other));
    }
    let concurrent = join_all(prepared.iter().map(|(push, other)| async {
        let (a, b) = tokio::join!(driver.resend(push), driver.resend(other));
        [a, b]
    }))
    .await;
    let mut reports: Vec<PushReport> = concurrent.into_iter().flatten().collect();
    for (push, _) in &prepared {
        reports.push(driver.resend(push).await);
    }
    reports
}

fn assert_each_handled_once(stage: &Stage, users: &[String], reports: &[PushReport]) {
    for report in reports {
        assert_eq!(
            report.reply,
            Some(ReplyCheck::Success),
            "every delivery is answered `success`: {:?}",
            report.attempts
        );
    }
    for user in users {
        let messages = stage.sim().messages_to(user);
        assert_eq!(
            messages.len(),
            1,
            "{user} got {} replies for one push delivered 3 times over 2 servers",
            messages.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_over_two_servers_are_handled_once_and_tokens_fetched_once_per_expiry() {
    let config = StageConfig::new(support::binary(), support::redis_url()).processes(2);
    let stage = Stage::start(&config).await.expect("stage");

    let users: Vec<String> = (0..12).map(|i| format!("o-spread-a{i:02}")).collect();
    let reports = deliver_everywhere(&stage, &users, "before the expiry").await;
    assert_each_handled_once(&stage, &users, &reports);
    assert_eq!(stage.token_fetches(), 1, "one token for both servers");

    stage.sim().advance(TOKEN_EXPIRY_JUMP);
    let users: Vec<String> = (0..12).map(|i| format!("o-spread-b{i:02}")).collect();
    let reports = deliver_everywhere(&stage, &users, "after the expiry").await;
    assert_each_handled_once(&stage, &users, &reports);
    assert_eq!(
        stage.token_fetches(),
        2,
        "after the expiry, one new token for both servers"
    );

    for (name, result) in stage.stop().await {
        assert_eq!(result, Ok(()), "{name} did not stop cleanly");
    }
}
