//! Time from starting a dev chain to its first finalized block — what `agora localnet` waits
//! for before anything else (BENCHMARKS.md "localnet: time to the first block"). Each
//! iteration starts `agora node --dev` in a fresh data directory, waits for its RPC port, polls
//! `chain_getHead` until block 1 is final, and stops the node with SIGTERM. Run with
//! `cargo bench -p agora-cli --bench first_block`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

fn finalized(addr: SocketAddr) -> Option<u64> {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"chain_getHead","params":[]}"#;
    let mut s = TcpStream::connect(addr).ok()?;
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let (_, json) = resp.split_once("\r\n\r\n")?;
    let v: serde_json::Value = serde_json::from_str(json.trim()).ok()?;
    v["result"]["finalized"]["number"].as_u64()
}

/// One start: returns the time from spawn to block 1 being final.
fn start_to_first_block() -> Duration {
    let dir = std::env::temp_dir().join(format!("agora-bench-first-{}", agora_sdk::util::uuid4()));
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args([
            "node",
            "--dev",
            "--rpc-addr",
            "127.0.0.1:0",
            "--block-time-ms",
            "250",
            "--data-dir",
        ])
        .arg(&dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn agora node");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr: SocketAddr = loop {
        let line = lines.next().expect("node output").unwrap();
        if let Some(a) = line.strip_prefix("rpc: http://") {
            break a.parse().unwrap();
        }
    };
    while finalized(addr).is_none_or(|n| n < 1) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let took = start.elapsed();
    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).unwrap()).unwrap();
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    took
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("localnet");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("dev_node_start_to_first_block", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| start_to_first_block()).sum())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
