//! Shared setup of the API and session tests: a registry against wiremock.
#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};
use weixin_core::client::RetryPolicy;
use weixin_core::{AppClient, AppConfig, ErrCode, Error, Weixin, WeixinBuilder};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const APPID: &str = "wx4f4bc4dec97d474b";
pub const SECRET: &str = "wxopen-tests-secret";
pub const TOKEN: &str = "TOKEN_wxopen_tests_0123456789";

/// A mock server answering `cgi-bin/stable_token` with [`TOKEN`], and the registry's app.
pub async fn setup() -> (MockServer, Weixin, AppClient) {
    setup_in(Weixin::builder()).await
}

/// [`setup`] with a registry that starts from `registry` (its cache, clock, ...).
pub async fn setup_in(registry: WeixinBuilder) -> (MockServer, Weixin, AppClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    let weixin = registry
        .api_base(server.uri())
        .retry_policy(RetryPolicy::none())
        .app(AppConfig::new(APPID, SECRET))
        .build()
        .expect("registry builds");
    let app = weixin.app(APPID).expect("registered");
    (server, weixin, app)
}

pub fn json_response(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(value)
}

pub fn ok() -> ResponseTemplate {
    json_response(json!({"errcode": 0, "errmsg": "ok"}))
}

pub fn errcode(code: i64) -> ResponseTemplate {
    json_response(json!({"errcode": code, "errmsg": "test error rid: 1-2-3"}))
}

/// Expects exactly one `verb path?access_token=TOKEN&query…` call with `body` (when given).
pub async fn expect_call(
    server: &MockServer,
    verb: &str,
    api_path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
    response: ResponseTemplate,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(api_path))
        .and(query_param("access_token", TOKEN));
    for (k, v) in query {
        mock = mock.and(query_param(*k, *v));
    }
    if let Some(body) = body {
        mock = mock.and(body_json(body));
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

/// Asserts `result` is the API error `code`.
pub fn assert_api_error<T: std::fmt::Debug>(result: Result<T, Error>, code: i64) {
    let err = result.expect_err("expected an API error");
    assert_eq!(err.api_code(), Some(ErrCode::from_code(code)), "{err}");
}
