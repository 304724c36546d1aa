//! The JSON envelope (mini-program pushes in JSON mode).

use super::Envelope;
use crate::error::{CryptoError, EnvelopeFormat, Result};

/// Parses a JSON push body.
///
/// # Errors
/// [`CryptoError::MalformedEnvelope`] for invalid JSON, a non-object, or a non-string
/// `Encrypt`; [`CryptoError::MissingEncrypt`].
pub fn parse_json_envelope(json: &str) -> Result<Envelope> {
    let json_err = |detail: String| CryptoError::MalformedEnvelope {
        format: EnvelopeFormat::Json,
        detail,
    };
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| json_err(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(json_err("expected a JSON object".to_owned()));
    };
    let encrypt = match map.get("Encrypt") {
        None | Some(serde_json::Value::Null) => {
            return Err(CryptoError::MissingEncrypt {
                format: EnvelopeFormat::Json,
            });
        }
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err(json_err("\"Encrypt\" must be a string".to_owned())),
    };
    let string_field = |name: &str| map.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(Envelope {
        format: EnvelopeFormat::Json,
        encrypt,
        to_user_name: string_field("ToUserName"),
        app_id: string_field("AppId"),
    })
}
