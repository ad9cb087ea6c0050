//! `agora localnet`: a whole network in one command (docs/cli.md "agora localnet").
//!
//! 1. starts the dev chain (`agora node --dev`, a child process: [`node`]) with its data in
//!    `<data>/chain`, and waits for its first block (the time is reported);
//! 2. creates or reopens the wallets it needs in `<data>/wallets` ([`setup::wallets`]);
//! 3. funds them from `//Alice`, registers a subnet, tunes its hyperparameters as root for a
//!    fast local network, starts it, registers the validators and miners and stakes the
//!    validators ([`setup::run`]; every step is skipped when the chain already has it);
//! 4. runs them: miners serve the subnet's axon and announce it on chain, validators query,
//!    score and set (or commit and reveal) weights on the chain's schedule
//!    ([`validator`], [`subnet`]);
//! 5. shows a live dashboard, or with `--blocks N` runs headless to block N and prints a
//!    summary (`--json`: one JSON document), then stops.
//!
//! Ctrl-C (or SIGTERM) stops the validators and miners, then the node (SIGTERM, so it
//! flushes its store), and keeps the data directory: a second run resumes from it.

pub mod dashboard;
pub mod node;
pub mod routing;
pub mod setup;
pub mod state;
pub mod subnet;
pub mod validator;

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_api::runtime_api::CurrentAlphaPrice;
use agora_primitives::AccountId;
use agora_sdk::chain::{Chain, ChainClient as _, Endpoint, RpcClient};
use anyhow::Context as _;
use clap::Args;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::context::Globals;
use crate::exit::{Exit, fail};
use dashboard::Role;
use setup::{Plan, Roles};
use state::State;
use validator::{Activity, Validator};

/// `agora localnet` options.
#[derive(Debug, Args)]
pub struct LocalnetArgs {
    /// Validators to run.
    #[arg(long, default_value_t = 2)]
    pub validators: usize,
    /// Miners to run (default: 6 for routing, one per strategy; 3 for echo).
    #[arg(long)]
    pub miners: Option<usize>,
    /// The subnet to run: routing (route optimisation, subnets/routing) or echo.
    #[arg(long, default_value = "routing")]
    pub subnet: String,
    /// Data directory (chain, wallets, state); default ~/.agora/localnet.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Delete the data directory first and start a new chain.
    #[arg(long)]
    pub fresh: bool,
    /// Run without the dashboard until block N, print a summary and exit.
    #[arg(long, value_name = "N")]
    pub blocks: Option<u64>,
    /// RPC port of the node (0 = any free port).
    #[arg(long, default_value_t = agora_api::methods::DEFAULT_RPC_PORT)]
    pub port: u16,
    /// Block time in milliseconds.
    #[arg(long, default_value_t = 250)]
    pub block_time_ms: u64,
    /// Blocks per epoch on the localnet subnet.
    #[arg(long, default_value_t = 20)]
    pub tempo: u16,
    /// Validators commit and reveal their weights instead of setting them.
    #[arg(long)]
    pub commit_reveal: bool,
    /// TAO each validator stakes.
    #[arg(long, default_value_t = 1000)]
    pub validator_stake: u64,
}

fn default_dir() -> PathBuf {
    if let Some(h) = std::env::var_os("AGORA_HOME") {
        return PathBuf::from(h).join("localnet");
    }
    std::env::var_os("HOME")
        .map_or_else(|| PathBuf::from("."), PathBuf::from)
        .join(".agora")
        .join("localnet")
}

/// Runs `agora localnet`.
pub fn run(args: LocalnetArgs, g: &Globals) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if subnet::by_name(&args.subnet).is_none() {
        return fail(
            Exit::Usage,
            format!(
                "unknown subnet {:?}; built in: {}",
                args.subnet,
                subnet::NAMES.join(", ")
            ),
        );
    }
    let miners = args
        .miners
        .unwrap_or_else(|| subnet::default_miners(&args.subnet));
    if args.tempo == 0 || args.validators == 0 || miners == 0 {
        return fail(
            Exit::Usage,
            "--tempo, --validators and --miners must be at least 1",
        );
    }
    if args.validators + miners > 200 {
        return fail(Exit::Usage, "at most 200 neurons (the subnet has 256 uids)");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(Localnet::new(args, g.json, started)?.run())?;
    Ok(ExitCode::SUCCESS)
}

struct Localnet {
    args: LocalnetArgs,
    json: bool,
    started: Instant,
    dir: PathBuf,
    dashboard: bool,
}

/// Prints progress lines unless in JSON mode.
fn sayer(json: bool) -> impl Fn(&str) + Sync {
    move |line: &str| {
        if !json {
            println!("  {line}");
        }
    }
}

async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

impl Localnet {
    fn new(args: LocalnetArgs, json: bool, started: Instant) -> anyhow::Result<Self> {
        let dir = args.data_dir.clone().unwrap_or_else(default_dir);
        if args.fresh && dir.exists() {
            let looks_like_ours = dir.join("localnet.json").exists()
                || dir.join("chain").exists()
                || std::fs::read_dir(&dir)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false);
            if !looks_like_ours {
                return fail(
                    Exit::Usage,
                    format!(
                        "--fresh: {} is not a localnet data directory; not deleting it",
                        dir.display()
                    ),
                );
            }
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let dashboard = args.blocks.is_none() && std::io::stdout().is_terminal() && !json;
        Ok(Self {
            args,
            json,
            started,
            dir,
            dashboard,
        })
    }

    async fn run(self) -> anyhow::Result<()> {
        let say = sayer(self.json);
        let rpc_addr = SocketAddr::from(([127, 0, 0, 1], self.args.port));
        if self.args.port != 0 && std::net::TcpListener::bind(rpc_addr).is_err() {
            return fail(
                Exit::Failed,
                format!(
                    "port {} is in use (another agora localnet or node?); stop it or pass --port",
                    self.args.port
                ),
            );
        }
        let node = tokio::select! {
            n = node::start(&self.dir, rpc_addr, self.args.block_time_ms) => n?,
            () = interrupted() => return fail(Exit::Aborted, "interrupted"),
        };
        let endpoint = Endpoint::local(node.rpc.port());
        let outcome = self.with_node(&endpoint, &say).await;
        // Whatever happened, stop the node cleanly.
        let stopped = node.stop(Duration::from_secs(15)).await;
        outcome?;
        stopped?;
        if !self.json {
            println!(
                "stopped; data kept in {} (run again to resume, or --fresh to start over)",
                self.dir.display()
            );
        }
        Ok(())
    }

    async fn with_node(
        &self,
        endpoint: &Endpoint,
        say: &(dyn Fn(&str) + Sync),
    ) -> anyhow::Result<()> {
        let client = RpcClient::new(endpoint.clone(), Duration::from_secs(30))?;
        let chain = Arc::new(
            Chain::connect(client)
                .await?
                .with_wait_timeout(Duration::from_secs(60)),
        );
        let mut heads = chain.client().subscribe_heads().await?;
        let at_start = chain.head().await?.number;
        let first = loop {
            tokio::select! {
                h = heads.next() => match h {
                    Some(Ok(h)) if h.number > at_start => break h,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e.into()),
                    None => return fail(Exit::Unreachable, "the node stopped producing blocks"),
                },
                () = interrupted() => return fail(Exit::Aborted, "interrupted"),
                () = tokio::time::sleep(Duration::from_secs(30)) => {
                    return fail(Exit::Failed, format!("no block within 30 s; see {}", self.dir.join("node.log").display()));
                }
            }
        };
        let first_block = self.started.elapsed();
        if !self.json {
            println!(
                "agora localnet: chain {} at {}, block #{} after {} ms ({})",
                chain.info().chain_id,
                endpoint.http,
                first.number,
                first_block.as_millis(),
                if at_start == 0 {
                    "new chain"
                } else {
                    "resumed"
                }
            );
        }

        let mut st = State::load(&self.dir)?;
        if !st.genesis_hash.is_empty() && st.genesis_hash != chain.info().genesis_hash {
            st = State::default();
        }
        st.genesis_hash = chain.info().genesis_hash.clone();
        st.subnet = self.args.subnet.clone();
        let roles = setup::wallets(
            &self.dir.join("wallets"),
            self.args.validators,
            self.args
                .miners
                .unwrap_or_else(|| subnet::default_miners(&self.args.subnet)),
        )?;
        let plan = Plan {
            tempo: self.args.tempo,
            commit_reveal: self.args.commit_reveal,
            validator_stake_tao: self.args.validator_stake,
        };
        let netuid = tokio::select! {
            n = setup::run(&chain, &roles, &plan, st.netuid, say) => n?,
            () = interrupted() => return fail(Exit::Aborted, "interrupted during setup"),
        };
        st.netuid = Some(netuid);
        st.save(&self.dir)?;

        let subnet: Arc<dyn subnet::LocalSubnet> =
            Arc::from(subnet::by_name(&self.args.subnet).context("unknown subnet")?);
        // Miners: bind (the same port as last time if free), serve, announce.
        let mut axons = Vec::new();
        let mut served = Vec::new();
        let count = roles.miners.len();
        for (i, m) in roles.miners.iter().enumerate() {
            let want = st.miner_ports.get(&m.name).copied().unwrap_or(0);
            let listener = match TcpListener::bind((setup::MINER_IP, want)).await {
                Ok(l) => l,
                Err(_) => TcpListener::bind((setup::MINER_IP, 0)).await.with_context(|| {
                    format!("cannot listen on {} (miners need a loopback address other than 127.0.0.1, which the chain refuses)", setup::MINER_IP)
                })?,
            };
            let port = listener.local_addr()?.port();
            axons.push(subnet.serve_miner(i, count, m.hotkey.clone(), listener)?);
            st.miner_ports.insert(m.name.clone(), port);
            served.push((m.clone(), port));
        }
        setup::serve_axons(&chain, netuid, &served).await?;
        st.save(&self.dir)?;
        say(&format!(
            "{count} miners serving the {} axon",
            subnet.name()
        ));

        let names = names_of(&roles);
        let labels: Vec<(AccountId, &'static str)> = roles
            .miners
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((m.hotkey.public(), subnet.miner_label(i)?)))
            .collect();
        let start_stakes: Vec<(AccountId, u64)> = match chain.metagraph(netuid, 0, true).await? {
            Some(m) => m
                .hotkeys
                .iter()
                .copied()
                .zip(m.total_stake.iter().copied())
                .collect(),
            None => Vec::new(),
        };

        let log = Activity::default();
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = Vec::new();
        for v in &roles.validators {
            let task = Validator {
                member: v.clone(),
                chain: Arc::clone(&chain),
                netuid,
                subnet: Arc::clone(&subnet),
                pending: st.commits.remove(&v.name).unwrap_or_default(),
                log: log.clone(),
            };
            tasks.push((v.name.clone(), tokio::spawn(task.run(stop_rx.clone()))));
        }
        say(&format!("{} validators running", roles.validators.len()));

        let show = Show {
            chain: &chain,
            netuid,
            names: &names,
            start: &start_stakes,
            first_block,
            started: self.started,
            endpoint: &endpoint.http,
            dir: &self.dir,
            subnet: &*subnet,
            labels: &labels,
        };
        let result = match self.args.blocks {
            Some(n) => self.headless(&show, &mut heads, n, &log).await,
            None if self.dashboard => self.live(&show, &mut heads, &log).await,
            None => self.plain(&show, &mut heads, &log).await,
        };

        // Stop the neurons, then keep what they must remember.
        let _ = stop_tx.send(true);
        for (name, t) in tasks {
            if let Ok(Ok(pending)) = tokio::time::timeout(Duration::from_secs(20), t).await
                && !pending.is_empty()
            {
                st.commits.insert(name, pending);
            }
        }
        for a in axons {
            let _ = a.stop().await;
        }
        st.save(&self.dir)?;
        result
    }

    async fn headless(
        &self,
        show: &Show<'_>,
        heads: &mut agora_sdk::chain::Watch<agora_api::HeadInfo>,
        until: u64,
        log: &Activity,
    ) -> anyhow::Result<()> {
        let mut head = show.chain.head().await?;
        let mut last_epoch = 0;
        while head.number < until {
            tokio::select! {
                h = heads.next() => match h {
                    Some(Ok(h)) => head = h,
                    Some(Err(e)) => return Err(e.into()),
                    None => return fail(Exit::Unreachable, "the node stopped producing blocks"),
                },
                () = interrupted() => return fail(Exit::Aborted, "interrupted"),
            }
            if !self.json && head.number >= last_epoch + u64::from(self.args.tempo) {
                last_epoch = head.number;
                println!("  block #{}/{until}", head.number);
            }
        }
        let mut v = show.view(&head).await?;
        v.log = log.lines();
        if self.json {
            println!("{}", serde_json::to_string_pretty(&v)?);
        } else {
            print!("{}", dashboard::render(&v, &v.log));
        }
        Ok(())
    }

    async fn live(
        &self,
        show: &Show<'_>,
        heads: &mut agora_sdk::chain::Watch<agora_api::HeadInfo>,
        log: &Activity,
    ) -> anyhow::Result<()> {
        let mut out = std::io::stdout();
        write!(out, "{}", dashboard::ENTER)?;
        out.flush()?;
        let r = async {
            let mut last_draw = Instant::now() - Duration::from_secs(1);
            loop {
                let head = tokio::select! {
                    h = heads.next() => match h {
                        Some(Ok(h)) => h,
                        Some(Err(e)) => return Err(e.into()),
                        None => return fail(Exit::Unreachable, "the node stopped producing blocks"),
                    },
                    () = interrupted() => return Ok(()),
                };
                if last_draw.elapsed() < Duration::from_millis(200) {
                    continue;
                }
                last_draw = Instant::now();
                let v = show.view(&head).await?;
                let mut out = std::io::stdout();
                write!(
                    out,
                    "{}",
                    dashboard::frame(&dashboard::render(&v, &log.lines()))
                )?;
                out.flush()?;
            }
        }
        .await;
        let mut out = std::io::stdout();
        write!(out, "{}", dashboard::LEAVE)?;
        out.flush()?;
        r
    }

    async fn plain(
        &self,
        show: &Show<'_>,
        heads: &mut agora_sdk::chain::Watch<agora_api::HeadInfo>,
        log: &Activity,
    ) -> anyhow::Result<()> {
        let mut last_epoch = u64::MAX;
        let mut shown = 0usize;
        loop {
            let head = tokio::select! {
                h = heads.next() => match h {
                    Some(Ok(h)) => h,
                    Some(Err(e)) => return Err(e.into()),
                    None => return fail(Exit::Unreachable, "the node stopped producing blocks"),
                },
                () = interrupted() => return Ok(()),
            };
            let lines = log.lines();
            for l in lines.iter().skip(shown.min(lines.len())) {
                println!("  {l}");
            }
            shown = lines.len();
            let v = show.view(&head).await?;
            if v.last_epoch != last_epoch {
                last_epoch = v.last_epoch;
                print!("{}", dashboard::render(&v, &[]));
            }
        }
    }
}

fn names_of(roles: &Roles) -> Vec<(AccountId, String, Role)> {
    let mut v = vec![(
        roles.owner.hotkey.public(),
        roles.owner.name.clone(),
        Role::Owner,
    )];
    v.extend(
        roles
            .validators
            .iter()
            .map(|m| (m.hotkey.public(), m.name.clone(), Role::Validator)),
    );
    v.extend(
        roles
            .miners
            .iter()
            .map(|m| (m.hotkey.public(), m.name.clone(), Role::Miner)),
    );
    v
}

/// What the dashboard and the summary read.
struct Show<'a> {
    chain: &'a Arc<Chain<RpcClient>>,
    netuid: u16,
    names: &'a [(AccountId, String, Role)],
    start: &'a [(AccountId, u64)],
    first_block: Duration,
    started: Instant,
    endpoint: &'a str,
    dir: &'a std::path::Path,
    subnet: &'a dyn subnet::LocalSubnet,
    labels: &'a [(AccountId, &'static str)],
}

impl Show<'_> {
    async fn view(&self, head: &agora_api::HeadInfo) -> anyhow::Result<dashboard::View> {
        let m = self
            .chain
            .metagraph(self.netuid, 0, true)
            .await?
            .context("the subnet vanished")?;
        let price = self.chain.api::<CurrentAlphaPrice>((self.netuid,)).await?;
        let mut v = dashboard::view(
            &m,
            head,
            price,
            self.names,
            self.start,
            self.first_block,
            self.started.elapsed(),
            self.endpoint,
            &self.dir.display().to_string(),
            self.subnet.name(),
        );
        let quality = self.subnet.quality();
        for r in &mut v.neurons {
            r.strategy = self
                .labels
                .iter()
                .find(|(h, _)| h.to_string() == r.hotkey)
                .map(|(_, l)| (*l).to_owned());
            r.quality = quality.iter().find(|(u, _)| *u == r.uid).map(|(_, q)| *q);
        }
        Ok(v)
    }
}
