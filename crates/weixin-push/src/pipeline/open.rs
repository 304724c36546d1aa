//! Step 2 of a push: verify the signature, open the envelope, check the replay window.

use std::borrow::Cow;

use http::StatusCode;
use weixin_crypto::{CryptoError, EnvelopeFormat, KeySlot, MsgCrypt, parse_envelope};

use super::request::Query;
use super::response::PushResponse;

/// The verified message text of a push and how it came.
#[derive(Debug)]
pub(crate) struct Opened<'a> {
    /// The (decrypted, or plain) message body.
    pub(crate) body: Cow<'a, str>,
    /// XML or JSON.
    pub(crate) format: EnvelopeFormat,
    /// The key that decrypted it, when the push was encrypted.
    pub(crate) key_slot: Option<KeySlot>,
    /// The request's `nonce` (echoed in an encrypted reply).
    pub(crate) nonce: &'a str,
}

/// Everything needed to check a request.
pub(crate) struct Verifier {
    pub(crate) token: weixin_core::Secret,
    pub(crate) crypt: Option<MsgCrypt>,
    pub(crate) allow_plain: bool,
    /// Seconds; `None` = off.
    pub(crate) replay_window: Option<u64>,
}

fn bad_request(reason: impl Into<String>) -> PushResponse {
    PushResponse::error(StatusCode::BAD_REQUEST, reason)
}

fn required<'q>(query: &'q Query, name: &'static str) -> Result<&'q str, PushResponse> {
    query
        .get(name)
        .ok_or_else(|| bad_request(format!("missing query parameter `{name}`")))
}

impl Verifier {
    /// GET URL verification: the `echostr` back when `signature` is right, else 401.
    pub(crate) fn verify_url(&self, query: &Query) -> PushResponse {
        let unauthorized = |reason: &str| PushResponse::error(StatusCode::UNAUTHORIZED, reason);
        let (Some(signature), Some(timestamp), Some(nonce)) = (
            query.get("signature"),
            query.get("timestamp"),
            query.get("nonce"),
        ) else {
            return unauthorized("missing signature, timestamp or nonce");
        };
        let Some(echostr) = query.get("echostr") else {
            return unauthorized("missing echostr");
        };
        match weixin_crypto::verify_signature(self.token.expose(), timestamp, nonce, signature) {
            Ok(()) => PushResponse::text(echostr),
            Err(_) => unauthorized("signature mismatch: check the Token"),
        }
    }

    /// POST: returns the verified message text, or the error response.
    pub(crate) fn open<'a>(
        &self,
        query: &'a Query,
        body: &'a [u8],
        now_secs: u64,
    ) -> Result<Opened<'a>, PushResponse> {
        let envelope = match parse_envelope(body) {
            Ok(envelope) => Some(envelope),
            Err(CryptoError::MissingEncrypt { .. }) => None,
            Err(CryptoError::NotUtf8 { .. }) => return Err(bad_request("body is not UTF-8")),
            Err(CryptoError::UnknownEnvelopeFormat { found }) => {
                return Err(bad_request(format!(
                    "body is neither XML nor JSON (starts with {found})"
                )));
            }
            Err(CryptoError::MalformedEnvelope { format, detail }) => {
                return Err(bad_request(format!("malformed {format} body: {detail}")));
            }
            Err(other) => return Err(bad_request(other.to_string())),
        };
        let timestamp = required(query, "timestamp")?;
        let nonce = required(query, "nonce")?;
        let opened = match (envelope, &self.crypt) {
            (Some(envelope), Some(crypt)) => {
                let msg_signature = required(query, "msg_signature")?;
                let decrypted = crypt
                    .decrypt(msg_signature, timestamp, nonce, &envelope.encrypt)
                    .map_err(decrypt_error)?;
                Opened {
                    body: Cow::Owned(decrypted.message),
                    format: envelope.format,
                    key_slot: Some(decrypted.key_slot),
                    nonce,
                }
            }
            // Plain mode, or compatible mode on a server without the key (its plain fields).
            (envelope, _) => {
                if !self.allow_plain {
                    return Err(PushResponse::error(
                        StatusCode::FORBIDDEN,
                        "plain pushes are not accepted: only encrypted ones",
                    ));
                }
                let signature = required(query, "signature")?;
                if weixin_crypto::verify_signature(self.token.expose(), timestamp, nonce, signature)
                    .is_err()
                {
                    return Err(PushResponse::error(
                        StatusCode::UNAUTHORIZED,
                        "signature mismatch: check the Token",
                    ));
                }
                // parse_envelope accepted the UTF-8 (or reported MissingEncrypt, which it only
                // does after decoding it).
                let text =
                    std::str::from_utf8(body).map_err(|_| bad_request("body is not UTF-8"))?;
                let text = text.trim_start_matches('\u{feff}');
                let format = match envelope {
                    Some(envelope) => envelope.format,
                    None => weixin_crypto::detect_format(body)
                        .map_err(|e| bad_request(e.to_string()))?,
                };
                Opened {
                    body: Cow::Borrowed(text),
                    format,
                    key_slot: None,
                    nonce,
                }
            }
        };
        if let Some(window) = self.replay_window {
            let sent: u64 = timestamp
                .parse()
                .map_err(|_| bad_request("query parameter `timestamp` is not a number"))?;
            if sent.abs_diff(now_secs) > window {
                return Err(PushResponse::error(
                    StatusCode::UNAUTHORIZED,
                    "timestamp outside the replay window",
                ));
            }
        }
        Ok(opened)
    }
}

fn decrypt_error(err: CryptoError) -> PushResponse {
    match err {
        CryptoError::SignatureMismatch { .. } => PushResponse::error(
            StatusCode::UNAUTHORIZED,
            "msg_signature mismatch: check the Token",
        ),
        CryptoError::AppIdMismatch { .. } => {
            PushResponse::error(StatusCode::FORBIDDEN, "the push is for another appid")
        }
        other => bad_request(format!("cannot decrypt `Encrypt`: {other}")),
    }
}
