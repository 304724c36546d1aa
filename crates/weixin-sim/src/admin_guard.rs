//! The guard in front of `/sim/*` (inspection, admin and the console): a web page the
//! developer happens to visit must not read or change the simulator's state.
//!
//! - DNS rebinding: the `Host` header must name a loopback address (`localhost`, `127.x.x.x`,
//!   `[::1]`) or a host listed in [`SimConfig::allowed_hosts`](crate::SimConfig::allowed_hosts);
//!   a request without `Host` (in process) passes.
//! - Cross-site requests: a browser marks them `Sec-Fetch-Site: cross-site` or sends an `Origin`
//!   of another host; both are refused. A POST must carry `Content-Type: application/json`,
//!   which a page on another origin cannot send without a CORS preflight the simulator never
//!   answers.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::Shared;

pub(crate) async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !(path == "/sim" || path.starts_with("/sim/")) {
        return next.run(req).await;
    }
    match check(&shared.config.allowed_hosts, &req) {
        Ok(()) => next.run(req).await,
        Err(reason) => (StatusCode::FORBIDDEN, reason).into_response(),
    }
}

fn check(allowed: &[String], req: &Request) -> Result<(), String> {
    let header = |name: header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(host) = header(header::HOST)
        && !host_allowed(allowed, host)
    {
        return Err(format!(
            "/sim/* answers only for loopback hosts, not {host:?} (DNS rebinding protection); allow it with `weixin sim serve --allow-host` or SimConfig::allowed_hosts"
        ));
    }
    if header(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return Err("/sim/* refuses cross-site requests".to_owned());
    }
    if let (Some(origin), Some(host)) = (header(header::ORIGIN), header(header::HOST)) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin_host != host {
            return Err(format!(
                "/sim/* refuses requests from another origin ({origin:?})"
            ));
        }
    }
    if req.method() == Method::POST {
        let json = header(header::CONTENT_TYPE).is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
        if !json {
            return Err(
                "POST /sim/* needs Content-Type: application/json (cross-site protection)"
                    .to_owned(),
            );
        }
    }
    Ok(())
}

/// Whether `host` (a Host header: name or address, optional port) may reach `/sim/*`.
fn host_allowed(allowed: &[String], host: &str) -> bool {
    let name = host_name(host);
    if name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost") {
        return true;
    }
    if let Ok(ip) = name.parse::<IpAddr>()
        && ip.is_loopback()
    {
        return true;
    }
    allowed
        .iter()
        .any(|a| a.eq_ignore_ascii_case(host) || a.eq_ignore_ascii_case(name))
}

/// The host part of a Host header, without the port and the IPv6 brackets.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(ip, _)| ip);
    }
    host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut builder = axum::http::Request::builder()
            .method(method)
            .uri("/sim/reset");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn loopback_hosts_pass_and_others_are_refused() {
        for host in [
            "127.0.0.1:8081",
            "localhost:8081",
            "[::1]:8081",
            "localhost",
            "app.localhost:1",
        ] {
            assert!(host_allowed(&[], host), "{host}");
        }
        for host in [
            "evil.example:8081",
            "192.168.1.5:8081",
            "127.0.0.1.evil.example",
            "[::2]:1",
        ] {
            assert!(!host_allowed(&[], host), "{host}");
        }
        let allowed = ["sim.internal".to_owned()];
        assert!(host_allowed(&allowed, "sim.internal:8081"));
        assert!(check(&[], &request(Method::GET, &[("host", "evil.example:8081")])).is_err());
        assert!(check(&[], &request(Method::GET, &[])).is_ok(), "in process");
    }

    #[test]
    fn cross_site_and_non_json_posts_are_refused() {
        let json = ("content-type", "application/json");
        let host = ("host", "127.0.0.1:8081");
        assert!(check(&[], &request(Method::POST, &[host, json])).is_ok());
        assert!(check(&[], &request(Method::POST, &[host])).is_err());
        assert!(
            check(
                &[],
                &request(Method::POST, &[host, ("content-type", "text/plain")])
            )
            .is_err()
        );
        let cross = ("sec-fetch-site", "cross-site");
        assert!(check(&[], &request(Method::GET, &[host, cross])).is_err());
        let other = ("origin", "http://evil.example");
        assert!(check(&[], &request(Method::POST, &[host, json, other])).is_err());
        let same = ("origin", "http://127.0.0.1:8081");
        assert!(check(&[], &request(Method::POST, &[host, json, same])).is_ok());
    }
}
