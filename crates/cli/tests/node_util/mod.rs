//! Helpers for tests that run real `agora node` processes.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use agora_runtime::Call;
use agora_runtime::extrinsic::Extrinsic;
use agora_runtime::testing::key;
use parity_scale_codec::Encode;
use serde_json::{Value, json};

/// A running node process; killed (SIGKILL) when dropped.
pub struct Node {
    pub child: Child,
    pub rpc: SocketAddr,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `agora node --dev` on a random RPC port, with `data_dir` if given; waits until its
/// RPC server listens.
pub fn start_dev(data_dir: Option<&Path>, block_time_ms: u64, extra: &[&str]) -> Node {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_agora"));
    cmd.args([
        "node",
        "--dev",
        "--rpc-addr",
        "127.0.0.1:0",
        "--block-time-ms",
    ])
    .arg(block_time_ms.to_string())
    .args(extra)
    .env("RUST_LOG", "warn")
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    if let Some(d) = data_dir {
        cmd.arg("--data-dir").arg(d);
    }
    let mut child = cmd.spawn().expect("spawn agora node");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if let Some(addr) = line.strip_prefix("rpc: http://") {
                let _ = tx.send(addr.parse::<SocketAddr>().unwrap());
            }
        }
    });
    let rpc = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the node did not open its RPC port");
    Node { child, rpc }
}

/// One JSON-RPC call over plain HTTP; returns the whole response object.
pub fn http_call(addr: SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (_, json) = resp.split_once("\r\n\r\n").expect("HTTP response");
    serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// The `result` of a call (panics on an error response).
pub fn call(addr: SocketAddr, method: &str, params: Value) -> Value {
    let r = http_call(addr, method, params);
    assert!(r.get("error").is_none(), "{method}: {r}");
    r["result"].clone()
}

/// Polls `f` until it returns `Some` or `timeout` passes.
pub fn wait_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < timeout, "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Parses `0x…` hex.
pub fn unhex(s: &str) -> Vec<u8> {
    let h = s.trim_start_matches("0x");
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

/// `0x`-hex.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::from("0x");
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

/// The chain's genesis hash from `system_info`.
pub fn genesis_hash(addr: SocketAddr) -> [u8; 32] {
    let info = call(addr, "system_info", json!([]));
    unhex(info["genesisHash"].as_str().unwrap())
        .try_into()
        .unwrap()
}

/// A signed extrinsic as `0x` hex.
pub fn sign(uri: &str, genesis: &[u8; 32], nonce: u32, call: Call) -> String {
    hex(&Extrinsic::sign(&key(uri), genesis, nonce, call).encode())
}

/// The finalized head's number.
pub fn finalized_number(addr: SocketAddr) -> u64 {
    call(addr, "chain_getHead", json!([]))["finalized"]["number"]
        .as_u64()
        .unwrap()
}
