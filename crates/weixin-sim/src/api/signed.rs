//! Server-API signing on the signable endpoints: for an app with signing on, a request must be
//! signed and encrypted (else 40230–40240, as WeChat answers), and the answer is encrypted and
//! signed with the platform key.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use weixin_crypto::api_signing::{
    HEADER_APPID, HEADER_SERIAL, HEADER_SIGNATURE, PlatformSigning, SignedHeaders,
};

use super::{BODY_LIMIT, token_of};
use crate::signing::{SIGNABLE_PATHS, SigningFault, errmsg};
use crate::state::Shared;
use crate::wx_error::WxError;

/// Seconds a [`SigningFault::StaleTimestamp`] answer is dated back.
const STALE_BY_SECS: i64 = 600;

pub(crate) async fn enforce(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    if !SIGNABLE_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    // The token names the app; a bad token is the handler's to refuse (40001, 42001, …).
    let token = token_of(req.uri().query());
    let appid = {
        let state = shared.state();
        state.check_token(&shared.config, token.as_deref(), shared.now())
    };
    let Ok(appid) = appid else {
        return next.run(req).await;
    };
    let platform = shared.state().app(&appid).and_then(|a| a.signing());
    let Some(platform) = platform else {
        if SignedHeaders::from_lookup(|name| header_str(req.headers(), name)).is_signed() {
            return WxError::new(
                40238,
                "API_NoExist_DevSecretSym: API security is not set up for this app",
            )
            .into_response();
        }
        return next.run(req).await;
    };
    let url_path = url_path(&req, &path);
    let (mut parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, BODY_LIMIT).await else {
        return WxError::data_format().into_response();
    };
    let headers = SignedHeaders::from_lookup(|name| header_str(&parts.headers, name));
    if let Some(found) = headers.appid
        && found != appid
        && headers.signature.is_some()
    {
        return WxError::new(
            40237,
            format!("API_Invalid_Wechatmp_Appidmatch: Wechatmp-Appid {found:?} is not the access token's app"),
        )
        .into_response();
    }
    let now = now_secs();
    let fields = match platform.open_request(&url_path, &headers, &body, now) {
        Ok(fields) => fields,
        Err(e) => return WxError::new(e.platform_errcode(), errmsg(&e)).into_response(),
    };
    shared.state().count_signed_call(&path);
    let plain = serde_json::to_vec(&fields).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    let answer = next
        .run(Request::from_parts(parts, Body::from(plain)))
        .await;
    let fault = shared.fault_state().signing;
    seal_answer(&platform, &url_path, now, fault, answer).await
}

/// Encrypts and signs a JSON answer (anything else passes as it is).
async fn seal_answer(
    platform: &PlatformSigning,
    url_path: &str,
    now: i64,
    fault: SigningFault,
    answer: Response,
) -> Response {
    let (mut parts, body) = answer.into_parts();
    let Ok(body) = to_bytes(body, BODY_LIMIT).await else {
        return WxError::busy().into_response();
    };
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return Response::from_parts(parts, Body::from(body));
    };
    let timestamp = if fault == SigningFault::StaleTimestamp {
        now - STALE_BY_SECS
    } else {
        now
    };
    let sealed = match platform.seal_response(url_path, timestamp, &fields) {
        Ok(sealed) => sealed,
        Err(e) => return WxError::new(40235, errmsg(&e)).into_response(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in sealed.headers {
        let value = spoil(fault, name, value);
        if let Ok(value) = HeaderValue::from_str(&value) {
            parts.headers.insert(name, value);
        }
    }
    Response::from_parts(parts, Body::from(sealed.body))
}

/// The header's value under `fault`.
fn spoil(fault: SigningFault, name: &str, value: String) -> String {
    match (fault, name) {
        (SigningFault::BadSignature, HEADER_SIGNATURE) => {
            // Another valid-looking signature: the first base64 digit changed.
            let mut chars: Vec<char> = value.chars().collect();
            if let Some(c) = chars.first_mut() {
                *c = if *c == 'A' { 'B' } else { 'A' };
            }
            chars.into_iter().collect()
        }
        (SigningFault::UnknownSerial, HEADER_SERIAL) => {
            "00000000000000000000000000000000".to_owned()
        }
        (SigningFault::OtherAppid, HEADER_APPID) => "wx0000000000000000".to_owned(),
        _ => value,
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The URL called, without its query: `http://<host><path>`.
fn url_path(req: &Request, path: &str) -> String {
    let host = header_str(req.headers(), header::HOST.as_str())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    format!("http://{host}{path}")
}

/// The wall clock, not the simulator's: [`crate::SimHandle::advance`] models time passing for
/// WeChat and the app alike, while the timestamp check is about their clocks disagreeing.
fn now_secs() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}
