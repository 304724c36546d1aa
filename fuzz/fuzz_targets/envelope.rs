//! `Encrypt` extraction from untrusted XML and JSON push bodies, and reply rendering round trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weixin_crypto::envelope::{parse_json_envelope, parse_xml_envelope};
use weixin_crypto::hazmat::parse_xml_envelope_with_quick_xml;
use weixin_crypto::{EncryptedReply, EnvelopeFormat, parse_envelope};

fuzz_target!(|data: &[u8]| {
    let _ = parse_envelope(data);
    if let Ok(text) = std::str::from_utf8(data) {
        // The hand-written scanner (with its quick-xml fallback) and quick-xml alone agree.
        let fast = parse_xml_envelope(text);
        let reference = parse_xml_envelope_with_quick_xml(text);
        match (&fast, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "scanner and quick-xml disagree"),
            (Err(_), Err(_)) => {}
            _ => panic!("scanner {fast:?} but quick-xml {reference:?}"),
        }
        let _ = parse_json_envelope(text);

        // Whatever the Encrypt and Nonce strings, a rendered reply parses back to the same
        // Encrypt in both formats.
        let reply = EncryptedReply {
            encrypt: text.to_owned(),
            msg_signature: "0000000000000000000000000000000000000000".to_owned(),
            timestamp: 1,
            nonce: text.to_owned(),
        };
        for format in [EnvelopeFormat::Xml, EnvelopeFormat::Json] {
            let body = reply.render(format);
            let env = parse_envelope(body.as_bytes()).expect("rendered reply parses");
            assert_eq!(env.format, format);
            assert_eq!(env.encrypt, text);
        }
    }
});
