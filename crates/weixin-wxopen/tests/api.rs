//! Every mini-program API against wiremock: method, path, token, query, JSON body, the typed
//! answer, and the typed error for a non-zero errcode.

mod support;

use serde_json::json;
use support::*;
use weixin_mp::api::custom::{CustomMessage, Link, MiniProgramPage, Typing};
use weixin_mp::api::media::MediaType as TempMediaType;
use weixin_wxopen::api::WxOpenApi;
use weixin_wxopen::api::links::{Expiry, LinkTarget};
use weixin_wxopen::api::security::{MediaCheck, MediaType, MsgSecCheck, Scene};
use weixin_wxopen::api::subscribe::{MiniProgramState, SubscribeMessage};
use weixin_wxopen::api::wxacode::{EnvVersion, UnlimitedWxaCode, WxaCode};
use wiremock::matchers::{
    body_json, body_string_contains, header_regex, method, path, query_param,
};
use wiremock::{Mock, ResponseTemplate};

async fn api() -> (wiremock::MockServer, WxOpenApi) {
    let (server, _weixin, app) = setup().await;
    (server, WxOpenApi::new(app))
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000IHDR";

#[tokio::test]
async fn wxacode_limited_image_and_error() {
    let (server, api) = api().await;
    expect_call(
        &server,
        "POST",
        "/wxa/getwxacode",
        &[],
        Some(json!({"path": "pages/index/index?id=1", "width": 430, "env_version": "trial"})),
        ResponseTemplate::new(200)
            .insert_header("content-type", "image/png")
            .set_body_bytes(PNG),
    )
    .await;
    let image = api
        .wxacode()
        .get(
            &WxaCode::new("pages/index/index?id=1")
                .width(430)
                .env_version(EnvVersion::Trial),
        )
        .await
        .unwrap();
    assert_eq!(&image.bytes[..], PNG);
    assert_eq!(image.content_type.as_deref(), Some("image/png"));

    let (server, api) = support_api_with_error("/wxa/getwxacode", 45029).await;
    assert_api_error(api.wxacode().get(&WxaCode::new("p")).await, 45029);
    drop(server);
}

async fn support_api_with_error(api_path: &str, code: i64) -> (wiremock::MockServer, WxOpenApi) {
    let (server, api) = api().await;
    // WeChat answers errors with a JSON body, sometimes declared as image/jpeg.
    Mock::given(method("POST"))
        .and(path(api_path))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/jpeg")
                .set_body_string(format!(r#"{{"errcode":{code},"errmsg":"err rid: 1"}}"#)),
        )
        .expect(1)
        .mount(&server)
        .await;
    (server, api)
}

#[tokio::test]
async fn wxacode_unlimited_image_and_error() {
    let (server, api) = api().await;
    expect_call(
        &server,
        "POST",
        "/wxa/getwxacodeunlimit",
        &[],
        Some(
            json!({"scene": "id=42", "page": "pages/item/item", "check_path": false, "width": 280}),
        ),
        ResponseTemplate::new(200)
            .insert_header("content-type", "image/jpeg")
            .set_body_bytes(PNG),
    )
    .await;
    let code = UnlimitedWxaCode::new("id=42")
        .page("pages/item/item")
        .check_path(false)
        .width(280);
    assert_eq!(
        &api.wxacode().get_unlimited(&code).await.unwrap().bytes[..],
        PNG
    );

    let (_server, api) = support_api_with_error("/wxa/getwxacodeunlimit", 41030).await;
    assert_api_error(
        api.wxacode()
            .get_unlimited(&UnlimitedWxaCode::new("x"))
            .await,
        41030,
    );
}

#[tokio::test]
async fn wxacode_json_without_errcode_is_not_an_image() {
    let (server, api) = api().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/wxaapp/createwxaqrcode"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    let err = api
        .wxacode()
        .create_qrcode("pages/index", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind_name(), "decode", "{err}");
}

#[tokio::test]
async fn create_qrcode() {
    let (server, api) = api().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/wxaapp/createwxaqrcode",
        &[],
        Some(json!({"path": "page/index/index", "width": 430})),
        ResponseTemplate::new(200)
            .insert_header("content-type", "image/jpeg")
            .set_body_bytes(PNG),
    )
    .await;
    assert_eq!(
        &api.wxacode()
            .create_qrcode("page/index/index", Some(430))
            .await
            .unwrap()
            .bytes[..],
        PNG
    );
    let (_s, api) = support_api_with_error("/cgi-bin/wxaapp/createwxaqrcode", 40159).await;
    assert_api_error(api.wxacode().create_qrcode("", None).await, 40159);
}

#[tokio::test]
async fn subscribe_send() {
    let (server, api) = api().await;
    expect_call(&server, "POST", "/cgi-bin/message/subscribe/send", &[],
        Some(json!({"touser": "OPENID", "template_id": "TEMPLATE_ID", "page": "index", "miniprogram_state": "developer", "lang": "zh_CN",
            "data": {"number01": {"value": "339208499"}, "date01": {"value": "2015年01月05日"}}})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "msgid": 1700827132819554304u64}))).await;
    let message = SubscribeMessage::new("OPENID", "TEMPLATE_ID")
        .page("index")
        .state(MiniProgramState::Developer)
        .lang("zh_CN")
        .data("number01", "339208499")
        .data("date01", "2015年01月05日");
    let sent = api.subscribe().send(&message).await.unwrap();
    assert_eq!(sent.msgid, Some(1700827132819554304));

    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(errcode(43101))
        .mount(&server)
        .await;
    assert_api_error(
        api.subscribe()
            .send(&SubscribeMessage::new("other", "T"))
            .await,
        43101,
    );
}

#[tokio::test]
async fn subscribe_templates() {
    let (server, api) = api().await;
    expect_call(&server, "GET", "/wxaapi/newtmpl/gettemplate", &[], None, json_response(json!({"errcode": 0, "data": [
        {"priTmplId": "9Aw5ZV1j9xdWTFEkqCpZ7mIBbSC34khK55OtzUPl0rU", "title": "报名结果通知", "content": "会议时间:{{date2.DATA}}", "example": "x", "type": 2}]}))).await;
    let list = api.subscribe().templates().await.unwrap();
    assert_eq!(
        list[0].pri_tmpl_id,
        "9Aw5ZV1j9xdWTFEkqCpZ7mIBbSC34khK55OtzUPl0rU"
    );
    assert_eq!(list[0].kind, 2);

    expect_call(
        &server,
        "POST",
        "/wxaapi/newtmpl/addtemplate",
        &[],
        Some(json!({"tid": "401", "kidList": [1, 2], "sceneDesc": "demo"})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "priTmplId": "new-id"})),
    )
    .await;
    assert_eq!(
        api.subscribe()
            .add_template("401", &[1, 2], Some("demo"))
            .await
            .unwrap(),
        "new-id"
    );

    expect_call(
        &server,
        "POST",
        "/wxaapi/newtmpl/deltemplate",
        &[],
        Some(json!({"priTmplId": "new-id"})),
        ok(),
    )
    .await;
    api.subscribe().delete_template("new-id").await.unwrap();

    expect_call(
        &server,
        "GET",
        "/wxaapi/newtmpl/getcategory",
        &[],
        None,
        json_response(json!({"errcode": 0, "data": [{"id": 616, "name": "公交"}]})),
    )
    .await;
    assert_eq!(api.subscribe().categories().await.unwrap()[0].id, 616);

    expect_call(&server, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", &[("ids", "2,616"), ("start", "0"), ("limit", "1")], None,
        json_response(json!({"errcode": 0, "count": 55, "data": [{"tid": 99, "title": "付款成功通知", "type": 2, "categoryId": "616"}]}))).await;
    let titles = api
        .subscribe()
        .pub_template_titles(&[2, 616], 0, 1)
        .await
        .unwrap();
    assert_eq!(
        (
            titles.count,
            titles.data[0].tid,
            titles.data[0].category_id.as_str()
        ),
        (55, 99, "616")
    );

    expect_call(&server, "GET", "/wxaapi/newtmpl/getpubtemplatekeywords", &[("tid", "99")], None,
        json_response(json!({"errcode": 0, "count": 1, "data": [{"kid": 1, "name": "物品名称", "example": "名称", "rule": "thing"}]}))).await;
    assert_eq!(
        api.subscribe().pub_template_keywords("99").await.unwrap()[0].rule,
        "thing"
    );

    Mock::given(method("POST"))
        .and(path("/wxaapi/newtmpl/deltemplate"))
        .respond_with(errcode(200014))
        .mount(&server)
        .await;
    assert_api_error(api.subscribe().delete_template("x").await, 200014);
}

#[tokio::test]
async fn phone_number() {
    let (server, api) = api().await;
    expect_call(&server, "POST", "/wxa/business/getuserphonenumber", &[], Some(json!({"code": "e31968a7"})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "phone_info": {"phoneNumber": "13123456789", "purePhoneNumber": "13123456789", "countryCode": 86,
            "watermark": {"timestamp": 1637744274, "appid": APPID}}}))).await;
    let phone = api.phone().get_user_phone_number("e31968a7").await.unwrap();
    assert_eq!(phone.phone_number, "13123456789");
    assert_eq!(phone.country_code, "86");
    assert_eq!(
        phone.watermark.as_ref().map(|w| w.appid.as_str()),
        Some(APPID)
    );
    assert_eq!(phone.watermark.map(|w| w.timestamp), Some(1637744274));
    Mock::given(method("POST"))
        .and(path("/wxa/business/getuserphonenumber"))
        .and(body_json(json!({"code": "for-other-app"})))
        .respond_with(json_response(json!({"errcode": 0, "errmsg": "ok", "phone_info": {"phoneNumber": "1", "purePhoneNumber": "1", "countryCode": "86",
            "watermark": {"timestamp": 1637744274, "appid": "wx_someone_else"}}})))
        .mount(&server)
        .await;
    let err = api
        .phone()
        .get_user_phone_number("for-other-app")
        .await
        .unwrap_err();
    assert!(
        matches!(err, weixin_core::Error::Decode { .. })
            && err.to_string().contains("wx_someone_else"),
        "{err}"
    );
    Mock::given(method("POST"))
        .and(path("/wxa/business/getuserphonenumber"))
        .respond_with(errcode(40029))
        .mount(&server)
        .await;
    assert_api_error(api.phone().get_user_phone_number("used").await, 40029);
}

#[tokio::test]
async fn msg_sec_check() {
    let (server, api) = api().await;
    expect_call(&server, "POST", "/wxa/msg_sec_check", &[],
        Some(json!({"version": 2, "openid": "OPENID", "scene": 2, "content": "hello"})),
        json_response(json!({"errcode":0,"errmsg":"ok","detail":[{"strategy":"content_model","errcode":0,"suggest":"pass","label":100,"prob":90},{"strategy":"keyword","errcode":0}],"trace_id":"6630be4c-08a7409b-4c8d87ef","result":{"suggest":"pass","label":100}}))).await;
    let result = api
        .security()
        .msg_sec_check(&MsgSecCheck::new("OPENID", Scene::Comment, "hello"))
        .await
        .unwrap();
    assert!(result.result.is_pass());
    assert_eq!(result.result.label, "100");
    assert_eq!(result.detail.len(), 2);
    assert_eq!(result.trace_id, "6630be4c-08a7409b-4c8d87ef");
    Mock::given(method("POST"))
        .and(path("/wxa/msg_sec_check"))
        .respond_with(errcode(40129))
        .mount(&server)
        .await;
    assert_api_error(
        api.security()
            .msg_sec_check(&MsgSecCheck::new("o", Scene::Profile, "x"))
            .await,
        40129,
    );
}

#[tokio::test]
async fn img_sec_check_is_multipart() {
    let (server, api) = api().await;
    Mock::given(method("POST"))
        .and(path("/wxa/img_sec_check"))
        .and(query_param("access_token", TOKEN))
        .and(header_regex("content-type", "^multipart/form-data"))
        .and(body_string_contains("name=\"media\""))
        .and(body_string_contains("filename=\"a.png\""))
        .and(body_string_contains("GIF89a-not-really"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    // ASCII bytes: wiremock's body_string_contains needs a UTF-8 body.
    api.security()
        .img_sec_check("a.png", "image/png", &b"GIF89a-not-really"[..])
        .await
        .unwrap();
    let (server, api) = self::api().await;
    Mock::given(method("POST"))
        .and(path("/wxa/img_sec_check"))
        .respond_with(errcode(87014))
        .mount(&server)
        .await;
    assert_api_error(
        api.security()
            .img_sec_check("a.png", "image/png", PNG)
            .await,
        87014,
    );
}

#[tokio::test]
async fn media_check_async() {
    let (server, api) = api().await;
    expect_call(&server, "POST", "/wxa/media_check_async", &[],
        Some(json!({"media_url": "https://example.com/a.png", "media_type": 2, "version": 2, "openid": "OPENID", "scene": 1})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "trace_id": "967e945cd8a3e458f3c74dcb886068e9"}))).await;
    let check = MediaCheck::new(
        "https://example.com/a.png",
        MediaType::Image,
        "OPENID",
        Scene::Profile,
    );
    assert_eq!(
        api.security().media_check_async(&check).await.unwrap(),
        "967e945cd8a3e458f3c74dcb886068e9"
    );
    Mock::given(method("POST"))
        .and(path("/wxa/media_check_async"))
        .respond_with(errcode(40003))
        .mount(&server)
        .await;
    let other = MediaCheck::new(
        "https://example.com/b.mp3",
        MediaType::Audio,
        "bad",
        Scene::Forum,
    );
    assert_api_error(api.security().media_check_async(&other).await, 40003);
}

#[tokio::test]
async fn links() {
    let (server, api) = api().await;
    expect_call(&server, "POST", "/wxa/generatescheme", &[],
        Some(json!({"jump_wxa": {"path": "pages/index/index", "query": "a=1"}, "is_expire": true, "expire_type": 1, "expire_interval": 30})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "openlink": "weixin://dl/business/?t=8sg7zkhUnKg"}))).await;
    let target = LinkTarget::new("pages/index/index", "a=1");
    assert_eq!(
        api.links()
            .generate_scheme(&target, Some(Expiry::Days(30)))
            .await
            .unwrap(),
        "weixin://dl/business/?t=8sg7zkhUnKg"
    );

    expect_call(&server, "POST", "/wxa/generate_urllink", &[],
        Some(json!({"path": "pages/index/index", "query": "a=1", "is_expire": true, "expire_type": 0, "expire_time": 1800000000})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "url_link": "https://wxaurl.cn/BQZRrcFCPvg"}))).await;
    assert_eq!(
        api.links()
            .generate_url_link(&target, Some(Expiry::At(1_800_000_000)))
            .await
            .unwrap(),
        "https://wxaurl.cn/BQZRrcFCPvg"
    );

    expect_call(
        &server,
        "POST",
        "/wxa/genwxashortlink",
        &[],
        Some(json!({"page_url": "pages/a/a?q=1", "page_title": "Title", "is_permanent": false})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "link": "#小程序://x/y"})),
    )
    .await;
    assert_eq!(
        api.links()
            .generate_short_link("pages/a/a?q=1", Some("Title"), false)
            .await
            .unwrap(),
        "#小程序://x/y"
    );

    Mock::given(method("POST"))
        .and(path("/wxa/generatescheme"))
        .respond_with(errcode(85079))
        .mount(&server)
        .await;
    assert_api_error(
        api.links()
            .generate_scheme(&LinkTarget::default(), None)
            .await,
        85079,
    );
}

#[tokio::test]
async fn a_link_without_expiry_asks_for_the_longest_validity() {
    // The platform requires the fields of the expiry type (type 0 needs `expire_time`), so a
    // request without them is refused; no expiry means 30 days.
    let (server, api) = api().await;
    expect_call(
        &server,
        "POST",
        "/wxa/generatescheme",
        &[],
        Some(json!({"jump_wxa": {}, "is_expire": true, "expire_type": 1, "expire_interval": 30})),
        json_response(
            json!({"errcode": 0, "errmsg": "ok", "openlink": "weixin://dl/business/?t=x"}),
        ),
    )
    .await;
    api.links()
        .generate_scheme(&LinkTarget::default(), None)
        .await
        .unwrap();
    expect_call(
        &server,
        "POST",
        "/wxa/generate_urllink",
        &[],
        Some(json!({"is_expire": true, "expire_type": 1, "expire_interval": 30})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "url_link": "https://wxaurl.cn/x"})),
    )
    .await;
    api.links()
        .generate_url_link(&LinkTarget::default(), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn datacube() {
    let (server, api) = api().await;
    let range = json!({"begin_date": "20170313", "end_date": "20170313"});
    expect_call(&server, "POST", "/datacube/getweanalysisappiddailysummarytrend", &[], Some(range.clone()),
        json_response(json!({"list": [{"ref_date": "20170313", "visit_total": 391, "share_pv": 572, "share_uv": 383}]}))).await;
    let s = api
        .datacube()
        .daily_summary("20170313", "20170313")
        .await
        .unwrap();
    assert_eq!(
        (s[0].visit_total, s[0].share_pv, s[0].share_uv),
        (391, 572, 383)
    );
    expect_call(&server, "POST", "/datacube/getweanalysisappiddailyvisittrend", &[], Some(range),
        json_response(json!({"list": [{"ref_date": "20170313","session_cnt": 142549,"visit_pv": 472351,"visit_uv": 55500,"visit_uv_new": 5464,"stay_time_session": 0,"visit_depth": 1.9838}]}))).await;
    let t = api
        .datacube()
        .daily_visit_trend("20170313", "20170313")
        .await
        .unwrap();
    assert_eq!(t[0].visit_pv, 472351);
    assert!((t[0].visit_depth - 1.9838).abs() < 1e-9);
    Mock::given(method("POST"))
        .and(path("/datacube/getweanalysisappiddailyvisittrend"))
        .respond_with(errcode(61501))
        .mount(&server)
        .await;
    assert_api_error(api.datacube().daily_visit_trend("1", "2").await, 61501);
}

#[tokio::test]
async fn customer_service_through_weixin_mp() {
    let (server, api) = api().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/custom/send",
        &[],
        Some(json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "Hello World"}})),
        ok(),
    )
    .await;
    api.custom()
        .send(&CustomMessage::text("OPENID", "Hello World"))
        .await
        .unwrap();
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/custom/send",
        &[],
        Some(json!({"touser": "OPENID", "msgtype": "image", "image": {"media_id": "MEDIA_ID"}})),
        ok(),
    )
    .await;
    api.custom()
        .send(&CustomMessage::image("OPENID", "MEDIA_ID"))
        .await
        .unwrap();
    expect_call(&server, "POST", "/cgi-bin/message/custom/send", &[],
        Some(json!({"touser": "OPENID", "msgtype": "link", "link": {"title": "Happy Day", "description": "Is Really A Happy Day", "url": "URL", "thumb_url": "THUMB_URL"}})), ok()).await;
    let link = Link {
        title: "Happy Day".into(),
        description: "Is Really A Happy Day".into(),
        url: "URL".into(),
        thumb_url: "THUMB_URL".into(),
    };
    api.custom()
        .send(&CustomMessage::link("OPENID", link))
        .await
        .unwrap();
    expect_call(&server, "POST", "/cgi-bin/message/custom/send", &[],
        Some(json!({"touser": "OPENID", "msgtype": "miniprogrampage", "miniprogrampage": {"title": "title", "pagepath": "pages/index/index?foo=bar", "thumb_media_id": "MEDIA_ID"}})), ok()).await;
    let page = MiniProgramPage {
        title: "title".into(),
        appid: None,
        pagepath: "pages/index/index?foo=bar".into(),
        thumb_media_id: "MEDIA_ID".into(),
    };
    api.custom()
        .send(&CustomMessage::miniprogram_page("OPENID", page))
        .await
        .unwrap();
    // Mini programs type at custom/business/typing.
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/custom/business/typing",
        &[],
        Some(json!({"touser": "OPENID", "command": "Typing"})),
        ok(),
    )
    .await;
    api.custom().typing("OPENID", Typing::Start).await.unwrap();
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(errcode(45015))
        .mount(&server)
        .await;
    assert_api_error(
        api.custom().send(&CustomMessage::text("o", "late")).await,
        45015,
    );
}

#[tokio::test]
async fn temporary_media_through_weixin_mp() {
    let (server, api) = api().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/media/upload"))
        .and(query_param("access_token", TOKEN))
        .and(query_param("type", "image"))
        .respond_with(json_response(
            json!({"type": "image", "media_id": "MEDIA_ID", "created_at": 1672500000}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let media = api
        .media()
        .upload_temp(TempMediaType::Image, "a.png", PNG.to_vec())
        .await
        .unwrap();
    assert_eq!(media.media_id, "MEDIA_ID");
}

#[tokio::test]
async fn quota_through_weixin_mp() {
    let (server, api) = api().await;
    Mock::given(method("POST")).and(path("/cgi-bin/openapi/quota/get")).and(query_param("access_token", TOKEN))
        .respond_with(json_response(json!({"errcode": 0, "errmsg": "ok", "quota": {"daily_limit": 100, "used": 1, "remain": 99}})))
        .expect(1).mount(&server).await;
    let quota = api.quota().quota("/wxa/getwxacode").await.unwrap();
    assert_eq!((quota.daily_limit, quota.used, quota.remain), (100, 1, 99));
}

#[tokio::test]
async fn token_from_the_broker_is_refreshed_once_when_rejected() {
    let (server, api) = api().await;
    Mock::given(method("POST"))
        .and(path("/wxa/generate_urllink"))
        .and(query_param("access_token", TOKEN))
        .respond_with(errcode(40001))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/wxa/generate_urllink"))
        .respond_with(json_response(json!({"url_link": "https://wxaurl.cn/x"})))
        .with_priority(2)
        .mount(&server)
        .await;
    assert_eq!(
        api.links()
            .generate_url_link(&LinkTarget::default(), None)
            .await
            .unwrap(),
        "https://wxaurl.cn/x"
    );
}
