//! [`Simulator`] (the router) and [`RunningSim`] (it served on a socket).

use std::fmt;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::SimConfig;
use crate::handle::{SimError, SimHandle};
use crate::listener::{ConnKill, KillableListener, bound_addr};
use crate::state::Shared;
use crate::wx_error::WxError;
use crate::{admin_guard, api, console, faults, inspect};

/// The offline WeChat platform. Build one from a [`SimConfig`], then either serve it
/// ([`Simulator::start`]) or call its [`router`](Simulator::router) in process.
#[derive(Debug, Clone)]
pub struct Simulator {
    handle: SimHandle,
}

impl Simulator {
    /// A simulator in its initial state.
    pub fn new(config: SimConfig) -> Self {
        Self {
            handle: SimHandle {
                shared: Shared::new(config),
            },
        }
    }

    /// The inspection and admin handle.
    pub fn handle(&self) -> SimHandle {
        self.handle.clone()
    }

    /// The axum router of the API and `/sim/*` endpoints, for in-process tests
    /// (`tower::ServiceExt::oneshot`). The dropped-connection fault needs a socket; in process
    /// it answers HTTP 502 instead.
    pub fn router(&self) -> Router {
        let shared = self.handle.shared.clone();
        Router::new()
            .merge(api::routes(shared.clone()))
            .merge(inspect::routes())
            .merge(console::routes())
            .fallback(|| async { WxError::invalid_url() })
            .layer(from_fn_with_state(shared.clone(), faults::apply))
            .layer(from_fn_with_state(shared.clone(), admin_guard::guard))
            .layer(DefaultBodyLimit::max(api::BODY_LIMIT))
            .with_state(shared)
    }

    /// Serves a new simulator on `config.listen` (default `127.0.0.1:0`, a free port).
    ///
    /// # Errors
    /// [`SimError::Io`] when the address cannot be bound.
    pub async fn start(config: SimConfig) -> Result<RunningSim, SimError> {
        let listen = config.listen;
        Self::new(config).serve(listen).await
    }

    /// Serves this simulator on `addr`.
    ///
    /// # Errors
    /// [`SimError::Io`] when the address cannot be bound.
    pub async fn serve(self, addr: SocketAddr) -> Result<RunningSim, SimError> {
        let listener = KillableListener(TcpListener::bind(addr).await?);
        let addr = bound_addr(&listener)?;
        let app = self
            .router()
            .into_make_service_with_connect_info::<ConnKill>();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        });
        Ok(RunningSim {
            addr,
            base_url: format!("http://{addr}"),
            handle: self.handle,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

/// A simulator serving on a socket. Dropping it stops the server (without waiting);
/// [`RunningSim::stop`] stops it gracefully and waits.
pub struct RunningSim {
    addr: SocketAddr,
    base_url: String,
    handle: SimHandle,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl fmt::Debug for RunningSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSim")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl RunningSim {
    /// `http://127.0.0.1:PORT`: pass it as the SDK's API base.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The inspection and admin handle.
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    ///
    /// # Errors
    /// [`SimError::Io`] if the server failed.
    pub async fn stop(mut self) -> Result<(), SimError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(result) => result?,
                Err(e) => return Err(SimError::Io(std::io::Error::other(e.to_string()))),
            }
        }
        Ok(())
    }
}

impl std::ops::Deref for RunningSim {
    type Target = SimHandle;

    fn deref(&self) -> &SimHandle {
        &self.handle
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
