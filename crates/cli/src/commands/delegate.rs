//! `agora delegate …`: list delegates, show one, and set a hotkey's take
//! (`increase_take` / `decrease_take`, whichever the new value needs).

use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_runtime::info::DelegateInfo;
use agora_sdk::chain::units::Amount;
use clap::Subcommand;
use serde_json::json;

use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use crate::ui::{Table, confirm, proportion, short};

/// `agora delegate …`.
#[derive(Debug, Subcommand)]
pub enum DelegateCmd {
    /// Every delegate with its take and nominators.
    List,
    /// One delegate.
    Show {
        /// The delegate's hotkey (SS58).
        #[arg(long)]
        hotkey: String,
    },
    /// Set the take of a hotkey the wallet owns (a fraction, e.g. 0.09 for 9%).
    Take {
        /// Owning wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// The hotkey: a hotkey name of the wallet or an SS58 address.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// New take as a fraction in [0, 1].
        #[arg(long)]
        take: f64,
    },
}

fn stake_sum(d: &DelegateInfo) -> u64 {
    d.nominators
        .iter()
        .flat_map(|n| n.1.iter().map(|a| a.1))
        .fold(0u64, u64::saturating_add)
}

fn delegate_json(d: &DelegateInfo) -> serde_json::Value {
    json!({
        "hotkey": d.delegate_ss58.to_string(),
        "owner": d.owner_ss58.to_string(),
        "take": d.take,
        "take_fraction": f64::from(d.take) / f64::from(u16::MAX),
        "nominators": d.nominators.len(),
        "stake": stake_sum(d),
        "registrations": d.registrations.0,
        "validator_permits": d.validator_permits.0,
        "return_per_1000": d.return_per_1000,
        "total_daily_return": d.total_daily_return,
    })
}

/// Runs `agora delegate …`.
pub fn run(cmd: DelegateCmd, g: &Globals) -> anyhow::Result<()> {
    block_on(async {
        match cmd {
            DelegateCmd::List => {
                let chain = g.chain().await?;
                let list = chain.delegates().await?;
                if g.json {
                    let v: Vec<_> = list.iter().map(delegate_json).collect();
                    return g.print_json(&v);
                }
                let mut t = Table::new(&[
                    "hotkey",
                    "owner",
                    "take",
                    "nominators",
                    "stake (α, all subnets)",
                    "subnets",
                ])
                .right(&[2, 3, 4]);
                for d in &list {
                    t.row(vec![
                        d.delegate_ss58.to_string(),
                        short(&d.owner_ss58.to_string()),
                        proportion(d.take),
                        d.nominators.len().to_string(),
                        agora_sdk::chain::units::decimal(stake_sum(d)),
                        format!("{:?}", d.registrations.0),
                    ]);
                }
                if t.is_empty() {
                    println!("no delegates");
                } else {
                    print!("{}", t.render());
                }
                Ok(())
            }
            DelegateCmd::Show { hotkey } => {
                let hk = g.account(&hotkey)?;
                let chain = g.chain().await?;
                let Some(d) = chain.delegate(&hk).await? else {
                    return fail(Exit::NotFound, format!("{hk} is not a delegate"));
                };
                if g.json {
                    return g.print_json(&delegate_json(&d));
                }
                println!(
                    "delegate {} owned by {}: take {}, daily return {} per 1000 τ staked",
                    d.delegate_ss58,
                    d.owner_ss58,
                    proportion(d.take),
                    Amount::tao(d.return_per_1000)
                );
                let mut t = Table::new(&["nominator", "netuid", "stake"]).right(&[1, 2]);
                for n in &d.nominators {
                    for a in &n.1 {
                        t.row(vec![
                            n.0.to_string(),
                            a.0.to_string(),
                            agora_sdk::chain::units::decimal(a.1),
                        ]);
                    }
                }
                print!("{}", t.render());
                Ok(())
            }
            DelegateCmd::Take { name, hotkey, take } => {
                if !take.is_finite() || !(0.0..=1.0).contains(&take) {
                    return fail(Exit::Usage, "--take must be a fraction between 0 and 1");
                }
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "checked to lie in 0..=1"
                )]
                let new = (take * f64::from(u16::MAX)).round() as u16;
                let hk = g.hotkey_account(&name, &hotkey)?;
                let chain = g.chain().await?;
                let current = chain.delegate(&hk).await?.map(|d| d.take);
                let call = match current {
                    Some(c) if c == new => {
                        return fail(
                            Exit::Failed,
                            format!("the take of {hk} is already {}", proportion(new)),
                        );
                    }
                    Some(c) if new < c => SubtensorCall::decrease_take {
                        hotkey: hk,
                        take: new,
                    },
                    _ => SubtensorCall::increase_take {
                        hotkey: hk,
                        take: new,
                    },
                };
                confirm(
                    &format!(
                        "Set the take of {hk} to {} (now {})?",
                        proportion(new),
                        current.map_or_else(|| "the default".to_string(), proportion)
                    ),
                    g.yes,
                )?;
                let key = g.coldkey(&name)?;
                g.submit(
                    &chain,
                    &key,
                    Call::SubtensorModule(call),
                    &format!(
                        "set take of {} to {}",
                        short(&hk.to_string()),
                        proportion(new)
                    ),
                )
                .await?;
                Ok(())
            }
        }
    })
}
