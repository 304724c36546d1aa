//! Mini-program open-data decryption of untrusted input.
//!
//! The input is used as the ciphertext (base64-encoded), as the *plaintext* behind a valid
//! AES-128-CBC encryption (so the PKCS#7, UTF-8 and watermark JSON parsing see fuzzer-chosen
//! bytes), and split into `encryptedData`, `iv` and `session_key` strings.
#![no_main]

use std::time::Duration;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use weixin_crypto::{SessionKey, WatermarkCheck, decrypt_open_data, decrypt_open_data_checked};

const SESSION_KEY: &str = "tiihtNczf5v6AKRyjwEUhQ==";
const IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";

fuzz_target!(|data: &[u8]| {
    let key = SessionKey::new(SESSION_KEY).expect("valid key");
    let check = WatermarkCheck::new("wx4f4bc4dec97d474b")
        .max_age(Duration::from_secs(60))
        .at(1477314187);

    // Raw bytes as the ciphertext.
    let b64 = STANDARD.encode(data);
    let _ = decrypt_open_data(&key, &b64, IV);
    let _ = decrypt_open_data_checked(&key, &b64, IV, &check);

    // Raw bytes as the padded plaintext.
    let mut plaintext = data.to_vec();
    plaintext.resize(data.len().div_ceil(16).max(1) * 16, 0);
    let n = plaintext.len();
    let iv: [u8; 16] = STANDARD
        .decode(IV)
        .expect("iv")
        .try_into()
        .expect("16 bytes");
    let ct = cbc::Encryptor::<aes::Aes128>::new(key.as_bytes().into(), &iv.into())
        .encrypt_padded::<NoPadding>(&mut plaintext, n)
        .expect("aligned buffer");
    let b64 = STANDARD.encode(ct);
    if let Ok(json) = decrypt_open_data(&key, &b64, IV) {
        assert!(json.len() < n);
    }
    let _ = decrypt_open_data_checked(&key, &b64, IV, &check);
    let _ = decrypt_open_data_checked(
        &key,
        &b64,
        IV,
        &WatermarkCheck::new("").max_age(Duration::ZERO),
    );

    // Arbitrary strings for every field.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let (enc, iv, sk) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    if let Ok(k) = SessionKey::new(sk) {
        let _ = decrypt_open_data_checked(&k, enc, iv, &check);
    }
    let _ = decrypt_open_data(&key, enc, iv);
});
