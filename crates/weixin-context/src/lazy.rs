//! Values kept in their stored (JSON) form and decoded the first time they are read.
//!
//! Loading a context copies no record: each one stays a slice of the bytes read from the
//! cache, and saving writes that slice back unchanged. Only what a handler looks at is
//! decoded, and only what was added or changed since the load is encoded.

use std::fmt;
use std::sync::OnceLock;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One record: its stored JSON, its decoded form, or both. A record that does not decode
/// reads as `None` and is written back unchanged.
pub(crate) struct LazyRecord<T> {
    /// The JSON this record was loaded from; `None` for a record added since the load.
    raw: Option<Bytes>,
    /// The decoded record; `Some(None)` when `raw` did not decode.
    value: OnceLock<Option<T>>,
}

impl<T> LazyRecord<T> {
    /// A record known only by its stored JSON.
    pub(crate) fn encoded(raw: Bytes) -> Self {
        Self {
            raw: Some(raw),
            value: OnceLock::new(),
        }
    }

    /// A new record, encoded when saved.
    pub(crate) fn new(value: T) -> Self {
        Self {
            raw: None,
            value: OnceLock::from(Some(value)),
        }
    }
}

impl<T: DeserializeOwned> LazyRecord<T> {
    /// The record, decoded on first use; `None` when its JSON does not decode as `T`.
    pub(crate) fn get(&self) -> Option<&T> {
        self.value
            .get_or_init(|| decode(self.raw.as_deref().unwrap_or_default()))
            .as_ref()
    }
}

impl<T: Serialize> LazyRecord<T> {
    /// Appends the stored form: the bytes it was loaded from, else the JSON of the record.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write(
            self.raw.as_deref(),
            self.value.get().and_then(Option::as_ref),
            out,
        )
    }
}

/// The app's per-user value: its stored JSON, its decoded form, or both. A value that is
/// absent or does not decode reads as `S::default()`; the stored bytes are kept until the
/// value is changed.
pub(crate) struct LazyValue<S> {
    raw: Option<Bytes>,
    value: OnceLock<S>,
}

impl<S> LazyValue<S> {
    /// A value known only by its stored JSON.
    pub(crate) fn encoded(raw: Bytes) -> Self {
        Self {
            raw: Some(raw),
            value: OnceLock::new(),
        }
    }

    /// A new value, encoded when saved.
    pub(crate) fn new(value: S) -> Self {
        Self {
            raw: None,
            value: OnceLock::from(value),
        }
    }
}

impl<S: DeserializeOwned + Default> LazyValue<S> {
    /// The value, decoded on first use.
    pub(crate) fn get(&self) -> &S {
        self.value
            .get_or_init(|| decode(self.raw.as_deref().unwrap_or_default()).unwrap_or_default())
    }

    /// The value for changing it; from now on it is encoded again when saved.
    pub(crate) fn get_mut(&mut self) -> &mut S {
        self.get();
        self.raw = None;
        // `get` just filled the cell.
        self.value
            .get_mut()
            .unwrap_or_else(|| unreachable!("filled just above"))
    }
}

impl<S: Serialize> LazyValue<S> {
    /// Appends the stored form: the bytes it was loaded from, else the JSON of the value.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write(self.raw.as_deref(), self.value.get(), out)
    }
}

fn decode<T: DeserializeOwned>(raw: &[u8]) -> Option<T> {
    serde_json::from_slice(raw)
        .inspect_err(|error| {
            tracing::warn!(
                %error,
                "a stored context value does not decode (record types changed?); ignoring it"
            );
        })
        .ok()
}

fn write<T: Serialize>(
    raw: Option<&[u8]>,
    value: Option<&T>,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    match (raw, value) {
        (Some(raw), _) => {
            out.extend_from_slice(raw);
            Ok(())
        }
        (None, Some(value)) => serde_json::to_writer(out, value),
        // Not reachable by construction (what has no bytes was built decoded); JSON null
        // keeps the stored form well formed regardless.
        (None, None) => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

impl<T: Clone> Clone for LazyRecord<T> {
    fn clone(&self) -> Self {
        Self {
            raw: self.raw.clone(),
            value: self.value.clone(),
        }
    }
}

impl<S: Clone> Clone for LazyValue<S> {
    fn clone(&self) -> Self {
        Self {
            raw: self.raw.clone(),
            value: self.value.clone(),
        }
    }
}

/// Shows the decoded value when it was decoded already (`Debug` never decodes), else the
/// size of the stored form.
fn debug<T: fmt::Debug>(
    raw: Option<&Bytes>,
    value: Option<&T>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    match (value, raw) {
        (Some(value), _) => value.fmt(f),
        (None, Some(raw)) => write!(f, "<{} stored bytes>", raw.len()),
        (None, None) => f.write_str("<none>"),
    }
}

impl<T: fmt::Debug> fmt::Debug for LazyRecord<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug(
            self.raw.as_ref(),
            self.value.get().and_then(Option::as_ref),
            f,
        )
    }
}

impl<S: fmt::Debug> fmt::Debug for LazyValue<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug(self.raw.as_ref(), self.value.get(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unread_record_is_written_back_byte_for_byte() {
        let record: LazyRecord<serde_json::Value> =
            LazyRecord::encoded(Bytes::from_static(b"{ \"a\" : 1 }"));
        let mut out = Vec::new();
        record.write_to(&mut out).unwrap();
        assert_eq!(out, b"{ \"a\" : 1 }", "not re-encoded");
        assert_eq!(record.get().unwrap()["a"], 1);
    }

    #[test]
    fn an_undecodable_record_reads_as_none_and_is_kept() {
        let record: LazyRecord<u32> = LazyRecord::encoded(Bytes::from_static(b"\"text\""));
        assert_eq!(record.get(), None);
        let mut out = Vec::new();
        record.write_to(&mut out).unwrap();
        assert_eq!(out, b"\"text\"");
    }

    #[test]
    fn a_changed_value_is_encoded_again() {
        let mut value: LazyValue<serde_json::Value> =
            LazyValue::encoded(Bytes::from_static(b"{\"a\":1}"));
        value.get_mut()["a"] = 2.into();
        let mut out = Vec::new();
        value.write_to(&mut out).unwrap();
        assert_eq!(out, br#"{"a":2}"#);
    }

    #[test]
    fn an_undecodable_value_reads_as_the_default_and_is_kept_until_changed() {
        let mut value: LazyValue<Vec<u32>> = LazyValue::encoded(Bytes::from_static(b"{}"));
        assert!(value.get().is_empty());
        let mut out = Vec::new();
        value.write_to(&mut out).unwrap();
        assert_eq!(out, b"{}");
        value.get_mut().push(7);
        out.clear();
        value.write_to(&mut out).unwrap();
        assert_eq!(out, b"[7]");
    }
}
