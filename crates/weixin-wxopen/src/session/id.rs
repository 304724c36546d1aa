//! Session ids: 128 random bits from the OS, as 32 lowercase hex characters.

use super::SessionError;

/// The length of a session id.
pub(crate) const ID_LEN: usize = 32;

/// A new random session id.
pub(crate) fn new_id() -> Result<String, SessionError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| SessionError::Randomness(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks that `id` looks like an id [`new_id`] makes, before it goes into a cache key.
pub(crate) fn validate(id: &str) -> Result<(), SessionError> {
    if id.len() == ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(SessionError::InvalidSessionId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_hex() {
        let a = new_id().unwrap();
        let b = new_id().unwrap();
        assert_ne!(a, b);
        validate(&a).unwrap();
        for bad in [
            "",
            "ABCDEF0123456789abcdef0123456789",
            "x",
            &format!("{a}0"),
            "../../etc/passwd",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }
}
