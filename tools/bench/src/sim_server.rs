//! The simulator as the sample app's WeChat API during the HTTP benchmark: the fixture account
//! (appid, original id) with a given appsecret, on a given address, until killed. Every
//! fixture user's customer-service window is open (the sample app answers through it).

use std::net::SocketAddr;

use weixin_sim::{SimApp, SimConfig, Simulator};

use crate::fixture;

/// The simulator configuration for the fixture account with `secret`, on `listen`.
pub fn config(listen: SocketAddr, secret: &str) -> SimConfig {
    let mut config = SimConfig::default()
        .listen(listen)
        .app(SimApp::new(fixture::APPID, secret).original_id(fixture::ORIGINAL_ID));
    // Customer-service messages are limited per user message; the benchmark users write a lot.
    config.custom_messages_per_user_message = u32::MAX;
    config
}

/// Serves the simulator on `listen` until the process is killed.
pub async fn serve(listen: &str, secret: &str) -> Result<(), String> {
    let addr: SocketAddr = listen
        .parse()
        .map_err(|err| format!("`{listen}` is not an address: {err}"))?;
    let sim = Simulator::start(config(addr, secret))
        .await
        .map_err(|err| format!("cannot start the simulator on {listen}: {err}"))?;
    // The pushes come from wrk, not from the simulator's push driver: open every benchmark
    // user's customer-service window as if each had just written.
    for user in 0..fixture::USERS {
        sim.handle()
            .user_messaged(fixture::APPID, &fixture::openid(user));
    }
    println!("simulator listening on {}", sim.base_url());
    std::future::pending::<()>().await;
    drop(sim);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_account_is_the_only_app() {
        let config = config("127.0.0.1:0".parse().unwrap(), "s");
        assert_eq!(config.apps.len(), 1);
        assert_eq!(config.apps[0].appid, fixture::APPID);
        assert_eq!(config.apps[0].original_id, fixture::ORIGINAL_ID);
    }
}
