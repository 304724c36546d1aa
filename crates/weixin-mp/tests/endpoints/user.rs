//! Followers (用户管理): info, list, remarks, blacklist.

use serde_json::json;
use weixin_mp::api::{Lang, MpApi};
use weixin_testkit::endpoints::Case;

const OPENID: &str = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M";

fn user_info() -> serde_json::Value {
    json!({
        "subscribe": 1, "openid": OPENID, "language": "zh_CN", "subscribe_time": 1382694957,
        "unionid": "o6_bmasdasdsad6_2sgVt7hMZOPfL", "remark": "", "groupid": 0,
        "tagid_list": [128, 2], "subscribe_scene": "ADD_SCENE_QR_CODE", "qr_scene": 98765,
        "qr_scene_str": ""
    })
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("GET /cgi-bin/user/info", |app| async move {
            let info = MpApi::new(app).user().info(OPENID, Lang::ZhCn).await?;
            assert!(info.subscribed());
            assert_eq!(info.tagid_list, [128, 2]);
            assert_eq!(info.qr_scene, Some(98765));
            assert_eq!(info.subscribe_scene.as_deref(), Some("ADD_SCENE_QR_CODE"));
            Ok(())
        })
        .query("openid", OPENID)
        .query("lang", "zh_CN")
        .answer(user_info()),
        Case::new("POST /cgi-bin/user/info/batchget", |app| async move {
            let users = MpApi::new(app)
                .user()
                .batch_info(&[OPENID, "o6_bmjrPTlm6_2sgVt7hMZOPfL2N"], Lang::ZhCn)
                .await?;
            assert_eq!(users.len(), 2);
            assert_eq!(
                users[0].unionid.as_deref(),
                Some("o6_bmasdasdsad6_2sgVt7hMZOPfL")
            );
            assert!(!users[1].subscribed());
            Ok(())
        })
        .body(json!({"user_list": [
            {"openid": OPENID, "lang": "zh_CN"},
            {"openid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2N", "lang": "zh_CN"}
        ]}))
        .answer(json!({"user_info_list": [
            user_info(),
            {"subscribe": 0, "openid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2N"}
        ]})),
        Case::new("GET /cgi-bin/user/get", |app| async move {
            let page = MpApi::new(app).user().list("OPENID1").await?;
            assert_eq!(page.total, Some(2));
            assert_eq!(page.openids, ["OPENID2", "OPENID3"]);
            assert_eq!(page.next_openid, "OPENID3");
            Ok(())
        })
        .query("next_openid", "OPENID1")
        .answer(json!({
            "total": 2, "count": 2, "data": {"openid": ["OPENID2", "OPENID3"]},
            "next_openid": "OPENID3"
        }))
        .errcode(40013),
        Case::new("POST /cgi-bin/user/info/updateremark", |app| async move {
            MpApi::new(app).user().update_remark(OPENID, "pangzi").await
        })
        .body(json!({"openid": OPENID, "remark": "pangzi"}))
        .errcode(40013),
        Case::new(
            "POST /cgi-bin/tags/members/getblacklist",
            |app| async move {
                let page = MpApi::new(app).user().blacklist("").await?;
                assert_eq!(page.total, Some(23000));
                assert_eq!(page.openids, ["OPENID1", "OPENID2"]);
                assert_eq!(page.next_openid, "OPENID2");
                Ok(())
            },
        )
        .body(json!({"begin_openid": ""}))
        .answer(json!({
            "total": 23000, "count": 2, "data": {"openid": ["OPENID1", "OPENID2"]},
            "next_openid": "OPENID2"
        }))
        .errcode(49003),
        Case::new(
            "POST /cgi-bin/tags/members/batchblacklist",
            |app| async move { MpApi::new(app).user().block(&["OPENID1", "OPENID2"]).await },
        )
        .body(json!({"openid_list": ["OPENID1", "OPENID2"]}))
        .errcode(40032),
        Case::new(
            "POST /cgi-bin/tags/members/batchunblacklist",
            |app| async move {
                MpApi::new(app)
                    .user()
                    .unblock(&["OPENID1", "OPENID2"])
                    .await
            },
        )
        .body(json!({"openid_list": ["OPENID1", "OPENID2"]}))
        .errcode(40032),
    ]
}
