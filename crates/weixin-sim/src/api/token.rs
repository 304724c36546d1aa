//! `GET cgi-bin/token` and `POST cgi-bin/stable_token`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Params, json_body, str_field};
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError};

fn check_grant(appid: &str, secret: &str, grant_type: &str) -> Result<(), WxError> {
    if appid.is_empty() {
        return Err(WxError::new(41002, "appid missing"));
    }
    if secret.is_empty() {
        return Err(WxError::new(41004, "appsecret missing"));
    }
    if grant_type != "client_credential" {
        return Err(WxError::new(40002, "invalid grant_type"));
    }
    Ok(())
}

fn token_json(token: String, expires_in: u64) -> Response {
    Json(json!({"access_token": token, "expires_in": expires_in})).into_response()
}

pub(super) async fn classic(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
) -> ApiResult {
    let get = |k: &str| q.get(k).map_or("", String::as_str);
    let (appid, secret) = (get("appid"), get("secret"));
    check_grant(appid, secret, get("grant_type"))?;
    let now = shared.now();
    let mut state = shared.state();
    state.check_secret(appid, secret)?;
    state.take_quota(&shared.config, appid, "/cgi-bin/token", shared.clock.day())?;
    let (token, expires_in) = state.classic_token(&shared.config, appid, now);
    Ok(token_json(token, expires_in))
}

pub(super) async fn stable(State(shared): State<Arc<Shared>>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let (appid, secret) = (str_field(&body, "appid"), str_field(&body, "secret"));
    check_grant(appid, secret, str_field(&body, "grant_type"))?;
    let force = body
        .get("force_refresh")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let now = shared.now();
    let mut state = shared.state();
    state.check_secret(appid, secret)?;
    state.take_quota(
        &shared.config,
        appid,
        "/cgi-bin/stable_token",
        shared.clock.day(),
    )?;
    let (token, expires_in) = state.stable_token(&shared.config, appid, force, now)?;
    Ok(token_json(token, expires_in))
}
