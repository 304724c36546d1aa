//! `weixin crypto …`: signatures, encrypted pushes and replies, open data.

use std::io::{Read, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand, ValueEnum};
use weixin_crypto::{
    EncodingAesKey, EnvelopeFormat, KeySlot, MsgCrypt, SessionKey, WatermarkCheck,
    decrypt_open_data, decrypt_open_data_checked, msg_signature, random_nonce, signature,
};

use crate::CliError;

const SIGN_HELP: &str = "\
Without --encrypt this is the plain `signature` of every push and of the GET URL
verification: sha1(sort([token, timestamp, nonce])). With --encrypt it is the
`msg_signature` of an encrypted push or reply: sha1(sort([token, timestamp, nonce, Encrypt])).

Example (WeChat's official URL-verification example):
  $ weixin crypto sign --token AAAAA --timestamp 1714036504 --nonce 1514711492
  f464b24fc39322e44b38aa78f5edd27bd1441696";

const DECRYPT_HELP: &str = "\
Reads the push body (XML, compatible-mode XML or JSON; the format is detected) on stdin,
checks msg_signature BEFORE decrypting, then prints the decrypted message exactly as
decrypted (no newline added). On failure the reason is printed on stderr and the exit
code is 1.

Example (WeChat's official Python sample; push.xml holds the POST body):
  $ weixin crypto decrypt --token spamtest \\
      --aes-key abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG --appid wx2c2769f8efd9abc2 \\
      --timestamp 1409735669 --nonce 1320562132 \\
      --msg-signature 5d197aaffba7e9b25a30732f161a50dee96bd5fa < push.xml
  <xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
  ...";

const ENCRYPT_HELP: &str = "\
Reads the plaintext reply on stdin (every byte is encrypted, so use printf rather than
echo to avoid a trailing newline), encrypts it with a random 16-character prefix and
prints the signed reply envelope followed by a newline.

Example (the reply of WeChat's official JSON example):
  $ printf '{\"demo_resp\":\"good luck\"}' | weixin crypto encrypt --token AAAAA \\
      --aes-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --appid wxba5fad812f8e6fb9 \\
      --timestamp 1713424427 --nonce 415670741 --format json
  {\"Encrypt\":\"…\",\"MsgSignature\":\"…\",\"TimeStamp\":1713424427,\"Nonce\":\"415670741\"}

The output can be fed back to `weixin crypto decrypt` with the printed TimeStamp, Nonce
and MsgSignature.";

const DECRYPT_DATA_HELP: &str = "\
Reads `encryptedData` (base64; surrounding whitespace is ignored) on stdin, decrypts it
with AES-128-CBC (key = session_key, iv = iv) and prints the JSON exactly as decrypted
(no newline added). With --appid, watermark.appid must match or the exit code is 1.

Example (WeChat's official sample; data.txt holds encryptedData):
  $ weixin crypto decrypt-data --session-key tiihtNczf5v6AKRyjwEUhQ== \\
      --iv r7BXXKkLb8qrSNn05n0qiA== --appid wx4f4bc4dec97d474b < data.txt
  {\"openId\":\"oGZUI0egBJY1zhBYw2KhdUfwVJJE\",…,\"watermark\":{\"timestamp\":1477314187,\"appid\":\"wx4f4bc4dec97d474b\"}}";

/// `weixin crypto` subcommands.
#[derive(Debug, Subcommand)]
pub enum CryptoCommand {
    /// Print the push signature (or, with --encrypt, the msg_signature) in lowercase hex.
    #[command(after_help = SIGN_HELP)]
    Sign(SignArgs),
    /// Verify and decrypt an encrypted push body read on stdin.
    #[command(after_help = DECRYPT_HELP)]
    Decrypt(DecryptArgs),
    /// Encrypt a reply read on stdin and print the signed XML or JSON envelope.
    #[command(after_help = ENCRYPT_HELP)]
    Encrypt(EncryptArgs),
    /// Decrypt mini-program open data (encryptedData) read on stdin.
    #[command(after_help = DECRYPT_DATA_HELP)]
    DecryptData(DecryptDataArgs),
}

/// Arguments of `weixin crypto sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The Token from the message-push configuration.
    #[arg(long)]
    pub token: String,
    /// The `timestamp` query parameter, as sent.
    #[arg(long)]
    pub timestamp: String,
    /// The `nonce` query parameter, as sent.
    #[arg(long)]
    pub nonce: String,
    /// The Encrypt field: compute the msg_signature instead of the plain signature.
    #[arg(long)]
    pub encrypt: Option<String>,
}

/// Arguments of `weixin crypto decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// The Token from the message-push configuration.
    #[arg(long)]
    pub token: String,
    /// The 43-character EncodingAESKey.
    #[arg(long)]
    pub aes_key: String,
    /// The AppID the message must be addressed to (component AppID for a third-party
    /// platform, CorpID for WeCom).
    #[arg(long)]
    pub appid: String,
    /// The `timestamp` query parameter, as sent.
    #[arg(long)]
    pub timestamp: String,
    /// The `nonce` query parameter, as sent.
    #[arg(long)]
    pub nonce: String,
    /// The `msg_signature` query parameter.
    #[arg(long)]
    pub msg_signature: String,
    /// The previous EncodingAESKey, tried when the current one fails (key rotation).
    #[arg(long)]
    pub previous_aes_key: Option<String>,
}

/// Output format of `weixin crypto encrypt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The official XML reply template.
    Xml,
    /// `{"Encrypt":…,"MsgSignature":…,"TimeStamp":…,"Nonce":…}`.
    Json,
}

impl From<Format> for EnvelopeFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Xml => EnvelopeFormat::Xml,
            Format::Json => EnvelopeFormat::Json,
        }
    }
}

/// Arguments of `weixin crypto encrypt`.
#[derive(Debug, Args)]
pub struct EncryptArgs {
    /// The Token from the message-push configuration.
    #[arg(long)]
    pub token: String,
    /// The 43-character EncodingAESKey.
    #[arg(long)]
    pub aes_key: String,
    /// The AppID appended to the message (component AppID for a third-party platform).
    #[arg(long)]
    pub appid: String,
    /// Unix timestamp of the reply [default: now].
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Nonce of the reply, usually the push's nonce [default: a random number].
    #[arg(long)]
    pub nonce: Option<String>,
    /// Envelope format.
    #[arg(long, value_enum, default_value_t = Format::Xml)]
    pub format: Format,
}

/// Arguments of `weixin crypto decrypt-data`.
#[derive(Debug, Args)]
pub struct DecryptDataArgs {
    /// The user's session_key (base64, from code2Session).
    #[arg(long)]
    pub session_key: String,
    /// The iv returned with encryptedData (base64).
    #[arg(long)]
    pub iv: String,
    /// Require watermark.appid to be this AppID.
    #[arg(long)]
    pub appid: Option<String>,
}

/// Runs one `weixin crypto` subcommand.
///
/// # Errors
/// The failure to report on stderr (exit code 1).
pub fn run(
    cmd: CryptoCommand,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), CliError> {
    match cmd {
        CryptoCommand::Sign(args) => {
            let sig = match &args.encrypt {
                Some(encrypt) => msg_signature(&args.token, &args.timestamp, &args.nonce, encrypt),
                None => signature(&args.token, &args.timestamp, &args.nonce),
            };
            writeln!(stdout, "{sig}")?;
        }
        CryptoCommand::Decrypt(args) => {
            let mut crypt = MsgCrypt::new(&args.token, &args.aes_key, &args.appid)?;
            if let Some(previous) = &args.previous_aes_key {
                crypt = crypt.with_previous_key(
                    EncodingAesKey::new(previous)
                        .map_err(|e| CliError(format!("--previous-aes-key: {e}")))?,
                );
            }
            let body = read_all(stdin)?;
            let push =
                crypt.decrypt_push(&args.msg_signature, &args.timestamp, &args.nonce, &body)?;
            stdout.write_all(push.message.as_bytes())?;
            if push.key_slot == KeySlot::Previous {
                writeln!(
                    stderr,
                    "note: decrypted with the previous EncodingAESKey; encrypt the reply with it too"
                )?;
            }
        }
        CryptoCommand::Encrypt(args) => {
            let crypt = MsgCrypt::new(&args.token, &args.aes_key, &args.appid)?;
            let body = read_all(stdin)?;
            let msg = String::from_utf8(body).map_err(|e| {
                CliError(format!(
                    "the message on stdin is not valid UTF-8 (invalid byte at offset {}); WeChat messages are UTF-8 XML or JSON",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            let timestamp = match args.timestamp {
                Some(t) => t,
                None => SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|e| CliError(format!("the system clock is before 1970: {e}")))?
                    .as_secs(),
            };
            let nonce = match args.nonce {
                Some(n) => n,
                None => random_nonce()?,
            };
            let reply = crypt.encrypt_reply(&msg, timestamp, &nonce, KeySlot::Current)?;
            writeln!(stdout, "{}", reply.render(args.format.into()))?;
        }
        CryptoCommand::DecryptData(args) => {
            let key = SessionKey::new(&args.session_key)
                .map_err(|e| CliError(format!("--session-key: {e}")))?;
            let body = read_all(stdin)?;
            let data = std::str::from_utf8(&body)
                .map_err(|_| {
                    CliError(
                        "encryptedData on stdin is not text; pass the base64 string".to_owned(),
                    )
                })?
                .trim();
            let json = match &args.appid {
                Some(appid) => {
                    decrypt_open_data_checked(&key, data, &args.iv, &WatermarkCheck::new(appid))?
                        .json
                }
                None => decrypt_open_data(&key, data, &args.iv)?,
            };
            stdout.write_all(json.as_bytes())?;
        }
    }
    Ok(())
}

fn read_all(stdin: &mut dyn Read) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    stdin
        .read_to_end(&mut buf)
        .map_err(|e| CliError(format!("cannot read stdin: {e}")))?;
    Ok(buf)
}
