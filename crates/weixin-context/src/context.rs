//! The per-user message context: recent requests and responses plus the app's own data.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// The default number of requests (and, separately, responses) a context keeps.
pub const DEFAULT_MAX_RECORDS: usize = 20;

/// One user's recent conversation with one app, and the app's own data for that user.
///
/// `Req` and `Resp` are whatever the app records (typically the typed request and reply
/// messages); `S` is the app's per-user state, `serde_json::Value` unless a typed struct is
/// given. Requests and responses are kept separately, each bounded by
/// [`max_records`](MessageContext::max_records): pushing more drops the oldest first.
///
/// Stored compactly: the appid and openid are part of the cache key and are not repeated in
/// the stored value; empty record lists are omitted.
///
/// ```
/// use weixin_context::MessageContext;
/// let mut ctx: MessageContext<String, String> = MessageContext::new("wx1", "user1", 0, 2);
/// for text in ["a", "b", "c"] {
///     ctx.push_request(text.to_owned());
/// }
/// assert_eq!(ctx.requests().iter().collect::<Vec<_>>(), ["b", "c"]);
/// assert_eq!(ctx.last_request().map(String::as_str), Some("c"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "Req: Serialize, Resp: Serialize, S: Serialize",
    deserialize = "Req: Deserialize<'de>, Resp: Deserialize<'de>, S: Deserialize<'de> + Default"
))]
pub struct MessageContext<Req, Resp, S = serde_json::Value> {
    #[serde(skip)]
    appid: String,
    #[serde(skip)]
    openid: String,
    #[serde(rename = "c")]
    created_at_ms: u64,
    #[serde(rename = "a")]
    last_active_ms: u64,
    #[serde(rename = "q", default, skip_serializing_if = "VecDeque::is_empty")]
    requests: VecDeque<Req>,
    #[serde(rename = "r", default, skip_serializing_if = "VecDeque::is_empty")]
    responses: VecDeque<Resp>,
    #[serde(rename = "s", default)]
    storage: S,
    #[serde(skip, default = "default_max_records")]
    max_records: usize,
}

fn default_max_records() -> usize {
    DEFAULT_MAX_RECORDS
}

impl<Req, Resp, S: Default> MessageContext<Req, Resp, S> {
    /// A fresh, empty context created (and last active) at `now_ms`, keeping at most
    /// `max_records` requests and `max_records` responses.
    pub fn new(
        appid: impl Into<String>,
        openid: impl Into<String>,
        now_ms: u64,
        max_records: usize,
    ) -> Self {
        Self {
            appid: appid.into(),
            openid: openid.into(),
            created_at_ms: now_ms,
            last_active_ms: now_ms,
            requests: VecDeque::new(),
            responses: VecDeque::new(),
            storage: S::default(),
            max_records,
        }
    }
}

impl<Req, Resp, S> MessageContext<Req, Resp, S> {
    /// The app this context belongs to (the key it was loaded under).
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The user (openid) this context belongs to.
    pub fn openid(&self) -> &str {
        &self.openid
    }

    /// When this context was started, unix milliseconds.
    pub fn created_at_ms(&self) -> u64 {
        self.created_at_ms
    }

    /// When this context was last written by an update, unix milliseconds. Expiry slides from
    /// here.
    pub fn last_active_ms(&self) -> u64 {
        self.last_active_ms
    }

    /// The bound on requests and on responses.
    pub fn max_records(&self) -> usize {
        self.max_records
    }

    /// The recorded requests, oldest first.
    pub fn requests(&self) -> &VecDeque<Req> {
        &self.requests
    }

    /// The recorded responses, oldest first.
    pub fn responses(&self) -> &VecDeque<Resp> {
        &self.responses
    }

    /// The newest request, if any.
    pub fn last_request(&self) -> Option<&Req> {
        self.requests.back()
    }

    /// The newest response, if any.
    pub fn last_response(&self) -> Option<&Resp> {
        self.responses.back()
    }

    /// Appends a request, dropping the oldest ones beyond [`max_records`](Self::max_records).
    pub fn push_request(&mut self, request: Req) {
        self.requests.push_back(request);
        trim(&mut self.requests, self.max_records);
    }

    /// Appends a response, dropping the oldest ones beyond [`max_records`](Self::max_records).
    pub fn push_response(&mut self, response: Resp) {
        self.responses.push_back(response);
        trim(&mut self.responses, self.max_records);
    }

    /// Removes every recorded request and response (the storage is kept).
    pub fn clear_records(&mut self) {
        self.requests.clear();
        self.responses.clear();
    }

    /// The app's per-user data.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The app's per-user data, for changing it inside
    /// [`ContextStore::update`](crate::ContextStore::update).
    pub fn storage_mut(&mut self) -> &mut S {
        &mut self.storage
    }

    /// Replaces the app's per-user data, returning the old value.
    pub fn set_storage(&mut self, storage: S) -> S {
        std::mem::replace(&mut self.storage, storage)
    }

    /// Fills in what is not stored in the value (it lives in the key or the configuration).
    pub(crate) fn attach(&mut self, appid: &str, openid: &str, max_records: usize) {
        appid.clone_into(&mut self.appid);
        openid.clone_into(&mut self.openid);
        self.max_records = max_records;
        self.trim();
    }

    /// Marks the context active at `now_ms` (never moving backwards, should clocks disagree).
    pub(crate) fn touch(&mut self, now_ms: u64) {
        self.last_active_ms = self.last_active_ms.max(now_ms);
    }

    /// Applies the bound to both lists.
    pub(crate) fn trim(&mut self) {
        trim(&mut self.requests, self.max_records);
        trim(&mut self.responses, self.max_records);
    }
}

fn trim<T>(records: &mut VecDeque<T>, max: usize) {
    if records.len() > max {
        let excess = records.len() - max;
        records.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Ctx = MessageContext<u32, String>;

    #[test]
    fn push_drops_the_oldest_beyond_the_bound() {
        let mut ctx = Ctx::new("wx", "u", 7, 3);
        for i in 0..10 {
            ctx.push_request(i);
        }
        ctx.push_response("r".into());
        assert_eq!(
            ctx.requests().iter().copied().collect::<Vec<_>>(),
            [7, 8, 9]
        );
        assert_eq!(ctx.last_request(), Some(&9));
        assert_eq!(ctx.last_response().map(String::as_str), Some("r"));
        assert_eq!((ctx.created_at_ms(), ctx.last_active_ms()), (7, 7));
    }

    #[test]
    fn zero_bound_keeps_nothing() {
        let mut ctx = Ctx::new("wx", "u", 0, 0);
        ctx.push_request(1);
        assert!(ctx.requests().is_empty());
    }

    #[test]
    fn stored_form_is_compact_and_round_trips() {
        let mut ctx = Ctx::new("wx_app", "openid_1", 1_000, 5);
        let empty = serde_json::to_string(&ctx).unwrap();
        assert_eq!(empty, r#"{"c":1000,"a":1000,"s":null}"#);
        ctx.push_request(1);
        ctx.push_response("ok".into());
        *ctx.storage_mut() = serde_json::json!({"n": 1});
        let bytes = serde_json::to_vec(&ctx).unwrap();
        let mut back: Ctx = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back.appid(), "", "ids are not stored in the value");
        back.attach("wx_app", "openid_1", 5);
        assert_eq!(back, ctx);
    }

    #[test]
    fn attach_applies_a_smaller_bound() {
        let mut ctx = Ctx::new("wx", "u", 0, 10);
        (0..10).for_each(|i| ctx.push_request(i));
        ctx.attach("wx", "u", 4);
        assert_eq!(ctx.requests().len(), 4);
        assert_eq!(ctx.requests().front(), Some(&6));
    }

    #[test]
    fn touch_never_goes_back() {
        let mut ctx = Ctx::new("wx", "u", 100, 1);
        ctx.touch(50);
        assert_eq!(ctx.last_active_ms(), 100);
        ctx.touch(200);
        assert_eq!(ctx.last_active_ms(), 200);
    }
}
