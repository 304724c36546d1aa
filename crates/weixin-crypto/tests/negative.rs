//! Rejections: every failure is a precise `CryptoError`, never a panic.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use weixin_crypto::hazmat::{decrypt_unverified, encrypt_with_random};
use weixin_crypto::{
    CryptoError, EncodingAesKey, KeySlot, MsgCrypt, SessionKey, SignatureKind, WatermarkCheck,
    decrypt_open_data, decrypt_open_data_checked, msg_signature,
};

const KEY_B: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const KEY_C: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const TOKEN: &str = "spamtest";
const APPID: &str = "wx2c2769f8efd9abc2";
const TIMESTAMP: &str = "1409735669";
const NONCE: &str = "1320562132";
const MSG_SIGN: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, KEY_B, APPID).unwrap()
}

fn xml(encrypt: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
}

/// Decrypts `encrypt` through the verified path, with a valid signature computed here.
fn signed_decrypt(c: &MsgCrypt, encrypt: &str) -> Result<String, CryptoError> {
    let sig = msg_signature(TOKEN, TIMESTAMP, NONCE, encrypt);
    c.decrypt_push(sig.as_str(), TIMESTAMP, NONCE, xml(encrypt).as_bytes())
        .map(|p| p.message)
}

/// AES-256-CBC-encrypts `plaintext` (already a multiple of 16) with no padding added.
fn raw_encrypt(key: &EncodingAesKey, plaintext: &[u8]) -> String {
    assert_eq!(plaintext.len() % 16, 0);
    let mut buf = plaintext.to_vec();
    let n = buf.len();
    let iv = key.iv();
    let ct = cbc::Encryptor::<aes::Aes256>::new(key.as_bytes().into(), &iv.into())
        .encrypt_padded::<NoPadding>(&mut buf, n)
        .unwrap();
    STANDARD.encode(ct)
}

fn full_str(declared_len: u32, msg: &[u8], appid: &[u8]) -> Vec<u8> {
    let mut v = b"0123456789abcdef".to_vec();
    v.extend_from_slice(&declared_len.to_be_bytes());
    v.extend_from_slice(msg);
    v.extend_from_slice(appid);
    v
}

fn pad32(mut v: Vec<u8>) -> Vec<u8> {
    let n = 32 - v.len() % 32;
    v.resize(v.len() + n, n as u8);
    v
}

#[test]
fn tampered_signature() {
    let mut sig = MSG_SIGN.to_owned();
    sig.replace_range(0..1, "6");
    let err = crypt()
        .decrypt_push(&sig, TIMESTAMP, NONCE, xml(ENCRYPT).as_bytes())
        .unwrap_err();
    assert_eq!(
        err,
        CryptoError::SignatureMismatch {
            kind: SignatureKind::MsgSignature
        }
    );
    assert!(err.to_string().contains("Token"), "{err}");
    // Wrong timestamp, nonce or token too.
    assert!(
        crypt()
            .decrypt(MSG_SIGN, "1409735670", NONCE, ENCRYPT)
            .is_err()
    );
    assert!(crypt().decrypt(MSG_SIGN, TIMESTAMP, "1", ENCRYPT).is_err());
    assert!(
        MsgCrypt::new("other", KEY_B, APPID)
            .unwrap()
            .decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT)
            .is_err()
    );
    // Upper-case hex is accepted.
    crypt()
        .decrypt(&MSG_SIGN.to_uppercase(), TIMESTAMP, NONCE, ENCRYPT)
        .unwrap();
}

#[test]
fn tampered_encrypt_is_rejected_before_decrypting() {
    let mut enc = ENCRYPT.to_owned();
    enc.replace_range(10..11, "A");
    assert_ne!(enc, ENCRYPT);
    let err = crypt()
        .decrypt_push(MSG_SIGN, TIMESTAMP, NONCE, xml(&enc).as_bytes())
        .unwrap_err();
    assert_eq!(
        err,
        CryptoError::SignatureMismatch {
            kind: SignatureKind::MsgSignature
        }
    );
    // Even garbage that is not base64 fails on the signature first.
    let err = crypt()
        .decrypt(MSG_SIGN, TIMESTAMP, NONCE, "!!!")
        .unwrap_err();
    assert!(matches!(err, CryptoError::SignatureMismatch { .. }));
}

#[test]
fn wrong_appid() {
    let c = MsgCrypt::new(TOKEN, KEY_B, "wx0000000000000000").unwrap();
    let err = c.decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT).unwrap_err();
    assert_eq!(
        err,
        CryptoError::AppIdMismatch {
            expected: "wx0000000000000000".into(),
            found: APPID.into()
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("wx0000000000000000") && msg.contains(APPID),
        "{msg}"
    );
}

#[test]
fn truncated_ciphertext() {
    let bytes = STANDARD.decode(ENCRYPT).unwrap();
    // Not a multiple of 16.
    let cut = STANDARD.encode(&bytes[..bytes.len() - 5]);
    assert_eq!(
        signed_decrypt(&crypt(), &cut),
        Err(CryptoError::CiphertextLength {
            field: "Encrypt",
            len: bytes.len() - 5
        })
    );
    // Whole blocks missing: the padding or the length no longer fit.
    let cut = STANDARD.encode(&bytes[..bytes.len() - 32]);
    let err = signed_decrypt(&crypt(), &cut).unwrap_err();
    assert!(
        matches!(
            err,
            CryptoError::BadPadding { .. } | CryptoError::LengthOutOfRange { .. }
        ),
        "{err:?}"
    );
    // Empty.
    assert_eq!(
        signed_decrypt(&crypt(), ""),
        Err(CryptoError::CiphertextLength {
            field: "Encrypt",
            len: 0
        })
    );
    // A single block.
    let one = STANDARD.encode(&bytes[..16]);
    assert!(signed_decrypt(&crypt(), &one).is_err());
}

#[test]
fn bad_base64() {
    let err = signed_decrypt(&crypt(), "abc def").unwrap_err();
    assert!(
        matches!(
            err,
            CryptoError::BadBase64 {
                field: "Encrypt",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("offset 3"), "{err}");
}

#[test]
fn bad_padding() {
    let key = EncodingAesKey::new(KEY_B).unwrap();
    let c = crypt();
    let body = full_str(2, b"hi", APPID.as_bytes());
    // Last byte 0.
    let mut p = body.clone();
    p.resize(64, 0);
    assert_eq!(
        signed_decrypt(&c, &raw_encrypt(&key, &p)),
        Err(CryptoError::BadPadding {
            field: "Encrypt",
            pad: 0,
            max: 32
        })
    );
    // Last byte 33.
    let mut p = body.clone();
    p.resize(64, 33);
    assert_eq!(
        signed_decrypt(&c, &raw_encrypt(&key, &p)),
        Err(CryptoError::BadPadding {
            field: "Encrypt",
            pad: 33,
            max: 32
        })
    );
    // Inconsistent pad bytes.
    let mut p = pad32(body.clone());
    let n = p.len();
    p[n - 2] ^= 1;
    assert!(matches!(
        signed_decrypt(&c, &raw_encrypt(&key, &p)),
        Err(CryptoError::BadPadding { .. })
    ));
    // A 16-byte-block PKCS#7 pad (value 1..=16) is accepted too.
    let mut p = body.clone();
    let n = 16 - p.len() % 16;
    p.resize(p.len() + n, n as u8);
    assert_eq!(signed_decrypt(&c, &raw_encrypt(&key, &p)).unwrap(), "hi");
    // An aligned FullStr gets a full 32-byte pad block.
    let msg = "x".repeat(64 - 20 - APPID.len());
    let p = pad32(full_str(msg.len() as u32, msg.as_bytes(), APPID.as_bytes()));
    assert_eq!(p.len(), 96);
    assert_eq!(signed_decrypt(&c, &raw_encrypt(&key, &p)).unwrap(), msg);
    assert_eq!(
        encrypt_with_random(&c, &msg, KeySlot::Current, b"0123456789abcdef").unwrap(),
        raw_encrypt(&key, &p)
    );
}

#[test]
fn length_field_out_of_range() {
    let key = EncodingAesKey::new(KEY_B).unwrap();
    let p = pad32(full_str(1000, b"hi", APPID.as_bytes()));
    assert_eq!(
        signed_decrypt(&crypt(), &raw_encrypt(&key, &p)),
        Err(CryptoError::LengthOutOfRange {
            declared: 1000,
            available: 2 + APPID.len()
        })
    );
    let p = pad32(full_str(u32::MAX, b"", b""));
    assert_eq!(
        signed_decrypt(&crypt(), &raw_encrypt(&key, &p)),
        Err(CryptoError::LengthOutOfRange {
            declared: u32::MAX,
            available: 0
        })
    );
    // Too short for the header.
    let p = pad32(b"0123456789".to_vec());
    assert_eq!(
        signed_decrypt(&crypt(), &raw_encrypt(&key, &p)),
        Err(CryptoError::PlaintextTooShort { len: 10 })
    );
}

#[test]
fn message_not_utf8() {
    let key = EncodingAesKey::new(KEY_B).unwrap();
    let p = pad32(full_str(2, &[0xff, 0xfe], APPID.as_bytes()));
    assert_eq!(
        signed_decrypt(&crypt(), &raw_encrypt(&key, &p)),
        Err(CryptoError::NotUtf8 {
            field: "decrypted message",
            valid_up_to: 0
        })
    );
}

#[test]
fn wrong_key() {
    let c = MsgCrypt::new(TOKEN, KEY_C, APPID).unwrap();
    let err = c.decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT).unwrap_err();
    assert!(
        matches!(
            err,
            CryptoError::BadPadding { .. }
                | CryptoError::LengthOutOfRange { .. }
                | CryptoError::AppIdMismatch { .. }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("key"), "{err}");
}

#[test]
fn previous_key_fallback() {
    // The account moved from KEY_B to KEY_C; WeChat still uses KEY_B for this push.
    let rotated = MsgCrypt::new(TOKEN, KEY_C, APPID)
        .unwrap()
        .with_previous_key(EncodingAesKey::new(KEY_B).unwrap());
    assert!(rotated.has_previous_key());
    let d = rotated
        .decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT)
        .unwrap();
    assert_eq!(d.key_slot, KeySlot::Previous);
    assert!(d.message.contains("abcdteT"));

    // The reply is encrypted with the key that worked: only the old key opens it.
    let reply = rotated.encrypt_reply("ok", 1, NONCE, d.key_slot).unwrap();
    let old_only = crypt();
    let back = old_only
        .decrypt_push(&reply.msg_signature, "1", NONCE, reply.to_xml().as_bytes())
        .unwrap();
    assert_eq!(back.message, "ok");
    assert_eq!(back.key_slot, KeySlot::Current);
    assert!(
        decrypt_unverified(&MsgCrypt::new(TOKEN, KEY_C, APPID).unwrap(), &reply.encrypt).is_err()
    );

    // Current key first when both are configured.
    let both = crypt().with_previous_key(EncodingAesKey::new(KEY_C).unwrap());
    assert_eq!(
        both.decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT)
            .unwrap()
            .key_slot,
        KeySlot::Current
    );
}

#[test]
fn both_keys_fail_reports_current_error() {
    let c = MsgCrypt::new(TOKEN, KEY_B, "wx_other")
        .unwrap()
        .with_previous_key(EncodingAesKey::new(KEY_C).unwrap());
    let err = c.decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT).unwrap_err();
    assert!(matches!(err, CryptoError::AppIdMismatch { .. }), "{err:?}");
}

#[test]
fn no_previous_key() {
    assert_eq!(
        crypt().encrypt("x", KeySlot::Previous),
        Err(CryptoError::NoPreviousKey)
    );
}

#[test]
fn bad_encoding_aes_keys() {
    let err = MsgCrypt::new(TOKEN, &format!("{KEY_B}="), APPID).unwrap_err();
    assert_eq!(
        err,
        CryptoError::BadKeyLength {
            field: "EncodingAESKey",
            expected: 43,
            found: 44,
            unit: "characters"
        }
    );
    assert!(err.to_string().contains("trailing '='"), "{err}");
    let err = MsgCrypt::new(TOKEN, "short", APPID).unwrap_err();
    assert!(
        err.to_string().contains("must be 43 characters, got 5"),
        "{err}"
    );
    let err = MsgCrypt::new(TOKEN, &KEY_B.replace('a', "-"), APPID).unwrap_err();
    assert!(matches!(
        err,
        CryptoError::BadBase64 {
            field: "EncodingAESKey",
            ..
        }
    ));
    // The offending character of a secret is not echoed.
    assert!(!err.to_string().contains("'-'"), "{err}");
}

#[test]
fn secrets_not_in_debug() {
    let c = crypt().with_previous_key(EncodingAesKey::new(KEY_C).unwrap());
    let dbg = format!("{c:?}");
    assert!(
        !dbg.contains(TOKEN) && !dbg.contains("abcdefgh") && !dbg.contains("AAAAAAAA"),
        "{dbg}"
    );
    assert!(dbg.contains(APPID));
    let key = SessionKey::new("tiihtNczf5v6AKRyjwEUhQ==").unwrap();
    assert_eq!(format!("{key:?}"), "SessionKey(<redacted>)");
}

// --- open data ---------------------------------------------------------------------------------

const OPEN_DATA: &str = "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";
const IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";

fn session_key() -> SessionKey {
    SessionKey::new("tiihtNczf5v6AKRyjwEUhQ==").unwrap()
}

#[test]
fn open_data_wrong_appid() {
    let err = decrypt_open_data_checked(
        &session_key(),
        OPEN_DATA,
        IV,
        &WatermarkCheck::new("wx_mine"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        CryptoError::AppIdMismatch {
            expected: "wx_mine".into(),
            found: "wx4f4bc4dec97d474b".into()
        }
    );
}

#[test]
fn open_data_watermark_too_old() {
    let check = WatermarkCheck::new("wx4f4bc4dec97d474b")
        .max_age(std::time::Duration::from_secs(300))
        .at(1477314187 + 301);
    let err = decrypt_open_data_checked(&session_key(), OPEN_DATA, IV, &check).unwrap_err();
    assert_eq!(
        err,
        CryptoError::WatermarkTooOld {
            timestamp: 1477314187,
            now: 1477314488,
            age: 301,
            max_age: 300
        }
    );
    // With the system clock the 2016 sample is far too old.
    let check =
        WatermarkCheck::new("wx4f4bc4dec97d474b").max_age(std::time::Duration::from_secs(86400));
    assert!(matches!(
        decrypt_open_data_checked(&session_key(), OPEN_DATA, IV, &check),
        Err(CryptoError::WatermarkTooOld { .. })
    ));
}

#[test]
fn open_data_bad_inputs() {
    let key = session_key();
    // Wrong session key.
    let wrong = SessionKey::new("HyVFkGl5F5OQWJZZaNzBBg==").unwrap();
    assert!(decrypt_open_data(&wrong, OPEN_DATA, IV).is_err());
    // Wrong iv: the first block is garbage, so it is not UTF-8 / JSON.
    let err = decrypt_open_data_checked(
        &key,
        OPEN_DATA,
        "AAAAAAAAAAAAAAAAAAAAAA==",
        &WatermarkCheck::new("x"),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CryptoError::NotUtf8 { .. } | CryptoError::InvalidOpenData { .. }
        ),
        "{err:?}"
    );
    // iv of the wrong length.
    assert_eq!(
        decrypt_open_data(&key, OPEN_DATA, "AAAA"),
        Err(CryptoError::BadKeyLength {
            field: "iv",
            expected: 16,
            found: 3,
            unit: "bytes after base64 decoding"
        })
    );
    // Truncated.
    assert!(matches!(
        decrypt_open_data(&key, &OPEN_DATA[..OPEN_DATA.len() - 8], IV),
        Err(CryptoError::CiphertextLength {
            field: "encryptedData",
            ..
        })
    ));
    assert!(matches!(
        decrypt_open_data(&key, "", IV),
        Err(CryptoError::CiphertextLength { len: 0, .. })
    ));
    // Not base64.
    assert!(matches!(
        decrypt_open_data(&key, "%%%%", IV),
        Err(CryptoError::BadBase64 {
            field: "encryptedData",
            ..
        })
    ));
    // Session keys.
    assert!(matches!(
        SessionKey::new("AAAA"),
        Err(CryptoError::BadKeyLength {
            field: "session_key",
            expected: 16,
            found: 3,
            ..
        })
    ));
    assert!(matches!(
        SessionKey::new("not base64!"),
        Err(CryptoError::BadBase64 {
            field: "session_key",
            ..
        })
    ));
}
