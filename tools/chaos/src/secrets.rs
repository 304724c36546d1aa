//! Fresh random credentials per run, so the log scan looks for values nothing else prints.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use crate::logscan::Forbidden;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The run's appid and secrets. `Debug` shows the appid only.
#[derive(Clone)]
pub struct Secrets {
    /// `wx` + 16 hex digits.
    pub appid: String,
    /// The AppSecret.
    pub appsecret: String,
    /// The message-push `Token`.
    pub push_token: String,
    /// The 43-character `EncodingAESKey`.
    pub aes_key: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

impl Secrets {
    /// New random values.
    pub fn generate() -> Self {
        Self {
            appid: format!("wx{:016x}", random_u64()),
            appsecret: format!("chaosSecret{}", random_text(21)),
            push_token: format!("chaosPushToken{}", random_text(18)),
            aes_key: random_text(43),
        }
    }

    /// The values no log line may contain.
    pub fn forbidden(&self) -> Vec<Forbidden> {
        [
            ("appsecret", &self.appsecret),
            ("push Token", &self.push_token),
            ("EncodingAESKey", &self.aes_key),
        ]
        .into_iter()
        .map(|(label, value)| Forbidden {
            label: label.to_owned(),
            value: value.clone(),
        })
        .collect()
    }
}

fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

fn random_text(len: usize) -> String {
    (0..len)
        .map(|_| {
            let index = usize::try_from(random_u64() % ALPHANUMERIC.len() as u64).unwrap_or(0);
            char::from(ALPHANUMERIC.get(index).copied().unwrap_or(b'A'))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_fresh_and_well_formed() {
        let a = Secrets::generate();
        let b = Secrets::generate();
        assert_ne!(a.appsecret, b.appsecret);
        assert_eq!(a.aes_key.len(), 43);
        assert_eq!(a.appid.len(), 18);
        assert!(!format!("{a:?}").contains(&a.appsecret));
        assert_eq!(a.forbidden().len(), 3);
    }
}
