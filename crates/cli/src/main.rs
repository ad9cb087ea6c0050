//! The `agora` binary: parse arguments, call into `agora_cli`.

use agora_cli::epoch_cmd::{self, EpochOptions};
use agora_cli::sdk_cmds;
use agora_cli::sim_cmd;
use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::io::{BufReader, IsTerminal as _};
use std::path::PathBuf;
use std::process::ExitCode;

// The simulator and the epoch allocate and free many short-lived buffers; glibc's allocator
// returns them to the OS and pays page faults for it (ARCHITECTURE.md, "mimalloc").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Agora: a Rust implementation of the Bittensor protocol.
#[derive(Debug, Parser)]
#[command(name = "agora", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    wallet_path: sdk_cmds::WalletPath,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Yuma Consensus epoch on JSON Lines cases (shared/spec/epoch-io.md).
    ///
    /// Reads one case per line from FILE (or standard input): a case object with an `input`
    /// key, or a bare input object. Writes one output object per line. Exit status 2 if any
    /// line is malformed (that line gets no output and an error on standard error).
    Epoch {
        /// Run the dense test variant instead of the production sparse epoch.
        #[arg(long)]
        dense: bool,
        /// Include the exact fixed-point intermediates (`fixed`).
        #[arg(long)]
        fixed: bool,
        /// Run each case K times and print `case=<line> n=<n> median_us=<µs>` to standard error.
        #[arg(long, value_name = "K", default_value_t = 1)]
        repeat: u32,
        /// Input file (standard input if omitted or `-`).
        file: Option<PathBuf>,
    },
    /// Run a node: `--dev` for a single-validator development chain (docs/node.md), or
    /// `--config FILE` for a member of a real network.
    Node {
        /// Development chain: one validator, funded dev accounts (//Alice … //Ferdie).
        #[arg(long)]
        dev: bool,
        /// Node configuration file (TOML, docs/node.md).
        #[arg(long, value_name = "FILE", conflicts_with = "dev")]
        config: Option<PathBuf>,
        /// Dev: keep the chain in this directory (default: a temporary one, deleted on exit).
        #[arg(long, value_name = "DIR", requires = "dev")]
        data_dir: Option<PathBuf>,
        /// Dev: target block time in milliseconds.
        #[arg(long, value_name = "MS", default_value_t = 250)]
        block_time_ms: u64,
        /// Dev: JSON-RPC (HTTP and WebSocket) address.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9944")]
        rpc_addr: std::net::SocketAddr,
        /// Prometheus `/metrics` address.
        #[arg(long, value_name = "ADDR")]
        metrics_addr: Option<std::net::SocketAddr>,
    },
    /// Check a genesis file (docs/genesis.md) and print its genesis hash and state root.
    Genesis {
        /// The genesis JSON file.
        file: PathBuf,
    },
    /// Bittensor wallets: create, regenerate, import, list, show (docs/sdk.md).
    #[command(subcommand)]
    Wallet(sdk_cmds::WalletCmd),
    /// Axons (servers).
    #[command(subcommand)]
    Axon(AxonCmd),
    /// Dendrites (clients).
    #[command(subcommand)]
    Dendrite(DendriteCmd),
    /// Simulate incentives on the real runtime (scenario files: docs/sim.md).
    Sim {
        #[command(subcommand)]
        command: SimCommand,
    },
    /// Subnets built on Agora.
    #[command(subcommand)]
    Subnet(SubnetCmd),
}

#[derive(Debug, Subcommand)]
enum SubnetCmd {
    /// The routing subnet: route optimisation miners and the buyer gateway (subnets/routing).
    #[command(subcommand)]
    Routing(agora_cli::routing_cmds::RoutingCmd),
}

#[derive(Debug, Subcommand)]
enum AxonCmd {
    /// Serve the subnet template's Dummy synapse (dummy_output = 2 × dummy_input).
    Example(sdk_cmds::AxonExample),
}

#[derive(Debug, Subcommand)]
enum DendriteCmd {
    /// Send one signed synapse request and print the answer, status and latency.
    Query(sdk_cmds::DendriteQuery),
}

#[derive(Debug, Subcommand)]
enum SimCommand {
    /// Run a scenario; write run.json, epochs/groups/teams CSV and report.html.
    Run {
        /// The scenario (TOML).
        file: PathBuf,
        /// Output directory (default: sim-out/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Run the scenario's [sweep] grid in parallel; write sweep.json, sweep.csv, report.html.
    Sweep {
        /// The scenario (TOML) with a [sweep] table.
        file: PathBuf,
        /// Output directory (default: sim-out/<scenario name>-sweep).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Validate a scenario and print its size.
    Check {
        /// The scenario (TOML).
        file: PathBuf,
    },
}

/// Runs the command; a reader that closes our output early (`agora epoch … | head`) ends the
/// run quietly, as Unix tools do, instead of reporting an error.
fn main() -> anyhow::Result<ExitCode> {
    match run(Cli::parse()) {
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Wallet(cmd) => {
            sdk_cmds::wallet(cmd, &cli.wallet_path, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Axon(AxonCmd::Example(args)) => {
            sdk_cmds::axon_example(args, &cli.wallet_path)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Dendrite(DendriteCmd::Query(args)) => {
            let ok =
                sdk_cmds::dendrite_query(args, &cli.wallet_path, &mut std::io::stdout().lock())?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Sim { command } => {
            let stdout = std::io::stdout().lock();
            match command {
                SimCommand::Run { file, out, seed } => {
                    let mut scenario = sim_cmd::load(&file)?;
                    if let Some(seed) = seed {
                        scenario.seed = seed;
                    }
                    let out = out.unwrap_or_else(|| PathBuf::from("sim-out").join(&scenario.name));
                    sim_cmd::run(&scenario, &out, stdout)?;
                }
                SimCommand::Sweep { file, out, threads } => {
                    let scenario = sim_cmd::load(&file)?;
                    let threads = threads.unwrap_or_else(|| {
                        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
                    });
                    let out = out.unwrap_or_else(|| {
                        PathBuf::from("sim-out").join(format!("{}-sweep", scenario.name))
                    });
                    sim_cmd::sweep(&scenario, &out, threads, stdout)?;
                }
                SimCommand::Check { file } => sim_cmd::check(&sim_cmd::load(&file)?, stdout)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Subnet(SubnetCmd::Routing(cmd)) => {
            agora_cli::routing_cmds::run(cmd, &cli.wallet_path, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Node {
            dev,
            config,
            data_dir,
            block_time_ms,
            rpc_addr,
            metrics_addr,
        } => {
            agora_cli::node_cmd::run(&agora_cli::node_cmd::NodeOptions {
                dev,
                config,
                data_dir,
                block_time_ms,
                rpc_addr,
                metrics_addr,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Genesis { file } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            agora_cli::genesis_cmd::run(&json, std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Epoch {
            dense,
            fixed,
            repeat,
            file,
        } => {
            let options = EpochOptions {
                dense,
                fixed,
                repeat,
            };
            let stdout = std::io::stdout().lock();
            let stderr = std::io::stderr().lock();
            let status = match file.filter(|f| f.as_os_str() != "-") {
                Some(path) => {
                    let f = std::fs::File::open(&path)
                        .with_context(|| format!("cannot open {}", path.display()))?;
                    epoch_cmd::run(options, BufReader::new(f), stdout, stderr)?
                }
                None => {
                    let stdin = std::io::stdin();
                    if stdin.is_terminal() {
                        eprintln!(
                            "reading epoch cases from standard input (one JSON object per line)…"
                        );
                    }
                    epoch_cmd::run(options, stdin.lock(), stdout, stderr)?
                }
            };
            Ok(ExitCode::from(status))
        }
    }
}
