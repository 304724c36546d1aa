//! `wxopen-sample`: the sample mini-program backend. Configuration: the `WEIXIN_*` variables
//! (see `docs/sample-app.md`). Stops gracefully on SIGINT and SIGTERM.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;
use wxopen_sample::{App, Config};

/// The line printed on stdout once the server listens (`{LISTENING} http://127.0.0.1:8080`):
/// with `WEIXIN_LISTEN=127.0.0.1:0` it tells a supervisor which port was chosen.
const LISTENING: &str = "wxopen-sample listening on";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("wxopen-sample: {e}");
            return ExitCode::from(2);
        }
    };
    tracing::info!(
        appid = %config.appid,
        mode = if config.is_encrypted() { "encrypted" } else { "plain" },
        cache = %config.cache,
        api_base = %config.api_base,
        "starting"
    );
    let app = match App::build(&config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("wxopen-sample: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "wxopen-sample: WEIXIN_LISTEN: cannot listen on {}: {e}",
                config.listen
            );
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => {
            println!("{LISTENING} http://{addr}");
            tracing::info!(%addr, "listening");
        }
        Err(e) => tracing::warn!(error = %e, "no local address"),
    }
    if let Err(e) = app.serve(listener, shutdown_signal()).await {
        eprintln!("wxopen-sample: server error: {e}");
        return ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
