//! `WxMessage::parse` on untrusted XML and JSON push bodies: never panics, and a parsed message
//! survives the message-context round trip (serde JSON) unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weixin_crypto::EnvelopeFormat;
use weixin_push::PushMessage;
use weixin_wxopen::WxMessage;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [EnvelopeFormat::Xml, EnvelopeFormat::Json] {
        if let Ok(message) = WxMessage::parse(text, format) {
            let _ = message.meta();
            let stored = serde_json::to_string(&message).expect("a message serializes");
            let back: WxMessage = serde_json::from_str(&stored).expect("and reads back");
            assert_eq!(back, message);
        }
    }
});
