//! User tags (标签管理): create, list, rename, delete, tag and untag users.
//!
//! ```no_run
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let tag = mp.tags().create("广东").await?;
//! mp.tags().tag_users(tag.id, &["OPENID1", "OPENID2"]).await?;
//! let ids = mp.tags().user_tags("OPENID1").await?;
//! assert!(ids.contains(&tag.id));
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

use super::common::{OpenIdPage, send_ok};

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Tag {
    /// The tag id (0, 1 and 2 are reserved by WeChat).
    pub id: i64,
    /// The name (up to 30 characters).
    pub name: String,
    /// How many users have it (listing only).
    #[serde(default)]
    pub count: u64,
}

#[derive(Serialize)]
struct TagBody<'a> {
    tag: TagFields<'a>,
}

#[derive(Serialize)]
struct TagFields<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Deserialize)]
struct Created {
    tag: Tag,
}

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Serialize)]
struct Batch<'a> {
    openid_list: &'a [&'a str],
    tagid: i64,
}

#[derive(Serialize)]
struct OpenId<'a> {
    openid: &'a str,
}

#[derive(Deserialize)]
struct TagIds {
    #[serde(default)]
    tagid_list: Vec<i64>,
}

#[derive(Serialize)]
struct Members<'a> {
    tagid: i64,
    next_openid: &'a str,
}

/// Tag APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct TagsApi {
    api: ApiClient,
}

impl TagsApi {
    /// The tag APIs of the app behind `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    fn tag(id: Option<i64>, name: Option<&str>) -> TagBody<'_> {
        TagBody {
            tag: TagFields { id, name },
        }
    }

    /// Creates a tag (`POST cgi-bin/tags/create`).
    pub async fn create(&self, name: &str) -> Result<Tag, Error> {
        let call = Call::post("/cgi-bin/tags/create").json(&Self::tag(None, Some(name)));
        let created: Created = self.api.json(call).await?;
        Ok(created.tag)
    }

    /// All tags with their user counts (`GET cgi-bin/tags/get`).
    pub async fn list(&self) -> Result<Vec<Tag>, Error> {
        let list: TagList = self.api.json(Call::get("/cgi-bin/tags/get")).await?;
        Ok(list.tags)
    }

    /// Renames a tag (`POST cgi-bin/tags/update`).
    pub async fn update(&self, id: i64, name: &str) -> Result<(), Error> {
        let call = Call::post("/cgi-bin/tags/update")
            .json(&Self::tag(Some(id), Some(name)))
            .idempotent();
        send_ok(&self.api, call).await
    }

    /// Deletes a tag (`POST cgi-bin/tags/delete`), at most once.
    pub async fn delete(&self, id: i64) -> Result<(), Error> {
        let call = Call::post("/cgi-bin/tags/delete").json(&Self::tag(Some(id), None));
        send_ok(&self.api, call).await
    }

    /// Gives up to 50 users a tag (`POST cgi-bin/tags/members/batchtagging`).
    pub async fn tag_users(&self, tagid: i64, openids: &[&str]) -> Result<(), Error> {
        let body = Batch {
            openid_list: openids,
            tagid,
        };
        let call = Call::post("/cgi-bin/tags/members/batchtagging")
            .json(&body)
            .idempotent();
        send_ok(&self.api, call).await
    }

    /// Removes a tag from up to 50 users (`POST cgi-bin/tags/members/batchuntagging`).
    pub async fn untag_users(&self, tagid: i64, openids: &[&str]) -> Result<(), Error> {
        let body = Batch {
            openid_list: openids,
            tagid,
        };
        let call = Call::post("/cgi-bin/tags/members/batchuntagging")
            .json(&body)
            .idempotent();
        send_ok(&self.api, call).await
    }

    /// The tag ids of a user (`POST cgi-bin/tags/getidlist`).
    pub async fn user_tags(&self, openid: &str) -> Result<Vec<i64>, Error> {
        let call = Call::post("/cgi-bin/tags/getidlist")
            .json(&OpenId { openid })
            .idempotent();
        let ids: TagIds = self.api.json(call).await?;
        Ok(ids.tagid_list)
    }

    /// One page of the users having a tag (`POST cgi-bin/user/tag/get`); start with an empty
    /// `next_openid`.
    pub async fn users(&self, tagid: i64, next_openid: &str) -> Result<OpenIdPage, Error> {
        let call = Call::post("/cgi-bin/user/tag/get")
            .json(&Members { tagid, next_openid })
            .idempotent();
        self.api.json(call).await
    }
}
