//! A TCP listener whose connections a handler can kill: the "dropped connection" fault closes
//! the socket without writing any response.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Accepts TCP connections, each with a kill switch.
#[derive(Debug)]
pub(crate) struct KillableListener(pub(crate) TcpListener);

/// The connection's peer address and kill switch (a request extension via `ConnectInfo`).
#[derive(Debug, Clone)]
pub(crate) struct ConnKill {
    flag: Arc<AtomicBool>,
    peer: Option<SocketAddr>,
}

impl ConnKill {
    /// Makes every further write fail, so the server closes the connection unanswered.
    pub(crate) fn kill(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// The client's IP address ("" when unknown).
    pub(crate) fn peer_ip(&self) -> String {
        self.peer.map(|a| a.ip().to_string()).unwrap_or_default()
    }
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = ConnKill;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let flag = Arc::new(AtomicBool::new(false));
                    return (
                        KillableStream {
                            inner: stream,
                            flag: flag.clone(),
                        },
                        ConnKill {
                            flag,
                            peer: Some(peer),
                        },
                    );
                }
                // Too many open files and the like: wait a little, as axum does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr().map(|_| ConnKill {
            flag: Arc::new(AtomicBool::new(false)),
            peer: None,
        })
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnKill {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails writes once killed.
#[derive(Debug)]
pub(crate) struct KillableStream {
    inner: TcpStream,
    flag: Arc<AtomicBool>,
}

impl KillableStream {
    fn killed(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

fn dropped() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The address a [`KillableListener`] is bound to.
pub(crate) fn bound_addr(listener: &KillableListener) -> io::Result<SocketAddr> {
    listener.0.local_addr()
}
