//! The table-driven check of declared API endpoints against a mock server.
//!
//! Each [`Case`] names one endpoint the way WeChat's doc gives it (`"POST /cgi-bin/tags/create"`),
//! the query and JSON body the doc asks for, a successful answer, an error code the endpoint can
//! answer, and a closure that calls the typed handle. [`check`] runs every case against
//! wiremock and fails, listing every problem at once, when:
//! - a case's endpoint is not declared, or a declared endpoint has no case;
//! - the handle sent another method, path, query or body than the case says, or not exactly one
//!   request (the app's `access_token` must be there exactly when the endpoint needs it; an
//!   endpoint declared without one may carry a user's token, e.g. `sns/userinfo`, which its
//!   case then lists in [`Case::query`]);
//! - the handle failed on the successful answer, or the case's own assertions on the decoded
//!   value failed;
//! - the error answer did not come back as [`Error::Api`] with that code, after exactly one
//!   request;
//! - a busy answer (`-1`) was retried for an endpoint declared at most once, or not retried for
//!   one declared idempotent.
//!
//! ```no_run
//! use serde_json::json;
//! use weixin_testkit::endpoints::{Case, check};
//! # async fn demo(declared: &[weixin_core::client::Endpoint]) {
//! let cases = vec![
//!     Case::new("POST /cgi-bin/tags/delete", |app| async move {
//!         let _ = app; // e.g. MpApi::new(app).tags().delete(134).await
//!         Ok(())
//!     })
//!     .body(json!({"tag": {"id": 134}}))
//!     .errcode(45058),
//! ];
//! check(declared, cases).await;
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde_json::{Value, json};
use weixin_core::client::{Endpoint, Method, RetryPolicy};
use weixin_core::{AppClient, AppConfig, Error, Weixin};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The appid of the app the cases run as.
pub const APPID: &str = "wx_endpoint_cases";
/// The app secret the cases' app is registered with (for endpoints taking appid and secret).
pub const SECRET: &str = "endpoint-cases-secret";
/// The access token the mock token endpoint hands out.
pub const TOKEN: &str = "TOKEN_endpoint_cases_0123456789";

type Invoke =
    Box<dyn Fn(AppClient) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>> + Send + Sync>;

/// One endpoint's row in the table.
pub struct Case {
    name: &'static str,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    answer: ResponseTemplate,
    errcode: i64,
    invoke: Invoke,
}

impl Case {
    /// The case of `endpoint` (`"GET /path"` or `"POST /path"`, as the doc gives it); `invoke`
    /// calls the handle method on the app and may assert on what it decoded.
    ///
    /// # Panics
    /// When `endpoint` is not `"GET /…"` or `"POST /…"` (a typo in the table).
    pub fn new<F, Fut>(endpoint: &'static str, invoke: F) -> Self
    where
        F: Fn(AppClient) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        let (verb, route) = endpoint
            .split_once(' ')
            .unwrap_or_else(|| panic!("`{endpoint}`: expected \"GET /path\" or \"POST /path\""));
        let method = match verb {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => panic!("`{endpoint}`: unknown method {other}"),
        };
        Self {
            name: endpoint,
            method,
            path: route.to_owned(),
            query: Vec::new(),
            body: None,
            answer: ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
            errcode: 40003,
            invoke: Box::new(move |app| Box::pin(invoke(app))),
        }
    }

    /// A query parameter the request must carry (besides the app's `access_token`; a user's
    /// `access_token` on an endpoint declared without the app's is listed here). Once any is
    /// given, the query must be exactly these.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The exact JSON body the request must carry.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// The successful JSON answer (default `{"errcode":0,"errmsg":"ok"}`).
    pub fn answer(mut self, answer: Value) -> Self {
        self.answer = ResponseTemplate::new(200).set_body_json(answer);
        self
    }

    /// A successful file answer with its content type.
    pub fn file(mut self, content_type: &str, bytes: &[u8]) -> Self {
        self.answer = ResponseTemplate::new(200).set_body_raw(bytes.to_vec(), content_type);
        self
    }

    /// An error code the endpoint answers (default 40003, invalid openid); the handle must
    /// return it as [`Error::Api`].
    pub fn errcode(mut self, code: i64) -> Self {
        self.errcode = code;
        self
    }
}

/// Runs every case against its declared endpoint and panics with the list of problems.
///
/// # Panics
/// When any check described in the [module docs](self) fails.
pub async fn check(declared: &[Endpoint], cases: Vec<Case>) {
    let mut problems = Vec::new();
    let mut by_route: BTreeMap<(bool, &str), &Endpoint> = BTreeMap::new();
    for endpoint in declared {
        let key = (endpoint.method() == Method::Post, endpoint.path());
        if by_route.insert(key, endpoint).is_some() {
            problems.push(format!("{endpoint:?}: declared twice"));
        }
    }
    let mut covered = BTreeSet::new();
    for case in &cases {
        let key = (case.method == Method::Post, case.path.as_str());
        let Some(endpoint) = by_route.get(&key) else {
            problems.push(format!("{}: no such endpoint is declared", case.name));
            continue;
        };
        if !covered.insert(key) {
            problems.push(format!("{}: two cases", case.name));
        }
        problems.extend(run(endpoint, case).await);
    }
    for (key, endpoint) in &by_route {
        if !covered.contains(key) {
            problems.push(format!("{endpoint:?}: declared but has no case"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} endpoint problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

async fn run(endpoint: &Endpoint, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let server = MockServer::start().await;
    let app = app(&server);

    // 1. The successful answer: the request on the wire and the decoded value.
    mount_answer(&server, case, case.answer.clone()).await;
    if let Err(e) = (case.invoke)(app.clone()).await {
        problems.push(format!(
            "{}: failed on the successful answer: {e}",
            case.name
        ));
    }
    let calls = endpoint_calls(&server).await;
    match calls.as_slice() {
        [request] => problems.extend(request_problems(endpoint, case, request)),
        other => problems.push(format!(
            "{}: {} requests on the successful answer, expected 1",
            case.name,
            other.len()
        )),
    }

    // 2. The endpoint's error code: typed, and not repeated.
    server.reset().await;
    let error = json!({"errcode": case.errcode, "errmsg": "endpoint case rid: 6a1b-2c3d-4e5f"});
    mount_answer(
        &server,
        case,
        ResponseTemplate::new(200).set_body_json(error),
    )
    .await;
    match (case.invoke)(app.clone()).await {
        Err(Error::Api { code, .. }) if code.code() == case.errcode => {}
        Err(e) => problems.push(format!(
            "{}: errcode {} came back as {e}",
            case.name, case.errcode
        )),
        Ok(()) => problems.push(format!(
            "{}: errcode {} came back as success",
            case.name, case.errcode
        )),
    }
    let sent = endpoint_calls(&server).await.len();
    if sent != 1 {
        problems.push(format!(
            "{}: {sent} requests for errcode {}, expected 1",
            case.name, case.errcode
        ));
    }

    // 3. Busy: repeated exactly when the endpoint is declared idempotent.
    server.reset().await;
    let busy = json!({"errcode": -1, "errmsg": "system error"});
    mount_answer(
        &server,
        case,
        ResponseTemplate::new(200).set_body_json(busy),
    )
    .await;
    let _ = (case.invoke)(app).await;
    let sent = endpoint_calls(&server).await.len();
    let expected = if endpoint.is_idempotent() { 2 } else { 1 };
    if sent != expected {
        problems.push(format!(
            "{}: {sent} requests on busy, expected {expected} ({})",
            case.name,
            if endpoint.is_idempotent() {
                "declared idempotent"
            } else {
                "declared at most once"
            }
        ));
    }
    problems
}

fn request_problems(endpoint: &Endpoint, case: &Case, request: &Request) -> Vec<String> {
    let mut problems = Vec::new();
    let verb = match endpoint.method() {
        Method::Get => "GET",
        Method::Post => "POST",
    };
    if request.method.as_str() != verb || request.url.path() != case.path {
        problems.push(format!(
            "{}: sent {} {}",
            case.name,
            request.method,
            request.url.path()
        ));
    }
    let mut query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The app's token is checked here; on an endpoint declared without it, an `access_token`
    // (a user's web token) is an ordinary parameter of the case's query.
    if endpoint.needs_token() {
        let token = query
            .iter()
            .position(|(k, _)| k == "access_token")
            .map(|i| query.remove(i).1);
        if token.as_deref() != Some(TOKEN) {
            problems.push(format!(
                "{}: access_token {token:?}, expected the app's token",
                case.name
            ));
        }
    } else if query.iter().any(|(k, v)| k == "access_token" && v == TOKEN) {
        problems.push(format!(
            "{}: sent the app's access_token, but the endpoint is declared without one",
            case.name
        ));
    }
    let mut expected = case.query.clone();
    expected.sort();
    query.sort();
    if query != expected {
        problems.push(format!(
            "{}: query {query:?}, expected {expected:?}",
            case.name
        ));
    }
    if let Some(body) = &case.body {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(sent) if &sent == body => {}
            Ok(sent) => problems.push(format!("{}: body {sent}, expected {body}", case.name)),
            Err(e) => problems.push(format!("{}: body is not JSON: {e}", case.name)),
        }
    }
    problems
}

/// An app whose API goes to `server`: busy retried once with a 1 ms backoff.
fn app(server: &MockServer) -> AppClient {
    let weixin = Weixin::builder()
        .api_base(server.uri())
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
        .app(AppConfig::new(APPID, SECRET))
        .build()
        .expect("the registry builds");
    weixin.app(APPID).expect("the app is registered")
}

async fn mount_tokens(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "expires_in": 7200})),
        )
        .mount(server)
        .await;
}

/// The token endpoint, and `answer` for every other request (whatever its path, so a wrong
/// path is reported from the request log rather than as a 404).
async fn mount_answer(server: &MockServer, case: &Case, answer: ResponseTemplate) {
    if case.path != "/cgi-bin/stable_token" {
        mount_tokens(server).await;
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(answer)
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

/// The requests other than the token fetch.
async fn endpoint_calls(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() != "/cgi-bin/stable_token")
        .collect()
}
