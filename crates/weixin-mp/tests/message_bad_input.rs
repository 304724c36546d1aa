//! Bodies that are not messages are rejected with a clear `ParseError`, never a panic.

use proptest::prelude::*;
use weixin_crypto::EnvelopeFormat;
use weixin_mp::Message;
use weixin_push::ParseError;

fn xml(body: &str) -> Result<Message, ParseError> {
    Message::parse(body, EnvelopeFormat::Xml)
}

fn json(body: &str) -> Result<Message, ParseError> {
    Message::parse(body, EnvelopeFormat::Json)
}

fn is_malformed(r: &Result<Message, ParseError>) -> bool {
    matches!(r, Err(ParseError::Malformed { .. }))
}

const HEADER: &str =
    "<ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>";

#[test]
fn garbage_and_truncation_are_malformed() {
    let full = format!(
        "<xml>{HEADER}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>"
    );
    assert!(xml(&full).is_ok());
    for cut in 1..full.len() {
        let Some(prefix) = full.get(..cut) else {
            continue;
        };
        let r = xml(prefix);
        assert!(is_malformed(&r), "prefix {prefix:?} gave {r:?}");
    }
    for bad in [
        "",
        "garbage",
        "{\"a\":1}",
        "<",
        "<xml",
        "<xml>",
        "</xml>",
        "<xml><a></b></xml>",
        "<xml><a>x</a>",
    ] {
        assert!(is_malformed(&xml(bad)), "{bad:?}");
    }
}

#[test]
fn doctype_and_entities_are_rejected() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\
                <xml><ToUserName>&lol2;</ToUserName></xml>";
    let r = xml(bomb);
    assert!(is_malformed(&r), "{r:?}");
    let Err(e) = r else { unreachable!() };
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    let xxe = "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><Content>&xxe;</Content></xml>";
    assert!(is_malformed(&xml(xxe)));
    // An entity that is not predefined (no DOCTYPE to define it).
    let undefined = format!("<xml>{HEADER}<MsgType>text</MsgType><Content>&lol;</Content></xml>");
    assert!(is_malformed(&xml(&undefined)));
    let bad_char_ref = format!("<xml>{HEADER}<MsgType>text</MsgType><Content>&#0;</Content></xml>");
    assert!(is_malformed(&xml(&bad_char_ref)));
}

#[test]
fn deep_nesting_is_rejected() {
    let deep = format!(
        "<xml>{HEADER}<MsgType>x</MsgType>{}{}</xml>",
        "<a>".repeat(100),
        "</a>".repeat(100)
    );
    let r = xml(&deep);
    assert!(is_malformed(&r), "{r:?}");
    let very_deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert!(is_malformed(&xml(&very_deep)));

    let deep_json = format!(
        r#"{{"ToUserName":"a","FromUserName":"b","CreateTime":1,"MsgType":"x","N":{}1{}}}"#,
        "{\"a\":".repeat(100),
        "}".repeat(100)
    );
    assert!(matches!(
        json(&deep_json),
        Err(ParseError::Malformed { format: "JSON", .. })
    ));
    let very_deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(json(&very_deep_json).is_err());
}

#[test]
fn missing_header_fields() {
    let cases = [
        (
            "<xml><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
            "ToUserName",
        ),
        (
            "<xml><ToUserName>a</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
            "FromUserName",
        ),
        (
            "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType></xml>",
            "CreateTime",
        ),
        (
            "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime></xml>",
            "MsgType",
        ),
        ("<xml/>", "ToUserName"),
        // The cloud-hosting probe is not a message.
        (
            "<xml><action>CheckContainerPath</action></xml>",
            "ToUserName",
        ),
    ];
    for (body, field) in cases {
        assert_eq!(
            xml(body).unwrap_err(),
            ParseError::MissingField(field),
            "{body}"
        );
    }
    assert_eq!(
        json(r#"{"action":"CheckContainerPath"}"#).unwrap_err(),
        ParseError::MissingField("ToUserName")
    );
    // null counts as missing.
    assert_eq!(
        json(r#"{"ToUserName":"a","FromUserName":"b","CreateTime":null,"MsgType":"text"}"#)
            .unwrap_err(),
        ParseError::MissingField("CreateTime")
    );
}

#[test]
fn invalid_numbers() {
    let cases = [
        (
            "<CreateTime>abc</CreateTime><MsgType>text</MsgType>",
            "CreateTime",
        ),
        (
            "<CreateTime>-5</CreateTime><MsgType>text</MsgType>",
            "CreateTime",
        ),
        (
            "<CreateTime>1.5</CreateTime><MsgType>text</MsgType>",
            "CreateTime",
        ),
        (
            "<CreateTime></CreateTime><MsgType>text</MsgType>",
            "CreateTime",
        ),
        (
            "<CreateTime>99999999999999999999</CreateTime><MsgType>text</MsgType>",
            "CreateTime",
        ),
        (
            "<CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>23456789012345678901</MsgId>",
            "MsgId",
        ),
        (
            "<CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>12a</MsgId>",
            "MsgId",
        ),
        (
            "<CreateTime>1</CreateTime><MsgType>location</MsgType><Location_X>north</Location_X>",
            "Location_X",
        ),
        (
            "<CreateTime>1</CreateTime><MsgType>location</MsgType><Scale>99999999999</Scale>",
            "Scale",
        ),
        (
            "<CreateTime>1</CreateTime><MsgType>event</MsgType><Event>LOCATION</Event><Latitude>NaN</Latitude>",
            "Latitude",
        ),
        (
            "<CreateTime>1</CreateTime><MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>x</MsgID>",
            "MsgID",
        ),
    ];
    for (rest, field) in cases {
        let body =
            format!("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName>{rest}</xml>");
        match xml(&body) {
            Err(ParseError::InvalidField { field: f, .. }) => assert_eq!(f, field, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    // JSON: too big for u64 arrives as a float and is rejected, not rounded.
    let r = json(
        r#"{"ToUserName":"a","FromUserName":"b","CreateTime":1,"MsgType":"text","MsgId":23456789012345678901}"#,
    );
    assert!(
        matches!(r, Err(ParseError::InvalidField { field: "MsgId", .. })),
        "{r:?}"
    );
    let r = json(r#"{"ToUserName":"a","FromUserName":"b","CreateTime":1.5,"MsgType":"text"}"#);
    assert!(
        matches!(
            r,
            Err(ParseError::InvalidField {
                field: "CreateTime",
                ..
            })
        ),
        "{r:?}"
    );
}

#[test]
fn elements_where_text_is_expected() {
    let body = "<xml><ToUserName><a>1</a></ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>";
    assert!(matches!(
        xml(body),
        Err(ParseError::InvalidField {
            field: "ToUserName",
            ..
        })
    ));
    let body = r#"{"ToUserName":"a","FromUserName":"b","CreateTime":1,"MsgType":"text","Content":{"x":1}}"#;
    assert!(matches!(
        json(body),
        Err(ParseError::InvalidField {
            field: "Content",
            ..
        })
    ));
}

#[test]
fn json_that_is_not_an_object() {
    for bad in [
        "",
        "null",
        "[]",
        "1",
        "\"x\"",
        "{",
        "{\"ToUserName\":}",
        "{} {}",
        "<xml></xml>",
    ] {
        assert!(
            matches!(json(bad), Err(ParseError::Malformed { format: "JSON", .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn errors_do_not_echo_the_body() {
    let secret = "SECRET_CONTENT_1234";
    for body in [
        format!("<xml><{secret}>"),
        format!("<!DOCTYPE {secret}><xml/>"),
    ] {
        let e = xml(&body).unwrap_err();
        assert!(!e.to_string().contains(secret), "{e}");
    }
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = xml(&s);
        let _ = json(&s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = xml(&s);
        let _ = json(&s);
    }

    #[test]
    fn xml_like_soup_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("<xml>".to_owned()), Just("</xml>".to_owned()), Just("<MsgType>".to_owned()),
            Just("</MsgType>".to_owned()), Just("<![CDATA[".to_owned()), Just("]]>".to_owned()),
            Just("&amp;".to_owned()), Just("&#x;".to_owned()), Just("<!DOCTYPE".to_owned()),
            Just("<ToUserName>a</ToUserName>".to_owned()), Just("<CreateTime>1</CreateTime>".to_owned()),
            Just("<FromUserName>b</FromUserName>".to_owned()), Just("text".to_owned()), Just("event".to_owned()),
            Just("<Event>".to_owned()), Just("</Event>".to_owned()), Just("<List>".to_owned()), Just("</List>".to_owned()),
            "[a-zA-Z0-9<>/&;\\[\\]! ]{0,8}",
        ],
        0..40,
    )) {
        let s = parts.concat();
        let _ = xml(&s);
    }

    #[test]
    fn text_content_survives_any_string(content in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}\r]*") {
        // Any XML-legal content, written as WeChat does (CDATA, `]]>` split), parses back.
        let escaped = content.replace("]]>", "]]]]><![CDATA[>");
        let body = format!("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[{escaped}]]></Content></xml>");
        let Ok(Message::Text(t)) = xml(&body) else { panic!("{body}") };
        // Whitespace-only text outside CDATA is dropped; inside it is kept.
        prop_assert_eq!(t.content, content);
    }
}
