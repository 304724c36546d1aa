//! `cargo run -p api-client -- --redis redis://127.0.0.1:6379 --api-base http://127.0.0.1:8081 --processes 4`
#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match api_client::run(api_client::Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
