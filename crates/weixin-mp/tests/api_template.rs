//! Template messages, private templates, industry.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::template::TemplateMessage;

#[tokio::test]
async fn send_posts_the_documented_body_and_returns_the_msgid() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/message/template/send",
        &[],
        Some(json!({
            "touser": "OPENID",
            "template_id": "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
            "url": "http://weixin.qq.com/download",
            "miniprogram": {"appid": "xiaochengxuappid12345", "pagepath": "index?foo=bar"},
            "client_msg_id": "MSG_000001",
            "data": {
                "keyword1": {"value": "巧克力"},
                "keyword2": {"value": "39.8元", "color": "#173177"}
            }
        })),
        json_response(json!({"errcode": 0, "errmsg": "ok", "msgid": 200228332})),
    )
    .await;
    let message = TemplateMessage::new("OPENID", "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY")
        .url("http://weixin.qq.com/download")
        .miniprogram("xiaochengxuappid12345", "index?foo=bar")
        .client_msg_id("MSG_000001")
        .data("keyword1", "巧克力")
        .data_with_color("keyword2", "39.8元", "#173177");
    assert_eq!(mp.template().send(&message).await.unwrap(), 200228332);
}

#[test]
fn a_message_without_links_omits_them() {
    let message = TemplateMessage::new("O", "T").data("k", "v");
    assert_eq!(
        serde_json::to_value(&message).unwrap(),
        json!({"touser": "O", "template_id": "T", "data": {"k": {"value": "v"}}})
    );
}

#[tokio::test]
async fn template_management_calls() {
    let (server, mp) = setup().await;
    let template = mp.template();
    expect_call(
        &server,
        "GET",
        "/cgi-bin/template/get_all_private_template",
        &[],
        None,
        json_response(json!({"template_list": [{
            "template_id": "iPk5sOIt5X_flOVKn5GrTFpncEYTojx6ddbt8WYoV5s",
            "title": "领取奖金提醒",
            "primary_industry": "IT科技",
            "deputy_industry": "互联网|电子商务",
            "content": "{ {result.DATA} }\n\n领奖金额:{ {withdrawMoney.DATA} }\n",
            "example": "您已提交领奖申请\n\n领奖金额：xxxx元\n"
        }]})),
    )
    .await;
    let list = template.get_all_private_template().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].title, "领取奖金提醒");
    assert_eq!(list[0].deputy_industry, "互联网|电子商务");

    expect_call(
        &server,
        "POST",
        "/cgi-bin/template/del_private_template",
        &[],
        Some(json!({"template_id": "TID"})),
        ok(),
    )
    .await;
    template.del_private_template("TID").await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/template/api_set_industry",
        &[],
        Some(json!({"industry_id1": "1", "industry_id2": "4"})),
        ok(),
    )
    .await;
    template.set_industry("1", "4").await.unwrap();

    expect_call(
        &server,
        "GET",
        "/cgi-bin/template/get_industry",
        &[],
        None,
        json_response(json!({
            "primary_industry": {"first_class": "运输与仓储", "second_class": "快递"},
            "secondary_industry": {"first_class": "IT科技", "second_class": "互联网|电子商务"}
        })),
    )
    .await;
    let industry = template.get_industry().await.unwrap();
    assert_eq!(industry.primary_industry.second_class, "快递");
    assert_eq!(industry.secondary_industry.first_class, "IT科技");

    expect_call(
        &server,
        "POST",
        "/cgi-bin/template/api_add_template",
        &[],
        Some(json!({"template_id_short": "TM00015", "keyword_name_list": ["物品名称", "价格"]})),
        json_response(json!({"errcode": 0, "errmsg": "ok", "template_id": "Doclyl5uP7Aciu-qZ7mJNPtWkbkYnWBWVja26EGbNyk"})),
    )
    .await;
    let id = template
        .add_template("TM00015", &["物品名称", "价格"])
        .await
        .unwrap();
    assert_eq!(id, "Doclyl5uP7Aciu-qZ7mJNPtWkbkYnWBWVja26EGbNyk");
}

#[tokio::test]
async fn template_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    let template = mp.template();
    fail_with(&server, "/cgi-bin/message/template/send", 40037).await;
    assert_eq!(
        api_code(template.send(&TemplateMessage::new("O", "BAD")).await),
        40037
    );
    fail_with(&server, "/cgi-bin/template/get_all_private_template", 48001).await;
    assert_eq!(api_code(template.get_all_private_template().await), 48001);
    fail_with(&server, "/cgi-bin/template/del_private_template", 40037).await;
    assert_eq!(api_code(template.del_private_template("X").await), 40037);
    fail_with(&server, "/cgi-bin/template/api_set_industry", 40102).await;
    assert_eq!(api_code(template.set_industry("1", "1").await), 40102);
    fail_with(&server, "/cgi-bin/template/get_industry", 48001).await;
    assert_eq!(api_code(template.get_industry().await), 48001);
    fail_with(&server, "/cgi-bin/template/api_add_template", 45026).await;
    assert_eq!(api_code(template.add_template("TM1", &["a"]).await), 45026);
}
