//! [`Secret`]: a string that never shows up in logs, errors or `Debug` output.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string: app secret, access token, JS-SDK ticket, session key, EncodingAESKey.
///
/// `Debug` and `Display` print `Secret(***)` and nothing of the value, so a secret can sit in any
/// config or struct that is logged or formatted. Read the value with [`Secret::expose`] at the one
/// place that needs it (building a request, a signature).
///
/// ```
/// use weixin_core::Secret;
/// let s = Secret::from("app-secret-value");
/// assert_eq!(format!("{s:?} {s}"), "Secret(***) Secret(***)");
/// assert_eq!(s.expose(), "app-secret-value");
/// ```
///
/// Serde serializes the plain value (so a token can be stored in the shared cache and a secret
/// loaded from a config file); only formatting masks it.
///
/// Equality is constant-time in the contents (only the length can show through timing), so
/// comparing a received token with a stored one leaks nothing of the stored value.
#[derive(Clone, Eq, Default)]
pub struct Secret(String);

impl std::hash::Hash for Secret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Consistent with `eq`: equal contents, equal hashes.
        self.0.hash(state);
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.0.as_bytes().ct_eq(other.0.as_bytes()))
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty (useful for config validation).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Unwraps the secret value. Do not log it.
    pub fn into_inner(self) -> String {
        self.0
    }
}

const MASK: &str = "Secret(***)";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn equality_compares_contents() {
        assert_eq!(Secret::from("token-a"), Secret::from("token-a"));
        assert_ne!(Secret::from("token-a"), Secret::from("token-b"));
        assert_ne!(Secret::from("token-a"), Secret::from("token-a2"));
        assert_ne!(Secret::from("token"), Secret::from(""));
        assert_eq!(Secret::default(), Secret::from(""));
    }
}
