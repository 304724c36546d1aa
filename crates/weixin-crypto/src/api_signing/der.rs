//! Just enough DER to take the PKCS#1 `RSAPublicKey` out of a `SubjectPublicKeyInfo`: ring
//! verifies with the former, certificates and `PUBLIC KEY` PEMs carry the latter.

/// `1.2.840.113549.1.1.1` (rsaEncryption).
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// The `RSAPublicKey` inside an RSA `SubjectPublicKeyInfo`, or `None` for anything else.
pub(crate) fn rsa_public_key(spki: &[u8]) -> Option<Vec<u8>> {
    let (body, rest) = element(spki, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (algorithm, rest) = element(body, 0x30)?;
    let (oid, _parameters) = element(algorithm, 0x06)?;
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (bits, rest) = element(rest, 0x03)?;
    if !rest.is_empty() {
        return None;
    }
    // A BIT STRING starts with its count of unused bits, 0 for a key.
    match bits.split_first()? {
        (0, key) if !key.is_empty() => Some(key.to_vec()),
        _ => None,
    }
}

/// One DER element with the tag `tag`: `(contents, what follows)`.
fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, input) = input.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, input) = input.split_first()?;
    let (len, input) = if first < 0x80 {
        (usize::from(first), input)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || input.len() < count {
            return None;
        }
        let (len_bytes, input) = input.split_at(count);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, input)
    };
    if input.len() < len {
        return None;
    }
    Some(input.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_rsa_spki() {
        assert_eq!(rsa_public_key(&[]), None);
        assert_eq!(rsa_public_key(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(rsa_public_key(&[0x30, 0x02, 0x30, 0x00]), None);
        // An EC key's algorithm (id-ecPublicKey).
        let ec = [
            0x30, 0x0f, 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x03,
            0x02, 0x00, 0x01,
        ];
        assert_eq!(rsa_public_key(&ec), None);
        let rsa = [
            0x30, 0x11, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x03, 0x02, 0x00, 0x30,
        ];
        assert_eq!(rsa_public_key(&rsa), Some(vec![0x30]));
    }
}
