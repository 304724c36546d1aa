//! The `/sim/*` inspection and admin endpoints (JSON; never subject to faults).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Faults;
use crate::handle::SimHandle;
use crate::inspect_types::MessageKind;
use crate::state::Shared;

/// The `/sim` routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/sim/apps", get(apps))
        .route("/sim/messages", get(messages))
        .route("/sim/calls", get(calls))
        .route("/sim/tokens", get(tokens))
        .route("/sim/quotas", get(quotas))
        .route("/sim/reset", post(reset))
        .route("/sim/codes", post(login_code))
        .route("/sim/phone-codes", post(phone_code))
        .route("/sim/clock", get(clock))
        .route("/sim/clock/advance", post(advance))
        .route("/sim/faults", get(get_faults).post(set_faults))
        .route("/sim/interactions", post(interaction))
        .route("/sim/media", post(register_media))
}

fn handle(shared: Arc<Shared>) -> SimHandle {
    SimHandle { shared }
}

fn bad_request(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg.into()}))).into_response()
}

async fn apps(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let apps: Vec<_> = shared
        .config
        .apps
        .iter()
        .map(|a| json!({"appid": a.appid, "original_id": a.original_id}))
        .collect();
    Json(json!(apps))
}

#[derive(Deserialize)]
struct MessageFilter {
    touser: Option<String>,
    appid: Option<String>,
    kind: Option<MessageKind>,
}

async fn messages(
    State(shared): State<Arc<Shared>>,
    Query(filter): Query<MessageFilter>,
) -> Json<serde_json::Value> {
    let mut list = handle(shared).messages();
    list.retain(|m| {
        filter.touser.as_ref().is_none_or(|t| *t == m.touser)
            && filter.appid.as_ref().is_none_or(|a| *a == m.appid)
            && filter.kind.is_none_or(|k| k == m.kind)
    });
    Json(json!(list))
}

async fn calls(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    Json(json!(handle(shared).calls()))
}

async fn tokens(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let h = handle(shared);
    Json(json!({"issued": h.tokens_issued(), "current": h.current_tokens()}))
}

/// Today's use of every endpoint with a daily limit, per app.
async fn quotas(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let day = shared.clock.day();
    let limits = &shared.config.daily_quotas;
    let used: Vec<_> = shared
        .state()
        .quota_used_on(day)
        .into_iter()
        .map(|(appid, path, used)| {
            let limit = limits.get(&path).copied();
            json!({"appid": appid, "path": path, "used": used, "limit": limit})
        })
        .collect();
    let mut limits: Vec<_> = limits.iter().collect();
    limits.sort();
    let limits: Vec<_> = limits
        .into_iter()
        .map(|(path, limit)| json!({"path": path, "limit": limit}))
        .collect();
    Json(json!({"day": day, "limits": limits, "used": used}))
}

async fn reset(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    handle(shared).reset();
    Json(json!({"ok": true}))
}

#[derive(Deserialize, Default)]
struct CodeRequest {
    appid: Option<String>,
    openid: Option<String>,
    phone: Option<String>,
}

fn body_or_default(body: Option<Json<CodeRequest>>) -> CodeRequest {
    body.map(|Json(b)| b).unwrap_or_default()
}

async fn login_code(
    State(shared): State<Arc<Shared>>,
    body: Option<Json<CodeRequest>>,
) -> Response {
    let req = body_or_default(body);
    let h = handle(shared.clone());
    let appid = req.appid.unwrap_or_else(|| h.default_appid().to_owned());
    let now = shared.now();
    let issued = shared.state().issue_login_code(&appid, req.openid, now);
    match issued {
        Ok((code, openid)) => {
            Json(json!({"code": code, "openid": openid, "appid": appid})).into_response()
        }
        Err(_) => bad_request(format!("unknown appid {appid}")),
    }
}

async fn phone_code(
    State(shared): State<Arc<Shared>>,
    body: Option<Json<CodeRequest>>,
) -> Response {
    let req = body_or_default(body);
    let h = handle(shared);
    let appid = req.appid.unwrap_or_else(|| h.default_appid().to_owned());
    let phone = req.phone.unwrap_or_else(|| "13800138000".to_owned());
    match h.issue_phone_code(&appid, &phone) {
        Ok(code) => Json(json!({"code": code, "phone": phone, "appid": appid})).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}

async fn clock(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    Json(json!({"now": shared.clock.now_secs(), "offset_secs": shared.clock.offset().as_secs()}))
}

#[derive(Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance(
    State(shared): State<Arc<Shared>>,
    Json(by): Json<Advance>,
) -> Json<serde_json::Value> {
    shared.clock.advance(Duration::from_secs(by.seconds));
    clock(State(shared)).await
}

/// `/sim/faults` body.
#[derive(Serialize, Deserialize, Default)]
struct FaultsJson {
    #[serde(default)]
    busy: f64,
    #[serde(default)]
    http_5xx: f64,
    #[serde(default)]
    drop: f64,
    #[serde(default)]
    latency_share: f64,
    #[serde(default)]
    latency_ms: u64,
}

async fn get_faults(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let f = handle(shared).faults();
    Json(json!(FaultsJson {
        busy: f.busy,
        http_5xx: f.http_5xx,
        drop: f.drop,
        latency_share: f.latency_share,
        latency_ms: u64::try_from(f.latency.as_millis()).unwrap_or(u64::MAX),
    }))
}

async fn set_faults(State(shared): State<Arc<Shared>>, Json(f): Json<FaultsJson>) -> Response {
    let shares = [f.busy, f.http_5xx, f.drop, f.latency_share];
    if shares.iter().any(|s| !(0.0..=1.0).contains(s)) {
        return bad_request("shares must be between 0 and 1");
    }
    handle(shared.clone()).set_faults(Faults {
        busy: f.busy,
        http_5xx: f.http_5xx,
        drop: f.drop,
        latency_share: f.latency_share,
        latency: Duration::from_millis(f.latency_ms),
    });
    get_faults(State(shared)).await.into_response()
}

#[derive(Deserialize)]
struct Interaction {
    appid: Option<String>,
    openid: String,
    #[serde(default)]
    kind: InteractionKind,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum InteractionKind {
    #[default]
    Message,
    EnterSession,
}

async fn interaction(State(shared): State<Arc<Shared>>, Json(i): Json<Interaction>) -> Response {
    let h = handle(shared);
    let appid = i.appid.unwrap_or_else(|| h.default_appid().to_owned());
    if h.apps().iter().all(|a| a.appid != appid) {
        return bad_request(format!("unknown appid {appid}"));
    }
    match i.kind {
        InteractionKind::Message => h.user_messaged(&appid, &i.openid),
        InteractionKind::EnterSession => h.user_entered_session(&appid, &i.openid),
    }
    Json(json!({"ok": true})).into_response()
}

#[derive(Deserialize)]
struct MediaRequest {
    appid: Option<String>,
    media_id: String,
}

/// Registers a user's image under `media_id` (a small PNG), as the push driver does.
async fn register_media(
    State(shared): State<Arc<Shared>>,
    Json(m): Json<MediaRequest>,
) -> Response {
    let h = handle(shared);
    let appid = m.appid.unwrap_or_else(|| h.default_appid().to_owned());
    let png = crate::png::code_image(&m.media_id, 64);
    match h.register_media(&appid, &m.media_id, "image/png", png) {
        Ok(()) => Json(json!({"media_id": m.media_id, "appid": appid})).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}
