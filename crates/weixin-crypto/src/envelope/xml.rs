//! The XML envelope: a hand-written scanner for the shapes WeChat sends, and quick-xml for
//! everything else.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

use super::xml_scan;
use super::{Envelope, Field};
use crate::error::{CryptoError, EnvelopeFormat, Result};

pub(super) fn xml_err(detail: impl Into<String>) -> CryptoError {
    CryptoError::MalformedEnvelope {
        format: EnvelopeFormat::Xml,
        detail: detail.into(),
    }
}

/// Parses an XML push body.
///
/// Looks for `Encrypt`, `ToUserName` and `AppId` among the root element's direct children;
/// their text (CDATA, plain text and entity references) is taken verbatim, without trimming.
///
/// The shapes WeChat sends (a root holding elements that each hold one CDATA section or plain
/// text) go through a hand-written scanner; anything else (entities, comments, a declaration,
/// attributes, nesting, errors) is handed to quick-xml, with the same result.
///
/// # Errors
/// [`CryptoError::MalformedEnvelope`] for XML that is not well formed (unclosed or mismatched
/// tags, text outside the root, several roots, an unknown entity, a duplicated field, or
/// markup inside a field), [`CryptoError::MissingEncrypt`].
pub fn parse_xml_envelope(xml: &str) -> Result<Envelope> {
    match xml_scan::scan(xml) {
        Some(envelope) => Ok(envelope),
        None => parse_xml_envelope_with_quick_xml(xml),
    }
}

/// [`parse_xml_envelope`] with quick-xml's streaming reader only: what the scanner hands over
/// to, and the reference it is checked against by tests and fuzzing (`hazmat`).
pub(crate) fn parse_xml_envelope_with_quick_xml(xml: &str) -> Result<Envelope> {
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
