//! Localnet's wallets and chain setup. Every step checks the chain first and only does what is
//! missing, so a second run over the same data directory resumes: funding, the subnet and its
//! hyperparameters, start, registrations and stake.

use std::path::Path;
use std::sync::Arc;

use agora_primitives::units::RAO_PER_TAO as TAO;
use agora_primitives::{AccountId, Keypair};
use agora_runtime::Call;
use agora_runtime::call::{BalancesCall, SubtensorCall, SudoCall};
use agora_sdk::chain::{Chain, RpcClient, TxOutcome, Wait};
use agora_sdk::wallet::{self, Wallet};
use anyhow::Context as _;
use tokio::task::JoinSet;

use crate::commands::params;
use crate::commands::subnet::value_text;
use crate::exit::{Exit, fail};

/// A participant: a wallet with a coldkey and its `default` hotkey.
#[derive(Clone)]
pub struct Member {
    /// Wallet name (`owner`, `validator-0`, `miner-2`, …).
    pub name: String,
    /// Coldkey.
    pub coldkey: Keypair,
    /// Hotkey.
    pub hotkey: Keypair,
}

/// Everyone localnet needs.
#[derive(Clone)]
pub struct Roles {
    /// The dev chain's sudo and funder, `//Alice` (wallet `alice`).
    pub alice: Keypair,
    /// The subnet owner.
    pub owner: Member,
    /// Validators.
    pub validators: Vec<Member>,
    /// Miners.
    pub miners: Vec<Member>,
}

fn member(root: &Path, name: &str) -> anyhow::Result<Member> {
    let w = Wallet::new(root, name)?;
    if !w.coldkey_path().exists() {
        w.set_coldkey_plain(&wallet::generate(12)?, false)?;
    }
    if !w.hotkey_path("default")?.exists() {
        w.set_hotkey("default", &wallet::generate(12)?, None, false)?;
    }
    let coldkey = w
        .coldkey_plain()
        .with_context(|| format!("localnet wallet {name}"))?;
    let hotkey = w.hotkey("default", None)?;
    Ok(Member {
        name: name.to_string(),
        coldkey,
        hotkey,
    })
}

/// Opens (creating what is missing) the wallets in `root`: `alice`, `owner`, `validator-i`,
/// `miner-i`. Coldkeys are stored unencrypted: these are throwaway development keys, and
/// every command must open them without a prompt.
pub fn wallets(root: &Path, validators: usize, miners: usize) -> anyhow::Result<Roles> {
    let alice = Wallet::new(root, "alice")?;
    if !alice.coldkey_path().exists() {
        alice.set_coldkey_plain(&wallet::from_uri("//Alice")?, false)?;
    }
    Ok(Roles {
        alice: alice.coldkey_plain()?,
        owner: member(root, "owner")?,
        validators: (0..validators)
            .map(|i| member(root, &format!("validator-{i}")))
            .collect::<anyhow::Result<_>>()?,
        miners: (0..miners)
            .map(|i| member(root, &format!("miner-{i}")))
            .collect::<anyhow::Result<_>>()?,
    })
}

/// What the setup should produce.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Blocks per epoch.
    pub tempo: u16,
    /// Whether validators commit and reveal their weights.
    pub commit_reveal: bool,
    /// TAO each validator stakes.
    pub validator_stake_tao: u64,
}

/// Submits every call and waits for all of them; fails on the first call that failed.
async fn all(
    chain: &Arc<Chain<RpcClient>>,
    calls: Vec<(Keypair, Call, String)>,
) -> anyhow::Result<Vec<TxOutcome>> {
    let mut set = JoinSet::new();
    for (i, (key, call, what)) in calls.into_iter().enumerate() {
        let chain = Arc::clone(chain);
        set.spawn(async move { (i, what, chain.submit(&key, call, Wait::Finalized).await) });
    }
    let mut out = Vec::new();
    while let Some(j) = set.join_next().await {
        let (i, what, r) = j.context("a setup task failed")?;
        let o = r.with_context(|| what.clone())?;
        if let Err(f) = &o.result {
            return fail(Exit::Failed, format!("localnet setup: {what}: {f}"));
        }
        out.push((i, o));
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, o)| o).collect())
}

fn sudo(call: agora_runtime::governance::AdminCall) -> Call {
    Call::Sudo(SudoCall::sudo {
        call: Box::new(Call::AdminUtils(call)),
    })
}

/// Runs the setup; `say` reports progress. Returns the subnet's netuid.
pub async fn run(
    chain: &Arc<Chain<RpcClient>>,
    roles: &Roles,
    plan: &Plan,
    known_netuid: Option<u16>,
    say: &(dyn Fn(&str) + Sync),
) -> anyhow::Result<u16> {
    // What already exists (on a resumed chain).
    let owner = roles.owner.coldkey.public();
    let existing = match known_netuid {
        Some(n) => chain
            .dynamic_info(n)
            .await?
            .filter(|d| d.owner_coldkey == owner)
            .map(|d| d.netuid),
        None => None,
    };
    let registered: Vec<AccountId> = match existing {
        Some(n) => chain
            .neurons_lite(n)
            .await?
            .into_iter()
            .map(|x| x.hotkey)
            .collect(),
        None => Vec::new(),
    };
    let mut staked = Vec::new();
    if let Some(n) = existing {
        for v in &roles.validators {
            if chain
                .stake(&v.hotkey.public(), &v.coldkey.public(), n)
                .await?
                > 0
            {
                staked.push(v.hotkey.public());
            }
        }
    }

    // 1. Fund what the remaining steps spend: the owner's lock, the validators' stake, the
    // burns, and fees.
    let lock = chain.registration_cost().await?;
    let fees = 10 * TAO;
    // Burns rise with each registration: keep a margin over today's.
    let burn_now = match existing {
        Some(n) => chain
            .api::<agora_api::runtime_api::SubnetInfoV2Of>((n,))
            .await?
            .map_or(TAO, |i| i.burn),
        None => TAO,
    };
    let burn_for = |hotkey: &AccountId| {
        if registered.contains(hotkey) {
            0
        } else {
            burn_now.saturating_mul(4).max(10 * TAO)
        }
    };
    let mut wants: Vec<(AccountId, u64)> = vec![(
        owner,
        if existing.is_some() {
            fees
        } else {
            lock + fees
        },
    )];
    for v in &roles.validators {
        let stake = if staked.contains(&v.hotkey.public()) {
            0
        } else {
            plan.validator_stake_tao * TAO
        };
        wants.push((
            v.coldkey.public(),
            stake + burn_for(&v.hotkey.public()) + fees,
        ));
    }
    for m in &roles.miners {
        wants.push((m.coldkey.public(), burn_for(&m.hotkey.public()) + fees));
    }
    let mut transfers = Vec::new();
    for (who, want) in wants {
        let have = chain.balance(&who).await?;
        if have < want {
            transfers.push((
                roles.alice.clone(),
                Call::Balances(BalancesCall::transfer_keep_alive {
                    dest: who,
                    value: want - have,
                }),
                format!("funding {who}"),
            ));
        }
    }
    if !transfers.is_empty() {
        let n = transfers.len();
        all(chain, transfers).await?;
        say(&format!("funded {n} wallets from //Alice"));
    }

    // 2. The subnet.
    let netuid = match existing {
        Some(n) => n,
        None => {
            let out = all(
                chain,
                vec![(
                    roles.owner.coldkey.clone(),
                    Call::SubtensorModule(SubtensorCall::register_network {
                        hotkey: roles.owner.hotkey.public(),
                    }),
                    "registering the subnet".into(),
                )],
            )
            .await?;
            let n = out[0]
                .events
                .iter()
                .find_map(|e| match e.decode()? {
                    agora_runtime::Event::SubtensorModule(
                        agora_runtime::event::SubtensorEvent::NetworkAdded(n, _),
                    ) => Some(n),
                    _ => None,
                })
                .context("the subnet registration reported no NetworkAdded event")?;
            say(&format!(
                "registered subnet {n} (lock {})",
                agora_sdk::chain::units::Amount::tao(lock)
            ));
            n
        }
    };

    // 3. Hyperparameters for a fast local network, as root. The admin freeze window (no
    // hyperparameter changes in the last blocks before an epoch) is lifted first: with a short
    // tempo it would cover most blocks.
    let globals = chain
        .api::<agora_api::runtime_api::GlobalParams>(())
        .await?;
    let window = globals
        .iter()
        .find(|(k, _)| k == b"admin_freeze_window")
        .map(|(_, v)| *v);
    if window != Some(0) {
        let (_, call) = params::setter("admin_freeze_window", None, "0")?;
        all(
            chain,
            vec![(
                roles.alice.clone(),
                sudo(call),
                "lifting the admin freeze window".into(),
            )],
        )
        .await?;
    }
    let tempo = plan.tempo.to_string();
    let wanted: Vec<(&str, String)> = vec![
        ("tempo", tempo.clone()),
        ("weights_rate_limit", tempo),
        (
            "commit_reveal_weights_enabled",
            plan.commit_reveal.to_string(),
        ),
        ("commit_reveal_period", "1".into()),
        ("max_regs_per_block", "255".into()),
        ("target_regs_per_interval", "255".into()),
        ("serving_rate_limit", "0".into()),
    ];
    let current = chain
        .hyperparameters(netuid)
        .await?
        .context("the subnet vanished")?;
    let mut sets = Vec::new();
    for (name, value) in wanted {
        let now = current
            .iter()
            .find(|e| e.name == name.as_bytes())
            .map(value_text);
        if now.as_deref() != Some(value.as_str()) {
            let (_, call) = params::setter(name, Some(netuid), &value)?;
            sets.push((
                roles.alice.clone(),
                sudo(call),
                format!("setting {name} = {value}"),
            ));
        }
    }
    if !sets.is_empty() {
        let n = sets.len();
        all(chain, sets).await?;
        say(&format!(
            "set {n} hyperparameters as root (tempo {})",
            plan.tempo
        ));
    }

    // 4. Start emission.
    let active = current
        .iter()
        .find(|e| e.name == b"subnet_is_active")
        .map(value_text);
    if active.as_deref() != Some("true") {
        all(
            chain,
            vec![(
                roles.owner.coldkey.clone(),
                Call::SubtensorModule(SubtensorCall::start_call { netuid }),
                "starting the subnet".into(),
            )],
        )
        .await?;
        say(&format!("started subnet {netuid}"));
    }

    // 5. Registrations.
    let registered: Vec<AccountId> = chain
        .neurons_lite(netuid)
        .await?
        .into_iter()
        .map(|n| n.hotkey)
        .collect();
    let regs: Vec<_> = roles
        .validators
        .iter()
        .chain(&roles.miners)
        .filter(|m| !registered.contains(&m.hotkey.public()))
        .map(|m| {
            (
                m.coldkey.clone(),
                Call::SubtensorModule(SubtensorCall::burned_register {
                    netuid,
                    hotkey: m.hotkey.public(),
                }),
                format!("registering {}", m.name),
            )
        })
        .collect();
    if !regs.is_empty() {
        let n = regs.len();
        all(chain, regs).await?;
        say(&format!("registered {n} neurons"));
    }

    // 6. Validators' stake.
    let mut stakes = Vec::new();
    for v in &roles.validators {
        let have = chain
            .stake(&v.hotkey.public(), &v.coldkey.public(), netuid)
            .await?;
        if have == 0 {
            stakes.push((
                v.coldkey.clone(),
                Call::SubtensorModule(SubtensorCall::add_stake {
                    hotkey: v.hotkey.public(),
                    netuid,
                    amount_staked: plan.validator_stake_tao * TAO,
                }),
                format!("staking {}", v.name),
            ));
        }
    }
    if !stakes.is_empty() {
        let n = stakes.len();
        all(chain, stakes).await?;
        say(&format!(
            "staked {} TAO to each of {n} validators",
            plan.validator_stake_tao
        ));
    }
    Ok(netuid)
}

/// Where miners listen: a loopback address other than 127.0.0.1, which the chain refuses in
/// `serve_axon` as the reference does (`is_valid_ip_address`). Linux routes all of 127/8 to
/// the loopback interface.
pub const MINER_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(127, 0, 0, 2);

/// Announces each miner's axon at `MINER_IP:port` on chain, unless it already is, all in
/// one round.
pub async fn serve_axons(
    chain: &Arc<Chain<RpcClient>>,
    netuid: u16,
    miners: &[(Member, u16)],
) -> anyhow::Result<()> {
    let ip = u128::from(u32::from(MINER_IP));
    let mut calls = Vec::new();
    for (m, port) in miners {
        let uid = chain.uid_of(netuid, &m.hotkey.public()).await?;
        if let Some(uid) = uid
            && let Some(n) = chain.neuron(netuid, uid).await?
            && n.axon_info.ip == ip
            && n.axon_info.port == *port
        {
            continue;
        }
        calls.push((
            m.hotkey.clone(),
            Call::SubtensorModule(SubtensorCall::serve_axon {
                netuid,
                version: 1,
                ip,
                port: *port,
                ip_type: 4,
                protocol: 4,
                placeholder1: 0,
                placeholder2: 0,
            }),
            format!("serving {}'s axon", m.name),
        ));
    }
    all(chain, calls).await?;
    Ok(())
}
