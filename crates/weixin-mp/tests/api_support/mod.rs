//! Shared setup of the API tests: a registry against wiremock, mocks that check method, path,
//! query and JSON body.
#![allow(dead_code)]

use serde_json::{Value, json};
use weixin_core::client::RetryPolicy;
use weixin_core::{AppConfig, Error, Weixin};
use weixin_mp::api::MpApi;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const APPID: &str = "wx_mp_api_tests";
pub(crate) const SECRET: &str = "mp-api-tests-secret";
pub(crate) const TOKEN: &str = "TOKEN_mp_api_first_0123456789";
pub(crate) const TOKEN2: &str = "TOKEN_mp_api_second_0123456789";

/// A mock server answering `cgi-bin/stable_token` with [`TOKEN`], and the API client.
pub(crate) async fn setup() -> (MockServer, MpApi) {
    let server = MockServer::start().await;
    mount_tokens(&server, &[TOKEN]).await;
    let mp = client(&server);
    (server, mp)
}

/// The API client against `server` (no retry backoff on busy, to keep tests fast).
pub(crate) fn client(server: &MockServer) -> MpApi {
    client_with(server, RetryPolicy::none())
}

/// The API client against `server` with the given retry policy.
pub(crate) fn client_with(server: &MockServer, retry: RetryPolicy) -> MpApi {
    let weixin = Weixin::builder()
        .api_base(server.uri())
        .retry_policy(retry)
        .app(AppConfig::new(APPID, SECRET))
        .build()
        .expect("registry builds");
    MpApi::new(weixin.app(APPID).expect("app registered"))
}

/// Stable tokens answered in sequence: the n-th fetch gets `tokens[n]`.
pub(crate) async fn mount_tokens(server: &MockServer, tokens: &[&str]) {
    for (i, t) in tokens.iter().enumerate() {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": t, "expires_in": 7200})),
            )
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap_or(u8::MAX))
            .mount(server)
            .await;
    }
}

/// `{"errcode":0,"errmsg":"ok"}`.
pub(crate) fn ok() -> ResponseTemplate {
    json_response(json!({"errcode": 0, "errmsg": "ok"}))
}

/// A 200 JSON answer.
pub(crate) fn json_response(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(value)
}

/// An error answer with `code`.
pub(crate) fn errcode(code: i64) -> ResponseTemplate {
    json_response(json!({"errcode": code, "errmsg": "test error rid: 1-2-3"}))
}

/// Expects exactly one `verb path?access_token=TOKEN&query…` call (with `body` as its JSON body
/// when given) and answers `response`.
pub(crate) async fn expect_call(
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

/// Like [`expect_call`] but the call must carry no `access_token` (OAuth, user tokens).
pub(crate) async fn expect_call_without_token(
    server: &MockServer,
    verb: &str,
    api_path: &str,
    query: &[(&str, &str)],
    response: ResponseTemplate,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(api_path))
        .and(query_param_is_missing("access_token"));
    for (k, v) in query {
        mock = mock.and(query_param(*k, *v));
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

/// Answers every call to `api_path` with errcode `code`.
pub(crate) async fn fail_with(server: &MockServer, api_path: &str, code: i64) {
    server.reset().await;
    mount_tokens(server, &[TOKEN]).await;
    Mock::given(path(api_path))
        .respond_with(errcode(code))
        .mount(server)
        .await;
}

/// The errcode of an [`Error::Api`], panicking on other errors and on success.
pub(crate) fn api_code<T: std::fmt::Debug>(result: Result<T, Error>) -> i64 {
    match result {
        Err(err) => err
            .api_code()
            .map(|c| c.code())
            .unwrap_or_else(|| panic!("expected Error::Api, got {err:?}")),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}
