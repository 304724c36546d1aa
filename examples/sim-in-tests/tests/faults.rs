//! Fault injection: the simulator answers some calls `{"errcode":-1,"errmsg":"system error"}`
//! (WeChat's "busy"), and the tests show what the SDK does about it.
//!
//! * reads (GET) are retried with backoff, up to 3 attempts in all;
//! * `custom/send` is a POST that must never deliver a message twice: it is not retried, the
//!   caller gets the error and decides.

mod support;

use sim_in_tests::{fetch_user_media, notify_user};
use weixin::OfficialAccount;
use weixin_sim::{DEFAULT_APPID, Faults};

const MEDIA: &str = "/cgi-bin/media/get";
const SEND: &str = "/cgi-bin/message/custom/send";

fn busy(share: f64) -> Faults {
    Faults {
        busy: share,
        ..Faults::none()
    }
}

#[tokio::test]
async fn reads_are_retried_through_occasional_busy_answers() {
    let (sim, weixin, app) = support::start().await;
    let account = OfficialAccount::new(app);
    sim.register_media(DEFAULT_APPID, "photo-1", "image/jpeg", &b"jpeg bytes"[..])
        .unwrap();
    // Fetch the token before the faults start.
    fetch_user_media(&account, "photo-1").await.unwrap();

    // A quarter of the calls fail. The simulator draws faults from a seeded generator, so this
    // test sees the same faults on every run.
    sim.set_faults(busy(0.25));
    for _ in 0..10 {
        let photo = fetch_user_media(&account, "photo-1").await.unwrap();
        assert_eq!(&photo.bytes[..], b"jpeg bytes");
    }

    // Every fetch succeeded, yet the simulator answered some attempts "busy": those were
    // retried by the SDK.
    let attempts = sim.call_count(MEDIA) - 1;
    assert!(attempts > 10, "no retries happened: {attempts} attempts");
    assert_eq!(weixin.stats().retries, attempts - 10);
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn a_read_gives_up_after_three_attempts() {
    let (sim, _weixin, app) = support::start().await;
    let account = OfficialAccount::new(app);
    sim.register_media(DEFAULT_APPID, "photo-1", "image/jpeg", &b"jpeg bytes"[..])
        .unwrap();
    fetch_user_media(&account, "photo-1").await.unwrap();

    sim.set_faults(busy(1.0));
    let err = fetch_user_media(&account, "photo-1").await.unwrap_err();

    assert_eq!(err.api_code().map(|c| c.code()), Some(-1), "{err}");
    assert_eq!(sim.call_count(MEDIA), 1 + 3);
    sim.stop().await.unwrap();
}

#[tokio::test]
async fn a_message_send_is_never_repeated() {
    let (sim, _weixin, app) = support::start().await;
    let account = OfficialAccount::new(app);
    sim.user_messaged(DEFAULT_APPID, "o-alice");
    notify_user(&account, "o-alice", "first").await.unwrap();

    sim.set_faults(busy(1.0));
    let err = notify_user(&account, "o-alice", "second")
        .await
        .unwrap_err();

    assert_eq!(err.api_code().map(|c| c.code()), Some(-1), "{err}");
    assert!(
        err.is_retryable(),
        "busy is worth retrying, by the caller: {err}"
    );
    // One attempt only: a retry could deliver the message twice.
    assert_eq!(sim.call_count(SEND), 2);
    assert_eq!(sim.messages_to("o-alice").len(), 1);
    sim.stop().await.unwrap();
}
