//! Random owner tokens of [`super::CacheLock`] acquisitions.

use super::{CacheError, CacheErrorKind};

/// A fresh random owner token: 128 bits from the OS, as 32 lowercase hex digits.
pub(super) fn owner_token(backend: &'static str) -> Result<String, CacheError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        CacheError::new(
            CacheErrorKind::Unavailable,
            backend,
            format!("no randomness for a lock owner token: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_and_distinct() {
        let a = owner_token("test").expect("randomness");
        let b = owner_token("test").expect("randomness");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
