//! `agora metagraph show`: a subnet's metagraph (every field of the Python SDK's, sdk.md §3)
//! as a table or, with `--json`, in full.

use clap::Subcommand;

use super::subnet::neuron_table;
use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use agora_sdk::chain::units::Amount;

/// `agora metagraph …`.
#[derive(Debug, Subcommand)]
pub enum MetagraphCmd {
    /// Sync and show a subnet's metagraph.
    Show {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Mechanism.
        #[arg(long, default_value_t = 0)]
        mechid: u8,
        /// Include weights and bonds (the SDK's `lite=False`).
        #[arg(long)]
        full: bool,
    },
}

/// Runs `agora metagraph …`.
pub fn run(cmd: MetagraphCmd, g: &Globals) -> anyhow::Result<()> {
    let MetagraphCmd::Show {
        netuid,
        mechid,
        full,
    } = cmd;
    block_on(async {
        let chain = g.chain().await?;
        let Some(m) = chain.metagraph(netuid, mechid, !full).await? else {
            return fail(
                Exit::NotFound,
                format!("subnet {netuid} does not exist (see `agora subnet list`)"),
            );
        };
        if g.json {
            return g.print_json(&m);
        }
        let sym = m.symbol().to_vec();
        println!(
            "metagraph of subnet {netuid} ({}), mechanism {mechid} of {}, block #{}: {} neurons, total stake {}, emission last epoch {}",
            m.name(),
            m.mechanism_count,
            m.block,
            m.n,
            Amount::alpha(
                m.total_stake.iter().fold(0u64, |a, b| a.saturating_add(*b)),
                &sym
            ),
            Amount::alpha(
                m.emission.iter().fold(0u64, |a, b| a.saturating_add(*b)),
                &sym
            ),
        );
        print!("{}", neuron_table(&m).render());
        if full {
            println!("weights (row = validator uid: target uid=value):");
            for (i, row) in m.weights.iter().enumerate() {
                if !row.is_empty() {
                    let cells: Vec<String> = row.iter().map(|(j, v)| format!("{j}={v}")).collect();
                    println!("  {i}: {}", cells.join(" "));
                }
            }
        }
        Ok(())
    })
}
