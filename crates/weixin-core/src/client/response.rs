//! Turning HTTP responses into values or [`Error`]s: the errcode envelope, binary detection and
//! redacted body excerpts.

use bytes::Bytes;
use serde_json::Value;

use crate::errcode::ErrCode;
use crate::error::Error;

/// A downloaded file (media, mini-program code image).
#[derive(Debug, Clone)]
pub struct Download {
    /// The file content.
    pub bytes: Bytes,
    /// The `Content-Type` header, e.g. `image/jpeg`.
    pub content_type: Option<String>,
    /// The file name from `Content-Disposition`, when present.
    pub file_name: Option<String>,
}

/// The raw parts of a response the parser needs.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) disposition: Option<String>,
    pub(crate) body: Bytes,
}

/// Parses a JSON API response: `errcode != 0` is [`Error::Api`]; a missing errcode means success.
pub(crate) fn parse_json(endpoint: &str, raw: &RawResponse) -> Result<Value, Error> {
    let success = (200..300).contains(&raw.status);
    let value: Value = match serde_json::from_slice(&raw.body) {
        Ok(v) => v,
        Err(e) if success => {
            return Err(Error::Decode {
                endpoint: endpoint.to_owned(),
                message: redact(&e.to_string(), 200),
                excerpt: excerpt(&raw.body),
            });
        }
        Err(_) => {
            return Err(Error::Status {
                endpoint: endpoint.to_owned(),
                status: raw.status,
            });
        }
    };
    if let Some(err) = api_error(endpoint, &value) {
        return Err(err);
    }
    if !success {
        return Err(Error::Status {
            endpoint: endpoint.to_owned(),
            status: raw.status,
        });
    }
    Ok(value)
}

/// The [`Error::Api`] in a JSON body, if its errcode is present and non-zero.
pub(crate) fn api_error(endpoint: &str, value: &Value) -> Option<Error> {
    let code = value.get("errcode")?;
    let code = code
        .as_i64()
        .or_else(|| code.as_str().and_then(|s| s.trim().parse().ok()))?;
    if code == 0 {
        return None;
    }
    let message = value
        .get("errmsg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Some(Error::Api {
        code: ErrCode::from_code(code),
        message,
        endpoint: endpoint.to_owned(),
    })
}

/// Deserializes a successful JSON value into the caller's type.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    endpoint: &str,
    value: Value,
) -> Result<T, Error> {
    let summary = summarize(&value);
    serde_json::from_value(value).map_err(|e| Error::Decode {
        endpoint: endpoint.to_owned(),
        message: redact(&e.to_string(), 200),
        excerpt: summary,
    })
}

/// Interprets the response of a binary endpoint: bytes only when it really is a file.
pub(crate) fn parse_binary(endpoint: &str, raw: RawResponse) -> Result<Download, Error> {
    let ct = raw
        .content_type
        .as_deref()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let declared_text = ct.starts_with("application/json") || ct.starts_with("text/plain");
    let looks_json = raw
        .body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if declared_text || looks_json {
        match serde_json::from_slice::<Value>(&raw.body) {
            Ok(value) => {
                if let Some(err) = api_error(endpoint, &value) {
                    return Err(err);
                }
                if declared_text || value.get("errcode").is_some() {
                    return Err(Error::Decode {
                        endpoint: endpoint.to_owned(),
                        message: "expected a file, got JSON".to_owned(),
                        excerpt: summarize(&value),
                    });
                }
            }
            Err(_) if declared_text => {
                return Err(Error::Decode {
                    endpoint: endpoint.to_owned(),
                    message: format!("expected a file, got {ct}"),
                    excerpt: excerpt(&raw.body),
                });
            }
            Err(_) => {}
        }
    }
    if !(200..300).contains(&raw.status) {
        return Err(Error::Status {
            endpoint: endpoint.to_owned(),
            status: raw.status,
        });
    }
    Ok(Download {
        file_name: raw.disposition.as_deref().and_then(file_name),
        content_type: raw.content_type,
        bytes: raw.body,
    })
}

/// The `filename` of a `Content-Disposition` header.
fn file_name(disposition: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case("filename")).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// A short excerpt of a body that cannot carry a token: JSON bodies are reduced to their keys and
/// value types; text is cut and token-like words are masked.
pub(crate) fn excerpt(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return summarize(&value);
    }
    redact(&String::from_utf8_lossy(body), 120)
}

/// `{key: type, ...}` for an object, the type name otherwise.
fn summarize(value: &Value) -> String {
    fn ty(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
    match value {
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .take(12)
                .map(|(k, v)| format!("{}: {}", redact(k, 40), ty(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => ty(other).to_owned(),
    }
}

/// Cuts `text` to `max` characters and masks every run of 16 or more token-like characters
/// (letters, digits, `-_+/=.*`), which is what access tokens, tickets and secrets look like.
pub(crate) fn redact(text: &str, max: usize) -> String {
    fn tokenish(c: char) -> bool {
        c.is_ascii_alphanumeric() || "-_+/=.*".contains(c)
    }
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 16 {
            out.push_str("***");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if tokenish(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    flush(&mut run, &mut out);
    if out.chars().count() > max {
        let cut: String = out.chars().take(max).collect();
        format!("{cut}…")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, ct: Option<&str>, body: &'static [u8]) -> RawResponse {
        RawResponse {
            status,
            content_type: ct.map(str::to_owned),
            disposition: None,
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn missing_errcode_is_success_and_nonzero_is_api_error() {
        let ok = parse_json("/x", &raw(200, None, br#"{"a":1}"#)).unwrap();
        assert_eq!(ok["a"], 1);
        let err = parse_json(
            "/x",
            &raw(
                200,
                None,
                br#"{"errcode":40001,"errmsg":"invalid credential"}"#,
            ),
        )
        .unwrap_err();
        assert!(err.is_token_invalid());
        let ok = parse_json("/x", &raw(200, None, br#"{"errcode":0,"errmsg":"ok"}"#));
        assert!(ok.is_ok());
    }

    #[test]
    fn decode_errors_never_echo_a_token() {
        let token = "ACCESS_TOKEN_abcdefghijklmnopqrstuvwxyz0123456789";
        let body = format!(r#"{{"access_token":"{token}","expires_in":"x"}}"#);
        let value = parse_json(
            "/t",
            &raw(200, None, Box::leak(body.into_boxed_str()).as_bytes()),
        )
        .unwrap();
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            access_token: u64,
        }
        let err = decode::<T>("/t", value).unwrap_err().to_string();
        assert!(!err.contains(token), "{err}");
        assert!(err.contains("access_token"), "{err}");
        let err = parse_json(
            "/t",
            &raw(200, None, format!("<html>{token}</html>").leak().as_bytes()),
        )
        .unwrap_err()
        .to_string();
        assert!(!err.contains(token), "{err}");
    }

    #[test]
    fn binary_needs_a_real_file() {
        let err = parse_binary(
            "/w",
            raw(
                200,
                Some("image/jpeg"),
                br#"{"errcode":45009,"errmsg":"quota"}"#,
            ),
        )
        .unwrap_err();
        assert!(err.is_quota_exceeded());
        let err = parse_binary("/w", raw(200, Some("application/json"), br#"{"a":1}"#));
        assert!(matches!(err, Err(Error::Decode { .. })));
        let ok = parse_binary("/w", raw(200, Some("image/png"), b"\x89PNG\r\n")).unwrap();
        assert_eq!(&ok.bytes[..4], b"\x89PNG");
        assert_eq!(
            file_name(r#"attachment; filename="a.jpg""#).as_deref(),
            Some("a.jpg")
        );
    }

    #[test]
    fn redact_masks_long_words_only() {
        assert_eq!(redact("bad gateway", 100), "bad gateway");
        assert_eq!(redact("token=abcdefghijklmnopqrstu end", 100), "*** end");
    }
}
