//! `agora stake …`: add, remove, move, transfer and list stake, with slippage limits.
//!
//! Adding and removing on a dynamic subnet use the limit calls (`add_stake_limit`,
//! `remove_stake_limit`, `remove_stake_full_limit`) with a limit price of the spot price
//! moved by `--tolerance` (btcli's "safe staking", default 0.5%): the chain refuses, or with
//! `--partial` fills only up to, a price beyond it. `--unsafe` uses the plain calls. Limit
//! prices are rao of TAO per alpha (docs/runtime.md "Pools and staking").

use agora_api::runtime_api as api;
use agora_primitives::AccountId;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_sdk::chain::units::{Amount, decimal, parse_amount, price_with_tolerance};
use agora_sdk::chain::{Chain, RpcClient};
use agora_sdk::wallet;
use clap::{Args, Subcommand};
use serde_json::json;

use super::subnet::ensure_subnet;
use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use crate::ui::{Table, confirm, short};

/// Slippage options.
#[derive(Debug, Args)]
pub struct Slippage {
    /// Largest price move accepted, as a fraction (0.005 = 0.5%).
    #[arg(long, default_value_t = 0.005)]
    pub tolerance: f64,
    /// Fill partially up to the limit price instead of failing.
    #[arg(long)]
    pub partial: bool,
    /// No price limit at all.
    #[arg(long = "unsafe", conflicts_with_all = ["partial"])]
    pub no_limit: bool,
}

impl Slippage {
    fn ppm(&self) -> anyhow::Result<u32> {
        if !self.tolerance.is_finite() || !(0.0..=1.0).contains(&self.tolerance) {
            return fail(
                Exit::Usage,
                "--tolerance must be a fraction between 0 and 1",
            );
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked to lie in 0..=1 above"
        )]
        Ok((self.tolerance * 1e6).round() as u32)
    }
}

/// `agora stake …`.
#[derive(Debug, Subcommand)]
pub enum StakeCmd {
    /// Stake TAO from a coldkey to a hotkey on a subnet (buys alpha from its pool).
    Add {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Staking wallet (its coldkey pays).
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey to stake to: a hotkey name of the wallet or any SS58 address (a delegate).
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// TAO to stake.
        #[arg(long)]
        amount: String,
        /// Slippage protection.
        #[command(flatten)]
        slippage: Slippage,
    },
    /// Unstake alpha back to TAO.
    Remove {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey the stake is on.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// Alpha to unstake.
        #[arg(long, required_unless_present = "all")]
        amount: Option<String>,
        /// Unstake everything on this hotkey and subnet.
        #[arg(long, conflicts_with = "amount")]
        all: bool,
        /// Slippage protection.
        #[command(flatten)]
        slippage: Slippage,
    },
    /// Move alpha between hotkeys and/or subnets, keeping the coldkey.
    Move {
        /// Wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey the stake is on now.
        #[arg(long)]
        origin_hotkey: String,
        /// Hotkey to move it to.
        #[arg(long)]
        dest_hotkey: String,
        /// Subnet it is on now.
        #[arg(long)]
        origin_netuid: u16,
        /// Subnet to move it to (default: the same).
        #[arg(long)]
        dest_netuid: Option<u16>,
        /// Alpha to move.
        #[arg(long)]
        amount: String,
    },
    /// Give stake to another coldkey (same hotkey).
    Transfer {
        /// Wallet giving the stake.
        #[arg(long, default_value = "default")]
        name: String,
        /// Receiving coldkey: an SS58 address or a wallet name.
        #[arg(long)]
        dest: String,
        /// Hotkey the stake is on.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// Subnet it is on.
        #[arg(long)]
        netuid: u16,
        /// Subnet it should arrive on (default: the same).
        #[arg(long)]
        dest_netuid: Option<u16>,
        /// Alpha to transfer.
        #[arg(long)]
        amount: String,
    },
    /// Stake positions of wallets (all of them by default) or addresses.
    List {
        /// Only these wallets (repeatable).
        #[arg(long)]
        name: Vec<String>,
        /// Addresses (repeatable).
        #[arg(long, value_name = "SS58")]
        ss58: Vec<String>,
    },
}

/// Runs `agora stake …`.
pub fn run(cmd: StakeCmd, g: &Globals) -> anyhow::Result<()> {
    block_on(async {
        match cmd {
            StakeCmd::Add {
                netuid,
                name,
                hotkey,
                amount,
                slippage,
            } => add(g, netuid, &name, &hotkey, &amount, &slippage).await,
            StakeCmd::Remove {
                netuid,
                name,
                hotkey,
                amount,
                all,
                slippage,
            } => remove(g, netuid, &name, &hotkey, amount.as_deref(), all, &slippage).await,
            StakeCmd::Move {
                name,
                origin_hotkey,
                dest_hotkey,
                origin_netuid,
                dest_netuid,
                amount,
            } => {
                let origin = g.hotkey_account(&name, &origin_hotkey)?;
                let dest = g.hotkey_account(&name, &dest_hotkey)?;
                let dest_netuid = dest_netuid.unwrap_or(origin_netuid);
                let alpha = positive(&amount)?;
                let chain = g.chain().await?;
                ensure_subnet(&chain, origin_netuid).await?;
                ensure_subnet(&chain, dest_netuid).await?;
                let coldkey = g.coldkey_pub(&name)?;
                have_stake(&chain, &origin, &coldkey, origin_netuid, alpha).await?;
                confirm(
                    &format!(
                        "Move {} from {origin} on subnet {origin_netuid} to {dest} on subnet {dest_netuid}?",
                        decimal(alpha)
                    ),
                    g.yes,
                )?;
                let key = g.coldkey(&name)?;
                let call = Call::SubtensorModule(SubtensorCall::move_stake {
                    origin_hotkey: origin,
                    destination_hotkey: dest,
                    origin_netuid,
                    destination_netuid: dest_netuid,
                    alpha_amount: alpha,
                });
                g.submit(&chain, &key, call, "move stake").await?;
                Ok(())
            }
            StakeCmd::Transfer {
                name,
                dest,
                hotkey,
                netuid,
                dest_netuid,
                amount,
            } => {
                let dest = g.account(&dest)?;
                let hotkey = g.hotkey_account(&name, &hotkey)?;
                let dest_netuid = dest_netuid.unwrap_or(netuid);
                let alpha = positive(&amount)?;
                let chain = g.chain().await?;
                ensure_subnet(&chain, netuid).await?;
                ensure_subnet(&chain, dest_netuid).await?;
                let coldkey = g.coldkey_pub(&name)?;
                have_stake(&chain, &hotkey, &coldkey, netuid, alpha).await?;
                confirm(
                    &format!(
                        "Transfer {} of stake on {hotkey} (subnet {netuid} → {dest_netuid}) to coldkey {dest}?",
                        decimal(alpha)
                    ),
                    g.yes,
                )?;
                let key = g.coldkey(&name)?;
                let call = Call::SubtensorModule(SubtensorCall::transfer_stake {
                    destination_coldkey: dest,
                    hotkey,
                    origin_netuid: netuid,
                    destination_netuid: dest_netuid,
                    alpha_amount: alpha,
                });
                g.submit(&chain, &key, call, "transfer stake").await?;
                Ok(())
            }
            StakeCmd::List { name, ss58 } => list(g, name, ss58).await,
        }
    })
}

fn positive(amount: &str) -> anyhow::Result<u64> {
    let v = parse_amount(amount)?;
    if v == 0 {
        return fail(Exit::Usage, "--amount must be more than zero");
    }
    Ok(v)
}

async fn have_stake(
    chain: &Chain<RpcClient>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: u16,
    alpha: u64,
) -> anyhow::Result<u64> {
    let held = chain.stake(hotkey, coldkey, netuid).await?;
    if held < alpha {
        return fail(
            Exit::Failed,
            format!(
                "not enough stake: {coldkey} holds {} on hotkey {hotkey} on subnet {netuid}, {} was asked",
                decimal(held),
                decimal(alpha)
            ),
        );
    }
    Ok(held)
}

async fn symbol(chain: &Chain<RpcClient>, netuid: u16) -> anyhow::Result<Vec<u8>> {
    Ok(chain
        .dynamic_info(netuid)
        .await?
        .map(|d| d.token_symbol.0)
        .unwrap_or_default())
}

async fn add(
    g: &Globals,
    netuid: u16,
    name: &str,
    hotkey: &str,
    amount: &str,
    s: &Slippage,
) -> anyhow::Result<()> {
    let tao = positive(amount)?;
    let ppm = s.ppm()?;
    let hotkey = g.hotkey_account(name, hotkey)?;
    let coldkey = g.coldkey_pub(name)?;
    let chain = g.chain().await?;
    ensure_subnet(&chain, netuid).await?;
    let sym = symbol(&chain, netuid).await?;
    let price = chain.api::<api::CurrentAlphaPrice>((netuid,)).await?;
    let sim = chain.api::<api::SimSwapTaoForAlpha>((netuid, tao)).await?;
    let limited = netuid != 0 && !s.no_limit;
    let limit = price_with_tolerance(price, ppm, true);
    let call = if limited {
        Call::SubtensorModule(SubtensorCall::add_stake_limit {
            hotkey,
            netuid,
            amount_staked: tao,
            limit_price: limit,
            allow_partial: s.partial,
        })
    } else {
        Call::SubtensorModule(SubtensorCall::add_stake {
            hotkey,
            netuid,
            amount_staked: tao,
        })
    };
    let fee = Chain::<RpcClient>::fee_estimate(&call);
    let free = chain.balance(&coldkey).await?;
    if free < tao.saturating_add(fee) {
        return fail(
            Exit::Failed,
            format!(
                "insufficient balance: staking {} needs {} with the fee, wallet {name:?} has {}",
                Amount::tao(tao),
                Amount::tao(tao.saturating_add(fee)),
                Amount::tao(free)
            ),
        );
    }
    let mut question = format!(
        "Stake {} to {hotkey} on subnet {netuid} at {} τ/α (about {} after the pool fee {})",
        Amount::tao(tao),
        decimal(price),
        Amount::alpha(sim.alpha_amount, &sym),
        Amount::tao(sim.tao_fee),
    );
    if limited {
        question.push_str(&format!(
            ", paying at most {} τ/α{}",
            decimal(limit),
            if s.partial {
                " (partial fill allowed)"
            } else {
                ""
            }
        ));
    }
    question.push('?');
    confirm(&question, g.yes)?;
    let key = g.coldkey(name)?;
    g.submit(
        &chain,
        &key,
        call,
        &format!(
            "stake {} to {} on subnet {netuid}",
            Amount::tao(tao),
            short(&hotkey.to_string())
        ),
    )
    .await?;
    Ok(())
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site: the command's fields"
)]
async fn remove(
    g: &Globals,
    netuid: u16,
    name: &str,
    hotkey: &str,
    amount: Option<&str>,
    all: bool,
    s: &Slippage,
) -> anyhow::Result<()> {
    let ppm = s.ppm()?;
    let hotkey = g.hotkey_account(name, hotkey)?;
    let coldkey = g.coldkey_pub(name)?;
    let chain = g.chain().await?;
    ensure_subnet(&chain, netuid).await?;
    let sym = symbol(&chain, netuid).await?;
    let held = chain.stake(&hotkey, &coldkey, netuid).await?;
    let alpha = if all {
        if held == 0 {
            return fail(
                Exit::Failed,
                format!("no stake: {coldkey} holds nothing on hotkey {hotkey} on subnet {netuid}"),
            );
        }
        held
    } else {
        let a = positive(amount.unwrap_or_default())?;
        have_stake(&chain, &hotkey, &coldkey, netuid, a).await?;
        a
    };
    let price = chain.api::<api::CurrentAlphaPrice>((netuid,)).await?;
    let sim = chain
        .api::<api::SimSwapAlphaForTao>((netuid, alpha))
        .await?;
    let limited = netuid != 0 && !s.no_limit;
    let limit = price_with_tolerance(price, ppm, false);
    let call = match (all, limited) {
        (true, true) => Call::SubtensorModule(SubtensorCall::remove_stake_full_limit {
            hotkey,
            netuid,
            limit_price: Some(limit),
        }),
        (true, false) => Call::SubtensorModule(SubtensorCall::remove_stake_full_limit {
            hotkey,
            netuid,
            limit_price: None,
        }),
        (false, true) => Call::SubtensorModule(SubtensorCall::remove_stake_limit {
            hotkey,
            netuid,
            amount_unstaked: alpha,
            limit_price: limit,
            allow_partial: s.partial,
        }),
        (false, false) => Call::SubtensorModule(SubtensorCall::remove_stake {
            hotkey,
            netuid,
            amount_unstaked: alpha,
        }),
    };
    let mut question = format!(
        "Unstake {} from {hotkey} on subnet {netuid} at {} τ/α (about {})",
        Amount::alpha(alpha, &sym),
        decimal(price),
        Amount::tao(sim.tao_amount),
    );
    if limited {
        question.push_str(&format!(", selling at no less than {} τ/α", decimal(limit)));
    }
    question.push('?');
    confirm(&question, g.yes)?;
    let key = g.coldkey(name)?;
    g.submit(
        &chain,
        &key,
        call,
        &format!(
            "unstake {} from {} on subnet {netuid}",
            Amount::alpha(alpha, &sym),
            short(&hotkey.to_string())
        ),
    )
    .await?;
    Ok(())
}

async fn list(g: &Globals, names: Vec<String>, ss58: Vec<String>) -> anyhow::Result<()> {
    let mut owners: Vec<(String, AccountId)> = Vec::new();
    if names.is_empty() && ss58.is_empty() {
        for s in wallet::list(&g.wallet_root())? {
            if let Some(a) = s.coldkeypub {
                owners.push((s.name, a));
            }
        }
    }
    for n in names {
        let a = g.coldkey_pub(&n)?;
        owners.push((n, a));
    }
    for s in ss58 {
        owners.push((String::new(), g.account(&s)?));
    }
    let chain = g.chain().await?;
    let mut rows = Vec::new();
    let mut prices = std::collections::BTreeMap::new();
    let mut symbols = std::collections::BTreeMap::new();
    for (name, ck) in &owners {
        for p in chain.stake_info(ck).await? {
            if let std::collections::btree_map::Entry::Vacant(e) = prices.entry(p.netuid) {
                e.insert(chain.api::<api::CurrentAlphaPrice>((p.netuid,)).await?);
                symbols.insert(p.netuid, symbol(&chain, p.netuid).await?);
            }
            let price = prices[&p.netuid];
            let value = u64::try_from(u128::from(p.stake) * u128::from(price) / 1_000_000_000)
                .unwrap_or(u64::MAX);
            rows.push((name.clone(), p, value));
        }
    }
    if g.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(n, p, value)| {
                json!({
                    "wallet": if n.is_empty() { None } else { Some(n) },
                    "coldkey": p.coldkey.to_string(),
                    "hotkey": p.hotkey.to_string(),
                    "netuid": p.netuid,
                    "stake": p.stake,
                    "value": value,
                    "emission": p.emission,
                    "registered": p.is_registered,
                })
            })
            .collect();
        return g.print_json(&v);
    }
    let mut t = Table::new(&[
        "wallet",
        "netuid",
        "hotkey",
        "stake",
        "value",
        "emission",
        "registered",
    ])
    .right(&[1, 3, 4, 5]);
    for (n, p, value) in &rows {
        let sym = &symbols[&p.netuid];
        t.row(vec![
            n.clone(),
            p.netuid.to_string(),
            short(&p.hotkey.to_string()),
            Amount::alpha(p.stake, sym).to_string(),
            Amount::tao(*value).to_string(),
            Amount::alpha(p.emission, sym).to_string(),
            if p.is_registered { "yes" } else { "" }.into(),
        ]);
    }
    if t.is_empty() {
        println!("no stake positions");
    } else {
        print!("{}", t.render());
    }
    Ok(())
}
