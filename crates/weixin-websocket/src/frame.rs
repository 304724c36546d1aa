//! The JSON envelope every message travels in: `{"type": "...", "data": ...}`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One message in either direction: `{"type": "chat", "data": {...}}`.
///
/// `type` names the message; `data` is any JSON value (missing means `null`). Other fields are
/// ignored. Apps read `data` into their own types with [`Frame::data_as`].
///
/// Types the server handles itself (never passed to the handler): `auth` (the first frame
/// when the session id is not in the URL; ignored later), `ping` (answered with `pong`).
/// The server sends `ready` once a connection is authenticated.
///
/// ```
/// use weixin_websocket::Frame;
///
/// #[derive(serde::Deserialize)]
/// struct Chat { text: String }
///
/// let frame = Frame::parse(r#"{"type":"chat","data":{"text":"hi"}}"#).unwrap();
/// assert_eq!(frame.r#type, "chat");
/// assert_eq!(frame.data_as::<Chat>().unwrap().text, "hi");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// What the message is; never empty in a frame the server accepted.
    pub r#type: String,
    /// The payload (`null` when the client left it out).
    #[serde(default)]
    pub data: serde_json::Value,
}

/// Why a text message is not a [`Frame`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Not JSON, or JSON without a string `type`.
    #[error("not a {{\"type\",\"data\"}} JSON frame: {0}")]
    Invalid(#[from] serde_json::Error),
    /// `type` is the empty string.
    #[error("frame type is empty")]
    EmptyType,
}

impl Frame {
    /// A frame with this type and data.
    pub fn new(kind: impl Into<String>, data: serde_json::Value) -> Self {
        Self {
            r#type: kind.into(),
            data,
        }
    }

    /// A frame whose data is `data` serialized to JSON.
    pub fn with_data<T: Serialize + ?Sized>(
        kind: impl Into<String>,
        data: &T,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self::new(kind, serde_json::to_value(data)?))
    }

    /// Parses the text of one WebSocket message.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        let frame: Frame = serde_json::from_str(text)?;
        if frame.r#type.is_empty() {
            return Err(FrameError::EmptyType);
        }
        Ok(frame)
    }

    /// Reads `data` into the app's own type.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.data)
    }

    /// The JSON text sent on the wire.
    pub fn to_text(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_envelope_and_defaults_data_to_null() {
        let f = Frame::parse(r#"{"type":"x"}"#).unwrap();
        assert_eq!(f, Frame::new("x", serde_json::Value::Null));
        let f = Frame::parse(r#"{"type":"x","data":[1,2],"extra":true}"#).unwrap();
        assert_eq!(f.data, json!([1, 2]));
    }

    #[test]
    fn rejects_non_envelopes() {
        for bad in [
            "",
            "hello",
            "[]",
            "{}",
            r#"{"type":1}"#,
            r#"{"data":1}"#,
            r#"{"type":""}"#,
        ] {
            assert!(Frame::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn round_trips_through_text() {
        let f = Frame::with_data("echo", &json!({"a": "b"})).unwrap();
        assert_eq!(f.to_text().unwrap(), r#"{"type":"echo","data":{"a":"b"}}"#);
        assert_eq!(Frame::parse(&f.to_text().unwrap()).unwrap(), f);
    }
}
