//! The configuration contract (docs/sample-app.md): environment variables in, a checked
//! [`Config`] out.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WEIXIN_APPID` | the mini program's appid | required |
//! | `WEIXIN_APPSECRET` | its AppSecret | required |
//! | `WEIXIN_TOKEN` | the message-push `Token` | required |
//! | `WEIXIN_ENCODING_AES_KEY` | the 43-character `EncodingAESKey` | absent (or empty): plain mode |
//! | `WEIXIN_API_BASE` | the WeChat API base URL, or several separated by commas (primary first; calls fail over along the list) | `https://api.weixin.qq.com,https://api2.weixin.qq.com` |
//! | `WEIXIN_API_REGION` | the regional domain to call first instead: `shanghai`, `shenzhen`, `hongkong` (or `sh`, `sz`, `hk`); not with `WEIXIN_API_BASE` | absent: the default list |
//! | `WEIXIN_API_SYM_KEY` | server-API signing: base64 of the 32-byte symmetric key | absent: calls go out plain |
//! | `WEIXIN_API_SYM_SN` | its SN | with the key |
//! | `WEIXIN_API_RSA_KEY` | path to the RSA private key PEM (PKCS#8 or PKCS#1) | with the key |
//! | `WEIXIN_API_RSA_SN` | its SN | with the key |
//! | `WEIXIN_API_PLATFORM_CERT` | path to WeChat's platform certificate PEM | with the key |
//! | `WEIXIN_API_PLATFORM_SN` | its SN | with the key |
//! | `WEIXIN_CACHE` | `memory`, `redis://...` or `memcache://...` | `memory` |
//! | `WEIXIN_LISTEN` | the address to listen on | `127.0.0.1:8080` |
//! | `RUST_LOG` | log filter (read by `main`, not here) | `info` |
//!
//! Every error names the variable and never repeats a secret's value.

use std::fmt;
use std::net::SocketAddr;

use std::sync::Arc;

use weixin::Secret;
use weixin::client::ApiRegion;
use weixin::crypto::api_signing::{ApiSigning, PublicKey, SigningKey, SymmetricKey};

/// `WEIXIN_APPID`.
pub const APPID: &str = "WEIXIN_APPID";
/// `WEIXIN_APPSECRET`.
pub const APPSECRET: &str = "WEIXIN_APPSECRET";
/// `WEIXIN_TOKEN`.
pub const TOKEN: &str = "WEIXIN_TOKEN";
/// `WEIXIN_ENCODING_AES_KEY`.
pub const ENCODING_AES_KEY: &str = "WEIXIN_ENCODING_AES_KEY";
/// `WEIXIN_API_BASE`.
pub const API_BASE: &str = "WEIXIN_API_BASE";
/// `WEIXIN_API_REGION`.
pub const API_REGION: &str = "WEIXIN_API_REGION";
/// `WEIXIN_CACHE`.
pub const CACHE: &str = "WEIXIN_CACHE";
/// The six server-API signing variables (「API安全」): all set, or none.
pub const SIGNING: [&str; 6] = [
    "WEIXIN_API_SYM_KEY",
    "WEIXIN_API_SYM_SN",
    "WEIXIN_API_RSA_KEY",
    "WEIXIN_API_RSA_SN",
    "WEIXIN_API_PLATFORM_CERT",
    "WEIXIN_API_PLATFORM_SN",
];
/// `WEIXIN_LISTEN`.
pub const LISTEN: &str = "WEIXIN_LISTEN";

/// The default of `WEIXIN_API_BASE`: WeChat's main API domain, then its disaster-recovery one.
pub use weixin::client::DEFAULT_API_BASE;
/// The default of `WEIXIN_LISTEN`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// A configuration value that is missing or wrong; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set (or empty).
    #[error("{variable} is not set: {hint}")]
    Missing {
        /// The variable.
        variable: &'static str,
        /// Where to find the value.
        hint: &'static str,
    },
    /// A variable is set to something unusable.
    #[error("{variable} is invalid: {problem}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// What is wrong (never the secret value itself).
        problem: String,
    },
}

/// Where tokens, dedup entries, message contexts and sessions are kept (`WEIXIN_CACHE`).
#[derive(Clone, PartialEq, Eq)]
pub enum CacheChoice {
    /// In this process only (`memory`, the default).
    Memory,
    /// A Redis server (`redis://...` or `rediss://...`; feature `redis`).
    Redis(Secret),
    /// A Memcached server (`memcache://host:port`; feature `memcached`).
    Memcached(Secret),
}

impl CacheChoice {
    /// Parses a `WEIXIN_CACHE` value. A backend whose cargo feature is not compiled in is an
    /// error that says which feature to enable.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for an unknown scheme or a backend that is not compiled in.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let value = value.trim();
        let invalid = |problem: String| ConfigError::Invalid {
            variable: CACHE,
            problem,
        };
        if value.is_empty() || value.eq_ignore_ascii_case("memory") {
            return Ok(Self::Memory);
        }
        if value.starts_with("redis://") || value.starts_with("rediss://") {
            return if cfg!(feature = "redis") {
                Ok(Self::Redis(Secret::new(value)))
            } else {
                Err(invalid(
                    "a Redis URL needs the `redis` feature: cargo run -p wxopen-sample --features redis"
                        .to_owned(),
                ))
            };
        }
        if value.starts_with("memcache://") {
            return if cfg!(feature = "memcached") {
                Ok(Self::Memcached(Secret::new(value)))
            } else {
                Err(invalid(
                    "a Memcached URL needs the `memcached` feature: cargo run -p wxopen-sample --features memcached"
                        .to_owned(),
                ))
            };
        }
        Err(invalid(format!(
            "expected `memory`, `redis://...` or `memcache://...`, got a value starting with `{}`",
            scheme_of(value)
        )))
    }

    /// `memory`, `redis` or `memcached`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Redis(_) => "redis",
            Self::Memcached(_) => "memcached",
        }
    }
}

/// The part of a value before `://` (or its first 10 characters): enough to tell what was
/// meant without printing a URL that may hold a password.
fn scheme_of(value: &str) -> String {
    match value.split_once("://") {
        Some((scheme, _)) => format!("{scheme}://"),
        None => value.chars().take(10).collect(),
    }
}

/// Shows the backend and, for URLs, the host part only (a URL may hold a password).
impl fmt::Debug for CacheChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for CacheChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("memory"),
            Self::Redis(url) | Self::Memcached(url) => f.write_str(&redact_url(url.expose())),
        }
    }
}

/// `scheme://host:port/path` without any `user:password@`.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<url>".to_owned();
    };
    let rest = match rest.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => rest.to_owned(),
    };
    format!("{scheme}://{rest}")
}

/// The sample app's configuration. `Debug` masks the secret, the token, the key and any
/// password in the cache URL.
#[derive(Debug, Clone)]
pub struct Config {
    /// `WEIXIN_APPID`.
    pub appid: String,
    /// `WEIXIN_APPSECRET`.
    pub appsecret: Secret,
    /// `WEIXIN_TOKEN`.
    pub token: Secret,
    /// `WEIXIN_ENCODING_AES_KEY`; `None` = plain mode.
    pub encoding_aes_key: Option<Secret>,
    /// `WEIXIN_API_BASE`.
    pub api_base: String,
    /// The `WEIXIN_API_*` signing settings; `None`: API calls go out plain.
    pub api_signing: Option<Arc<ApiSigning>>,
    /// `WEIXIN_CACHE`.
    pub cache: CacheChoice,
    /// `WEIXIN_LISTEN`.
    pub listen: SocketAddr,
}

impl Config {
    /// Reads the process environment.
    ///
    /// # Errors
    /// The first missing or invalid variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (tests pass a map).
    ///
    /// # Errors
    /// The first missing or invalid variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |variable: &'static str, hint: &'static str| {
            get(variable).ok_or(ConfigError::Missing { variable, hint })
        };
        let appid = required(
            APPID,
            "the mini program's appid (wx...), from the admin console",
        )?
        .trim()
        .to_owned();
        let appsecret = Secret::new(required(
            APPSECRET,
            "the AppSecret, from the admin console's development settings",
        )?);
        let token = Secret::new(required(
            TOKEN,
            "the Token of the admin console's message-push configuration",
        )?);
        let encoding_aes_key = match get(ENCODING_AES_KEY) {
            None => None,
            Some(key) => {
                weixin_crypto::EncodingAesKey::new(key.trim()).map_err(|e| {
                    ConfigError::Invalid {
                        variable: ENCODING_AES_KEY,
                        problem: e.to_string(),
                    }
                })?;
                Some(Secret::new(key.trim()))
            }
        };
        let api_base = match (get(API_BASE), get(API_REGION)) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Invalid {
                    variable: API_REGION,
                    problem: format!("set {API_BASE} or {API_REGION}, not both"),
                });
            }
            (Some(base), None) => base,
            (None, Some(region)) => region
                .parse::<ApiRegion>()
                .map_err(|problem| ConfigError::Invalid {
                    variable: API_REGION,
                    problem,
                })?
                .api_base()
                .to_owned(),
            (None, None) => DEFAULT_API_BASE.to_owned(),
        };
        let api_base = api_base
            .split(',')
            .map(|base| base.trim().trim_end_matches('/'))
            .collect::<Vec<_>>();
        if let Some(bad) = api_base
            .iter()
            .find(|base| !(base.starts_with("http://") || base.starts_with("https://")))
        {
            return Err(ConfigError::Invalid {
                variable: API_BASE,
                problem: format!(
                    "expected http:// or https:// URLs separated by commas, got `{bad}`"
                ),
            });
        }
        let api_base = api_base.join(",");
        let api_signing = api_signing(&appid, &get)?;
        let cache = CacheChoice::parse(&get(CACHE).unwrap_or_default())?;
        let listen_text = get(LISTEN).unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen =
            listen_text
                .trim()
                .parse::<SocketAddr>()
                .map_err(|e| ConfigError::Invalid {
                    variable: LISTEN,
                    problem: format!(
                        "expected an address like 127.0.0.1:8080, got `{listen_text}` ({e})"
                    ),
                })?;
        Ok(Self {
            appid,
            appsecret,
            token,
            encoding_aes_key,
            api_base,
            api_signing,
            cache,
            listen,
        })
    }

    /// Whether pushes are encrypted (an `EncodingAESKey` is set).
    pub fn is_encrypted(&self) -> bool {
        self.encoding_aes_key.is_some()
    }
}

/// The signing settings from the six `WEIXIN_API_*` variables: none set is `None`, a partial
/// set is refused naming what is missing.
fn api_signing(
    appid: &str,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Arc<ApiSigning>>, ConfigError> {
    let values: Vec<Option<String>> = SIGNING.iter().map(|name| get(name)).collect();
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let missing: Vec<&str> = SIGNING
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(ConfigError::Invalid {
            variable: SIGNING[0],
            problem: format!(
                "server-API signing needs all six WEIXIN_API_* variables; missing: {}",
                missing.join(", ")
            ),
        });
    }
    let value = |i: usize| values[i].as_deref().unwrap_or_default().trim();
    let invalid =
        |variable: &'static str, problem: String| ConfigError::Invalid { variable, problem };
    let read = |i: usize| {
        std::fs::read(value(i))
            .map_err(|e| invalid(SIGNING[i], format!("cannot read {}: {e}", value(i))))
    };
    let symmetric = SymmetricKey::from_base64(value(1), value(0))
        .map_err(|e| invalid(SIGNING[0], e.to_string()))?;
    let key = SigningKey::from_pem(value(3), &read(2)?)
        .map_err(|e| invalid(SIGNING[2], e.to_string()))?;
    let cert =
        PublicKey::from_pem(value(5), &read(4)?).map_err(|e| invalid(SIGNING[4], e.to_string()))?;
    let signing = ApiSigning::new(appid, symmetric, key, vec![cert])
        .map_err(|e| invalid(SIGNING[0], e.to_string()))?;
    Ok(Some(Arc::new(signing)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn minimal() -> Vec<(&'static str, &'static str)> {
        vec![
            (APPID, "wx1234"),
            (APPSECRET, "the-app-secret"),
            (TOKEN, "the-push-token"),
        ]
    }

    #[test]
    fn signing_needs_all_six_variables_and_loads_the_files() {
        let vectors = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../crates/weixin-crypto/tests/vectors"
        );
        let key = format!("{vectors}/api-signing-example-key.pem");
        let cert = format!("{vectors}/api-signing-example-cert.pem");
        let mut vars = minimal();
        vars.push((SIGNING[0], "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY="));
        vars.push((SIGNING[1], "sym-sn"));
        let err = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
        for name in &SIGNING[2..] {
            assert!(err.contains(name), "{err}");
        }
        assert!(!err.contains("otUpng"), "{err}");
        vars.push((SIGNING[2], &key));
        vars.push((SIGNING[3], "rsa-sn"));
        vars.push((SIGNING[4], &cert));
        vars.push((SIGNING[5], "plat-sn"));
        let config = Config::from_lookup(lookup(&vars)).unwrap();
        let signing = config.api_signing.expect("signing settings");
        assert_eq!(signing.appid(), "wx1234");
        assert!(!format!("{signing:?}").contains("otUpng"));
        vars[3] = (SIGNING[0], "c2hvcnQ=");
        let err = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
        assert!(
            err.contains("WEIXIN_API_SYM_KEY") && err.contains("32"),
            "{err}"
        );
        let missing_file = "/nonexistent/cert.pem".to_owned();
        vars[3] = (SIGNING[0], "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=");
        vars[7] = (SIGNING[4], &missing_file);
        let err = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
        assert!(
            err.contains("WEIXIN_API_PLATFORM_CERT") && err.contains("/nonexistent"),
            "{err}"
        );
    }

    #[test]
    fn defaults_for_everything_optional() {
        let config = Config::from_lookup(lookup(&minimal())).unwrap();
        assert_eq!(config.appid, "wx1234");
        assert_eq!(config.appsecret.expose(), "the-app-secret");
        assert_eq!(config.token.expose(), "the-push-token");
        assert!(config.encoding_aes_key.is_none());
        assert!(config.api_signing.is_none());
        assert!(!config.is_encrypted());
        assert_eq!(config.api_base, DEFAULT_API_BASE);
        assert_eq!(config.cache, CacheChoice::Memory);
        assert_eq!(config.listen, "127.0.0.1:8080".parse().unwrap());
    }

    #[test]
    fn a_region_picks_its_domain_first_and_excludes_an_explicit_base() {
        let mut vars = minimal();
        vars.push((API_REGION, "SZ"));
        let config = Config::from_lookup(lookup(&vars)).unwrap();
        assert_eq!(
            config.api_base,
            "https://sz.api.weixin.qq.com,https://api.weixin.qq.com,https://api2.weixin.qq.com"
        );
        vars.push((API_BASE, "http://127.0.0.1:8081"));
        let err = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
        assert!(err.contains("not both"), "{err}");
        vars.pop();
        vars.pop();
        vars.push((API_REGION, "mars"));
        let err = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
        assert!(
            err.contains("WEIXIN_API_REGION") && err.contains("`mars`") && err.contains("hongkong"),
            "{err}"
        );
    }

    #[test]
    fn every_variable_is_read() {
        let mut vars = minimal();
        vars.extend([
            (ENCODING_AES_KEY, KEY),
            (API_BASE, "http://127.0.0.1:9000/"),
            (CACHE, "memory"),
            (LISTEN, "0.0.0.0:3000"),
        ]);
        let config = Config::from_lookup(lookup(&vars)).unwrap();
        assert_eq!(
            config.encoding_aes_key.as_ref().map(Secret::expose),
            Some(KEY)
        );
        assert_eq!(config.api_base, "http://127.0.0.1:9000");
        assert_eq!(config.listen, "0.0.0.0:3000".parse().unwrap());
        let mut vars = minimal();
        vars.push((API_BASE, " http://127.0.0.1:9000/ , http://127.0.0.1:9001"));
        let config = Config::from_lookup(lookup(&vars)).unwrap();
        assert_eq!(
            config.api_base,
            "http://127.0.0.1:9000,http://127.0.0.1:9001"
        );
    }

    #[test]
    fn missing_required_variables_are_named() {
        for variable in [APPID, APPSECRET, TOKEN] {
            let vars: Vec<_> = minimal()
                .into_iter()
                .filter(|(k, _)| *k != variable)
                .collect();
            let err = Config::from_lookup(lookup(&vars)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing { variable: v, .. } if v == variable),
                "{err}"
            );
            assert!(err.to_string().starts_with(variable), "{err}");
        }
        // Empty counts as missing.
        let mut vars = minimal();
        vars[0] = (APPID, "  ");
        let err = Config::from_lookup(lookup(&vars)).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Missing {
                    variable: APPID,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn an_empty_key_means_plain_mode() {
        let mut vars = minimal();
        vars.push((ENCODING_AES_KEY, ""));
        assert!(
            Config::from_lookup(lookup(&vars))
                .unwrap()
                .encoding_aes_key
                .is_none()
        );
    }

    #[test]
    fn a_bad_key_is_named_and_not_echoed() {
        let mut vars = minimal();
        vars.push((ENCODING_AES_KEY, "too-short-secret-key"));
        let err = Config::from_lookup(lookup(&vars)).unwrap_err().to_string();
        assert!(err.starts_with(ENCODING_AES_KEY), "{err}");
        assert!(!err.contains("too-short-secret-key"), "{err}");
    }

    #[test]
    fn bad_listen_and_api_base_are_named() {
        let mut vars = minimal();
        vars.push((LISTEN, "localhost"));
        let err = Config::from_lookup(lookup(&vars)).unwrap_err();
        assert!(err.to_string().starts_with(LISTEN), "{err}");

        let mut vars = minimal();
        vars.push((API_BASE, "api.weixin.qq.com"));
        let err = Config::from_lookup(lookup(&vars)).unwrap_err();
        assert!(err.to_string().starts_with(API_BASE), "{err}");
    }

    #[test]
    fn cache_choices() {
        assert_eq!(CacheChoice::parse("").unwrap(), CacheChoice::Memory);
        assert_eq!(CacheChoice::parse("MEMORY").unwrap(), CacheChoice::Memory);
        let err = CacheChoice::parse("mongodb://secret@host")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(CACHE), "{err}");
        assert!(!err.contains("secret"), "{err}");

        let redis = CacheChoice::parse("redis://:pw@127.0.0.1:6379/0");
        if cfg!(feature = "redis") {
            assert_eq!(redis.as_ref().map(CacheChoice::name), Ok("redis"));
        } else {
            assert!(redis.unwrap_err().to_string().contains("--features redis"));
        }
        let memcached = CacheChoice::parse("memcache://127.0.0.1:11211");
        if cfg!(feature = "memcached") {
            assert_eq!(memcached.as_ref().map(CacheChoice::name), Ok("memcached"));
        } else {
            assert!(
                memcached
                    .unwrap_err()
                    .to_string()
                    .contains("--features memcached")
            );
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut vars = minimal();
        vars.push((ENCODING_AES_KEY, KEY));
        let mut config = Config::from_lookup(lookup(&vars)).unwrap();
        config.cache = CacheChoice::Redis(Secret::new("redis://user:hunter2@10.0.0.1:6379/0"));
        let printed = format!("{config:?}");
        for secret in ["the-app-secret", "the-push-token", KEY, "hunter2"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("10.0.0.1:6379"), "{printed}");
    }
}
