//! [`PushRequest`]: one HTTP request to the push URL, without any web framework.

use std::collections::HashMap;

use bytes::Bytes;

/// The HTTP method of a push request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushMethod {
    /// `GET`: URL verification (`echostr`).
    Get,
    /// `POST`: a push.
    Post,
    /// Anything else (answered with 405).
    Other,
}

impl From<&http::Method> for PushMethod {
    fn from(method: &http::Method) -> Self {
        if method == http::Method::GET {
            PushMethod::Get
        } else if method == http::Method::POST {
            PushMethod::Post
        } else {
            PushMethod::Other
        }
    }
}

/// The decoded query parameters of a push request.
///
/// Build it from the raw query string ([`Query::parse`], percent-decoding included) or from
/// already decoded pairs (`From<HashMap<String, String>>`, `FromIterator`). When a name repeats,
/// the first value counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string such as `signature=…&timestamp=…&nonce=…` (without the `?`).
    pub fn parse(raw: &str) -> Self {
        let raw = raw.strip_prefix('?').unwrap_or(raw);
        Self {
            pairs: url::form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl From<&str> for Query {
    fn from(raw: &str) -> Self {
        Query::parse(raw)
    }
}

impl From<HashMap<String, String>> for Query {
    fn from(map: HashMap<String, String>) -> Self {
        map.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Query {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            pairs: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

/// One request to the push URL: method, query and body.
///
/// ```
/// use weixin_push::pipeline::PushRequest;
/// let verify = PushRequest::get("signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492");
/// let push = PushRequest::post("signature=…&timestamp=…&nonce=…", "<xml>…</xml>");
/// # let _ = (verify, push);
/// ```
#[derive(Debug, Clone)]
pub struct PushRequest {
    pub(crate) method: PushMethod,
    pub(crate) query: Query,
    pub(crate) body: Bytes,
}

impl PushRequest {
    /// A request with every part given.
    pub fn new(method: PushMethod, query: impl Into<Query>, body: impl Into<Bytes>) -> Self {
        Self {
            method,
            query: query.into(),
            body: body.into(),
        }
    }

    /// A `GET` (URL verification) request.
    pub fn get(query: impl Into<Query>) -> Self {
        Self::new(PushMethod::Get, query, Bytes::new())
    }

    /// A `POST` (push) request.
    pub fn post(query: impl Into<Query>, body: impl Into<Bytes>) -> Self {
        Self::new(PushMethod::Post, query, body)
    }

    /// The method.
    pub fn method(&self) -> PushMethod {
        self.method
    }

    /// The query parameters.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}
