//! Followers and tags.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::Lang;

#[tokio::test]
async fn info_passes_openid_and_lang() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/user/info",
        &[
            ("openid", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"),
            ("lang", "zh_CN"),
        ],
        None,
        json_response(json!({
            "subscribe": 1, "openid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "language": "zh_CN",
            "subscribe_time": 1382694957, "unionid": "o6_bmasdasdsad6_2sgVt7hMZOPfL",
            "remark": "", "groupid": 0, "tagid_list": [128, 2],
            "subscribe_scene": "ADD_SCENE_QR_CODE", "qr_scene": 98765, "qr_scene_str": ""
        })),
    )
    .await;
    let info = mp
        .user()
        .info("o6_bmjrPTlm6_2sgVt7hMZOPfL2M", Lang::ZhCn)
        .await
        .unwrap();
    assert!(info.subscribed());
    assert_eq!(info.tagid_list, [128, 2]);
    assert_eq!(info.subscribe_scene.as_deref(), Some("ADD_SCENE_QR_CODE"));
    assert_eq!(info.qr_scene, Some(98765));
    assert_eq!(
        info.unionid.as_deref(),
        Some("o6_bmasdasdsad6_2sgVt7hMZOPfL")
    );
}

#[tokio::test]
async fn batch_info_and_unsubscribed_users() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/user/info/batchget",
        &[],
        Some(json!({"user_list": [
            {"openid": "o1", "lang": "en"}, {"openid": "o2", "lang": "en"}
        ]})),
        json_response(json!({"user_info_list": [
            {"subscribe": 1, "openid": "o1", "tagid_list": []},
            {"subscribe": 0, "openid": "o2"}
        ]})),
    )
    .await;
    let users = mp.user().batch_info(&["o1", "o2"], Lang::En).await.unwrap();
    assert_eq!(users.len(), 2);
    assert!(users[0].subscribed());
    assert!(!users[1].subscribed());
    assert_eq!(users[1].subscribe_time, None);
}

#[tokio::test]
async fn list_pages_with_next_openid() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/user/get",
        &[("next_openid", "o2")],
        None,
        json_response(
            json!({"total": 3, "count": 1, "data": {"openid": ["o3"]}, "next_openid": "o3"}),
        ),
    )
    .await;
    let page = mp.user().list("o2").await.unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.openids, ["o3"]);
    assert_eq!(page.next_openid, "o3");

    // The first page has no next_openid parameter at all.
    server.reset().await;
    mount_tokens(&server, &[TOKEN]).await;
    wiremock::Mock::given(wiremock::matchers::path("/cgi-bin/user/get"))
        .and(wiremock::matchers::query_param_is_missing("next_openid"))
        .and(wiremock::matchers::query_param("access_token", TOKEN))
        .respond_with(json_response(
            json!({"total": 0, "count": 0, "next_openid": ""}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let page = mp.user().list("").await.unwrap();
    assert!(page.openids.is_empty());
}

#[tokio::test]
async fn update_remark_posts_openid_and_remark() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/user/info/updateremark",
        &[],
        Some(json!({"openid": "o1", "remark": "pangzi"})),
        ok(),
    )
    .await;
    mp.user().update_remark("o1", "pangzi").await.unwrap();
}

#[tokio::test]
async fn blacklist_calls() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/members/getblacklist",
        &[],
        Some(json!({"begin_openid": ""})),
        json_response(
            json!({"total": 2, "count": 2, "data": {"openid": ["o1", "o2"]},
                             "next_openid": "o2"}),
        ),
    )
    .await;
    let page = mp.user().blacklist("").await.unwrap();
    assert_eq!(page.openids, ["o1", "o2"]);
    assert_eq!(page.total, Some(2));
    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/members/batchblacklist",
        &[],
        Some(json!({"openid_list": ["o1", "o2"]})),
        ok(),
    )
    .await;
    mp.user().block(&["o1", "o2"]).await.unwrap();
    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/members/batchunblacklist",
        &[],
        Some(json!({"openid_list": ["o1"]})),
        ok(),
    )
    .await;
    mp.user().unblock(&["o1"]).await.unwrap();
}

#[tokio::test]
async fn user_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let user = mp.user();
    fail_with(&server, "/cgi-bin/user/info", 40003).await;
    assert_eq!(api_code(user.info("bad", Lang::ZhCn).await), 40003);
    fail_with(&server, "/cgi-bin/user/info/batchget", 40003).await;
    assert_eq!(api_code(user.batch_info(&["bad"], Lang::ZhCn).await), 40003);
    fail_with(&server, "/cgi-bin/user/get", 40013).await;
    assert_eq!(api_code(user.list("").await), 40013);
    fail_with(&server, "/cgi-bin/user/info/updateremark", 45009).await;
    assert_eq!(api_code(user.update_remark("o", "r").await), 45009);
    fail_with(&server, "/cgi-bin/tags/members/getblacklist", 40003).await;
    assert_eq!(api_code(user.blacklist("bad").await), 40003);
    fail_with(&server, "/cgi-bin/tags/members/batchblacklist", 49003).await;
    assert_eq!(api_code(user.block(&["o"]).await), 49003);
    fail_with(&server, "/cgi-bin/tags/members/batchunblacklist", 40003).await;
    assert_eq!(api_code(user.unblock(&["o"]).await), 40003);
}

#[tokio::test]
async fn tag_calls() {
    let (server, mp) = setup().await;
    let tags = mp.tags();
    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/create",
        &[],
        Some(json!({"tag": {"name": "广东"}})),
        json_response(json!({"tag": {"id": 134, "name": "广东"}})),
    )
    .await;
    let tag = tags.create("广东").await.unwrap();
    assert_eq!((tag.id, tag.name.as_str()), (134, "广东"));

    expect_call(
        &server,
        "GET",
        "/cgi-bin/tags/get",
        &[],
        None,
        json_response(json!({"tags": [
            {"id": 1, "name": "每天一罐可乐星人", "count": 0},
            {"id": 134, "name": "广东", "count": 5}
        ]})),
    )
    .await;
    let list = tags.list().await.unwrap();
    assert_eq!(list[1].count, 5);

    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/update",
        &[],
        Some(json!({"tag": {"id": 134, "name": "广东人"}})),
        ok(),
    )
    .await;
    tags.update(134, "广东人").await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/delete",
        &[],
        Some(json!({"tag": {"id": 134}})),
        ok(),
    )
    .await;
    tags.delete(134).await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/members/batchtagging",
        &[],
        Some(json!({"openid_list": ["o1", "o2"], "tagid": 134})),
        ok(),
    )
    .await;
    tags.tag_users(134, &["o1", "o2"]).await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/members/batchuntagging",
        &[],
        Some(json!({"openid_list": ["o1"], "tagid": 134})),
        ok(),
    )
    .await;
    tags.untag_users(134, &["o1"]).await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/tags/getidlist",
        &[],
        Some(json!({"openid": "o1"})),
        json_response(json!({"tagid_list": [134, 2]})),
    )
    .await;
    assert_eq!(tags.user_tags("o1").await.unwrap(), [134, 2]);

    expect_call(
        &server,
        "POST",
        "/cgi-bin/user/tag/get",
        &[],
        Some(json!({"tagid": 134, "next_openid": ""})),
        json_response(json!({"count": 2, "data": {"openid": ["o1", "o2"]}, "next_openid": "o2"})),
    )
    .await;
    let page = tags.users(134, "").await.unwrap();
    assert_eq!(page.openids, ["o1", "o2"]);
    assert_eq!(page.total, None);
}

#[tokio::test]
async fn tag_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let tags = mp.tags();
    fail_with(&server, "/cgi-bin/tags/create", 45157).await;
    assert_eq!(api_code(tags.create("dup").await), 45157);
    fail_with(&server, "/cgi-bin/tags/get", 48001).await;
    assert_eq!(api_code(tags.list().await), 48001);
    fail_with(&server, "/cgi-bin/tags/update", 45058).await;
    assert_eq!(api_code(tags.update(1, "x").await), 45058);
    fail_with(&server, "/cgi-bin/tags/delete", 45058).await;
    assert_eq!(api_code(tags.delete(1).await), 45058);
    fail_with(&server, "/cgi-bin/tags/members/batchtagging", 45059).await;
    assert_eq!(api_code(tags.tag_users(2, &["o"]).await), 45059);
    fail_with(&server, "/cgi-bin/tags/members/batchuntagging", 40032).await;
    assert_eq!(api_code(tags.untag_users(2, &["o"]).await), 40032);
    fail_with(&server, "/cgi-bin/tags/getidlist", 40003).await;
    assert_eq!(api_code(tags.user_tags("bad").await), 40003);
    fail_with(&server, "/cgi-bin/user/tag/get", 40003).await;
    assert_eq!(api_code(tags.users(2, "").await), 40003);
}
