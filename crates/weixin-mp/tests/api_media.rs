//! Temporary media, permanent material and article images.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::media::{MediaApi, MediaType, VideoDescription};
use wiremock::matchers::{body_string_contains, header_regex, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

/// Binary content for downloads.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake-png-body";
/// Uploaded content: UTF-8, so the multipart body can be matched as text.
const UPLOAD: &[u8] = b"fake-png-body";

#[tokio::test]
async fn upload_temp_sends_a_multipart_media_part() {
    let (server, mp) = setup().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/media/upload"))
        .and(query_param("access_token", TOKEN))
        .and(query_param("type", "image"))
        .and(header_regex("content-type", "^multipart/form-data; boundary="))
        .and(body_string_contains(r#"name="media"; filename="a.png""#))
        .and(body_string_contains("Content-Type: image/png"))
        .and(body_string_contains("fake-png-body"))
        .respond_with(json_response(json!({
            "errcode": 0, "errmsg": "ok", "type": "image", "media_id": "MEDIA_ID", "created_at": 1672500000
        })))
        .expect(1)
        .mount(&server)
        .await;
    let media = mp
        .media()
        .upload_temp(MediaType::Image, "a.png", UPLOAD)
        .await
        .unwrap();
    assert_eq!(media.media_id, "MEDIA_ID");
    assert_eq!(media.media_type, MediaType::Image);
    assert_eq!(media.created_at, 1672500000);
}

#[tokio::test]
async fn thumb_uploads_answer_thumb_media_id() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/media/upload",
        &[("type", "thumb")],
        None,
        json_response(json!({"type": "thumb", "thumb_media_id": "THUMB_ID", "created_at": 1})),
    )
    .await;
    let media = mp
        .media()
        .upload_temp(MediaType::Thumb, "t.jpg", UPLOAD)
        .await
        .unwrap();
    assert_eq!(media.media_id, "THUMB_ID");
}

#[tokio::test]
async fn get_temp_returns_the_file_or_the_typed_error() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/media/get",
        &[("media_id", "MEDIA_ID")],
        None,
        ResponseTemplate::new(200)
            .insert_header("content-type", "image/jpeg")
            .insert_header(
                "content-disposition",
                r#"attachment; filename="MEDIA_ID.jpg""#,
            )
            .set_body_bytes(PNG),
    )
    .await;
    let file = mp.media().get_temp("MEDIA_ID").await.unwrap();
    assert_eq!(&file.bytes[..], PNG);
    assert_eq!(file.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(file.file_name.as_deref(), Some("MEDIA_ID.jpg"));

    // WeChat answers errors as JSON, sometimes declared as text/plain.
    server.reset().await;
    mount_tokens(&server, &[TOKEN]).await;
    Mock::given(path("/cgi-bin/media/get"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/plain")
                .set_body_string(r#"{"errcode":40007,"errmsg":"invalid media_id"}"#),
        )
        .mount(&server)
        .await;
    assert_eq!(api_code(mp.media().get_temp("BAD").await), 40007);
}

#[tokio::test]
async fn temp_videos_answer_a_url() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/media/get",
        &[("media_id", "VIDEO_ID")],
        None,
        json_response(json!({"video_url": "http://example.com/v.mp4"})),
    )
    .await;
    let video = mp.media().get_temp_video("VIDEO_ID").await.unwrap();
    assert_eq!(video.video_url, "http://example.com/v.mp4");
}

#[tokio::test]
async fn upload_article_image_returns_the_url() {
    let (server, mp) = setup().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/media/uploadimg"))
        .and(query_param("access_token", TOKEN))
        .and(body_string_contains(r#"name="media"; filename="in.jpg""#))
        .respond_with(json_response(json!({"url": "http://mmbiz.qpic.cn/x"})))
        .expect(1)
        .mount(&server)
        .await;
    let url = mp
        .media()
        .upload_article_image("in.jpg", UPLOAD)
        .await
        .unwrap();
    assert_eq!(url, "http://mmbiz.qpic.cn/x");
}

#[tokio::test]
async fn permanent_material_calls() {
    let (server, mp) = setup().await;
    let media = mp.media();
    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/add_material"))
        .and(query_param("access_token", TOKEN))
        .and(query_param("type", "image"))
        .and(body_string_contains(r#"filename="p.png""#))
        .respond_with(json_response(
            json!({"media_id": "PERM", "url": "http://x/p.png"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let added = media
        .add_material(MediaType::Image, "p.png", UPLOAD)
        .await
        .unwrap();
    assert_eq!(added.media_id, "PERM");
    assert_eq!(added.url.as_deref(), Some("http://x/p.png"));

    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/add_material"))
        .and(query_param("type", "video"))
        .and(body_string_contains(r#"name="description""#))
        .and(body_string_contains(r#"{"title":"T","introduction":"I"}"#))
        .and(body_string_contains(r#"filename="v.mp4""#))
        .and(body_string_contains("Content-Type: video/mp4"))
        .respond_with(json_response(json!({"media_id": "VID"})))
        .expect(1)
        .mount(&server)
        .await;
    let description = VideoDescription {
        title: "T".into(),
        introduction: "I".into(),
    };
    let video = media
        .add_video_material("v.mp4", UPLOAD, &description)
        .await
        .unwrap();
    assert_eq!(video.media_id, "VID");
    assert_eq!(video.url, None);

    expect_call(
        &server,
        "POST",
        "/cgi-bin/material/del_material",
        &[],
        Some(json!({"media_id": "PERM"})),
        ok(),
    )
    .await;
    media.del_material("PERM").await.unwrap();

    expect_call(
        &server,
        "GET",
        "/cgi-bin/material/get_materialcount",
        &[],
        None,
        json_response(
            json!({"voice_count": 1, "video_count": 2, "image_count": 3, "news_count": 4}),
        ),
    )
    .await;
    let count = media.material_count().await.unwrap();
    assert_eq!(
        (
            count.voice_count,
            count.video_count,
            count.image_count,
            count.news_count
        ),
        (1, 2, 3, 4)
    );

    expect_call(
        &server,
        "POST",
        "/cgi-bin/material/batchget_material",
        &[],
        Some(json!({"type": "image", "offset": 0, "count": 20})),
        json_response(json!({"total_count": 1, "item_count": 1, "item": [
            {"media_id": "PERM", "name": "p.png", "update_time": 12345, "url": "http://x/p.png"}]})),
    )
    .await;
    let page = media.list_material(MediaType::Image, 0, 20).await.unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.item[0].media_id, "PERM");
    assert_eq!(page.item[0].update_time, 12345);
}

#[tokio::test]
async fn get_material_binary_and_video() {
    let (server, mp) = setup().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/get_material"))
        .and(query_param("access_token", TOKEN))
        .and(wiremock::matchers::body_json(json!({"media_id": "IMG"})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .set_body_bytes(PNG),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/get_material"))
        .and(wiremock::matchers::body_json(json!({"media_id": "VID"})))
        .respond_with(json_response(
            json!({"title": "T", "description": "D", "down_url": "http://x/v.mp4"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let file = mp.media().get_material("IMG").await.unwrap();
    assert_eq!(&file.bytes[..], PNG);
    let video = mp.media().get_video_material("VID").await.unwrap();
    assert_eq!(video.down_url, "http://x/v.mp4");
    assert_eq!(video.title, "T");
}

#[tokio::test]
async fn media_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let media = mp.media();
    fail_with(&server, "/cgi-bin/media/upload", 40004).await;
    assert_eq!(
        api_code(media.upload_temp(MediaType::Voice, "a.amr", UPLOAD).await),
        40004
    );
    fail_with(&server, "/cgi-bin/media/uploadimg", 40009).await;
    assert_eq!(
        api_code(media.upload_article_image("a.png", UPLOAD).await),
        40009
    );
    fail_with(&server, "/cgi-bin/media/get", 40007).await;
    assert_eq!(api_code(media.get_temp_video("X").await), 40007);
    fail_with(&server, "/cgi-bin/material/add_material", 45001).await;
    assert_eq!(
        api_code(media.add_material(MediaType::Image, "a.png", UPLOAD).await),
        45001
    );
    let d = VideoDescription::default();
    assert_eq!(
        api_code(media.add_video_material("v.mp4", UPLOAD, &d).await),
        45001
    );
    fail_with(&server, "/cgi-bin/material/get_material", 40007).await;
    assert_eq!(api_code(media.get_material("X").await), 40007);
    assert_eq!(api_code(media.get_video_material("X").await), 40007);
    fail_with(&server, "/cgi-bin/material/del_material", 40007).await;
    assert_eq!(api_code(media.del_material("X").await), 40007);
    fail_with(&server, "/cgi-bin/material/get_materialcount", 48001).await;
    assert_eq!(api_code(media.material_count().await), 48001);
    fail_with(&server, "/cgi-bin/material/batchget_material", 40004).await;
    assert_eq!(
        api_code(media.list_material(MediaType::Voice, 0, 1).await),
        40004
    );
}

#[tokio::test]
async fn media_api_works_from_a_bare_api_client() {
    // The mini-program crate builds the handle from its own app's ApiClient.
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/media/upload",
        &[("type", "image")],
        None,
        json_response(json!({"type": "image", "media_id": "M", "created_at": 2})),
    )
    .await;
    let media = MediaApi::new(mp.app().api().clone());
    assert_eq!(
        media
            .upload_temp(MediaType::Image, "x.jpg", UPLOAD)
            .await
            .unwrap()
            .media_id,
        "M"
    );
}
