//! `wxa/generatescheme`, `wxa/generate_urllink`, `wxa/genwxashortlink`.

use std::sync::Arc;

use axum::extract::{Query, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Params, authorize, json_body, str_field};
use crate::rng::ALNUM;
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError, ok_json};

const QUERY_SPECIALS: &str = "!#$&'()*+,/:;=?@-._~%";
const MAX_VALIDITY_SECS: u64 = 30 * 86_400;

fn check_path_query(path: &str, query: &str) -> Result<(), WxError> {
    if path.starts_with('/') || path.contains('?') {
        return Err(WxError::new(40165, "invalid weapp pagepath"));
    }
    let query_ok = query.chars().count() <= 1024
        && query
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || QUERY_SPECIALS.contains(c));
    if !query_ok {
        return Err(WxError::new(40212, "invalid query"));
    }
    Ok(())
}

/// `expire_type` 0 (the default): `expire_time`, required, within 1 minute .. 30 days; 1:
/// `expire_interval` 1..=30 days. Permanent links are no longer issued.
fn check_expiry(body: &Value, now_secs: u64) -> Result<(), WxError> {
    let bad = || WxError::new(85401, "time limit between 1min and 30days");
    match body.get("expire_type").and_then(Value::as_u64).unwrap_or(0) {
        1 => match body.get("expire_interval").and_then(Value::as_u64) {
            Some(1..=30) => Ok(()),
            _ => Err(bad()),
        },
        _ => match body.get("expire_time").and_then(Value::as_u64) {
            None => Err(WxError::new(
                47001,
                "data format error hint: expire_time is required when expire_type is 0",
            )),
            Some(t) if t >= now_secs + 60 && t <= now_secs + MAX_VALIDITY_SECS => Ok(()),
            Some(_) => Err(bad()),
        },
    }
}

fn link_id(shared: &Shared, len: usize) -> String {
    let mut state = shared.state();
    let n = state.next_u64();
    let mut rng = crate::rng::SplitMix64::new(n);
    rng.string(ALNUM, len)
}

pub(super) async fn scheme(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/wxa/generatescheme")?;
    let body = json_body(&body)?;
    let jump = body.get("jump_wxa").cloned().unwrap_or(Value::Null);
    check_path_query(str_field(&jump, "path"), str_field(&jump, "query"))?;
    check_expiry(&body, shared.now() / 1000)?;
    let openlink = format!("weixin://dl/business/?t={}", link_id(&shared, 11));
    Ok(ok_json(json!({"openlink": openlink})))
}

pub(super) async fn url_link(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/wxa/generate_urllink")?;
    let body = json_body(&body)?;
    check_path_query(str_field(&body, "path"), str_field(&body, "query"))?;
    check_expiry(&body, shared.now() / 1000)?;
    let url_link = format!("https://wxaurl.cn/{}", link_id(&shared, 11));
    Ok(ok_json(json!({"url_link": url_link})))
}

pub(super) async fn short_link(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/wxa/genwxashortlink")?;
    let body = json_body(&body)?;
    let page_url = str_field(&body, "page_url");
    if page_url.is_empty() || page_url.starts_with('/') {
        return Err(WxError::new(40165, "invalid weapp pagepath"));
    }
    let link = format!("#小程序://Simulator/{}", link_id(&shared, 12));
    Ok(ok_json(json!({"link": link})))
}
