//! `agora subnet …`: list, show, create, start, and hyperparameters get/set.

use agora_api::runtime_api as api;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_runtime::info::wire::unsigned_decimal;
use agora_runtime::info::{HyperparamEntry, HyperparamValue};
use agora_sdk::chain::units::Amount;
use agora_sdk::chain::{Chain, RpcClient};
use clap::Subcommand;
use serde_json::json;

use super::params::{self, Scope};
use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use crate::ui::{Table, confirm, proportion, short};

/// `agora subnet …`.
#[derive(Debug, Subcommand)]
pub enum SubnetCmd {
    /// Every subnet with its pool, price and size.
    List,
    /// One subnet: its terms and its neurons.
    Show {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
    },
    /// Register a new subnet owned by the wallet's coldkey (locks the registration cost).
    Create {
        /// Owner wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// Owner hotkey (becomes uid 0): a hotkey name of the wallet or an SS58 address.
        #[arg(long, default_value = "default")]
        hotkey: String,
    },
    /// Start a subnet's emission (owner).
    Start {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Owner wallet.
        #[arg(long, default_value = "default")]
        name: String,
    },
    /// Read or set hyperparameters.
    #[command(subcommand, alias = "hparams")]
    Hyperparameters(HyperparamsCmd),
    /// The routing subnet: route optimisation miners and the buyer gateway (subnets/routing).
    #[command(subcommand)]
    Routing(crate::routing_cmds::RoutingCmd),
}

/// `agora subnet hyperparameters …`.
#[derive(Debug, Subcommand)]
pub enum HyperparamsCmd {
    /// Every hyperparameter of a subnet.
    Get {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
    },
    /// Set one, signed by the subnet owner's coldkey.
    Set {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Parameter name, as `get` prints it (e.g. tempo, weights_rate_limit).
        #[arg(long)]
        param: String,
        /// New value (integers; true/false for flags).
        #[arg(long)]
        value: String,
        /// Owner wallet.
        #[arg(long, default_value = "default")]
        name: String,
    },
}

/// Runs `agora subnet …`.
pub fn run(cmd: SubnetCmd, g: &Globals) -> anyhow::Result<()> {
    if let SubnetCmd::Routing(cmd) = cmd {
        // The routing tools run their own runtimes (axon servers, the validator, the gateway).
        return crate::routing_cmds::run(cmd, g, &mut std::io::stdout().lock());
    }
    block_on(async {
        match cmd {
            SubnetCmd::List => list(g).await,
            SubnetCmd::Show { netuid } => show(g, netuid).await,
            SubnetCmd::Create { name, hotkey } => create(g, &name, &hotkey).await,
            SubnetCmd::Start { netuid, name } => {
                let chain = g.chain().await?;
                ensure_subnet(&chain, netuid).await?;
                confirm(&format!("Start emission on subnet {netuid}?"), g.yes)?;
                let key = g.coldkey(&name)?;
                g.submit(
                    &chain,
                    &key,
                    Call::SubtensorModule(SubtensorCall::start_call { netuid }),
                    &format!("start subnet {netuid}"),
                )
                .await?;
                Ok(())
            }
            SubnetCmd::Routing(_) => unreachable!("dispatched before the runtime starts"),
            SubnetCmd::Hyperparameters(HyperparamsCmd::Get { netuid }) => {
                let chain = g.chain().await?;
                let Some(list) = chain.hyperparameters(netuid).await? else {
                    return not_found(netuid);
                };
                if g.json {
                    return g.print_json(&list);
                }
                let mut t = Table::new(&["hyperparameter", "value"]);
                for e in &list {
                    t.row(vec![
                        String::from_utf8_lossy(&e.name).into_owned(),
                        value_text(e),
                    ]);
                }
                print!("{}", t.render());
                Ok(())
            }
            SubnetCmd::Hyperparameters(HyperparamsCmd::Set {
                netuid,
                param,
                value,
                name,
            }) => {
                let (scope, call) = params::setter(&param, Some(netuid), &value)?;
                if scope == Scope::Global {
                    return fail(
                        Exit::Usage,
                        format!(
                            "{param} is chain-wide, not a subnet hyperparameter: use `agora sudo set`"
                        ),
                    );
                }
                let chain = g.chain().await?;
                ensure_subnet(&chain, netuid).await?;
                confirm(&format!("Set {param} = {value} on subnet {netuid}?"), g.yes)?;
                let key = g.coldkey(&name)?;
                g.submit(
                    &chain,
                    &key,
                    Call::AdminUtils(call),
                    &format!("set {param} = {value} on subnet {netuid}"),
                )
                .await?;
                Ok(())
            }
        }
    })
}

/// A hyperparameter's value as text (amounts as TAO).
pub fn value_text(e: &HyperparamEntry) -> String {
    match &e.value {
        HyperparamValue::Bool(b) => b.to_string(),
        HyperparamValue::U16(x) => x.to_string(),
        HyperparamValue::U32(x) => x.to_string(),
        HyperparamValue::U64(x) => x.to_string(),
        HyperparamValue::U128(x) => x.to_string(),
        HyperparamValue::TaoBalance(x) => Amount::tao(*x).to_string(),
        HyperparamValue::I32F32(x) => {
            agora_primitives::decimal::to_exact_decimal(i128::from(x.to_bits()), 32)
        }
        HyperparamValue::U64F64(x) => unsigned_decimal(x.to_bits(), 64),
    }
}

fn not_found<T>(netuid: u16) -> anyhow::Result<T> {
    fail(
        Exit::NotFound,
        format!("subnet {netuid} does not exist (see `agora subnet list`)"),
    )
}

/// Fails with [`Exit::NotFound`] unless the subnet exists.
pub async fn ensure_subnet(chain: &Chain<RpcClient>, netuid: u16) -> anyhow::Result<()> {
    if chain.subnet_exists(netuid).await? {
        Ok(())
    } else {
        not_found(netuid)
    }
}

async fn list(g: &Globals) -> anyhow::Result<()> {
    let chain = g.chain().await?;
    let subnets = chain.subnets().await?;
    let infos = chain.api::<api::SubnetsInfoV2>(()).await?;
    let mut rows = Vec::new();
    for d in &subnets {
        let info = infos
            .iter()
            .flatten()
            .find(|i| i.netuid == d.netuid)
            .cloned();
        let price = chain.api::<api::CurrentAlphaPrice>((d.netuid,)).await?;
        rows.push((d, info, price));
    }
    if g.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(d, info, price)| {
                json!({
                    "netuid": d.netuid,
                    "name": String::from_utf8_lossy(&d.subnet_name.0),
                    "symbol": String::from_utf8_lossy(&d.token_symbol.0),
                    "owner": d.owner_coldkey.to_string(),
                    "owner_hotkey": d.owner_hotkey.to_string(),
                    "price": price,
                    "tao_in": d.tao_in,
                    "alpha_in": d.alpha_in,
                    "alpha_out": d.alpha_out,
                    "tempo": d.tempo,
                    "neurons": info.as_ref().map(|i| i.subnetwork_n),
                    "max_neurons": info.as_ref().map(|i| i.max_allowed_uids),
                    "registered_at": d.network_registered_at,
                })
            })
            .collect();
        return g.print_json(&v);
    }
    let mut t = Table::new(&[
        "netuid",
        "name",
        "symbol",
        "price (τ/α)",
        "TAO pool",
        "alpha pool",
        "tempo",
        "neurons",
        "owner",
    ])
    .right(&[0, 3, 4, 5, 6, 7]);
    for (d, info, price) in rows {
        t.row(vec![
            d.netuid.to_string(),
            String::from_utf8_lossy(&d.subnet_name.0).into_owned(),
            String::from_utf8_lossy(&d.token_symbol.0).into_owned(),
            agora_sdk::chain::units::decimal(price),
            Amount::tao(d.tao_in).to_string(),
            Amount::alpha(d.alpha_in, &d.token_symbol.0).to_string(),
            d.tempo.to_string(),
            info.map_or_else(String::new, |i| {
                format!("{}/{}", i.subnetwork_n, i.max_allowed_uids)
            }),
            short(&d.owner_coldkey.to_string()),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}

async fn show(g: &Globals, netuid: u16) -> anyhow::Result<()> {
    let chain = g.chain().await?;
    let Some(m) = chain.metagraph(netuid, 0, true).await? else {
        return not_found(netuid);
    };
    if g.json {
        return g.print_json(&m);
    }
    let sym = m.symbol().to_vec();
    println!(
        "subnet {netuid} {} ({}) at block #{}: owner {}, tempo {}, last epoch at #{}, price {} τ/α",
        m.name(),
        String::from_utf8_lossy(&sym),
        m.block,
        m.info.owner_coldkey,
        m.info.tempo,
        m.info.last_step,
        agora_sdk::chain::units::decimal(chain.api::<api::CurrentAlphaPrice>((netuid,)).await?),
    );
    println!(
        "pool {} / {}, alpha out {}, neurons {}/{}, registration burn {}",
        Amount::tao(m.info.tao_in),
        Amount::alpha(m.info.alpha_in, &sym),
        Amount::alpha(m.info.alpha_out, &sym),
        m.n,
        m.info.max_uids,
        Amount::tao(m.info.burn),
    );
    print!("{}", neuron_table(&m).render());
    Ok(())
}

/// The neuron table of `agora subnet show` and `agora metagraph show`.
pub fn neuron_table(m: &agora_sdk::chain::Metagraph) -> Table {
    let sym = m.symbol().to_vec();
    let mut t = Table::new(&[
        "uid",
        "hotkey",
        "coldkey",
        "stake",
        "incentive",
        "dividends",
        "emission",
        "vpermit",
        "active",
        "axon",
    ])
    .right(&[0, 3, 4, 5, 6]);
    for i in 0..usize::from(m.n) {
        t.row(vec![
            i.to_string(),
            short(&m.hotkeys[i].to_string()),
            short(&m.coldkeys[i].to_string()),
            Amount::alpha(m.total_stake[i], &sym).to_string(),
            proportion(m.incentive[i]),
            proportion(m.dividends[i]),
            Amount::alpha(m.emission[i], &sym).to_string(),
            if m.validator_permit[i] { "yes" } else { "" }.into(),
            if m.active[i] { "yes" } else { "" }.into(),
            if m.axons[i].port == 0 {
                String::new()
            } else {
                m.addresses[i].clone()
            },
        ]);
    }
    t
}

async fn create(g: &Globals, name: &str, hotkey: &str) -> anyhow::Result<()> {
    let hotkey = g.hotkey_account(name, hotkey)?;
    let owner = g.coldkey_pub(name)?;
    let chain = g.chain().await?;
    let cost = chain.registration_cost().await?;
    let free = chain.balance(&owner).await?;
    let call = Call::SubtensorModule(SubtensorCall::register_network { hotkey });
    let fee = Chain::<RpcClient>::fee_estimate(&call);
    if free < cost.saturating_add(fee) {
        return fail(
            Exit::Failed,
            format!(
                "insufficient balance: creating a subnet locks {} (plus a fee of at most {}), wallet {name:?} has {}",
                Amount::tao(cost),
                Amount::tao(fee),
                Amount::tao(free)
            ),
        );
    }
    confirm(
        &format!(
            "Create a subnet owned by wallet {name:?} with hotkey {hotkey}, locking {}?",
            Amount::tao(cost)
        ),
        g.yes,
    )?;
    let key = g.coldkey(name)?;
    let out = g.submit(&chain, &key, call, "create subnet").await?;
    let netuid = out
        .events
        .iter()
        .find(|e| e.name == "NetworkAdded")
        .and_then(|e| {
            e.decode().and_then(|ev| match ev {
                agora_runtime::Event::SubtensorModule(
                    agora_runtime::event::SubtensorEvent::NetworkAdded(n, _),
                ) => Some(n),
                _ => None,
            })
        });
    if let (Some(n), false) = (netuid, g.json) {
        println!(
            "subnet {n} created; start its emission with `agora subnet start --netuid {n} --name {name}`"
        );
    }
    Ok(())
}
