//! The scripted conversation: what a user and WeChat do, and what the app must answer.
//!
//! 1. URL verification (`GET /wxopen` with `echostr`);
//! 2. the user enters the customer-service chat -> a welcome text;
//! 3. a text in XML, safe mode -> the text back with the history;
//! 4. a text in JSON, safe mode -> the text back, the history now holds the first one;
//! 5. an image -> a text and the same image;
//! 6. a push retried by WeChat (to the other server when there are two) -> handled once, the
//!    retry answered from the dedup store;
//! 7. a login with a `wx.login` code -> a session id (the code works once);
//! 8. decrypting `encryptedData` through the session (a foreign watermark is refused);
//! 9. a WebSocket echo with the session id;
//! 10. the access token expires in the middle (the simulator's clock jumps two hours) -> the
//!     app gets 42001, fetches one new token and the reply still arrives;
//! 11. token fetches in all: exactly two.

use std::time::Duration;

use serde_json::{Value, json};
use weixin_sim::{
    EncryptMode, Push, PushDriver, PushFormat, PushReport, PushTarget, ReplyCheck, SentMessage,
};

use super::client::{MiniProgram, http_client};
use super::open_data;
use super::stage::Stage;
use super::transcript::{Step, Transcript};
use wxopen_sample::handler::{IMAGE_RECEIVED, WELCOME, text_reply};

/// The user of the conversation (an openid).
pub const USER: &str = "o-demo-user-0001";

/// How far the simulator's clock jumps to expire the access token (its TTL is 2 hours).
pub const TOKEN_EXPIRY_JUMP: Duration = Duration::from_secs(2 * 3600 + 60);

/// Runs the whole script against `stage`, recording every step in `transcript`.
pub async fn run(stage: &Stage, transcript: &mut Transcript) {
    transcript.record(verify_url(stage).await);
    transcript.record(enter_chat(stage).await);
    transcript.record(text(stage, PushFormat::Xml, "hello", &["[entered the chat]"]).await);
    transcript.record(
        text(
            stage,
            PushFormat::Json,
            "how are you?",
            &["[entered the chat]", "hello"],
        )
        .await,
    );
    transcript.record(image(stage).await);
    transcript.record(retried_push(stage).await);
    let (step, session_id) = login(stage).await;
    transcript.record(step);
    let session_id = session_id.unwrap_or_default();
    transcript.record(decrypt(stage, &session_id).await);
    transcript.record(websocket(stage, &session_id).await);
    transcript.record(token_expiry(stage).await);
    transcript.record(token_total(stage));
    if stage.signing {
        transcript.record(signed_sends(stage));
    }
}

/// A push driver for app process `app` (safe mode, `format`), tied to the simulator.
///
/// # Errors
/// A message when the driver cannot be built.
pub fn driver(stage: &Stage, app: usize, format: PushFormat) -> Result<PushDriver, String> {
    let target = PushTarget::new(
        format!("{}/wxopen", stage.app_url(app)),
        stage.token.clone(),
        stage.appid.clone(),
    )
    .aes_key(&stage.aes_key)
    .map_err(|e| format!("push target: {e}"))?
    .format(format)
    .mode(EncryptMode::Safe);
    Ok(PushDriver::new(target)
        .map_err(|e| format!("push driver: {e}"))?
        .attach(stage.sim()))
}

fn format_name(format: PushFormat) -> &'static str {
    match format {
        PushFormat::Xml => "XML",
        PushFormat::Json => "JSON",
    }
}

/// One line per message the app sent the user.
fn show(message: &SentMessage) -> String {
    match message.text() {
        Some(text) => format!("app -> user: {text}"),
        None => format!(
            "app -> user: [{}] {}",
            message.msgtype,
            message.body.get(&message.msgtype).unwrap_or(&Value::Null)
        ),
    }
}

/// Sends `push` and returns the customer-service messages the user got meanwhile.
async fn push_and_collect(
    stage: &Stage,
    driver: &PushDriver,
    push: &Push,
    step: &mut Step,
) -> Option<(PushReport, Vec<SentMessage>)> {
    let sim = stage.sim();
    let before = sim.messages_to(USER).len();
    let report = match driver.send(push).await {
        Ok(report) => report,
        Err(e) => {
            step.fail(format!("could not send the push: {e}"));
            return None;
        }
    };
    check_reply(&report, step);
    let messages: Vec<SentMessage> = sim.messages_to(USER).into_iter().skip(before).collect();
    for message in &messages {
        step.line(show(message));
    }
    Some((report, messages))
}

/// The app must answer `success` (mini programs have no passive replies) on the first try.
fn check_reply(report: &PushReport, step: &mut Step) {
    let attempts = report.attempts.len();
    match &report.reply {
        Some(ReplyCheck::Success) => step.line(format!(
            "app -> WeChat: success ({attempts} attempt{})",
            if attempts == 1 { "" } else { "s" }
        )),
        other => step.fail(format!(
            "expected `success`, got {other:?} after {attempts} attempt(s): {:?}",
            report.attempts.last().map(|a| &a.outcome)
        )),
    }
}

fn expect_texts(step: &mut Step, messages: &[SentMessage], expected: &[&str]) {
    let got: Vec<Option<&str>> = messages.iter().map(SentMessage::text).collect();
    let want: Vec<Option<&str>> = expected.iter().map(|t| Some(*t)).collect();
    step.check(got == want, || {
        format!("expected the user to get {want:?}, got {got:?}")
    });
}

async fn verify_url(stage: &Stage) -> Step {
    let mut step = Step::new("1. URL verification (GET /wxopen)");
    let driver = match driver(stage, 0, PushFormat::Xml) {
        Ok(driver) => driver,
        Err(e) => {
            step.fail(e);
            return step;
        }
    };
    let report = driver.verify_url().await;
    step.line(format!(
        "WeChat: GET /wxopen?signature=...&echostr={}",
        report.echostr
    ));
    match &report.outcome {
        weixin_sim::AttemptOutcome::Response { status, body } => {
            step.line(format!("app -> WeChat: {status} {body}"));
        }
        other => step.line(format!("app -> WeChat: {other:?}")),
    }
    step.check(report.ok, || {
        "the app did not echo `echostr` back".to_owned()
    });
    step
}

async fn enter_chat(stage: &Stage) -> Step {
    let mut step = Step::new("2. the user enters the customer-service chat (XML, safe mode)");
    step.line(format!(
        "user {USER} opens the chat (event user_enter_tempsession)"
    ));
    let Ok(driver) = driver(stage, 0, PushFormat::Xml).map_err(|e| step.fail(e)) else {
        return step;
    };
    let push = Push::enter_session(USER, "demo");
    if let Some((_, messages)) = push_and_collect(stage, &driver, &push, &mut step).await {
        expect_texts(&mut step, &messages, &[WELCOME]);
    }
    step
}

async fn text(stage: &Stage, format: PushFormat, content: &str, history: &[&str]) -> Step {
    let n = if format == PushFormat::Xml { 3 } else { 4 };
    let mut step = Step::new(format!("{n}. a text ({}, safe mode)", format_name(format)));
    step.line(format!("user: {content}"));
    let Ok(driver) = driver(stage, 0, format).map_err(|e| step.fail(e)) else {
        return step;
    };
    let push = Push::text(USER, content);
    if let Some((_, messages)) = push_and_collect(stage, &driver, &push, &mut step).await {
        let history: Vec<String> = history.iter().map(|h| (*h).to_owned()).collect();
        expect_texts(&mut step, &messages, &[&text_reply(content, &history)]);
    }
    step
}

/// Puts an image into the simulator as the app's temporary media, the way WeChat stores the
/// picture a user sends, and returns its media id. Uses the token the app already holds (read
/// from the simulator's inspection), so no token is fetched for it.
async fn user_image(stage: &Stage) -> Result<String, String> {
    let token = stage
        .sim()
        .current_tokens()
        .into_iter()
        .find(|t| t.appid == stage.appid && !t.replaced)
        .ok_or("the app holds no access token yet")?;
    let png =
        weixin_sim::png::grayscale_png(32, 32, |x, y| u8::try_from((x * y) % 256).unwrap_or(0));
    let part = reqwest::multipart::Part::bytes(png)
        .file_name("photo.png")
        .mime_str("image/png")
        .map_err(|e| e.to_string())?;
    let form = reqwest::multipart::Form::new().part("media", part);
    let answer: Value = http_client()?
        .post(format!("{}/cgi-bin/media/upload", stage.sim.base_url()))
        .query(&[
            ("access_token", token.access_token.as_str()),
            ("type", "image"),
        ])
        .multipart(form)
        .send()
        .await
        .map_err(|e| format!("media upload: {e}"))?
        .json()
        .await
        .map_err(|e| format!("media upload: {e}"))?;
    answer["media_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("media upload failed: {answer}"))
}

async fn image(stage: &Stage) -> Step {
    let mut step = Step::new("5. an image (XML, safe mode)");
    let media_id = match user_image(stage).await {
        Ok(id) => id,
        Err(e) => {
            step.fail(e);
            return step;
        }
    };
    step.line(format!("user: [image {media_id}]"));
    let Ok(driver) = driver(stage, 0, PushFormat::Xml).map_err(|e| step.fail(e)) else {
        return step;
    };
    let push = Push::image(USER, "https://example.com/photo.png", media_id.clone());
    if let Some((_, messages)) = push_and_collect(stage, &driver, &push, &mut step).await {
        let text_ok = messages.first().and_then(SentMessage::text) == Some(IMAGE_RECEIVED);
        let image_ok = messages.get(1).is_some_and(|m| {
            m.msgtype == "image" && m.body["image"]["media_id"].as_str() == Some(media_id.as_str())
        });
        step.check(messages.len() == 2 && text_ok && image_ok, || {
            format!(
                "expected `{IMAGE_RECEIVED}` and the same image back, got {} message(s)",
                messages.len()
            )
        });
    }
    step
}

async fn retried_push(stage: &Stage) -> Step {
    let other = usize::from(stage.apps.len() > 1);
    let mut step = Step::new(if other == 1 {
        "6. a push retried by WeChat, the retry landing on the other server (JSON, safe mode)"
    } else {
        "6. a push retried by WeChat (JSON, safe mode)"
    });
    let content = "are you there?";
    step.line(format!("user: {content}"));
    let Ok(driver) = driver(stage, 0, PushFormat::Json).map_err(|e| step.fail(e)) else {
        return step;
    };
    let push = Push::text(USER, content);
    let Some((report, messages)) = push_and_collect(stage, &driver, &push, &mut step).await else {
        return step;
    };
    let history = ["[entered the chat]", "hello", "how are you?", "[image]"].map(str::to_owned);
    expect_texts(&mut step, &messages, &[&text_reply(content, &history)]);

    let mut prepared = report.prepared.clone();
    prepared.url = prepared
        .url
        .replacen(stage.app_url(0), stage.app_url(other), 1);
    step.line(format!(
        "WeChat retries the same push (MsgId {}){}",
        report.msg_id().unwrap_or(0),
        if other == 1 {
            " to the other server"
        } else {
            ""
        }
    ));
    let before = stage.sim().messages_to(USER).len();
    let retry = driver.resend(&prepared).await;
    check_reply(&retry, &mut step);
    let after = stage.sim().messages_to(USER).len();
    step.line(format!(
        "messages to the user from the retry: {}",
        after - before
    ));
    step.check(after == before, || {
        format!(
            "the retry was handled again: {} more message(s)",
            after - before
        )
    });
    step
}

async fn login(stage: &Stage) -> (Step, Option<String>) {
    let mut step = Step::new("7. login with a wx.login code (POST /wxopen/login)");
    let code = match stage.sim().issue_login_code(&stage.appid, Some(USER)) {
        Ok(code) => code,
        Err(e) => {
            step.fail(format!("simulator: {e}"));
            return (step, None);
        }
    };
    step.line(format!("mini program: wx.login() -> code {code}"));
    let client = match MiniProgram::new(stage.app_url(0)) {
        Ok(client) => client,
        Err(e) => {
            step.fail(e);
            return (step, None);
        }
    };
    let answer = match client.login(&code).await {
        Ok(answer) => answer,
        Err(e) => {
            step.fail(e);
            return (step, None);
        }
    };
    let session_id = answer.body["session_id"].as_str().map(str::to_owned);
    let expires_in = answer.body["expires_in"].as_u64().unwrap_or(0);
    step.line(format!(
        "app -> mini program: {} session_id={} expires_in={expires_in}",
        answer.status,
        session_id
            .as_deref()
            .map_or("(none)", |id| id.get(..8).unwrap_or(id)),
    ));
    step.check(
        answer.status == 200 && session_id.is_some() && expires_in > 0,
        || {
            format!(
                "expected 200 with a session id, got {} {}",
                answer.status, answer.body
            )
        },
    );
    match client.login(&code).await {
        Ok(again) => {
            step.line(format!(
                "the same code again -> {} {}",
                again.status, again.body["error"]
            ));
            step.check(again.status == 400, || {
                format!("a used code must be refused with 400, got {}", again.status)
            });
        }
        Err(e) => step.fail(e),
    }
    (step, session_id)
}

async fn decrypt(stage: &Stage, session_id: &str) -> Step {
    let mut step = Step::new("8. decrypt encryptedData through the session (POST /wxopen/decrypt)");
    let Some(session_key) = stage.sim().session_key(&stage.appid, USER) else {
        step.fail("the simulator has no session key for the user (login failed?)");
        return step;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let data = json!({
        "openId": USER,
        "nickName": "Demo User",
        "watermark": {"appid": stage.appid, "timestamp": now},
    });
    let client = match MiniProgram::new(stage.app_url(0)) {
        Ok(client) => client,
        Err(e) => {
            step.fail(e);
            return step;
        }
    };
    match open_data::encrypt(&session_key, &data.to_string()) {
        Ok(encrypted) => {
            step.line(format!(
                "mini program: encrypted_data={}... iv={}",
                encrypted.encrypted_data.get(..16).unwrap_or_default(),
                encrypted.iv
            ));
            match client
                .decrypt(session_id, &encrypted.encrypted_data, &encrypted.iv)
                .await
            {
                Ok(answer) => {
                    step.line(format!(
                        "app -> mini program: {} {}",
                        answer.status, answer.body
                    ));
                    step.check(answer.status == 200 && answer.body == data, || {
                        format!(
                            "expected 200 and {data}, got {} {}",
                            answer.status, answer.body
                        )
                    });
                }
                Err(e) => step.fail(e),
            }
        }
        Err(e) => step.fail(e),
    }
    // Data issued to another mini program (its watermark) must be refused.
    let foreign =
        json!({"openId": USER, "watermark": {"appid": "wx0000000000000bad", "timestamp": now}});
    match open_data::encrypt(&session_key, &foreign.to_string()) {
        Ok(encrypted) => match client
            .decrypt(session_id, &encrypted.encrypted_data, &encrypted.iv)
            .await
        {
            Ok(answer) => {
                step.line(format!(
                    "data watermarked for another app -> {} {}",
                    answer.status, answer.body["error"]
                ));
                step.check(answer.status == 400, || {
                    format!(
                        "a foreign watermark must be refused with 400, got {}",
                        answer.status
                    )
                });
            }
            Err(e) => step.fail(e),
        },
        Err(e) => step.fail(e),
    }
    step
}

async fn websocket(stage: &Stage, session_id: &str) -> Step {
    let mut step = Step::new("9. WebSocket echo (GET /wxopen/ws?session_id=...)");
    let frame = json!({"type": "echo", "data": {"hello": "socket", "n": 1}});
    step.line(format!("mini program -> app: {frame}"));
    let client = match MiniProgram::new(stage.app_url(0)) {
        Ok(client) => client,
        Err(e) => {
            step.fail(e);
            return step;
        }
    };
    match client.ws_round_trip(session_id, &frame).await {
        Ok(answer) => {
            step.line(format!("app -> mini program: {answer}"));
            step.check(answer == frame, || {
                format!("expected {frame} back, got {answer}")
            });
        }
        Err(e) => step.fail(e),
    }
    step
}

async fn token_expiry(stage: &Stage) -> Step {
    let mut step = Step::new("10. the access token expires in the middle of the conversation");
    let before = stage.token_fetches();
    stage.sim().advance(TOKEN_EXPIRY_JUMP);
    step.line(format!(
        "WeChat's clock moves {} min ahead: the app's token is expired there (42001)",
        TOKEN_EXPIRY_JUMP.as_secs() / 60
    ));
    let content = "still there?";
    step.line(format!("user: {content}"));
    let Ok(driver) = driver(stage, 0, PushFormat::Xml).map_err(|e| step.fail(e)) else {
        return step;
    };
    let push = Push::text(USER, content);
    if let Some((_, messages)) = push_and_collect(stage, &driver, &push, &mut step).await {
        let history = [
            "[entered the chat]",
            "hello",
            "how are you?",
            "[image]",
            "are you there?",
        ]
        .map(str::to_owned);
        expect_texts(&mut step, &messages, &[&text_reply(content, &history)]);
    }
    let fetched = stage.token_fetches() - before;
    step.line(format!("tokens fetched for this reply: {fetched}"));
    step.check(fetched == 1, || {
        format!("expected exactly 1 new token fetch, got {fetched}")
    });
    step
}

/// With signing on: every customer-service message the simulator recorded came signed.
fn signed_sends(stage: &Stage) -> Step {
    const SEND: &str = "/cgi-bin/message/custom/send";
    let mut step = Step::new("12. every customer-service send signed and encrypted");
    let sim = stage.sim();
    let delivered = sim.messages_to(USER).len();
    let signed = sim.signed_calls().get(SEND).copied().unwrap_or(0);
    step.line(format!(
        "{signed} signed calls of {SEND} verified and decrypted by the simulator, {delivered} messages delivered"
    ));
    step.check(
        delivered > 0 && u64::try_from(delivered) == Ok(signed),
        || format!("expected every one of the {delivered} delivered messages signed, got {signed}"),
    );
    step
}

fn token_total(stage: &Stage) -> Step {
    let mut step = Step::new("11. access tokens fetched in all");
    let fetched = stage.token_fetches();
    step.line(format!(
        "{fetched} (one for the first reply, one after the expiry; every other call used the cached token)"
    ));
    step.check(fetched == 2, || {
        format!("expected 2 token fetches, got {fetched}")
    });
    step
}
