//! Customer-service messages: body of every msgtype, typing on both platforms, errors, token
//! refresh.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::custom::{
    Article, CustomApi, CustomMessage, Link, MenuOption, MiniProgramPage, MsgMenu, Music, Typing,
    Video,
};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn send_posts_the_message_with_the_access_token() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/custom/send",
        &[],
        Some(json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "Hello World"}})),
        ok(),
    )
    .await;
    mp.custom()
        .send(&CustomMessage::text("OPENID", "Hello World"))
        .await
        .unwrap();
}

#[test]
fn every_msgtype_serializes_like_the_documentation() {
    let cases = vec![
        (
            CustomMessage::image("O", "MEDIA_ID"),
            json!({"touser": "O", "msgtype": "image", "image": {"media_id": "MEDIA_ID"}}),
        ),
        (
            CustomMessage::voice("O", "MEDIA_ID"),
            json!({"touser": "O", "msgtype": "voice", "voice": {"media_id": "MEDIA_ID"}}),
        ),
        (
            CustomMessage::video(
                "O",
                Video {
                    media_id: "M".into(),
                    thumb_media_id: "T".into(),
                    title: Some("TITLE".into()),
                    description: None,
                },
            ),
            json!({"touser": "O", "msgtype": "video",
                   "video": {"media_id": "M", "thumb_media_id": "T", "title": "TITLE"}}),
        ),
        (
            CustomMessage::music(
                "O",
                Music {
                    title: Some("T".into()),
                    description: Some("D".into()),
                    music_url: "U".into(),
                    hq_music_url: "HQ".into(),
                    thumb_media_id: "TH".into(),
                },
            ),
            json!({"touser": "O", "msgtype": "music", "music": {"title": "T", "description": "D",
                   "musicurl": "U", "hqmusicurl": "HQ", "thumb_media_id": "TH"}}),
        ),
        (
            CustomMessage::news(
                "O",
                vec![Article {
                    title: "T".into(),
                    description: Some("D".into()),
                    url: "URL".into(),
                    pic_url: Some("PIC".into()),
                }],
            ),
            json!({"touser": "O", "msgtype": "news", "news": {"articles": [
                {"title": "T", "description": "D", "url": "URL", "picurl": "PIC"}]}}),
        ),
        (
            CustomMessage::mpnews("O", "MEDIA_ID"),
            json!({"touser": "O", "msgtype": "mpnews", "mpnews": {"media_id": "MEDIA_ID"}}),
        ),
        (
            CustomMessage::mpnews_article("O", "ARTICLE_ID"),
            json!({"touser": "O", "msgtype": "mpnewsarticle",
                   "mpnewsarticle": {"article_id": "ARTICLE_ID"}}),
        ),
        (
            CustomMessage::msgmenu(
                "O",
                MsgMenu {
                    head_content: "您对本次服务是否满意呢? ".into(),
                    list: vec![
                        MenuOption {
                            id: "101".into(),
                            content: "满意".into(),
                        },
                        MenuOption {
                            id: "102".into(),
                            content: "不满意".into(),
                        },
                    ],
                    tail_content: "欢迎再次光临".into(),
                },
            ),
            json!({"touser": "O", "msgtype": "msgmenu", "msgmenu": {
                "head_content": "您对本次服务是否满意呢? ",
                "list": [{"id": "101", "content": "满意"}, {"id": "102", "content": "不满意"}],
                "tail_content": "欢迎再次光临"}}),
        ),
        (
            CustomMessage::wxcard("O", "CARD"),
            json!({"touser": "O", "msgtype": "wxcard", "wxcard": {"card_id": "CARD"}}),
        ),
        (
            CustomMessage::miniprogram_page(
                "O",
                MiniProgramPage {
                    title: "title".into(),
                    appid: Some("wxapp".into()),
                    pagepath: "pages/index/index?foo=bar".into(),
                    thumb_media_id: "MEDIA_ID".into(),
                },
            ),
            json!({"touser": "O", "msgtype": "miniprogrampage", "miniprogrampage": {
                "title": "title", "appid": "wxapp", "pagepath": "pages/index/index?foo=bar",
                "thumb_media_id": "MEDIA_ID"}}),
        ),
        (
            CustomMessage::link(
                "O",
                Link {
                    title: "Happy Day".into(),
                    description: "Is Really A Happy Day".into(),
                    url: "URL".into(),
                    thumb_url: "THUMB_URL".into(),
                },
            ),
            json!({"touser": "O", "msgtype": "link", "link": {"title": "Happy Day",
                   "description": "Is Really A Happy Day", "url": "URL", "thumb_url": "THUMB_URL"}}),
        ),
        (
            CustomMessage::text("O", "hi").kf_account("test1@kftest"),
            json!({"touser": "O", "msgtype": "text", "text": {"content": "hi"},
                   "customservice": {"kf_account": "test1@kftest"}}),
        ),
    ];
    for (message, expected) in cases {
        assert_eq!(serde_json::to_value(&message).unwrap(), expected);
    }
}

#[tokio::test]
async fn typing_uses_the_platform_endpoint() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/custom/typing",
        &[],
        Some(json!({"touser": "OPENID", "command": "Typing"})),
        ok(),
    )
    .await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/custom/business/typing",
        &[],
        Some(json!({"touser": "OPENID", "command": "CancelTyping"})),
        ok(),
    )
    .await;
    assert_eq!(mp.custom().typing_path(), "/cgi-bin/message/custom/typing");
    mp.custom().typing("OPENID", Typing::Start).await.unwrap();
    CustomApi::mini_program(mp.app().api().clone())
        .typing("OPENID", Typing::Stop)
        .await
        .unwrap();
}

#[tokio::test]
async fn errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    fail_with(&server, "/cgi-bin/message/custom/send", 45015).await;
    let err = mp.custom().send(&CustomMessage::text("O", "late")).await;
    assert_eq!(api_code(err), 45015);
    fail_with(&server, "/cgi-bin/message/custom/typing", 45081).await;
    assert_eq!(
        api_code(mp.custom().typing("O", Typing::Start).await),
        45081
    );
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_and_the_send_retried_once() {
    let server = wiremock::MockServer::start().await;
    mount_tokens(&server, &[TOKEN, TOKEN2]).await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .and(query_param("access_token", TOKEN))
        .respond_with(errcode(40001))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .and(query_param("access_token", TOKEN2))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let mp = client(&server);
    mp.custom()
        .send(&CustomMessage::text("O", "hi"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_send_is_not_repeated_after_a_server_error() {
    let server = wiremock::MockServer::start().await;
    mount_tokens(&server, &[TOKEN]).await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    // Default retry policy (3 attempts) — a send must still go out only once.
    let mp = client_with(&server, weixin_core::client::RetryPolicy::default());
    let err = mp
        .custom()
        .send(&CustomMessage::text("O", "once"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, weixin_core::Error::Status { status: 502, .. }),
        "{err:?}"
    );
}
