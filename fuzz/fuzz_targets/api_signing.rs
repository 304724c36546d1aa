//! Server-API signing: opening signed answers (and, on the platform's side, signed requests)
//! made of untrusted bytes.
//!
//! The input is used three ways: as the headers and body of an unsigned-looking answer (the
//! header parsing and the signature check see it), as a body that carries a valid signature (so
//! the `{iv, data, authtag}` parsing and base64 see it), and as the plaintext behind a valid
//! encryption and signature (so the JSON and security-field checks see it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use weixin_crypto::api_signing::{
    ApiSigning, PlatformSigning, SignedHeaders, SigningKey, SymmetricKey,
};
use weixin_crypto::hazmat::{api_signing_seal_with_iv, api_signing_sign};

const APPID: &str = "wxba6223c06417af7b";
const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank";
const KEY_PEM: &[u8] = include_bytes!("../../crates/weixin-crypto/tests/vectors/api-signing-example-key.pem");
const SN: &str = "97845f6ed842ea860df6fdf65941ff56";
const TS: i64 = 1_700_000_000;

fn symmetric() -> SymmetricKey {
    SymmetricKey::from_base64("sym", "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=").expect("key")
}

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_pem(SN, KEY_PEM).expect("key");
    let developer =
        ApiSigning::new(APPID, symmetric(), SigningKey::from_pem(SN, KEY_PEM).expect("key"), vec![key.public_key()])
            .expect("settings");
    let platform = PlatformSigning::new(APPID, symmetric(), vec![key.public_key()], SigningKey::from_pem(SN, KEY_PEM).expect("key"));

    // Headers and body straight from the input.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(5, '\n');
    let headers = SignedHeaders {
        appid: parts.next(),
        timestamp: parts.next(),
        serial: parts.next(),
        signature: parts.next(),
        ..SignedHeaders::default()
    };
    let body = parts.next().unwrap_or_default().as_bytes();
    let _ = developer.open_response(URL, &headers, body, TS);
    let _ = platform.open_request(URL, &headers, body, TS);

    // A validly signed body.
    let ts = TS.to_string();
    let signature = api_signing_sign(&key, URL, APPID, TS, data).expect("sign");
    let signed = SignedHeaders {
        appid: Some(APPID),
        timestamp: Some(&ts),
        serial: Some(SN),
        signature: Some(&signature),
        ..SignedHeaders::default()
    };
    let _ = developer.open_response(URL, &signed, data, TS);

    // A validly encrypted and signed plaintext.
    let aad = format!("{URL}|{APPID}|{TS}|sym");
    let body = api_signing_seal_with_iv(&symmetric(), [7; 12], &aad, data);
    let signature = api_signing_sign(&key, URL, APPID, TS, &body).expect("sign");
    let signed = SignedHeaders { signature: Some(&signature), ..signed };
    let _ = developer.open_response(URL, &signed, &body, TS);
    let _ = platform.open_request(URL, &signed, &body, TS);
});
