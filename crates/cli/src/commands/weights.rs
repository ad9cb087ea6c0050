//! `agora weights …`: set weights directly, or commit them and reveal later (hash
//! commit-reveal). A commit's preimage is saved under the wallet
//! (`<wallet>/commits/<hotkey>/<netuid>-<mechid>-<hash>.json`, written atomically) so that
//! `reveal` finds it without the user keeping the salt.

use std::path::PathBuf;

use agora_primitives::AccountId;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_sdk::chain::weights::{PendingCommit, max_upscale};
use agora_sdk::wallet::write_atomic;
use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::json;

use super::subnet::ensure_subnet;
use crate::context::{Globals, block_on};
use crate::exit::{Exit, fail};
use crate::ui::{Table, confirm, short};

/// Which validator and which weights.
#[derive(Debug, Args)]
pub struct WeightArgs {
    /// Subnet.
    #[arg(long)]
    pub netuid: u16,
    /// Wallet.
    #[arg(long, default_value = "default")]
    pub name: String,
    /// The validator's hotkey name in the wallet (its key signs).
    #[arg(long, default_value = "default")]
    pub hotkey: String,
    /// Target uids, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub uids: Vec<u16>,
    /// Weights, comma-separated, any scale (the largest becomes 65535).
    #[arg(long, value_delimiter = ',', required = true)]
    pub weights: Vec<f64>,
    /// Version key (at least the subnet's weights_version).
    #[arg(long, default_value_t = 0)]
    pub version_key: u64,
}

/// `agora weights …`.
#[derive(Debug, Subcommand)]
pub enum WeightsCmd {
    /// Set weights now (subnets without commit-reveal).
    Set(WeightArgs),
    /// Commit a hash of weights; reveal them in the epoch the subnet's reveal period names.
    Commit(WeightArgs),
    /// Reveal a saved commit (the oldest one still on chain, or the one with --hash).
    Reveal {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey name.
        #[arg(long, default_value = "default")]
        hotkey: String,
        /// The commit's hash (0x…); default the oldest saved one.
        #[arg(long)]
        hash: Option<String>,
    },
    /// Saved and on-chain commits of a hotkey.
    Pending {
        /// Subnet.
        #[arg(long)]
        netuid: u16,
        /// Wallet.
        #[arg(long, default_value = "default")]
        name: String,
        /// Hotkey name.
        #[arg(long, default_value = "default")]
        hotkey: String,
    },
}

fn commits_dir(g: &Globals, name: &str, hotkey: &str) -> anyhow::Result<PathBuf> {
    Ok(g.wallet(name)?.dir().join("commits").join(hotkey))
}

fn saved(dir: &std::path::Path, netuid: u16) -> anyhow::Result<Vec<PendingCommit>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for e in entries {
        let path = e?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        if !file.starts_with(&format!("{netuid}-")) || !file.ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let c: PendingCommit = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a saved commit", path.display()))?;
        out.push(c);
    }
    Ok(out)
}

fn commit_path(dir: &std::path::Path, c: &PendingCommit) -> PathBuf {
    dir.join(format!("{}-{}-{}.json", c.netuid, c.mechid, c.hash))
}

fn prepare(g: &Globals, a: &WeightArgs) -> anyhow::Result<(Vec<u16>, Vec<u16>)> {
    let _ = g;
    max_upscale(&a.uids, &a.weights).or_else(|e| fail(Exit::Usage, format!("weights: {e}")))
}

/// Runs `agora weights …`.
pub fn run(cmd: WeightsCmd, g: &Globals) -> anyhow::Result<()> {
    block_on(async {
        match cmd {
            WeightsCmd::Set(a) => {
                let (uids, values) = prepare(g, &a)?;
                let chain = g.chain().await?;
                ensure_subnet(&chain, a.netuid).await?;
                confirm(
                    &format!("Set weights on subnet {} for uids {uids:?}?", a.netuid),
                    g.yes,
                )?;
                let key = g.hotkey(&a.name, &a.hotkey)?;
                let call = Call::SubtensorModule(SubtensorCall::set_weights {
                    netuid: a.netuid,
                    dests: uids,
                    weights: values,
                    version_key: a.version_key,
                });
                g.submit(
                    &chain,
                    &key,
                    call,
                    &format!("set weights on subnet {}", a.netuid),
                )
                .await?;
                Ok(())
            }
            WeightsCmd::Commit(a) => {
                let (uids, values) = prepare(g, &a)?;
                let chain = g.chain().await?;
                ensure_subnet(&chain, a.netuid).await?;
                let key = g.hotkey(&a.name, &a.hotkey)?;
                let c = PendingCommit::new(&key.public(), a.netuid, 0, uids, values, a.version_key);
                confirm(
                    &format!(
                        "Commit weights for uids {:?} on subnet {}?",
                        c.uids, a.netuid
                    ),
                    g.yes,
                )?;
                let dir = commits_dir(g, &a.name, &a.hotkey)?;
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                // Saved before submitting: a commit that lands must always be revealable.
                let path = commit_path(&dir, &c);
                write_atomic(&path, serde_json::to_string_pretty(&c)?.as_bytes(), true)?;
                let out = g
                    .submit(
                        &chain,
                        &key,
                        c.commit_call(),
                        &format!("commit weights on subnet {}", a.netuid),
                    )
                    .await;
                if out.is_err() {
                    let _ = std::fs::remove_file(&path);
                }
                out?;
                let wc = chain.weight_commits(a.netuid, 0, &key.public()).await?;
                if !g.json {
                    println!(
                        "commit {} saved in {}; reveal it {} epoch(s) after its epoch with `agora weights reveal --netuid {} --name {} --hotkey {}`",
                        short(&c.hash),
                        path.display(),
                        wc.reveal_period_epochs,
                        a.netuid,
                        a.name,
                        a.hotkey
                    );
                }
                Ok(())
            }
            WeightsCmd::Reveal {
                netuid,
                name,
                hotkey,
                hash,
            } => reveal(g, netuid, &name, &hotkey, hash.as_deref()).await,
            WeightsCmd::Pending {
                netuid,
                name,
                hotkey,
            } => {
                let hk = g.hotkey_account(&name, &hotkey)?;
                let chain = g.chain().await?;
                ensure_subnet(&chain, netuid).await?;
                let wc = chain.weight_commits(netuid, 0, &hk).await?;
                let dir = commits_dir(g, &name, &hotkey)?;
                let local = saved(&dir, netuid)?;
                if g.json {
                    return g.print_json(&json!({
                        "next_block_epoch": wc.next_block_epoch,
                        "reveal_period_epochs": wc.reveal_period_epochs,
                        "next_epoch_block": wc.next_epoch_block,
                        "on_chain": wc.commits.iter().map(|c| json!({
                            "hash": agora_primitives::hex::encode(&c.hash),
                            "commit_epoch": c.commit_epoch,
                            "commit_block": c.commit_block,
                            "reveal_epoch": c.commit_epoch.saturating_add(wc.reveal_period_epochs),
                            "saved": local.iter().any(|l| l.hash_bytes() == c.hash),
                        })).collect::<Vec<_>>(),
                    }));
                }
                let mut t = Table::new(&[
                    "hash",
                    "committed at",
                    "commit epoch",
                    "reveal epoch",
                    "saved",
                ]);
                for c in &wc.commits {
                    t.row(vec![
                        short(&agora_primitives::hex::encode(&c.hash)),
                        format!("#{}", c.commit_block),
                        c.commit_epoch.to_string(),
                        c.commit_epoch
                            .saturating_add(wc.reveal_period_epochs)
                            .to_string(),
                        if local.iter().any(|l| l.hash_bytes() == c.hash) {
                            "yes"
                        } else {
                            "no"
                        }
                        .into(),
                    ]);
                }
                println!(
                    "the next block is in epoch {}; the next epoch runs at block #{}",
                    wc.next_block_epoch,
                    wc.next_epoch_block.unwrap_or(0)
                );
                print!("{}", t.render());
                Ok(())
            }
        }
    })
}

async fn reveal(
    g: &Globals,
    netuid: u16,
    name: &str,
    hotkey: &str,
    hash: Option<&str>,
) -> anyhow::Result<()> {
    let key = g.hotkey(name, hotkey)?;
    let hk: AccountId = key.public();
    let chain = g.chain().await?;
    ensure_subnet(&chain, netuid).await?;
    let wc = chain.weight_commits(netuid, 0, &hk).await?;
    let dir = commits_dir(g, name, hotkey)?;
    let local = saved(&dir, netuid)?;
    // On-chain commits in order; pick the requested one or the oldest we hold a preimage for.
    let pick = wc.commits.iter().find_map(|on| {
        let l = local.iter().find(|l| l.hash_bytes() == on.hash)?;
        match hash {
            Some(h) if !l.hash.eq_ignore_ascii_case(h) => None,
            _ => Some((on.clone(), l.clone())),
        }
    });
    let Some((on, c)) = pick else {
        return fail(
            Exit::NotFound,
            match hash {
                Some(h) => format!("no saved commit {h} of {hk} is on chain on subnet {netuid}"),
                None => format!(
                    "no commit of {hk} on subnet {netuid} to reveal ({} on chain, {} saved in {})",
                    wc.commits.len(),
                    local.len(),
                    dir.display()
                ),
            },
        );
    };
    let due = on.commit_epoch.saturating_add(wc.reveal_period_epochs);
    if wc.next_block_epoch < due {
        return fail(
            Exit::Failed,
            format!(
                "too early: the commit of epoch {} is revealed in epoch {due}; the next block is in epoch {} (next epoch at block #{})",
                on.commit_epoch,
                wc.next_block_epoch,
                wc.next_epoch_block.unwrap_or(0)
            ),
        );
    }
    confirm(
        &format!("Reveal commit {} on subnet {netuid}?", short(&c.hash)),
        g.yes,
    )?;
    g.submit(
        &chain,
        &key,
        c.reveal_call(),
        &format!("reveal weights on subnet {netuid}"),
    )
    .await?;
    let _ = std::fs::remove_file(commit_path(&dir, &c));
    Ok(())
}
