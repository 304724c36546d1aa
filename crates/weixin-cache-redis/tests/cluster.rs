//! Redis Cluster (feature `cluster`): three throwaway cluster nodes formed with
//! `redis-cli --cluster create`, then the whole conformance suite through the cluster client.
#![cfg(feature = "cluster")]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use weixin_cache_redis::{RedisCache, RedisConfig};
use weixin_core::cache::{Cache, DistributedLock};
use weixin_testkit::{OwnServer, free_port};

fn redis_cli(args: &[&str]) -> String {
    let output = Command::new("redis-cli")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run redis-cli ({e}): install redis-tools"));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

struct Cluster {
    _nodes: Vec<OwnServer>,
    ports: Vec<u16>,
    dir: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_cluster() -> Cluster {
    let dir = std::env::temp_dir().join(format!("weixin-redis-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {dir:?}: {e}"));
    let mut nodes = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..3 {
        let (port, bus) = (free_port(), free_port());
        let config_file = dir.join(format!("nodes-{port}.conf"));
        let config_file = config_file.to_string_lossy().into_owned();
        let dir_arg = dir.to_string_lossy().into_owned();
        nodes.push(common::start_server(
            port,
            &[
                "--cluster-enabled",
                "yes",
                "--cluster-port",
                &bus.to_string(),
                "--cluster-config-file",
                &config_file,
                "--dir",
                &dir_arg,
            ],
        ));
        ports.push(port);
    }
    let addresses: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let mut args = vec!["--cluster", "create"];
    args.extend(addresses.iter().map(String::as_str));
    args.extend(["--cluster-replicas", "0", "--cluster-yes"]);
    let created = redis_cli(&args);
    assert!(
        created.contains("All 16384 slots covered"),
        "cluster create: {created}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    for port in &ports {
        loop {
            let info = redis_cli(&["-p", &port.to_string(), "cluster", "info"]);
            if info.contains("cluster_state:ok") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "cluster not ok within 20 s: {info}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Cluster {
        _nodes: nodes,
        ports,
        dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_suite_on_a_three_node_cluster() {
    let cluster = start_cluster();
    let urls: Vec<String> = cluster
        .ports
        .iter()
        .map(|p| format!("redis://127.0.0.1:{p}"))
        .collect();
    // Only the first node as a seed: the client discovers the others.
    let cache = RedisCache::connect(RedisConfig::cluster([urls[0].clone()]))
        .await
        .unwrap_or_else(|e| panic!("connect to the cluster: {e}"));

    // Keys land on several nodes, and each is readable through the cluster client.
    for i in 0..60 {
        cache
            .set(&format!("spread:{i}"), b"v", Some(Duration::from_secs(60)))
            .await
            .unwrap_or_else(|e| panic!("set: {e}"));
    }
    let per_node: Vec<u64> = cluster
        .ports
        .iter()
        .map(|p| {
            redis_cli(&["-p", &p.to_string(), "dbsize"])
                .trim()
                .parse()
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(per_node.iter().sum::<u64>(), 60, "{per_node:?}");
    assert!(
        per_node.iter().filter(|n| **n > 0).count() >= 2,
        "{per_node:?}"
    );

    let lock: Arc<dyn DistributedLock> = Arc::new(cache.lock());
    let cache: Arc<dyn Cache> = Arc::new(cache);
    weixin_testkit::run_all(cache, lock).await;
}
