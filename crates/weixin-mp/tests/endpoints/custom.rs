//! Customer-service messages (客服消息): send and typing on both platforms.

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_mp::api::custom::{CustomApi, CustomMessage, Typing};
use weixin_testkit::endpoints::Case;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("POST /cgi-bin/message/custom/send", |app| async move {
            let message = CustomMessage::text("OPENID", "Hello World");
            MpApi::new(app).custom().send(&message).await
        })
        .body(json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "Hello World"}}))
        .errcode(45015),
        Case::new("POST /cgi-bin/message/custom/typing", |app| async move {
            MpApi::new(app)
                .custom()
                .typing("OPENID", Typing::Start)
                .await
        })
        .body(json!({"touser": "OPENID", "command": "Typing"}))
        .errcode(45080),
        Case::new(
            "POST /cgi-bin/message/custom/business/typing",
            |app| async move {
                let custom = CustomApi::mini_program(app.api().clone());
                custom.typing("OPENID", Typing::Stop).await
            },
        )
        .body(json!({"touser": "OPENID", "command": "CancelTyping"}))
        .errcode(45081),
    ]
}
