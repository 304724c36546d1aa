//! Server-API signing and encryption (服务端API安全鉴权, 「API安全」 in the admin console).
//!
//! An account can require that calls to the APIs marked "支持加密请求" are encrypted with a
//! symmetric AES-256-GCM key and signed with the developer's RSA key (RSASSA-PSS, SHA-256, salt
//! 32), and WeChat then encrypts its answers with the same key and signs them with its platform
//! certificate. [`ApiSigning`] is the developer's side:
//!
//! - [`ApiSigning::seal_request`] adds `_n` (random), `_appid` and `_timestamp` to the request's
//!   fields, encrypts them into `{"iv","data","authtag"}` with the AAD
//!   `urlpath|appid|timestamp|sn`, and signs `urlpath\nappid\ntimestamp\nbody`; the result goes
//!   out with the `Wechatmp-Appid`, `Wechatmp-TimeStamp`, `Wechatmp-Serial` and
//!   `Wechatmp-Signature` headers ([`SealedRequest::headers`]);
//! - [`ApiSigning::open_response`] picks the signature whose serial is a configured platform
//!   certificate (the `-Deprecated` pair is accepted while WeChat rotates its certificate),
//!   verifies it, checks the appid and that the timestamp is within 5 minutes of the local
//!   clock, decrypts, checks `_appid` and `_timestamp` inside, and returns the fields without
//!   them. Anything that fails is an [`ApiSigningError`] that says why, never data.
//!
//! `urlpath` is the URL actually called without its query: the API base (with any path prefix)
//! plus the endpoint path, e.g. `https://api.weixin.qq.com/wxa/getuserriskrank`.
//!
//! ```
//! use weixin_crypto::api_signing::{ApiSigning, PublicKey, SigningKey, SymmetricKey};
//! # let key_pem = include_bytes!("../../tests/vectors/api-signing-example-key.pem");
//! # let cert_pem = include_bytes!("../../tests/vectors/api-signing-example-cert.pem");
//! let signing = ApiSigning::new(
//!     "wxba6223c06417af7b",
//!     SymmetricKey::from_base64(
//!         "fa05fe1e5bcc79b81ad5ad4b58acf787",
//!         "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=",
//!     )?,
//!     SigningKey::from_pem("97845f6ed842ea860df6fdf65941ff56", key_pem)?,
//!     vec![PublicKey::from_pem("79ba700ea147819f640941bceb38b1d1", cert_pem)?],
//! )?;
//! let fields = serde_json::json!({"openid": "oEWzBfmdLqhFS2mTXCo2E4Y9gJAM", "scene": 0});
//! let sealed = signing.seal_request(
//!     "https://api.weixin.qq.com/wxa/getuserriskrank",
//!     1635927954,
//!     fields.as_object().unwrap(),
//! )?;
//! assert!(sealed.body.starts_with(b"{\"iv\":"));
//! assert_eq!(sealed.headers()[2], ("Wechatmp-Serial", "97845f6ed842ea860df6fdf65941ff56".to_owned()));
//! # Ok::<(), weixin_crypto::api_signing::ApiSigningError>(())
//! ```

mod der;
mod error;
mod keys;
#[cfg(feature = "platform")]
mod platform;

pub use error::ApiSigningError;
pub use keys::{PublicKey, SigningKey, SymmetricKey};
#[cfg(feature = "platform")]
pub use platform::{PlatformSigning, SealedResponse};

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Map, Value};

/// `Wechatmp-Appid`.
pub const HEADER_APPID: &str = "Wechatmp-Appid";
/// `Wechatmp-TimeStamp`.
pub const HEADER_TIMESTAMP: &str = "Wechatmp-TimeStamp";
/// `Wechatmp-Serial`: the SN of the key that signed the message.
pub const HEADER_SERIAL: &str = "Wechatmp-Serial";
/// `Wechatmp-Signature`.
pub const HEADER_SIGNATURE: &str = "Wechatmp-Signature";
/// `Wechatmp-Serial-Deprecated`: the previous platform certificate's SN, during rotation.
pub const HEADER_SERIAL_DEPRECATED: &str = "Wechatmp-Serial-Deprecated";
/// `Wechatmp-Signature-Deprecated`: the signature with the previous platform certificate.
pub const HEADER_SIGNATURE_DEPRECATED: &str = "Wechatmp-Signature-Deprecated";

/// The largest difference between a signed message's timestamp and the local clock (5 minutes).
pub const MAX_SKEW_SECS: i64 = 300;

/// The security fields added to (and removed from) the encrypted data.
const SECURITY_FIELDS: [&str; 3] = ["_n", "_appid", "_timestamp"];

/// One app's signing settings: its appid, the symmetric key, its RSA private key and WeChat's
/// platform certificate(s). Cheap to share behind an `Arc`; `Debug` shows only the SNs.
pub struct ApiSigning {
    appid: String,
    symmetric: SymmetricKey,
    key: SigningKey,
    platform: Vec<PublicKey>,
}

impl ApiSigning {
    /// The settings of `appid`. Give every platform certificate the console lists (during a
    /// rotation, the new and the old one).
    ///
    /// # Errors
    /// [`ApiSigningError::Key`] when the appid is empty or no platform certificate is given.
    pub fn new(
        appid: impl Into<String>,
        symmetric: SymmetricKey,
        key: SigningKey,
        platform: impl IntoIterator<Item = PublicKey>,
    ) -> Result<Self, ApiSigningError> {
        let appid = appid.into();
        let platform: Vec<PublicKey> = platform.into_iter().collect();
        if appid.trim().is_empty() {
            return Err(ApiSigningError::Key {
                what: "signing settings",
                detail: "the appid is empty".to_owned(),
            });
        }
        if platform.is_empty() {
            return Err(ApiSigningError::Key {
                what: "platform certificate",
                detail: "none given: download it from API安全 in the admin console".to_owned(),
            });
        }
        Ok(Self {
            appid,
            symmetric,
            key,
            platform,
        })
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Encrypts and signs a request: `fields` are the request's parameters (the JSON body's
    /// fields and the query's, without `access_token`); `timestamp` is the current Unix time.
    ///
    /// # Errors
    /// [`ApiSigningError::Seal`] when the random generator or the signer fails.
    pub fn seal_request(
        &self,
        url_path: &str,
        timestamp: i64,
        fields: &Map<String, Value>,
    ) -> Result<SealedRequest, ApiSigningError> {
        let body = seal(&self.symmetric, url_path, &self.appid, timestamp, fields)?;
        let signature = sign(&self.key, url_path, &self.appid, timestamp, &body)?;
        Ok(SealedRequest {
            appid: self.appid.clone(),
            body,
            timestamp,
            serial: self.key.sn().to_owned(),
            signature,
        })
    }

    /// Verifies, checks and decrypts a signed answer; returns its fields without the security
    /// fields. `now` is the current Unix time.
    ///
    /// # Errors
    /// Every check that fails, as an [`ApiSigningError`] naming it.
    pub fn open_response(
        &self,
        url_path: &str,
        headers: &SignedHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<Map<String, Value>, ApiSigningError> {
        let timestamp = verify(headers, &self.appid, &self.platform, url_path, body, now)?;
        open(&self.symmetric, url_path, &self.appid, timestamp, body)
    }
}

impl fmt::Debug for ApiSigning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiSigning")
            .field("appid", &self.appid)
            .field("symmetric_sn", &self.symmetric.sn())
            .field("key_sn", &self.key.sn())
            .field(
                "platform_sns",
                &self.platform.iter().map(PublicKey::sn).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// An encrypted, signed request: send [`body`](Self::body) as the POST body with
/// [`headers`](Self::headers).
#[derive(Debug, Clone)]
pub struct SealedRequest {
    appid: String,
    /// The body: `{"iv":…,"data":…,"authtag":…}`.
    pub body: Vec<u8>,
    /// The timestamp sealed in (Unix seconds).
    pub timestamp: i64,
    serial: String,
    signature: String,
}

impl SealedRequest {
    /// The headers to send: `Wechatmp-Appid`, `Wechatmp-TimeStamp`, `Wechatmp-Serial` (the RSA
    /// key's SN) and `Wechatmp-Signature`.
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_APPID, self.appid.clone()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_SERIAL, self.serial.clone()),
            (HEADER_SIGNATURE, self.signature.clone()),
        ]
    }
}

/// The `Wechatmp-*` headers of a signed message, borrowed from wherever the headers are.
///
/// ```
/// use weixin_crypto::api_signing::SignedHeaders;
/// let headers = [("Wechatmp-Appid", "wx1"), ("Wechatmp-TimeStamp", "1635927956")];
/// let signed = SignedHeaders::from_lookup(|name| {
///     headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
/// });
/// assert_eq!(signed.appid, Some("wx1"));
/// assert_eq!(signed.signature, None);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedHeaders<'a> {
    /// `Wechatmp-Appid`.
    pub appid: Option<&'a str>,
    /// `Wechatmp-TimeStamp`.
    pub timestamp: Option<&'a str>,
    /// `Wechatmp-Serial`.
    pub serial: Option<&'a str>,
    /// `Wechatmp-Signature`.
    pub signature: Option<&'a str>,
    /// `Wechatmp-Serial-Deprecated`.
    pub serial_deprecated: Option<&'a str>,
    /// `Wechatmp-Signature-Deprecated`.
    pub signature_deprecated: Option<&'a str>,
}

impl<'a> SignedHeaders<'a> {
    /// Reads the headers through `get` (called with each header name).
    pub fn from_lookup(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        Self {
            appid: get(HEADER_APPID),
            timestamp: get(HEADER_TIMESTAMP),
            serial: get(HEADER_SERIAL),
            signature: get(HEADER_SIGNATURE),
            serial_deprecated: get(HEADER_SERIAL_DEPRECATED),
            signature_deprecated: get(HEADER_SIGNATURE_DEPRECATED),
        }
    }

    /// Whether the message carries any signature at all.
    pub fn is_signed(&self) -> bool {
        self.signature.is_some() || self.signature_deprecated.is_some()
    }
}

/// `urlpath|appid|timestamp|sn`.
fn aad(url_path: &str, appid: &str, timestamp: i64, sn: &str) -> String {
    format!("{url_path}|{appid}|{timestamp}|{sn}")
}

/// `urlpath\nappid\ntimestamp\nbody`.
fn string_to_sign(url_path: &str, appid: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{url_path}\n{appid}\n{timestamp}\n").into_bytes();
    out.extend_from_slice(body);
    out
}

/// The base64 `Wechatmp-Signature` of a message with `key`.
pub(crate) fn sign(
    key: &SigningKey,
    url_path: &str,
    appid: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, ApiSigningError> {
    let signature = key.sign(&string_to_sign(url_path, appid, timestamp, body))?;
    Ok(STANDARD.encode(signature))
}

/// The encrypted body of `fields` plus the security fields.
pub(crate) fn seal(
    symmetric: &SymmetricKey,
    url_path: &str,
    appid: &str,
    timestamp: i64,
    fields: &Map<String, Value>,
) -> Result<Vec<u8>, ApiSigningError> {
    let random = |len: usize| {
        let mut bytes = vec![0u8; len];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| ApiSigningError::Seal {
                detail: "the operating system random number generator failed".to_owned(),
            })?;
        Ok::<_, ApiSigningError>(bytes)
    };
    let mut plain = Map::with_capacity(fields.len() + 3);
    plain.insert(
        "_n".to_owned(),
        Value::from(STANDARD_NO_PAD.encode(random(16)?)),
    );
    plain.insert("_appid".to_owned(), Value::from(appid));
    plain.insert("_timestamp".to_owned(), Value::from(timestamp));
    for (k, v) in fields {
        if !SECURITY_FIELDS.contains(&k.as_str()) {
            plain.insert(k.clone(), v.clone());
        }
    }
    let plain = serde_json::to_vec(&plain).map_err(|e| ApiSigningError::Seal {
        detail: e.to_string(),
    })?;
    let mut iv = [0u8; 12];
    iv.copy_from_slice(&random(12)?);
    let aad = aad(url_path, appid, timestamp, symmetric.sn());
    let (data, tag) = symmetric.seal_with_iv(iv, aad.as_bytes(), &plain);
    Ok(encrypted_body(&iv, &data, &tag))
}

/// `{"iv":…,"data":…,"authtag":…}` in the documented order (base64 needs no JSON escaping).
pub(crate) fn encrypted_body(iv: &[u8], data: &[u8], tag: &[u8]) -> Vec<u8> {
    format!(
        r#"{{"iv":"{}","data":"{}","authtag":"{}"}}"#,
        STANDARD.encode(iv),
        STANDARD.encode(data),
        STANDARD.encode(tag)
    )
    .into_bytes()
}

/// Checks the appid, the timestamp and the signature of a signed message; returns the
/// timestamp.
pub(crate) fn verify(
    headers: &SignedHeaders<'_>,
    appid: &str,
    keys: &[PublicKey],
    url_path: &str,
    body: &[u8],
    now: i64,
) -> Result<i64, ApiSigningError> {
    let missing = |header| ApiSigningError::MissingHeader { header };
    let found_appid = headers.appid.ok_or(missing(HEADER_APPID))?;
    let timestamp = headers.timestamp.ok_or(missing(HEADER_TIMESTAMP))?;
    if !headers.is_signed() {
        return Err(missing(HEADER_SIGNATURE));
    }
    if found_appid != appid {
        return Err(ApiSigningError::AppidMismatch {
            expected: appid.to_owned(),
            found: found_appid.to_owned(),
        });
    }
    let timestamp: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| ApiSigningError::Malformed {
            detail: format!("{HEADER_TIMESTAMP} is not a number"),
        })?;
    let skew = now.saturating_sub(timestamp).saturating_abs();
    if skew > MAX_SKEW_SECS {
        return Err(ApiSigningError::StaleTimestamp {
            timestamp,
            now,
            skew,
            max: MAX_SKEW_SECS,
        });
    }
    // The current pair first, then the deprecated one (certificate rotation).
    let pairs = [
        (headers.serial, headers.signature),
        (headers.serial_deprecated, headers.signature_deprecated),
    ];
    let chosen = pairs.iter().find_map(|(serial, signature)| {
        let (serial, signature) = ((*serial)?, (*signature)?);
        let key = keys.iter().find(|k| k.sn() == serial.trim())?;
        Some((key, signature))
    });
    let Some((key, signature)) = chosen else {
        let serial = headers
            .serial
            .or(headers.serial_deprecated)
            .ok_or(missing(HEADER_SERIAL))?;
        return Err(ApiSigningError::UnknownSerial {
            serial: serial.to_owned(),
            known: keys
                .iter()
                .map(PublicKey::sn)
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let signature = STANDARD
        .decode(signature.trim())
        .map_err(|_| ApiSigningError::BadSignature)?;
    key.verify(
        &string_to_sign(url_path, appid, timestamp, body),
        &signature,
    )?;
    Ok(timestamp)
}

/// Decrypts a verified body and checks the security fields inside.
pub(crate) fn open(
    symmetric: &SymmetricKey,
    url_path: &str,
    appid: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<Map<String, Value>, ApiSigningError> {
    let malformed = |detail: &str| ApiSigningError::Malformed {
        detail: detail.to_owned(),
    };
    let envelope: Map<String, Value> = serde_json::from_slice(body)
        .map_err(|_| malformed("the body is not the JSON object {iv, data, authtag}"))?;
    let field = |name: &str| {
        let text = envelope
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(&format!("the body has no {name:?} string")))?;
        STANDARD
            .decode(text.trim())
            .map_err(|_| malformed(&format!("{name:?} is not base64")))
    };
    let iv: [u8; 12] = field("iv")?
        .try_into()
        .map_err(|_| malformed("\"iv\" does not decode to 12 bytes"))?;
    let data = field("data")?;
    let tag = field("authtag")?;
    if tag.len() != 16 {
        return Err(malformed("\"authtag\" does not decode to 16 bytes"));
    }
    let aad = aad(url_path, appid, timestamp, symmetric.sn());
    let plain = symmetric.open(iv, aad.as_bytes(), &data, &tag)?;
    let mut fields: Map<String, Value> = serde_json::from_slice(&plain)
        .map_err(|_| malformed("the decrypted data is not a JSON object"))?;
    match fields.get("_appid").and_then(Value::as_str) {
        Some(inner) if inner == appid => {}
        other => {
            return Err(ApiSigningError::AppidMismatch {
                expected: appid.to_owned(),
                found: other.unwrap_or("(none)").to_owned(),
            });
        }
    }
    let inner = fields.get("_timestamp").and_then(Value::as_i64);
    if inner != Some(timestamp) {
        return Err(ApiSigningError::TimestampMismatch {
            header: timestamp,
            inner: inner.unwrap_or_default(),
        });
    }
    for name in SECURITY_FIELDS {
        fields.remove(name);
    }
    Ok(fields)
}
