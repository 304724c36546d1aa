//! Parametric QR codes (生成带参数的二维码).

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_mp::api::qrcode::QrScene;
use weixin_testkit::endpoints::Case;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        // One endpoint for both kinds; create_permanent (no expire_seconds, QR_LIMIT_*) is
        // checked in tests/api_qrcode.rs.
        Case::new("POST /cgi-bin/qrcode/create", |app| async move {
            let ticket = MpApi::new(app)
                .qrcode()
                .create_temporary(604800, &QrScene::Id(123))
                .await?;
            assert_eq!(
                ticket.ticket,
                "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw=="
            );
            assert_eq!(ticket.expire_seconds, Some(60));
            assert_eq!(ticket.url, "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI");
            Ok(())
        })
        .body(json!({
            "expire_seconds": 604800, "action_name": "QR_SCENE",
            "action_info": {"scene": {"scene_id": 123}}
        }))
        .answer(json!({
            "ticket": "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==",
            "expire_seconds": 60,
            "url": "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"
        })),
    ]
}
