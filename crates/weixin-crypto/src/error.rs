//! The crate's single error type.

use std::fmt;

/// Which signature failed to verify (see [`CryptoError::SignatureMismatch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureKind {
    /// The plain push signature `sha1(sort(token, timestamp, nonce))` (URL query `signature`).
    Signature,
    /// The encrypted-push signature `sha1(sort(token, timestamp, nonce, Encrypt))`
    /// (URL query `msg_signature`).
    MsgSignature,
    /// The mini-program `rawData` signature `sha1(rawData + session_key)`.
    RawData,
    /// The user-session signature `hmac_sha256(key = session_key, body)`.
    Session,
    /// The JS-SDK configuration signature.
    JsSdk,
}

impl SignatureKind {
    fn hint(self) -> &'static str {
        match self {
            SignatureKind::Signature => {
                "check that the Token matches the one configured in the WeChat admin console and \
                 that `timestamp` and `nonce` are taken unmodified from the request URL"
            }
            SignatureKind::MsgSignature => {
                "check that the Token matches the one configured in the WeChat admin console, that \
                 `timestamp`, `nonce` and `msg_signature` come unmodified from the request URL and that \
                 the Encrypt field of the body was not altered"
            }
            SignatureKind::RawData => {
                "check that rawData is the exact string the client received and that the \
                 session_key is the one returned by code2Session for this user"
            }
            SignatureKind::Session => {
                "check that the session_key (as its base64 string) is the current one for this user \
                 and that the exact request body was signed"
            }
            SignatureKind::JsSdk => {
                "check the jsapi_ticket, noncestr, timestamp and the page URL (without its #fragment)"
            }
        }
    }
}

impl fmt::Display for SignatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureKind::Signature => "signature",
            SignatureKind::MsgSignature => "msg_signature",
            SignatureKind::RawData => "rawData signature",
            SignatureKind::Session => "session signature",
            SignatureKind::JsSdk => "JS-SDK signature",
        })
    }
}

/// The format of a push envelope (see [`crate::envelope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnvelopeFormat {
    /// `<xml>…<Encrypt><![CDATA[…]]></Encrypt></xml>`
    Xml,
    /// `{"Encrypt":"…", …}`
    Json,
}

impl fmt::Display for EnvelopeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EnvelopeFormat::Xml => "XML",
            EnvelopeFormat::Json => "JSON",
        })
    }
}

/// Every failure this crate can report.
///
/// Each message names what went wrong and what to check. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A signature did not match the one computed locally.
    #[error("{kind} mismatch: {hint}", hint = kind.hint())]
    SignatureMismatch {
        /// Which signature.
        kind: SignatureKind,
    },

    /// A field that must be base64 could not be decoded.
    #[error(
        "{field} is not valid base64 ({detail}); check that the value was copied completely and not URL-decoded or re-encoded (`+` must not become a space)"
    )]
    BadBase64 {
        /// The field, e.g. `"Encrypt"`, `"EncodingAESKey"`, `"session_key"`.
        field: &'static str,
        /// What the decoder reported.
        detail: String,
    },

    /// A key (or IV) has the wrong length.
    #[error("{field} must be {expected} {unit}, got {found}{hint}", hint = key_hint(field, *found, *expected))]
    BadKeyLength {
        /// The key, e.g. `"EncodingAESKey"` or `"session_key"` or `"iv"`.
        field: &'static str,
        /// The required length.
        expected: usize,
        /// The length found.
        found: usize,
        /// `"characters"` or `"bytes"` (after base64 decoding).
        unit: &'static str,
    },

    /// The ciphertext length is not a positive multiple of the AES block size.
    #[error(
        "{field} decodes to {len} bytes, which is not a positive multiple of the AES block size (16): the value is truncated or corrupted"
    )]
    CiphertextLength {
        /// The field holding the ciphertext.
        field: &'static str,
        /// The decoded length.
        len: usize,
    },

    /// PKCS#7 padding is invalid after decryption.
    #[error(
        "invalid padding after decrypting {field} (last byte {pad}, allowed 1..={max}): this almost always means the key is wrong (EncodingAESKey or session_key/iv) or the ciphertext was altered"
    )]
    BadPadding {
        /// The field holding the ciphertext.
        field: &'static str,
        /// The last plaintext byte.
        pad: u8,
        /// The largest pad value accepted.
        max: u8,
    },

    /// The decrypted message is too short to hold the 16-byte random prefix and the 4-byte length.
    #[error(
        "decrypted Encrypt payload is only {len} bytes, shorter than the 20-byte header (16 random bytes + 4-byte length): the key is wrong or the sender does not follow WXBizMsgCrypt"
    )]
    PlaintextTooShort {
        /// Bytes left after removing the padding.
        len: usize,
    },

    /// The big-endian length field points past the end of the decrypted buffer.
    #[error(
        "length field of the decrypted Encrypt payload says {declared} bytes but only {available} follow it: the key is wrong or the ciphertext was altered"
    )]
    LengthOutOfRange {
        /// The declared message length.
        declared: u32,
        /// Bytes available after the length field (message + appid).
        available: usize,
    },

    /// The appid trailing the decrypted message (or the open-data watermark) is not ours.
    #[error(
        "appid mismatch: expected {expected:?}, found {found:?}; the data was encrypted for another account: check the configured AppID (the component AppID for a third-party platform, the CorpID for WeCom)"
    )]
    AppIdMismatch {
        /// The configured appid.
        expected: String,
        /// The appid found in the data (lossily decoded if it was not UTF-8).
        found: String,
    },

    /// Data that must be UTF-8 was not.
    #[error(
        "{field} is not valid UTF-8 (invalid byte at offset {valid_up_to}); {hint}",
        hint = utf8_hint(field)
    )]
    NotUtf8 {
        /// What was being decoded.
        field: &'static str,
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },

    /// The push body has no `Encrypt` field.
    #[error(
        "the {format} push body has no Encrypt field: the account is probably in plaintext mode (check 消息加解密方式 in the admin console) or this is not an encrypted push"
    )]
    MissingEncrypt {
        /// The envelope format.
        format: EnvelopeFormat,
    },

    /// The push body could not be parsed.
    #[error("malformed {format} push body: {detail}")]
    MalformedEnvelope {
        /// The envelope format.
        format: EnvelopeFormat,
        /// What the parser reported.
        detail: String,
    },

    /// The push body is neither XML nor JSON.
    #[error(
        "push body is neither XML nor JSON: expected the first non-whitespace byte to be '<' or '{{', found {found}"
    )]
    UnknownEnvelopeFormat {
        /// A description of what was found (`"end of input"` or the byte).
        found: String,
    },

    /// Decrypted open data is not the JSON object WeChat sends, or has no usable watermark.
    #[error(
        "decrypted open data {detail}; check the session_key and iv belong to this encryptedData"
    )]
    InvalidOpenData {
        /// What is wrong.
        detail: String,
    },

    /// The open-data watermark is older than allowed.
    #[error(
        "open-data watermark is too old: timestamp {timestamp} is {age}s before now ({now}), the limit is {max_age}s; ask the client for fresh data"
    )]
    WatermarkTooOld {
        /// `watermark.timestamp` (Unix seconds).
        timestamp: i64,
        /// The current time used for the check (Unix seconds).
        now: i64,
        /// `now - timestamp`.
        age: i64,
        /// The configured limit in seconds.
        max_age: u64,
    },

    /// A reply was to be encrypted with the previous key but none is configured.
    #[error(
        "no previous EncodingAESKey is configured, so nothing can be encrypted with KeySlot::Previous"
    )]
    NoPreviousKey,

    /// The message is too large for the 32-bit length field.
    #[error(
        "message is {len} bytes, larger than the 4 GiB the WXBizMsgCrypt length field can describe"
    )]
    MessageTooLarge {
        /// The message length.
        len: usize,
    },

    /// The operating system's random number generator failed.
    #[error("the operating system random number generator failed: {detail}")]
    Random {
        /// What getrandom reported.
        detail: String,
    },
}

fn utf8_hint(field: &str) -> &'static str {
    match field {
        "decrypted open data" => {
            "the iv or session_key is probably wrong (a wrong iv garbles the first 16 bytes)"
        }
        "decrypted message" => "the sender encrypted something other than UTF-8 text",
        _ => "WeChat only sends UTF-8: check the data was not re-encoded on the way",
    }
}

fn key_hint(field: &str, found: usize, expected: usize) -> &'static str {
    if field == "EncodingAESKey" {
        if found == expected + 1 {
            return " (check for a trailing '=' or stray whitespace: paste the 43-character key exactly as shown in the admin console)";
        }
        return " (paste the 43-character key exactly as shown in the admin console)";
    }
    ""
}

/// Shorthand result type.
pub type Result<T, E = CryptoError> = std::result::Result<T, E>;

impl CryptoError {
    pub(crate) fn not_utf8(field: &'static str, e: std::str::Utf8Error) -> Self {
        CryptoError::NotUtf8 {
            field,
            valid_up_to: e.valid_up_to(),
        }
    }

    /// A base64 error for `field`. For secret fields the offending byte is not echoed.
    pub(crate) fn base64(field: &'static str, e: base64::DecodeError, secret: bool) -> Self {
        use base64::DecodeError as D;
        let show = |b: u8| {
            if secret {
                String::new()
            } else if b.is_ascii_graphic() {
                format!(" {:?}", b as char)
            } else {
                format!(" 0x{b:02x}")
            }
        };
        let detail = match e {
            D::InvalidByte(offset, b) => format!("invalid character{} at offset {offset}", show(b)),
            D::InvalidLength(len) => format!("invalid length {len}"),
            D::InvalidLastSymbol { offset, symbol, .. } => {
                format!("invalid last character{} at offset {offset}", show(symbol))
            }
            D::InvalidPadding => "invalid '=' padding".to_owned(),
        };
        CryptoError::BadBase64 { field, detail }
    }

    pub(crate) fn random(e: getrandom::Error) -> Self {
        CryptoError::Random {
            detail: e.to_string(),
        }
    }
}
