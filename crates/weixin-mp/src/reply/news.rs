//! News (图文) replies.

use serde::{Deserialize, Serialize};

/// Most articles one news reply may hold. WeChat allowed up to 8 and now shows only the
/// first; more than 8 is rejected by WeChat.
pub const MAX_ARTICLES: usize = 8;

/// One article of a news reply (`Articles/item`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// `Title`.
    #[serde(default)]
    pub title: String,
    /// `Description`.
    #[serde(default)]
    pub description: String,
    /// `PicUrl`: the cover image (JPG/PNG).
    #[serde(default)]
    pub pic_url: String,
    /// `Url`: where tapping the article goes.
    #[serde(default)]
    pub url: String,
}

impl Article {
    /// An article with a title and link.
    pub fn new(title: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            url: url.into(),
            ..Self::default()
        }
    }
}

/// The articles of a news reply: 1 to [`MAX_ARTICLES`], checked when built (and when read
/// back from the context store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Article>", into = "Vec<Article>")]
pub struct News {
    articles: Vec<Article>,
}

/// Why a list of articles cannot be a news reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidNews {
    /// No article at all.
    #[error("a news reply needs at least one article")]
    Empty,
    /// More than [`MAX_ARTICLES`].
    #[error("a news reply holds at most {MAX_ARTICLES} articles, got {0}")]
    TooMany(usize),
}

impl News {
    /// Checks the count and wraps the articles.
    ///
    /// ```
    /// use weixin_mp::reply::{Article, InvalidNews, News};
    ///
    /// assert!(News::new(vec![Article::new("Hello", "https://example.com")]).is_ok());
    /// assert_eq!(News::new(vec![]), Err(InvalidNews::Empty));
    /// assert_eq!(News::new(vec![Article::default(); 9]), Err(InvalidNews::TooMany(9)));
    /// ```
    pub fn new(articles: Vec<Article>) -> Result<Self, InvalidNews> {
        match articles.len() {
            0 => Err(InvalidNews::Empty),
            n if n > MAX_ARTICLES => Err(InvalidNews::TooMany(n)),
            _ => Ok(Self { articles }),
        }
    }

    /// The articles (1 to [`MAX_ARTICLES`]).
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// Takes the articles back.
    pub fn into_articles(self) -> Vec<Article> {
        self.articles
    }
}

impl TryFrom<Vec<Article>> for News {
    type Error = InvalidNews;

    fn try_from(articles: Vec<Article>) -> Result<Self, Self::Error> {
        News::new(articles)
    }
}

impl From<News> for Vec<Article> {
    fn from(news: News) -> Self {
        news.articles
    }
}
