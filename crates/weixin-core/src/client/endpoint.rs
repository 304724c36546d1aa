//! [`Endpoint`] and [`Request`]: one API endpoint declared in one place.
//!
//! An endpoint is its method, path, the handle method that calls it, whether it may be repeated
//! and whether WeChat accepts it encrypted and signed. A [`Request`] ties a request type to its
//! endpoint and response type, so a typed handle method is one line:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use weixin_core::client::{ApiClient, Endpoint, Request};
//!
//! /// `POST cgi-bin/tags/create`: the body WeChat expects.
//! #[derive(Serialize)]
//! struct CreateTag<'a> {
//!     tag: Name<'a>,
//! }
//! #[derive(Serialize)]
//! struct Name<'a> {
//!     name: &'a str,
//! }
//! #[derive(Deserialize)]
//! struct Created {
//!     tag: serde_json::Value,
//! }
//!
//! impl Request for CreateTag<'_> {
//!     type Response = Created;
//!     const ENDPOINT: Endpoint = Endpoint::post("/cgi-bin/tags/create", "MyApi::create_tag");
//! }
//!
//! async fn create_tag(api: &ApiClient, name: &str) -> weixin_core::Result<serde_json::Value> {
//!     Ok(api.send(&CreateTag { tag: Name { name } }).await?.tag)
//! }
//! assert!(!CreateTag::ENDPOINT.is_idempotent());
//! ```

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::call::{Call, Method};

/// The fixed facts of one WeChat API endpoint.
///
/// Built in `const` context: [`Endpoint::get`] (idempotent) or [`Endpoint::post`] (at most
/// once), then [`Endpoint::idempotent`] for read-only or deduplicated POSTs, [`Endpoint::once`]
/// for GETs that use something up, [`Endpoint::signable`] for those WeChat accepts encrypted
/// and signed, and [`Endpoint::without_token`] for those called without `access_token`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    method: Method,
    path: &'static str,
    handle: &'static str,
    idempotent: bool,
    signable: bool,
    with_token: bool,
}

impl Endpoint {
    const fn new(method: Method, path: &'static str, handle: &'static str, once: bool) -> Self {
        Self {
            method,
            path,
            handle,
            idempotent: !once,
            signable: false,
            with_token: true,
        }
    }

    /// A GET endpoint, idempotent. `handle` names the method that calls it (for the coverage
    /// page), e.g. `"MpApi::user().info"`.
    pub const fn get(path: &'static str, handle: &'static str) -> Self {
        Self::new(Method::Get, path, handle, false)
    }

    /// A POST endpoint, sent at most once unless marked [`Endpoint::idempotent`].
    pub const fn post(path: &'static str, handle: &'static str) -> Self {
        Self::new(Method::Post, path, handle, true)
    }

    /// Marks the endpoint safe to repeat (reads, and writes WeChat deduplicates).
    pub const fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Marks the endpoint as sent at most once: for a GET that uses something up, such as the
    /// single-use code of `sns/oauth2/access_token` (a repeat after a lost answer would fail).
    pub const fn once(mut self) -> Self {
        self.idempotent = false;
        self
    }

    /// Marks the endpoint as one WeChat accepts encrypted and signed (its doc says
    /// "支持加密请求"); see [`Call::signable`].
    pub const fn signable(mut self) -> Self {
        self.signable = true;
        self
    }

    /// Marks the endpoint as called without `access_token` (login, the token endpoints).
    pub const fn without_token(mut self) -> Self {
        self.with_token = false;
        self
    }

    /// GET or POST.
    pub const fn method(&self) -> Method {
        self.method
    }

    /// The path, with a leading `/` and no query.
    pub const fn path(&self) -> &'static str {
        self.path
    }

    /// The handle method that calls this endpoint, e.g. `"MpApi::tags().create"`.
    pub const fn handle(&self) -> &'static str {
        self.handle
    }

    /// Whether the call may be repeated on busy, 5xx and network errors.
    pub const fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// Whether the call goes out encrypted and signed when the app has signing settings.
    pub const fn is_signable(&self) -> bool {
        self.signable
    }

    /// Whether the call carries `access_token`.
    pub const fn needs_token(&self) -> bool {
        self.with_token
    }

    /// A [`Call`] to this endpoint with its method, path and flags, and no parameters yet.
    pub fn call(&self) -> Call {
        let call = match self.method {
            Method::Get => Call::get(self.path),
            Method::Post => Call::post(self.path),
        };
        let call = if self.idempotent {
            call.idempotent()
        } else {
            call.once()
        };
        let call = if self.signable { call.signable() } else { call };
        if self.with_token {
            call
        } else {
            call.without_token()
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {} ({})", self.method, self.path, self.handle)
    }
}

/// A request to one endpoint: its body (POST) or query (GET) is the serialized value.
///
/// Send it with [`ApiClient::send`](super::ApiClient::send) (JSON answers) or
/// [`ApiClient::download`](super::ApiClient::download) (files, `Response = Download`). For an
/// errcode-only answer use `serde::de::IgnoredAny` as the response.
pub trait Request: Serialize {
    /// What a successful answer is decoded into.
    type Response;

    /// The endpoint this request goes to.
    const ENDPOINT: Endpoint;

    /// The call: the endpoint with this value as the JSON body (POST) or as the query string
    /// (GET, each field a parameter). Override for uploads or a query on a POST.
    fn call(&self) -> Call {
        let call = Self::ENDPOINT.call();
        match Self::ENDPOINT.method {
            Method::Get => call.query_of(self),
            Method::Post => call.json(self),
        }
    }
}

/// The query parameters of a serialized value: every field of a flat struct, `None` skipped.
pub(crate) fn query_pairs<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<(String, String)>, String> {
    let fields = match serde_json::to_value(value).map_err(|e| e.to_string())? {
        Value::Object(fields) => fields,
        Value::Null => return Ok(Vec::new()),
        other => return Err(format!("a query must be a struct, not {other}")),
    };
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let value = match value {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(format!("query parameter `{name}` must be a scalar"));
            }
        };
        pairs.push((name, value));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Info<'a> {
        openid: &'a str,
        lang: Option<&'a str>,
        page: u32,
    }

    impl Request for Info<'_> {
        type Response = Value;
        const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/user/info", "test");
    }

    #[derive(Serialize)]
    struct Send {
        touser: &'static str,
    }

    impl Request for Send {
        type Response = Value;
        const ENDPOINT: Endpoint = Endpoint::post("/cgi-bin/message/custom/send", "test")
            .signable()
            .without_token();
    }

    #[test]
    fn a_get_request_becomes_the_query() {
        let call = Info {
            openid: "o1",
            lang: None,
            page: 2,
        }
        .call();
        assert_eq!(
            call.query,
            vec![
                ("openid".to_owned(), "o1".to_owned()),
                ("page".to_owned(), "2".to_owned())
            ]
        );
        assert!(call.is_idempotent());
        assert!(!call.is_signable());
        assert!(call.with_token);
        assert!(matches!(call.body, super::super::call::Body::None));
    }

    #[test]
    fn a_post_request_becomes_the_body_with_the_endpoint_flags() {
        let call = Send { touser: "o1" }.call();
        assert_eq!(call.method, Method::Post);
        assert_eq!(call.endpoint(), "/cgi-bin/message/custom/send");
        assert!(!call.is_idempotent());
        assert!(call.is_signable());
        assert!(!call.with_token);
        match call.body {
            super::super::call::Body::Json(b) => assert_eq!(&b[..], br#"{"touser":"o1"}"#),
            _ => panic!("expected a JSON body"),
        }
    }

    #[test]
    fn a_get_marked_once_is_not_repeated() {
        const CODE: Endpoint = Endpoint::get("/sns/oauth2/access_token", "test")
            .once()
            .without_token();
        assert!(!CODE.is_idempotent());
        assert!(!CODE.call().is_idempotent());
        assert_eq!(CODE.method(), Method::Get);
    }

    #[test]
    fn a_nested_query_is_an_encode_error_not_a_panic() {
        #[derive(Serialize)]
        struct Nested {
            a: Vec<u8>,
        }
        impl Request for Nested {
            type Response = Value;
            const ENDPOINT: Endpoint = Endpoint::get("/x", "test");
        }
        let call = Nested { a: vec![1] }.call();
        assert!(call.encode_error.unwrap().contains("`a`"));
    }
}
