//! The API base URLs of a client, primary first, and which of them rest after a failure.
//!
//! A base whose connection could not be made, or that answered HTTP 5xx or timed out, rests for
//! [`ClientOptions::failover_rest`](super::ClientOptions::failover_rest): calls go to the next
//! base in the list meanwhile, and back to it (the earlier one first) once the rest is over.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::Error;

/// The bases shared by every client of a registry (one host down is down for every app).
#[derive(Debug)]
pub(crate) struct Bases {
    list: Vec<Base>,
    rest: Duration,
    epoch: Instant,
}

#[derive(Debug)]
struct Base {
    url: String,
    /// Milliseconds since `epoch` until which the base rests; 0 = available.
    resting_until: AtomicU64,
}

impl Bases {
    /// Parses `list`: one base URL or several separated by commas, primary first.
    pub(crate) fn parse(list: &str, rest: Duration) -> Result<Self, Error> {
        let list = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let url = super::parse_base(s)?;
                Ok(Base {
                    url: url.as_str().trim_end_matches('/').to_owned(),
                    resting_until: AtomicU64::new(0),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        if list.is_empty() {
            return Err(Error::Config(
                "no API base URL given (expected http(s)://host, or several separated by commas)"
                    .to_owned(),
            ));
        }
        Ok(Self {
            list,
            rest,
            epoch: Instant::now(),
        })
    }

    /// The primary base.
    pub(crate) fn primary(&self) -> &str {
        &self.list[0].url
    }

    /// Every base, primary first.
    pub(crate) fn urls(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|b| b.url.as_str())
    }

    pub(crate) fn url(&self, index: usize) -> &str {
        &self.list[index].url
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The first base not resting and not in `tried`; when all of those rest, the one whose
    /// rest ends first; `None` when every base was tried.
    pub(crate) fn pick(&self, tried: &[usize]) -> Option<usize> {
        let now = self.now_ms();
        let open = || (0..self.list.len()).filter(|i| !tried.contains(i));
        open()
            .find(|&i| self.list[i].resting_until.load(Ordering::Relaxed) <= now)
            .or_else(|| open().min_by_key(|&i| self.list[i].resting_until.load(Ordering::Relaxed)))
    }

    /// Whether another base than those in `tried` is available now (not resting).
    pub(crate) fn has_available(&self, tried: &[usize]) -> bool {
        let now = self.now_ms();
        (0..self.list.len()).any(|i| {
            !tried.contains(&i) && self.list[i].resting_until.load(Ordering::Relaxed) <= now
        })
    }

    /// Rests `index` after a failure (only when there is another base to go to).
    pub(crate) fn rest(&self, index: usize) {
        if self.list.len() > 1 {
            let until = self
                .now_ms()
                .saturating_add(u64::try_from(self.rest.as_millis()).unwrap_or(u64::MAX))
                .max(1);
            self.list[index]
                .resting_until
                .store(until, Ordering::Relaxed);
        }
    }
}

/// Whether `err` says the base itself failed (rather than the call).
pub(crate) fn is_base_failure(err: &Error) -> bool {
    err.is_connect()
        || err.is_timeout()
        || matches!(err, Error::Status { status, .. } if *status >= 500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_bad_entries_are_refused() {
        let bases = Bases::parse(
            " https://a.example/ , https://b.example/prefix",
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            bases.urls().collect::<Vec<_>>(),
            ["https://a.example", "https://b.example/prefix"]
        );
        assert!(Bases::parse("", Duration::ZERO).is_err());
        assert!(Bases::parse("https://a.example,ftp://b", Duration::ZERO).is_err());
    }

    #[test]
    fn a_resting_base_is_skipped_until_its_rest_ends() {
        let bases = Bases::parse("http://a,http://b,http://c", Duration::from_secs(60)).unwrap();
        assert_eq!(bases.pick(&[]), Some(0));
        bases.rest(0);
        assert_eq!(bases.pick(&[]), Some(1));
        assert_eq!(bases.pick(&[1]), Some(2));
        assert!(!bases.has_available(&[1, 2]));
        // Every untried base rests: the one whose rest ends first.
        bases.rest(2);
        assert_eq!(bases.pick(&[1]), Some(0));
        assert_eq!(bases.pick(&[0, 1, 2]), None);

        let quick = Bases::parse("http://a,http://b", Duration::ZERO).unwrap();
        quick.rest(0);
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(
            quick.pick(&[]),
            Some(0),
            "back to the primary after the rest"
        );
    }

    #[test]
    fn a_single_base_never_rests() {
        let bases = Bases::parse("http://a", Duration::from_secs(60)).unwrap();
        bases.rest(0);
        assert!(bases.has_available(&[]));
    }
}
