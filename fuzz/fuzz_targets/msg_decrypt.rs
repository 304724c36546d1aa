//! WXBizMsgCrypt decryption of untrusted input.
//!
//! Each input is used three ways:
//! 1. split on `\n` into `msg_signature`, `timestamp`, `nonce`, `Encrypt` and sent through the
//!    verified path (`decrypt`, `decrypt_push`) — exercises signature checking;
//! 2. taken as raw ciphertext, base64-encoded and correctly signed — exercises base64, the
//!    block-length check and AES with random plaintexts;
//! 3. taken as the *plaintext* (zero-extended to a 16-byte multiple), encrypted with the fixed
//!    key and correctly signed — so the padding, length-field, appid and UTF-8 parsing behind
//!    AES see fuzzer-chosen bytes.
//!
//! Plus a round trip: any UTF-8 input encrypts and decrypts back to itself.
#![no_main]

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use weixin_crypto::hazmat::{decrypt_unverified, encrypt_with_random};
use weixin_crypto::{EncodingAesKey, KeySlot, MsgCrypt, msg_signature};

const TOKEN: &str = "token";
const APPID: &str = "wx2c2769f8efd9abc2";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const PREVIOUS: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, KEY, APPID)
        .expect("valid key")
        .with_previous_key(EncodingAesKey::new(PREVIOUS).expect("valid key"))
}

fn signed_decrypt(crypt: &MsgCrypt, encrypt: &str) {
    let sig = msg_signature(TOKEN, "1", "2", encrypt);
    if let Ok(d) = crypt.decrypt(sig.as_str(), "1", "2", encrypt) {
        // Whatever decrypted was signed and came from a ciphertext at least this long.
        assert!(d.message.len() <= encrypt.len());
    }
}

fuzz_target!(|data: &[u8]| {
    let crypt = crypt();

    // 1. Arbitrary signature parts and Encrypt through the verified path.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let (sig, ts, nonce, encrypt) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let _ = crypt.decrypt(sig, ts, nonce, encrypt);
    let _ = crypt.decrypt_push(sig, ts, nonce, data);
    let _ = decrypt_unverified(&crypt, &text);

    // 2. Raw bytes as the ciphertext.
    signed_decrypt(&crypt, &STANDARD.encode(data));

    // 3. Raw bytes as the padded plaintext.
    let mut plaintext = data.to_vec();
    plaintext.resize(data.len().div_ceil(16).max(1) * 16, 0);
    let n = plaintext.len();
    for key in [KEY, PREVIOUS] {
        let key = EncodingAesKey::new(key).expect("valid key");
        let iv = key.iv();
        let mut buf = plaintext.clone();
        let ct = cbc::Encryptor::<aes::Aes256>::new(key.as_bytes().into(), &iv.into())
            .encrypt_padded::<NoPadding>(&mut buf, n)
            .expect("aligned buffer");
        signed_decrypt(&crypt, &STANDARD.encode(ct));
    }

    // Round trip of any UTF-8 message.
    if let Ok(msg) = std::str::from_utf8(data) {
        let random = *b"0123456789abcdef";
        for slot in [KeySlot::Current, KeySlot::Previous] {
            let encrypt = encrypt_with_random(&crypt, msg, slot, &random).expect("encrypt");
            let d = decrypt_unverified(&crypt, &encrypt).expect("round trip");
            assert_eq!(d.message, msg);
            assert_eq!(d.key_slot, slot);
        }
    }
});
