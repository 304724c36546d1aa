//! A hand-written scanner for the XML WeChat actually pushes, tried before quick-xml.
//!
//! WeChat's push bodies are a root `<xml>` holding a flat list of elements whose content is
//! CDATA or plain text, with a few shallow containers (`ScanCodeInfo`,
//! `SendPicsInfo/PicList/item`, `SendLocationInfo`, `SubscribeMsg…Event/List`). This scanner
//! reads exactly that shape: start tags without attributes (`<Name>`, `<Name/>`), matching end
//! tags (`</Name>`), text, CDATA sections and entity / character references, borrowing every
//! name and value from the input. The pieces go through the same [`Frame`] rules as the
//! quick-xml reader in [`super::xml`], so the tree is the same.
//!
//! Anything else returns `None` and the caller falls back to quick-xml, which then gives the
//! same result and the same errors as before: an XML declaration, comments, processing
//! instructions, `<!DOCTYPE`, attributes or whitespace inside tags, carriage returns (end of
//! line normalization), a byte-order mark, nesting deeper than [`FAST_MAX_DEPTH`], a mismatched
//! or missing end tag, an unknown entity, text or markup outside the root, and every other
//! malformed input. The scanner never returns an error itself.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::BytesRef;

use super::tree::{MAX_DEPTH, Node, NodeValue};
use super::xml::{Frame, is_xml_whitespace};

/// Deepest nesting the scanner reads itself (the root counts as 1); deeper bodies go to
/// quick-xml. WeChat pushes nest at most 4 levels.
const FAST_MAX_DEPTH: usize = if MAX_DEPTH < 8 { MAX_DEPTH } else { 8 };

const CDATA_OPEN: &[u8] = b"<![CDATA[";
const CDATA_CLOSE: &[u8] = b"]]>";

/// Reads `input` and returns the root element's children, or `None` when the body is not in
/// the subset this scanner handles (the caller then uses quick-xml).
pub(crate) fn parse(input: &str) -> Option<Vec<Node<'_>>> {
    let mut scanner = Scanner { input, pos: 0 };
    scanner.skip_whitespace();
    if scanner.byte(0)? != b'<' {
        return None;
    }
    scanner.pos += 1;
    let (name, empty) = scanner.start_tag()?;
    let root = if empty {
        Node {
            name: Cow::Borrowed(name),
            value: NodeValue::Text(Cow::Borrowed("")),
        }
    } else {
        scanner.element(name, 1)?
    };
    scanner.skip_whitespace();
    if scanner.pos != input.len() {
        return None;
    }
    Some(match root.value {
        NodeValue::Children(children) => children,
        _ => Vec::new(),
    })
}

struct Scanner<'a> {
    input: &'a str,
    /// Byte offset of the next unread byte; always on a char boundary.
    pos: usize,
}

/// Bytes allowed in an element name here. All ASCII, so slices around them stay on char
/// boundaries; quick-xml reads such a name the same way (no whitespace, `/`, quotes or `>`).
fn is_name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)]
}

/// [`is_name_byte`] as a table: one load per byte in the hot name loop.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':');
        b += 1;
    }
    table
};

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a [u8] {
        self.input.as_bytes().get(self.pos..).unwrap_or_default()
    }

    fn byte(&self, ahead: usize) -> Option<u8> {
        self.input
            .as_bytes()
            .get(self.pos.checked_add(ahead)?)
            .copied()
    }

    fn skip_whitespace(&mut self) {
        let n = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n'))
            .count();
        self.pos += n;
    }

    /// `len` bytes from the current position as a `&str`, then moves past them.
    fn take(&mut self, len: usize) -> Option<&'a str> {
        let s = self.input.get(self.pos..self.pos.checked_add(len)?)?;
        self.pos += len;
        Some(s)
    }

    fn name(&mut self) -> Option<&'a str> {
        let len = self.rest().iter().take_while(|&&b| is_name_byte(b)).count();
        if len == 0 {
            return None;
        }
        self.take(len)
    }

    /// After `<`: the name and whether the tag is self-closing (`<Name/>`).
    fn start_tag(&mut self) -> Option<(&'a str, bool)> {
        let name = self.name()?;
        match self.byte(0)? {
            b'>' => {
                self.pos += 1;
                Some((name, false))
            }
            b'/' if self.byte(1)? == b'>' => {
                self.pos += 2;
                Some((name, true))
            }
            _ => None,
        }
    }

    /// The content of element `name` (its start tag already read) up to and including its
    /// end tag. `depth` counts the open elements including this one.
    fn element(&mut self, name: &'a str, depth: usize) -> Option<Node<'a>> {
        if let Some(leaf) = self.simple_leaf(name) {
            return Some(leaf);
        }
        let mut frame = Frame::new(Cow::Borrowed(name));
        loop {
            let rest = self.rest();
            let len = rest
                .iter()
                .position(|&b| matches!(b, b'<' | b'&' | b'\r'))?;
            if len > 0 {
                let text = self.take(len)?;
                frame.push_text(Cow::Borrowed(text), is_xml_whitespace(text));
            }
            match self.byte(0)? {
                b'\r' => return None,
                b'&' => {
                    let resolved = self.reference()?;
                    frame.push_text(resolved, false);
                }
                _ => match self.byte(1)? {
                    b'/' => {
                        self.pos += 2;
                        let end = self.name()?;
                        if end != name || self.byte(0)? != b'>' {
                            return None;
                        }
                        self.pos += 1;
                        return Some(frame.finish());
                    }
                    b'!' => {
                        let text = self.cdata()?;
                        frame.has_cdata = true;
                        frame.push_text(Cow::Borrowed(text), false);
                    }
                    _ => {
                        self.pos += 1;
                        let (child, empty) = self.start_tag()?;
                        let node = if empty {
                            Node {
                                name: Cow::Borrowed(child),
                                value: NodeValue::Text(Cow::Borrowed("")),
                            }
                        } else if depth < FAST_MAX_DEPTH {
                            self.element(child, depth + 1)?
                        } else {
                            return None;
                        };
                        frame.push_child(node);
                    }
                },
            }
        }
    }

    /// The most common element, `<![CDATA[value]]></name>` or `value</name>` (plain text with
    /// no reference), read without a [`Frame`]: one piece gives the same node either way.
    /// Leaves the position alone and returns `None` for anything else.
    fn simple_leaf(&mut self, name: &'a str) -> Option<Node<'a>> {
        let rest = self.rest();
        let (start, len, skip) = if rest.starts_with(CDATA_OPEN) {
            let len = cdata_len(rest.get(CDATA_OPEN.len()..)?)?;
            (CDATA_OPEN.len(), len, CDATA_CLOSE.len())
        } else {
            let len = rest
                .iter()
                .position(|&b| matches!(b, b'<' | b'&' | b'\r'))?;
            (0, len, 0)
        };
        let after = rest.get(start + len + skip..)?;
        let after = after.strip_prefix(b"</")?.strip_prefix(name.as_bytes())?;
        if after.first() != Some(&b'>') {
            return None;
        }
        let value = self.input.get(self.pos + start..self.pos + start + len)?;
        self.pos += start + len + skip + 2 + name.len() + 1;
        Some(Node {
            name: Cow::Borrowed(name),
            value: NodeValue::Text(Cow::Borrowed(value)),
        })
    }

    /// At `<!`: a CDATA section's content (comments and DOCTYPE are left to quick-xml).
    fn cdata(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if !rest.starts_with(CDATA_OPEN) {
            return None;
        }
        let len = cdata_len(rest.get(CDATA_OPEN.len()..)?)?;
        self.pos += CDATA_OPEN.len();
        let text = self.take(len)?;
        self.pos += CDATA_CLOSE.len();
        Some(text)
    }

    /// At `&`: a predefined entity or a character reference, resolved exactly as the quick-xml
    /// path resolves it.
    fn reference(&mut self) -> Option<Cow<'a, str>> {
        let body = self.rest().get(1..)?;
        let len = body.iter().position(|&b| matches!(b, b';' | b'&' | b'<'))?;
        if body.get(len) != Some(&b';') {
            return None;
        }
        self.pos += 1;
        let content = self.take(len)?;
        self.pos += 1;
        match BytesRef::new(content).resolve_char_ref() {
            Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
            Ok(None) => resolve_predefined_entity(content).map(Cow::Borrowed),
            Err(_) => None,
        }
    }
}

/// The length of a CDATA section's content (`body` starts after `<![CDATA[`), or `None` when
/// it is unterminated or holds a carriage return (left to quick-xml's line-end normalization).
fn cdata_len(body: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from
            + body
                .get(from..)?
                .iter()
                .position(|&b| b == b']' || b == b'\r')?;
        if body.get(at..at + CDATA_CLOSE.len())? == CDATA_CLOSE {
            return Some(at);
        }
        if body.get(at) == Some(&b'\r') {
            return None;
        }
        from = at + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_quick_xml(input: &str) {
        let fast = parse(input).unwrap_or_else(|| panic!("fast path declined {input:?}"));
        let slow = super::super::xml::parse(input).unwrap();
        assert_eq!(fast, slow, "{input:?}");
    }

    #[test]
    fn reads_pushes_like_quick_xml() {
        for input in [
            "<xml><A><![CDATA[x]]></A><B>12</B></xml>",
            "\n <xml>\n  <A>\n  <![CDATA[ x ]]>\n</A><B> y </B>\n</xml>\n",
            "<xml><A>a &lt; b &amp;&#x41;&#66; &quot;&apos;&gt;</A></xml>",
            "<xml><A><![CDATA[x]]> &amp; <![CDATA[y]]></A></xml>",
            "<xml><I><S><![CDATA[a]]></S><T/></I>mixed<E></E></xml>",
            "<xml/>",
            "<xml>text only</xml>",
            "<xml><A><![CDATA[]]></A><A><![CDATA[<b>&amp;</b>]]></A></xml>",
            "<xml><1a>x</1a><-b/><.c></.c><d:e>]]&gt;></d:e><F>\t</F></xml>",
            "<xml><A>x<![CDATA[y]]>z</A><B><![CDATA[a]]]]><![CDATA[>b]]></B></xml>",
        ] {
            same_as_quick_xml(input);
        }
        let nodes = parse("<xml><A><![CDATA[x]]></A></xml>").unwrap();
        assert!(matches!(
            &nodes[0].value,
            NodeValue::Text(Cow::Borrowed("x"))
        ));
    }

    #[test]
    fn leaves_the_rest_to_quick_xml() {
        for input in [
            "",
            "<?xml version=\"1.0\"?><xml></xml>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><xml><A>&a;</A></xml>",
            "<xml><!-- c --><A>1</A></xml>",
            "<xml><A id=\"1\">1</A></xml>",
            "<xml><A>1\r\n</A></xml>",
            "<xml><A><![CDATA[1\r]]></A></xml>",
            "<xml><A>&bogus;</A></xml>",
            "<xml><A>&#0;</A></xml>",
            "<xml><A>a & b</A></xml>",
            "<xml><A>1</B></xml>",
            "<xml><A>1</A>",
            "<xml></xml>trailing",
            "<xml></xml><xml></xml>",
            "\u{feff}<xml></xml>",
            "<a><a><a><a><a><a><a><a><a></a></a></a></a></a></a></a></a></a>",
        ] {
            assert_eq!(parse(input), None, "{input:?}");
        }
    }
}
