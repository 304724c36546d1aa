//! Envelope parsing (XML via quick-xml's reader, JSON via serde_json) and reply rendering.

use weixin_crypto::{
    CryptoError, EncryptedReply, EnvelopeFormat, detect_format, envelope::parse_json_envelope,
    envelope::parse_xml_envelope, parse_envelope,
};

fn malformed(format: EnvelopeFormat, r: Result<weixin_crypto::Envelope, CryptoError>) -> String {
    match r {
        Err(CryptoError::MalformedEnvelope { format: f, detail }) if f == format => detail,
        other => panic!("expected a malformed {format} envelope, got {other:?}"),
    }
}

#[test]
fn detects_format() {
    assert_eq!(
        detect_format(b"  \r\n\t<xml/>").unwrap(),
        EnvelopeFormat::Xml
    );
    assert_eq!(detect_format(b"\n{}").unwrap(), EnvelopeFormat::Json);
    assert_eq!(
        detect_format(b"\xEF\xBB\xBF<xml/>").unwrap(),
        EnvelopeFormat::Xml
    );
    let err = detect_format(b"  hello").unwrap_err();
    assert_eq!(
        err,
        CryptoError::UnknownEnvelopeFormat {
            found: "'h'".into()
        }
    );
    assert!(err.to_string().contains("neither XML nor JSON"), "{err}");
    assert!(matches!(
        detect_format(b""),
        Err(CryptoError::UnknownEnvelopeFormat { .. })
    ));
    assert!(matches!(
        detect_format(b"\x00"),
        Err(CryptoError::UnknownEnvelopeFormat { .. })
    ));
}

#[test]
fn xml_secure_mode_and_third_party() {
    let env = parse_envelope(
        b"<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <Encrypt><![CDATA[abc+/=]]></Encrypt>\n</xml>\n",
    )
    .unwrap();
    assert_eq!(env.format, EnvelopeFormat::Xml);
    assert_eq!(env.encrypt, "abc+/=");
    assert_eq!(env.to_user_name.as_deref(), Some("gh_1"));
    assert_eq!(env.app_id, None);

    let env = parse_envelope(
        b"<xml><AppId><![CDATA[wx_component]]></AppId><Encrypt><![CDATA[xyz]]></Encrypt></xml>",
    )
    .unwrap();
    assert_eq!(env.app_id.as_deref(), Some("wx_component"));
    assert_eq!(env.to_user_name, None);
    assert_eq!(env.encrypt, "xyz");
}

#[test]
fn xml_text_entities_declaration_and_comments() {
    let env = parse_envelope(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- push --><xml><Encrypt>ab&#43;c&amp;d</Encrypt><Nested><Encrypt>ignored</Encrypt></Nested></xml>",
    )
    .unwrap();
    assert_eq!(env.encrypt, "ab+c&d");
    // CDATA split across sections and mixed with text.
    let env = parse_xml_envelope("<xml><Encrypt>a<![CDATA[b]]>c</Encrypt></xml>").unwrap();
    assert_eq!(env.encrypt, "abc");
    // Empty element.
    let env = parse_xml_envelope("<xml><Encrypt/></xml>").unwrap();
    assert_eq!(env.encrypt, "");
}

#[test]
fn xml_errors() {
    assert_eq!(
        parse_envelope(b"<xml><ToUserName>gh</ToUserName></xml>"),
        Err(CryptoError::MissingEncrypt {
            format: EnvelopeFormat::Xml
        })
    );
    let e = CryptoError::MissingEncrypt {
        format: EnvelopeFormat::Xml,
    }
    .to_string();
    assert!(e.contains("plaintext mode"), "{e}");
    // Not closed.
    let d = malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<xml><Encrypt>abc</Encrypt>"),
    );
    assert!(d.contains("not closed"), "{d}");
    // Mismatched end tag.
    malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<xml><Encrypt>abc</Encrpt></xml>"),
    );
    // Unmatched end tag.
    malformed(EnvelopeFormat::Xml, parse_envelope(b"<xml></xml></xml>"));
    // Two roots, text outside the root.
    malformed(EnvelopeFormat::Xml, parse_envelope(b"<xml/><xml/>"));
    malformed(EnvelopeFormat::Xml, parse_envelope(b"<xml></xml>trailing"));
    // Duplicated Encrypt.
    let d = malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>"),
    );
    assert!(d.contains("more than one <Encrypt>"), "{d}");
    // Markup inside Encrypt.
    malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<xml><Encrypt>a<b/>c</Encrypt></xml>"),
    );
    // Unknown entity.
    let d = malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<xml><Encrypt>&foo;</Encrypt></xml>"),
    );
    assert!(d.contains("&foo;"), "{d}");
    // Broken syntax.
    malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<xml><Encrypt><![CDATA[abc</Encrypt></xml>"),
    );
    malformed(EnvelopeFormat::Xml, parse_envelope(b"<"));
    malformed(
        EnvelopeFormat::Xml,
        parse_envelope(b"<!-- only a comment -->"),
    );
}

#[test]
fn json_envelopes() {
    let env = parse_envelope(br#"  {"ToUserName":"gh_1","Encrypt":"abc"}  "#).unwrap();
    assert_eq!(env.format, EnvelopeFormat::Json);
    assert_eq!(env.encrypt, "abc");
    assert_eq!(env.to_user_name.as_deref(), Some("gh_1"));
    let env = parse_json_envelope(r#"{"AppId":"wx_c","Encrypt":"a\/b"}"#).unwrap();
    assert_eq!(env.encrypt, "a/b");
    assert_eq!(env.app_id.as_deref(), Some("wx_c"));

    assert_eq!(
        parse_envelope(br#"{"ToUserName":"gh_1"}"#),
        Err(CryptoError::MissingEncrypt {
            format: EnvelopeFormat::Json
        })
    );
    assert_eq!(
        parse_envelope(br#"{"Encrypt":null}"#),
        Err(CryptoError::MissingEncrypt {
            format: EnvelopeFormat::Json
        })
    );
    let d = malformed(EnvelopeFormat::Json, parse_envelope(br#"{"Encrypt":12}"#));
    assert!(d.contains("must be a string"), "{d}");
    let d = malformed(EnvelopeFormat::Json, parse_envelope(br#"{"Encrypt":"abc""#));
    assert!(d.contains("line 1"), "{d}");
    malformed(EnvelopeFormat::Json, parse_json_envelope("[1]"));
    malformed(
        EnvelopeFormat::Json,
        parse_envelope(br#"{"Encrypt":"a"} trailing"#),
    );
}

#[test]
fn non_utf8_body() {
    assert_eq!(
        parse_envelope(b"<xml><Encrypt>\xff</Encrypt></xml>"),
        Err(CryptoError::NotUtf8 {
            field: "push body",
            valid_up_to: 14
        })
    );
    assert!(matches!(
        parse_envelope(b"{\"Encrypt\":\"\xc3\"}"),
        Err(CryptoError::NotUtf8 { .. })
    ));
}

#[test]
fn reply_round_trips_through_the_parser() {
    let reply = EncryptedReply {
        encrypt: "ab+/==".into(),
        msg_signature: "0123".into(),
        timestamp: 1713424427,
        nonce: "415670741".into(),
    };
    let xml = reply.to_xml();
    assert_eq!(
        xml,
        "<xml>\n<Encrypt><![CDATA[ab+/==]]></Encrypt>\n<MsgSignature><![CDATA[0123]]></MsgSignature>\n<TimeStamp>1713424427</TimeStamp>\n<Nonce><![CDATA[415670741]]></Nonce>\n</xml>"
    );
    assert_eq!(parse_envelope(xml.as_bytes()).unwrap().encrypt, "ab+/==");
    let json = reply.to_json();
    assert_eq!(
        json,
        r#"{"Encrypt":"ab+/==","MsgSignature":"0123","TimeStamp":1713424427,"Nonce":"415670741"}"#
    );
    assert_eq!(parse_envelope(json.as_bytes()).unwrap().encrypt, "ab+/==");
    // A nonce needing escaping in both formats.
    let odd = EncryptedReply {
        nonce: "a\"]]>b".into(),
        ..reply
    };
    assert!(
        serde_json::from_str::<serde_json::Value>(&odd.to_json()).unwrap()["Nonce"] == "a\"]]>b"
    );
    parse_envelope(odd.to_xml().as_bytes()).unwrap();
}
