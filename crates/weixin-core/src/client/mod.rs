//! The API client: one [`ApiClient`] per app, sending [`Call`]s with the access token, retries,
//! tracing and the error hook.
//!
//! ```no_run
//! # async fn demo(api: weixin_core::client::ApiClient) -> weixin_core::Result<()> {
//! use weixin_core::client::Call;
//! // GET with the access token appended; retried on busy / network errors.
//! let info: serde_json::Value = api.json(Call::get("/cgi-bin/user/info").query("openid", "o1")).await?;
//! // POST that must never be sent twice.
//! let _: serde::de::IgnoredAny = api
//!     .json(Call::post("/cgi-bin/message/custom/send").json(&serde_json::json!({"touser": "o1"})))
//!     .await?;
//! # Ok(()) }
//! ```

mod bases;
mod call;
mod endpoint;
mod http;
mod options;
mod response;
mod signed;
mod token_source;

pub use call::{Call, Method, Upload};
pub use endpoint::{Endpoint, Request};
pub use options::{ApiRegion, ClientOptions, DEFAULT_API_BASE, RetryPolicy};
pub use response::Download;
pub use token_source::AccessTokenSource;

pub(crate) use bases::Bases;
pub(crate) use http::{build_http, parse_base};

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;

use crate::error::Error;
use crate::observe::{ApiFailure, Counter, ErrorHook, Observer};
use crate::secret::Secret;
use response::RawResponse;
use weixin_crypto::api_signing::ApiSigning;

/// A client for one app's WeChat API calls.
///
/// - the access token (from its [`AccessTokenSource`]) is appended as the `access_token` query
///   parameter; calls marked [`Call::without_token`] go without;
/// - `errcode != 0` becomes [`Error::Api`]; a missing errcode means success;
/// - a rejected token (40001/40014/42001/41001) is invalidated (that exact token only), a fresh
///   one is taken and the call is retried once, whatever the call;
/// - busy (-1), HTTP 5xx, timeouts and broken connections are retried with bounded exponential
///   backoff and jitter, for idempotent calls only ([`RetryPolicy`]); a connect error is retried
///   for every call since no request was sent;
/// - every call runs in a `weixin.api` tracing span (appid, endpoint path, attempt, errcode,
///   latency_ms), never with a token or secret; every failed attempt reaches the error hook.
///
/// Cloning is cheap (an `Arc`).
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    appid: String,
    http: reqwest::Client,
    bases: Arc<Bases>,
    retry: RetryPolicy,
    tokens: Option<Arc<dyn AccessTokenSource>>,
    signing: Option<Arc<ApiSigning>>,
    observer: Observer,
}

enum Expect {
    Json,
    Binary,
}

enum Payload {
    Json(Value),
    Binary(Download),
}

impl ApiClient {
    /// A standalone client for `appid` without a token source (add one with
    /// [`ApiClient::with_token_source`]). Installs the ring rustls provider if none is installed.
    ///
    /// Inside a [`Weixin`](crate::Weixin) registry, use [`AppClient::api`](crate::AppClient::api)
    /// instead: it shares the connection pool and the token container.
    pub fn new(appid: impl Into<String>, options: &ClientOptions) -> Result<Self, Error> {
        let http = build_http(options)?;
        let bases = Bases::parse(&options.api_base, options.failover_rest)?;
        Ok(Self::from_parts(
            appid.into(),
            http,
            Arc::new(bases),
            options.retry,
            Observer::default(),
        ))
    }

    pub(crate) fn from_parts(
        appid: String,
        http: reqwest::Client,
        bases: Arc<Bases>,
        retry: RetryPolicy,
        observer: Observer,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                appid,
                http,
                bases,
                retry,
                tokens: None,
                signing: None,
                observer,
            }),
        }
    }

    /// This client with `source` supplying access tokens.
    pub fn with_token_source(&self, source: Arc<dyn AccessTokenSource>) -> Self {
        let mut inner = (*self.inner).clone();
        inner.tokens = Some(source);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// This client with server-API signing: calls marked [`Call::signable`] go out encrypted
    /// and signed, and their answers must verify (see [`weixin_crypto::api_signing`]).
    ///
    /// # Errors
    /// [`Error::Config`] when the settings are for another appid.
    pub fn with_signing(&self, signing: Arc<ApiSigning>) -> Result<Self, Error> {
        if signing.appid() != self.inner.appid {
            return Err(Error::Config(format!(
                "the signing settings are for appid {}, this client calls for {}",
                signing.appid(),
                self.inner.appid
            )));
        }
        let mut inner = (*self.inner).clone();
        inner.signing = Some(signing);
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Whether calls marked [`Call::signable`] go out encrypted and signed.
    pub fn is_signing(&self) -> bool {
        self.inner.signing.is_some()
    }

    /// This client with `hook` called on every failed attempt.
    pub fn with_error_hook(&self, hook: ErrorHook) -> Self {
        let mut inner = (*self.inner).clone();
        inner.observer.hook = Some(hook);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// This client without a token source (for token endpoints and calls taking appid+secret).
    pub(crate) fn without_token_source(&self) -> Self {
        let mut inner = (*self.inner).clone();
        inner.tokens = None;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The appid this client calls for.
    pub fn appid(&self) -> &str {
        &self.inner.appid
    }

    /// The primary API base URL.
    pub fn api_base(&self) -> &str {
        self.inner.bases.primary()
    }

    /// Every API base URL, primary first (calls fail over along this list).
    pub fn api_bases(&self) -> impl Iterator<Item = &str> {
        self.inner.bases.urls()
    }

    /// Sends a declared [`Request`] and decodes its JSON answer.
    pub async fn send<R>(&self, request: &R) -> Result<R::Response, Error>
    where
        R: Request + ?Sized,
        R::Response: DeserializeOwned,
    {
        self.json(request.call()).await
    }

    /// Sends a declared [`Request`] to a binary endpoint (see [`ApiClient::bytes`]).
    pub async fn download<R>(&self, request: &R) -> Result<Download, Error>
    where
        R: Request<Response = Download> + ?Sized,
    {
        self.bytes(request.call()).await
    }

    /// Sends `call` and deserializes the JSON answer into `T` (use `serde_json::Value` for the
    /// raw object, or `serde::de::IgnoredAny` to only check the errcode).
    pub async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let endpoint = call.endpoint();
        match self.execute(&call, &endpoint, Expect::Json).await? {
            Payload::Json(v) => response::decode(&endpoint, v),
            Payload::Binary(_) => Err(Error::Decode {
                endpoint,
                message: "expected JSON".to_owned(),
                excerpt: String::new(),
            }),
        }
    }

    /// Sends `call` to a binary endpoint (media download, mini-program code): the file when the
    /// answer really is one, otherwise the JSON error as [`Error::Api`].
    pub async fn bytes(&self, call: Call) -> Result<Download, Error> {
        let endpoint = call.endpoint();
        match self.execute(&call, &endpoint, Expect::Binary).await? {
            Payload::Binary(d) => Ok(d),
            Payload::Json(_) => Err(Error::Decode {
                endpoint,
                message: "expected a file".to_owned(),
                excerpt: String::new(),
            }),
        }
    }

    /// `GET path?query&access_token=…` (idempotent), JSON answer.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, Error> {
        let call = query
            .iter()
            .fold(Call::get(path), |c, (k, v)| c.query(*k, *v));
        self.json(call).await
    }

    /// `POST path?access_token=…` with a JSON body, **not** idempotent (never repeated after a
    /// timeout); use [`ApiClient::json`] with [`Call::idempotent`] for read-only POST APIs.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Error> {
        self.json(Call::post(path).json(body)).await
    }

    async fn execute(&self, call: &Call, endpoint: &str, expect: Expect) -> Result<Payload, Error> {
        if let Some(message) = &call.encode_error {
            return Err(Error::Encode {
                endpoint: endpoint.to_owned(),
                message: message.clone(),
            });
        }
        let span = tracing::info_span!(
            "weixin.api",
            appid = %self.inner.appid,
            endpoint = %endpoint,
            attempts = tracing::field::Empty,
            errcode = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let (result, attempts) = self
            .attempts(call, endpoint, &expect)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(_) => span.record("errcode", 0),
            Err(e) => span.record("errcode", e.api_code().map(|c| c.code())),
        };
        result
    }

    /// Runs the attempts of one call; returns the outcome and the number of attempts made.
    async fn attempts(
        &self,
        call: &Call,
        endpoint: &str,
        expect: &Expect,
    ) -> (Result<Payload, Error>, u32) {
        let inner = &*self.inner;
        let mut attempt = 0u32;
        let mut token_retried = false;
        let mut backoff_retries = 0u32;
        // The bases this call failed on, so a failover never goes back to one.
        let mut failed: Vec<usize> = Vec::new();
        let mut base = inner.bases.pick(&failed).unwrap_or(0);
        loop {
            attempt += 1;
            let token = match (&inner.tokens, call.with_token) {
                (_, false) => None,
                (Some(source), true) => match source.access_token().await {
                    Ok(t) => Some(t),
                    Err(e) => return (Err(e), attempt),
                },
                (None, true) => {
                    let err = Error::Config(format!(
                        "{endpoint} needs an access token but this ApiClient has no token source"
                    ));
                    return (Err(err), attempt);
                }
            };
            inner.observer.counters.incr(Counter::ApiCalls);
            let span = tracing::info_span!(
                "weixin.api.attempt",
                attempt,
                base = %inner.bases.url(base),
                errcode = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let result = self
                .send_once(
                    call,
                    endpoint,
                    inner.bases.url(base),
                    token.as_ref(),
                    expect,
                )
                .instrument(span.clone())
                .await;
            let latency = started.elapsed();
            span.record("latency_ms", latency.as_millis() as u64);
            let entered = span.enter();
            let err = match result {
                Ok(payload) => {
                    span.record("errcode", 0);
                    tracing::debug!("WeChat API call succeeded");
                    return (Ok(payload), attempt);
                }
                Err(err) => err,
            };
            if let Some(code) = err.api_code() {
                span.record("errcode", code.code());
            }
            let base_failed = bases::is_base_failure(&err);
            if base_failed {
                inner.bases.rest(base);
                failed.push(base);
            }
            // Moves at once to a base that is up, when repeating the call is safe (no
            // connection: nothing was sent; 5xx or timeout: idempotent calls only).
            let failover =
                base_failed && retry_is_safe(call, &err) && inner.bases.has_available(&failed);
            let token_retry =
                !failover && err.is_token_invalid() && token.is_some() && !token_retried;
            let backoff_retry = !failover
                && !token_retry
                && backoff_retries + 1 < inner.retry.max_attempts
                && retry_is_safe(call, &err);
            let will_retry = failover || token_retry || backoff_retry;
            inner.observer.failure(&ApiFailure::new(
                &inner.appid,
                endpoint,
                &err,
                attempt,
                will_retry,
                latency,
            ));
            log_failure(&err, will_retry);
            drop(entered);
            if failover {
                inner.observer.counters.incr(Counter::Retries);
                base = inner.bases.pick(&failed).unwrap_or(base);
                continue;
            }
            if let (true, Some(rejected), Some(source)) = (token_retry, &token, &inner.tokens) {
                token_retried = true;
                inner.observer.counters.incr(Counter::Retries);
                if let Err(e) = source.invalidate(rejected).await {
                    return (Err(e), attempt);
                }
                continue;
            }
            if backoff_retry {
                backoff_retries += 1;
                inner.observer.counters.incr(Counter::Retries);
                tokio::time::sleep(inner.retry.delay(backoff_retries)).await;
                // Every base failed this call: start again from the best one.
                failed.clear();
                base = inner.bases.pick(&failed).unwrap_or(base);
                continue;
            }
            return (Err(err), attempt);
        }
    }

    async fn send_once(
        &self,
        call: &Call,
        endpoint: &str,
        base: &str,
        token: Option<&Secret>,
        expect: &Expect,
    ) -> Result<Payload, Error> {
        let inner = &*self.inner;
        let url = format!("{base}/{}", call.path.trim_start_matches('/'));
        // Only POST JSON calls can be signed; uploads and file downloads never are.
        let signing = inner.signing.as_deref().filter(|_| {
            call.signable && call.method == Method::Post && matches!(expect, Expect::Json)
        });
        let mut req = match call.method {
            Method::Get => inner.http.get(&url),
            Method::Post => inner.http.post(&url),
        };
        // A signed call carries its query inside the sealed body.
        if !call.query.is_empty() && signing.is_none() {
            req = req.query(&call.query);
        }
        if let Some(token) = token {
            req = req.query(&[("access_token", token.expose())]);
        }
        if let Some(timeout) = call.timeout {
            req = req.timeout(timeout);
        }
        req = match (signing, &call.body) {
            (Some(signing), _) => {
                let sealed = signed::seal(signing, call, endpoint, &url)?;
                let req = sealed
                    .headers()
                    .into_iter()
                    .fold(req, |req, (name, value)| req.header(name, value));
                req.header(CONTENT_TYPE, "application/json")
                    .body(sealed.body)
            }
            (None, call::Body::None) => req,
            (None, call::Body::Json(bytes)) => req
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            (None, call::Body::Multipart(upload)) => {
                req.multipart(multipart_form(endpoint, upload)?)
            }
        };
        let resp = req
            .send()
            .await
            .map_err(|e| Error::from_reqwest(endpoint, e))?;
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let disposition = header(CONTENT_DISPOSITION);
        let status = resp.status().as_u16();
        // The signature headers are read after the body, so keep them (signed calls only).
        let headers = signing.map(|_| resp.headers().clone());
        let body = resp
            .bytes()
            .await
            .map_err(|e| Error::from_reqwest(endpoint, e))?;
        let raw = RawResponse {
            status,
            content_type,
            disposition,
            body,
        };
        match (signing, headers, expect) {
            (Some(signing), Some(headers), _) => {
                signed::open(signing, endpoint, &url, &headers, &raw).map(Payload::Json)
            }
            (_, _, Expect::Json) => response::parse_json(endpoint, &raw).map(Payload::Json),
            (_, _, Expect::Binary) => response::parse_binary(endpoint, raw).map(Payload::Binary),
        }
    }
}

/// Whether repeating a failed attempt cannot do harm.
fn retry_is_safe(call: &Call, err: &Error) -> bool {
    if err.is_connect() {
        // No connection was made, so WeChat never saw the request.
        return true;
    }
    call.is_idempotent()
        && match err {
            Error::Api { code, .. } => code.is_retryable(),
            Error::Status { status, .. } => *status >= 500,
            Error::Timeout { .. } | Error::Http { .. } => true,
            _ => false,
        }
}

fn log_failure(err: &Error, will_retry: bool) {
    // The error and its causes ("connection refused"...); none of them carries a URL.
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    let expected = match err.api_code() {
        Some(code) => code.is_business() || will_retry,
        None => will_retry,
    };
    if expected {
        tracing::debug!(will_retry, error = %text, "WeChat API call failed");
    } else {
        tracing::warn!(error = %text, "WeChat API call failed");
    }
}

fn multipart_form(endpoint: &str, upload: &Upload) -> Result<reqwest::multipart::Form, Error> {
    let part = reqwest::multipart::Part::bytes(upload.data.to_vec())
        .file_name(upload.file_name.clone())
        .mime_str(&upload.content_type)
        .map_err(|e| Error::Encode {
            endpoint: endpoint.to_owned(),
            message: format!("invalid content type {:?}: {e}", upload.content_type),
        })?;
    let form = upload
        .fields
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, (name, value)| {
            form.text(name.clone(), value.clone())
        });
    Ok(form.part(upload.field.clone(), part))
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("appid", &self.inner.appid)
            .field("api_bases", &self.inner.bases.urls().collect::<Vec<_>>())
            .field("retry", &self.inner.retry)
            .field("token_source", &self.inner.tokens.is_some())
            .field("signing", &self.inner.signing.is_some())
            .finish_non_exhaustive()
    }
}
