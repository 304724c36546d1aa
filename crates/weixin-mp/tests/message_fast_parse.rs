//! The fast XML scanner and the quick-xml reader agree on every body: the same message, or the
//! same error.
//!
//! `Message::parse` tries the hand-written scanner first and falls back to quick-xml for
//! anything it does not read itself. These tests generate push-like XML (fields in random
//! order, CDATA or escaped text, whitespace, entities and character references, nested
//! containers) and mutate some of it (truncation, junk, replaced characters), then compare the
//! two paths.

use proptest::prelude::*;
use proptest::sample::Index;
use weixin_crypto::EnvelopeFormat;
use weixin_mp::Message;
use weixin_push::ParseError;

/// Both paths on `body`; panics with the body when they disagree. Returns the scanner's own
/// answer (`None` when it left the body to quick-xml).
fn assert_paths_agree(body: &str) -> Option<Result<Message, ParseError>> {
    let reference = Message::parse_xml_quick_xml(body);
    let parsed = Message::parse(body, EnvelopeFormat::Xml);
    assert_eq!(
        parsed, reference,
        "parse and quick-xml disagree on {body:?}"
    );
    let fast = Message::parse_xml_fast_only(body);
    if let Some(fast) = &fast {
        assert_eq!(
            fast, &reference,
            "scanner and quick-xml disagree on {body:?}"
        );
    }
    fast
}

const HEADER: &str = "<ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\
<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\
<CreateTime>1482048670</CreateTime>";

#[test]
fn real_pushes_take_the_fast_path() {
    let bodies = [
        format!(
            "<xml>{HEADER}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>"
        ),
        format!(
            "<xml>\n  {HEADER}\n  <MsgType><![CDATA[image]]></MsgType>\n  <PicUrl><![CDATA[http://x/y.jpg?a=1&b=2]]></PicUrl>\n  <MediaId><![CDATA[media_id]]></MediaId>\n  <MsgId>1234567890123456</MsgId>\n</xml>\n"
        ),
        format!(
            "<xml>{HEADER}<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId></xml>"
        ),
        format!(
            "<xml>{HEADER}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>"
        ),
        format!(
            "<xml>{HEADER}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_weixin]]></Event><EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[5a75aaca956d97be686719218f275c6b]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>"
        ),
        format!(
            "<xml>{HEADER}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent><List><TemplateId><![CDATA[t]]></TemplateId><MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent></xml>"
        ),
        format!(
            "<xml>{HEADER}<MsgType>text</MsgType><Content>a &lt; b &amp;&amp; c &#x4E2D;&#25991;</Content></xml>"
        ),
        format!("<xml>{HEADER}<MsgType>text</MsgType><Content/></xml>"),
        format!("<xml>{HEADER}<MsgType>text</MsgType><MsgId>x</MsgId></xml>"),
        "<xml><MsgType>text</MsgType></xml>".to_owned(),
    ];
    for body in &bodies {
        assert!(
            assert_paths_agree(body).is_some(),
            "the scanner should read {body:?} itself"
        );
    }
    let Some(Ok(Message::Text(text))) = Message::parse_xml_fast_only(&bodies[6]) else {
        panic!("escaped text body did not parse");
    };
    assert_eq!(text.content, "a < b && c 中文");
    // Field errors come from the shared builder, so they are the same on both paths.
    assert!(matches!(
        assert_paths_agree(&bodies[8]),
        Some(Err(ParseError::InvalidField { field: "MsgId", .. }))
    ));
    assert_eq!(
        assert_paths_agree(&bodies[9]),
        Some(Err(ParseError::MissingField("ToUserName")))
    );
}

#[test]
fn unusual_xml_falls_back_with_the_same_outcome() {
    let text = format!("{HEADER}<MsgType>text</MsgType><Content>hi</Content>");
    let bodies = [
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><xml>{text}</xml>"),
        format!("<xml><!-- comment -->{text}</xml>"),
        format!("<xml>{text}<?pi x?></xml>"),
        format!("<xml a=\"1\">{text}</xml>"),
        format!("<xml >{text}</xml >"),
        format!("<xml>{text}<Content>x\r\ny</Content></xml>"),
        format!("\u{feff}<xml>{text}</xml>"),
        format!("<xml>{text}</xml><!-- trailing comment -->"),
        format!("<!DOCTYPE xml><xml>{text}</xml>"),
        format!("<xml>{text}<Content>&nbsp;</Content></xml>"),
        format!("<xml>{text}<Content>&#0;</Content></xml>"),
        format!("<xml>{text}<Content>&#xD800;</Content></xml>"),
        format!("<xml>{text}<Content>a & b</Content></xml>"),
        format!("<xml>{text}</Content></xml>"),
        format!("<xml>{text}"),
        format!("<xml>{text}</xml>junk"),
        format!("<xml>{text}</xml><xml></xml>"),
        format!("<xml>{text}{}{}</xml>", "<a>".repeat(40), "</a>".repeat(40)),
        format!("<xml>{text}{}{}</xml>", "<a>".repeat(12), "</a>".repeat(12)),
    ];
    for body in &bodies {
        assert!(
            assert_paths_agree(body).is_none(),
            "the scanner should leave {body:?} to quick-xml"
        );
    }
    // Spot checks that the fallback really is the old behaviour.
    assert!(Message::parse(&bodies[0], EnvelopeFormat::Xml).is_ok());
    assert!(matches!(
        Message::parse(&bodies[8], EnvelopeFormat::Xml),
        Err(ParseError::Malformed { .. })
    ));
    let Ok(Message::Text(t)) = Message::parse(&bodies[5], EnvelopeFormat::Xml) else {
        panic!("CRLF body did not parse");
    };
    assert_eq!(t.content, "hi");
}

// ---- generated bodies ----------------------------------------------------------------------

/// How a leaf value is written.
#[derive(Debug, Clone)]
enum Encoding {
    /// `<![CDATA[...]]>` with whitespace around (indexes into `WHITESPACE`).
    Cdata(usize, usize),
    /// Escaped text; `refs` picks which characters become character references.
    Text { refs: u8 },
    /// The value as is, unescaped (often not well-formed).
    Raw,
    /// `<Name/>` (the value is dropped).
    SelfClosing,
}

#[derive(Debug, Clone)]
enum Field {
    Leaf {
        name: String,
        value: String,
        encoding: Encoding,
        ws: usize,
    },
    Container {
        name: String,
        children: Vec<Field>,
        ws: usize,
    },
}

const WHITESPACE: [&str; 7] = ["", "", "\n", "\n    ", " ", "\t", "\r\n"];

const NAMES: &[&str] = &[
    "ToUserName",
    "FromUserName",
    "CreateTime",
    "MsgType",
    "Event",
    "Content",
    "MsgId",
    "MsgID",
    "EventKey",
    "Ticket",
    "PicUrl",
    "MediaId",
    "Format",
    "Location_X",
    "Location_Y",
    "Scale",
    "Label",
    "Status",
    "TotalCount",
    "ScanType",
    "ScanResult",
    "Count",
    "PicMd5Sum",
    "TemplateId",
    "SubscribeStatusString",
    "PopupScene",
    "ErrorCode",
    "ErrorStatus",
    "SessionFrom",
];

const CONTAINERS: &[&str] = &[
    "ScanCodeInfo",
    "SendPicsInfo",
    "PicList",
    "item",
    "SendLocationInfo",
    "SubscribeMsgPopupEvent",
    "SubscribeMsgChangeEvent",
    "SubscribeMsgSentEvent",
    "List",
    "MsgType",
    "Content",
];

const VALUES: &[&str] = &[
    "text",
    "TEXT",
    "image",
    "voice",
    "video",
    "shortvideo",
    "location",
    "link",
    "file",
    "event",
    "miniprogrampage",
    "subscribe",
    "unsubscribe",
    "SCAN",
    "LOCATION",
    "CLICK",
    "VIEW",
    "view_miniprogram",
    "TEMPLATESENDJOBFINISH",
    "MASSSENDJOBFINISH",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
    "subscribe_msg_popup_event",
    "subscribe_msg_change_event",
    "subscribe_msg_sent_event",
    "user_enter_tempsession",
    "1482048670",
    "1234567890123456",
    "23456789012345678901",
    "-1008",
    "23.134521",
    "qrscene_123",
    "gh_97417a04a28d",
    "",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[A-Za-z_][A-Za-z0-9_.:-]{0,6}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(VALUES).prop_map(str::to_owned),
        2 => "[ \t\n]{0,2}[0-9]{1,21}[ \t\n]{0,2}",
        2 => "\\PC{0,12}",
        2 => "[<>&\"' \\]a\r\n中]{0,8}",
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        6 => (0..WHITESPACE.len(), 0..WHITESPACE.len()).prop_map(|(a, b)| Encoding::Cdata(a, b)),
        4 => any::<u8>().prop_map(|refs| Encoding::Text { refs }),
        1 => Just(Encoding::Raw),
        1 => Just(Encoding::SelfClosing),
    ]
}

fn leaf() -> impl Strategy<Value = Field> {
    (name(), value(), encoding(), 0..WHITESPACE.len()).prop_map(|(name, value, encoding, ws)| {
        Field::Leaf {
            name,
            value,
            encoding,
            ws,
        }
    })
}

fn field() -> impl Strategy<Value = Field> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        (
            prop::sample::select(CONTAINERS),
            prop::collection::vec(inner, 0..5),
            0..WHITESPACE.len(),
        )
            .prop_map(|(name, children, ws)| Field::Container {
                name: name.to_owned(),
                children,
                ws,
            })
    })
}

/// A header field with a value of the right kind most of the time.
fn header_field(name: &'static str) -> impl Strategy<Value = Option<Field>> {
    let value = match name {
        "CreateTime" => prop_oneof![4 => Just("1482048670".to_owned()), 1 => value()].boxed(),
        "MsgType" => prop::sample::select(&VALUES[..12])
            .prop_map(str::to_owned)
            .boxed(),
        "Event" => prop::sample::select(&VALUES[11..30])
            .prop_map(str::to_owned)
            .boxed(),
        _ => {
            prop_oneof![4 => Just("o9AgO5Kd5ggOC-bXrbNODIiE3bGY".to_owned()), 1 => value()].boxed()
        }
    };
    proptest::option::weighted(
        0.9,
        (value, encoding(), 0..WHITESPACE.len()).prop_map(move |(value, encoding, ws)| {
            Field::Leaf {
                name: name.to_owned(),
                value,
                encoding,
                ws,
            }
        }),
    )
}

/// The fields of a push, in random order.
fn fields() -> impl Strategy<Value = Vec<Field>> {
    (
        header_field("ToUserName"),
        header_field("FromUserName"),
        header_field("CreateTime"),
        header_field("MsgType"),
        header_field("Event"),
        prop::collection::vec(field(), 0..6),
    )
        .prop_flat_map(|(a, b, c, d, e, rest)| {
            let mut all: Vec<Field> = [a, b, c, d, e].into_iter().flatten().collect();
            all.extend(rest);
            Just(all).prop_shuffle()
        })
}

/// Writes `value` as escaped text: markup characters as entities or character references,
/// some other characters as character references.
fn escape(value: &str, refs: u8, out: &mut String) {
    for (i, c) in value.chars().enumerate() {
        let pick = refs.rotate_left(i as u32 % 8);
        match c {
            '<' if pick & 1 == 0 => out.push_str("&lt;"),
            '<' => out.push_str("&#60;"),
            '&' if pick & 1 == 0 => out.push_str("&amp;"),
            '&' => out.push_str("&#x26;"),
            '>' if pick & 2 == 0 => out.push_str("&gt;"),
            '"' if pick & 2 == 0 => out.push_str("&quot;"),
            '\'' if pick & 2 == 0 => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if pick & 0b1100 == 0b1100 => out.push_str(&format!("&#x{:X};", c as u32)),
            c if pick & 0b1100 == 0b1000 => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
}

fn render(field: &Field, out: &mut String) {
    match field {
        Field::Leaf {
            name,
            value,
            encoding,
            ws,
        } => {
            out.push_str(WHITESPACE[*ws]);
            match encoding {
                Encoding::SelfClosing => {
                    out.push_str(&format!("<{name}/>"));
                    return;
                }
                Encoding::Cdata(before, after) => {
                    out.push_str(&format!("<{name}>{}<![CDATA[", WHITESPACE[*before]));
                    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
                    out.push_str(&format!("]]>{}", WHITESPACE[*after]));
                }
                Encoding::Text { refs } => {
                    out.push_str(&format!("<{name}>"));
                    escape(value, *refs, out);
                }
                Encoding::Raw => out.push_str(&format!("<{name}>{value}")),
            }
            out.push_str(&format!("</{name}>"));
        }
        Field::Container { name, children, ws } => {
            out.push_str(WHITESPACE[*ws]);
            out.push_str(&format!("<{name}>"));
            for child in children {
                render(child, out);
            }
            out.push_str(WHITESPACE[*ws]);
            out.push_str(&format!("</{name}>"));
        }
    }
}

/// Whether the scanner must read `field` itself (no carriage return, no raw value).
fn is_plain(field: &Field) -> bool {
    match field {
        Field::Leaf {
            value,
            encoding,
            ws,
            ..
        } => {
            let no_cr = |i: &usize| !WHITESPACE[*i].contains('\r');
            no_cr(ws)
                && match encoding {
                    Encoding::Cdata(a, b) => no_cr(a) && no_cr(b) && !value.contains('\r'),
                    Encoding::Text { .. } | Encoding::SelfClosing => true,
                    Encoding::Raw => false,
                }
        }
        Field::Container { children, ws, .. } => {
            !WHITESPACE[*ws].contains('\r') && children.iter().all(is_plain)
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    None,
    Truncate(Index),
    Insert(Index, String),
    Replace(Index, char),
}

const JUNK: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "&#;",
    "&#x110000;",
    "&lt",
    "</xml>",
    "<xml>",
    "</Content>",
    "<A>",
    "<A/>",
    "<A x=\"1\">",
    "<!-- c -->",
    "<?pi?>",
    "<!DOCTYPE x>",
    "<![CDATA[",
    "]]>",
    "\r",
    "\u{feff}",
    "text",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => Just(Mutation::None),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (
            any::<Index>(),
            prop_oneof![
                3 => prop::sample::select(JUNK).prop_map(str::to_owned),
                1 => "\\PC{1,4}",
            ]
        )
            .prop_map(|(i, junk)| Mutation::Insert(i, junk)),
        1 => (any::<Index>(), prop::sample::select(vec!['<', '>', '/', '&', ';', '!', ' ', 'x']))
            .prop_map(|(i, c)| Mutation::Replace(i, c)),
    ]
}

/// The char boundary at or before `index`'s position in `s`.
fn boundary(s: &str, index: &Index) -> usize {
    let mut at = index.index(s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut body: String, mutation: &Mutation) -> String {
    match mutation {
        Mutation::None => {}
        Mutation::Truncate(i) => body.truncate(boundary(&body, i)),
        Mutation::Insert(i, junk) => body.insert_str(boundary(&body, i), junk),
        Mutation::Replace(i, c) => {
            let at = boundary(&body, i);
            if let Some(old) = body[at..].chars().next() {
                body.replace_range(at..at + old.len_utf8(), &c.to_string());
            }
        }
    }
    body
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn scanner_and_quick_xml_agree(
        fields in fields(),
        root in prop::sample::select(vec!["xml", "xml", "xml", "root"]),
        lead in 0..WHITESPACE.len(),
        trail in 0..WHITESPACE.len(),
        mutation in mutation(),
    ) {
        let mut body = WHITESPACE[lead].to_owned();
        body.push_str(&format!("<{root}>"));
        for field in &fields {
            render(field, &mut body);
        }
        body.push_str(&format!("</{root}>"));
        body.push_str(WHITESPACE[trail]);
        let plain = matches!(mutation, Mutation::None)
            && fields.iter().all(is_plain)
            && !WHITESPACE[lead].contains('\r')
            && !WHITESPACE[trail].contains('\r');
        let body = apply(body, &mutation);

        let fast = assert_paths_agree(&body);
        if plain {
            prop_assert!(fast.is_some(), "the scanner declined a plain body: {body:?}");
        }
    }

    #[test]
    fn arbitrary_text_agrees(body in "\\PC{0,64}") {
        assert_paths_agree(&body);
        assert_paths_agree(&format!("<xml>{body}</xml>"));
    }
}
