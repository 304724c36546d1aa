//! The reply bytes stored in the dedup entry: a content-type tag and the body, so that a retry
//! gets exactly the first answer back.

use super::response::{APPLICATION_JSON, PushResponse, TEXT_PLAIN, TEXT_XML};

const TEXT: u8 = b'T';
const XML: u8 = b'X';
const JSON: u8 = b'J';

/// Encodes a 200 response for the dedup store.
pub(crate) fn encode(response: &PushResponse) -> Vec<u8> {
    let tag = match response.content_type() {
        TEXT_XML => XML,
        APPLICATION_JSON => JSON,
        _ => TEXT,
    };
    let body = response.body().as_bytes();
    let mut out = Vec::with_capacity(body.len() + 1);
    out.push(tag);
    out.extend_from_slice(body);
    out
}

/// Decodes a stored reply; anything unexpected (another version, corruption) answers `success`.
pub(crate) fn decode(stored: Vec<u8>) -> PushResponse {
    let Some((&tag, body)) = stored.split_first() else {
        return PushResponse::success();
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return PushResponse::success();
    };
    let content_type = match tag {
        XML => TEXT_XML,
        JSON => APPLICATION_JSON,
        TEXT => TEXT_PLAIN,
        _ => return PushResponse::success(),
    };
    PushResponse::new(http::StatusCode::OK, content_type, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        for r in [
            PushResponse::success(),
            PushResponse::text(""),
            PushResponse::new(http::StatusCode::OK, TEXT_XML, "<xml/>"),
            PushResponse::new(http::StatusCode::OK, APPLICATION_JSON, "{}"),
        ] {
            assert_eq!(decode(encode(&r)), r);
        }
        assert_eq!(decode(Vec::new()), PushResponse::success());
        assert_eq!(decode(vec![b'?', b'a']), PushResponse::success());
        assert_eq!(decode(vec![b'X', 0xff]), PushResponse::success());
    }
}
