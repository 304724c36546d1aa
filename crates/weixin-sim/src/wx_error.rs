//! WeChat-style error answers: HTTP 200 with `{"errcode":N,"errmsg":"… rid: …"}`.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error the simulator answers with, as WeChat would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WxError {
    pub(crate) code: i64,
    pub(crate) msg: String,
    pub(crate) status: StatusCode,
}

impl WxError {
    pub(crate) fn new(code: i64, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            status: StatusCode::OK,
        }
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn busy() -> Self {
        Self::new(-1, "system error")
    }
    pub(crate) fn invalid_credential() -> Self {
        Self::new(
            40001,
            "invalid credential, access_token is invalid or not latest",
        )
    }
    pub(crate) fn expired() -> Self {
        Self::new(42001, "access_token expired")
    }
    pub(crate) fn token_missing() -> Self {
        Self::new(41001, "access_token missing")
    }
    pub(crate) fn invalid_appid() -> Self {
        Self::new(40013, "invalid appid")
    }
    pub(crate) fn invalid_secret() -> Self {
        Self::new(40125, "invalid appsecret")
    }
    pub(crate) fn quota() -> Self {
        Self::new(45009, "reach max api daily quota limit")
    }
    pub(crate) fn data_format() -> Self {
        Self::new(47001, "data format error")
    }
    pub(crate) fn invalid_url() -> Self {
        Self::new(40066, "invalid url").with_status(StatusCode::NOT_FOUND)
    }
}

static RID: AtomicU64 = AtomicU64::new(0x6630_be4c);

/// A fresh `rid` like WeChat's (`xxxxxxxx-xxxxxxxx-xxxxxxxx`).
pub(crate) fn rid() -> String {
    let n = RID.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-{:08x}-{:08x}",
        n & 0xffff_ffff,
        n.wrapping_mul(0x9E37) & 0xffff_ffff,
        0x5151_5151u32
    )
}

/// Set on every error answer, so `openapi/rid/get` can find it by its rid.
#[derive(Debug, Clone)]
pub(crate) struct IssuedRid {
    pub(crate) rid: String,
    /// The answer's JSON text.
    pub(crate) body: String,
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        let rid = rid();
        let body = json!({
            "errcode": self.code,
            "errmsg": format!("{} rid: {}", self.msg, rid),
        });
        let issued = IssuedRid {
            rid,
            body: body.to_string(),
        };
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(issued);
        response
    }
}

/// Handler result: a JSON success body or a WeChat error.
pub(crate) type ApiResult = Result<Response, WxError>;

/// `{"errcode":0,"errmsg":"ok", …extra}`.
pub(crate) fn ok_json(extra: serde_json::Value) -> Response {
    let mut body = json!({"errcode": 0, "errmsg": "ok"});
    if let (Some(obj), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
        obj.extend(extra);
    }
    Json(body).into_response()
}
