//! The background refresher: keeps tokens fresh so foreground calls never wait on WeChat.

use std::time::Duration;

use super::broker::TokenBroker;
use super::fetcher::TokenFetcher;
use crate::error::Error;

/// Stops the background refresher when dropped (or with [`RefresherHandle::stop`]).
#[derive(Debug)]
#[must_use = "the refresher stops when its handle is dropped"]
pub struct RefresherHandle {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl RefresherHandle {
    /// Stops the refresher now.
    pub fn stop(self) {}
}

impl Drop for RefresherHandle {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl<F: TokenFetcher> TokenBroker<F> {
    /// Starts a task on the current tokio runtime that, every `interval`, refreshes each
    /// registered app's token whose refresh point
    /// ([`StoredToken::refresh_at`](super::StoredToken::refresh_at)) is less than
    /// `2 × interval` away, i.e. before foreground calls would fetch it themselves. Servers share
    /// the work through the same lock and cache as [`get`](Self::get).
    ///
    /// In stable-token mode the refresher's lead falls before WeChat's renewal window, so its
    /// fetch may bring back the current token with a shorter `expires_in`. That answer is stored
    /// like any other: its margin becomes a tenth of what is left, so the refresher does not
    /// fetch it again on every tick; it fetches once more when the token is due again, when
    /// WeChat issues the next one (at most two calls per token, foreground calls never wait).
    ///
    /// Errors: [`Error::Config`] outside a tokio runtime.
    pub fn spawn_refresher(&self, interval: Duration) -> Result<RefresherHandle, Error> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::Config("spawn_refresher needs a tokio runtime".to_owned()))?;
        let interval = interval.max(Duration::from_millis(10));
        let broker = self.clone();
        let task = runtime.spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                for appid in broker.appids() {
                    if let Err(e) = broker.refresh_if_due(&appid, interval * 2).await {
                        tracing::warn!(appid, error = %e, "background token refresh failed");
                    }
                }
            }
        });
        Ok(RefresherHandle { tasks: vec![task] })
    }
}
