//! Raw fields of a push, kept for messages the SDK does not model ([`UnknownMessage`]).
//!
//! [`UnknownMessage`]: super::UnknownMessage

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::tree::{Node, NodeValue};

/// The fields of a push in wire order, as name → value. A name can repeat (XML lists such as
/// `<List>…</List><List>…</List>`, JSON arrays).
///
/// Stored in the message context as a JSON object (with repeated keys when a name repeats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFields(Vec<(String, RawValue)>);

/// The value of one raw field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// Text content (CDATA and plain text decoded; JSON numbers as their digits).
    Text(String),
    /// Nested elements (XML) or an object (JSON).
    Fields(RawFields),
}

impl RawFields {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a field.
    pub fn push(&mut self, name: impl Into<String>, value: RawValue) {
        self.0.push((name.into(), value));
    }

    /// The text of the first field called `name`, if it is text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find_map(|(n, v)| match v {
            RawValue::Text(t) if n == name => Some(t.as_str()),
            _ => None,
        })
    }

    /// The first field called `name`, whatever its value.
    pub fn value(&self, name: &str) -> Option<&RawValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Every field called `name`, in order.
    pub fn get_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s RawValue> + 's {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// All fields in wire order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Copies the fields of a parsed tree, skipping the ones already moved out.
    pub(crate) fn from_nodes(nodes: Vec<Node<'_>>) -> Self {
        Self(
            nodes
                .into_iter()
                .filter_map(|node| {
                    let value = match node.value {
                        NodeValue::Text(text) => RawValue::Text(text.into_owned()),
                        NodeValue::Children(children) => {
                            RawValue::Fields(RawFields::from_nodes(children))
                        }
                        NodeValue::Taken => return None,
                    };
                    Some((node.name.into_owned(), value))
                })
                .collect(),
        )
    }
}

impl RawValue {
    /// The text, when this value is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            RawValue::Text(t) => Some(t),
            RawValue::Fields(_) => None,
        }
    }

    /// The nested fields, when this value has them.
    pub fn as_fields(&self) -> Option<&RawFields> {
        match self {
            RawValue::Text(_) => None,
            RawValue::Fields(f) => Some(f),
        }
    }
}

impl Serialize for RawFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Serialize for RawValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RawValue::Text(t) => serializer.serialize_str(t),
            RawValue::Fields(f) => f.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for RawFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(RawVisitor)
            .and_then(|v| match v {
                RawValue::Fields(f) => Ok(f),
                RawValue::Text(_) => Err(de::Error::custom("expected a map of raw fields")),
            })
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a map of raw fields")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(RawValue::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(RawValue::Text(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(4).min(64));
        while let Some((name, value)) = map.next_entry::<String, RawValue>()? {
            fields.push((name, value));
        }
        Ok(RawValue::Fields(RawFields(fields)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_order_and_repeats() {
        let mut inner = RawFields::new();
        inner.push("T", RawValue::Text("1".into()));
        let mut fields = RawFields::new();
        fields.push("B", RawValue::Text("b".into()));
        fields.push("L", RawValue::Fields(inner.clone()));
        fields.push("L", RawValue::Fields(inner));
        fields.push("A", RawValue::Text("a".into()));
        let json = serde_json::to_string(&fields).unwrap();
        assert_eq!(json, r#"{"B":"b","L":{"T":"1"},"L":{"T":"1"},"A":"a"}"#);
        let back: RawFields = serde_json::from_str(&json).unwrap();
        assert_eq!(back, fields);
        assert_eq!(back.get_all("L").count(), 2);
        assert_eq!(back.get("A"), Some("a"));
        assert_eq!(back.get("L"), None);
    }
}
