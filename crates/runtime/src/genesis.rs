//! Genesis: the initial state from a documented JSON file (docs/genesis.md).
//!
//! The file lists balances, the sudo key, global parameter overrides and initial subnets with
//! their neurons and stake. Accounts are SS58 addresses (prefix 42), `0x`-hex public keys, or
//! development URIs such as `//Alice`. The root subnet (netuid 0) always exists, as in the
//! reference (§10.5). Genesis subnets are created with the same initialisation as
//! `register_network` and may be started (`start_call`) at genesis.
//!
//! The genesis hash bound into every signature is BLAKE2-256 of `"agora-genesis" ‖ chain id ‖
//! state root of the genesis state`.

use std::collections::BTreeMap;

use agora_primitives::hashing::blake2_256;
use agora_primitives::{AccountId, Keypair, SafeDiv};
use serde::{Deserialize, Serialize};

use crate::balances;
use crate::neurons::append_neuron;
use crate::staking;
use crate::state::{Backend, MemBackend, Overlay};
use crate::storage::*;
use crate::subnets;

/// A problem in a genesis file.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// Not valid JSON for [`GenesisConfig`].
    #[error("genesis file: {0}")]
    Parse(#[from] serde_json::Error),
    /// An account string is not an SS58 address, hex key or dev URI.
    #[error("genesis: bad account {0:?}")]
    Account(String),
    /// A subnet is listed twice or is the root subnet.
    #[error("genesis: bad netuid {0}")]
    Netuid(u16),
    /// A parameter name is unknown or its value out of range.
    #[error("genesis: parameter {0}: {1}")]
    Param(String, String),
    /// Balances overflow the supply cap.
    #[error("genesis: balances exceed the 21M TAO supply")]
    Supply,
    /// A subnet has more neurons than its max uids.
    #[error("genesis: subnet {0} has more neurons than max_allowed_uids")]
    TooManyNeurons(u16),
}

/// The genesis file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisConfig {
    /// Chain id, bound into the genesis hash (so two chains with the same state differ).
    pub chain_id: String,
    /// Sudo (root) key.
    #[serde(default)]
    pub sudo: Option<String>,
    /// Initial free balances in rao.
    #[serde(default)]
    pub balances: Vec<(String, u64)>,
    /// Global parameter overrides by reference name (see docs/genesis.md).
    #[serde(default)]
    pub params: BTreeMap<String, u64>,
    /// Initial subnets.
    #[serde(default)]
    pub subnets: Vec<GenesisSubnet>,
}

/// One initial subnet.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisSubnet {
    /// Netuid (≥ 1).
    pub netuid: u16,
    /// Owner coldkey.
    pub owner_coldkey: String,
    /// Owner hotkey (uid 0).
    pub owner_hotkey: String,
    /// Run `start_call` at genesis (emission starts at block 1).
    #[serde(default)]
    pub started: bool,
    /// Per-subnet hyperparameter overrides by reference name (see docs/genesis.md).
    #[serde(default)]
    pub params: BTreeMap<String, u64>,
    /// Neurons registered after the owner, in uid order.
    #[serde(default)]
    pub neurons: Vec<GenesisNeuron>,
    /// TAO in the subnet's pool (rao), minted into the subnet account and locked by the
    /// owner; default `NetworkMinLockCost`, what the smallest `register_network` locks.
    #[serde(default)]
    pub pool_tao: Option<u64>,
    /// Alpha in the pool's reserve; default `pool_tao` (a price of 1 TAO per alpha).
    #[serde(default)]
    pub pool_alpha: Option<u64>,
}

/// One initial neuron.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisNeuron {
    /// Hotkey.
    pub hotkey: String,
    /// Owning coldkey.
    pub coldkey: String,
    /// Alpha staked by the coldkey to the hotkey (rao).
    #[serde(default)]
    pub stake: u64,
}

/// Resolves an SS58 address, `0x` hex key or dev URI (`//Alice`) to an account.
pub fn parse_account(s: &str) -> Result<AccountId, GenesisError> {
    if s.starts_with("//") {
        return Keypair::from_uri(s)
            .map(|k| k.public())
            .map_err(|_| GenesisError::Account(s.to_string()));
    }
    s.parse::<AccountId>()
        .map_err(|_| GenesisError::Account(s.to_string()))
}

fn set_global(st: &mut Overlay<'_>, name: &str, v: u64) -> Result<(), GenesisError> {
    let bad = |why: &str| GenesisError::Param(name.to_string(), why.to_string());
    let u16v = || u16::try_from(v).map_err(|_| bad("must fit in u16"));
    match name {
        "SubnetLimit" => SUBNET_LIMIT.put(st, &u16v()?),
        "NetworkMinLockCost" => {
            NETWORK_MIN_LOCK_COST.put(st, &v);
            NETWORK_LAST_LOCK_COST.put(st, &v);
        }
        "NetworkLockReductionInterval" => NETWORK_LOCK_REDUCTION_INTERVAL.put(st, &v),
        "NetworkRateLimit" => NETWORK_RATE_LIMIT.put(st, &v),
        "NetworkImmunityPeriod" => NETWORK_IMMUNITY_PERIOD.put(st, &v),
        "StartCallDelay" => START_CALL_DELAY.put(st, &v),
        "StakeThreshold" => STAKE_THRESHOLD.put(st, &v),
        "TaoWeight" => TAO_WEIGHT.put(st, &v),
        "SubnetOwnerCut" => SUBNET_OWNER_CUT.put(st, &u16v()?),
        "TxRateLimit" => TX_RATE_LIMIT.put(st, &v),
        "AdminFreezeWindow" => ADMIN_FREEZE_WINDOW.put(st, &u16v()?),
        "MaxEpochsPerBlock" => {
            if v == 0 {
                return Err(bad("must be at least 1"));
            }
            MAX_EPOCHS_PER_BLOCK.put(st, &u16v()?);
        }
        "ColdkeySwapAnnouncementDelay" => COLDKEY_SWAP_ANNOUNCEMENT_DELAY.put(st, &v),
        "ColdkeySwapReannouncementDelay" => COLDKEY_SWAP_REANNOUNCEMENT_DELAY.put(st, &v),
        "NumRootClaim" => {
            if v > crate::root_claims::MAX_NUM_ROOT_CLAIMS {
                return Err(bad("must be at most 50"));
            }
            NUM_ROOT_CLAIM.put(st, &v);
        }
        _ => return Err(bad("unknown global parameter")),
    }
    Ok(())
}

fn set_subnet_param(
    st: &mut Overlay<'_>,
    netuid: u16,
    name: &str,
    v: u64,
) -> Result<(), GenesisError> {
    let bad = |why: &str| GenesisError::Param(name.to_string(), why.to_string());
    let u16v = || u16::try_from(v).map_err(|_| bad("must fit in u16"));
    let flag = || match v {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(bad("must be 0 or 1")),
    };
    match name {
        "Tempo" => TEMPO.insert(st, &netuid, &u16v()?),
        "ImmunityPeriod" => IMMUNITY_PERIOD.insert(st, &netuid, &u16v()?),
        "MaxAllowedUids" => {
            let m = u16v()?;
            if m == 0 || m > 256 {
                return Err(bad("must be in 1..=256"));
            }
            MAX_ALLOWED_UIDS.insert(st, &netuid, &m);
        }
        "MaxAllowedValidators" => MAX_ALLOWED_VALIDATORS.insert(st, &netuid, &u16v()?),
        "MinAllowedWeights" => MIN_ALLOWED_WEIGHTS.insert(st, &netuid, &u16v()?),
        "WeightsSetRateLimit" => WEIGHTS_SET_RATE_LIMIT.insert(st, &netuid, &v),
        "WeightsVersionKey" => WEIGHTS_VERSION_KEY.insert(st, &netuid, &v),
        "CommitRevealWeightsEnabled" => COMMIT_REVEAL_WEIGHTS_ENABLED.insert(st, &netuid, &flag()?),
        "RevealPeriodEpochs" => REVEAL_PERIOD_EPOCHS.insert(st, &netuid, &v),
        "Kappa" => KAPPA.insert(st, &netuid, &u16v()?),
        "Yuma3On" => YUMA3_ON.insert(st, &netuid, &flag()?),
        "LiquidAlphaOn" => LIQUID_ALPHA_ON.insert(st, &netuid, &flag()?),
        "BondsMovingAverage" => BONDS_MOVING_AVERAGE.insert(st, &netuid, &v),
        "BondsPenalty" => BONDS_PENALTY.insert(st, &netuid, &u16v()?),
        "Burn" => BURN.insert(st, &netuid, &v),
        "MinBurn" => MIN_BURN.insert(st, &netuid, &v),
        "MaxBurn" => MAX_BURN.insert(st, &netuid, &v),
        "ServingRateLimit" => SERVING_RATE_LIMIT.insert(st, &netuid, &v),
        "ActivityCutoffFactorMilli" => ACTIVITY_CUTOFF_FACTOR_MILLI.insert(
            st,
            &netuid,
            &u32::try_from(v).map_err(|_| bad("must fit in u32"))?,
        ),
        "NetworkRegistrationAllowed" => NETWORK_REGISTRATION_ALLOWED.insert(st, &netuid, &flag()?),
        "SubnetEmissionEnabled" => SUBNET_EMISSION_ENABLED.insert(st, &netuid, &flag()?),
        // The starting moving price, in rao per alpha (a simulation may start from a mature
        // market instead of the EMA's zero).
        "SubnetMovingPrice" => {
            let price = agora_primitives::I96F32::saturating_from_num(v).safe_div(
                agora_primitives::I96F32::saturating_from_num(1_000_000_000u64),
            );
            SUBNET_MOVING_PRICE.insert(st, &netuid, &price.to_bits());
        }
        _ => return Err(bad("unknown subnet parameter")),
    }
    Ok(())
}

/// Builds the genesis state. Returns the state; its `GENESIS_HASH` is set.
pub fn build(cfg: &GenesisConfig) -> Result<MemBackend, GenesisError> {
    let empty = MemBackend::new();
    let mut st = Overlay::new(&empty);
    subnets::init_root_network(&mut st);
    if let Some(s) = &cfg.sudo {
        SUDO_KEY.put(&mut st, &Some(parse_account(s)?));
    }
    let mut total: u128 = 0;
    for (who, amount) in &cfg.balances {
        let who = parse_account(who)?;
        total = total.saturating_add(u128::from(*amount));
        let current = balances::free(&st, &who);
        balances::genesis_set(&mut st, &who, current.saturating_add(*amount));
    }
    for (name, v) in &cfg.params {
        set_global(&mut st, name, *v)?;
    }
    for sn in &cfg.subnets {
        if sn.netuid == ROOT_NETUID || subnets::subnet_exists(&st, sn.netuid) {
            return Err(GenesisError::Netuid(sn.netuid));
        }
        let owner = parse_account(&sn.owner_coldkey)?;
        let owner_hotkey = parse_account(&sn.owner_hotkey)?;
        subnets::init_new_network(&mut st, sn.netuid, 0);
        SUBNET_OWNER.insert(&mut st, &sn.netuid, &owner);
        SUBNET_OWNER_HOTKEY.insert(&mut st, &sn.netuid, &owner_hotkey);
        crate::accounts::create_account_if_non_existent(&mut st, &owner, &owner_hotkey);
        for (name, v) in &sn.params {
            set_subnet_param(&mut st, sn.netuid, name, *v)?;
        }
        let max = MAX_ALLOWED_UIDS.get(&st, &sn.netuid);
        if sn.neurons.len() >= usize::from(max) {
            return Err(GenesisError::TooManyNeurons(sn.netuid));
        }
        append_neuron(&mut st, sn.netuid, &owner_hotkey, 0);
        for n in &sn.neurons {
            let hotkey = parse_account(&n.hotkey)?;
            let coldkey = parse_account(&n.coldkey)?;
            if crate::accounts::owner_of(&st, &hotkey).is_some_and(|o| o != coldkey)
                || UIDS.contains(&st, &(sn.netuid, hotkey))
            {
                return Err(GenesisError::Account(n.hotkey.clone()));
            }
            crate::accounts::create_account_if_non_existent(&mut st, &coldkey, &hotkey);
            append_neuron(&mut st, sn.netuid, &hotkey, 0);
            if n.stake > 0 {
                staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                    &mut st, &hotkey, &coldkey, sn.netuid, n.stake,
                );
                SUBNET_ALPHA_OUT.mutate(&mut st, &sn.netuid, |a| *a = a.saturating_add(n.stake));
            }
        }
        // The pool, as `register_network` seeds it: the TAO sits in the subnet account.
        let pool_tao = sn
            .pool_tao
            .unwrap_or_else(|| NETWORK_MIN_LOCK_COST.get(&st));
        let pool_alpha = sn.pool_alpha.unwrap_or(pool_tao);
        total = total.saturating_add(u128::from(pool_tao));
        let account = balances::subnet_account(sn.netuid);
        let held = balances::free(&st, &account);
        balances::genesis_set(&mut st, &account, held.saturating_add(pool_tao));
        SUBNET_TAO.insert(&mut st, &sn.netuid, &pool_tao);
        SUBNET_ALPHA_IN.insert(&mut st, &sn.netuid, &pool_alpha);
        SUBNET_LOCKED.insert(&mut st, &sn.netuid, &pool_tao);
        TOTAL_STAKE.mutate(&mut st, |t| *t = t.saturating_add(pool_tao));
        if sn.started {
            FIRST_EMISSION_BLOCK_NUMBER.insert(&mut st, &sn.netuid, &1);
            SUBTOKEN_ENABLED.insert(&mut st, &sn.netuid, &true);
        }
    }
    if total > u128::from(balances::MAX_TAO_ISSUANCE) {
        return Err(GenesisError::Supply);
    }
    let pre_root = st.root();
    let mut seed = b"agora-genesis".to_vec();
    seed.extend_from_slice(cfg.chain_id.as_bytes());
    seed.extend_from_slice(&pre_root);
    GENESIS_HASH.put(&mut st, &blake2_256(&seed));
    let mut out = MemBackend::new();
    out.apply(st.into_changes());
    Ok(out)
}

/// Parses a genesis file and builds its state.
pub fn from_json(json: &str) -> Result<MemBackend, GenesisError> {
    build(&serde_json::from_str(json)?)
}

/// The genesis hash stored in `state`.
pub fn genesis_hash(state: &dyn Backend) -> [u8; 32] {
    GENESIS_HASH.get(&Overlay::new(state))
}
