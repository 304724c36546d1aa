//! Official Account message parsing (`weixin_mp::Message`) of untrusted XML and JSON bodies,
//! the fast XML scanner against the quick-xml reader, and text-reply rendering round trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weixin_crypto::EnvelopeFormat;
use weixin_mp::{Message, Reply};
use weixin_push::{PushMessage, PushMeta};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The fast XML scanner agrees with the quick-xml reader: same message or same error.
    let reference = Message::parse_xml_quick_xml(text);
    if let Some(fast) = Message::parse_xml_fast_only(text) {
        assert_eq!(fast, reference, "fast scanner and quick-xml disagree");
    }
    assert_eq!(Message::parse(text, EnvelopeFormat::Xml), reference);
    for format in [EnvelopeFormat::Xml, EnvelopeFormat::Json] {
        let Ok(message) = Message::parse(text, format) else {
            continue;
        };
        // A parsed message has routing facts and survives the context store.
        let meta = message.meta();
        assert_eq!(meta.to_user, message.header().to_user_name);
        let stored = serde_json::to_vec(&message).expect("message serializes");
        let back: Message = serde_json::from_slice(&stored).expect("stored message reads back");
        assert_eq!(back.meta().msg_type, meta.msg_type);
        assert_eq!(back.meta().msg_id, meta.msg_id);
    }

    // Any text without characters XML drops or rewrites renders into a reply that parses
    // back to the same text.
    if !text.chars().any(|c| {
        c == '\r' || (c < ' ' && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
    }) {
        let request = PushMeta {
            to_user: "gh_account",
            from_user: "o_user",
            create_time: 1,
            msg_type: "text",
            msg_id: None,
            event: None,
        };
        let body = Reply::text(text)
            .to_xml(&request, 2)
            .expect("text replies have a body");
        match Message::parse(&body, EnvelopeFormat::Xml) {
            Ok(Message::Text(t)) => assert_eq!(t.content, text),
            other => panic!("rendered reply did not parse back: {other:?}"),
        }
    }
});
