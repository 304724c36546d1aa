//! The platform's side of server-API signing, for a simulator of WeChat: open a signed request
//! with the developer's public key, seal the answer with the platform's key.

use serde_json::{Map, Value};

use super::{
    ApiSigningError, HEADER_APPID, HEADER_SERIAL, HEADER_SIGNATURE, HEADER_TIMESTAMP, PublicKey,
    SignedHeaders, SigningKey, SymmetricKey, open, seal, sign, verify,
};

/// What WeChat holds for one app with API security on: the app's symmetric key, the public
/// key(s) the developer uploaded, and the platform's own signing key (its certificate is what
/// the developer downloads).
#[derive(Debug)]
pub struct PlatformSigning {
    appid: String,
    symmetric: SymmetricKey,
    developer: Vec<PublicKey>,
    platform: SigningKey,
}

impl PlatformSigning {
    /// The platform's settings for `appid`.
    pub fn new(
        appid: impl Into<String>,
        symmetric: SymmetricKey,
        developer: impl IntoIterator<Item = PublicKey>,
        platform: SigningKey,
    ) -> Self {
        Self {
            appid: appid.into(),
            symmetric,
            developer: developer.into_iter().collect(),
            platform,
        }
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Checks and decrypts a signed request; returns its fields without the security fields.
    /// [`ApiSigningError::platform_errcode`] gives the errcode to answer on failure.
    ///
    /// # Errors
    /// Every check that fails, as an [`ApiSigningError`].
    pub fn open_request(
        &self,
        url_path: &str,
        headers: &SignedHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<Map<String, Value>, ApiSigningError> {
        let missing = |header| ApiSigningError::MissingHeader { header };
        headers.serial.ok_or(missing(HEADER_SERIAL))?;
        headers.timestamp.ok_or(missing(HEADER_TIMESTAMP))?;
        headers.signature.ok_or(missing(HEADER_SIGNATURE))?;
        headers.appid.ok_or(missing(HEADER_APPID))?;
        // A request carries one signature: ignore any `-Deprecated` pair.
        let current = SignedHeaders {
            serial_deprecated: None,
            signature_deprecated: None,
            ..*headers
        };
        let timestamp = verify(&current, &self.appid, &self.developer, url_path, body, now)?;
        open(&self.symmetric, url_path, &self.appid, timestamp, body)
    }

    /// Encrypts and signs an answer.
    ///
    /// # Errors
    /// [`ApiSigningError::Seal`] when the random generator or the signer fails.
    pub fn seal_response(
        &self,
        url_path: &str,
        timestamp: i64,
        fields: &Map<String, Value>,
    ) -> Result<SealedResponse, ApiSigningError> {
        let body = seal(&self.symmetric, url_path, &self.appid, timestamp, fields)?;
        let signature = sign(&self.platform, url_path, &self.appid, timestamp, &body)?;
        Ok(SealedResponse {
            headers: vec![
                (HEADER_APPID, self.appid.clone()),
                (HEADER_TIMESTAMP, timestamp.to_string()),
                (HEADER_SERIAL, self.platform.sn().to_owned()),
                (HEADER_SIGNATURE, signature),
            ],
            body,
        })
    }
}

/// An encrypted, signed answer.
#[derive(Debug, Clone)]
pub struct SealedResponse {
    /// `{"iv":…,"data":…,"authtag":…}`.
    pub body: Vec<u8>,
    /// `Wechatmp-Appid`, `Wechatmp-TimeStamp`, `Wechatmp-Serial`, `Wechatmp-Signature`.
    pub headers: Vec<(&'static str, String)>,
}
