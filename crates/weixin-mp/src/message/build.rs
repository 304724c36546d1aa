//! Builds the typed [`Message`] from the element tree.
//!
//! Only the header fields (`ToUserName`, `FromUserName`, `CreateTime`, `MsgType`) are
//! required. A missing type-specific text field reads as empty, a missing number as `None` (or
//! 0 where the field is not optional). A field that is present but malformed (a number that
//! is not one, out of range, or text where elements were expected) is an
//! [`ParseError::InvalidField`].

use std::borrow::Cow;

use super::events::*;
use super::messages::*;
use super::tree::{Node, NodeValue};
use super::{Header, Message, RawFields, UnknownMessage};
use weixin_push::ParseError;

/// The fields of one element, taken out one by one as the typed message is built.
pub(crate) struct Fields<'a> {
    nodes: Vec<Node<'a>>,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ParseError {
    ParseError::InvalidField {
        field,
        reason: reason.into(),
    }
}

/// Trims XML whitespace (space, tab, CR, LF), byte-wise: all four are ASCII, so the cut
/// points are char boundaries.
fn trim(s: &str) -> &str {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|b| !is_ws(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ws(b))
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// Parses an unsigned decimal integer exactly (no sign, no float detour).
/// One pass over the digits (this runs for `CreateTime` and `MsgId` of every push).
fn parse_u64(field: &'static str, s: &str) -> Result<u64, ParseError> {
    let s = trim(s);
    if s.is_empty() {
        return Err(invalid(field, "not an unsigned integer"));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(field, "not an unsigned integer"));
    }
    if s.len() < 20 {
        // At most 19 digits: below 10^19 < u64::MAX, so no overflow check is needed.
        return Ok(s.bytes().fold(0u64, |v, b| v * 10 + u64::from(b - b'0')));
    }
    s.parse::<u64>()
        .map_err(|_| invalid(field, "does not fit in 64 bits"))
}

fn parse_i64(field: &'static str, s: &str) -> Result<i64, ParseError> {
    let s = trim(s);
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(field, "not an integer"));
    }
    s.parse::<i64>()
        .map_err(|_| invalid(field, "does not fit in 64 bits"))
}

fn parse_u32(field: &'static str, s: &str) -> Result<u32, ParseError> {
    let n = parse_u64(field, s)?;
    u32::try_from(n).map_err(|_| invalid(field, "out of range"))
}

fn parse_f64(field: &'static str, s: &str) -> Result<f64, ParseError> {
    let s = trim(s);
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(invalid(field, "not a decimal number")),
    }
}

impl<'a> Fields<'a> {
    pub(crate) fn new(nodes: Vec<Node<'a>>) -> Self {
        Self { nodes }
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.name == name && !matches!(n.value, NodeValue::Taken))
    }

    /// Moves the text of the first field called `name` out.
    fn text(&mut self, name: &'static str) -> Result<Option<Cow<'a, str>>, ParseError> {
        let Some(i) = self.find(name) else {
            return Ok(None);
        };
        let Some(node) = self.nodes.get_mut(i) else {
            return Ok(None);
        };
        match std::mem::replace(&mut node.value, NodeValue::Taken) {
            NodeValue::Text(t) => Ok(Some(t)),
            NodeValue::Children(_) => Err(invalid(name, "expected text, found elements")),
            NodeValue::Taken => Ok(None),
        }
    }

    fn string(&mut self, name: &'static str) -> Result<String, ParseError> {
        Ok(self.text(name)?.map(Cow::into_owned).unwrap_or_default())
    }

    fn opt_string(&mut self, name: &'static str) -> Result<Option<String>, ParseError> {
        Ok(self.text(name)?.map(Cow::into_owned))
    }

    /// An optional number: missing or empty is `None`.
    fn opt_num<T>(
        &mut self,
        name: &'static str,
        parse: fn(&'static str, &str) -> Result<T, ParseError>,
    ) -> Result<Option<T>, ParseError> {
        match self.text(name)? {
            Some(t) if !trim(&t).is_empty() => parse(name, &t).map(Some),
            _ => Ok(None),
        }
    }

    /// The first of `names` present, as an optional `u64` (`MsgId` / `MsgID`).
    fn opt_u64_any(&mut self, names: [&'static str; 2]) -> Result<Option<u64>, ParseError> {
        for name in names {
            if self.find(name).is_some() {
                return self.opt_num(name, parse_u64);
            }
        }
        Ok(None)
    }

    /// Moves out the children of the first field called `name` (text counts as no children).
    fn child(&mut self, name: &'static str) -> Fields<'a> {
        let nodes = self
            .find(name)
            .and_then(|i| self.nodes.get_mut(i))
            .map(
                |node| match std::mem::replace(&mut node.value, NodeValue::Taken) {
                    NodeValue::Children(children) => children,
                    _ => Vec::new(),
                },
            )
            .unwrap_or_default();
        Fields::new(nodes)
    }

    /// Moves out the children of every field called `name`, in order.
    fn children(&mut self, name: &'static str) -> Vec<Fields<'a>> {
        let mut out = Vec::new();
        for node in &mut self.nodes {
            if node.name == name
                && let NodeValue::Children(children) =
                    std::mem::replace(&mut node.value, NodeValue::Taken)
            {
                out.push(Fields::new(children));
            }
        }
        out
    }

    fn has(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn into_raw(self) -> RawFields {
        RawFields::from_nodes(self.nodes)
    }
}

/// Builds a message from the root element's fields.
pub(crate) fn build(nodes: Vec<Node<'_>>) -> Result<Message, ParseError> {
    let mut f = Fields::new(nodes);
    let to_user_name = f
        .text("ToUserName")?
        .ok_or(ParseError::MissingField("ToUserName"))?
        .into_owned();
    let from_user_name = f
        .text("FromUserName")?
        .ok_or(ParseError::MissingField("FromUserName"))?
        .into_owned();
    let create_time = f
        .text("CreateTime")?
        .ok_or(ParseError::MissingField("CreateTime"))?;
    let create_time = parse_u64("CreateTime", &create_time)?;
    let msg_type = f
        .text("MsgType")?
        .ok_or(ParseError::MissingField("MsgType"))?;
    let header = Header {
        to_user_name,
        from_user_name,
        create_time,
    };
    let kind = trim(&msg_type);
    let is = |name: &str| kind.eq_ignore_ascii_case(name);

    let message = if is("text") {
        Message::Text(TextMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            content: f.string("Content")?,
            biz_msg_menu_id: f.opt_string("bizmsgmenuid")?,
            header,
        })
    } else if is("image") {
        Message::Image(ImageMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            pic_url: f.string("PicUrl")?,
            media_id: f.string("MediaId")?,
            header,
        })
    } else if is("voice") {
        Message::Voice(VoiceMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            media_id: f.string("MediaId")?,
            format: f.string("Format")?,
            recognition: f.opt_string("Recognition")?,
            media_id_16k: f.opt_string("MediaId16K")?,
            header,
        })
    } else if is("video") || is("shortvideo") {
        let video = VideoMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            media_id: f.string("MediaId")?,
            thumb_media_id: f.string("ThumbMediaId")?,
            header,
        };
        if is("video") {
            Message::Video(video)
        } else {
            Message::ShortVideo(video)
        }
    } else if is("location") {
        Message::Location(LocationMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            location_x: f.opt_num("Location_X", parse_f64)?.unwrap_or_default(),
            location_y: f.opt_num("Location_Y", parse_f64)?.unwrap_or_default(),
            scale: f.opt_num("Scale", parse_u32)?.unwrap_or_default(),
            label: f.string("Label")?,
            header,
        })
    } else if is("link") {
        Message::Link(LinkMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            title: f.string("Title")?,
            description: f.string("Description")?,
            url: f.string("Url")?,
            header,
        })
    } else if is("file") {
        Message::File(FileMessage {
            msg_id: f.opt_u64_any(["MsgId", "MsgID"])?,
            title: f.string("Title")?,
            description: f.string("Description")?,
            file_key: f.string("FileKey")?,
            file_md5: f.string("FileMd5")?,
            file_total_len: f.opt_num("FileTotalLen", parse_u64)?,
            header,
        })
    } else if is("event") {
        let event = f.text("Event")?;
        match event.as_deref().map(trim) {
            Some(name) => match build_event(name, header, &mut f)? {
                Ok(message) => message,
                Err(header) => unknown(header, kind, Some(name), f)?,
            },
            None => unknown(header, kind, None, f)?,
        }
    } else {
        unknown(header, kind, None, f)?
    };
    Ok(message)
}

fn unknown(
    header: Header,
    msg_type: &str,
    event: Option<&str>,
    mut f: Fields<'_>,
) -> Result<Message, ParseError> {
    // A MsgId that is not a valid u64 stays in the raw fields as text.
    let msg_id = ["MsgId", "MsgID"].into_iter().find_map(|name| {
        let i = f.find(name)?;
        let node = f.nodes.get_mut(i)?;
        let NodeValue::Text(text) = &node.value else {
            return None;
        };
        let id = parse_u64(name, text).ok()?;
        node.value = NodeValue::Taken;
        Some(id)
    });
    Ok(Message::Unknown(UnknownMessage {
        header,
        msg_type: msg_type.to_owned(),
        event: event.map(str::to_owned),
        msg_id,
        fields: f.into_raw(),
    }))
}

/// Builds a known event; gives the header back when `name` is not one.
fn build_event(
    name: &str,
    header: Header,
    f: &mut Fields<'_>,
) -> Result<Result<Message, Header>, ParseError> {
    let is = |event: &str| name.eq_ignore_ascii_case(event);
    let message = if is("subscribe") {
        Message::EventSubscribe(SubscribeEvent {
            event_key: f.opt_string("EventKey")?.filter(|k| !k.is_empty()),
            ticket: f.opt_string("Ticket")?.filter(|t| !t.is_empty()),
            header,
        })
    } else if is("unsubscribe") {
        Message::EventUnsubscribe(UnsubscribeEvent { header })
    } else if is("SCAN") {
        Message::EventScan(ScanEvent {
            event_key: f.string("EventKey")?,
            ticket: f.opt_string("Ticket")?.filter(|t| !t.is_empty()),
            header,
        })
    } else if is("LOCATION") {
        Message::EventLocation(LocationEvent {
            latitude: f.opt_num("Latitude", parse_f64)?.unwrap_or_default(),
            longitude: f.opt_num("Longitude", parse_f64)?.unwrap_or_default(),
            precision: f.opt_num("Precision", parse_f64)?.unwrap_or_default(),
            header,
        })
    } else if is("CLICK") {
        Message::EventClick(ClickEvent {
            event_key: f.string("EventKey")?,
            header,
        })
    } else if is("VIEW") || is("view_miniprogram") {
        let view = ViewEvent {
            event_key: f.string("EventKey")?,
            menu_id: f.opt_string("MenuId")?.filter(|m| !m.is_empty()),
            header,
        };
        if is("VIEW") {
            Message::EventView(view)
        } else {
            Message::EventViewMiniprogram(view)
        }
    } else if is("TEMPLATESENDJOBFINISH") {
        Message::EventTemplateSendJobFinish(TemplateSendJobFinishEvent {
            msg_id: f.opt_u64_any(["MsgID", "MsgId"])?,
            status: f.string("Status")?,
            header,
        })
    } else if is("MASSSENDJOBFINISH") {
        Message::EventMassSendJobFinish(MassSendJobFinishEvent {
            msg_id: f.opt_u64_any(["MsgID", "MsgId"])?,
            status: f.string("Status")?,
            total_count: f.opt_num("TotalCount", parse_u64)?,
            filter_count: f.opt_num("FilterCount", parse_u64)?,
            sent_count: f.opt_num("SentCount", parse_u64)?,
            error_count: f.opt_num("ErrorCount", parse_u64)?,
            header,
        })
    } else if is("scancode_push") || is("scancode_waitmsg") {
        let event_key = f.string("EventKey")?;
        let mut info = f.child("ScanCodeInfo");
        let event = ScanCodeEvent {
            event_key,
            scan_code_info: ScanCodeInfo {
                scan_type: info.string("ScanType")?,
                scan_result: info.string("ScanResult")?,
            },
            header,
        };
        if is("scancode_push") {
            Message::EventScancodePush(event)
        } else {
            Message::EventScancodeWaitmsg(event)
        }
    } else if is("pic_sysphoto") || is("pic_photo_or_album") || is("pic_weixin") {
        let event = PicEvent {
            event_key: f.string("EventKey")?,
            send_pics_info: send_pics_info(f.child("SendPicsInfo"))?,
            header,
        };
        if is("pic_sysphoto") {
            Message::EventPicSysphoto(event)
        } else if is("pic_photo_or_album") {
            Message::EventPicPhotoOrAlbum(event)
        } else {
            Message::EventPicWeixin(event)
        }
    } else if is("location_select") {
        let event_key = f.string("EventKey")?;
        let mut info = f.child("SendLocationInfo");
        Message::EventLocationSelect(LocationSelectEvent {
            event_key,
            send_location_info: SendLocationInfo {
                location_x: info.opt_num("Location_X", parse_f64)?.unwrap_or_default(),
                location_y: info.opt_num("Location_Y", parse_f64)?.unwrap_or_default(),
                scale: info.opt_num("Scale", parse_u32)?.unwrap_or_default(),
                label: info.string("Label")?,
                poiname: info.opt_string("Poiname")?.filter(|p| !p.is_empty()),
            },
            header,
        })
    } else if is("subscribe_msg_popup_event") {
        let mut list = Vec::new();
        for mut item in subscribe_list(f, "SubscribeMsgPopupEvent") {
            list.push(SubscribeMsgPopupItem {
                template_id: item.string("TemplateId")?,
                subscribe_status_string: item.string("SubscribeStatusString")?,
                popup_scene: item.opt_num("PopupScene", parse_u32)?,
            });
        }
        Message::EventSubscribeMsgPopup(SubscribeMsgPopupEvent { header, list })
    } else if is("subscribe_msg_change_event") {
        let mut list = Vec::new();
        for mut item in subscribe_list(f, "SubscribeMsgChangeEvent") {
            list.push(SubscribeMsgChangeItem {
                template_id: item.string("TemplateId")?,
                subscribe_status_string: item.string("SubscribeStatusString")?,
            });
        }
        Message::EventSubscribeMsgChange(SubscribeMsgChangeEvent { header, list })
    } else if is("subscribe_msg_sent_event") {
        let mut list = Vec::new();
        for mut item in subscribe_list(f, "SubscribeMsgSentEvent") {
            list.push(SubscribeMsgSentItem {
                template_id: item.string("TemplateId")?,
                msg_id: item.opt_u64_any(["MsgID", "MsgId"])?,
                error_code: item.opt_num("ErrorCode", parse_i64)?,
                error_status: item.string("ErrorStatus")?,
            });
        }
        Message::EventSubscribeMsgSent(SubscribeMsgSentEvent { header, list })
    } else if is("user_enter_tempsession") {
        Message::EventUserEnterTempSession(UserEnterTempSessionEvent {
            session_from: f.string("SessionFrom")?,
            header,
        })
    } else {
        return Ok(Err(header));
    };
    Ok(Ok(message))
}

/// The `List` entries of a subscribe-message event: inside the XML wrapper element, or at the
/// top level in JSON (one object or an array).
fn subscribe_list<'a>(f: &mut Fields<'a>, wrapper: &'static str) -> Vec<Fields<'a>> {
    if f.has(wrapper) {
        f.child(wrapper).children("List")
    } else {
        f.children("List")
    }
}

/// `SendPicsInfo`: `Count` and `PicList`, which is `<item><PicMd5Sum/></item>...` in XML and
/// may be an array of `{"PicMd5Sum": ...}` (or of `item`s) in JSON.
fn send_pics_info(mut info: Fields<'_>) -> Result<SendPicsInfo, ParseError> {
    let count = info.opt_num("Count", parse_u32)?.unwrap_or_default();
    let mut pic_md5_sums = Vec::new();
    for mut list in info.children("PicList") {
        if let Some(sum) = list.opt_string("PicMd5Sum")? {
            pic_md5_sums.push(sum);
        }
        for mut item in list.children("item") {
            if let Some(sum) = item.opt_string("PicMd5Sum")? {
                pic_md5_sums.push(sum);
            }
        }
    }
    Ok(SendPicsInfo {
        count,
        pic_md5_sums,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_and_strict() {
        assert_eq!(
            parse_u64("X", "6000000000000000000"),
            Ok(6_000_000_000_000_000_000)
        );
        assert_eq!(parse_u64("X", " 18446744073709551615\n"), Ok(u64::MAX));
        assert!(parse_u64("X", "18446744073709551616").is_err());
        assert!(parse_u64("X", "23456789012345678901").is_err());
        for bad in ["", "-1", "+1", "1.0", "1e3", "0x10", "１２"] {
            assert!(parse_u64("X", bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_i64("X", "-1008"), Ok(-1008));
        assert!(parse_i64("X", "-").is_err());
        assert!(parse_f64("X", "NaN").is_err());
        assert!(parse_f64("X", "inf").is_err());
        assert_eq!(parse_f64("X", "23.134521"), Ok(23.134521));
    }
}
