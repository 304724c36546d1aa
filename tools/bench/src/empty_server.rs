//! The baseline of the HTTP benchmark: an axum server whose `POST /wxopen` reads the body and
//! answers `success`, doing nothing else. Same runtime settings as the sample app (tokio's
//! multi-threaded runtime with default workers).

use axum::Router;
use axum::routing::post;

/// The empty handler: takes the body, answers `success`.
async fn empty(_body: axum::body::Bytes) -> &'static str {
    "success"
}

/// The router of the empty server.
pub fn router() -> Router {
    Router::new().route("/wxopen", post(empty))
}

/// Serves [`router`] on `listen` until the process is killed.
pub async fn serve(listen: &str) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|err| format!("cannot listen on {listen}: {err}"))?;
    let addr = listener
        .local_addr()
        .map_err(|err| format!("no local address: {err}"))?;
    println!("empty-server listening on {addr}");
    axum::serve(listener, router())
        .await
        .map_err(|err| format!("server failed: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn answers_success_to_a_post() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router()).await });
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /wxopen?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\n<xml>")
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("success"), "{answer}");
    }
}
