//! The custom menu (自定义菜单): create, get, delete, conditional menus, with typed buttons.
//!
//! ```no_run
//! use weixin_mp::api::menu::{Button, Menu};
//!
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let menu = Menu::new(vec![
//!     Button::click("今日歌曲", "V1001_TODAY_MUSIC"),
//!     Button::menu("菜单", vec![
//!         Button::view("搜索", "http://www.soso.com/"),
//!         Button::miniprogram("wxa", "http://mp.weixin.qq.com", "wx286b93c14bbf93aa", "pages/lunar/index"),
//!         Button::scancode_push("扫码", "rselfmenu_0_1"),
//!     ]),
//! ]);
//! mp.menu().create(&menu).await?;
//! # Ok(()) }
//! ```
//!
//! WeChat allows 1–3 top buttons with 1–5 sub-buttons each; names up to 16 bytes (sub-buttons
//! 60), keys 128 bytes, URLs 1024 bytes. It checks these itself (errors 40016–40018).

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Endpoint, Request};

/// A menu: its top-level buttons.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Menu {
    /// The top-level buttons (1–3).
    #[serde(default)]
    pub button: Vec<Button>,
}

impl Menu {
    /// A menu with these top-level buttons.
    pub fn new(buttons: Vec<Button>) -> Self {
        Self { button: buttons }
    }
}

/// A menu button: a sub-menu or an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Button {
    /// A sub-menu (a name and up to 5 buttons).
    Menu(SubMenu),
    /// A button that does something.
    Action(ActionButton),
}

/// A sub-menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubMenu {
    /// The shown name.
    pub name: String,
    /// The buttons (1–5 actions).
    pub sub_button: Vec<Button>,
}

/// A button with an action; the variant gives the `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActionButton {
    /// `click`: pushes a CLICK event with `key`.
    Click {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `view`: opens a web page.
    View {
        /// The shown name.
        name: String,
        /// The URL.
        url: String,
    },
    /// `miniprogram`: opens a mini program (`url` for old clients).
    Miniprogram {
        /// The shown name.
        name: String,
        /// The fallback URL.
        url: String,
        /// The mini program's appid.
        appid: String,
        /// The page path.
        pagepath: String,
    },
    /// `scancode_push`: scans a code and shows the result.
    ScancodePush {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `scancode_waitmsg`: scans a code and waits for the server's message.
    ScancodeWaitmsg {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `pic_sysphoto`: takes a photo.
    PicSysphoto {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `pic_photo_or_album`: takes a photo or picks one from the album.
    PicPhotoOrAlbum {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `pic_weixin`: picks a photo from the WeChat album.
    PicWeixin {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `location_select`: sends a location.
    LocationSelect {
        /// The shown name.
        name: String,
        /// The event key.
        key: String,
    },
    /// `media_id`: sends a permanent material.
    MediaId {
        /// The shown name.
        name: String,
        /// The permanent material's media_id.
        media_id: String,
    },
    /// `view_limited`: opens a news material (legacy).
    ViewLimited {
        /// The shown name.
        name: String,
        /// The news material's media_id.
        media_id: String,
    },
    /// `article_id`: sends a published article.
    ArticleId {
        /// The shown name.
        name: String,
        /// The article_id.
        article_id: String,
    },
    /// `article_view_limited`: opens a published article.
    ArticleViewLimited {
        /// The shown name.
        name: String,
        /// The article_id.
        article_id: String,
    },
}

macro_rules! key_buttons {
    ($($(#[$doc:meta])* $fn:ident => $variant:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $fn(name: impl Into<String>, key: impl Into<String>) -> Self {
            Self::Action(ActionButton::$variant { name: name.into(), key: key.into() })
        }
    )*};
}

impl Button {
    /// A sub-menu.
    pub fn menu(name: impl Into<String>, buttons: Vec<Button>) -> Self {
        Self::Menu(SubMenu {
            name: name.into(),
            sub_button: buttons,
        })
    }

    key_buttons! {
        /// A `click` button.
        click => Click,
        /// A `scancode_push` button.
        scancode_push => ScancodePush,
        /// A `scancode_waitmsg` button.
        scancode_waitmsg => ScancodeWaitmsg,
        /// A `pic_sysphoto` button.
        pic_sysphoto => PicSysphoto,
        /// A `pic_photo_or_album` button.
        pic_photo_or_album => PicPhotoOrAlbum,
        /// A `pic_weixin` button.
        pic_weixin => PicWeixin,
        /// A `location_select` button.
        location_select => LocationSelect,
    }

    /// A `view` button opening `url`.
    pub fn view(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self::Action(ActionButton::View {
            name: name.into(),
            url: url.into(),
        })
    }

    /// A `miniprogram` button.
    pub fn miniprogram(
        name: impl Into<String>,
        url: impl Into<String>,
        appid: impl Into<String>,
        pagepath: impl Into<String>,
    ) -> Self {
        Self::Action(ActionButton::Miniprogram {
            name: name.into(),
            url: url.into(),
            appid: appid.into(),
            pagepath: pagepath.into(),
        })
    }

    /// A `media_id` button sending a permanent material.
    pub fn media_id(name: impl Into<String>, media_id: impl Into<String>) -> Self {
        Self::Action(ActionButton::MediaId {
            name: name.into(),
            media_id: media_id.into(),
        })
    }

    /// An `article_id` button sending a published article.
    pub fn article_id(name: impl Into<String>, article_id: impl Into<String>) -> Self {
        Self::Action(ActionButton::ArticleId {
            name: name.into(),
            article_id: article_id.into(),
        })
    }

    /// An `article_view_limited` button opening a published article.
    pub fn article_view_limited(name: impl Into<String>, article_id: impl Into<String>) -> Self {
        Self::Action(ActionButton::ArticleViewLimited {
            name: name.into(),
            article_id: article_id.into(),
        })
    }
}

/// The answer of `cgi-bin/menu/get`: the default menu and the conditional menus.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct MenuInfo {
    /// The default menu.
    #[serde(default)]
    pub menu: Menu,
    /// Conditional (personalised) menus.
    #[serde(default)]
    pub conditionalmenu: Vec<ConditionalMenu>,
}

/// A conditional (personalised) menu: buttons shown to the users matching `matchrule`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConditionalMenu {
    /// Its buttons.
    #[serde(default)]
    pub button: Vec<Button>,
    /// Who sees it.
    #[serde(default)]
    pub matchrule: MatchRule,
    /// Its id (set by WeChat; ignored when creating).
    #[serde(
        default,
        skip_serializing,
        deserialize_with = "crate::api::common::int_or_string"
    )]
    pub menuid: i64,
}

/// Who sees a conditional menu. Unset fields match everyone; WeChat no longer supports
/// matching on sex, country, province, city or language, so only these remain.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchRule {
    /// Users with this tag id. Sent as `tag_id`; `menu/get` answers it as `group_id` (both
    /// names and a number or a string are read), so a menu read back can be created again.
    #[serde(
        default,
        alias = "group_id",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::api::common::opt_string_or_int"
    )]
    pub tag_id: Option<String>,
    /// Client platform: `1` iOS, `2` Android, `3` others.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::api::common::opt_string_or_int"
    )]
    pub client_platform_type: Option<String>,
}

impl ConditionalMenu {
    /// A conditional menu shown to the users matching `rule`.
    pub fn new(buttons: Vec<Button>, rule: MatchRule) -> Self {
        Self {
            button: buttons,
            matchrule: rule,
            menuid: 0,
        }
    }
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    CreateMenu::ENDPOINT,
    GetMenu::ENDPOINT,
    DeleteMenu::ENDPOINT,
    AddConditional::ENDPOINT,
    DelConditional::ENDPOINT,
    TryMatch::ENDPOINT,
];

/// `POST cgi-bin/menu/create`: the menu itself is the body. Replacing the menu with the same
/// one is harmless, so it may be repeated.
#[derive(Serialize)]
#[serde(transparent)]
struct CreateMenu<'a>(&'a Menu);

impl Request for CreateMenu<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/menu/create", "MpApi::menu().create").idempotent();
}

/// `GET cgi-bin/menu/get`: no parameters.
#[derive(Serialize)]
struct GetMenu;

impl Request for GetMenu {
    type Response = MenuInfo;
    const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/menu/get", "MpApi::menu().get");
}

/// `GET cgi-bin/menu/delete`: no parameters.
#[derive(Serialize)]
struct DeleteMenu;

impl Request for DeleteMenu {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/menu/delete", "MpApi::menu().delete");
}

/// `POST cgi-bin/menu/addconditional`: the conditional menu is the body; each call adds a menu,
/// so it is sent at most once.
#[derive(Serialize)]
#[serde(transparent)]
struct AddConditional<'a>(&'a ConditionalMenu);

#[derive(Deserialize)]
struct MenuId {
    #[serde(deserialize_with = "crate::api::common::int_or_string")]
    menuid: i64,
}

impl Request for AddConditional<'_> {
    type Response = MenuId;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/menu/addconditional",
        "MpApi::menu().add_conditional",
    );
}

/// `POST cgi-bin/menu/delconditional`: the menuid, as a string like WeChat's example.
#[derive(Serialize)]
struct DelConditional {
    menuid: String,
}

impl Request for DelConditional {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/menu/delconditional",
        "MpApi::menu().delete_conditional",
    );
}

/// `POST cgi-bin/menu/trymatch`: a read.
#[derive(Serialize)]
struct TryMatch<'a> {
    user_id: &'a str,
}

#[derive(Deserialize)]
struct Matched {
    #[serde(default)]
    button: Vec<Button>,
}

impl Request for TryMatch<'_> {
    type Response = Matched;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/menu/trymatch", "MpApi::menu().try_match").idempotent();
}

/// Custom menu APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct MenuApi {
    api: ApiClient,
}

impl MenuApi {
    /// The menu APIs of the app behind `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// Creates (replaces) the menu (`POST cgi-bin/menu/create`).
    pub async fn create(&self, menu: &Menu) -> Result<(), Error> {
        self.api.send(&CreateMenu(menu)).await.map(drop)
    }

    /// The menu as set through the API (`GET cgi-bin/menu/get`). Error 46003 means no menu.
    pub async fn get(&self) -> Result<MenuInfo, Error> {
        self.api.send(&GetMenu).await
    }

    /// Deletes the menu, conditional menus included (`GET cgi-bin/menu/delete`).
    pub async fn delete(&self) -> Result<(), Error> {
        self.api.send(&DeleteMenu).await.map(drop)
    }

    /// Adds a conditional menu (`POST cgi-bin/menu/addconditional`) and returns its menuid.
    /// The default menu must exist first.
    pub async fn add_conditional(&self, menu: &ConditionalMenu) -> Result<i64, Error> {
        Ok(self.api.send(&AddConditional(menu)).await?.menuid)
    }

    /// Deletes a conditional menu (`POST cgi-bin/menu/delconditional`), at most once.
    pub async fn delete_conditional(&self, menuid: i64) -> Result<(), Error> {
        let request = DelConditional {
            menuid: menuid.to_string(),
        };
        self.api.send(&request).await.map(drop)
    }

    /// The menu a user would see (`POST cgi-bin/menu/trymatch`); `user_id` is an openid or a
    /// WeChat id.
    pub async fn try_match(&self, user_id: &str) -> Result<Vec<Button>, Error> {
        Ok(self.api.send(&TryMatch { user_id }).await?.button)
    }
}
