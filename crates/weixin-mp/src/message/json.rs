//! Reads a push JSON body into the element tree (same shape as the XML one).
//!
//! Strings and numbers become text: integers keep their exact digits (serde_json reads them as
//! `u64`/`i64`, never through `f64`); integers too large for 64 bits and fractions arrive as
//! `f64` and are kept in Rust's shortest `f64` form, so a 64-bit field holding one is rejected
//! as invalid. `true`/`false` become text, `null` fields are left out, arrays become repeated
//! nodes with the field's name. Nesting deeper than [`MAX_DEPTH`] is rejected.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::tree::{MAX_DEPTH, Node, NodeValue};
use weixin_push::ParseError;

/// Parses `input` (a JSON object) into its fields.
pub(crate) fn parse(input: &str) -> Result<Vec<Node<'_>>, ParseError> {
    let mut de = serde_json::Deserializer::from_str(input);
    let nodes = ObjectSeed { depth: 1 }
        .deserialize(&mut de)
        .and_then(|nodes| de.end().map(|()| nodes))
        .map_err(|e| ParseError::Malformed {
            format: "JSON",
            reason: e.to_string(),
        })?;
    Ok(nodes)
}

/// A JSON object at `depth`, read into nodes.
struct ObjectSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Vec<Node<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Vec<Node<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom(format_args!(
                "objects nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let mut nodes = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Key(name)) = map.next_key()? {
            let value = map.next_value_seed(ValueSeed {
                depth: self.depth + 1,
            })?;
            match value {
                Value::Null => {}
                Value::One(value) => nodes.push(Node { name, value }),
                Value::Many(values) => {
                    nodes.extend(values.into_iter().map(|value| Node {
                        name: name.clone(),
                        value,
                    }));
                }
            }
        }
        Ok(nodes)
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// What one JSON value became.
enum Value<'de> {
    Null,
    One(NodeValue<'de>),
    /// An array: one node per element.
    Many(Vec<NodeValue<'de>>),
}

struct ValueSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn text<'de>(s: impl Into<Cow<'de, str>>) -> Value<'de> {
    Value::One(NodeValue::Text(s.into()))
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(text(if v { "true" } else { "false" }))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(text(v.to_string()))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(text(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(text(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let children = ObjectSeed { depth: self.depth }.visit_map(map)?;
        Ok(Value::One(NodeValue::Children(children)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom(format_args!(
                "arrays nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(ValueSeed {
            depth: self.depth + 1,
        })? {
            match value {
                Value::Null => {}
                Value::One(v) => values.push(v),
                // An array inside an array: flattened into the same repeated field.
                Value::Many(vs) => values.extend(vs),
            }
        }
        Ok(Value::Many(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_numbers_and_arrays() {
        let nodes = parse(
            r#"{"A":"x","N":6000000000000000000,"M":-3,"L":[{"T":"1"},{"T":"2"}],"Z":null,"B":true}"#,
        )
        .unwrap();
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_ref()).collect();
        assert_eq!(names, ["A", "N", "M", "L", "L", "B"]);
        assert_eq!(
            nodes[1].value,
            NodeValue::Text("6000000000000000000".into())
        );
        assert_eq!(nodes[2].value, NodeValue::Text("-3".into()));
        assert!(matches!(nodes[0].name, Cow::Borrowed(_)));
    }

    #[test]
    fn rejects_bad_input() {
        let deep = format!("{}1{}", "{\"a\":".repeat(40), "}".repeat(40));
        let deep_array = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        for bad in [
            "",
            "[]",
            "1",
            "{",
            "{\"a\":1} x",
            "{\"a\" 1}",
            &deep,
            &deep_array,
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
