//! Unique key prefixes so runs can share a server, and small assertion helpers.

use std::fmt::Display;

use tokio::task::JoinHandle;

/// A unique key prefix for one check of one run: `weixin-testkit:{random}:{check}`.
///
/// The random part makes concurrent and repeated runs against one shared server independent.
///
/// ```
/// use weixin_testkit::Namespace;
/// let ns = Namespace::new("demo");
/// assert!(ns.key("a").starts_with("weixin-testkit:"));
/// assert!(ns.key("a").ends_with(":demo:a"));
/// assert_ne!(Namespace::new("demo").key("a"), ns.key("a"));
/// ```
#[derive(Debug, Clone)]
pub struct Namespace {
    prefix: String,
}

impl Namespace {
    /// A fresh namespace for the check called `check`.
    ///
    /// # Panics
    ///
    /// When the OS has no randomness to give.
    pub fn new(check: &str) -> Self {
        let run = getrandom::u64().expect("the OS random source works");
        Self {
            prefix: format!("weixin-testkit:{run:016x}:{check}"),
        }
    }

    /// The key `{prefix}:{name}`.
    pub fn key(&self, name: impl Display) -> String {
        format!("{}:{name}", self.prefix)
    }
}

/// Unwraps a cache result, naming the operation in the panic message.
#[track_caller]
pub(super) fn ok<T, E: Display>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{what}: unexpected cache error: {e}"),
    }
}

/// Awaits spawned tasks, re-raising a panic from any of them.
pub(super) async fn join_all<T>(handles: Vec<JoinHandle<T>>) -> Vec<T> {
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        match handle.await {
            Ok(value) => results.push(value),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("a spawned check task did not finish: {e}"),
        }
    }
    results
}
