//! `agora register`: register a hotkey on a subnet by paying its burn (`burned_register`).

use agora_api::runtime_api as api;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_sdk::chain::units::Amount;
use agora_sdk::chain::{Chain, RpcClient};
use clap::Args;

use super::subnet::ensure_subnet;
use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use crate::ui::confirm;

/// `agora register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Subnet.
    #[arg(long)]
    pub netuid: u16,
    /// Wallet whose coldkey pays the burn and owns the hotkey.
    #[arg(long, default_value = "default")]
    pub name: String,
    /// Hotkey to register: a hotkey name of the wallet or an SS58 address.
    #[arg(long, default_value = "default")]
    pub hotkey: String,
}

/// Runs `agora register`.
pub fn run(a: RegisterArgs, g: &Globals) -> anyhow::Result<()> {
    block_on(async {
        let hotkey = g.hotkey_account(&a.name, &a.hotkey)?;
        let coldkey = g.coldkey_pub(&a.name)?;
        let chain = g.chain().await?;
        ensure_subnet(&chain, a.netuid).await?;
        if let Some(uid) = chain.uid_of(a.netuid, &hotkey).await? {
            return fail(
                Exit::Failed,
                format!(
                    "hotkey {hotkey} is already registered on subnet {} as uid {uid}",
                    a.netuid
                ),
            );
        }
        let burn = chain
            .api::<api::SubnetInfoV2Of>((a.netuid,))
            .await?
            .map_or(0, |i| i.burn);
        let call = Call::SubtensorModule(SubtensorCall::burned_register {
            netuid: a.netuid,
            hotkey,
        });
        let fee = Chain::<RpcClient>::fee_estimate(&call);
        let free = chain.balance(&coldkey).await?;
        if free < burn.saturating_add(fee) {
            return fail(
                Exit::Failed,
                format!(
                    "insufficient balance: registering on subnet {} burns {} (plus a fee of at most {}), wallet {:?} has {}",
                    a.netuid,
                    Amount::tao(burn),
                    Amount::tao(fee),
                    a.name,
                    Amount::tao(free)
                ),
            );
        }
        confirm(
            &format!(
                "Register hotkey {hotkey} on subnet {} for a burn of {}?",
                a.netuid,
                Amount::tao(burn)
            ),
            g.yes,
        )?;
        let key = g.coldkey(&a.name)?;
        let out = g
            .submit(
                &chain,
                &key,
                call,
                &format!("register on subnet {}", a.netuid),
            )
            .await?;
        let uid = out.events.iter().find_map(|e| match e.decode()? {
            agora_runtime::Event::SubtensorModule(
                agora_runtime::event::SubtensorEvent::NeuronRegistered(_, uid, _),
            ) => Some(uid),
            _ => None,
        });
        if let (Some(uid), false) = (uid, g.json) {
            println!("registered as uid {uid} on subnet {}", a.netuid);
        }
        Ok(())
    })
}
