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

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Endpoint, Request};

use super::common::OpenIdPage;

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

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    CreateTag::ENDPOINT,
    ListTags::ENDPOINT,
    UpdateTag::ENDPOINT,
    DeleteTag::ENDPOINT,
    TagUsers::ENDPOINT,
    UntagUsers::ENDPOINT,
    UserTags::ENDPOINT,
    TagMembers::ENDPOINT,
];

#[derive(Serialize)]
struct TagFields<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct CreateTag<'a> {
    tag: TagFields<'a>,
}

#[derive(Deserialize)]
struct Created {
    tag: Tag,
}

impl Request for CreateTag<'_> {
    type Response = Created;
    const ENDPOINT: Endpoint = Endpoint::post("/cgi-bin/tags/create", "MpApi::tags().create");
}

#[derive(Serialize)]
struct ListTags;

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Vec<Tag>,
}

impl Request for ListTags {
    type Response = TagList;
    const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/tags/get", "MpApi::tags().list");
}

#[derive(Serialize)]
struct UpdateTag<'a> {
    tag: TagFields<'a>,
}

impl Request for UpdateTag<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/tags/update", "MpApi::tags().update").idempotent();
}

#[derive(Serialize)]
struct DeleteTag<'a> {
    tag: TagFields<'a>,
}

impl Request for DeleteTag<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post("/cgi-bin/tags/delete", "MpApi::tags().delete");
}

#[derive(Serialize)]
struct TagUsers<'a> {
    openid_list: &'a [&'a str],
    tagid: i64,
}

impl Request for TagUsers<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/tags/members/batchtagging",
        "MpApi::tags().tag_users",
    )
    .idempotent();
}

#[derive(Serialize)]
struct UntagUsers<'a> {
    openid_list: &'a [&'a str],
    tagid: i64,
}

impl Request for UntagUsers<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/tags/members/batchuntagging",
        "MpApi::tags().untag_users",
    )
    .idempotent();
}

#[derive(Serialize)]
struct UserTags<'a> {
    openid: &'a str,
}

#[derive(Deserialize)]
struct TagIds {
    #[serde(default)]
    tagid_list: Vec<i64>,
}

impl Request for UserTags<'_> {
    type Response = TagIds;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/tags/getidlist", "MpApi::tags().user_tags").idempotent();
}

#[derive(Serialize)]
struct TagMembers<'a> {
    tagid: i64,
    next_openid: &'a str,
}

impl Request for TagMembers<'_> {
    type Response = OpenIdPage;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/user/tag/get", "MpApi::tags().users").idempotent();
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

    /// Creates a tag (`POST cgi-bin/tags/create`).
    pub async fn create(&self, name: &str) -> Result<Tag, Error> {
        let tag = TagFields {
            id: None,
            name: Some(name),
        };
        Ok(self.api.send(&CreateTag { tag }).await?.tag)
    }

    /// All tags with their user counts (`GET cgi-bin/tags/get`).
    pub async fn list(&self) -> Result<Vec<Tag>, Error> {
        Ok(self.api.send(&ListTags).await?.tags)
    }

    /// Renames a tag (`POST cgi-bin/tags/update`).
    pub async fn update(&self, id: i64, name: &str) -> Result<(), Error> {
        let tag = TagFields {
            id: Some(id),
            name: Some(name),
        };
        self.api.send(&UpdateTag { tag }).await.map(drop)
    }

    /// Deletes a tag (`POST cgi-bin/tags/delete`), at most once.
    pub async fn delete(&self, id: i64) -> Result<(), Error> {
        let tag = TagFields {
            id: Some(id),
            name: None,
        };
        self.api.send(&DeleteTag { tag }).await.map(drop)
    }

    /// Gives up to 50 users a tag (`POST cgi-bin/tags/members/batchtagging`).
    pub async fn tag_users(&self, tagid: i64, openids: &[&str]) -> Result<(), Error> {
        let request = TagUsers {
            openid_list: openids,
            tagid,
        };
        self.api.send(&request).await.map(drop)
    }

    /// Removes a tag from up to 50 users (`POST cgi-bin/tags/members/batchuntagging`).
    pub async fn untag_users(&self, tagid: i64, openids: &[&str]) -> Result<(), Error> {
        let request = UntagUsers {
            openid_list: openids,
            tagid,
        };
        self.api.send(&request).await.map(drop)
    }

    /// The tag ids of a user (`POST cgi-bin/tags/getidlist`).
    pub async fn user_tags(&self, openid: &str) -> Result<Vec<i64>, Error> {
        Ok(self.api.send(&UserTags { openid }).await?.tagid_list)
    }

    /// One page of the users having a tag (`POST cgi-bin/user/tag/get`); start with an empty
    /// `next_openid`.
    pub async fn users(&self, tagid: i64, next_openid: &str) -> Result<OpenIdPage, Error> {
        self.api.send(&TagMembers { tagid, next_openid }).await
    }
}
