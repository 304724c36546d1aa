//! SHA-1 (RustCrypto `sha1`) and HMAC-SHA256 ([`ring`]) digests, as raw bytes.
//!
//! SHA-1 is what WeChat's push, JS-SDK and `rawData` signatures use; it is not chosen here.
//! It comes from the `sha1` crate because that one uses the CPU's SHA instructions (SHA-NI,
//! detected at run time) where ring's SHA-1 is portable code: on the push hot path SHA-1 runs
//! over every `Encrypt` twice (the push's and the reply's `msg_signature`).

use ring::hmac;
use sha1::Digest as _;

/// SHA-1 of the concatenation of `parts`.
pub(crate) fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut hasher = sha1::Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut out = [0u8; 32];
    out.copy_from_slice(hmac::sign(&key, message).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Signature;

    #[test]
    fn known_answers() {
        assert_eq!(
            Signature::from_digest(&sha1(&[b"ab", b"c"])).as_str(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            Signature::from_digest(&sha1(&[b"a", b"", b"bc"])).as_str(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            Signature::from_digest(&sha1(&[b"The quick brown fox jumps over the lazy dog"]))
                .as_str(),
            "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
        );
        // RFC 4231 test case 2.
        assert_eq!(
            Signature::from_digest(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")).as_str(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
