//! Assembles and runs a node: store, chain, consensus engine, RPC and metrics.
//!
//! Data directory layout (see `docs/node.md`):
//!
//! ```text
//! <data>/state.redb     state, Merkle tree, finalized blocks, receipts, extrinsic index, head
//! <data>/consensus/     the engine's storage: simplex journal, marshal's block and
//!                       certificate archives and caches
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use agora_consensus::{EngineConfig, NodeConfig, Services};
use agora_runtime::genesis;
use agora_storage::Store;
use parity_scale_codec::Encode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing::{info, warn};

use crate::block::{Block, MAX_BLOCK_SIZE};
use crate::chain::{BuildLimits, NodeChain, Validator, hex32};
use crate::config::{DataDir, Settings};
use crate::mempool::Mempool;
use crate::metrics::Metrics;
use crate::rpc::{self, ChainInfo, RpcContext};

/// The opened chain of a node, before the engine runs (also used by tests and benches).
pub struct Opened {
    /// The chain.
    pub chain: Arc<NodeChain>,
    /// Encoded genesis block.
    pub genesis_block: Vec<u8>,
    /// Static chain facts.
    pub info: ChainInfo,
    /// The data directory in use.
    pub dir: PathBuf,
}

/// Opens (or initialises) the store in `dir` and builds the chain.
pub fn open(settings: &Settings, dir: &std::path::Path) -> Result<Opened, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let state = genesis::build(&settings.genesis).map_err(|e| format!("genesis: {e}"))?;
    let genesis_hash = genesis::genesis_hash(&state);
    let genesis_block = Block::genesis(state.root());
    let store = Store::open(&dir.join("state.redb")).map_err(|e| e.to_string())?;
    let head = store
        .init_genesis(
            &state,
            genesis_hash,
            genesis_block.hash(),
            &genesis_block.encode(),
        )
        .map_err(|e| e.to_string())?;
    info!(
        height = head.number,
        state_root = %hex32(&head.state_root),
        genesis = %hex32(&genesis_hash),
        "store opened"
    );
    let validators = settings
        .validators
        .iter()
        .map(|v| Validator {
            consensus_key: v.consensus_key,
            account: v.account,
        })
        .collect();
    let metrics = Arc::new(Metrics::default());
    let chain = Arc::new(NodeChain::new(
        store,
        genesis_hash,
        validators,
        BuildLimits::for_block_time(settings.block_time),
        Mempool::new(settings.mempool.clone(), genesis_hash),
        metrics,
    ));
    let info = ChainInfo {
        chain_id: settings.genesis.chain_id.clone(),
        genesis_hash: hex32(&genesis_hash),
        genesis_block_hash: hex32(&genesis_block.hash()),
        ss58_format: agora_primitives::SS58_PREFIX,
        block_time_ms: u64::try_from(settings.block_time.as_millis()).unwrap_or(u64::MAX),
        validators: settings.validators.len(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        dev: settings.dev,
    };
    Ok(Opened {
        chain,
        genesis_block: genesis_block.encode(),
        info,
        dir: dir.to_path_buf(),
    })
}

/// Removes an ephemeral data directory when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the node until SIGINT or SIGTERM. `on_ready` receives the RPC address once it
/// listens.
pub fn run(
    settings: Settings,
    on_ready: impl FnOnce(SocketAddr) + Send + 'static,
) -> Result<(), String> {
    let (dir, _temp) = match &settings.data_dir {
        DataDir::Persistent(p) => (p.clone(), None),
        DataDir::Ephemeral => {
            let p = std::env::temp_dir().join(format!("agora-dev-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            (p.clone(), Some(TempDir(p)))
        }
    };
    let opened = open(&settings, &dir)?;
    let chain = opened.chain.clone();
    let node_cfg = NodeConfig {
        key: settings.key.clone(),
        listen: settings.p2p_listen,
        validators: settings
            .validators
            .iter()
            .map(|v| (v.consensus_key, v.address))
            .collect(),
        storage_dir: dir.join("consensus"),
        engine: EngineConfig {
            block_time: settings.block_time,
            max_block_size: MAX_BLOCK_SIZE,
            partition: "agora".into(),
        },
        worker_threads: settings.worker_threads,
    };
    let ctx = RpcContext {
        chain: chain.clone(),
        info: opened.info.clone(),
    };
    let rpc_addr = settings.rpc_addr;
    let rpc_limits = settings.rpc.clone();
    let metrics_addr = settings.metrics_addr;
    let services: Services = Box::new(move |engine_metrics| {
        Box::pin(async move {
            let module = rpc::module(ctx)?;
            let (addr, handle) = rpc::serve(rpc_addr, &rpc_limits, module).await?;
            info!(%addr, "JSON-RPC (HTTP and WebSocket) listening");
            if let Some(maddr) = metrics_addr {
                let node_metrics = chain.metrics.clone();
                let listener = tokio::net::TcpListener::bind(maddr)
                    .await
                    .map_err(|e| format!("metrics listener on {maddr}: {e}"))?;
                info!(addr = %maddr, "Prometheus metrics on /metrics");
                tokio::spawn(serve_metrics(listener, node_metrics, engine_metrics));
            }
            on_ready(addr);
            shutdown_signal().await;
            info!("shutting down");
            let _ = handle.stop();
            Ok(())
        })
    });
    agora_consensus::run(node_cfg, opened.chain, opened.genesis_block, services)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A minimal HTTP/1.1 responder for `GET /metrics`: reads at most 8 KiB of request head,
/// answers, closes.
async fn serve_metrics(
    listener: tokio::net::TcpListener,
    node: Arc<Metrics>,
    engine: agora_consensus::EngineMetrics,
) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            continue;
        };
        let node = node.clone();
        let engine = engine.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let mut n = 0;
            let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                while n < buf.len() {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(k) => {
                            n += k;
                            if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                                break;
                            }
                        }
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let head = String::from_utf8_lossy(&buf[..n]);
            let response = if head.starts_with("GET /metrics ") || head.starts_with("GET /metrics?")
            {
                let mut body = node.render();
                body.push_str(&engine());
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string()
            };
            if let Err(e) = sock.write_all(response.as_bytes()).await {
                warn!(error = %e, "metrics response");
            }
            let _ = sock.shutdown().await;
        });
    }
}
