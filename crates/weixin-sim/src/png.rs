//! A hand-made PNG encoder (8-bit grayscale, zlib "stored" blocks): enough for the mini-program
//! code endpoints to answer with a real, valid image without an image dependency.

/// The 8-byte PNG signature.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Encodes a `width` × `height` 8-bit grayscale image; `pixel(x, y)` gives each value.
pub fn grayscale_png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> u8) -> Vec<u8> {
    // Raw scanlines: a filter byte (0 = none) then the pixels.
    let row = width as usize + 1;
    let mut raw = Vec::with_capacity(row * height as usize);
    for y in 0..height {
        raw.push(0);
        raw.extend((0..width).map(|x| pixel(x, y)));
    }
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 0 (grayscale), compression 0, filter 0, no interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);

    let mut out = PNG_SIGNATURE.to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(out.get(start..).unwrap_or_default());
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of uncompressed ("stored") deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    // CMF 0x78 (deflate, 32K window), FLG 0x01 (no dict, fastest; 0x7801 % 31 == 0).
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(0xFFFF).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as PNG uses it.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// A QR-looking picture for `content`: three finder squares and a pattern derived from the
/// content, `size` pixels square.
pub fn code_image(content: &str, size: u32) -> Vec<u8> {
    const MODULES: u32 = 25;
    let hash = content.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    });
    let module = (size / (MODULES + 2)).max(1);
    let margin = (size.saturating_sub(module * MODULES)) / 2;
    grayscale_png(size, size, |x, y| {
        if x < margin || y < margin {
            return 255;
        }
        let (mx, my) = ((x - margin) / module, (y - margin) / module);
        if mx >= MODULES || my >= MODULES {
            return 255;
        }
        let finder = |ox: u32, oy: u32| {
            let (dx, dy) = (mx.wrapping_sub(ox), my.wrapping_sub(oy));
            (dx < 7 && dy < 7).then(|| {
                let ring = dx.min(dy).min(6 - dx).min(6 - dy);
                ring != 1
            })
        };
        let dark = finder(0, 0)
            .or_else(|| finder(MODULES - 7, 0))
            .or_else(|| finder(0, MODULES - 7))
            .unwrap_or_else(|| {
                let bit = (mx * 31 + my * 17) % 64;
                (hash.rotate_left(mx + my) >> bit) & 1 == 1
            });
        if dark { 0 } else { 255 }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_checksums() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn png_layout() {
        let png = grayscale_png(2, 2, |x, y| (x + y) as u8);
        assert_eq!(&png[..8], &PNG_SIGNATURE);
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
}
