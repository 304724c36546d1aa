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

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

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
enum Field {
    Encrypt,
    ToUserName,
    AppId,
}

impl Field {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "Encrypt" => Some(Field::Encrypt),
            "ToUserName" => Some(Field::ToUserName),
            "AppId" => Some(Field::AppId),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Field::Encrypt => "Encrypt",
            Field::ToUserName => "ToUserName",
            Field::AppId => "AppId",
        }
    }
}

fn xml_err(detail: impl Into<String>) -> CryptoError {
    CryptoError::MalformedEnvelope {
        format: EnvelopeFormat::Xml,
        detail: detail.into(),
    }
}

/// Parses an XML push body with quick-xml's streaming reader.
///
/// Looks for `Encrypt`, `ToUserName` and `AppId` among the root element's direct children;
/// their text (CDATA, plain text and entity references) is taken verbatim, without trimming.
///
/// # Errors
/// [`CryptoError::MalformedEnvelope`] for XML that is not well formed (unclosed or mismatched
/// tags, text outside the root, several roots, an unknown entity, a duplicated field, or
/// markup inside a field), [`CryptoError::MissingEncrypt`].
pub fn parse_xml_envelope(xml: &str) -> Result<Envelope> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut root_seen = false;
    // The field being read (a direct child of the root) and its text so far.
    let mut current: Option<(Field, String)> = None;
    let mut encrypt = None;
    let mut to_user_name = None;
    let mut app_id = None;

    let store = |field: Field,
                 value: String,
                 encrypt: &mut Option<String>,
                 to_user_name: &mut Option<String>,
                 app_id: &mut Option<String>|
     -> Result<()> {
        let slot = match field {
            Field::Encrypt => encrypt,
            Field::ToUserName => to_user_name,
            Field::AppId => app_id,
        };
        if slot.is_some() {
            return Err(xml_err(format!("more than one <{}> element", field.name())));
        }
        *slot = Some(value);
        Ok(())
    };

    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_err(format!("{e} (at byte {})", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                match depth {
                    0 if root_seen => return Err(xml_err("more than one root element")),
                    0 => root_seen = true,
                    1 => {
                        current = Field::from_name(start.name().as_ref())
                            .map(|field| (field, String::new()));
                    }
                    _ => {
                        if let Some((field, _)) = &current {
                            return Err(xml_err(format!(
                                "<{}> must contain only text, found a nested element",
                                field.name()
                            )));
                        }
                    }
                }
                depth += 1;
            }
            Event::Empty(empty) => match depth {
                0 if root_seen => return Err(xml_err("more than one root element")),
                0 => root_seen = true,
                1 => {
                    if let Some(field) = Field::from_name(empty.name().as_ref()) {
                        store(
                            field,
                            String::new(),
                            &mut encrypt,
                            &mut to_user_name,
                            &mut app_id,
                        )?;
                    }
                }
                _ => {
                    if let Some((field, _)) = &current {
                        return Err(xml_err(format!(
                            "<{}> must contain only text, found a nested element",
                            field.name()
                        )));
                    }
                }
            },
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| xml_err("unmatched closing tag"))?;
                if depth == 1
                    && let Some((field, value)) = current.take()
                {
                    store(field, value, &mut encrypt, &mut to_user_name, &mut app_id)?;
                }
            }
            Event::Text(text) => {
                if depth == 0 {
                    if !text.trim_ascii().is_empty() {
                        return Err(xml_err("text outside the root element"));
                    }
                } else if let Some((_, value)) = current.as_mut() {
                    value.push_str(&text);
                }
            }
            Event::CData(cdata) => {
                if depth == 0 {
                    return Err(xml_err("CDATA outside the root element"));
                }
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&cdata.into_inner());
                }
            }
            Event::GeneralRef(reference) => {
                if depth == 0 {
                    return Err(xml_err("entity reference outside the root element"));
                }
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => resolve_predefined_entity(&reference)
                        .ok_or_else(|| xml_err(format!("unknown entity &{};", &*reference)))?
                        .to_owned(),
                    Err(e) => return Err(xml_err(format!("bad character reference: {e}"))),
                };
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&resolved);
                }
            }
            Event::Eof => {
                if !root_seen {
                    return Err(xml_err("no root element"));
                }
                if depth != 0 {
                    return Err(xml_err("unexpected end of input: an element is not closed"));
                }
                break;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }

    let encrypt = encrypt.ok_or(CryptoError::MissingEncrypt {
        format: EnvelopeFormat::Xml,
    })?;
    Ok(Envelope {
        format: EnvelopeFormat::Xml,
        encrypt,
        to_user_name,
        app_id,
    })
}

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

/// An encrypted, signed passive reply (see [`crate::MsgCrypt::encrypt_reply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedReply {
    /// The base64 ciphertext.
    pub encrypt: String,
    /// `sha1(sort([token, timestamp, nonce, encrypt]))`.
    pub msg_signature: String,
    /// Unix seconds.
    pub timestamp: u64,
    /// The nonce (usually the push's, echoed back).
    pub nonce: String,
}

impl EncryptedReply {
    /// The official XML reply template:
    ///
    /// ```text
    /// <xml>
    /// <Encrypt><![CDATA[…]]></Encrypt>
    /// <MsgSignature><![CDATA[…]]></MsgSignature>
    /// <TimeStamp>…</TimeStamp>
    /// <Nonce><![CDATA[…]]></Nonce>
    /// </xml>
    /// ```
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(
            140 + self.encrypt.len() + self.msg_signature.len() + self.nonce.len(),
        );
        out.push_str("<xml>\n<Encrypt><![CDATA[");
        push_cdata(&mut out, &self.encrypt);
        out.push_str("]]></Encrypt>\n<MsgSignature><![CDATA[");
        push_cdata(&mut out, &self.msg_signature);
        out.push_str("]]></MsgSignature>\n<TimeStamp>");
        out.push_str(itoa_u64(self.timestamp, &mut [0; 20]));
        out.push_str("</TimeStamp>\n<Nonce><![CDATA[");
        push_cdata(&mut out, &self.nonce);
        out.push_str("]]></Nonce>\n</xml>");
        out
    }

    /// The JSON reply: `{"Encrypt":"…","MsgSignature":"…","TimeStamp":123,"Nonce":"…"}`
    /// (`TimeStamp` a number, `Nonce` a string, as in the official example).
    pub fn to_json(&self) -> String {
        let s = |v: &str| serde_json::Value::String(v.to_owned()).to_string();
        format!(
            "{{\"Encrypt\":{},\"MsgSignature\":{},\"TimeStamp\":{},\"Nonce\":{}}}",
            s(&self.encrypt),
            s(&self.msg_signature),
            self.timestamp,
            s(&self.nonce)
        )
    }

    /// [`EncryptedReply::to_xml`] or [`EncryptedReply::to_json`].
    pub fn render(&self, format: EnvelopeFormat) -> String {
        match format {
            EnvelopeFormat::Xml => self.to_xml(),
            EnvelopeFormat::Json => self.to_json(),
        }
    }
}

/// Appends `s` made safe inside `<![CDATA[…]]>` by splitting any `]]>`.
fn push_cdata(out: &mut String, s: &str) {
    // Base64 and hex (almost everything here) have no `]`: skip the substring search.
    if !s.as_bytes().contains(&b']') {
        out.push_str(s);
        return;
    }
    let mut parts = s.split("]]>");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("]]]]><![CDATA[>");
        out.push_str(part);
    }
}

/// `n` in decimal, written into `buf`.
fn itoa_u64(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[start..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_split() {
        let reply = EncryptedReply {
            encrypt: "e".into(),
            msg_signature: "s".into(),
            timestamp: 1,
            nonce: "a]]>b".into(),
        };
        let xml = reply.to_xml();
        let env = parse_xml_envelope(&xml).unwrap();
        assert_eq!(env.encrypt, "e");
        assert!(xml.contains("<Nonce><![CDATA[a]]]]><![CDATA[>b]]></Nonce>"));
        assert!(xml.contains("<TimeStamp>1</TimeStamp>"));
    }

    #[test]
    fn decimal_timestamps() {
        for n in [0, 7, 10, 1_700_000_000, u64::MAX] {
            assert_eq!(itoa_u64(n, &mut [0; 20]), n.to_string());
        }
        let mut out = String::new();
        push_cdata(&mut out, "]]>x]]>");
        assert_eq!(out, "]]]]><![CDATA[>x]]]]><![CDATA[>");
    }
}
