//! Thin wrappers around [`ring`]'s SHA-1, SHA-256 and HMAC-SHA256, returning lowercase hex.
//!
//! SHA-1 is what WeChat's push, JS-SDK and `rawData` signatures use; it is not chosen here.

use ring::{digest, hmac};

use crate::hex;

/// SHA-1 of the concatenation of `parts`, as 40 lowercase hex characters.
pub fn sha1_hex(parts: &[&[u8]]) -> String {
    let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
    for part in parts {
        ctx.update(part);
    }
    hex::encode(ctx.finish().as_ref())
}

/// SHA-256 of `data`, as 64 lowercase hex characters.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, data).as_ref())
}

/// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex characters.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hex::encode(hmac::sign(&key, message).as_ref())
}

/// Verifies `tag_hex` (either case) against HMAC-SHA256 of `message` under `key`, in constant
/// time ([`ring::hmac::verify`]). `false` also when `tag_hex` is not hex.
pub fn hmac_sha256_verify(key: &[u8], message: &[u8], tag_hex: &str) -> bool {
    let Some(tag) = hex::decode(tag_hex) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::verify(&key, message, &tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(
            sha1_hex(&[b"ab", b"c"]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
