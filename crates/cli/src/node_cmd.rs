//! `agora node`: run a node, either the dev chain (`--dev`) or from a configuration file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use agora_node::config::{DataDir, Settings};

/// Options of `agora node`.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    /// Run the single-validator dev chain.
    pub dev: bool,
    /// Configuration file (real deployments).
    pub config: Option<PathBuf>,
    /// Dev: keep the chain in this directory (otherwise ephemeral).
    pub data_dir: Option<PathBuf>,
    /// Dev: block time in milliseconds.
    pub block_time_ms: u64,
    /// Dev: JSON-RPC listen address.
    pub rpc_addr: SocketAddr,
    /// Prometheus listen address (overrides the config file's).
    pub metrics_addr: Option<SocketAddr>,
}

/// Resolves the options into node settings.
pub fn settings(opts: &NodeOptions) -> anyhow::Result<Settings> {
    let mut s = match (&opts.config, opts.dev) {
        (Some(path), false) => Settings::from_file(path).map_err(anyhow::Error::msg)?,
        (None, true) => {
            let dir = opts
                .data_dir
                .clone()
                .map_or(DataDir::Ephemeral, DataDir::Persistent);
            Settings::dev(
                dir,
                opts.rpc_addr,
                Duration::from_millis(opts.block_time_ms.max(1)),
            )
        }
        (Some(_), true) => anyhow::bail!("use either --dev or --config, not both"),
        (None, false) => anyhow::bail!("use --dev for a development chain or --config FILE"),
    };
    if opts.metrics_addr.is_some() {
        s.metrics_addr = opts.metrics_addr;
    }
    Ok(s)
}

/// Runs the node until SIGINT/SIGTERM; prints `rpc: http://ADDR` on standard output once
/// the RPC server listens.
pub fn run(opts: &NodeOptions) -> anyhow::Result<()> {
    let settings = settings(opts)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init()
        .ok();
    agora_node::service::run(settings, |addr| {
        println!("rpc: http://{addr}");
        println!("ws: ws://{addr}");
    })
    .map_err(anyhow::Error::msg)
}
