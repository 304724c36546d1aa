//! User tags (标签管理).

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_testkit::endpoints::Case;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("POST /cgi-bin/tags/create", |app| async move {
            let tag = MpApi::new(app).tags().create("广东").await?;
            assert_eq!((tag.id, tag.name.as_str()), (134, "广东"));
            Ok(())
        })
        .body(json!({"tag": {"name": "广东"}}))
        .answer(json!({"tag": {"id": 134, "name": "广东"}}))
        .errcode(45157),
        Case::new("GET /cgi-bin/tags/get", |app| async move {
            let tags = MpApi::new(app).tags().list().await?;
            assert_eq!(tags.len(), 2);
            assert_eq!((tags[1].id, tags[1].count), (134, 5));
            Ok(())
        })
        .answer(json!({"tags": [
            {"id": 2, "name": "星标组", "count": 0},
            {"id": 134, "name": "广东", "count": 5}
        ]})),
        Case::new("POST /cgi-bin/tags/update", |app| async move {
            MpApi::new(app).tags().update(134, "广东人").await
        })
        .body(json!({"tag": {"id": 134, "name": "广东人"}}))
        .errcode(45058),
        Case::new("POST /cgi-bin/tags/delete", |app| async move {
            MpApi::new(app).tags().delete(134).await
        })
        .body(json!({"tag": {"id": 134}}))
        .errcode(45057),
        Case::new(
            "POST /cgi-bin/tags/members/batchtagging",
            |app| async move { MpApi::new(app).tags().tag_users(134, &["o1", "o2"]).await },
        )
        .body(json!({"openid_list": ["o1", "o2"], "tagid": 134}))
        .errcode(45159),
        Case::new(
            "POST /cgi-bin/tags/members/batchuntagging",
            |app| async move { MpApi::new(app).tags().untag_users(134, &["o1"]).await },
        )
        .body(json!({"openid_list": ["o1"], "tagid": 134}))
        .errcode(45159),
        Case::new("POST /cgi-bin/tags/getidlist", |app| async move {
            let ids = MpApi::new(app).tags().user_tags("o1").await?;
            assert_eq!(ids, [134, 2]);
            Ok(())
        })
        .body(json!({"openid": "o1"}))
        .answer(json!({"tagid_list": [134, 2]})),
        Case::new("POST /cgi-bin/user/tag/get", |app| async move {
            let page = MpApi::new(app).tags().users(134, "").await?;
            assert_eq!(page.openids, ["o1", "o2"]);
            assert_eq!(page.next_openid, "o2");
            Ok(())
        })
        .body(json!({"tagid": 134, "next_openid": ""}))
        .answer(json!({"count": 2, "data": {"openid": ["o1", "o2"]}, "next_openid": "o2"})),
    ]
}
