//! From a field tree to a typed [`WxMessage`].

use weixin_mp::message::{
    SubscribeMsgChangeEvent, SubscribeMsgChangeItem, SubscribeMsgPopupEvent, SubscribeMsgPopupItem,
    SubscribeMsgSentEvent, SubscribeMsgSentItem, UnknownMessage, UserEnterTempSessionEvent,
};
use weixin_push::{Header, ParseError, same_name};

use super::WxMessage;
use super::tree::Fields;
use super::types::*;

pub(super) fn message(f: &Fields) -> Result<WxMessage, ParseError> {
    let Routing {
        header,
        msg_type,
        event,
        msg_id,
    } = routing(f)?;
    Ok(match kind(&msg_type, event.as_deref()) {
        Kind::Text => WxMessage::Text(TextMessage {
            content: f.string("Content"),
            header,
            msg_id,
        }),
        Kind::Image => WxMessage::Image(ImageMessage {
            pic_url: f.string("PicUrl"),
            media_id: f.string("MediaId"),
            header,
            msg_id,
        }),
        Kind::MiniProgramPage => WxMessage::MiniProgramPage(MiniProgramPageMessage {
            title: f.string("Title"),
            app_id: f.string("AppId"),
            page_path: f.string("PagePath"),
            thumb_url: f.string("ThumbUrl"),
            thumb_media_id: f.string("ThumbMediaId"),
            header,
            msg_id,
        }),
        Kind::UserEnterTempSession => WxMessage::UserEnterTempSession(UserEnterTempSessionEvent {
            session_from: f.string("SessionFrom"),
            header,
        }),
        Kind::SubscribePopup => WxMessage::SubscribePopup(SubscribeMsgPopupEvent {
            list: list(f, "SubscribeMsgPopupEvent")
                .map(|i| SubscribeMsgPopupItem {
                    template_id: i.string("TemplateId"),
                    subscribe_status_string: i.string("SubscribeStatusString"),
                    popup_scene: i.int("PopupScene").and_then(|n| u32::try_from(n).ok()),
                })
                .collect(),
            header,
        }),
        Kind::SubscribeChange => WxMessage::SubscribeChange(SubscribeMsgChangeEvent {
            list: list(f, "SubscribeMsgChangeEvent")
                .map(|i| SubscribeMsgChangeItem {
                    template_id: i.string("TemplateId"),
                    subscribe_status_string: i.string("SubscribeStatusString"),
                })
                .collect(),
            header,
        }),
        Kind::SubscribeSent => WxMessage::SubscribeSent(SubscribeMsgSentEvent {
            list: list(f, "SubscribeMsgSentEvent")
                .map(|i| SubscribeMsgSentItem {
                    template_id: i.string("TemplateId"),
                    msg_id: i
                        .text("MsgID")
                        .or_else(|| i.text("MsgId"))
                        .and_then(|t| t.trim().parse().ok()),
                    error_code: i.int("ErrorCode"),
                    error_status: i.string("ErrorStatus"),
                })
                .collect(),
            header,
        }),
        Kind::MediaCheck => WxMessage::MediaCheck(MediaCheckEvent {
            appid: f.string("appid"),
            trace_id: f.string("trace_id"),
            version: f.int("version"),
            result: f.map("result").map(|r| MediaCheckResult {
                suggest: r.string("suggest"),
                label: r.int("label"),
            }),
            detail: f
                .maps("detail")
                .map(|d| MediaCheckDetail {
                    strategy: d.string("strategy"),
                    errcode: d.int("errcode"),
                    suggest: d.string("suggest"),
                    label: d.int("label"),
                    prob: d.int("prob"),
                })
                .collect(),
            errcode: f.int("errcode"),
            errmsg: f.opt_string("errmsg"),
            header,
        }),
        Kind::DebugDemo => WxMessage::DebugDemo(DebugDemoEvent {
            debug_str: f.string("debug_str"),
            header,
        }),
        Kind::Unknown => {
            // The routing fields live in the message itself; a `MsgId` that is not a number
            // stays among the raw fields.
            let mut routing = vec![
                "ToUserName",
                "FromUserName",
                "CreateTime",
                "MsgType",
                "Event",
            ];
            if msg_id.is_some() {
                routing.extend(["MsgId", "MsgID"]);
            }
            WxMessage::Unknown(UnknownMessage {
                fields: f.raw_fields(&routing),
                header,
                msg_type,
                event,
                msg_id,
            })
        }
    })
}

/// The typed messages and events, chosen by `MsgType` and `Event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Image,
    MiniProgramPage,
    UserEnterTempSession,
    SubscribePopup,
    SubscribeChange,
    SubscribeSent,
    MediaCheck,
    DebugDemo,
    Unknown,
}

/// `MsgType` values of the typed messages.
const MESSAGES: [(&str, Kind); 3] = [
    ("text", Kind::Text),
    ("image", Kind::Image),
    ("miniprogrampage", Kind::MiniProgramPage),
];

/// `Event` values of the typed events.
const EVENTS: [(&str, Kind); 6] = [
    ("user_enter_tempsession", Kind::UserEnterTempSession),
    ("subscribe_msg_popup_event", Kind::SubscribePopup),
    ("subscribe_msg_change_event", Kind::SubscribeChange),
    ("subscribe_msg_sent_event", Kind::SubscribeSent),
    ("wxa_media_check", Kind::MediaCheck),
    ("debug_demo", Kind::DebugDemo),
];

/// The kind of a push, by the case rule both platforms share ([`same_name`]).
fn kind(msg_type: &str, event: Option<&str>) -> Kind {
    let find = |table: &[(&str, Kind)], name: &str| {
        table
            .iter()
            .find(|(known, _)| same_name(name, known))
            .map_or(Kind::Unknown, |&(_, kind)| kind)
    };
    match event {
        Some(event) if same_name(msg_type, "event") => find(&EVENTS, event),
        _ => find(&MESSAGES, msg_type),
    }
}

/// The `List` entries of a subscribe event: inside the XML wrapper element, or top-level in
/// JSON (one object or an array).
fn list<'a>(f: &'a Fields, wrapper: &'a str) -> impl Iterator<Item = &'a Fields> + 'a {
    let scope = f.map(wrapper).unwrap_or(f);
    scope.maps("List")
}

fn required<'a>(f: &'a Fields, name: &'static str) -> Result<&'a str, ParseError> {
    f.text(name).ok_or(ParseError::MissingField(name))
}

/// The header and the routing fields of a push.
struct Routing {
    header: Header,
    msg_type: String,
    event: Option<String>,
    msg_id: Option<u64>,
}

fn routing(f: &Fields) -> Result<Routing, ParseError> {
    let to_user_name = required(f, "ToUserName")?.to_owned();
    let from_user_name = required(f, "FromUserName")?.to_owned();
    let create_time = required(f, "CreateTime")?;
    let create_time = create_time
        .trim()
        .parse::<u64>()
        .map_err(|_| ParseError::InvalidField {
            field: "CreateTime",
            reason: "not a non-negative integer".to_owned(),
        })?;
    let msg_type = required(f, "MsgType")?.trim().to_owned();
    let event = f.opt_string("Event").map(|e| e.trim().to_owned());
    let msg_id = match f.text("MsgId").or_else(|| f.text("MsgID")).map(str::trim) {
        None | Some("") => None,
        Some(text) if text.bytes().all(|b| b.is_ascii_digit()) => {
            Some(text.parse::<u64>().map_err(|_| ParseError::InvalidField {
                field: "MsgId",
                reason: "does not fit in 64 bits".to_owned(),
            })?)
        }
        // Cloud-function pushes use a string id (`"49d7…_1555684067"`): not a number to dedup on.
        Some(text) if text.contains('_') => None,
        Some(_) => {
            return Err(ParseError::InvalidField {
                field: "MsgId",
                reason: "not an integer".to_owned(),
            });
        }
    };
    Ok(Routing {
        header: Header {
            to_user_name,
            from_user_name,
            create_time,
        },
        msg_type,
        event,
        msg_id,
    })
}
