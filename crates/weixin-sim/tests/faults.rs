//! Fault injection: deterministic with a seed, at the configured shares, real dropped
//! connections, never on `/sim/*`.

mod common;

use std::time::{Duration, Instant};

use common::{errcode, start};
use serde_json::json;
use weixin_sim::{Faults, SimConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Ok,
    Busy,
    Http503,
    Dropped,
}

async fn probe(c: &common::Ctx) -> Seen {
    // An unknown path: cheap, not quota-limited; a normal answer is the 404 "invalid url".
    match c.http.get(c.url("/cgi-bin/probe")).send().await {
        Err(_) => Seen::Dropped,
        Ok(r) if r.status() == 503 => Seen::Http503,
        Ok(r) => {
            let v: serde_json::Value = r.json().await.unwrap();
            match errcode(&v) {
                -1 => Seen::Busy,
                40066 => Seen::Ok,
                other => panic!("unexpected errcode {other}"),
            }
        }
    }
}

fn faulty(seed: u64) -> SimConfig {
    SimConfig::default().seed(seed).faults(Faults {
        busy: 0.2,
        http_5xx: 0.1,
        ..Faults::none()
    })
}

#[tokio::test]
async fn same_seed_same_faults() {
    let (a, b, other) = (
        start(faulty(42)).await,
        start(faulty(42)).await,
        start(faulty(43)).await,
    );
    let mut seq = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..200 {
        seq.0.push(probe(&a).await);
        seq.1.push(probe(&b).await);
        seq.2.push(probe(&other).await);
    }
    assert_eq!(seq.0, seq.1);
    assert_ne!(seq.0, seq.2);
    // A reset replays the same sequence.
    a.sim.reset();
    let mut replay = Vec::new();
    for _ in 0..200 {
        replay.push(probe(&a).await);
    }
    assert_eq!(replay, seq.0);
}

#[tokio::test]
async fn shares_match_the_configuration() {
    let c = start(faulty(7)).await;
    let n = 2000;
    let (mut busy, mut http_503, mut ok) = (0, 0, 0);
    for _ in 0..n {
        match probe(&c).await {
            Seen::Busy => busy += 1,
            Seen::Http503 => http_503 += 1,
            Seen::Ok => ok += 1,
            Seen::Dropped => panic!("no drops configured"),
        }
    }
    // Binomial standard deviations: busy sqrt(2000*.2*.8) ~ 18, 5xx ~ 13; allow 4 sigma.
    assert!((400 - 72..=400 + 72).contains(&busy), "busy {busy}");
    assert!((200 - 54..=200 + 54).contains(&http_503), "503 {http_503}");
    assert_eq!(busy + http_503 + ok, n);
    assert_eq!(c.sim.call_count("/cgi-bin/probe"), n as u64);
}

#[tokio::test]
async fn dropped_connections_really_drop() {
    let c = start(SimConfig::default().faults(Faults {
        drop: 1.0,
        ..Faults::none()
    }))
    .await;
    let err = c
        .http
        .get(c.url("/cgi-bin/token?grant_type=client_credential&appid=x&secret=y"))
        .send()
        .await
        .expect_err("the connection must close without a response");
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    // /sim is never faulted.
    let calls = c.get("/sim/calls").await;
    assert_eq!(calls["/cgi-bin/token"], 1);

    // Half of them, over fresh connections.
    c.sim.set_faults(Faults {
        drop: 0.5,
        ..Faults::none()
    });
    let mut dropped = 0;
    for _ in 0..200 {
        if probe(&c).await == Seen::Dropped {
            dropped += 1;
        }
    }
    assert!((60..=140).contains(&dropped), "dropped {dropped}");
}

#[tokio::test]
async fn latency_and_runtime_changes() {
    let c = start(SimConfig::default()).await;
    let started = Instant::now();
    assert_eq!(probe(&c).await, Seen::Ok);
    let fast = started.elapsed();

    let set = c
        .post(
            "/sim/faults",
            &json!({"latency_share": 1.0, "latency_ms": 150}),
        )
        .await;
    assert_eq!(set["latency_ms"], 150);
    assert_eq!(c.sim.faults().latency, Duration::from_millis(150));
    let started = Instant::now();
    assert_eq!(probe(&c).await, Seen::Ok);
    assert!(started.elapsed() >= Duration::from_millis(150), "{fast:?}");

    c.post("/sim/faults", &json!({"busy": 1.0})).await;
    assert_eq!(probe(&c).await, Seen::Busy);
    // Inspection still answers.
    assert!(c.get("/sim/tokens").await["issued"].is_array());
    let bad = c
        .http
        .post(c.url("/sim/faults"))
        .json(&json!({"busy": 2.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}
