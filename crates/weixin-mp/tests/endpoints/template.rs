//! Template messages (模板消息): send, private templates, industry.

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_mp::api::template::TemplateMessage;
use weixin_testkit::endpoints::Case;

const TEMPLATE_ID: &str = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY";

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("POST /cgi-bin/message/template/send", |app| async move {
            let message = TemplateMessage::new("OPENID", TEMPLATE_ID)
                .url("http://weixin.qq.com/download")
                .miniprogram("xiaochengxuappid12345", "index?foo=bar")
                .client_msg_id("MSG_000001")
                .data("keyword1", "巧克力")
                .data("keyword2", "39.8元");
            let msgid = MpApi::new(app).template().send(&message).await?;
            assert_eq!(msgid, 200228332);
            Ok(())
        })
        .body(json!({
            "touser": "OPENID",
            "template_id": TEMPLATE_ID,
            "url": "http://weixin.qq.com/download",
            "miniprogram": {"appid": "xiaochengxuappid12345", "pagepath": "index?foo=bar"},
            "client_msg_id": "MSG_000001",
            "data": {"keyword1": {"value": "巧克力"}, "keyword2": {"value": "39.8元"}}
        }))
        .answer(json!({"errcode": 0, "errmsg": "ok", "msgid": 200228332}))
        .errcode(40037),
        Case::new(
            "GET /cgi-bin/template/get_all_private_template",
            |app| async move {
                let templates = MpApi::new(app)
                    .template()
                    .get_all_private_template()
                    .await?;
                assert_eq!(templates.len(), 1);
                assert_eq!(templates[0].title, "领取奖金提醒");
                assert_eq!(templates[0].deputy_industry, "互联网|电子商务");
                Ok(())
            },
        )
        .answer(json!({"template_list": [{
            "template_id": "iPk5sOIt5X_flOVKn5GrTFpncEYTojx6ddbt8WYoV5s",
            "title": "领取奖金提醒",
            "primary_industry": "IT科技",
            "deputy_industry": "互联网|电子商务",
            "content": "{ {result.DATA} }\n\n领奖金额:{ {withdrawMoney.DATA} }",
            "example": "您已提交领奖申请\n\n领奖金额:xxxx元"
        }]})),
        Case::new(
            "POST /cgi-bin/template/del_private_template",
            |app| async move {
                let template = MpApi::new(app).template();
                template
                    .del_private_template("Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE")
                    .await
            },
        )
        .body(json!({"template_id": "Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE"})),
        Case::new(
            "POST /cgi-bin/template/api_set_industry",
            |app| async move { MpApi::new(app).template().set_industry("1", "4").await },
        )
        .body(json!({"industry_id1": "1", "industry_id2": "4"})),
        Case::new("GET /cgi-bin/template/get_industry", |app| async move {
            let industry = MpApi::new(app).template().get_industry().await?;
            assert_eq!(industry.primary_industry.second_class, "快递");
            assert_eq!(industry.secondary_industry.first_class, "IT科技");
            Ok(())
        })
        .answer(json!({
            "primary_industry": {"first_class": "运输与仓储", "second_class": "快递"},
            "secondary_industry": {"first_class": "IT科技", "second_class": "互联网|电子商务"}
        })),
        Case::new(
            "POST /cgi-bin/template/api_add_template",
            |app| async move {
                let template = MpApi::new(app).template();
                let id = template
                    .add_template("47123", &["时间", "地点", "金额"])
                    .await?;
                assert_eq!(id, "Doclyl5uP7Aciu-qZ7mJNPtWkbkYnWBWVja26EGbNyk");
                Ok(())
            },
        )
        .body(json!({"template_id_short": "47123", "keyword_name_list": ["时间", "地点", "金额"]}))
        .answer(json!({"errcode": 0, "errmsg": "ok",
                       "template_id": "Doclyl5uP7Aciu-qZ7mJNPtWkbkYnWBWVja26EGbNyk"}))
        .errcode(40246),
    ]
}
