//! The stored form of a context: JSON, LZ4-compressed when that makes it smaller.
//!
//! * Small contexts are plain JSON (the value starts with `{`), readable with `redis-cli`.
//! * From [`COMPRESS_FROM`] bytes of JSON on, the value is `0x01`, the JSON length as a
//!   little-endian `u32`, then the LZ4 block, whenever that is shorter. Records of one user
//!   repeat the same field names and ids, so this typically saves 70–80 %.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON shorter than this is stored as is.
pub(crate) const COMPRESS_FROM: usize = 256;
/// Tag of the compressed form.
const LZ4_TAG: u8 = 0x01;
/// Largest decompressed size accepted, so a damaged length cannot trigger a huge allocation.
const MAX_DECOMPRESSED: usize = 16 * 1024 * 1024;

/// Why a stored value could not be decoded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DecodeError {
    #[error("empty value")]
    Empty,
    #[error("unknown format tag {0:#04x}")]
    UnknownTag(u8),
    #[error("compressed value claims {0} bytes, above the {MAX_DECOMPRESSED} byte limit")]
    TooLarge(usize),
    #[error("truncated compressed value")]
    Truncated,
    #[error("corrupt LZ4 block: {0}")]
    Lz4(#[from] lz4_flex::block::DecompressError),
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Serializes `value` into its stored form.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let json = serde_json::to_vec(value)?;
    if json.len() < COMPRESS_FROM {
        return Ok(json);
    }
    let Ok(len) = u32::try_from(json.len()) else {
        return Ok(json);
    };
    let block = lz4_flex::block::compress(&json);
    if block.len() + 5 >= json.len() {
        return Ok(json);
    }
    let mut out = Vec::with_capacity(block.len() + 5);
    out.push(LZ4_TAG);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&block);
    Ok(out)
}

/// Parses a stored form written by [`encode`].
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match bytes.first() {
        None => Err(DecodeError::Empty),
        Some(b'{') => Ok(serde_json::from_slice(bytes)?),
        Some(&LZ4_TAG) => {
            let (len, block) = bytes[1..]
                .split_at_checked(4)
                .ok_or(DecodeError::Truncated)?;
            let mut le = [0u8; 4];
            le.copy_from_slice(len);
            let len = usize::try_from(u32::from_le_bytes(le)).unwrap_or(usize::MAX);
            if len > MAX_DECOMPRESSED {
                return Err(DecodeError::TooLarge(len));
            }
            let json = lz4_flex::block::decompress(block, len)?;
            if json.len() != len {
                return Err(DecodeError::Truncated);
            }
            Ok(serde_json::from_slice(&json)?)
        }
        Some(&tag) => Err(DecodeError::UnknownTag(tag)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_stay_plain_json() {
        let bytes = encode(&serde_json::json!({"a": 1})).unwrap();
        assert_eq!(bytes, br#"{"a":1}"#);
        assert_eq!(decode::<serde_json::Value>(&bytes).unwrap()["a"], 1);
    }

    #[test]
    fn repetitive_values_are_compressed_and_round_trip() {
        let value: Vec<_> = (0..20)
            .map(|i| serde_json::json!({"FromUserName": "olPjZjsXuQPJoV0HlruZkNzKc91E", "N": i}))
            .collect();
        let value = serde_json::json!({ "q": value });
        let plain = serde_json::to_vec(&value).unwrap();
        let bytes = encode(&value).unwrap();
        assert_eq!(bytes[0], LZ4_TAG);
        assert!(
            bytes.len() * 3 < plain.len(),
            "{} vs {}",
            bytes.len(),
            plain.len()
        );
        assert_eq!(decode::<serde_json::Value>(&bytes).unwrap(), value);
    }

    #[test]
    fn incompressible_values_stay_plain() {
        let noise: String = (0..400u32)
            .map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap_or('x'))
            .collect();
        let bytes = encode(&serde_json::json!({ "t": noise })).unwrap();
        assert_eq!(bytes[0], b'{');
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        type V = serde_json::Value;
        assert!(matches!(decode::<V>(b""), Err(DecodeError::Empty)));
        assert!(matches!(
            decode::<V>(b"\x07"),
            Err(DecodeError::UnknownTag(7))
        ));
        assert!(matches!(
            decode::<V>(b"\x01\x05"),
            Err(DecodeError::Truncated)
        ));
        assert!(matches!(
            decode::<V>(b"\x01\xff\xff\xff\xff"),
            Err(DecodeError::TooLarge(_))
        ));
        assert!(decode::<V>(b"\x01\x10\x00\x00\x00\xff\xff").is_err());
        let good = encode(&serde_json::json!({ "k": "v".repeat(300) })).unwrap();
        for cut in 1..good.len() {
            assert!(decode::<V>(&good[..cut]).is_err(), "cut at {cut}");
        }
    }
}
