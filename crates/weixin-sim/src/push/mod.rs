//! The push driver: WeChat's side of the message-push callback.

mod driver;
mod message;
mod report;

pub use driver::{EncryptMode, PushDriver, PushError, PushFormat, PushTarget};
pub use message::{Push, PushValue};
pub use report::{Attempt, AttemptOutcome, PreparedPush, PushReport, ReplyCheck, VerifyReport};
