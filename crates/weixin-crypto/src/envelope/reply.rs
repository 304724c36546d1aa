//! Rendering an encrypted passive reply in the push's format.

use crate::error::EnvelopeFormat;

/// An encrypted, signed passive reply (see [`crate::MsgCrypt::encrypt_reply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedReply {
    /// The base64 ciphertext.
    pub encrypt: String,
    /// `sha1(sort([token, timestamp, nonce, encrypt]))`, as text to render (it is the
    /// [`Signature`](crate::Signature) of the reply, already computed).
    pub msg_signature: String,
    /// Unix seconds.
    pub timestamp: u64,
    /// The nonce (usually the push's, echoed back).
    pub nonce: String,
}

impl EncryptedReply {
    /// The official XML reply template:
    ///
    /// ```text
    /// <xml>
    /// <Encrypt><![CDATA[…]]></Encrypt>
    /// <MsgSignature><![CDATA[…]]></MsgSignature>
    /// <TimeStamp>…</TimeStamp>
    /// <Nonce><![CDATA[…]]></Nonce>
    /// </xml>
    /// ```
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(
            140 + self.encrypt.len() + self.msg_signature.len() + self.nonce.len(),
        );
        out.push_str("<xml>\n<Encrypt><![CDATA[");
        push_cdata(&mut out, &self.encrypt);
        out.push_str("]]></Encrypt>\n<MsgSignature><![CDATA[");
        push_cdata(&mut out, &self.msg_signature);
        out.push_str("]]></MsgSignature>\n<TimeStamp>");
        out.push_str(itoa_u64(self.timestamp, &mut [0; 20]));
        out.push_str("</TimeStamp>\n<Nonce><![CDATA[");
        push_cdata(&mut out, &self.nonce);
        out.push_str("]]></Nonce>\n</xml>");
        out
    }

    /// The JSON reply: `{"Encrypt":"…","MsgSignature":"…","TimeStamp":123,"Nonce":"…"}`
    /// (`TimeStamp` a number, `Nonce` a string, as in the official example).
    pub fn to_json(&self) -> String {
        let s = |v: &str| serde_json::Value::String(v.to_owned()).to_string();
        format!(
            "{{\"Encrypt\":{},\"MsgSignature\":{},\"TimeStamp\":{},\"Nonce\":{}}}",
            s(&self.encrypt),
            s(&self.msg_signature),
            self.timestamp,
            s(&self.nonce)
        )
    }

    /// [`EncryptedReply::to_xml`] or [`EncryptedReply::to_json`].
    pub fn render(&self, format: EnvelopeFormat) -> String {
        match format {
            EnvelopeFormat::Xml => self.to_xml(),
            EnvelopeFormat::Json => self.to_json(),
        }
    }
}

/// Appends `s` made safe inside `<![CDATA[…]]>` by splitting any `]]>`.
fn push_cdata(out: &mut String, s: &str) {
    // Base64 and hex (almost everything here) have no `]`: skip the substring search.
    if !s.as_bytes().contains(&b']') {
        out.push_str(s);
        return;
    }
    let mut parts = s.split("]]>");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("]]]]><![CDATA[>");
        out.push_str(part);
    }
}

/// `n` in decimal, written into `buf`.
fn itoa_u64(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[start..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::parse_xml_envelope;

    #[test]
    fn cdata_split() {
        let reply = EncryptedReply {
            encrypt: "e".into(),
            msg_signature: "s".into(),
            timestamp: 1,
            nonce: "a]]>b".into(),
        };
        let xml = reply.to_xml();
        let env = parse_xml_envelope(&xml).unwrap();
        assert_eq!(env.encrypt, "e");
        assert!(xml.contains("<Nonce><![CDATA[a]]]]><![CDATA[>b]]></Nonce>"));
        assert!(xml.contains("<TimeStamp>1</TimeStamp>"));
    }

    #[test]
    fn decimal_timestamps() {
        for n in [0, 7, 10, 1_700_000_000, u64::MAX] {
            assert_eq!(itoa_u64(n, &mut [0; 20]), n.to_string());
        }
        let mut out = String::new();
        push_cdata(&mut out, "]]>x]]>");
        assert_eq!(out, "]]]]><![CDATA[>x]]]]><![CDATA[>");
    }
}
