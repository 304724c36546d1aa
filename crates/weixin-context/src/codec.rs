//! The stored form of a context: a small binary frame around the JSON of each record, LZ4
//! compressed when that makes it smaller.
//!
//! The frame (all integers little-endian):
//!
//! ```text
//! created_at_ms u64 | last_active_ms u64
//! storage:   len u32 | JSON
//! requests:  count u32 | (len u32 | JSON) * count
//! responses: count u32 | (len u32 | JSON) * count
//! ```
//!
//! The stored value is [`PLAIN_TAG`] and the frame, or, from [`COMPRESS_FROM`] bytes on and
//! whenever it is shorter, [`LZ4_TAG`], the frame's length as a `u32` and its LZ4 block.
//! Records of one user repeat the same field names and ids, so compression typically saves
//! 70–80 %.
//!
//! Every record keeps its own JSON, so loading a context decodes no record (each is a slice
//! of the loaded bytes, decoded when read) and saving copies the unchanged records' bytes
//! and encodes only the new ones.

use bytes::Bytes;
use serde::Serialize;

use crate::MessageContext;
use crate::lazy::LazyValue;
use crate::records::Records;

/// Frames shorter than this are stored as they are.
pub(crate) const COMPRESS_FROM: usize = 256;
/// Tag of the uncompressed form.
const PLAIN_TAG: u8 = 0x02;
/// Tag of the compressed form.
const LZ4_TAG: u8 = 0x03;
/// Largest frame accepted, so a damaged length cannot trigger a huge allocation.
const MAX_FRAME: usize = 16 * 1024 * 1024;

/// Why a stored value could not be decoded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DecodeError {
    #[error("empty value")]
    Empty,
    #[error("unknown format tag {0:#04x} (written by another version?)")]
    UnknownTag(u8),
    #[error("compressed value claims {0} bytes, above the {MAX_FRAME} byte limit")]
    TooLarge(usize),
    #[error("truncated value")]
    Truncated,
    #[error("{0} bytes after the end of the value")]
    Trailing(usize),
    #[error("corrupt LZ4 block: {0}")]
    Lz4(#[from] lz4_flex::block::DecompressError),
}

/// Writes `ctx` in its stored form.
pub(crate) fn encode<Req, Resp, S>(
    ctx: &MessageContext<Req, Resp, S>,
) -> Result<Vec<u8>, serde_json::Error>
where
    Req: Serialize,
    Resp: Serialize,
    S: Serialize,
{
    let (created, active, storage, requests, responses) = ctx.stored_parts();
    let mut frame = Vec::with_capacity(256);
    frame.extend_from_slice(&created.to_le_bytes());
    frame.extend_from_slice(&active.to_le_bytes());
    framed(&mut frame, |out| storage.write_to(out))?;
    write_records(&mut frame, requests)?;
    write_records(&mut frame, responses)?;
    Ok(seal(frame))
}

fn write_records<T: Serialize>(
    frame: &mut Vec<u8>,
    records: &Records<T>,
) -> Result<(), serde_json::Error> {
    put_u32(frame, records.len());
    for record in records.stored() {
        framed(frame, |out| record.write_to(out))?;
    }
    Ok(())
}

/// Appends a `u32` length and what `write` appends.
fn framed(
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), serde_json::Error>,
) -> Result<(), serde_json::Error> {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out)?;
    let len = out.len() - at - 4;
    out[at..at + 4].copy_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    Ok(())
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// Tags the frame, compressing it when that pays.
fn seal(frame: Vec<u8>) -> Vec<u8> {
    if frame.len() >= COMPRESS_FROM
        && let Ok(len) = u32::try_from(frame.len())
    {
        let mut out = vec![0; 5 + lz4_flex::block::get_maximum_output_size(frame.len())];
        if let Ok(written) = lz4_flex::block::compress_into(&frame, &mut out[5..])
            && written + 5 < frame.len() + 1
        {
            out[0] = LZ4_TAG;
            out[1..5].copy_from_slice(&len.to_le_bytes());
            out.truncate(5 + written);
            return out;
        }
    }
    let mut out = Vec::with_capacity(frame.len() + 1);
    out.push(PLAIN_TAG);
    out.extend_from_slice(&frame);
    out
}

/// Reads a stored form written by [`encode`]. Records and storage are not decoded here.
pub(crate) fn decode<Req, Resp, S>(
    stored: &Bytes,
) -> Result<MessageContext<Req, Resp, S>, DecodeError> {
    let frame = match stored.first() {
        None => return Err(DecodeError::Empty),
        Some(&PLAIN_TAG) => stored.slice(1..),
        Some(&LZ4_TAG) => {
            let (len, block) = stored[1..]
                .split_at_checked(4)
                .ok_or(DecodeError::Truncated)?;
            let len = usize::try_from(u32::from_le_bytes([len[0], len[1], len[2], len[3]]))
                .unwrap_or(usize::MAX);
            if len > MAX_FRAME {
                return Err(DecodeError::TooLarge(len));
            }
            let frame = lz4_flex::block::decompress(block, len)?;
            if frame.len() != len {
                return Err(DecodeError::Truncated);
            }
            Bytes::from(frame)
        }
        Some(&tag) => return Err(DecodeError::UnknownTag(tag)),
    };
    let mut reader = Reader { frame, at: 0 };
    let created = reader.u64()?;
    let active = reader.u64()?;
    let storage = LazyValue::encoded(reader.framed()?);
    let requests = reader.records()?;
    let responses = reader.records()?;
    let left = reader.frame.len() - reader.at;
    if left > 0 {
        return Err(DecodeError::Trailing(left));
    }
    Ok(MessageContext::from_stored(
        created, active, storage, requests, responses,
    ))
}

/// A cursor over a frame; every read is bounds-checked.
struct Reader {
    frame: Bytes,
    at: usize,
}

impl Reader {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let end = self.at.checked_add(n).ok_or(DecodeError::Truncated)?;
        let bytes = self.frame.get(self.at..end).ok_or(DecodeError::Truncated)?;
        self.at = end;
        Ok(bytes)
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut le = [0; 8];
        le.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(le))
    }

    fn u32(&mut self) -> Result<usize, DecodeError> {
        let mut le = [0; 4];
        le.copy_from_slice(self.take(4)?);
        Ok(usize::try_from(u32::from_le_bytes(le)).unwrap_or(usize::MAX))
    }

    fn framed(&mut self) -> Result<Bytes, DecodeError> {
        let len = self.u32()?;
        let start = self.at;
        self.take(len)?;
        Ok(self.frame.slice(start..start + len))
    }

    fn records<T>(&mut self) -> Result<Records<T>, DecodeError> {
        let count = self.u32()?;
        // Each record takes at least its 4-byte length: a count beyond that is damage.
        if count > (self.frame.len() - self.at) / 4 {
            return Err(DecodeError::Truncated);
        }
        let mut records = Records::with_capacity(count);
        for _ in 0..count {
            records.push_encoded(self.framed()?);
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Ctx = MessageContext<serde_json::Value, String>;

    fn round_trip(ctx: &Ctx) -> Ctx {
        let bytes = encode(ctx).unwrap();
        let mut back: Ctx = decode(&Bytes::from(bytes)).unwrap();
        back.attach(ctx.appid(), ctx.openid(), ctx.max_records());
        back
    }

    #[test]
    fn a_small_context_is_a_plain_frame_and_round_trips() {
        let mut ctx = Ctx::new("wx_app", "openid_1", 1_000, 5);
        ctx.push_request(serde_json::json!({"n": 1}));
        ctx.push_response("ok".into());
        ctx.storage_mut()["visits"] = 2.into();
        let bytes = encode(&ctx).unwrap();
        assert_eq!(bytes[0], PLAIN_TAG);
        assert!(
            !bytes.windows(6).any(|w| w == b"wx_app"),
            "ids are not stored in the value"
        );
        assert_eq!(round_trip(&ctx), ctx);
    }

    #[test]
    fn a_long_history_is_compressed_and_round_trips() {
        let mut ctx = Ctx::new("wx", "u", 5, 20);
        for i in 0..20 {
            ctx.push_request(
                serde_json::json!({"FromUserName": "olPjZjsXuQPJoV0HlruZkNzKc91E", "N": i}),
            );
            ctx.push_response(format!("reply {i}"));
        }
        let bytes = encode(&ctx).unwrap();
        assert_eq!(bytes[0], LZ4_TAG);
        let back = round_trip(&ctx);
        assert_eq!(back, ctx);
        assert_eq!(back.requests().last().unwrap()["N"], 19);
    }

    #[test]
    fn unchanged_records_are_written_back_as_they_were_read() {
        let mut ctx = Ctx::new("wx", "u", 5, 3);
        ctx.push_request(serde_json::json!({"a": 1}));
        let mut loaded = round_trip(&ctx);
        loaded.push_request(serde_json::json!({"b": 2}));
        let again = round_trip(&loaded);
        let seen: Vec<_> = again.requests().iter().cloned().collect();
        assert_eq!(
            seen,
            [serde_json::json!({"a": 1}), serde_json::json!({"b": 2})]
        );
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        type D = Result<Ctx, DecodeError>;
        let decode = |bytes: &[u8]| -> D { super::decode(&Bytes::copy_from_slice(bytes)) };
        assert!(matches!(decode(b""), Err(DecodeError::Empty)));
        assert!(matches!(decode(b"{}"), Err(DecodeError::UnknownTag(b'{'))));
        assert!(matches!(decode(b"\x03\x05"), Err(DecodeError::Truncated)));
        assert!(matches!(
            decode(b"\x03\xff\xff\xff\xff"),
            Err(DecodeError::TooLarge(_))
        ));
        let mut ctx = Ctx::new("wx", "u", 5, 20);
        for i in 0..20 {
            ctx.push_request(serde_json::json!({"k": "v".repeat(30), "i": i}));
        }
        for good in [
            encode(&ctx).unwrap(),
            encode(&Ctx::new("wx", "u", 5, 2)).unwrap(),
        ] {
            for cut in 1..good.len() {
                assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
            }
            let mut long = good.clone();
            long.push(0);
            if long[0] == PLAIN_TAG {
                assert!(matches!(decode(&long), Err(DecodeError::Trailing(1))));
            }
        }
        // A count far beyond what the frame can hold is refused before allocating.
        let mut frame = vec![PLAIN_TAG];
        frame.extend_from_slice(&[0; 16]);
        frame.extend_from_slice(&4u32.to_le_bytes());
        frame.extend_from_slice(b"null");
        frame.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode(&frame), Err(DecodeError::Truncated)));
    }
}
