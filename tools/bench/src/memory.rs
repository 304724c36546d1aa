//! Resident memory of the in-memory context store: users x (10 requests + 10 replies) in
//! `weixin_context::ContextStore` over `weixin_core::cache::MemoryCache`, measured as the
//! growth of `VmRSS` (`/proc/self/status`) while inserting them.
//!
//! The records are the real message model (`weixin_mp::Message` text pushes and
//! `weixin_mp::Reply` text replies), as the pipeline stores them, with the store's default
//! settings apart from `max_records(10)`.

use std::sync::Arc;

use weixin_context::ContextStore;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_crypto::EnvelopeFormat;
use weixin_mp::{Message, Reply};

use crate::fixture::{self, REPLY_PREFIX};
use crate::report::Line;

/// Records of each kind per user.
pub const RECORDS: u64 = 10;

/// `VmRSS` of this process in bytes, from `/proc/self/status` (Linux only).
pub fn rss_bytes() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|err| format!("cannot read /proc/self/status (Linux only): {err}"))?;
    parse_vm_rss(&status).ok_or_else(|| "no VmRSS line in /proc/self/status".to_owned())
}

/// The `VmRSS` of a `/proc/<pid>/status` text, in bytes.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let mut words = line.split_whitespace().skip(1);
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => Some(value * 1024),
        Some(_) => None,
    }
}

/// What [`run`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// Users inserted.
    pub users: u64,
    /// Resident bytes before the users (after one warm-up user).
    pub rss_before: u64,
    /// Resident bytes after.
    pub rss_after: u64,
    /// Stored value of one user, in bytes.
    pub value_bytes: usize,
}

impl Memory {
    /// Resident bytes per user.
    pub fn per_user(&self) -> f64 {
        self.rss_after.saturating_sub(self.rss_before) as f64 / self.users.max(1) as f64
    }
}

/// The 10 requests and 10 replies of `user`.
fn records(user: u64) -> Result<Vec<(Message, Reply)>, String> {
    (0..RECORDS)
        .map(|i| {
            let n = user + i * fixture::USERS;
            let xml = fixture::text_xml(n, 1_700_000_000 + i);
            let xml = xml.replace(&fixture::openid(n % fixture::USERS), &fixture::openid(user));
            let message = Message::parse(&xml, EnvelopeFormat::Xml).map_err(|e| e.to_string())?;
            let reply = match &message {
                Message::Text(text) => Reply::text(format!("{REPLY_PREFIX}{}", text.content)),
                _ => Reply::text(REPLY_PREFIX),
            };
            Ok((message, reply))
        })
        .collect()
}

/// Inserts `users` users with 10 requests and 10 replies each, and measures.
pub fn run(users: u64) -> Result<Memory, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start a tokio runtime: {err}"))?;
    runtime.block_on(async {
        let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
        let store: ContextStore<Message, Reply> = ContextStore::builder(Arc::clone(&cache))
            .max_records(RECORDS as usize)
            .build();
        let fill = |user: u64| {
            let store = store.clone();
            async move {
                let openid = fixture::openid(user);
                let records = records(user)?;
                store
                    .update(fixture::APPID, &openid, move |ctx| {
                        for (message, reply) in &records {
                            ctx.push_request(message.clone());
                            ctx.push_response(reply.clone());
                        }
                    })
                    .await
                    .map_err(|err| err.to_string())
            }
        };
        // One warm-up user outside the measured range, then measure.
        fill(u64::MAX / 2).await?;
        let rss_before = rss_bytes()?;
        for user in 0..users {
            fill(user).await?;
        }
        let rss_after = rss_bytes()?;
        let value_bytes = cache
            .get(&store.cache_key(fixture::APPID, &fixture::openid(0)))
            .await
            .map_err(|err| err.to_string())?
            .map_or(0, |value| value.len());
        let loaded = store
            .load(fixture::APPID, &fixture::openid(users.saturating_sub(1)))
            .await
            .map_err(|err| err.to_string())?;
        if users > 0 && loaded.requests().len() != RECORDS as usize {
            return Err(format!(
                "the last user has {} requests stored, not {RECORDS}",
                loaded.requests().len()
            ));
        }
        Ok(Memory {
            users,
            rss_before,
            rss_after,
            value_bytes,
        })
    })
}

/// Prints the result line.
pub fn print(memory: &Memory) {
    Line::new("memory")
        .field("users", memory.users)
        .field("records", RECORDS)
        .field("bytes_per_user", format!("{:.0}", memory.per_user()))
        .field("rss_before", memory.rss_before)
        .field("rss_after", memory.rss_after)
        .field("value_bytes", memory.value_bytes)
        .print();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vm_rss_in_kb() {
        let status = "Name:\tx\nVmPeak:\t  100 kB\nVmRSS:\t    2048 kB\nThreads: 1\n";
        assert_eq!(parse_vm_rss(status), Some(2048 * 1024));
        assert_eq!(parse_vm_rss("Name: x\n"), None);
    }

    #[test]
    fn a_small_run_stores_every_user_with_ten_records() {
        let memory = run(50).unwrap();
        assert_eq!(memory.users, 50);
        assert!(memory.value_bytes > 100, "{memory:?}");
        assert!(memory.rss_after >= memory.rss_before / 2);
    }

    #[test]
    fn records_belong_to_the_user() {
        let records = records(3).unwrap();
        assert_eq!(records.len(), 10);
        let Message::Text(text) = &records[0].0 else {
            panic!("not a text");
        };
        assert_eq!(text.header.from_user_name, fixture::openid(3));
    }
}
