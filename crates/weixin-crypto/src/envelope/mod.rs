//! Push envelopes: extracting `Encrypt` from a push body and rendering encrypted replies.
//!
//! Accepted bodies:
//!
//! * XML secure mode: `<xml><ToUserName><![CDATA[gh_…]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt></xml>`
//! * XML from a third-party platform, with `<AppId>` instead of `<ToUserName>`
//! * XML compatible mode: all the plaintext fields plus `<Encrypt>`
//! * JSON: `{"ToUserName":"gh_…","Encrypt":"…"}`
//!
//! The format is detected from the first non-whitespace byte (`<` or `{`).

mod json;
mod reply;
mod xml;
mod xml_scan;

pub use json::parse_json_envelope;
pub use reply::EncryptedReply;
pub use xml::parse_xml_envelope;
#[cfg(any(test, feature = "hazmat"))]
pub(crate) use xml::parse_xml_envelope_with_quick_xml;

use crate::error::{CryptoError, EnvelopeFormat, Result};

/// The fields of a push envelope this crate cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Envelope {
    /// XML or JSON.
    pub format: EnvelopeFormat,
    /// The `Encrypt` value, exactly as sent (it is what `msg_signature` covers).
    pub encrypt: String,
    /// `ToUserName` (the account's original ID, `gh_…`), if present.
    pub to_user_name: Option<String>,
    /// `AppId` (third-party platform pushes), if present.
    pub app_id: Option<String>,
}

/// Detects the format from the first non-whitespace byte (a UTF-8 BOM is skipped).
///
/// # Errors
/// [`CryptoError::UnknownEnvelopeFormat`] unless that byte is `<` or `{`.
pub fn detect_format(body: &[u8]) -> Result<EnvelopeFormat> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Ok(EnvelopeFormat::Xml),
        Some(b'{') => Ok(EnvelopeFormat::Json),
        Some(&b) => Err(CryptoError::UnknownEnvelopeFormat {
            found: if b.is_ascii_graphic() {
                format!("{:?}", char::from(b))
            } else {
                format!("byte 0x{b:02x}")
            },
        }),
        None => Err(CryptoError::UnknownEnvelopeFormat {
            found: "an empty body".to_owned(),
        }),
    }
}

/// Parses a push body of either format.
///
/// # Errors
/// [`CryptoError::UnknownEnvelopeFormat`], [`CryptoError::NotUtf8`],
/// [`CryptoError::MalformedEnvelope`], [`CryptoError::MissingEncrypt`].
pub fn parse_envelope(body: &[u8]) -> Result<Envelope> {
    let format = detect_format(body)?;
    let text = std::str::from_utf8(body).map_err(|e| CryptoError::not_utf8("push body", e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        EnvelopeFormat::Xml => parse_xml_envelope(text),
        EnvelopeFormat::Json => parse_json_envelope(text),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Encrypt,
    ToUserName,
    AppId,
}

impl Field {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "Encrypt" => Some(Field::Encrypt),
            "ToUserName" => Some(Field::ToUserName),
            "AppId" => Some(Field::AppId),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Encrypt => "Encrypt",
            Field::ToUserName => "ToUserName",
            Field::AppId => "AppId",
        }
    }
}
