//! [`CustomMessage`]: the body of `cgi-bin/message/custom/send`, one variant per `msgtype`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// A customer-service message to one user: `{"touser": …, "msgtype": T, T: {…}}`.
///
/// Official Accounts accept every [`CustomContent`]; mini programs accept text, image, link and
/// miniprogrampage.
///
/// ```
/// use weixin_mp::api::custom::CustomMessage;
/// let msg = CustomMessage::text("OPENID", "Hello World").kf_account("test1@kftest");
/// assert_eq!(
///     serde_json::to_value(&msg).unwrap(),
///     serde_json::json!({
///         "touser": "OPENID", "msgtype": "text", "text": {"content": "Hello World"},
///         "customservice": {"kf_account": "test1@kftest"}
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMessage {
    /// The receiver's openid.
    pub touser: String,
    /// What is sent.
    pub content: CustomContent,
    /// Send as this customer-service account (Official Accounts, `customservice.kf_account`).
    pub kf_account: Option<String>,
}

/// The content of a customer-service message; the variant gives the `msgtype`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomContent {
    /// `text`: plain text (may contain `<a href>` and mini-program links).
    Text {
        /// The text.
        content: String,
    },
    /// `image`: an uploaded image.
    Image {
        /// Its media_id.
        media_id: String,
    },
    /// `voice`: an uploaded voice (Official Accounts).
    Voice {
        /// Its media_id.
        media_id: String,
    },
    /// `video` (Official Accounts).
    Video(Video),
    /// `music` (Official Accounts).
    Music(Music),
    /// `news`: an external article card (Official Accounts; WeChat shows one article).
    News(Vec<Article>),
    /// `mpnews`: a permanent news material (Official Accounts).
    MpNews {
        /// Its media_id.
        media_id: String,
    },
    /// `mpnewsarticle`: a published article (Official Accounts).
    MpNewsArticle {
        /// Its article_id.
        article_id: String,
    },
    /// `msgmenu`: a message with clickable options (Official Accounts).
    MsgMenu(MsgMenu),
    /// `wxcard`: a card coupon (Official Accounts).
    WxCard {
        /// The card_id.
        card_id: String,
    },
    /// `miniprogrampage`: a mini-program card.
    MiniProgramPage(MiniProgramPage),
    /// `link`: a link card (mini programs).
    Link(Link),
}

/// A video message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Video {
    /// The uploaded video's media_id.
    pub media_id: String,
    /// The thumbnail's media_id.
    pub thumb_media_id: String,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A music message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Music {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The music URL.
    #[serde(rename = "musicurl")]
    pub music_url: String,
    /// The high-quality music URL (played on Wi-Fi).
    #[serde(rename = "hqmusicurl")]
    pub hq_music_url: String,
    /// The thumbnail's media_id.
    pub thumb_media_id: String,
}

/// One article of a `news` message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Article {
    /// Title.
    pub title: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The page opened on tap.
    pub url: String,
    /// The picture URL (JPG or PNG, 1068×455 large, 150×150 small).
    #[serde(rename = "picurl", skip_serializing_if = "Option::is_none")]
    pub pic_url: Option<String>,
}

/// A menu message: a head text, options the user taps, a tail text.
///
/// A tap comes back as a text message whose `bizmsgmenuid` is the option's id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MsgMenu {
    /// Text before the options.
    pub head_content: String,
    /// The options.
    pub list: Vec<MenuOption>,
    /// Text after the options.
    pub tail_content: String,
}

/// One option of a [`MsgMenu`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MenuOption {
    /// The id reported back when tapped.
    pub id: String,
    /// The shown text.
    pub content: String,
}

/// A mini-program card.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MiniProgramPage {
    /// Title.
    pub title: String,
    /// The mini program's appid (Official Accounts only; the mini program must be linked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// The page path, e.g. `pages/index/index?foo=bar`.
    pub pagepath: String,
    /// The cover image's media_id (temporary media, 520×416 recommended).
    pub thumb_media_id: String,
}

/// A link card (mini programs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Link {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The page opened on tap.
    pub url: String,
    /// The picture URL (JPG or PNG).
    pub thumb_url: String,
}

#[derive(Serialize)]
struct Content<'a> {
    content: &'a str,
}

#[derive(Serialize)]
struct MediaId<'a> {
    media_id: &'a str,
}

#[derive(Serialize)]
struct ArticleId<'a> {
    article_id: &'a str,
}

#[derive(Serialize)]
struct CardId<'a> {
    card_id: &'a str,
}

#[derive(Serialize)]
struct Articles<'a> {
    articles: &'a [Article],
}

#[derive(Serialize)]
struct KfAccount<'a> {
    kf_account: &'a str,
}

impl CustomMessage {
    /// A message with any content.
    pub fn new(touser: impl Into<String>, content: CustomContent) -> Self {
        Self {
            touser: touser.into(),
            content,
            kf_account: None,
        }
    }

    /// A text message.
    pub fn text(touser: impl Into<String>, content: impl Into<String>) -> Self {
        Self::new(
            touser,
            CustomContent::Text {
                content: content.into(),
            },
        )
    }

    /// An image message (the media_id of an uploaded image).
    pub fn image(touser: impl Into<String>, media_id: impl Into<String>) -> Self {
        Self::new(
            touser,
            CustomContent::Image {
                media_id: media_id.into(),
            },
        )
    }

    /// A voice message.
    pub fn voice(touser: impl Into<String>, media_id: impl Into<String>) -> Self {
        Self::new(
            touser,
            CustomContent::Voice {
                media_id: media_id.into(),
            },
        )
    }

    /// A video message.
    pub fn video(touser: impl Into<String>, video: Video) -> Self {
        Self::new(touser, CustomContent::Video(video))
    }

    /// A music message.
    pub fn music(touser: impl Into<String>, music: Music) -> Self {
        Self::new(touser, CustomContent::Music(music))
    }

    /// A news (external article) message.
    pub fn news(touser: impl Into<String>, articles: Vec<Article>) -> Self {
        Self::new(touser, CustomContent::News(articles))
    }

    /// A message with a permanent news material.
    pub fn mpnews(touser: impl Into<String>, media_id: impl Into<String>) -> Self {
        Self::new(
            touser,
            CustomContent::MpNews {
                media_id: media_id.into(),
            },
        )
    }

    /// A message with a published article.
    pub fn mpnews_article(touser: impl Into<String>, article_id: impl Into<String>) -> Self {
        Self::new(
            touser,
            CustomContent::MpNewsArticle {
                article_id: article_id.into(),
            },
        )
    }

    /// A menu message.
    pub fn msgmenu(touser: impl Into<String>, menu: MsgMenu) -> Self {
        Self::new(touser, CustomContent::MsgMenu(menu))
    }

    /// A card coupon.
    pub fn wxcard(touser: impl Into<String>, card_id: impl Into<String>) -> Self {
        Self::new(
            touser,
            CustomContent::WxCard {
                card_id: card_id.into(),
            },
        )
    }

    /// A mini-program card.
    pub fn miniprogram_page(touser: impl Into<String>, page: MiniProgramPage) -> Self {
        Self::new(touser, CustomContent::MiniProgramPage(page))
    }

    /// A link card (mini programs).
    pub fn link(touser: impl Into<String>, link: Link) -> Self {
        Self::new(touser, CustomContent::Link(link))
    }

    /// Sends as this customer-service account (`customservice.kf_account`, Official Accounts).
    pub fn kf_account(mut self, account: impl Into<String>) -> Self {
        self.kf_account = Some(account.into());
        self
    }
}

impl CustomContent {
    /// The `msgtype` value (also the key of the content object).
    pub fn msgtype(&self) -> &'static str {
        match self {
            Self::Text { .. } => "text",
            Self::Image { .. } => "image",
            Self::Voice { .. } => "voice",
            Self::Video(_) => "video",
            Self::Music(_) => "music",
            Self::News(_) => "news",
            Self::MpNews { .. } => "mpnews",
            Self::MpNewsArticle { .. } => "mpnewsarticle",
            Self::MsgMenu(_) => "msgmenu",
            Self::WxCard { .. } => "wxcard",
            Self::MiniProgramPage(_) => "miniprogrampage",
            Self::Link(_) => "link",
        }
    }
}

impl Serialize for CustomMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("touser", &self.touser)?;
        let key = self.content.msgtype();
        map.serialize_entry("msgtype", key)?;
        match &self.content {
            CustomContent::Text { content } => map.serialize_entry(key, &Content { content })?,
            CustomContent::Image { media_id }
            | CustomContent::Voice { media_id }
            | CustomContent::MpNews { media_id } => {
                map.serialize_entry(key, &MediaId { media_id })?
            }
            CustomContent::Video(v) => map.serialize_entry(key, v)?,
            CustomContent::Music(m) => map.serialize_entry(key, m)?,
            CustomContent::News(articles) => map.serialize_entry(key, &Articles { articles })?,
            CustomContent::MpNewsArticle { article_id } => {
                map.serialize_entry(key, &ArticleId { article_id })?
            }
            CustomContent::MsgMenu(m) => map.serialize_entry(key, m)?,
            CustomContent::WxCard { card_id } => map.serialize_entry(key, &CardId { card_id })?,
            CustomContent::MiniProgramPage(p) => map.serialize_entry(key, p)?,
            CustomContent::Link(l) => map.serialize_entry(key, l)?,
        }
        if let Some(kf_account) = &self.kf_account {
            map.serialize_entry("customservice", &KfAccount { kf_account })?;
        }
        map.end()
    }
}
