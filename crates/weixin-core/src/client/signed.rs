//! The two steps a signed call adds to an attempt: sealing the request's fields into the body,
//! and verifying and opening the answer before its errcode is read.

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};
use weixin_crypto::api_signing::{ApiSigning, SealedRequest, SignedHeaders};

use super::call::{Body, Call};
use super::response::{self, RawResponse};
use crate::clock::{Clock, SystemClock};
use crate::error::Error;

/// Seals the call's fields (the JSON body's and the query's; the token stays outside) for `url`.
pub(super) fn seal(
    signing: &ApiSigning,
    call: &Call,
    endpoint: &str,
    url: &str,
) -> Result<SealedRequest, Error> {
    let mut fields = match &call.body {
        Body::Json(bytes) => {
            serde_json::from_slice::<Map<String, Value>>(bytes).map_err(|e| Error::Encode {
                endpoint: endpoint.to_owned(),
                message: format!("a signed call needs a JSON object body: {e}"),
            })?
        }
        _ => Map::new(),
    };
    for (k, v) in &call.query {
        fields.insert(k.clone(), Value::from(v.as_str()));
    }
    signing
        .seal_request(url, unix_now(), &fields)
        .map_err(|source| Error::Signing {
            endpoint: endpoint.to_owned(),
            request_sent: false,
            source,
        })
}

/// Verifies and opens the answer to a signed call, then reads its errcode. An unsigned answer
/// is only ever an error (WeChat refuses a request it cannot check, 40230–40240, in plain
/// JSON), never data.
pub(super) fn open(
    signing: &ApiSigning,
    endpoint: &str,
    url: &str,
    headers: &HeaderMap,
    raw: &RawResponse,
) -> Result<Value, Error> {
    let signed = SignedHeaders::from_lookup(|name| headers.get(name).and_then(|v| v.to_str().ok()));
    if !signed.is_signed() {
        if let Ok(value) = serde_json::from_slice::<Value>(&raw.body)
            && let Some(err) = response::api_error(endpoint, &value)
        {
            return Err(err);
        }
        if !(200..300).contains(&raw.status) {
            return Err(Error::Status {
                endpoint: endpoint.to_owned(),
                status: raw.status,
            });
        }
    }
    let fields = signing
        .open_response(url, &signed, &raw.body, unix_now())
        .map_err(|source| Error::Signing {
            endpoint: endpoint.to_owned(),
            request_sent: true,
            source,
        })?;
    let value = Value::Object(fields);
    match response::api_error(endpoint, &value) {
        Some(err) => Err(err),
        None => Ok(value),
    }
}

fn unix_now() -> i64 {
    i64::try_from(SystemClock.now_ms() / 1000).unwrap_or(i64::MAX)
}
