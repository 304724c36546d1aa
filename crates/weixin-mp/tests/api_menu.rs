//! Custom menu: typed buttons serialize like the documentation, get parses them back.

mod api_support;

use api_support::*;
use serde_json::json;
use weixin_mp::api::menu::{ActionButton, Button, ConditionalMenu, MatchRule, Menu};

fn sample_menu() -> Menu {
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
                Button::scancode_push("扫码推事件", "rselfmenu_0_1"),
                Button::pic_photo_or_album("拍照或者相册发图", "rselfmenu_1_1"),
                Button::location_select("发送位置", "rselfmenu_2_0"),
            ],
        ),
        Button::menu(
            "更多",
            vec![
                Button::scancode_waitmsg("扫码带提示", "rselfmenu_0_0"),
                Button::pic_sysphoto("系统拍照发图", "rselfmenu_1_0"),
                Button::pic_weixin("微信相册发图", "rselfmenu_1_2"),
                Button::media_id("图片", "MEDIA_ID1"),
                Button::article_id("文章", "ARTICLE_ID1"),
            ],
        ),
    ])
}

fn sample_json() -> serde_json::Value {
    json!({"button": [
        {"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC"},
        {"name": "菜单", "sub_button": [
            {"type": "view", "name": "搜索", "url": "http://www.soso.com/"},
            {"type": "miniprogram", "name": "wxa", "url": "http://mp.weixin.qq.com",
             "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index"},
            {"type": "scancode_push", "name": "扫码推事件", "key": "rselfmenu_0_1"},
            {"type": "pic_photo_or_album", "name": "拍照或者相册发图", "key": "rselfmenu_1_1"},
            {"type": "location_select", "name": "发送位置", "key": "rselfmenu_2_0"}
        ]},
        {"name": "更多", "sub_button": [
            {"type": "scancode_waitmsg", "name": "扫码带提示", "key": "rselfmenu_0_0"},
            {"type": "pic_sysphoto", "name": "系统拍照发图", "key": "rselfmenu_1_0"},
            {"type": "pic_weixin", "name": "微信相册发图", "key": "rselfmenu_1_2"},
            {"type": "media_id", "name": "图片", "media_id": "MEDIA_ID1"},
            {"type": "article_id", "name": "文章", "article_id": "ARTICLE_ID1"}
        ]}
    ]})
}

#[tokio::test]
async fn create_posts_the_typed_buttons() {
    let (server, mp) = setup().await;
    expect_call(
        &server,
        "POST",
        "/cgi-bin/menu/create",
        &[],
        Some(sample_json()),
        ok(),
    )
    .await;
    mp.menu().create(&sample_menu()).await.unwrap();
}

#[tokio::test]
async fn get_parses_leaves_with_empty_sub_buttons() {
    let (server, mp) = setup().await;
    // WeChat's menu/get adds "sub_button": [] to every leaf.
    expect_call(
        &server,
        "GET",
        "/cgi-bin/menu/get",
        &[],
        None,
        json_response(json!({
            "menu": {"button": [
                {"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC", "sub_button": []},
                {"name": "菜单", "sub_button": [
                    {"type": "view", "name": "搜索", "url": "http://www.soso.com/", "sub_button": []},
                    {"type": "article_view_limited", "name": "文", "article_id": "A1", "sub_button": []}
                ]}
            ]},
            "conditionalmenu": [{
                "button": [{"type": "click", "name": "c", "key": "k", "sub_button": []}],
                "matchrule": {"group_id": 2, "client_platform_type": "2"},
                "menuid": 208379533
            }]
        })),
    )
    .await;
    let info = mp.menu().get().await.unwrap();
    assert_eq!(
        info.menu,
        Menu::new(vec![
            Button::click("今日歌曲", "V1001_TODAY_MUSIC"),
            Button::menu(
                "菜单",
                vec![
                    Button::view("搜索", "http://www.soso.com/"),
                    Button::article_view_limited("文", "A1"),
                ]
            ),
        ])
    );
    assert_eq!(info.conditionalmenu[0].menuid, 208379533);
    assert_eq!(
        info.conditionalmenu[0].matchrule.tag_id.as_deref(),
        Some("2")
    );
    // What menu/get answers as `group_id` goes back out as `tag_id`: a read-then-recreate round
    // trip keeps the rule.
    assert_eq!(
        serde_json::to_value(&info.conditionalmenu[0].matchrule).unwrap(),
        serde_json::json!({"tag_id": "2", "client_platform_type": "2"})
    );
    assert!(matches!(
        &info.conditionalmenu[0].button[0],
        Button::Action(ActionButton::Click { key, .. }) if key == "k"
    ));
}

#[test]
fn typed_buttons_round_trip() {
    let menu: Menu = serde_json::from_value(sample_json()).unwrap();
    assert_eq!(menu, sample_menu());
}

#[tokio::test]
async fn delete_calls_menu_delete() {
    let (server, mp) = setup().await;
    expect_call(&server, "GET", "/cgi-bin/menu/delete", &[], None, ok()).await;
    mp.menu().delete().await.unwrap();
}

#[tokio::test]
async fn conditional_menus() {
    let (server, mp) = setup().await;
    let menu = ConditionalMenu::new(
        vec![Button::click("c", "k")],
        MatchRule {
            tag_id: Some("2".into()),
            client_platform_type: Some("2".into()),
        },
    );
    expect_call(
        &server,
        "POST",
        "/cgi-bin/menu/addconditional",
        &[],
        Some(
            json!({"button": [{"type": "click", "name": "c", "key": "k"}],
                    "matchrule": {"tag_id": "2", "client_platform_type": "2"}}),
        ),
        json_response(json!({"menuid": "208379533"})),
    )
    .await;
    assert_eq!(mp.menu().add_conditional(&menu).await.unwrap(), 208379533);

    expect_call(
        &server,
        "POST",
        "/cgi-bin/menu/delconditional",
        &[],
        Some(json!({"menuid": "208379533"})),
        ok(),
    )
    .await;
    mp.menu().delete_conditional(208379533).await.unwrap();

    expect_call(
        &server,
        "POST",
        "/cgi-bin/menu/trymatch",
        &[],
        Some(json!({"user_id": "weixin"})),
        json_response(json!({"button": [
            {"type": "view", "name": "tx", "url": "http://www.qq.com/", "sub_button": []}
        ]})),
    )
    .await;
    assert_eq!(
        mp.menu().try_match("weixin").await.unwrap(),
        [Button::view("tx", "http://www.qq.com/")]
    );
}

#[tokio::test]
async fn menu_errors_carry_the_errcode() {
    let (server, mp) = setup().await;
    fail_with(&server, "/cgi-bin/menu/create", 40018).await;
    assert_eq!(api_code(mp.menu().create(&sample_menu()).await), 40018);
    fail_with(&server, "/cgi-bin/menu/get", 46003).await;
    assert_eq!(api_code(mp.menu().get().await), 46003);
    fail_with(&server, "/cgi-bin/menu/delete", 48001).await;
    assert_eq!(api_code(mp.menu().delete().await), 48001);
    fail_with(&server, "/cgi-bin/menu/addconditional", 65303).await;
    let menu = ConditionalMenu::new(vec![Button::click("c", "k")], MatchRule::default());
    assert_eq!(api_code(mp.menu().add_conditional(&menu).await), 65303);
    fail_with(&server, "/cgi-bin/menu/delconditional", 65301).await;
    assert_eq!(api_code(mp.menu().delete_conditional(1).await), 65301);
    fail_with(&server, "/cgi-bin/menu/trymatch", 40003).await;
    assert_eq!(api_code(mp.menu().try_match("x").await), 40003);
}
