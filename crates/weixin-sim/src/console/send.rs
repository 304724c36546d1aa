//! `POST /sim/push` (one push from the console, with the exact request and the decrypted
//! answer) and `GET /sim/chat` (the conversation of one user with one app).

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::spec::{PushSpec, TargetSpec};
use super::{app_of, bad_request};
use crate::handle::SimHandle;
use crate::inspect_types::{MessageKind, SentMessage};
use crate::push::{Attempt, AttemptOutcome, PushDriver, PushReport, ReplyCheck};
use crate::state::{PushRecord, Shared};

/// WeChat's per-attempt timeout, the default.
const DEFAULT_TIMEOUT_MS: u64 = 5000;
/// At most this long per attempt, so a console request always ends.
const MAX_TIMEOUT_MS: u64 = 30_000;

/// `POST /sim/push` body.
#[derive(Debug, Deserialize)]
pub(crate) struct SendRequest {
    target: TargetSpec,
    /// The user's openid.
    from: String,
    push: PushSpec,
    /// Attempts in all (WeChat: 3).
    #[serde(default = "three")]
    attempts: u32,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
}

fn three() -> u32 {
    3
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// A driver for the console's target (or the error to show), tied to this simulator (clock, 48-hour window, media).
pub(crate) fn driver(
    shared: &Arc<Shared>,
    target: &TargetSpec,
    timeout_ms: u64,
) -> Result<(PushDriver, String), String> {
    let (appid, original_id) = app_of(shared, target.appid.as_deref())?;
    let target = target.target(&appid, &original_id)?;
    let driver = PushDriver::new(target)
        .map_err(|e| e.to_string())?
        .attempt_timeout(Duration::from_millis(timeout_ms.clamp(1, MAX_TIMEOUT_MS)))
        .attach(SimHandle {
            shared: shared.clone(),
        });
    Ok((driver, appid))
}

pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    Json(req): Json<SendRequest>,
) -> Response {
    if req.from.trim().is_empty() {
        return bad_request("the user's openid is empty");
    }
    let (driver, appid) = match driver(&shared, &req.target, req.timeout_ms) {
        Ok(d) => d,
        Err(e) => return bad_request(e),
    };
    let driver = driver.max_attempts(req.attempts.clamp(1, 3));
    let push = req.push.build(&req.from, &appid);
    // Recorded before sending, so replies sent while the app handles it come after it.
    let index = {
        let mut state = shared.state();
        let messages_before = state.messages().len();
        state.record_push(PushRecord {
            appid: appid.clone(),
            openid: req.from.clone(),
            kind: push.event_name().unwrap_or(push.msg_type()).to_owned(),
            summary: req.push.summary(),
            msg_id: None,
            delivered: false,
            messages_before,
            at: shared.clock.now_secs(),
        })
    };
    let report = match driver.send(&push).await {
        Ok(r) => r,
        Err(e) => return bad_request(e.to_string()),
    };
    shared
        .state()
        .finish_push(index, report.msg_id(), report.delivered());
    Json(report_json(&report)).into_response()
}

/// The report as the console shows it.
fn report_json(report: &PushReport) -> Value {
    let p = &report.prepared;
    let query: serde_json::Map<String, Value> = url::Url::parse(&p.url)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "request": {
            "method": "POST",
            "url": p.url,
            "query": query,
            "content_type": p.content_type,
            "body": p.body,
            "plaintext": p.plaintext,
            "encrypted": p.body != p.plaintext,
            "msg_id": p.msg_id.map(|id| id.to_string()),
            "create_time": p.create_time,
        },
        "attempts": report.attempts.iter().map(attempt_json).collect::<Vec<_>>(),
        "delivered": report.delivered(),
        "reply": report.reply.as_ref().map(reply_json),
    })
}

pub(crate) fn attempt_json(a: &Attempt) -> Value {
    let latency_ms = a.latency.as_secs_f64() * 1000.0;
    match &a.outcome {
        AttemptOutcome::Response { status, body } => {
            json!({"number": a.number, "status": status, "body": body, "latency_ms": latency_ms})
        }
        AttemptOutcome::Timeout => {
            json!({"number": a.number, "error": "timeout", "latency_ms": latency_ms})
        }
        AttemptOutcome::ConnectionError(e) => {
            json!({"number": a.number, "error": e, "latency_ms": latency_ms})
        }
    }
}

fn reply_json(r: &ReplyCheck) -> Value {
    match r {
        ReplyCheck::Success => json!({"kind": "success", "text": ""}),
        ReplyCheck::Plain(t) => json!({"kind": "plain", "text": t}),
        ReplyCheck::Decrypted(t) => json!({"kind": "decrypted", "text": t}),
        ReplyCheck::Invalid(t) => json!({"kind": "invalid", "text": t}),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChatQuery {
    appid: Option<String>,
    openid: String,
}

/// `GET /sim/chat?appid=&openid=`: the console's pushes from the user and the messages the
/// app sent the user through the API, in the order they happened.
pub(crate) async fn chat(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<ChatQuery>,
) -> Response {
    let (appid, _) = match app_of(&shared, q.appid.as_deref()) {
        Ok(app) => app,
        Err(e) => return bad_request(e),
    };
    let (pushes, messages) = {
        let state = shared.state();
        (state.pushes(), state.messages())
    };
    let mut pushes = pushes
        .into_iter()
        .filter(|p| p.appid == appid && p.openid == q.openid)
        .peekable();
    let mut entries = Vec::new();
    for (n, m) in messages.iter().enumerate() {
        while let Some(p) = pushes.next_if(|p| p.messages_before <= n) {
            entries.push(push_entry(&p));
        }
        if m.appid == appid && m.touser == q.openid {
            entries.push(message_entry(m));
        }
    }
    entries.extend(pushes.map(|p| push_entry(&p)));
    Json(json!({"appid": appid, "openid": q.openid, "entries": entries})).into_response()
}

fn push_entry(p: &PushRecord) -> Value {
    json!({"side": "user", "kind": p.kind, "text": p.summary, "at": p.at,
           "delivered": p.delivered, "msg_id": p.msg_id.map(|id| id.to_string())})
}

fn message_entry(m: &SentMessage) -> Value {
    let text = match (m.kind, m.text()) {
        (MessageKind::Custom, Some(text)) => text.to_owned(),
        (MessageKind::Custom, None) => {
            let media = m.body[&m.msgtype]["media_id"].as_str().unwrap_or("");
            format!("[{} {media}]", m.msgtype).replace(" ]", "]")
        }
        (MessageKind::Subscribe, _) => format!("[subscribe message {}]", m.msgtype),
    };
    json!({"side": "app", "kind": m.msgtype, "text": text, "at": m.at})
}
