//! Reads a push XML body into the element tree with quick-xml's event reader.
//!
//! Accepted: one root element (WeChat's is `<xml>`) holding elements with text, CDATA or
//! children, in any order; an XML declaration, comments and processing instructions.
//! Rejected: any `<!DOCTYPE` (so no entity declarations and no XML bombs), entity references
//! other than the five predefined ones and character references, nesting deeper than
//! [`MAX_DEPTH`], text outside the root, a missing or truncated root.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

use super::tree::{MAX_DEPTH, Node, NodeValue};
use weixin_push::ParseError;

fn malformed(reason: impl Into<String>) -> ParseError {
    ParseError::Malformed {
        format: "XML",
        reason: reason.into(),
    }
}

/// An element being read (shared with the fast scanner in `fast_xml`, so both build the
/// same tree from the same pieces).
pub(super) struct Frame<'a> {
    name: Cow<'a, str>,
    children: Vec<Node<'a>>,
    /// Every text piece, in order.
    all_text: Cow<'a, str>,
    /// Text pieces without the whitespace-only ones (used when the element has CDATA).
    trimmed_text: Cow<'a, str>,
    pub(super) has_cdata: bool,
}

impl<'a> Frame<'a> {
    pub(super) fn new(name: Cow<'a, str>) -> Self {
        Self {
            name,
            children: Vec::new(),
            all_text: Cow::Borrowed(""),
            trimmed_text: Cow::Borrowed(""),
            has_cdata: false,
        }
    }

    pub(super) fn push_text(&mut self, piece: Cow<'a, str>, whitespace_only: bool) {
        if !self.children.is_empty() {
            // Mixed content: text between child elements is ignored.
            return;
        }
        if !whitespace_only {
            append(&mut self.trimmed_text, piece.clone());
        }
        append(&mut self.all_text, piece);
    }

    pub(super) fn push_child(&mut self, node: Node<'a>) {
        if self.children.is_empty() {
            self.all_text = Cow::Borrowed("");
            self.trimmed_text = Cow::Borrowed("");
            // A push has 5 to 10 fields: one allocation instead of growing 4 -> 8 -> 16.
            self.children.reserve(8);
        }
        self.children.push(node);
    }

    pub(super) fn finish(self) -> Node<'a> {
        let value = if !self.children.is_empty() {
            NodeValue::Children(self.children)
        } else if self.has_cdata {
            NodeValue::Text(self.trimmed_text)
        } else {
            NodeValue::Text(self.all_text)
        };
        Node {
            name: self.name,
            value,
        }
    }
}

/// Appends without allocating when `acc` is still empty.
fn append<'a>(acc: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if piece.is_empty() {
        return;
    }
    if acc.is_empty() {
        *acc = piece;
    } else {
        acc.to_mut().push_str(&piece);
    }
}

/// Re-borrows `name` (which quick-xml hands out tied to the event) from the input, so element
/// names need no allocation. Falls back to a copy if it is not a slice of the input.
fn from_input<'a>(input: &'a str, name: &str) -> Cow<'a, str> {
    let start = (name.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    match input.get(start..start.wrapping_add(name.len())) {
        Some(slice) if slice.as_ptr() == name.as_ptr() => Cow::Borrowed(slice),
        _ => Cow::Owned(name.to_owned()),
    }
}

pub(super) fn is_xml_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Parses `input` and returns the root element's children.
pub(crate) fn parse(input: &str) -> Result<Vec<Node<'_>>, ParseError> {
    let mut reader = Reader::from_str(input);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.trim_text(false);

    let mut stack: Vec<Frame<'_>> = Vec::with_capacity(4);
    let mut root: Option<Node<'_>> = None;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(format!("{e} at byte {}", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(malformed("content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(format!(
                        "elements nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                let name = from_input(input, start.name().0);
                stack.push(Frame::new(name));
            }
            Event::Empty(start) => {
                if root.is_some() {
                    return Err(malformed("content after the root element"));
                }
                let node = Node {
                    name: from_input(input, start.name().0),
                    value: NodeValue::Text(Cow::Borrowed("")),
                };
                match stack.last_mut() {
                    Some(parent) => parent.push_child(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let frame = stack
                    .pop()
                    .ok_or_else(|| malformed("closing tag without an opening tag"))?;
                let node = frame.finish();
                match stack.last_mut() {
                    Some(parent) => parent.push_child(node),
                    None => root = Some(node),
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                let whitespace_only = is_xml_whitespace(&content);
                match stack.last_mut() {
                    Some(frame) => frame.push_text(content, whitespace_only),
                    None if whitespace_only => {}
                    None => return Err(malformed("text outside the root element")),
                }
            }
            Event::CData(cdata) => {
                let frame = stack
                    .last_mut()
                    .ok_or_else(|| malformed("CDATA outside the root element"))?;
                frame.has_cdata = true;
                frame.push_text(cdata.xml10_content(), false);
            }
            Event::GeneralRef(reference) => {
                let frame = stack
                    .last_mut()
                    .ok_or_else(|| malformed("entity reference outside the root element"))?;
                let resolved: Cow<'_, str> = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Cow::Owned(c.to_string()),
                    Ok(None) => match resolve_predefined_entity(&reference) {
                        Some(s) => Cow::Borrowed(s),
                        None => return Err(malformed("undefined entity reference")),
                    },
                    Err(_) => return Err(malformed("invalid character reference")),
                };
                frame.push_text(resolved, false);
            }
            Event::DocType(_) => {
                return Err(malformed("DOCTYPE declarations are not accepted"));
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(malformed("unexpected end of input (truncated body?)"));
                }
                return match root {
                    Some(Node {
                        value: NodeValue::Children(children),
                        ..
                    }) => Ok(children),
                    Some(_) => Ok(Vec::new()),
                    None => Err(malformed("no root element")),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(nodes: &'a [Node<'_>], name: &str) -> Option<&'a str> {
        nodes
            .iter()
            .find(|n| n.name == name)
            .and_then(|n| match &n.value {
                NodeValue::Text(t) => Some(t.as_ref()),
                _ => None,
            })
    }

    #[test]
    fn names_and_cdata_are_borrowed() {
        let input = "<xml><A><![CDATA[x]]></A><B>12</B></xml>";
        let nodes = parse(input).unwrap();
        assert!(matches!(nodes[0].name, Cow::Borrowed("A")));
        assert!(matches!(
            &nodes[0].value,
            NodeValue::Text(Cow::Borrowed("x"))
        ));
        assert_eq!(text(&nodes, "B"), Some("12"));
    }

    #[test]
    fn whitespace_around_cdata_is_dropped_but_kept_in_plain_text() {
        let nodes = parse("<xml><A>\n  <![CDATA[ x ]]>\n</A><B> y </B></xml>").unwrap();
        assert_eq!(text(&nodes, "A"), Some(" x "));
        assert_eq!(text(&nodes, "B"), Some(" y "));
    }

    #[test]
    fn entities_are_resolved() {
        let nodes = parse("<xml><A>a &lt; b &amp;&#x41;&#66;</A></xml>").unwrap();
        assert_eq!(text(&nodes, "A"), Some("a < b &AB"));
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "   ",
            "garbage",
            "<xml><A>1</A>",
            "<xml><A>1</B></xml>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><xml><A>&a;</A></xml>",
            "<xml><A>&bogus;</A></xml>",
            "<xml></xml><xml></xml>",
            "<xml></xml>trailing",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn depth_is_capped() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep).is_err());
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
