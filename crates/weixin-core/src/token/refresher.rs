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
    /// registered app's token that expires within `margin + 2 × interval`, i.e. before it enters
    /// the margin in which foreground calls would fetch it themselves. Servers share the work
    /// through the same lock and cache as [`get`](Self::get).
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
