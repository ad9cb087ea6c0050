//! `agora subnet routing …`: the routing subnet's miner, buyer gateway and a local solver
//! (subnets/routing/README.md).
//!
//! The validator command is not here yet: it needs the chain client (metagraph and weight
//! extrinsics), which the SDK does not have so far; its loop logic is
//! `agora_subnet_routing::validator` and runs against any `Chain` implementation.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_sdk::dendrite::Dendrite;
use agora_subnet_routing::gateway::{
    Buyer, Gateway, GatewayConfig, SystemClock, key_hash, router, serve,
};
use agora_subnet_routing::miner::{MinerConfig, Strategy};
use agora_subnet_routing::network::{Btauth, DendritePool, KnownMiner, MinerNetConfig, miner_axon};
use agora_subnet_routing::problem::{MAX_STOPS, Problem};
use agora_subnet_routing::solution::verify;
use agora_subnet_routing::solve::{Budget, Solver, solve};
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use crate::sdk_cmds::{WalletPath, load_hotkey};

/// `agora subnet routing …`.
#[derive(Debug, Subcommand)]
pub enum RoutingCmd {
    /// Serve the SolveRoutes synapse on an axon with a solver strategy.
    Miner(MinerArgs),
    /// Run the buyer gateway (POST /v1/solve, GET /v1/usage, GET /v1/openapi.json).
    Gateway(GatewayArgs),
    /// Solve a problem file locally and print the verified solution and its cost.
    Solve(SolveArgs),
    /// Print the BLAKE2b-256 of an API key, for a buyers file's `key_blake2b`.
    KeyHash {
        /// The API key.
        key: String,
    },
}

/// `agora subnet routing miner`.
#[derive(Debug, Args)]
pub struct MinerArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8091)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "0.0.0.0")]
    pub ip: String,
    /// Wallet name.
    #[arg(long, default_value = "default")]
    pub wallet: String,
    /// Hotkey name.
    #[arg(long, default_value = "default")]
    pub hotkey: String,
    /// nearest-neighbour, two-opt, or-opt, strong, lazy or faulty.
    #[arg(long, default_value = "strong")]
    pub strategy: Strategy,
    /// Milliseconds kept back from each request's time limit for the reply.
    #[arg(long, default_value_t = 150)]
    pub margin_ms: u64,
    /// Only these hotkeys (SS58) may query.
    #[arg(long, value_name = "SS58")]
    pub allow: Vec<String>,
}

/// `agora subnet routing gateway`.
#[derive(Debug, Args)]
pub struct GatewayArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub ip: String,
    /// Wallet name (its hotkey signs the dendrite's requests and receives btauth/1).
    #[arg(long, default_value = "default")]
    pub wallet: String,
    /// Hotkey name.
    #[arg(long, default_value = "default")]
    pub hotkey: String,
    /// Buyers: a JSON array of {id, key_blake2b?, hotkey?, quota: {requests, stops}}.
    #[arg(long)]
    pub buyers: PathBuf,
    /// Miners: a JSON array of {uid, hotkey, ip, port, incentive} (until the metagraph).
    #[arg(long)]
    pub miners: PathBuf,
    /// Directory of the usage journal.
    #[arg(long)]
    pub data: PathBuf,
    /// Miners asked per request.
    #[arg(long, default_value_t = 8)]
    pub fan_out: usize,
    /// Largest problem accepted.
    #[arg(long, default_value_t = MAX_STOPS)]
    pub max_stops: usize,
    /// Accept btauth/1 signed requests (buyers with a `hotkey`).
    #[arg(long)]
    pub btauth: bool,
}

/// `agora subnet routing solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The problem (JSON, the gateway's `problem` object).
    pub file: PathBuf,
    /// nearest-neighbour, two-opt, or-opt or strong.
    #[arg(long, default_value = "strong")]
    pub solver: String,
    /// Time the strong solver may use, in milliseconds.
    #[arg(long, default_value_t = 2_000)]
    pub time_ms: u64,
}

fn parse_solver(name: &str) -> anyhow::Result<Solver> {
    Solver::ALL
        .into_iter()
        .find(|s| s.name() == name)
        .with_context(|| {
            format!(
                "unknown solver {name:?}: expected nearest-neighbour, two-opt, or-opt or strong"
            )
        })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &PathBuf) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// Runs a routing command, printing to `out`.
pub fn run(cmd: RoutingCmd, path: &WalletPath, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    match cmd {
        RoutingCmd::KeyHash { key } => writeln!(out, "{}", key_hash(&key))?,
        RoutingCmd::Solve(args) => {
            let solver = parse_solver(&args.solver)?;
            let problem: Problem = read_json(&args.file)?;
            problem.validate(MAX_STOPS).context("invalid problem")?;
            let started = Instant::now();
            let budget = Budget::until(started + Duration::from_millis(args.time_ms));
            let solution = solve(&problem, solver, &budget, 0);
            let verified =
                verify(&problem, &solution).context("the solver returned an invalid solution")?;
            let report = serde_json::json!({
                "solver": solver.name(),
                "cost": verified.cost,
                "routes": solution.routes,
                "elapsed_ms": started.elapsed().as_millis(),
            });
            writeln!(out, "{report}")?;
        }
        RoutingCmd::Miner(args) => {
            let key = load_hotkey(path, &args.wallet, &args.hotkey)?;
            let addr: SocketAddr = format!("{}:{}", args.ip, args.port)
                .parse()
                .with_context(|| format!("bad address {}:{}", args.ip, args.port))?;
            let hotkey = key.public();
            let config = MinerNetConfig {
                miner: MinerConfig {
                    strategy: args.strategy,
                    margin_ms: args.margin_ms,
                    ..MinerConfig::default()
                },
                allow: (!args.allow.is_empty()).then_some(args.allow),
                ..MinerNetConfig::default()
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot bind {addr}"))?;
                let handle = miner_axon(key, config).serve(listener)?;
                writeln!(
                    out,
                    "serving SolveRoutes ({}) on {} as {hotkey}",
                    args.strategy.name(),
                    handle.local_addr
                )?;
                out.flush()?;
                handle.wait().await?;
                anyhow::Ok(())
            })?;
        }
        RoutingCmd::Gateway(args) => {
            let key = load_hotkey(path, &args.wallet, &args.hotkey)?;
            let buyers: Vec<Buyer> = read_json(&args.buyers)?;
            let miners: Vec<KnownMiner> = read_json(&args.miners)?;
            if miners.is_empty() {
                bail!("{}: no miners", args.miners.display());
            }
            let addr: SocketAddr = format!("{}:{}", args.ip, args.port)
                .parse()
                .with_context(|| format!("bad address {}:{}", args.ip, args.port))?;
            let hotkey = key.public().to_string();
            let btauth = args.btauth.then(|| {
                Arc::new(Btauth::new(hotkey.clone()))
                    as Arc<dyn agora_subnet_routing::gateway::SignatureAuth>
            });
            let config = GatewayConfig {
                fan_out: args.fan_out,
                max_stops: args.max_stops,
                ..GatewayConfig::default()
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let pool = Arc::new(DendritePool::new(Dendrite::new(key), miners));
                let gw = Gateway::new(
                    config,
                    buyers,
                    &args.data,
                    pool,
                    Arc::new(SystemClock),
                    btauth,
                )?;
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot bind {addr}"))?;
                writeln!(
                    out,
                    "gateway on http://{} as {hotkey}",
                    listener.local_addr()?
                )?;
                out.flush()?;
                serve(listener, router(Arc::new(gw))).await?;
                anyhow::Ok(())
            })?;
        }
    }
    Ok(())
}
