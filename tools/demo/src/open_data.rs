//! The mini program's side of `encryptedData`: what WeChat hands the client (AES-128-CBC with
//! the user's `session_key`, PKCS#7), so the demo can exercise `POST /wxopen/decrypt`.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `encryptedData` and `iv`, base64, as `wx.getUserInfo` and friends return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedData {
    /// `encryptedData`.
    pub encrypted_data: String,
    /// `iv`.
    pub iv: String,
}

/// Encrypts `json` with the base64 `session_key` and a random iv.
///
/// # Errors
/// A message when the session key is not 16 bytes of base64 or no randomness is available.
pub fn encrypt(session_key: &str, json: &str) -> Result<EncryptedData, String> {
    let key = STANDARD
        .decode(session_key)
        .map_err(|e| format!("session_key is not base64: {e}"))?;
    let key: [u8; 16] = key
        .try_into()
        .map_err(|_| "session_key is not 16 bytes".to_owned())?;
    let mut iv = [0u8; 16];
    getrandom::fill(&mut iv).map_err(|e| format!("no randomness: {e}"))?;
    let mut buf = json.as_bytes().to_vec();
    let pad = 16 - buf.len() % 16;
    buf.extend(std::iter::repeat_n(u8::try_from(pad).unwrap_or(16), pad));
    let n = buf.len();
    let ciphertext = cbc::Encryptor::<aes::Aes128>::new(&key.into(), &iv.into())
        .encrypt_padded::<NoPadding>(&mut buf, n)
        .map_err(|_| "padding error".to_owned())?;
    Ok(EncryptedData {
        encrypted_data: STANDARD.encode(ciphertext),
        iv: STANDARD.encode(iv),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weixin_crypto_decrypts_it() {
        let session_key = "tiihtNczf5v6AKRyjwEUhQ==";
        let json = r#"{"openId":"o1","watermark":{"appid":"wx1","timestamp":1}}"#;
        let data = encrypt(session_key, json).unwrap();
        let key = weixin_crypto::SessionKey::new(session_key).unwrap();
        let plain =
            weixin_crypto::open_data::decrypt_open_data(&key, &data.encrypted_data, &data.iv)
                .unwrap();
        assert_eq!(plain, json);
        assert!(encrypt("short", json).is_err());
    }
}
