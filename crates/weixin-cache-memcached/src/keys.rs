//! Mapping cache keys to memcached keys.
//!
//! memcached keys are at most 250 bytes without spaces or control characters. A key that is
//! 1..=250 bytes of printable ASCII (`!` to `~`) and does not start with [`HASHED_PREFIX`] is
//! sent unchanged. Every other key (longer, empty, with spaces, control characters or
//! non-ASCII bytes, or starting with the prefix) is sent as `HASHED_PREFIX` followed by the
//! lowercase hex SHA-256 of its bytes. The mapping is deterministic (every process computes the
//! same memcached key) and injective up to SHA-256 collisions: unchanged keys never start with
//! the prefix and hashed keys always do.

use std::borrow::Cow;

/// The prefix of hashed keys.
pub const HASHED_PREFIX: &str = "#sha256:";

/// The longest key memcached accepts.
const MAX_KEY_LEN: usize = 250;

/// The memcached key for a cache key.
pub(crate) fn wire_key(key: &str) -> Cow<'_, str> {
    let bytes = key.as_bytes();
    let verbatim = !bytes.is_empty()
        && bytes.len() <= MAX_KEY_LEN
        && bytes.iter().all(|b| (0x21..=0x7e).contains(b))
        && !key.starts_with(HASHED_PREFIX);
    if verbatim {
        return Cow::Borrowed(key);
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut hashed = String::with_capacity(HASHED_PREFIX.len() + 64);
    hashed.push_str(HASHED_PREFIX);
    for b in digest.as_ref() {
        hashed.push(char::from(HEX[usize::from(b >> 4)]));
        hashed.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    Cow::Owned(hashed)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_pass_unchanged() {
        assert_eq!(
            wire_key("weixin:token:wx1:access"),
            "weixin:token:wx1:access"
        );
        let max = "k".repeat(250);
        assert_eq!(wire_key(&max), max.as_str());
    }

    #[test]
    fn other_keys_are_hashed_deterministically() {
        let long = "k".repeat(251);
        for key in [
            long.as_str(),
            "",
            "has space",
            "tab\there",
            "line\nfeed",
            "中文",
            "#sha256:looks-hashed",
        ] {
            let wire = wire_key(key);
            assert!(wire.starts_with(HASHED_PREFIX), "{key:?}");
            assert_eq!(wire.len(), HASHED_PREFIX.len() + 64);
            assert!(wire.bytes().all(|b| (0x21..=0x7e).contains(&b)));
            assert_eq!(wire, wire_key(key), "not deterministic");
        }
        assert_ne!(wire_key("a b"), wire_key("a  b"));
    }

    #[test]
    fn known_digest() {
        // SHA-256("") from FIPS 180-2.
        assert_eq!(
            wire_key(""),
            "#sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
