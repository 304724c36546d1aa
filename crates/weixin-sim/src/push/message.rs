//! [`Push`]: one message or event as WeChat pushes it, rendered as XML or JSON.

use serde_json::{Map, Value};

/// A field value of a push.
#[derive(Debug, Clone, PartialEq)]
pub enum PushValue {
    /// A string (XML: CDATA).
    Str(String),
    /// A number.
    Int(i64),
    /// A nested element (XML) / object (JSON).
    Object(Vec<(String, PushValue)>),
    /// Repeated elements (XML: one element per item, all with the field's name) / an array.
    List(Vec<PushValue>),
    /// The subscribe-message event lists: XML `<Wrapper><List>…</List>…</Wrapper>`; JSON a
    /// top-level `"List"` that is the object itself when there is one item, else an array.
    WrappedList {
        /// The XML wrapper element, e.g. `SubscribeMsgPopupEvent`.
        wrapper: String,
        /// The items (objects).
        items: Vec<PushValue>,
    },
}

impl From<&str> for PushValue {
    fn from(s: &str) -> Self {
        PushValue::Str(s.to_owned())
    }
}

impl From<String> for PushValue {
    fn from(s: String) -> Self {
        PushValue::Str(s)
    }
}

impl From<i64> for PushValue {
    fn from(n: i64) -> Self {
        PushValue::Int(n)
    }
}

/// One push: a user message (it gets a `MsgId`) or an event (deduplicated by WeChat's rule
/// `FromUserName + CreateTime`, so no `MsgId`).
///
/// `ToUserName` (the account's original ID), `CreateTime` and `MsgId` are filled in by the
/// [`crate::PushDriver`] unless set here.
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    from: String,
    msg_type: String,
    event: Option<String>,
    fields: Vec<(String, PushValue)>,
    create_time: Option<u64>,
    msg_id: Option<u64>,
}

fn obj(fields: &[(&str, PushValue)]) -> PushValue {
    PushValue::Object(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

impl Push {
    /// A user message of type `msg_type` (gets a `MsgId`).
    pub fn message(from: impl Into<String>, msg_type: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            msg_type: msg_type.into(),
            event: None,
            fields: Vec::new(),
            create_time: None,
            msg_id: None,
        }
    }

    /// An event (`MsgType` `event`, `Event` `event`).
    pub fn event(from: impl Into<String>, event: impl Into<String>) -> Self {
        Self {
            event: Some(event.into()),
            ..Self::message(from, "event")
        }
    }

    /// A text message.
    pub fn text(from: impl Into<String>, content: impl Into<String>) -> Self {
        Self::message(from, "text").field("Content", content.into())
    }

    /// An image message.
    pub fn image(
        from: impl Into<String>,
        pic_url: impl Into<String>,
        media_id: impl Into<String>,
    ) -> Self {
        Self::message(from, "image")
            .field("PicUrl", pic_url.into())
            .field("MediaId", media_id.into())
    }

    /// A mini-program card (`miniprogrampage`) sent by the user into the chat.
    pub fn miniprogram_page(
        from: impl Into<String>,
        title: impl Into<String>,
        appid: impl Into<String>,
        page_path: impl Into<String>,
    ) -> Self {
        Self::message(from, "miniprogrampage")
            .field("Title", title.into())
            .field("AppId", appid.into())
            .field("PagePath", page_path.into())
            .field("ThumbUrl", "")
            .field("ThumbMediaId", "")
    }

    /// The user entered the customer-service chat (`user_enter_tempsession`).
    pub fn enter_session(from: impl Into<String>, session_from: impl Into<String>) -> Self {
        Self::event(from, "user_enter_tempsession").field("SessionFrom", session_from.into())
    }

    /// `subscribe_msg_popup_event`: `(template_id, "accept" | "reject")` per template.
    pub fn subscribe_popup(from: impl Into<String>, items: &[(&str, &str)]) -> Self {
        let items = items
            .iter()
            .map(|(t, s)| {
                obj(&[
                    ("TemplateId", (*t).into()),
                    ("SubscribeStatusString", (*s).into()),
                    ("PopupScene", "0".into()),
                ])
            })
            .collect();
        Self::event(from, "subscribe_msg_popup_event").field(
            "List",
            PushValue::WrappedList {
                wrapper: "SubscribeMsgPopupEvent".to_owned(),
                items,
            },
        )
    }

    /// `subscribe_msg_change_event` (the user turned templates off in 服务通知).
    pub fn subscribe_change(from: impl Into<String>, template_ids: &[&str]) -> Self {
        let items = template_ids
            .iter()
            .map(|t| {
                obj(&[
                    ("TemplateId", (*t).into()),
                    ("SubscribeStatusString", "reject".into()),
                ])
            })
            .collect();
        Self::event(from, "subscribe_msg_change_event").field(
            "List",
            PushValue::WrappedList {
                wrapper: "SubscribeMsgChangeEvent".to_owned(),
                items,
            },
        )
    }

    /// `subscribe_msg_sent_event`: the final result of one `subscribe/send`.
    pub fn subscribe_sent(
        from: impl Into<String>,
        template_id: &str,
        msg_id: u64,
        error_code: i64,
        error_status: &str,
    ) -> Self {
        let item = obj(&[
            ("TemplateId", template_id.into()),
            ("MsgID", msg_id.to_string().into()),
            ("ErrorCode", error_code.into()),
            ("ErrorStatus", error_status.into()),
        ]);
        Self::event(from, "subscribe_msg_sent_event").field(
            "List",
            PushValue::WrappedList {
                wrapper: "SubscribeMsgSentEvent".to_owned(),
                items: vec![item],
            },
        )
    }

    /// `wxa_media_check` (v2): the asynchronous result of `media_check_async`.
    /// `suggest` is `pass`, `review` or `risky`; `label` 100 is normal.
    pub fn media_check(
        from: impl Into<String>,
        appid: &str,
        trace_id: &str,
        suggest: &str,
        label: i64,
    ) -> Self {
        Self::event(from, "wxa_media_check")
            .field("appid", appid)
            .field("trace_id", trace_id)
            .field("version", 2i64)
            .field(
                "detail",
                PushValue::List(vec![obj(&[
                    ("strategy", "content_model".into()),
                    ("errcode", PushValue::Int(0)),
                    ("suggest", suggest.into()),
                    ("label", label.into()),
                    ("prob", PushValue::Int(90)),
                ])]),
            )
            .field("errcode", 0i64)
            .field("errmsg", "ok")
            .field(
                "result",
                obj(&[("suggest", suggest.into()), ("label", label.into())]),
            )
    }

    /// Official account: the user followed (`subscribe`; `event_key` e.g. `qrscene_123` when
    /// through a QR code).
    pub fn follow(from: impl Into<String>, event_key: Option<&str>) -> Self {
        let push = Self::event(from, "subscribe");
        match event_key {
            Some(key) => push.field("EventKey", key),
            None => push,
        }
    }

    /// Official account: the user unfollowed.
    pub fn unfollow(from: impl Into<String>) -> Self {
        Self::event(from, "unsubscribe")
    }

    /// Official account: a menu click (`CLICK` with the button's key).
    pub fn click(from: impl Into<String>, key: &str) -> Self {
        Self::event(from, "CLICK").field("EventKey", key)
    }

    /// Official account: a menu link (`VIEW` with the URL).
    pub fn view(from: impl Into<String>, url: &str) -> Self {
        Self::event(from, "VIEW").field("EventKey", url)
    }

    /// Adds a field (after the common ones, in call order).
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<PushValue>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Sets `CreateTime` (default: the driver's clock).
    #[must_use]
    pub fn create_time(mut self, unix_secs: u64) -> Self {
        self.create_time = Some(unix_secs);
        self
    }

    /// Sets the `MsgId` (default: a fresh one per push for messages, none for events).
    #[must_use]
    pub fn msg_id(mut self, id: u64) -> Self {
        self.msg_id = Some(id);
        self
    }

    /// The sender's openid.
    pub fn from_user(&self) -> &str {
        &self.from
    }

    /// `MsgType`.
    pub fn msg_type(&self) -> &str {
        &self.msg_type
    }

    /// `Event`, for events.
    pub fn event_name(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// Whether this is a user message (not an event).
    pub fn is_message(&self) -> bool {
        self.event.is_none()
    }

    /// A string field set on this push (not the common ones).
    pub fn field_str(&self, name: &str) -> Option<&str> {
        self.fields.iter().find_map(|(k, v)| match v {
            PushValue::Str(s) if k == name => Some(s.as_str()),
            _ => None,
        })
    }

    pub(crate) fn explicit_create_time(&self) -> Option<u64> {
        self.create_time
    }

    pub(crate) fn explicit_msg_id(&self) -> Option<u64> {
        self.msg_id
    }

    /// All fields in order, with the common ones first.
    fn all_fields(
        &self,
        to: &str,
        create_time: u64,
        msg_id: Option<u64>,
    ) -> Vec<(String, PushValue)> {
        let mut out = vec![
            ("ToUserName".to_owned(), PushValue::from(to)),
            (
                "FromUserName".to_owned(),
                PushValue::from(self.from.as_str()),
            ),
            (
                "CreateTime".to_owned(),
                PushValue::Int(i64::try_from(create_time).unwrap_or(i64::MAX)),
            ),
            (
                "MsgType".to_owned(),
                PushValue::from(self.msg_type.as_str()),
            ),
        ];
        if let Some(event) = &self.event {
            out.push(("Event".to_owned(), PushValue::from(event.as_str())));
        }
        out.extend(self.fields.iter().cloned());
        if let Some(id) = msg_id {
            out.push((
                "MsgId".to_owned(),
                PushValue::Int(i64::try_from(id).unwrap_or(i64::MAX)),
            ));
        }
        out
    }

    /// The XML body (`<xml>…</xml>`).
    pub(crate) fn to_xml(&self, to: &str, create_time: u64, msg_id: Option<u64>) -> String {
        let mut out = String::from("<xml>");
        for (name, value) in self.all_fields(to, create_time, msg_id) {
            xml_field(&mut out, &name, &value);
        }
        out.push_str("</xml>");
        out
    }

    /// The JSON body.
    pub(crate) fn to_json(&self, to: &str, create_time: u64, msg_id: Option<u64>) -> Value {
        let mut map = Map::new();
        for (name, value) in self.all_fields(to, create_time, msg_id) {
            map.insert(name, json_value(&value));
        }
        Value::Object(map)
    }
}

pub(crate) fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

fn xml_field(out: &mut String, name: &str, value: &PushValue) {
    match value {
        PushValue::Str(s) => out.push_str(&format!("<{name}>{}</{name}>", cdata(s))),
        PushValue::Int(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
        PushValue::Object(fields) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in fields {
                xml_field(out, k, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        PushValue::List(items) => {
            for item in items {
                xml_field(out, name, item);
            }
        }
        PushValue::WrappedList { wrapper, items } => {
            out.push_str(&format!("<{wrapper}>"));
            for item in items {
                xml_field(out, name, item);
            }
            out.push_str(&format!("</{wrapper}>"));
        }
    }
}

fn json_value(value: &PushValue) -> Value {
    match value {
        PushValue::Str(s) => Value::String(s.clone()),
        PushValue::Int(n) => Value::from(*n),
        PushValue::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect(),
        ),
        PushValue::List(items) => Value::Array(items.iter().map(json_value).collect()),
        PushValue::WrappedList { items, .. } => match items.as_slice() {
            [one] => json_value(one),
            many => Value::Array(many.iter().map(json_value).collect()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_xml_matches_the_official_layout() {
        let xml = Push::text("fromUser", "this is a test").to_xml(
            "toUser",
            1482048670,
            Some(1234567890123456),
        );
        assert_eq!(
            xml,
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>"
        );
    }

    #[test]
    fn subscribe_lists_follow_the_object_or_array_rule() {
        let one = Push::subscribe_popup("u", &[("T1", "accept")]).to_json("gh", 1, None);
        assert_eq!(one["List"]["TemplateId"], "T1");
        let two = Push::subscribe_popup("u", &[("T1", "accept"), ("T2", "reject")]);
        assert_eq!(
            two.to_json("gh", 1, None)["List"][1]["SubscribeStatusString"],
            "reject"
        );
        let xml = two.to_xml("gh", 1, None);
        assert!(
            xml.contains("<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[T1]]></TemplateId>")
        );
        assert_eq!(xml.matches("<List>").count(), 2);
    }
}
