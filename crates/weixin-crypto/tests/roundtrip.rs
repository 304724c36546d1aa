//! Property tests: encrypt → envelope → verify → decrypt round trips over random keys, appids,
//! messages and formats, and "never panics" checks on arbitrary input.

use base64::Engine as _;
use proptest::prelude::*;
use weixin_crypto::hazmat::{decrypt_unverified, encrypt_with_random};
use weixin_crypto::{
    EncodingAesKey, EnvelopeFormat, KeySlot, MsgCrypt, SessionKey, WatermarkCheck,
    decrypt_open_data, decrypt_open_data_checked, parse_envelope,
};

fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        "\\PC{0,300}",
        "[中文é🎉a-z<>&\\]\"]{0,100}",
        // Exact multiples of the 32-byte pad block (the FullStr header and appid shift
        // alignment, so also cover lengths around them).
        (0usize..8, 0usize..3).prop_map(|(n, d)| "a".repeat((32 * n).saturating_sub(d))),
    ]
}

fn appid() -> impl Strategy<Value = String> {
    prop_oneof!["wx[0-9a-f]{16}", "\\PC{0,24}", Just(String::new())]
}

fn format() -> impl Strategy<Value = EnvelopeFormat> {
    prop_oneof![Just(EnvelopeFormat::Xml), Just(EnvelopeFormat::Json)]
}

proptest! {
    #[test]
    fn key_encoding_round_trips(bytes in any::<[u8; 32]>()) {
        let key = EncodingAesKey::from_bytes(bytes);
        let encoded = key.to_encoded();
        prop_assert_eq!(encoded.len(), 43);
        prop_assert_eq!(*EncodingAesKey::new(&encoded).unwrap().as_bytes(), bytes);
    }

    #[test]
    fn reply_round_trip(
        key in any::<[u8; 32]>(),
        token in "[A-Za-z0-9]{1,32}",
        appid in appid(),
        msg in message(),
        timestamp in any::<u64>(),
        nonce in prop_oneof!["[0-9]{1,10}", "\\PC{0,16}"],
        format in format(),
    ) {
        let encoded = EncodingAesKey::from_bytes(key).to_encoded();
        let crypt = MsgCrypt::new(token, &encoded, appid).unwrap();
        let reply = crypt.encrypt_reply(&msg, timestamp, &nonce, KeySlot::Current).unwrap();
        let body = reply.render(format);
        let push = crypt
            .decrypt_push(&reply.msg_signature, &timestamp.to_string(), &nonce, body.as_bytes())
            .unwrap();
        prop_assert_eq!(&push.message, &msg);
        prop_assert_eq!(push.key_slot, KeySlot::Current);
        prop_assert_eq!(push.envelope.format, format);
        // The ciphertext is block aligned to 32 bytes.
        let ct = base64::engine::general_purpose::STANDARD.decode(&reply.encrypt).unwrap();
        prop_assert_eq!(ct.len() % 32, 0);
    }

    #[test]
    fn previous_key_round_trip(
        old in any::<[u8; 32]>(),
        new in any::<[u8; 32]>(),
        appid in appid(),
        msg in message(),
        random in any::<[u8; 16]>(),
    ) {
        prop_assume!(old != new);
        let sender = MsgCrypt::with_key("t", EncodingAesKey::from_bytes(old), appid.clone());
        let receiver = MsgCrypt::with_key("t", EncodingAesKey::from_bytes(new), appid)
            .with_previous_key(EncodingAesKey::from_bytes(old));
        let encrypt = encrypt_with_random(&sender, &msg, KeySlot::Current, &random).unwrap();
        let d = decrypt_unverified(&receiver, &encrypt).unwrap();
        prop_assert_eq!(&d.message, &msg);
        prop_assert_eq!(d.key_slot, KeySlot::Previous);
        // Answered with the previous key, the old sender can read it.
        let back = receiver.encrypt(&msg, d.key_slot).unwrap();
        prop_assert_eq!(decrypt_unverified(&sender, &back).unwrap().message, msg);
    }

    #[test]
    fn arbitrary_encrypt_strings_never_panic(s in any::<String>()) {
        let crypt = MsgCrypt::new("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx").unwrap();
        let _ = decrypt_unverified(&crypt, &s);
        let _ = crypt.decrypt("sig", "1", "2", &s);
    }

    #[test]
    fn arbitrary_ciphertexts_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let crypt = MsgCrypt::new("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx").unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        prop_assert!(decrypt_unverified(&crypt, &b64).is_err() || bytes.len() % 16 == 0);
        let key = SessionKey::new("tiihtNczf5v6AKRyjwEUhQ==").unwrap();
        let _ = decrypt_open_data(&key, &b64, "r7BXXKkLb8qrSNn05n0qiA==");
        let _ = decrypt_open_data_checked(&key, &b64, "r7BXXKkLb8qrSNn05n0qiA==", &WatermarkCheck::new("wx"));
    }

    #[test]
    fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_envelope(&bytes);
    }

    #[test]
    fn xml_like_bodies_never_panic(s in "[<>/a-zA-Z!\\[\\]CDAT&#;x0-9 \"=?-]{0,80}") {
        let _ = parse_envelope(s.as_bytes());
        let _ = parse_envelope(format!("<xml><Encrypt>{s}</Encrypt></xml>").as_bytes());
    }
}

#[test]
fn one_mebibyte_message_round_trips() {
    // 1 MiB of mixed one-, two-, three- and four-byte UTF-8.
    let unit = "a中é🎉<xml>]]>";
    let mut msg = String::with_capacity(1 << 20);
    while msg.len() + unit.len() <= 1 << 20 {
        msg.push_str(unit);
    }
    while msg.len() < 1 << 20 {
        msg.push('x');
    }
    assert_eq!(msg.len(), 1 << 20);
    let crypt = MsgCrypt::with_key(
        "token",
        EncodingAesKey::generate().unwrap(),
        "wx4f4bc4dec97d474b",
    );
    for format in [EnvelopeFormat::Xml, EnvelopeFormat::Json] {
        let reply = crypt.encrypt_reply(&msg, 1, "2", KeySlot::Current).unwrap();
        let push = crypt
            .decrypt_push(
                &reply.msg_signature,
                "1",
                "2",
                reply.render(format).as_bytes(),
            )
            .unwrap();
        assert_eq!(push.message, msg);
    }
}
