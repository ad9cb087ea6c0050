//! `agora sudo …`: root operations through the sudo key (`Sudo::sudo` wrapping an AdminUtils
//! call), reading parameters, and showing the sudo key. On a dev chain the sudo key is
//! `//Alice` (`agora localnet` writes it as wallet `alice`).

use agora_api::runtime_api as api;
use agora_runtime::Call;
use agora_runtime::call::SudoCall;
use clap::Subcommand;
use serde_json::json;

use super::params::{self, Scope};
use super::subnet::{ensure_subnet, value_text};
use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use crate::ui::{Table, confirm};

/// `agora sudo …`.
#[derive(Debug, Subcommand)]
pub enum SudoCmd {
    /// Set a parameter as root (subnet parameters need --netuid).
    Set {
        /// Parameter name (`agora sudo get` lists them).
        #[arg(long)]
        param: String,
        /// New value.
        #[arg(long)]
        value: String,
        /// Subnet, for subnet parameters.
        #[arg(long)]
        netuid: Option<u16>,
        /// The wallet holding the sudo key.
        #[arg(long, default_value = "default")]
        name: String,
    },
    /// Read chain-wide parameters, or a subnet's with --netuid.
    Get {
        /// Only this parameter.
        #[arg(long)]
        param: Option<String>,
        /// Subnet.
        #[arg(long)]
        netuid: Option<u16>,
    },
    /// Show the sudo key.
    Key,
}

/// Runs `agora sudo …`.
pub fn run(cmd: SudoCmd, g: &Globals) -> anyhow::Result<()> {
    block_on(async {
        match cmd {
            SudoCmd::Set {
                param,
                value,
                netuid,
                name,
            } => {
                let (scope, call) = params::setter(&param, netuid, &value)?;
                let chain = g.chain().await?;
                if let (Scope::Subnet, Some(n)) = (scope, netuid) {
                    ensure_subnet(&chain, n).await?;
                }
                let signer = g.coldkey_pub(&name)?;
                if chain.sudo_key().await? != Some(signer) {
                    return fail(
                        Exit::Failed,
                        format!("wallet {name:?} ({signer}) does not hold the sudo key"),
                    );
                }
                let place = netuid.map_or_else(String::new, |n| format!(" on subnet {n}"));
                confirm(&format!("As root, set {param} = {value}{place}?"), g.yes)?;
                let key = g.coldkey(&name)?;
                let wrapped = Call::Sudo(SudoCall::sudo {
                    call: Box::new(Call::AdminUtils(call)),
                });
                // A failing root call is reported as the outcome's error (the SDK reads the
                // `Sudid` event).
                g.submit(
                    &chain,
                    &key,
                    wrapped,
                    &format!("sudo set {param} = {value}{place}"),
                )
                .await?;
                Ok(())
            }
            SudoCmd::Get { param, netuid } => {
                let chain = g.chain().await?;
                let pairs: Vec<(String, String, serde_json::Value)> = match netuid {
                    Some(n) => {
                        let Some(list) = chain.hyperparameters(n).await? else {
                            return fail(Exit::NotFound, format!("subnet {n} does not exist"));
                        };
                        list.iter()
                            .map(|e| {
                                (
                                    String::from_utf8_lossy(&e.name).into_owned(),
                                    value_text(e),
                                    serde_json::to_value(&e.value).unwrap_or_default(),
                                )
                            })
                            .collect()
                    }
                    None => chain
                        .api::<api::GlobalParams>(())
                        .await?
                        .into_iter()
                        .map(|(k, v)| {
                            (
                                String::from_utf8_lossy(&k).into_owned(),
                                v.to_string(),
                                json!(v),
                            )
                        })
                        .collect(),
                };
                let pairs: Vec<_> = match &param {
                    Some(p) => {
                        let hit: Vec<_> = pairs.into_iter().filter(|(k, _, _)| k == p).collect();
                        if hit.is_empty() {
                            return fail(
                                Exit::NotFound,
                                format!("no parameter {p:?} (run without --param to list them)"),
                            );
                        }
                        hit
                    }
                    None => pairs,
                };
                if g.json {
                    let m: serde_json::Map<String, serde_json::Value> =
                        pairs.into_iter().map(|(k, _, v)| (k, v)).collect();
                    return g.print_json(&m);
                }
                let mut t = Table::new(&["parameter", "value"]);
                for (k, v, _) in pairs {
                    t.row(vec![k, v]);
                }
                print!("{}", t.render());
                Ok(())
            }
            SudoCmd::Key => {
                let chain = g.chain().await?;
                let key = chain.sudo_key().await?;
                if g.json {
                    return g.print_json(&json!({"sudo": key.map(|k| k.to_string())}));
                }
                match key {
                    Some(k) => println!("sudo key: {k}"),
                    None => println!("this chain has no sudo key"),
                }
                Ok(())
            }
        }
    })
}
