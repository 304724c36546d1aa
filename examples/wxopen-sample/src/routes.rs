//! `POST /wxopen/login`, `POST /wxopen/decrypt` and `GET /healthz`.
//!
//! | request | answer |
//! |---|---|
//! | `POST /wxopen/login` `{"code"}` | `{"session_id","expires_in"}` |
//! | `POST /wxopen/decrypt` `{"session_id","encrypted_data","iv"}` | the decrypted JSON (watermark appid and age, and `openId`, checked) |
//! | `GET /healthz` | `{"status":"ok","cache":"memory"}` |
//!
//! Errors are `{"error": "..."}` with 400 (bad request, bad code; data that fails any decryption
//! check gets the one message [`DECRYPT_FAILED`], the reason goes to the log),
//! 401 (unknown or expired session: log in again), 429 (login rate limit), 502 (WeChat failed)
//! or 503 (the cache failed). No answer contains a session key.

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Json, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;
use weixin::mini_program::{SessionContainer, SessionError};

/// The state of these routes.
#[derive(Debug, Clone)]
pub struct RouteState {
    /// The login sessions.
    pub sessions: SessionContainer,
    /// The cache backend's name, shown by `/healthz`.
    pub cache: &'static str,
}

/// The router of the three endpoints.
pub fn router(state: RouteState) -> Router {
    Router::new()
        .route("/wxopen/login", post(login))
        .route("/wxopen/decrypt", post(decrypt))
        .route("/healthz", get(healthz))
        .with_state(state)
}

/// The body of `POST /wxopen/login`.
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    /// The code of `wx.login`.
    pub code: String,
}

/// The answer of `POST /wxopen/login`.
#[derive(Debug, Serialize, Deserialize)]
pub struct LoginResponse {
    /// The opaque session id for later requests and the WebSocket.
    pub session_id: String,
    /// Seconds until it expires unless used.
    pub expires_in: u64,
}

/// The body of `POST /wxopen/decrypt`.
#[derive(Debug, Deserialize)]
pub struct DecryptRequest {
    /// From `POST /wxopen/login`.
    pub session_id: String,
    /// `encryptedData` as the mini program got it.
    pub encrypted_data: String,
    /// `iv` as the mini program got it.
    pub iv: String,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn bad_body(rejection: &JsonRejection) -> Response {
    error(StatusCode::BAD_REQUEST, rejection.body_text())
}

/// The one answer to every decryption failure: which check failed is only in the log, so the
/// answers do not help anyone probe keys, ivs or watermarks.
pub const DECRYPT_FAILED: &str =
    "the data could not be decrypted: get it from WeChat again and retry";

fn session_error(e: &SessionError) -> Response {
    if e.is_decrypt_failure() {
        // Debug escapes what the data put into the error (a foreign appid, say).
        tracing::info!(error = ?e, "decrypt refused");
        return error(StatusCode::BAD_REQUEST, DECRYPT_FAILED);
    }
    let status = match e {
        SessionError::InvalidSessionId | SessionError::SessionNotFound => StatusCode::UNAUTHORIZED,
        SessionError::InvalidCode | SessionError::CodeUsed | SessionError::CodeBlocked => {
            StatusCode::BAD_REQUEST
        }
        SessionError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        SessionError::Cache(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_GATEWAY,
    };
    if status.is_server_error() {
        tracing::warn!(error = %e, "session request failed");
    }
    error(status, e.to_string())
}

async fn login(
    State(state): State<RouteState>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Response {
    let Json(request) = match body {
        Ok(body) => body,
        Err(rejection) => return bad_body(&rejection),
    };
    if request.code.trim().is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "`code` is empty: send the code of wx.login",
        );
    }
    match state.sessions.login(request.code.trim()).await {
        Ok(session) => Json(LoginResponse {
            session_id: session.id,
            expires_in: session.expires_in,
        })
        .into_response(),
        Err(e) => session_error(&e),
    }
}

async fn decrypt(
    State(state): State<RouteState>,
    body: Result<Json<DecryptRequest>, JsonRejection>,
) -> Response {
    let Json(request) = match body {
        Ok(body) => body,
        Err(rejection) => return bad_body(&rejection),
    };
    match state
        .sessions
        .decrypt(&request.session_id, &request.encrypted_data, &request.iv)
        .await
    {
        Ok(data) => Json(data).into_response(),
        Err(e) => session_error(&e),
    }
}

async fn healthz(State(state): State<RouteState>) -> Response {
    Json(json!({ "status": "ok", "cache": state.cache })).into_response()
}
