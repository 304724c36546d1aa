//! The SDK's push callback over HTTP with nothing else around it: the benchmark pipeline
//! ([`crate::pipeline_loop::pipeline`], an echo handler, safe mode, dedup and context on)
//! mounted at `POST /wxopen` with `weixin_push::server::router`, over the memory cache or Redis.
//!
//! It isolates the SDK's cost from whatever the sample app's handler does.

use std::sync::Arc;

use weixin_cache_redis::RedisCache;
use weixin_core::cache::{Cache, MemoryCache};

use crate::pipeline_loop;

/// Serves the callback on `listen`, over Redis at `redis_url` or the memory cache, until the
/// process is killed.
pub async fn serve(listen: &str, redis_url: Option<&str>) -> Result<(), String> {
    let cache: Arc<dyn Cache> = match redis_url {
        Some(url) => Arc::new(
            RedisCache::from_url(url)
                .await
                .map_err(|err| format!("cannot connect to Redis at {url}: {err}"))?,
        ),
        None => Arc::new(MemoryCache::new()),
    };
    let app = weixin_push::server::router(pipeline_loop::pipeline(cache)?, "/wxopen");
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|err| format!("cannot listen on {listen}: {err}"))?;
    let addr = listener
        .local_addr()
        .map_err(|err| format!("no local address: {err}"))?;
    println!("callback-server listening on {addr}");
    axum::serve(listener, app)
        .await
        .map_err(|err| format!("server failed: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{self, Push};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn answers_an_encrypted_push_with_an_encrypted_reply() {
        let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = probe.local_addr().unwrap();
        drop(probe);
        let listen = addr.to_string();
        tokio::spawn(async move { serve(&listen, None).await });
        let push = Push::text(&fixture::crypt().unwrap(), 3, fixture::now_secs()).unwrap();
        let mut stream = None;
        for _ in 0..50 {
            if let Ok(connected) = tokio::net::TcpStream::connect(addr).await {
                stream = Some(connected);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let mut stream = stream.unwrap();
        let request = format!(
            "POST /wxopen?{} HTTP/1.1\r\nHost: a\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            push.query(),
            push.body.len(),
            push.body
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("<Encrypt><![CDATA["), "{answer}");
    }
}
