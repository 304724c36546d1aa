//! [`Error`]: the one error type of `weixin-core`, with predicates in the style of reqwest.

use std::fmt;

use crate::cache::{CacheError, CacheErrorKind};
use crate::errcode::ErrCode;

/// A `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong calling WeChat, managing tokens or talking to the cache.
///
/// No variant ever contains a secret or an access token: endpoints are paths without the query
/// string, transport errors have their URL removed, and body excerpts are redacted.
///
/// Check what happened with the predicates rather than matching on variants:
///
/// ```
/// use weixin_core::{ErrCode, Error};
/// let err = Error::Api {
///     code: ErrCode::from_code(45009),
///     message: "reach max api daily quota limit".into(),
///     endpoint: "/cgi-bin/message/custom/send".into(),
/// };
/// assert!(err.is_quota_exceeded());
/// assert!(!err.is_retryable());
/// assert_eq!(err.api_code(), Some(ErrCode::DailyQuotaExceeded));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// WeChat answered with `errcode != 0`. `message` is WeChat's `errmsg` (with its `rid`, which
    /// WeChat support asks for); `endpoint` is the API path.
    #[error("WeChat API {endpoint} failed with errcode {}: {message} ({})", code.code(), code.description())]
    Api {
        /// The errcode.
        code: ErrCode,
        /// WeChat's errmsg, verbatim.
        message: String,
        /// The API path, e.g. `/cgi-bin/message/custom/send`.
        endpoint: String,
    },
    /// The HTTP exchange failed (DNS, connect, TLS, connection reset...). Check the network and
    /// the API base URL; idempotent calls were already retried.
    #[error("HTTP request to {endpoint} failed: {source}")]
    Http {
        /// The API path.
        endpoint: String,
        /// The underlying transport error (its URL removed).
        #[source]
        source: TransportError,
    },
    /// The request did not finish within the configured timeout. A non-idempotent call (e.g. a
    /// customer-service message) may or may not have been executed by WeChat and is not retried.
    #[error("request to {endpoint} timed out")]
    Timeout {
        /// The API path.
        endpoint: String,
    },
    /// WeChat (or a proxy in between) answered a non-success HTTP status without a JSON error.
    #[error("{endpoint} answered HTTP status {status}")]
    Status {
        /// The API path.
        endpoint: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The response body was not what the endpoint should return. `excerpt` is a short, redacted
    /// view of the body (JSON keys only, or the start of a text body with token-like words masked).
    #[error("unexpected response from {endpoint}: {message} (body: {excerpt})")]
    Decode {
        /// The API path.
        endpoint: String,
        /// What did not match (redacted).
        message: String,
        /// A short redacted excerpt of the body.
        excerpt: String,
    },
    /// The request could not be built (its body failed to serialize, or a header value was bad).
    #[error("could not build the request for {endpoint}: {message}")]
    Encode {
        /// The API path.
        endpoint: String,
        /// What failed.
        message: String,
    },
    /// Server-API signing failed: the request could not be sealed (`request_sent: false`), or
    /// the answer did not verify (`request_sent: true`: the request reached the network, WeChat
    /// may have executed it, and it is never resent automatically). `source` says why.
    #[error("signed call to {endpoint} failed{}: {source}", if *request_sent { " (the request was sent; its outcome is unknown)" } else { "" })]
    Signing {
        /// The API path.
        endpoint: String,
        /// Whether the request was sent.
        request_sent: bool,
        /// What failed.
        #[source]
        source: weixin_crypto::api_signing::ApiSigningError,
    },
    /// The shared cache or lock backend failed.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// The SDK is misconfigured (unknown appid, empty secret, bad base URL...). Fix the settings.
    #[error("configuration error: {0}")]
    Config(String),
    /// No token could be obtained: the distributed lock could not be taken within the wait and no
    /// usable token was in the cache, or a token response was invalid. Usually transient.
    #[error("no {kind} available for app {appid}: {reason}")]
    TokenUnavailable {
        /// The appid.
        appid: String,
        /// `access_token` or `jsapi_ticket`.
        kind: &'static str,
        /// Why.
        reason: String,
    },
    /// The shared cache is unreachable and this process holds no valid token to fall back on.
    /// Returned instead of fetching in classic `/cgi-bin/token` mode (and for JS-SDK tickets):
    /// a fetch without the distributed lock would replace the token every other server is
    /// using (a token war). Stable-token mode fetches instead. Transient: retry once the cache
    /// is back.
    #[error(
        "the shared cache is unavailable and this process holds no valid {kind} for app {appid}: {source}"
    )]
    CacheUnavailable {
        /// The appid.
        appid: String,
        /// `access_token` or `jsapi_ticket`.
        kind: &'static str,
        /// The cache failure.
        #[source]
        source: CacheError,
    },
}

impl Error {
    /// The WeChat errcode, if WeChat answered with one.
    pub fn api_code(&self) -> Option<ErrCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The request id WeChat put in its `errmsg` (`… rid: 6123abcd-…`), which WeChat support
    /// asks for and `openapi/rid/get` looks up.
    ///
    /// ```
    /// use weixin_core::{ErrCode, Error};
    ///
    /// let err = Error::Api {
    ///     code: ErrCode::from_code(45009),
    ///     message: "reach max api daily quota limit rid: 5f8d6c2e-1a2b3c4d-5e6f7a8b".into(),
    ///     endpoint: "/cgi-bin/message/custom/send".into(),
    /// };
    /// assert_eq!(err.rid(), Some("5f8d6c2e-1a2b3c4d-5e6f7a8b"));
    /// ```
    pub fn rid(&self) -> Option<&str> {
        let Self::Api { message, .. } = self else {
            return None;
        };
        let (_, after) = message.rsplit_once("rid: ")?;
        let rid = after.split_whitespace().next()?;
        Some(rid)
    }

    /// The access token was rejected (40001, 40014, 42001, 41001).
    pub fn is_token_invalid(&self) -> bool {
        self.api_code().is_some_and(ErrCode::is_token_invalid)
    }

    /// Trying again later may succeed: system busy (-1), HTTP 5xx, timeouts, transport errors,
    /// transient cache failures, a token lock that could not be taken in time.
    ///
    /// Whether a retry is *safe* is another question: a non-idempotent call that timed out may
    /// already have been executed. The [`ApiClient`](crate::client::ApiClient) only retries
    /// idempotent calls on these.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { code, .. } => code.is_retryable(),
            Self::Status { status, .. } => *status >= 500,
            Self::Timeout { .. }
            | Self::Http { .. }
            | Self::TokenUnavailable { .. }
            | Self::CacheUnavailable { .. } => true,
            Self::Cache(e) => e.is_transient(),
            _ => false,
        }
    }

    /// The request (or a cache operation) timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Cache(e) => e.kind() == CacheErrorKind::Timeout,
            _ => false,
        }
    }

    /// The connection to the API host could not be established (nothing was sent).
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Http { source, .. } if source.is_connect())
    }

    /// The request may have been executed by WeChat although no usable answer came back: a
    /// timeout, a connection broken after sending, or a signed answer that did not verify.
    /// Check before repeating a call that must not happen twice (a message send).
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Http { source, .. } => !source.is_connect(),
            Self::Signing { request_sent, .. } => *request_sent,
            _ => false,
        }
    }

    /// The daily quota of the API is exhausted (45009).
    pub fn is_quota_exceeded(&self) -> bool {
        self.api_code().is_some_and(ErrCode::is_quota_exceeded)
    }

    /// A configuration problem: [`Error::Config`] or a config errcode (bad appid or secret,
    /// frozen secret, IP not whitelisted...).
    pub fn is_config(&self) -> bool {
        matches!(self, Self::Config(_)) || self.api_code().is_some_and(ErrCode::is_config_error)
    }

    /// The API path the error is about, when there is one.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            Self::Api { endpoint, .. }
            | Self::Http { endpoint, .. }
            | Self::Timeout { endpoint }
            | Self::Status { endpoint, .. }
            | Self::Decode { endpoint, .. }
            | Self::Encode { endpoint, .. }
            | Self::Signing { endpoint, .. } => Some(endpoint),
            _ => None,
        }
    }

    /// A short stable name of the error kind, for metrics and the error hook.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Api { .. } => "api",
            Self::Http { source, .. } if source.is_connect() => "connect",
            Self::Http { .. } => "http",
            Self::Timeout { .. } => "timeout",
            Self::Status { .. } => "status",
            Self::Decode { .. } => "decode",
            Self::Encode { .. } => "encode",
            Self::Signing { .. } => "signing",
            Self::Cache(_) => "cache",
            Self::Config(_) => "config",
            Self::TokenUnavailable { .. } => "token_unavailable",
            Self::CacheUnavailable { .. } => "cache_unavailable",
        }
    }

    /// Builds the error for a reqwest failure, removing the URL (it carries the access token).
    pub(crate) fn from_reqwest(endpoint: &str, err: reqwest::Error) -> Self {
        let err = err.without_url();
        if err.is_timeout() && !err.is_connect() {
            Self::Timeout {
                endpoint: endpoint.to_owned(),
            }
        } else {
            Self::Http {
                endpoint: endpoint.to_owned(),
                source: TransportError(err),
            }
        }
    }
}

/// A transport-level failure (connect, TLS, protocol). Its text never contains the request URL.
pub struct TransportError(reqwest::Error);

impl TransportError {
    /// Whether the connection could not be established (so nothing was sent).
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64) -> Error {
        Error::Api {
            code: ErrCode::from_code(code),
            message: "m".into(),
            endpoint: "/x".into(),
        }
    }

    #[test]
    fn predicates_follow_the_code() {
        assert!(api(40001).is_token_invalid());
        assert!(api(42001).is_token_invalid());
        assert!(api(-1).is_retryable());
        assert!(!api(43101).is_retryable());
        assert!(api(40125).is_config());
        assert!(
            Error::Timeout {
                endpoint: "/x".into()
            }
            .is_timeout()
        );
        assert!(
            Error::Status {
                endpoint: "/x".into(),
                status: 502
            }
            .is_retryable()
        );
        assert!(
            !Error::Status {
                endpoint: "/x".into(),
                status: 404
            }
            .is_retryable()
        );
        assert_eq!(api(40001).kind_name(), "api");
    }

    #[test]
    fn display_names_code_and_endpoint() {
        let text = api(45009).to_string();
        assert!(text.contains("45009") && text.contains("/x"), "{text}");
    }
}
