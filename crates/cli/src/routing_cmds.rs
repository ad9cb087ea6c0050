//! `agora subnet routing …`: the routing subnet's miner, validator, buyer gateway and a
//! local solver (subnets/routing/README.md).
//!
//! The loops live in the subnet's library (`agora_subnet_routing::validator::run_round`,
//! the gateway's router); this module only parses flags, loads keys, connects to the node
//! (`agora_subnet_routing::chain`) and prints what happens.

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

use agora_subnet_routing::chain::{MetagraphPool, SdkChain};
use agora_subnet_routing::generate::{MIN_TASK_STOPS, TaskConfig};
use agora_subnet_routing::network::DendriteMiners;
use agora_subnet_routing::scoring::{Answer, Sharpening};
use agora_subnet_routing::validator::{
    RoundReport, Validator, ValidatorConfig, WeightAction, run_round,
};

use crate::context::Globals;

/// `agora subnet routing …`.
#[derive(Debug, Subcommand)]
pub enum RoutingCmd {
    /// Serve the SolveRoutes synapse on an axon with a solver strategy.
    Miner(MinerArgs),
    /// Validate: send fresh instances to the subnet's miners, verify and score their routes,
    /// and set weights on the chain's schedule (commit-reveal when the subnet uses it).
    Validator(ValidatorArgs),
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

/// `agora subnet routing validator`.
#[derive(Debug, Args)]
pub struct ValidatorArgs {
    /// Subnet.
    #[arg(long)]
    pub netuid: u16,
    /// Wallet name.
    #[arg(long, default_value = "default")]
    pub wallet: String,
    /// Hotkey name (registered on the subnet, with a validator permit to set weights).
    #[arg(long, default_value = "default")]
    pub hotkey: String,
    /// State file: scores, the round secret and unrevealed commits (default: in the
    /// wallet's directory, `routing-validator-<hotkey>-<netuid>.json`).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Time limit given to miners per request (ms).
    #[arg(long, default_value_t = 2_000)]
    pub time_limit_ms: u64,
    /// Extra time before an answer counts as late (ms).
    #[arg(long, default_value_t = 500)]
    pub grace_ms: u64,
    /// Smallest task (stops).
    #[arg(long, default_value_t = MIN_TASK_STOPS)]
    pub min_stops: u32,
    /// Largest task (stops).
    #[arg(long, default_value_t = 2_000)]
    pub max_stops: u32,
    /// Most miners queried per round.
    #[arg(long, default_value_t = 64)]
    pub sample_size: usize,
    /// Weight of a new round in the score EMA, in parts per million.
    #[arg(long, default_value_t = 100_000)]
    pub alpha_ppm: u64,
    /// Scores-to-weights exponent (1 = proportional; higher favours the best solvers).
    #[arg(long, default_value_t = 8)]
    pub sharpening: u32,
    /// Pause between rounds (ms).
    #[arg(long, default_value_t = 1_000)]
    pub pause_ms: u64,
    /// Stop after this many rounds (default: until interrupted).
    #[arg(long)]
    pub rounds: Option<u64>,
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
    /// Take the miners from this subnet's metagraph (ranked by incentive, re-read every
    /// 12 s) through the node of `--endpoint`.
    #[arg(long, conflicts_with = "miners", required_unless_present = "miners")]
    pub netuid: Option<u16>,
    /// Or a fixed list: a JSON array of {uid, hotkey, ip, port, incentive}.
    #[arg(long)]
    pub miners: Option<PathBuf>,
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
pub fn run(cmd: RoutingCmd, g: &Globals, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    match cmd {
        RoutingCmd::Validator(args) => validator(args, g, out)?,
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
            let key = g.hotkey(&args.wallet, &args.hotkey)?;
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
            let key = g.hotkey(&args.wallet, &args.hotkey)?;
            let buyers: Vec<Buyer> = read_json(&args.buyers)?;
            let miners: Option<Vec<KnownMiner>> = match &args.miners {
                Some(file) => {
                    let list: Vec<KnownMiner> = read_json(file)?;
                    if list.is_empty() {
                        bail!("{}: no miners", file.display());
                    }
                    Some(list)
                }
                None => None,
            };
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
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot bind {addr}"))?;
                let dendrite = Dendrite::new(key);
                let app = match (miners, args.netuid) {
                    (Some(list), _) => {
                        let pool = Arc::new(DendritePool::new(dendrite, list));
                        router(Arc::new(Gateway::new(
                            config,
                            buyers,
                            &args.data,
                            pool,
                            Arc::new(SystemClock),
                            btauth,
                        )?))
                    }
                    (None, Some(netuid)) => {
                        let chain = Arc::new(g.chain().await?);
                        if !chain.subnet_exists(netuid).await? {
                            bail!("subnet {netuid} does not exist");
                        }
                        let refresh = Duration::from_secs(12);
                        let pool = Arc::new(MetagraphPool::new(chain, netuid, dendrite, refresh));
                        router(Arc::new(Gateway::new(
                            config,
                            buyers,
                            &args.data,
                            pool,
                            Arc::new(SystemClock),
                            btauth,
                        )?))
                    }
                    (None, None) => bail!("pass --netuid N or --miners FILE"),
                };
                writeln!(
                    out,
                    "gateway on http://{} as {hotkey}",
                    listener.local_addr()?
                )?;
                out.flush()?;
                serve(listener, app).await?;
                anyhow::Ok(())
            })?;
        }
    }
    Ok(())
}

/// One line about a round: answers by kind, the best cost and who found it, the weight calls.
fn round_line(r: &RoundReport) -> String {
    let valid: Vec<(u16, u64)> = r
        .answers
        .iter()
        .filter_map(|(uid, a)| match a {
            Answer::Valid { cost } => Some((*uid, *cost)),
            _ => None,
        })
        .collect();
    let best = valid.iter().min_by_key(|(uid, c)| (*c, *uid)).map_or_else(
        || "no valid route".to_owned(),
        |(u, c)| format!("best {c} by uid {u}"),
    );
    let calls: Vec<String> = r
        .weights
        .iter()
        .map(|w| match w {
            WeightAction::Nothing => "no weights due".to_owned(),
            WeightAction::Set { uids, .. } => format!("set weights on {} uids", uids.len()),
            WeightAction::Commit(c) => format!("committed weights (epoch {})", c.epoch),
            WeightAction::Reveal(c) => format!("revealed the epoch-{} commit", c.epoch),
        })
        .collect();
    format!(
        "round {}: {} queried, {} valid, {best}, baseline {}; {}",
        r.round,
        r.answers.len(),
        valid.len(),
        r.baseline,
        if calls.is_empty() {
            "no weights due".to_owned()
        } else {
            calls.join(", ")
        }
    )
}

/// `agora subnet routing validator`: rounds until interrupted (or `--rounds`), one line each.
fn validator(args: ValidatorArgs, g: &Globals, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let key = g.hotkey(&args.wallet, &args.hotkey)?;
    let state = match args.state {
        Some(p) => p,
        None => g.wallet(&args.wallet)?.dir().join(format!(
            "routing-validator-{}-{}.json",
            args.hotkey, args.netuid
        )),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let chain = Arc::new(g.chain().await?);
        let Some(m) = chain.metagraph(args.netuid, 0, true).await? else {
            bail!("subnet {} does not exist", args.netuid);
        };
        let me = key.public();
        let Some(uid) = m.uid_of(&me) else {
            bail!(
                "hotkey {me} is not registered on subnet {} (register it with `agora register --netuid {}`)",
                args.netuid,
                args.netuid
            );
        };
        let config = ValidatorConfig {
            tasks: TaskConfig {
                min_stops: args.min_stops,
                max_stops: args.max_stops,
                ..TaskConfig::default()
            },
            time_limit_ms: args.time_limit_ms,
            grace_ms: args.grace_ms,
            alpha_ppm: args.alpha_ppm.min(1_000_000),
            sharpening: Sharpening {
                exponent: args.sharpening.max(1),
            },
            sample_size: args.sample_size.max(1),
            version_key: m.info.weights_version,
            ..ValidatorConfig::default()
        };
        let mut v = Validator::open(config, &state, agora_sdk::util::random_bytes())
            .with_context(|| format!("state file {}", state.display()))?;
        if !g.json {
            writeln!(
                out,
                "validating subnet {} as uid {uid} ({me}); state in {}",
                args.netuid,
                state.display()
            )?;
            out.flush()?;
        }
        let on_chain = SdkChain::new(Arc::clone(&chain), args.netuid, key.clone());
        let miners = DendriteMiners {
            dendrite: Dendrite::new(key),
        };
        let mut done = 0u64;
        loop {
            if args.rounds.is_some_and(|n| done >= n) {
                break;
            }
            let round = run_round(&mut v, &on_chain, &miners);
            tokio::select! {
                r = round => {
                    match r {
                        Ok(report) if g.json => writeln!(out, "{}", round_json(&report))?,
                        Ok(report) => writeln!(out, "{}", round_line(&report))?,
                        // A failed round (node unreachable, a rejected weight call) is
                        // reported and the loop goes on: the state file is saved either way.
                        Err(e) if g.json => writeln!(
                            out,
                            "{}",
                            serde_json::json!({ "round": v.state().round, "error": e.to_string() })
                        )?,
                        Err(e) => writeln!(out, "round {}: {e}", v.state().round)?,
                    }
                    out.flush()?;
                }
                _ = tokio::signal::ctrl_c() => break,
            }
            done += 1;
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(args.pause_ms)) => {}
                _ = tokio::signal::ctrl_c() => break,
            }
        }
        anyhow::Ok(())
    })
}

/// A round as one JSON object (`--json`).
fn round_json(r: &RoundReport) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = r
        .answers
        .iter()
        .map(|(uid, a)| {
            let (kind, cost) = match a {
                Answer::Valid { cost } => ("valid", Some(*cost)),
                Answer::Invalid => ("invalid", None),
                Answer::Late => ("late", None),
                Answer::Missing => ("missing", None),
            };
            serde_json::json!({ "uid": uid, "answer": kind, "cost": cost })
        })
        .collect();
    let weights: Vec<&str> = r
        .weights
        .iter()
        .map(|w| match w {
            WeightAction::Nothing => "none",
            WeightAction::Set { .. } => "set",
            WeightAction::Commit(_) => "commit",
            WeightAction::Reveal(_) => "reveal",
        })
        .collect();
    serde_json::json!({
        "round": r.round,
        "baseline": r.baseline,
        "answers": answers,
        "rewards_ppm": r.rewards,
        "weights": weights,
    })
}
