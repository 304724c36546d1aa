//! A per-thread buffer of OS randomness, refilled 4 KiB at a time.
//!
//! Every encrypted reply needs 16 random bytes for its prefix. Asking the OS for them each time
//! costs a `getrandom` system call per reply (about 5 % of an encrypted push); this buffer asks
//! for 4 KiB at once and hands the bytes out in order, so one call serves about 200 replies.
//! The bytes are still the OS generator's (nothing is stretched or derived), each byte is given
//! out once and zeroed when taken. A process that `fork`s without `exec` would share the
//! parent's unused bytes with the child; WeChat servers do not do that.

use std::cell::RefCell;

use crate::error::{CryptoError, Result};

/// Bytes fetched per system call.
const CHUNK: usize = 4096;

struct Pool {
    bytes: Box<[u8; CHUNK]>,
    /// Bytes already handed out (or not fetched yet when `CHUNK`).
    used: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool {
        bytes: Box::new([0; CHUNK]),
        used: CHUNK,
    });
}

/// Fills `out` with OS random bytes from this thread's buffer.
///
/// # Errors
/// [`CryptoError::Random`] if the OS random number generator fails (the buffer stays empty).
pub(crate) fn fill(out: &mut [u8]) -> Result<()> {
    POOL.with_borrow_mut(|pool| {
        let mut rest = out;
        while !rest.is_empty() {
            if pool.used >= CHUNK {
                getrandom::fill(&mut pool.bytes[..]).map_err(CryptoError::random)?;
                pool.used = 0;
            }
            let n = rest.len().min(CHUNK - pool.used);
            let (head, tail) = rest.split_at_mut(n);
            let taken = &mut pool.bytes[pool.used..pool.used + n];
            head.copy_from_slice(taken);
            taken.fill(0);
            pool.used += n;
            rest = tail;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_fresh_bytes_across_refills() {
        let mut seen = std::collections::HashSet::new();
        // 300 draws of 24 bytes cross at least one 4 KiB refill.
        for _ in 0..300 {
            let mut draw = [0u8; 24];
            fill(&mut draw).unwrap();
            assert!(seen.insert(draw), "a 24-byte draw repeated");
        }
        let mut big = vec![0u8; 3 * CHUNK + 5];
        fill(&mut big).unwrap();
        // All-zero stretches would mean consumed (zeroed) bytes were handed out again.
        assert!(big.chunks(64).all(|c| c.iter().any(|&b| b != 0)));
    }
}
