//! Load generator for BENCHMARKS.md: drives any 10.x axon (Agora's or Python's) with the
//! template's `Dummy` synapse from C concurrent workers for D seconds, and prints requests/s
//! and latency percentiles of the successful requests.
//!
//! Each worker is its own dendrite (own hotkey `//Load<i>`, own uuid) and sends one request at
//! a time, so its nonces arrive in order as the reference requires.
//!
//! usage: axon_load ADDR AXON_HOTKEY [CONCURRENCY=32] [SECONDS=10]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use agora_primitives::Keypair;
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use agora_sdk::template::Dummy;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (ip, port) = args[1].rsplit_once(':').expect("ADDR is IP:PORT");
    let target = AxonTarget {
        ip: ip.to_owned(),
        port: port.parse().expect("port"),
        hotkey: args[2].clone(),
    };
    let workers: usize = args.get(3).map_or(32, |s| s.parse().expect("concurrency"));
    let secs: f64 = args.get(4).map_or(10.0, |s| s.parse().expect("seconds"));
    let warmup = Duration::from_secs(1);
    let start = Instant::now();
    let end = start + warmup + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for i in 0..workers {
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let d = Dendrite::new(Keypair::from_uri(&format!("//Load{i}")).expect("uri"));
            let (mut lat, mut errors) = (Vec::new(), 0u64);
            let mut n = 0i64;
            while Instant::now() < end {
                n += 1;
                let t = Instant::now();
                let r = d
                    .call(
                        &target,
                        &Dummy {
                            dummy_input: n,
                            dummy_output: None,
                        },
                        Duration::from_secs(10),
                    )
                    .await;
                if t < start + warmup {
                    continue;
                }
                if r.is_success() && r.synapse.is_some_and(|s| s.dummy_output == Some(2 * n)) {
                    lat.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("worker");
        all.extend(l);
        errors += e;
    }
    all.sort();
    // Nearest-rank percentile of `p` per thousand.
    let pct = |p: usize| all[(all.len() - 1) * p / 1000].as_secs_f64() * 1e3;
    println!(
        "workers={workers} seconds={secs} ok={} errors={errors} rps={:.0} p50_ms={:.2} p99_ms={:.2}",
        all.len(),
        all.len() as f64 / secs,
        pct(500),
        pct(990)
    );
}
