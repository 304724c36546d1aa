//! `GET sns/jscode2session`.

use std::sync::Arc;

use axum::extract::{Query, State};
use serde_json::json;

use super::Params;
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError};

pub(super) async fn code2session(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
) -> ApiResult {
    let get = |k: &str| q.get(k).map_or("", String::as_str);
    let (appid, secret, code) = (get("appid"), get("secret"), get("js_code"));
    if appid.is_empty() {
        return Err(WxError::new(41002, "appid missing"));
    }
    if secret.is_empty() {
        return Err(WxError::new(41004, "appsecret missing"));
    }
    if !matches!(get("grant_type"), "" | "authorization_code") {
        return Err(WxError::new(40002, "invalid grant_type"));
    }
    let now = shared.now();
    let mut state = shared.state();
    state.check_secret(appid, secret)?;
    state.take_quota(
        &shared.config,
        appid,
        "/sns/jscode2session",
        shared.clock.day(),
    )?;
    let (openid, session_key, unionid) = state.code2session(&shared.config, appid, code, now)?;
    let mut body = json!({"openid": openid, "session_key": session_key});
    if let (Some(u), Some(obj)) = (unionid, body.as_object_mut()) {
        obj.insert("unionid".to_owned(), json!(u));
    }
    Ok(axum::response::IntoResponse::into_response(axum::Json(
        body,
    )))
}
