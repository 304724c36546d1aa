//! The per-user message context: recent requests and responses plus the app's own data.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::lazy::LazyValue;
use crate::records::Records;

/// The default number of requests (and, separately, responses) a context keeps.
pub const DEFAULT_MAX_RECORDS: usize = 20;

/// One user's recent conversation with one app, and the app's own data for that user.
///
/// `Req` and `Resp` are whatever the app records (typically the typed request and reply
/// messages); `S` is the app's per-user state, `serde_json::Value` unless a typed struct is
/// given. Requests and responses are kept separately, each bounded by
/// [`max_records`](MessageContext::max_records): pushing more drops the oldest first.
///
/// Records and storage stay in their stored form until read (see [`Records`]), so a push
/// that appends one request and one response costs the same whatever the history's length.
/// The appid and openid are part of the cache key and are not repeated in the stored value.
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
pub struct MessageContext<Req, Resp, S = serde_json::Value> {
    appid: String,
    openid: String,
    created_at_ms: u64,
    last_active_ms: u64,
    requests: Records<Req>,
    responses: Records<Resp>,
    storage: Storage<S>,
    max_records: usize,
}

/// The app's per-user data and whether the app touched it.
struct Storage<S> {
    value: LazyValue<S>,
    /// Whether the app asked for mutable access (or replaced it) since the load.
    changed: bool,
}

impl<S: Clone> Clone for Storage<S> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            changed: self.changed,
        }
    }
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
            requests: Records::new(),
            responses: Records::new(),
            storage: Storage {
                value: LazyValue::new(S::default()),
                changed: false,
            },
            max_records,
        }
    }
}

impl<Req, Resp, S> MessageContext<Req, Resp, S> {
    /// Assembles a loaded context (the codec does this).
    pub(crate) fn from_stored(
        created_at_ms: u64,
        last_active_ms: u64,
        storage: LazyValue<S>,
        requests: Records<Req>,
        responses: Records<Resp>,
    ) -> Self {
        Self {
            appid: String::new(),
            openid: String::new(),
            created_at_ms,
            last_active_ms,
            requests,
            responses,
            storage: Storage {
                value: storage,
                changed: false,
            },
            max_records: DEFAULT_MAX_RECORDS,
        }
    }

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
    pub fn requests(&self) -> &Records<Req> {
        &self.requests
    }

    /// The recorded responses, oldest first.
    pub fn responses(&self) -> &Records<Resp> {
        &self.responses
    }

    /// Appends a request, dropping the oldest ones beyond [`max_records`](Self::max_records).
    pub fn push_request(&mut self, request: Req) {
        self.requests.push(request, self.max_records);
    }

    /// Appends a response, dropping the oldest ones beyond [`max_records`](Self::max_records).
    pub fn push_response(&mut self, response: Resp) {
        self.responses.push(response, self.max_records);
    }

    /// Removes every recorded request and response (the storage is kept).
    pub fn clear_records(&mut self) {
        self.requests.clear();
        self.responses.clear();
    }

    /// Whether [`storage_mut`](Self::storage_mut) or [`set_storage`](Self::set_storage) was
    /// called on this context since it was loaded or created.
    pub fn storage_changed(&self) -> bool {
        self.storage.changed
    }

    /// Replaces the app's per-user data.
    pub fn set_storage(&mut self, storage: S) {
        self.storage.value = LazyValue::new(storage);
        self.storage.changed = true;
    }

    /// The stored pieces, for encoding.
    pub(crate) fn stored_parts(&self) -> (u64, u64, &LazyValue<S>, &Records<Req>, &Records<Resp>) {
        (
            self.created_at_ms,
            self.last_active_ms,
            &self.storage.value,
            &self.requests,
            &self.responses,
        )
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
        self.requests.trim(self.max_records);
        self.responses.trim(self.max_records);
    }
}

impl<Req: DeserializeOwned, Resp: DeserializeOwned, S> MessageContext<Req, Resp, S> {
    /// The newest request, if any (decoding only it).
    pub fn last_request(&self) -> Option<&Req> {
        self.requests.last()
    }

    /// The newest response, if any.
    pub fn last_response(&self) -> Option<&Resp> {
        self.responses.last()
    }
}

impl<Req, Resp, S: DeserializeOwned + Default> MessageContext<Req, Resp, S> {
    /// The app's per-user data (its default when none was stored, or when the stored one no
    /// longer decodes as `S`).
    pub fn storage(&self) -> &S {
        self.storage.value.get()
    }

    /// The app's per-user data, for changing it inside
    /// [`ContextStore::update`](crate::ContextStore::update). Marks it
    /// [changed](Self::storage_changed).
    pub fn storage_mut(&mut self) -> &mut S {
        self.storage.changed = true;
        self.storage.value.get_mut()
    }
}

impl<Req: Clone, Resp: Clone, S: Clone> Clone for MessageContext<Req, Resp, S> {
    fn clone(&self) -> Self {
        Self {
            appid: self.appid.clone(),
            openid: self.openid.clone(),
            created_at_ms: self.created_at_ms,
            last_active_ms: self.last_active_ms,
            requests: self.requests.clone(),
            responses: self.responses.clone(),
            storage: self.storage.clone(),
            max_records: self.max_records,
        }
    }
}

impl<Req: fmt::Debug, Resp: fmt::Debug, S: fmt::Debug> fmt::Debug for MessageContext<Req, Resp, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageContext")
            .field("appid", &self.appid)
            .field("openid", &self.openid)
            .field("created_at_ms", &self.created_at_ms)
            .field("last_active_ms", &self.last_active_ms)
            .field("requests", &self.requests)
            .field("responses", &self.responses)
            .field("storage", &self.storage.value)
            .field("max_records", &self.max_records)
            .finish()
    }
}

/// Equal when the ids, times, bound, decoded records and decoded storage are.
impl<Req, Resp, S> PartialEq for MessageContext<Req, Resp, S>
where
    Req: DeserializeOwned + PartialEq,
    Resp: DeserializeOwned + PartialEq,
    S: DeserializeOwned + Default + PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.appid == other.appid
            && self.openid == other.openid
            && self.created_at_ms == other.created_at_ms
            && self.last_active_ms == other.last_active_ms
            && self.max_records == other.max_records
            && self.requests == other.requests
            && self.responses == other.responses
            && self.storage() == other.storage()
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
    fn storage_changes_are_tracked() {
        let mut ctx = Ctx::new("wx", "u", 0, 1);
        assert!(!ctx.storage_changed());
        assert_eq!(ctx.storage(), &serde_json::Value::Null);
        assert!(!ctx.storage_changed(), "reading is not changing");
        ctx.storage_mut()["n"] = 1.into();
        assert!(ctx.storage_changed());
        let mut other = Ctx::new("wx", "u", 0, 1);
        other.set_storage(serde_json::json!({"n": 1}));
        assert!(other.storage_changed());
        assert_eq!(ctx, other);
    }

    #[test]
    fn attach_applies_a_smaller_bound() {
        let mut ctx = Ctx::new("wx", "u", 0, 10);
        (0..10).for_each(|i| ctx.push_request(i));
        ctx.attach("wx", "u", 4);
        assert_eq!(ctx.requests().len(), 4);
        assert_eq!(ctx.requests().first(), Some(&6));
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
