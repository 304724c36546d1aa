//! The custom menu (自定义菜单).

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_mp::api::menu::{Button, ConditionalMenu, MatchRule, Menu};
use weixin_testkit::endpoints::Case;

fn menu() -> Menu {
    Menu::new(vec![
        Button::click("今日歌曲", "V1001_TODAY_MUSIC"),
        Button::menu(
            "菜单",
            vec![
                Button::view("搜索", "http://www.soso.com/"),
                Button::miniprogram(
                    "wxa",
                    "http://mp.weixin.qq.com",
                    "wx286b93c14bbf93aa",
                    "pages/lunar/index",
                ),
            ],
        ),
    ])
}

fn menu_json() -> serde_json::Value {
    json!({"button": [
        {"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC"},
        {"name": "菜单", "sub_button": [
            {"type": "view", "name": "搜索", "url": "http://www.soso.com/"},
            {"type": "miniprogram", "name": "wxa", "url": "http://mp.weixin.qq.com",
             "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index"}
        ]}
    ]})
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("POST /cgi-bin/menu/create", |app| async move {
            MpApi::new(app).menu().create(&menu()).await
        })
        .body(menu_json())
        .errcode(40018),
        Case::new("GET /cgi-bin/menu/get", |app| async move {
            let info = MpApi::new(app).menu().get().await?;
            assert_eq!(info.menu, Menu::new(vec![Button::click("今日歌曲", "V1001_TODAY_MUSIC")]));
            let conditional = &info.conditionalmenu[0];
            assert_eq!(conditional.menuid, 208396993);
            // menu/get answers the rule's tag as `group_id`.
            assert_eq!(conditional.matchrule.tag_id.as_deref(), Some("2"));
            assert_eq!(conditional.matchrule.client_platform_type.as_deref(), Some("2"));
            Ok(())
        })
        .answer(json!({
            "menu": {"button": [
                {"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC", "sub_button": []}
            ]},
            "conditionalmenu": [{
                "button": [
                    {"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC", "sub_button": []}
                ],
                "matchrule": {"group_id": 2, "client_platform_type": 2},
                "menuid": 208396993
            }]
        }))
        .errcode(46003),
        Case::new("GET /cgi-bin/menu/delete", |app| async move {
            MpApi::new(app).menu().delete().await
        }),
        Case::new("POST /cgi-bin/menu/addconditional", |app| async move {
            let rule = MatchRule {
                tag_id: Some("2".into()),
                client_platform_type: Some("2".into()),
            };
            let conditional = ConditionalMenu::new(menu().button, rule);
            let id = MpApi::new(app).menu().add_conditional(&conditional).await?;
            assert_eq!(id, 208379533);
            Ok(())
        })
        .body({
            let mut body = menu_json();
            body["matchrule"] = json!({"tag_id": "2", "client_platform_type": "2"});
            body
        })
        .answer(json!({"menuid": "208379533"}))
        .errcode(65303),
        Case::new("POST /cgi-bin/menu/delconditional", |app| async move {
            MpApi::new(app).menu().delete_conditional(208379533).await
        })
        .body(json!({"menuid": "208379533"}))
        .errcode(65301),
        Case::new("POST /cgi-bin/menu/trymatch", |app| async move {
            let buttons = MpApi::new(app).menu().try_match("weixin").await?;
            assert_eq!(buttons, [Button::view("tx", "http://www.qq.com/")]);
            Ok(())
        })
        .body(json!({"user_id": "weixin"}))
        .answer(json!({"button": [
            {"type": "view", "name": "tx", "url": "http://www.qq.com/", "sub_button": []}
        ]}))
        .errcode(65302),
    ]
}
