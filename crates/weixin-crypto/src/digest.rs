//! SHA-1 (RustCrypto `sha1`), SHA-256 and HMAC-SHA256 ([`ring`]), returning lowercase hex.
//!
//! SHA-1 is what WeChat's push, JS-SDK and `rawData` signatures use; it is not chosen here.
//! It comes from the `sha1` crate because that one uses the CPU's SHA instructions (SHA-NI,
//! detected at run time) where ring's SHA-1 is portable code: on the push hot path SHA-1 runs
//! over every `Encrypt` twice (the push's and the reply's `msg_signature`).

use ring::{digest, hmac};
use sha1::Digest as _;

use crate::hex;

/// SHA-1 of the concatenation of `parts`, as 40 lowercase hex characters.
pub fn sha1_hex(parts: &[&[u8]]) -> String {
    hex::encode(&sha1_of(parts))
}

/// SHA-1 of the concatenation of `parts`, as 40 lowercase hex bytes on the stack.
pub(crate) fn sha1_hex_array(parts: &[&[u8]]) -> [u8; 40] {
    hex::encode_array(&sha1_of(parts))
}

fn sha1_of(parts: &[&[u8]]) -> [u8; 20] {
    let mut hasher = sha1::Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
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
            &sha1_hex_array(&[b"a", b"", b"bc"]),
            b"a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            sha1_hex(&[b"The quick brown fox jumps over the lazy dog"]),
            "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
