//! OAuth2 web authorization: app secret or user token, never the app's access token.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_core::Secret;
use weixin_mp::api::Lang;
use weixin_mp::api::oauth::OAuthScope;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const USER_TOKEN: &str = "USER_ACCESS_TOKEN_0123456789abcdef";
const REFRESH: &str = "REFRESH_TOKEN_0123456789abcdef";

fn token_body() -> serde_json::Value {
    json!({
        "access_token": USER_TOKEN, "expires_in": 7200, "refresh_token": REFRESH,
        "openid": "OPENID", "scope": "snsapi_userinfo", "is_snapshotuser": 1, "unionid": "UNIONID"
    })
}

#[tokio::test]
async fn authorize_url_is_in_wechat_order_and_encoded() {
    let (_server, mp) = setup().await;
    let url = mp.oauth().authorize_url(
        "https://example.com/cb?from=menu&x=1",
        OAuthScope::UserInfo,
        "STATE123",
    );
    assert_eq!(
        url,
        format!(
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid={APPID}\
             &redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Ffrom%3Dmenu%26x%3D1\
             &response_type=code&scope=snsapi_userinfo&state=STATE123#wechat_redirect"
        )
    );
    assert!(
        mp.oauth()
            .authorize_url("https://e.com/", OAuthScope::Base, "s")
            .contains("&scope=snsapi_base&state=s#wechat_redirect")
    );
}

#[tokio::test]
async fn code_exchange_uses_appid_and_secret_without_access_token() {
    let (server, mp) = setup().await;
    expect_call_without_token(
        &server,
        "GET",
        "/sns/oauth2/access_token",
        &[
            ("appid", APPID),
            ("secret", SECRET),
            ("code", "CODE"),
            ("grant_type", "authorization_code"),
        ],
        json_response(token_body()),
    )
    .await;
    let token = mp.oauth().access_token("CODE").await.unwrap();
    assert_eq!(token.access_token.expose(), USER_TOKEN);
    assert_eq!(token.refresh_token.expose(), REFRESH);
    assert_eq!(token.openid, "OPENID");
    assert_eq!(token.is_snapshotuser, Some(1));
    assert_eq!(token.unionid.as_deref(), Some("UNIONID"));
    let debug = format!("{token:?}");
    assert!(
        !debug.contains(USER_TOKEN) && !debug.contains(REFRESH),
        "{debug}"
    );
    // The app's access token was never needed.
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(
        requests
            .iter()
            .all(|r| r.url.path() != "/cgi-bin/stable_token"),
        "the OAuth exchange fetched an app access token"
    );
}

#[tokio::test]
async fn a_used_code_is_not_retried() {
    let server = wiremock::MockServer::start().await;
    mount_tokens(&server, &[TOKEN]).await;
    Mock::given(method("GET"))
        .and(path("/sns/oauth2/access_token"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    // Default retry policy: 3 attempts for idempotent calls; the code exchange is sent once.
    let mp = client_with(&server, weixin_core::client::RetryPolicy::default());
    let err = mp.oauth().access_token("CODE").await.unwrap_err();
    assert!(
        matches!(err, weixin_core::Error::Status { status: 503, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn refresh_uses_the_refresh_token() {
    let (server, mp) = setup().await;
    expect_call_without_token(
        &server,
        "GET",
        "/sns/oauth2/refresh_token",
        &[
            ("appid", APPID),
            ("grant_type", "refresh_token"),
            ("refresh_token", REFRESH),
        ],
        json_response(token_body()),
    )
    .await;
    let token = mp
        .oauth()
        .refresh_token(&Secret::from(REFRESH))
        .await
        .unwrap();
    assert_eq!(token.scope, "snsapi_userinfo");
}

#[tokio::test]
async fn user_info_uses_the_user_token() {
    let (server, mp) = setup().await;
    Mock::given(method("GET"))
        .and(path("/sns/userinfo"))
        .and(wiremock::matchers::query_param("access_token", USER_TOKEN))
        .and(wiremock::matchers::query_param("openid", "OPENID"))
        .and(wiremock::matchers::query_param("lang", "zh_CN"))
        .respond_with(json_response(json!({
            "openid": "OPENID", "nickname": "NICKNAME", "sex": 1, "province": "PROVINCE",
            "city": "CITY", "country": "COUNTRY", "headimgurl": "https://thirdwx.qlogo.cn/x/46",
            "privilege": ["PRIVILEGE1", "PRIVILEGE2"], "unionid": "o6_bmasdasdsad6_2sgVt7hMZOPfL"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let info = mp
        .oauth()
        .user_info(&Secret::from(USER_TOKEN), "OPENID", Lang::ZhCn)
        .await
        .unwrap();
    assert_eq!(info.nickname, "NICKNAME");
    assert_eq!(info.privilege, ["PRIVILEGE1", "PRIVILEGE2"]);
    assert_eq!(info.sex, 1);
}

#[tokio::test]
async fn check_and_an_invalid_user_token_does_not_touch_the_app_token() {
    let (server, mp) = setup().await;
    Mock::given(method("GET"))
        .and(path("/sns/auth"))
        .and(wiremock::matchers::query_param("access_token", USER_TOKEN))
        .and(wiremock::matchers::query_param("openid", "OPENID"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    mp.oauth()
        .check(&Secret::from(USER_TOKEN), "OPENID")
        .await
        .unwrap();

    server.reset().await;
    Mock::given(path("/sns/auth"))
        .respond_with(errcode(42001))
        .expect(1) // no token-refresh retry for a user token
        .mount(&server)
        .await;
    let err = mp.oauth().check(&Secret::from("EXPIRED"), "OPENID").await;
    assert_eq!(api_code(err), 42001);
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(requests.iter().all(|r| r.url.path() == "/sns/auth"));
}

#[tokio::test]
async fn oauth_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let oauth = mp.oauth();
    fail_with(&server, "/sns/oauth2/access_token", 40163).await;
    assert_eq!(api_code(oauth.access_token("USED").await), 40163);
    fail_with(&server, "/sns/oauth2/refresh_token", 42002).await;
    assert_eq!(
        api_code(oauth.refresh_token(&Secret::from("OLD")).await),
        42002
    );
    fail_with(&server, "/sns/userinfo", 40003).await;
    assert_eq!(
        api_code(oauth.user_info(&Secret::from("T"), "bad", Lang::En).await),
        40003
    );
}
