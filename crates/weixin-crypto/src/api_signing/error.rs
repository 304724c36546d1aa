//! [`ApiSigningError`]: why a key could not be loaded, or a signed message was refused.

/// Everything that can go wrong loading the signing keys, sealing a request or opening a signed
/// answer. Messages name what to check and never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiSigningError {
    /// A key or certificate could not be loaded.
    #[error("cannot load the {what}: {detail}")]
    Key {
        /// `"symmetric key"`, `"RSA private key"`, `"platform certificate"`, `"RSA public key"`.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A required header is missing from a signed message.
    #[error(
        "the signed message has no {header} header: the answer did not come through WeChat's API security (a proxy in between, or the API does not support signing)"
    )]
    MissingHeader {
        /// The header name, e.g. `Wechatmp-Signature`.
        header: &'static str,
    },
    /// No configured certificate (or key) has the serial number the message was signed with.
    #[error(
        "the message is signed with key serial {serial:?}, which is not configured (known: {known}); download the current platform certificate and its serial number (API安全 in the admin console)"
    )]
    UnknownSerial {
        /// The serial number in the message.
        serial: String,
        /// The configured serial numbers.
        known: String,
    },
    /// The RSA signature does not verify.
    #[error(
        "the signature does not verify: the message was altered, or the certificate (or public key) configured for this serial is not the one it was signed with"
    )]
    BadSignature,
    /// The message is for another appid.
    #[error("the signed message is for appid {found:?}, expected {expected:?}")]
    AppidMismatch {
        /// The appid configured.
        expected: String,
        /// The appid in the message.
        found: String,
    },
    /// The message's timestamp is too far from the local clock (replayed, or a clock is wrong).
    #[error(
        "the signed message's timestamp {timestamp} is {skew}s away from the local clock ({now}); at most {max}s is accepted: check the server's clock"
    )]
    StaleTimestamp {
        /// The message timestamp (Unix seconds).
        timestamp: i64,
        /// The local clock (Unix seconds).
        now: i64,
        /// `|now - timestamp|`.
        skew: i64,
        /// The largest skew accepted.
        max: i64,
    },
    /// The header timestamp and the one inside the encrypted data disagree.
    #[error(
        "the timestamp inside the encrypted data ({inner}) is not the header's ({header}): the data belongs to another message"
    )]
    TimestampMismatch {
        /// `Wechatmp-TimeStamp`.
        header: i64,
        /// `_timestamp` of the decrypted data.
        inner: i64,
    },
    /// AES-GCM authentication failed.
    #[error(
        "the encrypted data does not decrypt: the symmetric key (or its serial number) is not the one it was encrypted with, or the URL path signed differs from the one called"
    )]
    Decrypt,
    /// The body is not the `{iv, data, authtag}` object, or the decrypted data is not a JSON
    /// object.
    #[error("malformed signed message: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// The data to seal is not a JSON object, or the random generator failed.
    #[error("cannot seal the request: {detail}")]
    Seal {
        /// What failed.
        detail: String,
    },
}

impl ApiSigningError {
    /// The errcode WeChat answers for a request refused this way (40230–40240), for a platform
    /// (or simulator) checking signed requests.
    ///
    /// ```
    /// use weixin_crypto::api_signing::ApiSigningError;
    /// assert_eq!(ApiSigningError::BadSignature.platform_errcode(), 40234);
    /// ```
    pub fn platform_errcode(&self) -> i64 {
        match self {
            Self::MissingHeader { header } => match *header {
                super::HEADER_SERIAL => 40230,
                super::HEADER_TIMESTAMP => 40231,
                super::HEADER_SIGNATURE => 40232,
                _ => 40233,
            },
            Self::BadSignature | Self::UnknownSerial { .. } => 40234,
            Self::AppidMismatch { .. } => 40236,
            Self::StaleTimestamp { .. } | Self::TimestampMismatch { .. } => 40240,
            Self::Decrypt | Self::Malformed { .. } | Self::Seal { .. } | Self::Key { .. } => 40235,
        }
    }
}
