//! The quota and debugging calls: `openapi/quota/get`, `openapi/quota/clear`, `clear_quota`,
//! `clear_quota/v2` and `openapi/rid/get` (with the layer that remembers error answers by rid).

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::{BODY_LIMIT, Params, authorize, json_body, str_field, token_of};
use crate::listener::ConnKill;
use crate::state::{RidRecord, Shared};
use crate::wx_error::{ApiResult, IssuedRid, WxError, ok_json};

/// Whole-account quota clears allowed per app and calendar month.
const CLEARS_PER_MONTH: u32 = 10;
/// The daily limit reported for endpoints without a configured one.
const UNLISTED_DAILY_LIMIT: u64 = 10_000_000;
/// The most of a request body `openapi/rid/get` reports.
const RID_BODY_MAX: usize = 4096;

/// The `cgi_path` of a quota call: 76003 without a leading `/`, 76022 for `sns` paths (not
/// counted), 76021 for what is not an API path.
fn cgi_path(body: &Value) -> Result<&str, WxError> {
    let path = str_field(body, "cgi_path");
    if path.is_empty() {
        return Err(WxError::new(41001, "cgi_path missing"));
    }
    if !path.starts_with('/') {
        return Err(WxError::new(76003, "cgi_path must start with /"));
    }
    if path.starts_with("/sns/") || path.contains("/sns/") {
        return Err(WxError::new(
            76022,
            "could not use this cgi_path,no permission",
        ));
    }
    if !(path.starts_with("/cgi-bin/") || path.starts_with("/wxa/") || path.starts_with("/wxaapi/"))
    {
        return Err(WxError::new(76021, "cgi_path not found, please check"));
    }
    Ok(path)
}

pub(super) async fn quota_get(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/openapi/quota/get")?;
    let body = json_body(&body)?;
    let path = cgi_path(&body)?;
    let limit = shared
        .config
        .daily_quotas
        .get(path)
        .copied()
        .unwrap_or(UNLISTED_DAILY_LIMIT);
    let used = shared.state().quota_used(&appid, path, shared.clock.day());
    Ok(ok_json(json!({
        "quota": {"daily_limit": limit, "used": used, "remain": limit.saturating_sub(used)}
    })))
}

pub(super) async fn quota_clear_one(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/openapi/quota/clear")?;
    let body = json_body(&body)?;
    let path = cgi_path(&body)?;
    let day = shared.clock.day();
    shared.state().clear_quota(&appid, Some(path), day);
    Ok(ok_json(json!({})))
}

pub(super) async fn clear_quota(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let token_appid = authorize(&shared, &q, "/cgi-bin/clear_quota")?;
    let body = json_body(&body)?;
    let appid = str_field(&body, "appid");
    if appid != token_appid {
        return Err(WxError::invalid_appid());
    }
    clear_all(&shared, appid)
}

/// `clear_quota/v2`: the appid and secret instead of a token (in the body, or the query).
pub(super) async fn clear_quota_v2(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        json_body(&body)?
    };
    let field = |name: &str| {
        let v = str_field(&body, name);
        if v.is_empty() {
            q.get(name).cloned().unwrap_or_default()
        } else {
            v.to_owned()
        }
    };
    let (appid, secret) = (field("appid"), field("appsecret"));
    if appid.is_empty() {
        return Err(WxError::new(41002, "appid missing"));
    }
    if secret.is_empty() {
        return Err(WxError::new(41004, "appsecret missing"));
    }
    shared.state().check_secret(&appid, &secret)?;
    clear_all(&shared, &appid)
}

fn clear_all(shared: &Shared, appid: &str) -> ApiResult {
    let day = shared.clock.day();
    let mut state = shared.state();
    state.spend_quota_clear(appid, month_of(day), CLEARS_PER_MONTH)?;
    state.clear_quota(appid, None, day);
    Ok(ok_json(json!({})))
}

pub(super) async fn rid_get(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/openapi/rid/get")?;
    let body = json_body(&body)?;
    let rid = str_field(&body, "rid");
    if rid.is_empty() {
        return Err(WxError::new(41001, "rid missing"));
    }
    let state = shared.state();
    // Only the app's own calls can be looked up.
    let rec = state
        .rid(rid)
        .filter(|r| r.appid.as_deref() == Some(appid.as_str()))
        .ok_or_else(|| WxError::new(76200, "rid not found"))?;
    Ok(ok_json(json!({
        "request": {
            "invoke_time": rec.invoke_time,
            "cost_in_ms": rec.cost_in_ms,
            "request_url": rec.request_url,
            "request_body": rec.request_body,
            "response_body": rec.response_body,
            "client_ip": rec.client_ip,
        }
    })))
}

/// Remembers every error answer of an API route by its rid.
pub(crate) async fn record_rids(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    // Kept cheaply (reference counts); the record is only built for an error answer.
    let conn = req
        .extensions()
        .get::<ConnectInfo<ConnKill>>()
        .map(|ConnectInfo(conn)| conn.clone());
    let uri = req.uri().clone();
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, BODY_LIMIT).await else {
        return axum::response::IntoResponse::into_response(WxError::data_format());
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    if let Some(issued) = response.extensions().get::<IssuedRid>() {
        let query = uri.query().unwrap_or("");
        // The query as WeChat shows it: without the token.
        let shown: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k != "access_token")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let request_url = if shown.is_empty() {
            uri.path().to_owned()
        } else {
            format!("{}?{}", uri.path(), shown.join("&"))
        };
        let now = shared.now();
        let mut state = shared.state();
        let appid = state
            .check_token(&shared.config, token_of(Some(query)).as_deref(), now)
            .ok();
        state.record_rid(RidRecord {
            rid: issued.rid.clone(),
            appid,
            invoke_time: now / 1000,
            cost_in_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            request_url,
            request_body: String::from_utf8_lossy(&body[..body.len().min(RID_BODY_MAX)])
                .into_owned(),
            response_body: issued.body.clone(),
            client_ip: conn.map(|c| c.peer_ip()).unwrap_or_default(),
        });
    }
    response
}

/// The calendar month (years · 12 + month) of a day number since the Unix epoch.
fn month_of(day: u64) -> u64 {
    // Civil-from-days (proleptic Gregorian), for days since 1970-01-01.
    let z = i64::try_from(day).unwrap_or(i64::MAX / 2) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    u64::try_from(year * 12 + month - 1).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::month_of;

    #[test]
    fn months_follow_the_calendar() {
        assert_eq!(month_of(0), 1970 * 12); // 1970-01-01
        assert_eq!(month_of(30), 1970 * 12); // 1970-01-31
        assert_eq!(month_of(31), 1970 * 12 + 1); // 1970-02-01
        assert_eq!(month_of(20_454), 2026 * 12); // 2026-01-01
        assert_eq!(month_of(20_512), 2026 * 12 + 1); // 2026-02-28
        assert_eq!(month_of(20_513), 2026 * 12 + 2); // 2026-03-01
    }
}
