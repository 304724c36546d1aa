//! `weixin_websocket::Frame::parse` on untrusted WebSocket text messages: never panics, and a
//! parsed frame can be written back and read again (what the echo path does).
#![no_main]

use libfuzzer_sys::fuzz_target;
use weixin_websocket::Frame;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(frame) = Frame::parse(text) {
        let written = frame.to_text().expect("a parsed frame serializes");
        let again = Frame::parse(&written).expect("and parses back");
        assert_eq!(again.r#type, frame.r#type);
    }
});
