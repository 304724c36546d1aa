//! The official examples (XML and JSON) parse into the right typed messages.

mod common;

use common::*;
use weixin_crypto::EnvelopeFormat;
use weixin_push::{ParseError, PushMessage};
use weixin_wxopen::message::*;

fn xml(body: &str) -> WxMessage {
    WxMessage::parse(body, EnvelopeFormat::Xml).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn json(body: &str) -> WxMessage {
    WxMessage::parse(body, EnvelopeFormat::Json).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn text_both_formats() {
    for m in [xml(TEXT_XML), json(TEXT_JSON)] {
        let WxMessage::Text(t) = &m else {
            panic!("{m:?}")
        };
        assert_eq!(t.content, "this is a test");
        assert_eq!(t.header.to_user_name, "toUser");
        assert_eq!(t.header.from_user_name, "fromUser");
        assert_eq!(t.header.create_time, 1482048670);
        assert_eq!(t.msg_id, Some(1234567890123456));
        let meta = m.meta();
        assert_eq!(meta.msg_type, "text");
        assert_eq!(meta.msg_id, Some(1234567890123456));
        assert_eq!(meta.event, None);
        assert_eq!(m.openid(), "fromUser");
    }
}

#[test]
fn image_both_formats() {
    for m in [xml(IMAGE_XML), json(IMAGE_JSON)] {
        let WxMessage::Image(i) = m else { panic!() };
        assert_eq!(i.pic_url, "this is a url");
        assert_eq!(i.media_id, "media_id");
    }
}

#[test]
fn miniprogram_page_both_formats() {
    let WxMessage::MiniProgramPage(p) = xml(PAGE_XML) else {
        panic!()
    };
    assert_eq!(
        (p.title.as_str(), p.app_id.as_str(), p.page_path.as_str()),
        ("Title", "AppId", "PagePath")
    );
    assert_eq!(p.thumb_url, "ThumbUrl");
    assert_eq!(p.thumb_media_id, "ThumbMediaId");
    let WxMessage::MiniProgramPage(p) = json(PAGE_JSON) else {
        panic!()
    };
    assert_eq!(
        (p.title.as_str(), p.app_id.as_str(), p.page_path.as_str()),
        ("title", "appid", "path")
    );
    assert_eq!(p.thumb_url, "");
}

#[test]
fn enter_tempsession_both_formats() {
    for m in [xml(ENTER_XML), json(ENTER_JSON)] {
        assert_eq!(m.meta().event, Some("user_enter_tempsession"));
        assert_eq!(m.meta().msg_id, None);
        let WxMessage::UserEnterTempSession(e) = m else {
            panic!()
        };
        assert_eq!(e.session_from, "sessionFrom");
    }
}

#[test]
fn subscribe_popup_repeated_list_and_json_array() {
    let WxMessage::SubscribePopup(e) = xml(POPUP_XML) else {
        panic!()
    };
    assert_eq!(e.list.len(), 2);
    assert_eq!(
        e.list[0].template_id,
        "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc"
    );
    assert_eq!(e.list[0].subscribe_status_string, "accept");
    assert_eq!(e.list[1].subscribe_status_string, "reject");
    assert_eq!(e.list[1].popup_scene, Some(2));
    let WxMessage::SubscribePopup(e) = json(POPUP_JSON) else {
        panic!()
    };
    // CreateTime as a string in the documented example.
    assert_eq!(e.header.create_time, 1620973045);
    assert_eq!(e.list.len(), 1);
    assert_eq!(e.list[0].popup_scene, Some(0));
}

#[test]
fn subscribe_list_single_object_or_single_element() {
    // JSON: List as one object instead of an array.
    let body = POPUP_JSON
        .replace("\"List\": [", "\"List\": ")
        .replace("} ] }", "} }");
    let WxMessage::SubscribePopup(e) = json(&body) else {
        panic!("{body}")
    };
    assert_eq!(e.list.len(), 1);
    assert_eq!(
        e.list[0].template_id,
        "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68"
    );
    // XML: one <List>.
    let WxMessage::SubscribeChange(e) = xml(CHANGE_XML) else {
        panic!()
    };
    assert_eq!(e.list.len(), 1);
    assert_eq!(e.list[0].subscribe_status_string, "reject");
    let WxMessage::SubscribeChange(e) = json(CHANGE_JSON) else {
        panic!()
    };
    assert_eq!(
        e.list[0].template_id,
        "BEwX0BOT3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8"
    );
}

#[test]
fn subscribe_sent_both_formats() {
    let WxMessage::SubscribeSent(e) = xml(SENT_XML) else {
        panic!()
    };
    assert_eq!(e.list[0].msg_id, Some(1700827132819554304));
    assert_eq!(e.list[0].error_code, Some(0));
    assert_eq!(e.list[0].error_status, "success");
    let WxMessage::SubscribeSent(e) = json(SENT_JSON) else {
        panic!()
    };
    assert_eq!(e.list.len(), 1);
    assert_eq!(e.list[0].msg_id, Some(1864323726461255680));
    assert_eq!(e.list[0].error_code, Some(0));
}

#[test]
fn media_check_both_formats() {
    for m in [xml(MEDIA_CHECK_XML), json(MEDIA_CHECK_JSON)] {
        let WxMessage::MediaCheck(e) = m else {
            panic!()
        };
        assert!(e.passed());
        assert_eq!(e.version, Some(2));
        assert_eq!(e.result.as_ref().and_then(|r| r.label), Some(100));
        assert_eq!(e.detail.len(), 1);
        assert_eq!(e.detail[0].strategy, "content_model");
        assert_eq!(e.detail[0].prob, Some(90));
    }
    let WxMessage::MediaCheck(e) = xml(MEDIA_CHECK_XML) else {
        panic!()
    };
    assert_eq!(e.trace_id, "62f11967-2b24d27a-34715985");
    assert_eq!(e.appid, "wx12b4f63276b14d4c");
    assert_eq!(e.errmsg.as_deref(), Some("ok"));
}

#[test]
fn debug_demo_both_formats() {
    for m in [xml(DEBUG_XML), json(DEBUG_JSON)] {
        let WxMessage::DebugDemo(e) = m else { panic!() };
        assert_eq!(e.debug_str, "hello world");
        assert_eq!(e.header.create_time, 1714037059);
    }
    // The decrypted body of the official safe-mode example.
    let body = r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}"#;
    assert!(matches!(json(body), WxMessage::DebugDemo(_)));
}

#[test]
fn unknown_keeps_every_field() {
    for m in [xml(UNKNOWN_XML), json(UNKNOWN_JSON)] {
        assert_eq!(m.meta().event, Some("weapp_audit_success"));
        let WxMessage::Unknown(u) = m else { panic!() };
        assert_eq!(u.fields.get("SuccTime"), Some("1700000001"));
        assert_eq!(u.event.as_deref(), Some("weapp_audit_success"));
    }
    let m = json(
        r#"{"ToUserName":"a","FromUserName":"b","CreateTime":1,"MsgType":"voice","MediaId":"m","Nested":{"K":[1,2]}}"#,
    );
    let WxMessage::Unknown(u) = m else { panic!() };
    assert_eq!(u.msg_type, "voice");
    let Some(RawValue::Fields(nested)) = u.fields.value("Nested") else {
        panic!("nested fields kept: {:?}", u.fields)
    };
    let k: Vec<_> = nested.get_all("K").collect();
    assert_eq!(
        k,
        [&RawValue::Text("1".into()), &RawValue::Text("2".into())]
    );
}

#[test]
fn msg_id_is_exact_64_bit() {
    let body = TEXT_JSON.replace("1234567890123456", "18446744073709551615");
    assert_eq!(json(&body).meta().msg_id, Some(u64::MAX));
    let body = TEXT_JSON.replace("1234567890123456", "9007199254740993"); // 2^53 + 1
    assert_eq!(json(&body).meta().msg_id, Some(9_007_199_254_740_993));
    let body = TEXT_JSON.replace("1234567890123456", "\"9007199254740993\"");
    assert_eq!(json(&body).meta().msg_id, Some(9_007_199_254_740_993));
    let body = TEXT_JSON.replace("1234567890123456", "1.5e15");
    assert!(matches!(
        WxMessage::parse(&body, EnvelopeFormat::Json),
        Err(ParseError::InvalidField { field: "MsgId", .. })
    ));
    let body = TEXT_JSON.replace("1234567890123456", "18446744073709551616");
    assert!(WxMessage::parse(&body, EnvelopeFormat::Json).is_err());
    // The cloud-function variant: a string id, not a number.
    let body = TEXT_JSON.replace("1234567890123456", "\"49d72d67b16d115e_1555684067\"");
    assert_eq!(json(&body).meta().msg_id, None);
}

#[test]
fn tolerant_of_order_whitespace_and_missing_optionals() {
    let body = "<xml>\n  <MsgId> 42 </MsgId><Content>plain &amp; simple</Content>\r\n<MsgType>text</MsgType>\t<CreateTime>  7 </CreateTime><FromUserName>o</FromUserName><ToUserName>g</ToUserName></xml>";
    let WxMessage::Text(t) = xml(body) else {
        panic!()
    };
    assert_eq!(t.content, "plain & simple");
    assert_eq!(t.header.create_time, 7);
    assert_eq!(t.msg_id, Some(42));
    let WxMessage::Image(i) =
        json(r#"{"MsgType":"image","CreateTime":1,"FromUserName":"o","ToUserName":"g"}"#)
    else {
        panic!()
    };
    assert_eq!(i.media_id, "");
    assert_eq!(i.msg_id, None);
    let WxMessage::SubscribePopup(e) = json(
        r#"{"MsgType":"event","Event":"subscribe_msg_popup_event","CreateTime":1,"FromUserName":"o","ToUserName":"g"}"#,
    ) else {
        panic!()
    };
    assert!(e.list.is_empty());
}

#[test]
fn garbage_is_a_clear_error() {
    let cases: &[(&str, EnvelopeFormat)] = &[
        ("", EnvelopeFormat::Xml),
        ("not xml", EnvelopeFormat::Xml),
        ("<xml><ToUserName>a</ToUserName>", EnvelopeFormat::Xml),
        (
            "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Content>&x;</Content></xml>",
            EnvelopeFormat::Xml,
        ),
        ("", EnvelopeFormat::Json),
        ("{\"ToUserName\":", EnvelopeFormat::Json),
        ("[1,2]", EnvelopeFormat::Json),
        ("\"str\"", EnvelopeFormat::Json),
    ];
    for (body, format) in cases {
        let err = WxMessage::parse(body, *format).unwrap_err();
        assert!(
            matches!(err, ParseError::Malformed { .. }),
            "{body}: {err:?}"
        );
    }
    let err = WxMessage::parse(&TEXT_XML[..TEXT_XML.len() - 10], EnvelopeFormat::Xml).unwrap_err();
    assert!(matches!(err, ParseError::Malformed { .. }), "{err:?}");
    let doctype = WxMessage::parse("<!DOCTYPE xml><xml/>", EnvelopeFormat::Xml).unwrap_err();
    assert!(doctype.to_string().contains("DOCTYPE"), "{doctype}");
    let deep = format!("<xml>{}{}</xml>", "<a>".repeat(100), "</a>".repeat(100));
    assert!(
        WxMessage::parse(&deep, EnvelopeFormat::Xml)
            .unwrap_err()
            .to_string()
            .contains("deeper")
    );
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert!(WxMessage::parse(&deep, EnvelopeFormat::Json).is_err());
    let deep = format!("{{\"a\":{}1{}}}", "{\"a\":".repeat(50), "}".repeat(50));
    assert!(WxMessage::parse(&deep, EnvelopeFormat::Json).is_err());
}

#[test]
fn missing_or_bad_header_fields() {
    let err = WxMessage::parse(
        r#"{"FromUserName":"o","CreateTime":1,"MsgType":"text"}"#,
        EnvelopeFormat::Json,
    )
    .unwrap_err();
    assert_eq!(err, ParseError::MissingField("ToUserName"));
    let err = WxMessage::parse(
        r#"{"ToUserName":"g","FromUserName":"o","MsgType":"text"}"#,
        EnvelopeFormat::Json,
    )
    .unwrap_err();
    assert_eq!(err, ParseError::MissingField("CreateTime"));
    let err = WxMessage::parse(
        r#"{"ToUserName":"g","FromUserName":"o","CreateTime":"soon","MsgType":"text"}"#,
        EnvelopeFormat::Json,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ParseError::InvalidField {
            field: "CreateTime",
            ..
        }
    ));
    let err = WxMessage::parse(
        r#"{"ToUserName":"g","FromUserName":"o","CreateTime":-1,"MsgType":"text"}"#,
        EnvelopeFormat::Json,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ParseError::InvalidField {
            field: "CreateTime",
            ..
        }
    ));
    let err = WxMessage::parse("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>", EnvelopeFormat::Xml).unwrap_err();
    assert_eq!(err, ParseError::MissingField("MsgType"));
}

#[test]
fn serde_round_trip_for_the_context() {
    for (name, x, j) in ALL {
        for m in [xml(x), json(j)] {
            let text = serde_json::to_string(&m).unwrap();
            let back: WxMessage = serde_json::from_str(&text).unwrap();
            assert_eq!(back, m, "{name}");
        }
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_input(body in ".{0,300}") {
        let _ = WxMessage::parse(&body, EnvelopeFormat::Xml);
        let _ = WxMessage::parse(&body, EnvelopeFormat::Json);
    }

    #[test]
    fn never_panics_on_mutated_fixtures(idx in 0usize..10, cut in 0usize..2000, byte in 0u8..128) {
        let (_, x, j) = ALL[idx];
        for body in [x, j] {
            let mut bytes = body.as_bytes().to_vec();
            let at = cut % bytes.len();
            bytes[at] = byte;
            if let Ok(s) = std::str::from_utf8(&bytes) {
                let _ = WxMessage::parse(s, EnvelopeFormat::Xml);
                let _ = WxMessage::parse(s, EnvelopeFormat::Json);
                let _ = WxMessage::parse(&s[..at.min(s.len())], EnvelopeFormat::Xml);
            }
        }
    }
}
