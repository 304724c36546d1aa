//! A format-neutral field tree: XML and JSON push bodies are both read into [`Fields`], so one
//! extraction layer serves both formats.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use serde_json::Value;

use weixin_mp::message::{RawFields, RawValue};
use weixin_push::ParseError;

/// Deepest element nesting accepted: the rule both platforms share.
pub(crate) const MAX_DEPTH: usize = weixin_push::MAX_NESTING;

/// One value: text (numbers are kept as their exact text) or a nested object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(String),
    Map(Fields),
}

/// The fields of an object in document order; a name may repeat (XML `<List>` elements, JSON
/// arrays are flattened into repeated names).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fields(pub(crate) Vec<(String, Node)>);

impl Fields {
    /// The first value named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Node> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Every value named `name`.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The text of the first field named `name`, trimmed; `None` if absent or an object.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Node::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    /// The text of `name`, or an empty string.
    pub(crate) fn string(&self, name: &str) -> String {
        self.text(name).unwrap_or_default().to_owned()
    }

    /// The text of `name` when present and non-empty.
    pub(crate) fn opt_string(&self, name: &str) -> Option<String> {
        self.text(name).filter(|t| !t.is_empty()).map(str::to_owned)
    }

    /// `name` as an integer when it is one (as a number or a numeric string).
    pub(crate) fn int(&self, name: &str) -> Option<i64> {
        self.text(name).and_then(|t| t.trim().parse().ok())
    }

    /// The object named `name`, if any.
    pub(crate) fn map(&self, name: &str) -> Option<&Fields> {
        match self.get(name) {
            Some(Node::Map(m)) => Some(m),
            _ => None,
        }
    }

    /// Every object named `name` (a single object or repeated / array values).
    pub(crate) fn maps<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Fields> + 'a {
        self.all(name).filter_map(|n| match n {
            Node::Map(m) => Some(m),
            Node::Text(_) => None,
        })
    }

    /// The fields as the shared raw form of `Unknown` messages, without the ones named in
    /// `skip` (the routing fields the message keeps apart); nested objects stay nested and
    /// repeated names stay repeated, in order.
    pub(crate) fn raw_fields(&self, skip: &[&str]) -> RawFields {
        let mut raw = RawFields::new();
        for (name, node) in &self.0 {
            if !skip.contains(&name.as_str()) {
                raw.push(name.clone(), node.raw_value());
            }
        }
        raw
    }
}

impl Node {
    fn raw_value(&self) -> RawValue {
        match self {
            Self::Text(t) => RawValue::Text(t.clone()),
            Self::Map(m) => RawValue::Fields(m.raw_fields(&[])),
        }
    }
}

fn xml_err(reason: impl Into<String>) -> ParseError {
    ParseError::Malformed {
        format: "XML",
        reason: reason.into(),
    }
}

fn json_err(reason: impl Into<String>) -> ParseError {
    ParseError::Malformed {
        format: "JSON",
        reason: reason.into(),
    }
}

/// An element being read: its name, children and text pieces (`true` = CDATA, kept verbatim).
struct Open {
    name: String,
    fields: Fields,
    text: Vec<(bool, String)>,
}

impl Open {
    fn new(name: String) -> Self {
        Self {
            name,
            fields: Fields::default(),
            text: Vec::new(),
        }
    }

    /// The text with the whitespace around it (outside CDATA) removed.
    fn text(&self) -> String {
        let last = self.text.len().saturating_sub(1);
        let mut out = String::new();
        for (i, (cdata, piece)) in self.text.iter().enumerate() {
            let mut piece = piece.as_str();
            if !cdata {
                if i == 0 {
                    piece = piece.trim_start();
                }
                if i == last {
                    piece = piece.trim_end();
                }
            }
            out.push_str(piece);
        }
        out
    }

    fn push(&mut self, cdata: bool, text: &str) {
        match self.text.last_mut() {
            Some((false, last)) if !cdata => last.push_str(text),
            _ => self.text.push((cdata, text.to_owned())),
        }
    }

    fn into_node(self) -> (String, Node) {
        let node = if self.fields.0.is_empty() {
            Node::Text(self.text())
        } else {
            Node::Map(self.fields)
        };
        (self.name, node)
    }
}

/// Reads an XML push (`<xml>…</xml>`) into the root element's fields.
///
/// Rejects DTDs (`<!DOCTYPE`), nesting deeper than [`MAX_DEPTH`], several roots, text outside
/// the root, unknown entities and truncated documents.
pub(crate) fn parse_xml(body: &str) -> Result<Fields, ParseError> {
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Fields> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_err(format!("{e} (at byte {})", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(xml_err("more than one root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_err(format!("nested deeper than {MAX_DEPTH} elements")));
                }
                let name = start.name().as_ref().to_owned();
                stack.push(Open::new(name));
            }
            Event::Empty(empty) => {
                let name = empty.name().as_ref().to_owned();
                match stack.last_mut() {
                    Some(parent) => parent.fields.0.push((name, Node::Text(String::new()))),
                    None if root.is_some() => return Err(xml_err("more than one root element")),
                    None => root = Some(Fields::default()),
                }
            }
            Event::End(_) => {
                let open = stack
                    .pop()
                    .ok_or_else(|| xml_err("unmatched closing tag"))?;
                match stack.last_mut() {
                    Some(parent) => {
                        let (name, node) = open.into_node();
                        parent.fields.0.push((name, node));
                    }
                    None => root = Some(open.fields),
                }
            }
            Event::Text(text) => match stack.last_mut() {
                Some(open) => open.push(false, &text),
                None if text.trim().is_empty() => {}
                None => return Err(xml_err("text outside the root element")),
            },
            Event::CData(cdata) => match stack.last_mut() {
                Some(open) => open.push(true, &cdata.into_inner()),
                None => return Err(xml_err("CDATA outside the root element")),
            },
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => resolve_predefined_entity(&reference)
                        .ok_or_else(|| xml_err(format!("unknown entity &{};", &*reference)))?
                        .to_owned(),
                    Err(e) => return Err(xml_err(format!("bad character reference: {e}"))),
                };
                match stack.last_mut() {
                    Some(open) => open.push(false, &resolved),
                    None => return Err(xml_err("entity reference outside the root element")),
                }
            }
            Event::DocType(_) => return Err(xml_err("DTDs (<!DOCTYPE>) are not accepted")),
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(xml_err("unexpected end of input: an element is not closed"));
                }
                return root.ok_or_else(|| xml_err("no root element"));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
}

/// Reads a JSON push (an object) into fields. Numbers keep their exact text (a 64-bit `MsgId`
/// never goes through `f64`); arrays become repeated fields; `null` is skipped.
pub(crate) fn parse_json(body: &str) -> Result<Fields, ParseError> {
    let value: Value = serde_json::from_str(body).map_err(|e| json_err(e.to_string()))?;
    match value {
        Value::Object(map) => object_fields(map, 1),
        other => Err(json_err(format!(
            "expected an object, found {}",
            kind_name(&other)
        ))),
    }
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object_fields(map: serde_json::Map<String, Value>, depth: usize) -> Result<Fields, ParseError> {
    if depth > MAX_DEPTH {
        return Err(json_err(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    let mut fields = Fields::default();
    for (name, value) in map {
        push_value(&mut fields, name, value, depth)?;
    }
    Ok(fields)
}

fn push_value(
    fields: &mut Fields,
    name: String,
    value: Value,
    depth: usize,
) -> Result<(), ParseError> {
    let node = match value {
        Value::Null => return Ok(()),
        Value::Bool(b) => Node::Text(b.to_string()),
        Value::Number(n) => Node::Text(n.to_string()),
        Value::String(s) => Node::Text(s),
        Value::Object(map) => Node::Map(object_fields(map, depth + 1)?),
        Value::Array(items) => {
            if depth + 1 > MAX_DEPTH {
                return Err(json_err(format!("nested deeper than {MAX_DEPTH} levels")));
            }
            for item in items {
                if matches!(item, Value::Array(_)) {
                    return Err(json_err(format!("`{name}` holds nested arrays")));
                }
                push_value(fields, name.clone(), item, depth + 1)?;
            }
            return Ok(());
        }
    };
    fields.0.push((name, node));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_repeated_and_nested() {
        let f = parse_xml("<xml><A>1</A><W><List><X>a</X></List><List><X>b</X></List></W></xml>")
            .unwrap();
        assert_eq!(f.text("A"), Some("1"));
        let xs: Vec<_> = f
            .map("W")
            .unwrap()
            .maps("List")
            .map(|m| m.string("X"))
            .collect();
        assert_eq!(xs, ["a", "b"]);
    }

    #[test]
    fn xml_rejects_bad_input() {
        for bad in [
            "",
            "<xml><A>1</A>",
            "<xml></xml><xml></xml>",
            "<!DOCTYPE x [<!ENTITY e 'x'>]><xml><A>&e;</A></xml>",
            "<xml><A>&nope;</A></xml>",
            "junk<xml></xml>",
        ] {
            assert!(parse_xml(bad).is_err(), "{bad}");
        }
        // The shared limit, the root counting as 1: MAX_DEPTH levels parse, one more does not.
        let nested = |levels: usize| {
            let inner = levels - 1;
            format!("<xml>{}{}</xml>", "<a>".repeat(inner), "</a>".repeat(inner))
        };
        assert!(parse_xml(&nested(MAX_DEPTH)).is_ok());
        let err = parse_xml(&nested(MAX_DEPTH + 1)).unwrap_err().to_string();
        assert!(err.contains("deeper"), "{err}");
    }

    #[test]
    fn json_numbers_are_exact_and_arrays_flatten() {
        let f = parse_json(r#"{"MsgId": 9223372036854775807, "L": [{"a":1},{"a":2}], "n": null}"#)
            .unwrap();
        assert_eq!(f.text("MsgId"), Some("9223372036854775807"));
        assert_eq!(f.maps("L").count(), 2);
        assert!(f.get("n").is_none());
        // An object holding `levels - 1` nested objects: `levels` levels, the root counting as 1.
        let nested = |levels: usize| format!("{}1{}", "{\"a\":".repeat(levels), "}".repeat(levels));
        assert!(parse_json(&nested(MAX_DEPTH)).is_ok());
        assert!(parse_json(&nested(MAX_DEPTH + 1)).is_err());
        assert!(parse_json("[1]").is_err());
        assert!(parse_json("{\"a\":").is_err());
    }

    #[test]
    fn raw_fields_keep_repeats_nesting_and_order() {
        let f = parse_xml("<xml><L>1</L><S>x</S><L>2</L><L>3</L><M><k>v</k></M></xml>").unwrap();
        let raw = f.raw_fields(&["S"]);
        let repeated: Vec<_> = raw.get_all("L").collect();
        assert_eq!(
            repeated,
            [
                &RawValue::Text("1".into()),
                &RawValue::Text("2".into()),
                &RawValue::Text("3".into())
            ]
        );
        assert_eq!(raw.get("S"), None, "skipped");
        let Some(RawValue::Fields(m)) = raw.value("M") else {
            panic!("nested")
        };
        assert_eq!(m.get("k"), Some("v"));
    }
}
