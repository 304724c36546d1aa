//! Web authorization (网页授权): the app's secret or the user's web access token, never the app's
//! access token.

use serde_json::json;
use weixin_core::Secret;
use weixin_mp::api::{Lang, MpApi};
use weixin_testkit::endpoints::{APPID, Case, SECRET};

const USER_TOKEN: &str = "USER_ACCESS_TOKEN_0123456789";
const REFRESH: &str = "REFRESH_TOKEN_0123456789";
const OPENID: &str = "OPENID";

fn token() -> serde_json::Value {
    json!({
        "access_token": USER_TOKEN, "expires_in": 7200, "refresh_token": REFRESH,
        "openid": OPENID, "scope": "snsapi_userinfo", "is_snapshotuser": 1, "unionid": "UNIONID"
    })
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("GET /sns/oauth2/access_token", |app| async move {
            let token = MpApi::new(app).oauth().access_token("CODE").await?;
            assert_eq!(token.access_token.expose(), USER_TOKEN);
            assert_eq!(token.refresh_token.expose(), REFRESH);
            assert_eq!((token.openid.as_str(), token.expires_in), (OPENID, 7200));
            assert_eq!(token.is_snapshotuser, Some(1));
            Ok(())
        })
        .query("appid", APPID)
        .query("secret", SECRET)
        .query("code", "CODE")
        .query("grant_type", "authorization_code")
        .answer(token())
        .errcode(40029),
        Case::new("GET /sns/oauth2/refresh_token", |app| async move {
            let token = MpApi::new(app)
                .oauth()
                .refresh_token(&Secret::from(REFRESH))
                .await?;
            assert_eq!(token.scope, "snsapi_userinfo");
            assert_eq!(token.unionid.as_deref(), Some("UNIONID"));
            Ok(())
        })
        .query("appid", APPID)
        .query("grant_type", "refresh_token")
        .query("refresh_token", REFRESH)
        .answer(token())
        .errcode(40030),
        Case::new("GET /sns/userinfo", |app| async move {
            let user = MpApi::new(app)
                .oauth()
                .user_info(&Secret::from(USER_TOKEN), OPENID, Lang::ZhCn)
                .await?;
            assert_eq!(user.nickname, "NICKNAME");
            assert_eq!(user.privilege, ["PRIVILEGE1", "PRIVILEGE2"]);
            assert_eq!(user.unionid.as_deref(), Some("o6_bmasdasdsad6_2sgVt7hMZOPfL"));
            Ok(())
        })
        .query("access_token", USER_TOKEN)
        .query("openid", OPENID)
        .query("lang", "zh_CN")
        .answer(json!({
            "openid": OPENID, "nickname": "NICKNAME", "sex": 1, "province": "PROVINCE",
            "city": "CITY", "country": "COUNTRY",
            "headimgurl": "https://thirdwx.qlogo.cn/mmopen/g3MonUZtNHkdmzicIlibx6iaFqAc56vxLSUfpb6n5WKSYVY0ChQKkiaJSgQ1dZuTOgvLLrhJbERQQ4eMsv84eavHiaiceqxibJxCfHe/46",
            "privilege": ["PRIVILEGE1", "PRIVILEGE2"], "unionid": "o6_bmasdasdsad6_2sgVt7hMZOPfL"
        })),
        Case::new("GET /sns/auth", |app| async move {
            MpApi::new(app)
                .oauth()
                .check(&Secret::from(USER_TOKEN), OPENID)
                .await
        })
        .query("access_token", USER_TOKEN)
        .query("openid", OPENID),
    ]
}
