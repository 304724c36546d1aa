//! Customer-service accounts and sessions.

mod api_support;

use api_support::*;
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{body_string_contains, method, path, query_param};

#[tokio::test]
async fn account_lists() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "GET",
        "/cgi-bin/customservice/getkflist",
        &[],
        None,
        json_response(json!({"kf_list": [
            {"kf_account": "test1@test", "kf_headimgurl": "http://x/1", "kf_id": "1001",
             "kf_nick": "ntest1", "kf_wx": "kfwx1"},
            {"kf_account": "test2@test", "kf_headimgurl": "http://x/2", "kf_id": 1002,
             "kf_nick": "ntest2", "invite_wx": "kfwx2", "invite_expire_time": 123456789,
             "invite_status": "waiting"}
        ]})),
    )
    .await;
    let list = mp.kf().list().await.unwrap();
    assert_eq!(list[0].kf_id, "1001");
    assert_eq!(list[0].kf_wx.as_deref(), Some("kfwx1"));
    assert_eq!(list[1].kf_id, "1002");
    assert_eq!(list[1].invite_status.as_deref(), Some("waiting"));

    expect_call(
        &server,
        "GET",
        "/cgi-bin/customservice/getonlinekflist",
        &[],
        None,
        json_response(json!({"kf_online_list": [
            {"kf_account": "test1@test", "status": 1, "kf_id": "1001", "accepted_case": 1}
        ]})),
    )
    .await;
    let online = mp.kf().online().await.unwrap();
    assert_eq!((online[0].status, online[0].accepted_case), (1, 1));
}

#[tokio::test]
async fn account_management() {
    let (server, mp) = setup().await;
    let kf = mp.kf();
    let account = json!({"kf_account": "test1@test", "nickname": "客服1"});
    expect_call(
        &server,
        "POST",
        "/customservice/kfaccount/add",
        &[],
        Some(account.clone()),
        ok(),
    )
    .await;
    kf.add("test1@test", "客服1").await.unwrap();
    expect_call(
        &server,
        "POST",
        "/customservice/kfaccount/update",
        &[],
        Some(account),
        ok(),
    )
    .await;
    kf.update("test1@test", "客服1").await.unwrap();
    expect_call(
        &server,
        "POST",
        "/customservice/kfaccount/inviteworker",
        &[],
        Some(json!({"kf_account": "test1@test", "invite_wx": "test_kfwx"})),
        ok(),
    )
    .await;
    kf.invite_worker("test1@test", "test_kfwx").await.unwrap();
    expect_call(
        &server,
        "POST",
        "/customservice/kfaccount/del",
        &[],
        Some(json!({"kf_account": "test1@test"})),
        ok(),
    )
    .await;
    kf.delete("test1@test").await.unwrap();
    Mock::given(method("POST"))
        .and(path("/customservice/kfaccount/uploadheadimg"))
        .and(query_param("access_token", TOKEN))
        .and(query_param("kf_account", "test1@test"))
        .and(body_string_contains(r#"name="media"; filename="head.jpg""#))
        .and(body_string_contains("Content-Type: image/jpeg"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    kf.upload_head_image("test1@test", "head.jpg", &b"jpeg-body"[..])
        .await
        .unwrap();
}

#[tokio::test]
async fn sessions() {
    let (server, mp) = setup().await;
    let kf = mp.kf();
    let body = json!({"kf_account": "test1@test", "openid": "OPENID"});
    expect_call(
        &server,
        "POST",
        "/customservice/kfsession/create",
        &[],
        Some(body.clone()),
        ok(),
    )
    .await;
    kf.create_session("test1@test", "OPENID").await.unwrap();
    expect_call(
        &server,
        "POST",
        "/customservice/kfsession/close",
        &[],
        Some(body),
        ok(),
    )
    .await;
    kf.close_session("test1@test", "OPENID").await.unwrap();
    expect_call(
        &server,
        "GET",
        "/customservice/kfsession/getsession",
        &[("openid", "OPENID")],
        None,
        json_response(json!({"createtime": 123456789, "kf_account": "test1@test"})),
    )
    .await;
    let session = kf.session("OPENID").await.unwrap();
    assert_eq!(session.kf_account, "test1@test");
    assert_eq!(session.createtime, 123456789);
}

#[tokio::test]
async fn kf_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let kf = mp.kf();
    fail_with(&server, "/cgi-bin/customservice/getkflist", 48001).await;
    assert_eq!(api_code(kf.list().await), 48001);
    fail_with(&server, "/cgi-bin/customservice/getonlinekflist", 48001).await;
    assert_eq!(api_code(kf.online().await), 48001);
    fail_with(&server, "/customservice/kfaccount/add", 65400).await;
    assert_eq!(api_code(kf.add("a@b", "n").await), 65400);
    fail_with(&server, "/customservice/kfaccount/update", 65401).await;
    assert_eq!(api_code(kf.update("a@b", "n").await), 65401);
    fail_with(&server, "/customservice/kfaccount/inviteworker", 65408).await;
    assert_eq!(api_code(kf.invite_worker("a@b", "wx").await), 65408);
    fail_with(&server, "/customservice/kfaccount/uploadheadimg", 40005).await;
    assert_eq!(
        api_code(kf.upload_head_image("a@b", "h.jpg", &b"x"[..]).await),
        40005
    );
    fail_with(&server, "/customservice/kfaccount/del", 65401).await;
    assert_eq!(api_code(kf.delete("a@b").await), 65401);
    fail_with(&server, "/customservice/kfsession/create", 65415).await;
    assert_eq!(api_code(kf.create_session("a@b", "o").await), 65415);
    fail_with(&server, "/customservice/kfsession/close", 65416).await;
    assert_eq!(api_code(kf.close_session("a@b", "o").await), 65416);
    fail_with(&server, "/customservice/kfsession/getsession", 40003).await;
    assert_eq!(api_code(kf.session("bad").await), 40003);
}
