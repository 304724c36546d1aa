//! Which pushes count as "the same push".

use std::fmt;

/// Identifies one push for deduplication.
///
/// The rule: appid plus `MsgId` when the push has one and it is not zero, otherwise appid plus
/// `FromUserName` + `CreateTime` + `Event` (events have no `MsgId`).
/// [`DedupKey::from_parts`] applies the rule; [`message`](DedupKey::message) and
/// [`event`](DedupKey::event) build one form directly.
///
/// ```
/// use weixin_context::DedupKey;
/// let text = DedupKey::from_parts("wx1", Some(6074746557628292943), "oUser", 1414387151, None);
/// assert_eq!(text, DedupKey::message("wx1", 6074746557628292943));
/// // MsgId 0 (or absent) falls back to the event rule.
/// let enter = DedupKey::from_parts("wx1", Some(0), "oUser", 1414387151, Some("user_enter_tempsession"));
/// assert_eq!(enter, DedupKey::event("wx1", "oUser", 1414387151, "user_enter_tempsession"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DedupKey {
    appid: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kind {
    Message(u64),
    Event {
        from_user: String,
        create_time: u64,
        event: String,
    },
}

impl DedupKey {
    /// The key of a message with a `MsgId`. Prefer [`from_parts`](Self::from_parts) when the
    /// id may be zero: this constructor uses the id as given.
    pub fn message(appid: impl Into<String>, msg_id: u64) -> Self {
        Self {
            appid: appid.into(),
            kind: Kind::Message(msg_id),
        }
    }

    /// The key of a push without a usable `MsgId`: sender, `CreateTime` (unix seconds) and
    /// `Event` (empty for a message type without one).
    pub fn event(
        appid: impl Into<String>,
        from_user: impl Into<String>,
        create_time: u64,
        event: impl Into<String>,
    ) -> Self {
        Self {
            appid: appid.into(),
            kind: Kind::Event {
                from_user: from_user.into(),
                create_time,
                event: event.into(),
            },
        }
    }

    /// Applies the rule: [`message`](Self::message) when `msg_id` is present and non-zero,
    /// otherwise [`event`](Self::event) (a missing event counts as empty).
    pub fn from_parts(
        appid: impl Into<String>,
        msg_id: Option<u64>,
        from_user: impl Into<String>,
        create_time: u64,
        event: Option<&str>,
    ) -> Self {
        match msg_id {
            Some(id) if id != 0 => Self::message(appid, id),
            _ => Self::event(appid, from_user, create_time, event.unwrap_or_default()),
        }
    }

    /// The app the push was sent to.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The `MsgId`, when this key was built from one.
    pub fn msg_id(&self) -> Option<u64> {
        match self.kind {
            Kind::Message(id) => Some(id),
            Kind::Event { .. } => None,
        }
    }

    /// Appends the parts after the appid in the cache key: `:msg:{id}` or
    /// `:evt:{from_user}:{create_time}:{event}`.
    pub(crate) fn write_parts(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match &self.kind {
            Kind::Message(id) => write!(out, ":msg:{id}"),
            Kind::Event {
                from_user,
                create_time,
                event,
            } => write!(out, ":evt:{from_user}:{create_time}:{event}"),
        }
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.appid)?;
        self.write_parts(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_id_zero_or_absent_uses_the_event_rule() {
        let zero = DedupKey::from_parts("wx", Some(0), "u", 10, Some("subscribe"));
        let none = DedupKey::from_parts("wx", None, "u", 10, Some("subscribe"));
        assert_eq!(zero, none);
        assert_eq!(zero.msg_id(), None);
        assert_eq!(zero.to_string(), "wx:evt:u:10:subscribe");
        let no_event = DedupKey::from_parts("wx", None, "u", 10, None);
        assert_eq!(no_event.to_string(), "wx:evt:u:10:");
    }

    #[test]
    fn non_zero_msg_id_ignores_the_other_parts() {
        let a = DedupKey::from_parts("wx", Some(42), "u1", 10, None);
        let b = DedupKey::from_parts("wx", Some(42), "u2", 99, Some("x"));
        assert_eq!(a, b);
        assert_eq!(a.msg_id(), Some(42));
        assert_eq!(a.to_string(), "wx:msg:42");
        assert_ne!(
            a,
            DedupKey::message("wx2", 42),
            "the appid is part of the key"
        );
    }
}
