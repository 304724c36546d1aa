//! WeChat message crypto: push signatures, WXBizMsgCrypt (AES-256-CBC), mini-program open-data decryption, JS-SDK and session signatures. No I/O.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
#![forbid(unsafe_code)]
