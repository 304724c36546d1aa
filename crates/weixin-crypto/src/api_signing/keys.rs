//! The three kinds of key of server-API signing, each with its serial number (SN) as the admin
//! console shows it: the symmetric AES-256 key, the developer's RSA private key, and WeChat's
//! platform certificate. None prints key material in `Debug`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PSS_2048_8192_SHA256, RSA_PSS_SHA256, RsaKeyPair, UnparsedPublicKey};
use rustls_pki_types::pem::{PemObject, SectionKind};

use super::der;
use super::error::ApiSigningError;

/// The symmetric key of 「API安全」: 32 bytes, given as base64, with its SN.
///
/// ```
/// use weixin_crypto::api_signing::SymmetricKey;
/// let key = SymmetricKey::from_base64(
///     "fa05fe1e5bcc79b81ad5ad4b58acf787",
///     "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=",
/// )?;
/// assert_eq!(key.sn(), "fa05fe1e5bcc79b81ad5ad4b58acf787");
/// assert!(!format!("{key:?}").contains("otUpng"));
/// # Ok::<(), weixin_crypto::api_signing::ApiSigningError>(())
/// ```
pub struct SymmetricKey {
    sn: String,
    key: LessSafeKey,
}

impl SymmetricKey {
    /// The key from its base64 text (as the admin console shows it) and its SN.
    ///
    /// # Errors
    /// [`ApiSigningError::Key`] when the SN is empty, the text is not base64 or does not decode
    /// to 32 bytes.
    pub fn from_base64(sn: impl Into<String>, key: &str) -> Result<Self, ApiSigningError> {
        let fail = |detail: String| ApiSigningError::Key {
            what: "symmetric key",
            detail,
        };
        let sn = checked_sn(sn.into(), "symmetric key")?;
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|e| fail(format!("not base64 ({e})")))?;
        if bytes.len() != 32 {
            return Err(fail(format!(
                "decodes to {} bytes, an AES-256 key has 32: copy the whole key from API安全",
                bytes.len()
            )));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| fail("rejected by AES-256-GCM".to_owned()))?;
        Ok(Self {
            sn,
            key: LessSafeKey::new(unbound),
        })
    }

    /// The key's serial number.
    pub fn sn(&self) -> &str {
        &self.sn
    }

    /// AES-256-GCM with the given IV: `(ciphertext, tag)`.
    pub(crate) fn seal_with_iv(
        &self,
        iv: [u8; 12],
        aad: &[u8],
        plain: &[u8],
    ) -> (Vec<u8>, Vec<u8>) {
        let mut data = plain.to_vec();
        let tag = self
            .key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(iv), Aad::from(aad), &mut data)
            // ring fails only for inputs longer than GCM's limit (64 GiB).
            .map(|tag| tag.as_ref().to_vec())
            .unwrap_or_default();
        (data, tag)
    }

    /// Decrypts and authenticates `data` + `tag`.
    pub(crate) fn open(
        &self,
        iv: [u8; 12],
        aad: &[u8],
        data: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>, ApiSigningError> {
        let mut buf = Vec::with_capacity(data.len() + tag.len());
        buf.extend_from_slice(data);
        buf.extend_from_slice(tag);
        let plain = self
            .key
            .open_in_place(Nonce::assume_unique_for_key(iv), Aad::from(aad), &mut buf)
            .map_err(|_| ApiSigningError::Decrypt)?;
        Ok(plain.to_vec())
    }
}

impl fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SymmetricKey")
            .field("sn", &self.sn)
            .finish_non_exhaustive()
    }
}

/// An RSA private key (the developer's, or the platform's in a simulator) with its SN: signs
/// with RSASSA-PSS, SHA-256, salt length 32.
///
/// PEM as PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`), 2048 bits or more.
pub struct SigningKey {
    sn: String,
    key: RsaKeyPair,
}

impl SigningKey {
    /// Loads a PEM private key.
    ///
    /// # Errors
    /// [`ApiSigningError::Key`] when the SN is empty or the PEM holds no usable RSA key.
    pub fn from_pem(sn: impl Into<String>, pem: &[u8]) -> Result<Self, ApiSigningError> {
        let fail = |detail: String| ApiSigningError::Key {
            what: "RSA private key",
            detail,
        };
        let sn = checked_sn(sn.into(), "RSA private key")?;
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
            let (kind, der) = section.map_err(|e| fail(format!("unreadable PEM ({e})")))?;
            let key = match kind {
                SectionKind::PrivateKey => RsaKeyPair::from_pkcs8(&der),
                SectionKind::RsaPrivateKey => RsaKeyPair::from_der(&der),
                _ => continue,
            };
            let key = key.map_err(|e| fail(format!("not a usable RSA key ({e})")))?;
            return Ok(Self { sn, key });
        }
        Err(fail(
            "no `PRIVATE KEY` or `RSA PRIVATE KEY` section in the PEM".to_owned(),
        ))
    }

    /// The key's serial number.
    pub fn sn(&self) -> &str {
        &self.sn
    }

    /// The public half, e.g. for a simulator that checks this key's signatures.
    pub fn public_key(&self) -> PublicKey {
        use ring::signature::KeyPair as _;
        PublicKey {
            sn: self.sn.clone(),
            rsa: self.key.public_key().as_ref().to_vec(),
        }
    }

    /// RSASSA-PSS-SHA256 over `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, ApiSigningError> {
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PSS_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| ApiSigningError::Seal {
                detail: "RSA signing failed (random generator unavailable)".to_owned(),
            })?;
        Ok(signature)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("sn", &self.sn)
            .finish_non_exhaustive()
    }
}

/// An RSA public key with its SN: WeChat's platform certificate (as downloaded from API安全),
/// or, in a simulator, the developer's public key. Verifies RSASSA-PSS-SHA256 signatures.
///
/// ```
/// use weixin_crypto::api_signing::PublicKey;
/// let pem = b"-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
/// assert!(PublicKey::from_pem("79ba700ea147819f640941bceb38b1d1", pem).is_err());
/// ```
#[derive(Clone)]
pub struct PublicKey {
    sn: String,
    /// PKCS#1 `RSAPublicKey` DER.
    rsa: Vec<u8>,
}

impl PublicKey {
    /// Loads a PEM certificate (`BEGIN CERTIFICATE`, WeChat's platform certificate) or public
    /// key (`BEGIN PUBLIC KEY`). The SN is the one the console shows next to it (not the
    /// serial number inside the certificate).
    ///
    /// # Errors
    /// [`ApiSigningError::Key`] when the SN is empty or the PEM holds no RSA public key.
    pub fn from_pem(sn: impl Into<String>, pem: &[u8]) -> Result<Self, ApiSigningError> {
        let fail = |detail: String| ApiSigningError::Key {
            what: "platform certificate",
            detail,
        };
        let sn = checked_sn(sn.into(), "platform certificate")?;
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
            let (kind, bytes) = section.map_err(|e| fail(format!("unreadable PEM ({e})")))?;
            let spki = match kind {
                SectionKind::Certificate => {
                    let cert = rustls_pki_types::CertificateDer::from(bytes);
                    let cert = webpki::EndEntityCert::try_from(&cert)
                        .map_err(|e| fail(format!("not an X.509 certificate ({e})")))?;
                    cert.subject_public_key_info().as_ref().to_vec()
                }
                SectionKind::PublicKey => bytes,
                _ => continue,
            };
            let rsa = der::rsa_public_key(&spki).ok_or_else(|| {
                fail("the public key is not an RSA key (rsaEncryption)".to_owned())
            })?;
            return Ok(Self { sn, rsa });
        }
        Err(fail(
            "no `CERTIFICATE` or `PUBLIC KEY` section in the PEM".to_owned(),
        ))
    }

    /// The key's serial number.
    pub fn sn(&self) -> &str {
        &self.sn
    }

    /// Checks an RSASSA-PSS-SHA256 signature of `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), ApiSigningError> {
        UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, &self.rsa)
            .verify(message, signature)
            .map_err(|_| ApiSigningError::BadSignature)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("sn", &self.sn)
            .finish_non_exhaustive()
    }
}

fn checked_sn(sn: String, what: &'static str) -> Result<String, ApiSigningError> {
    let sn = sn.trim().to_owned();
    if sn.is_empty() {
        return Err(ApiSigningError::Key {
            what,
            detail: "its SN (serial number, shown next to it in API安全) is empty".to_owned(),
        });
    }
    Ok(sn)
}
