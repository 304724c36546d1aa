//! [`Call`]: the description of one API request and how it may be retried.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;

/// The HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// A file to upload as a multipart form (e.g. temporary media).
#[derive(Clone)]
pub struct Upload {
    pub(crate) field: String,
    pub(crate) file_name: String,
    pub(crate) content_type: String,
    pub(crate) data: Bytes,
    pub(crate) fields: Vec<(String, String)>,
}

impl Upload {
    /// A file sent as the `media` part (WeChat's name for it) with its name and content type.
    pub fn media(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        Self {
            field: "media".to_owned(),
            file_name: file_name.into(),
            content_type: content_type.into(),
            data: data.into(),
            fields: Vec::new(),
        }
    }

    /// Uses another part name than `media`.
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field = name.into();
        self
    }

    /// Adds a plain text part (e.g. `description` for permanent video media).
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }
}

#[derive(Clone)]
pub(crate) enum Body {
    None,
    Json(Bytes),
    Multipart(Upload),
}

/// One API request: method, path, query, body, whether it needs the access token and whether it
/// may be repeated.
///
/// Retry rules (see [`ApiClient`](super::ApiClient)):
/// - token rejected (40001/40014/42001/41001): always refreshed and retried once, whatever the
///   call, because WeChat rejected the request before doing anything;
/// - busy (-1), HTTP 5xx, timeouts, broken connections: retried with backoff **only** for
///   idempotent calls;
/// - connect errors (no connection was made, so nothing was sent): retried for every call.
///
/// `Call::get` is idempotent by default, `Call::post` is not (mark read-only POST APIs with
/// [`Call::idempotent`]).
///
/// ```
/// use weixin_core::client::Call;
/// let call = Call::post("/cgi-bin/message/custom/send")
///     .json(&serde_json::json!({"touser": "openid", "msgtype": "text", "text": {"content": "hi"}}));
/// assert!(!call.is_idempotent());
/// let call = Call::get("/cgi-bin/user/info").query("openid", "o123");
/// assert!(call.is_idempotent());
/// ```
#[derive(Clone)]
pub struct Call {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) encode_error: Option<String>,
    pub(crate) with_token: bool,
    pub(crate) idempotent: bool,
    pub(crate) signable: bool,
    pub(crate) timeout: Option<Duration>,
}

impl Call {
    fn new(method: Method, path: &str, idempotent: bool) -> Self {
        Self {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: Body::None,
            encode_error: None,
            with_token: true,
            idempotent,
            signable: false,
            timeout: None,
        }
    }

    /// A GET call (idempotent by default).
    pub fn get(path: &str) -> Self {
        Self::new(Method::Get, path, true)
    }

    /// A POST call (not idempotent by default).
    pub fn post(path: &str) -> Self {
        Self::new(Method::Post, path, false)
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds every field of a flat struct as a query parameter (`None` fields skipped). A value
    /// that is not a flat struct is reported when the call is sent.
    pub fn query_of<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        match super::endpoint::query_pairs(query) {
            Ok(pairs) => self.query.extend(pairs),
            Err(e) => self.encode_error = Some(e),
        }
        self
    }

    /// Sets a JSON body. A serialization failure is reported when the call is sent.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(v) => self.body = Body::Json(Bytes::from(v)),
            Err(e) => self.encode_error = Some(e.to_string()),
        }
        self
    }

    /// Sets a multipart body (file upload).
    pub fn multipart(mut self, upload: Upload) -> Self {
        self.body = Body::Multipart(upload);
        self
    }

    /// Sends the call without `access_token` (e.g. `sns/jscode2session`, which takes appid and
    /// secret, or the token endpoints themselves).
    pub fn without_token(mut self) -> Self {
        self.with_token = false;
        self
    }

    /// Marks the call safe to repeat (reads, and writes WeChat deduplicates).
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Marks the call as "at most once": never repeated after a timeout or an ambiguous network
    /// error (sending a message, creating something).
    pub fn once(mut self) -> Self {
        self.idempotent = false;
        self
    }

    /// Marks a POST JSON call as one WeChat accepts encrypted and signed (the API's doc says
    /// "支持加密请求"): when the app has [`ApiSigning`](weixin_crypto::api_signing::ApiSigning)
    /// settings, the call goes out encrypted and signed and its answer must verify. Without
    /// settings, or for GET and uploads, it changes nothing.
    pub fn signable(mut self) -> Self {
        self.signable = true;
        self
    }

    /// Whether the call is sent encrypted and signed when the app has signing settings.
    pub fn is_signable(&self) -> bool {
        self.signable
    }

    /// Overrides the total timeout of each attempt (large uploads, slow downloads).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Whether the call may be repeated on busy, 5xx and network errors.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The API path as logged: leading `/`, no query string.
    pub fn endpoint(&self) -> String {
        let path = self.path.split('?').next().unwrap_or_default();
        format!("/{}", path.trim_start_matches('/'))
    }
}

// Debug shows no body and no query values: a body or query may carry a secret
// (`/cgi-bin/stable_token`, `/cgi-bin/token`, `sns/jscode2session`).
impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            Body::None => "none".to_owned(),
            Body::Json(b) => format!("json ({} bytes)", b.len()),
            Body::Multipart(u) => format!("multipart ({} bytes)", u.data.len()),
        };
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("endpoint", &self.endpoint())
            .field(
                "query",
                &self
                    .query
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body", &body)
            .field("with_token", &self.with_token)
            .field("idempotent", &self.idempotent)
            .field("signable", &self.signable)
            .finish()
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("field", &self.field)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish_non_exhaustive()
    }
}
