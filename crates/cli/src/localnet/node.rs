//! The dev chain of `agora localnet`: this same binary's `agora node --dev` as a child process.
//!
//! Why a child process and not the node in-process: the node owns its runtime (commonware's
//! tokio runner and worker threads) and its own signal handling, and runs until SIGINT or
//! SIGTERM; as a child it shuts down through exactly that path (flushing its store), its logs
//! go to their own file, and a crash on either side leaves the other's data intact. Spawning
//! costs a few milliseconds of the sub-second start (BENCHMARKS.md "localnet").

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use crate::exit::{Exit, fail};

/// A running child node.
pub struct ChildNode {
    child: Child,
    /// Its RPC address.
    pub rpc: SocketAddr,
}

/// Starts `agora node --dev` with its chain in `dir/chain`, logs in `dir/node.log`, RPC on
/// `rpc_addr` (port 0 = any free port); returns once the RPC server listens.
pub async fn start(
    dir: &Path,
    rpc_addr: SocketAddr,
    block_time_ms: u64,
) -> anyhow::Result<ChildNode> {
    let exe = std::env::current_exe().context("cannot find the agora binary")?;
    let log_path = dir.join("node.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("opening {}", log_path.display()))?;
    let mut child = Command::new(exe)
        .arg("node")
        .arg("--dev")
        .arg("--data-dir")
        .arg(dir.join("chain"))
        .arg("--rpc-addr")
        .arg(rpc_addr.to_string())
        .arg("--block-time-ms")
        .arg(block_time_ms.to_string())
        .env(
            "RUST_LOG",
            std::env::var("AGORA_NODE_LOG").unwrap_or_else(|_| "info".into()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .context("cannot start the node")?;
    let stdout = child.stdout.take().context("node stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let wait = async {
        while let Some(line) = lines.next_line().await? {
            if let Some(addr) = line.strip_prefix("rpc: http://") {
                return Ok::<_, std::io::Error>(addr.parse::<SocketAddr>().ok());
            }
        }
        Ok(None)
    };
    let rpc = match tokio::time::timeout(Duration::from_secs(30), wait).await {
        Ok(Ok(Some(addr))) => addr,
        Ok(_) => {
            let status = child.wait().await.ok();
            return fail(
                Exit::Failed,
                format!(
                    "the node exited before serving RPC ({}); see {}",
                    status.map_or_else(|| "unknown status".into(), |s| s.to_string()),
                    log_path.display()
                ),
            );
        }
        Err(_) => {
            let _ = child.kill().await;
            return fail(
                Exit::Failed,
                format!(
                    "the node did not open its RPC port within 30 s; see {}",
                    log_path.display()
                ),
            );
        }
    };
    // Keep draining stdout so the node never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(ChildNode { child, rpc })
}

impl ChildNode {
    /// Asks the node to stop (SIGTERM) and waits for it, killing it after `grace`.
    pub async fn stop(mut self, grace: Duration) -> anyhow::Result<()> {
        if let Some(id) = self.child.id() {
            let pid = i32::try_from(id)
                .ok()
                .and_then(rustix::process::Pid::from_raw);
            if let Some(pid) = pid {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            }
        }
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(status) => {
                status.context("waiting for the node")?;
            }
            Err(_) => {
                self.child.kill().await.context("killing the node")?;
            }
        }
        Ok(())
    }
}
