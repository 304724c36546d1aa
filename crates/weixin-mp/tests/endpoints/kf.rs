//! Customer-service accounts and sessions (客服帐号管理, 会话控制).

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_testkit::endpoints::Case;

const HEAD: &str = "http://mmbiz.qpic.cn/mmbiz/4whpV1VZl2iccsvYbHvnphkyGtnvjfUS8Ym0GSaLic0FD3vN0V8PILcibEGb2fPfEOmw/0";

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("GET /cgi-bin/customservice/getkflist", |app| async move {
            let accounts = MpApi::new(app).kf().list().await?;
            assert_eq!(accounts.len(), 2);
            assert_eq!(accounts[0].kf_id, "1001");
            assert_eq!(accounts[0].kf_wx.as_deref(), Some("kfwx1"));
            assert_eq!(accounts[1].invite_status.as_deref(), Some("waiting"));
            assert_eq!(accounts[1].invite_expire_time, Some(123456789));
            Ok(())
        })
        .answer(json!({"kf_list": [
            {"kf_account": "test1@test", "kf_headimgurl": HEAD, "kf_id": "1001",
             "kf_nick": "ntest1", "kf_wx": "kfwx1"},
            {"kf_account": "test3@test", "kf_headimgurl": HEAD, "kf_id": "1003",
             "kf_nick": "ntest3", "invite_wx": "kfwx3", "invite_expire_time": 123456789,
             "invite_status": "waiting"}
        ]}))
        .errcode(65400),
        Case::new(
            "GET /cgi-bin/customservice/getonlinekflist",
            |app| async move {
                let online = MpApi::new(app).kf().online().await?;
                assert_eq!(online.len(), 2);
                assert_eq!(online[1].kf_id, "1002");
                assert_eq!((online[1].status, online[1].accepted_case), (1, 2));
                Ok(())
            },
        )
        .answer(json!({"kf_online_list": [
            {"kf_account": "test1@test", "status": 1, "kf_id": "1001", "accepted_case": 1},
            {"kf_account": "test2@test", "status": 1, "kf_id": "1002", "accepted_case": 2}
        ]}))
        .errcode(65400),
        Case::new("POST /customservice/kfaccount/add", |app| async move {
            MpApi::new(app).kf().add("test1@test", "客服1").await
        })
        .body(json!({"kf_account": "test1@test", "nickname": "客服1"}))
        .errcode(65406),
        Case::new("POST /customservice/kfaccount/update", |app| async move {
            MpApi::new(app).kf().update("test1@test", "客服1").await
        })
        .body(json!({"kf_account": "test1@test", "nickname": "客服1"}))
        .errcode(65403),
        Case::new(
            "POST /customservice/kfaccount/inviteworker",
            |app| async move {
                let kf = MpApi::new(app).kf();
                kf.invite_worker("test1@test", "test_kfwx").await
            },
        )
        .body(json!({"kf_account": "test1@test", "invite_wx": "test_kfwx"}))
        .errcode(65408),
        Case::new(
            "POST /customservice/kfaccount/uploadheadimg",
            |app| async move {
                let kf = MpApi::new(app).kf();
                kf.upload_head_image("test1@test", "test.jpg", &b"jpeg"[..])
                    .await
            },
        )
        .query("kf_account", "test1@test")
        .errcode(40005),
        Case::new("POST /customservice/kfaccount/del", |app| async move {
            MpApi::new(app).kf().delete("test1@test").await
        })
        .body(json!({"kf_account": "test1@test"}))
        .errcode(65401),
        Case::new("POST /customservice/kfsession/create", |app| async move {
            MpApi::new(app)
                .kf()
                .create_session("test1@test", "OPENID")
                .await
        })
        .body(json!({"kf_account": "test1@test", "openid": "OPENID"}))
        .errcode(65415),
        Case::new("POST /customservice/kfsession/close", |app| async move {
            MpApi::new(app)
                .kf()
                .close_session("test1@test", "OPENID")
                .await
        })
        .body(json!({"kf_account": "test1@test", "openid": "OPENID"}))
        .errcode(40003),
        Case::new(
            "GET /customservice/kfsession/getsession",
            |app| async move {
                let session = MpApi::new(app).kf().session("OPENID").await?;
                assert_eq!(session.kf_account, "test1@test");
                assert_eq!(session.createtime, 123456789);
                Ok(())
            },
        )
        .query("openid", "OPENID")
        .answer(json!({"createtime": 123456789, "kf_account": "test1@test"}))
        .errcode(40003),
    ]
}
