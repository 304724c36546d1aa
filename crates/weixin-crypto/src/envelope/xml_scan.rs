//! A hand-written scanner for the XML envelopes WeChat sends:
//!
//! ```text
//! <xml><ToUserName><![CDATA[gh_…]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt></xml>
//! ```
//!
//! It accepts only a plain subset of XML: optional whitespace, one root element without
//! attributes, children without attributes that each hold either one CDATA section or plain text
//! (no `<`, `&` or `\r`), whitespace between them, optional whitespace after the root. On
//! anything else, including every error, it answers `None` and the caller hands the body to
//! quick-xml, so the scanner never decides an error and only has to agree with quick-xml on what
//! it accepts (checked by a differential test and the `envelope` fuzz target).

use super::{Envelope, Field};
use crate::error::EnvelopeFormat;

/// The envelope, when `xml` has the plain shape described in the module docs.
pub(super) fn scan(xml: &str) -> Option<Envelope> {
    let mut cursor = Cursor { xml, at: 0 };
    cursor.skip_whitespace();
    let root = cursor.open_tag()?;
    let mut envelope = Envelope {
        format: EnvelopeFormat::Xml,
        encrypt: String::new(),
        to_user_name: None,
        app_id: None,
    };
    let mut encrypt = None;
    loop {
        cursor.skip_whitespace();
        if cursor.rest().starts_with("</") {
            cursor.close_tag(root)?;
            break;
        }
        let name = cursor.open_tag()?;
        let value = cursor.content()?;
        cursor.close_tag(name)?;
        let slot = match Field::from_name(name) {
            Some(Field::Encrypt) => &mut encrypt,
            Some(Field::ToUserName) => &mut envelope.to_user_name,
            Some(Field::AppId) => &mut envelope.app_id,
            None => continue,
        };
        if slot.is_some() {
            // A duplicated field is an error: quick-xml words it.
            return None;
        }
        *slot = Some(value.to_owned());
    }
    cursor.skip_whitespace();
    if !cursor.rest().is_empty() {
        return None;
    }
    envelope.encrypt = encrypt?;
    Some(envelope)
}

/// A position in the body.
struct Cursor<'a> {
    xml: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.xml.get(self.at..).unwrap_or_default()
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches(is_xml_space).len();
    }

    /// `<name>`: the name.
    fn open_tag(&mut self) -> Option<&'a str> {
        let rest = self.rest().strip_prefix('<')?;
        let (name, _) = rest.split_once('>')?;
        if !is_plain_name(name) {
            return None;
        }
        self.at += name.len() + 2;
        Some(name)
    }

    /// `</name>` for exactly this name.
    fn close_tag(&mut self, name: &str) -> Option<()> {
        let rest = self.rest().strip_prefix("</")?.strip_prefix(name)?;
        rest.strip_prefix('>')?;
        self.at += name.len() + 3;
        Some(())
    }

    /// One CDATA section or plain text, up to the next `<` (not consumed).
    fn content(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
            let (value, _) = cdata.split_once("]]>")?;
            self.at += "<![CDATA[".len() + value.len() + "]]>".len();
            return Some(value);
        }
        let end = rest.find('<')?;
        let value = rest.get(..end)?;
        if value.contains(['&', '\r']) {
            return None;
        }
        self.at += end;
        Some(value)
    }
}

/// XML whitespace (what quick-xml trims as such).
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A non-empty element name of ASCII letters, digits, `_`, `-`, `.` and `:` not starting with a
/// digit, `-` or `.` (anything else goes to quick-xml).
fn is_plain_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::parse_xml_envelope_with_quick_xml;
    use proptest::prelude::*;

    fn both(xml: &str) -> (Option<Envelope>, crate::Result<Envelope>) {
        (scan(xml), parse_xml_envelope_with_quick_xml(xml))
    }

    /// The scanner either declines or agrees with quick-xml.
    fn agree(xml: &str) {
        let (fast, reference) = both(xml);
        if let Some(fast) = fast {
            assert_eq!(Ok(fast), reference, "{xml:?}");
        }
    }

    #[test]
    fn takes_the_shapes_wechat_sends() {
        for xml in [
            "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>",
            "<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <Encrypt><![CDATA[abc]]></Encrypt>\n</xml>\n",
            "<xml><AppId><![CDATA[wx1]]></AppId><Encrypt><![CDATA[abc]]></Encrypt></xml>",
            "<xml><ToUserName>gh_1</ToUserName><CreateTime>1</CreateTime><Encrypt>abc</Encrypt></xml>",
            "<xml><Encrypt></Encrypt></xml>",
        ] {
            let (fast, reference) = both(xml);
            assert_eq!(fast.as_ref(), reference.as_ref().ok(), "{xml}");
            assert!(fast.is_some(), "{xml}");
        }
    }

    #[test]
    fn declines_everything_else() {
        for xml in [
            "<?xml version=\"1.0\"?><xml><Encrypt>a</Encrypt></xml>",
            "<xml a=\"1\"><Encrypt>a</Encrypt></xml>",
            "<xml><Encrypt>a&amp;b</Encrypt></xml>",
            "<xml><Encrypt><![CDATA[a]]><![CDATA[b]]></Encrypt></xml>",
            "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>",
            "<xml><Encrypt>a</Encrypt></xml>trailing",
            "<xml><Encrypt>a</encrypt></xml>",
            "<xml><ToUserName>a</ToUserName></xml>",
            "<xml><Encrypt><b>a</b></Encrypt></xml>",
            "<xml><Encrypt>a\r\nb</Encrypt></xml>",
            "<xml><!-- c --><Encrypt>a</Encrypt></xml>",
            "<xml><Encrypt/></xml>",
            "<xml><Encrypt>a</Encrypt>",
            "",
        ] {
            assert_eq!(scan(xml), None, "{xml}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_quick_xml_on_envelope_like_input(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("<xml>".to_owned()), Just("</xml>".to_owned()),
                    Just("<Encrypt>".to_owned()), Just("</Encrypt>".to_owned()),
                    Just("<ToUserName>".to_owned()), Just("</ToUserName>".to_owned()),
                    Just("<AppId>".to_owned()), Just("</AppId>".to_owned()),
                    Just("<X>".to_owned()), Just("</X>".to_owned()),
                    Just("<![CDATA[".to_owned()), Just("]]>".to_owned()),
                    Just(" ".to_owned()), Just("\n".to_owned()), Just("&lt;".to_owned()),
                    "[a-z+/=<>&\\]\\[ ]{0,6}",
                ],
                0..14,
            )
        ) {
            agree(&parts.concat());
        }
    }
}
