//! `Metagraph`, `SelectiveMetagraph`, mechagraphs (`ST/rpc_info/metagraph.rs`) and
//! `SubnetState` (`ST/rpc_info/show_subnet.rs`).
//!
//! The metagraph is built in one pass over the subnet's storage (see [`super`] "Cost"); a
//! selective metagraph is cut from it, field by field in the reference's index order
//! ([`SELECTIVE_METAGRAPH_FIELDS`]). Per-uid stake terms are the inherited stake weights of
//! §5.7, floored to integers.
#![allow(
    missing_docs,
    reason = "fields keep the reference's names and meanings (protocol.md §12.2)"
)]

use agora_primitives::fixed::fixed64_to_u64;
use agora_primitives::{AccountId, I64F64, I96F32};
use parity_scale_codec::{Decode, Encode};
use serde::Serialize;

use super::subnet::{
    MAX_WEIGHT_LIMIT, SUBNET_ALPHA_IN_EMISSION, SUBNET_TAO_IN_EMISSION, activity_cutoff_blocks,
    pending_alpha_emission,
};
use super::wire::{
    AccountAmount, CompactVec, i96f32, i96f32_opt, ss58, ss58_opt, ss58_vec, ss58_vec_opt, u128_str,
};
use super::{UidKeys, all_netuids, current_block, exists, subnet_name};
use crate::childkeys::{StakeWeights, stake_weights_for_hotkeys};
use crate::state::{Map, Overlay};
use crate::storage::*;
use crate::types::{AxonInfo, ChainIdentity, SubnetIdentity};

/// `(hotkey, netuid)`-keyed last emission of a hotkey (`LastHotkeyEmissionOnNetuid`), keyed
/// `(netuid, hotkey)` here. Nothing writes it at this commit of the reference, so
/// `SubnetState::emission_history` is all zeros there too.
pub const LAST_HOTKEY_EMISSION_ON_NETUID: Map<(NetUid, AccountId), u64> =
    Map::new("LastHotkeyEmissionOnNetuid", || 0);

/// A subnet's complete metagraph (`Metagraph<AccountId>`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Metagraph {
    #[codec(compact)]
    pub netuid: u16,
    pub name: CompactVec<u8>,
    pub symbol: CompactVec<u8>,
    pub identity: Option<SubnetIdentity>,
    #[codec(compact)]
    pub network_registered_at: u64,
    #[serde(serialize_with = "ss58")]
    pub owner_hotkey: AccountId,
    #[serde(serialize_with = "ss58")]
    pub owner_coldkey: AccountId,
    #[codec(compact)]
    pub block: u64,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub last_step: u64,
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    #[codec(compact)]
    pub subnet_emission: u64,
    #[codec(compact)]
    pub alpha_in: u64,
    #[codec(compact)]
    pub alpha_out: u64,
    #[codec(compact)]
    pub tao_in: u64,
    #[codec(compact)]
    pub alpha_out_emission: u64,
    #[codec(compact)]
    pub alpha_in_emission: u64,
    #[codec(compact)]
    pub tao_in_emission: u64,
    #[codec(compact)]
    pub pending_alpha_emission: u64,
    #[codec(compact)]
    pub pending_root_emission: u64,
    #[codec(compact)]
    #[serde(serialize_with = "u128_str")]
    pub subnet_volume: u128,
    #[serde(serialize_with = "i96f32")]
    pub moving_price: I96F32,
    #[codec(compact)]
    pub rho: u16,
    #[codec(compact)]
    pub kappa: u16,
    #[codec(compact)]
    pub min_allowed_weights: u16,
    #[codec(compact)]
    pub max_weights_limit: u16,
    #[codec(compact)]
    pub weights_version: u64,
    #[codec(compact)]
    pub weights_rate_limit: u64,
    #[codec(compact)]
    pub activity_cutoff: u64,
    #[codec(compact)]
    pub max_validators: u16,
    #[codec(compact)]
    pub num_uids: u16,
    #[codec(compact)]
    pub max_uids: u16,
    #[codec(compact)]
    pub burn: u64,
    #[codec(compact)]
    pub difficulty: u64,
    pub registration_allowed: bool,
    pub pow_registration_allowed: bool,
    #[codec(compact)]
    pub immunity_period: u16,
    #[codec(compact)]
    pub min_difficulty: u64,
    #[codec(compact)]
    pub max_difficulty: u64,
    #[codec(compact)]
    pub min_burn: u64,
    #[codec(compact)]
    pub max_burn: u64,
    #[codec(compact)]
    pub adjustment_alpha: u64,
    #[codec(compact)]
    pub adjustment_interval: u16,
    #[codec(compact)]
    pub target_regs_per_interval: u16,
    #[codec(compact)]
    pub max_regs_per_block: u16,
    #[codec(compact)]
    pub serving_rate_limit: u64,
    pub commit_reveal_weights_enabled: bool,
    #[codec(compact)]
    pub commit_reveal_period: u64,
    pub liquid_alpha_enabled: bool,
    #[codec(compact)]
    pub alpha_high: u16,
    #[codec(compact)]
    pub alpha_low: u16,
    #[codec(compact)]
    pub bonds_moving_avg: u64,
    #[serde(serialize_with = "ss58_vec")]
    pub hotkeys: Vec<AccountId>,
    #[serde(serialize_with = "ss58_vec")]
    pub coldkeys: Vec<AccountId>,
    pub identities: Vec<Option<ChainIdentity>>,
    pub axons: Vec<AxonInfo>,
    pub active: Vec<bool>,
    pub validator_permit: Vec<bool>,
    pub pruning_score: CompactVec<u16>,
    pub last_update: CompactVec<u64>,
    pub emission: CompactVec<u64>,
    pub dividends: CompactVec<u16>,
    pub incentives: CompactVec<u16>,
    pub consensus: CompactVec<u16>,
    pub trust: CompactVec<u16>,
    pub rank: CompactVec<u16>,
    pub block_at_registration: CompactVec<u64>,
    pub alpha_stake: CompactVec<u64>,
    pub tao_stake: CompactVec<u64>,
    pub total_stake: CompactVec<u64>,
    pub tao_dividends_per_hotkey: Vec<AccountAmount>,
    pub alpha_dividends_per_hotkey: Vec<AccountAmount>,
}

/// The floored parts of the stake weights: (total, alpha, tao).
fn stake_columns(w: &[StakeWeights]) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    (
        w.iter().map(|x| fixed64_to_u64(x.total)).collect(),
        w.iter().map(|x| fixed64_to_u64(x.alpha)).collect(),
        w.iter().map(|x| fixed64_to_u64(x.tao)).collect(),
    )
}

/// `get_metagraph(netuid)` at the state's block.
pub fn metagraph(st: &Overlay<'_>, netuid: NetUid) -> Option<Metagraph> {
    build(st, netuid).map(|(m, _)| m)
}

/// The metagraph and the per-uid stake weights it was built from.
fn build(st: &Overlay<'_>, netuid: NetUid) -> Option<(Metagraph, Vec<StakeWeights>)> {
    if !exists(st, netuid) {
        return None;
    }
    let n = &netuid;
    let keys = UidKeys::read(st, netuid);
    let hotkeys = keys.hotkeys_or_default();
    let count = hotkeys.len();
    let block = current_block(st);
    let last_step = LAST_MECHANISM_STEP_BLOCK.get(st, n);
    let weights = stake_weights_for_hotkeys(st, netuid, &keys.hotkeys);
    let (total_stake, alpha_stake, tao_stake) = stake_columns(&weights);
    let idx = netuid_index(netuid, 0);
    let (alpha_low, alpha_high) = ALPHA_VALUES.get(st, n);
    let meta = Metagraph {
        netuid,
        name: subnet_name(st, netuid).into(),
        symbol: TOKEN_SYMBOL.get(st, n).into(),
        identity: SUBNET_IDENTITIES.try_get(st, n),
        network_registered_at: NETWORK_REGISTERED_AT.get(st, n),
        owner_hotkey: SUBNET_OWNER_HOTKEY.get(st, n),
        owner_coldkey: SUBNET_OWNER.get(st, n),
        block,
        tempo: TEMPO.get(st, n),
        last_step,
        blocks_since_last_step: block.saturating_sub(last_step),
        subnet_emission: 0,
        alpha_in: SUBNET_ALPHA_IN.get(st, n),
        alpha_out: SUBNET_ALPHA_OUT.get(st, n),
        tao_in: SUBNET_TAO.get(st, n),
        alpha_out_emission: SUBNET_ALPHA_OUT_EMISSION.get(st, n),
        alpha_in_emission: SUBNET_ALPHA_IN_EMISSION.get(st, n),
        tao_in_emission: SUBNET_TAO_IN_EMISSION.get(st, n),
        pending_alpha_emission: pending_alpha_emission(st, netuid),
        pending_root_emission: 0,
        subnet_volume: SUBNET_VOLUME.get(st, n),
        moving_price: I96F32::from_bits(SUBNET_MOVING_PRICE.get(st, n)),
        rho: RHO.get(st, n),
        kappa: KAPPA.get(st, n),
        min_allowed_weights: MIN_ALLOWED_WEIGHTS.get(st, n),
        max_weights_limit: MAX_WEIGHT_LIMIT,
        weights_version: WEIGHTS_VERSION_KEY.get(st, n),
        weights_rate_limit: WEIGHTS_SET_RATE_LIMIT.get(st, n),
        activity_cutoff: activity_cutoff_blocks(st, netuid),
        max_validators: MAX_ALLOWED_VALIDATORS.get(st, n),
        num_uids: SUBNETWORK_N.get(st, n),
        max_uids: MAX_ALLOWED_UIDS.get(st, n),
        burn: BURN.get(st, n),
        difficulty: DIFFICULTY.get(st, n),
        registration_allowed: NETWORK_REGISTRATION_ALLOWED.get(st, n),
        pow_registration_allowed: NETWORK_POW_REGISTRATION_ALLOWED.get(st, n),
        immunity_period: IMMUNITY_PERIOD.get(st, n),
        min_difficulty: MIN_DIFFICULTY.get(st, n),
        max_difficulty: MAX_DIFFICULTY.get(st, n),
        min_burn: MIN_BURN.get(st, n),
        max_burn: MAX_BURN.get(st, n),
        adjustment_alpha: ADJUSTMENT_ALPHA.get(st, n),
        adjustment_interval: ADJUSTMENT_INTERVAL.get(st, n),
        target_regs_per_interval: TARGET_REGISTRATIONS_PER_INTERVAL.get(st, n),
        max_regs_per_block: MAX_REGISTRATIONS_PER_BLOCK.get(st, n),
        serving_rate_limit: SERVING_RATE_LIMIT.get(st, n),
        commit_reveal_weights_enabled: COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, n),
        commit_reveal_period: REVEAL_PERIOD_EPOCHS.get(st, n),
        liquid_alpha_enabled: LIQUID_ALPHA_ON.get(st, n),
        alpha_high,
        alpha_low,
        bonds_moving_avg: BONDS_MOVING_AVERAGE.get(st, n),
        identities: keys.identities(st),
        axons: keys.axons(st, netuid),
        coldkeys: keys.coldkeys.clone(),
        active: ACTIVE.get(st, n),
        validator_permit: VALIDATOR_PERMIT.get(st, n),
        pruning_score: CompactVec(Vec::new()),
        last_update: LAST_UPDATE.get(st, &idx).into(),
        emission: EMISSION.get(st, n).into(),
        dividends: DIVIDENDS.get(st, n).into(),
        incentives: INCENTIVE.get(st, &idx).into(),
        consensus: CONSENSUS.get(st, n).into(),
        trust: CompactVec(Vec::new()),
        rank: CompactVec(Vec::new()),
        block_at_registration: UidKeys::block_at_registration(st, netuid, count).into(),
        alpha_stake: alpha_stake.into(),
        tao_stake: tao_stake.into(),
        total_stake: total_stake.into(),
        tao_dividends_per_hotkey: hotkeys.iter().map(|h| AccountAmount(*h, 0)).collect(),
        alpha_dividends_per_hotkey: hotkeys
            .iter()
            .map(|h| AccountAmount(*h, ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(netuid, *h))))
            .collect(),
        hotkeys,
    };
    Some((meta, weights))
}

/// `get_all_metagraphs()`: every added subnet in netuid order.
pub fn all_metagraphs(st: &Overlay<'_>) -> Vec<Option<Metagraph>> {
    all_netuids(st)
        .into_iter()
        .map(|n| metagraph(st, n))
        .collect()
}

/// Mechanism `mecid`'s metagraph (`get_mechagraph`): the subnet's metagraph with the
/// mechanism's storage index as `netuid` and its own `last_update` and `incentives`; `None`
/// unless the subnet exists and `mecid < MechanismCountCurrent`.
pub fn mechagraph(st: &Overlay<'_>, netuid: NetUid, mecid: MechId) -> Option<Metagraph> {
    if !exists(st, netuid) || MECHANISM_COUNT_CURRENT.get(st, &netuid) <= mecid {
        return None;
    }
    let mut meta = metagraph(st, netuid)?;
    let idx = netuid_index(netuid, mecid);
    meta.netuid = idx;
    meta.last_update = LAST_UPDATE.get(st, &idx).into();
    meta.incentives = INCENTIVE.get(st, &idx).into();
    Some(meta)
}

/// `get_all_mechagraphs()`: every mechanism of every added subnet.
pub fn all_mechagraphs(st: &Overlay<'_>) -> Vec<Option<Metagraph>> {
    all_netuids(st)
        .into_iter()
        .flat_map(|n| (0..MECHANISM_COUNT_CURRENT.get(st, &n)).map(move |m| mechagraph(st, n, m)))
        .collect()
}

/// The selective metagraph's field names in index order (the reference's
/// `SelectiveMetagraphIndex`, 0–73).
pub const SELECTIVE_METAGRAPH_FIELDS: [&str; 74] = [
    "netuid",
    "name",
    "symbol",
    "identity",
    "network_registered_at",
    "owner_hotkey",
    "owner_coldkey",
    "block",
    "tempo",
    "last_step",
    "blocks_since_last_step",
    "subnet_emission",
    "alpha_in",
    "alpha_out",
    "tao_in",
    "alpha_out_emission",
    "alpha_in_emission",
    "tao_in_emission",
    "pending_alpha_emission",
    "pending_root_emission",
    "subnet_volume",
    "moving_price",
    "rho",
    "kappa",
    "min_allowed_weights",
    "max_weights_limit",
    "weights_version",
    "weights_rate_limit",
    "activity_cutoff",
    "max_validators",
    "num_uids",
    "max_uids",
    "burn",
    "difficulty",
    "registration_allowed",
    "pow_registration_allowed",
    "immunity_period",
    "min_difficulty",
    "max_difficulty",
    "min_burn",
    "max_burn",
    "adjustment_alpha",
    "adjustment_interval",
    "target_regs_per_interval",
    "max_regs_per_block",
    "serving_rate_limit",
    "commit_reveal_weights_enabled",
    "commit_reveal_period",
    "liquid_alpha_enabled",
    "alpha_high",
    "alpha_low",
    "bonds_moving_avg",
    "hotkeys",
    "coldkeys",
    "identities",
    "axons",
    "active",
    "validator_permit",
    "pruning_score",
    "last_update",
    "emission",
    "dividends",
    "incentives",
    "consensus",
    "trust",
    "rank",
    "block_at_registration",
    "alpha_stake",
    "tao_stake",
    "total_stake",
    "tao_dividends_per_hotkey",
    "alpha_dividends_per_hotkey",
    "validators",
    "commitments",
];

/// The metagraph with every field optional (`SelectiveMetagraph<AccountId>`), plus the
/// permitted validators above the stake threshold and the commitments. In JSON, unselected
/// fields are omitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SelectiveMetagraph {
    #[codec(compact)]
    pub netuid: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<CompactVec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<CompactVec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Option<SubnetIdentity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_registered_at: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ss58_opt")]
    pub owner_hotkey: Option<AccountId>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ss58_opt")]
    pub owner_coldkey: Option<AccountId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tempo: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_step: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks_since_last_step: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_emission: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_in: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_out: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tao_in: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_out_emission: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_in_emission: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tao_in_emission: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_alpha_emission: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_root_emission: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_volume: Option<Compact128>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "i96f32_opt")]
    pub moving_price: Option<I96F32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rho: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kappa: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_allowed_weights: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_weights_limit: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights_version: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights_rate_limit: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_cutoff: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_validators: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_uids: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_uids: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burn: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_allowed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pow_registration_allowed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immunity_period: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_difficulty: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_difficulty: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_burn: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_burn: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjustment_alpha: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjustment_interval: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_regs_per_interval: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_regs_per_block: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving_rate_limit: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_reveal_weights_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_reveal_period: Option<Compact64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liquid_alpha_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_high: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_low: Option<Compact16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonds_moving_avg: Option<Compact64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ss58_vec_opt"
    )]
    pub hotkeys: Option<Vec<AccountId>>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ss58_vec_opt"
    )]
    pub coldkeys: Option<Vec<AccountId>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identities: Option<Vec<Option<ChainIdentity>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axons: Option<Vec<AxonInfo>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<Vec<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validator_permit: Option<Vec<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pruning_score: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update: Option<CompactVec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emission: Option<CompactVec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dividends: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incentives: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consensus: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_at_registration: Option<CompactVec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_stake: Option<CompactVec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tao_stake: Option<CompactVec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_stake: Option<CompactVec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tao_dividends_per_hotkey: Option<Vec<AccountAmount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_dividends_per_hotkey: Option<Vec<AccountAmount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validators: Option<CompactVec<u16>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitments: Option<Vec<Commitment>>,
}

/// A `Compact<u64>` inside an `Option` (SCALE `Option<Compact<u64>>`; JSON a number).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize)]
#[serde(transparent)]
pub struct Compact64(#[codec(compact)] pub u64);

/// A `Compact<u128>` inside an `Option` (JSON a decimal string).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize)]
#[serde(transparent)]
pub struct Compact128(
    #[codec(compact)]
    #[serde(serialize_with = "u128_str")]
    pub u128,
);

/// A `Compact<u16>` inside an `Option`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize)]
#[serde(transparent)]
pub struct Compact16(#[codec(compact)] pub u16);

/// One account's commitment `(AccountId, Vec<Compact<u8>>)`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Commitment(
    #[serde(serialize_with = "ss58")] pub AccountId,
    pub CompactVec<u8>,
);

/// Permitted validators with a stake weight above `StakeThreshold`, in ascending order of
/// stake weight, ties in uid order (`get_validators`).
fn validators(st: &Overlay<'_>, netuid: NetUid, weights: &[StakeWeights]) -> Vec<u16> {
    let threshold = I64F64::saturating_from_num(STAKE_THRESHOLD.get(st));
    let permits = VALIDATOR_PERMIT.get(st, &netuid);
    let mut picked: Vec<(u16, I64F64)> = KEYS
        .iter_prefix(st, &netuid)
        .into_iter()
        .filter(|(uid, _)| permits.get(usize::from(*uid)).copied().unwrap_or(false))
        .map(|(uid, hotkey)| {
            let w = weights.get(usize::from(uid)).map_or_else(
                || crate::childkeys::stake_weights_for_hotkey(st, &hotkey, netuid).total,
                |w| w.total,
            );
            (uid, w)
        })
        .collect();
    picked.sort_by_key(|p| p.1);
    picked
        .into_iter()
        .filter(|(_, w)| *w > threshold)
        .map(|(uid, _)| uid)
        .collect()
}

/// Copies field `index` of `full` into `out`; unknown indexes are ignored (`merge_value`).
fn select(
    st: &Overlay<'_>,
    out: &mut SelectiveMetagraph,
    full: &Metagraph,
    weights: &[StakeWeights],
    index: u16,
) {
    let m = full;
    let c64 = |x: u64| Some(Compact64(x));
    let c16 = |x: u16| Some(Compact16(x));
    match index {
        0 => out.netuid = m.netuid,
        1 => out.name = Some(m.name.clone()),
        2 => out.symbol = Some(m.symbol.clone()),
        3 => out.identity = Some(m.identity.clone()),
        4 => out.network_registered_at = c64(m.network_registered_at),
        5 => out.owner_hotkey = Some(m.owner_hotkey),
        6 => out.owner_coldkey = Some(m.owner_coldkey),
        7 => out.block = c64(m.block),
        8 => out.tempo = c16(m.tempo),
        9 => out.last_step = c64(m.last_step),
        10 => out.blocks_since_last_step = c64(m.blocks_since_last_step),
        11 => out.subnet_emission = c64(m.subnet_emission),
        12 => out.alpha_in = c64(m.alpha_in),
        13 => out.alpha_out = c64(m.alpha_out),
        14 => out.tao_in = c64(m.tao_in),
        15 => out.alpha_out_emission = c64(m.alpha_out_emission),
        16 => out.alpha_in_emission = c64(m.alpha_in_emission),
        17 => out.tao_in_emission = c64(m.tao_in_emission),
        18 => out.pending_alpha_emission = c64(m.pending_alpha_emission),
        19 => out.pending_root_emission = c64(m.pending_root_emission),
        20 => out.subnet_volume = Some(Compact128(m.subnet_volume)),
        21 => out.moving_price = Some(m.moving_price),
        22 => out.rho = c16(m.rho),
        23 => out.kappa = c16(m.kappa),
        24 => out.min_allowed_weights = c16(m.min_allowed_weights),
        25 => out.max_weights_limit = c16(m.max_weights_limit),
        26 => out.weights_version = c64(m.weights_version),
        27 => out.weights_rate_limit = c64(m.weights_rate_limit),
        28 => out.activity_cutoff = c64(m.activity_cutoff),
        29 => out.max_validators = c16(m.max_validators),
        30 => out.num_uids = c16(m.num_uids),
        31 => out.max_uids = c16(m.max_uids),
        32 => out.burn = c64(m.burn),
        33 => out.difficulty = c64(m.difficulty),
        34 => out.registration_allowed = Some(m.registration_allowed),
        35 => out.pow_registration_allowed = Some(m.pow_registration_allowed),
        36 => out.immunity_period = c16(m.immunity_period),
        37 => out.min_difficulty = c64(m.min_difficulty),
        38 => out.max_difficulty = c64(m.max_difficulty),
        39 => out.min_burn = c64(m.min_burn),
        40 => out.max_burn = c64(m.max_burn),
        41 => out.adjustment_alpha = c64(m.adjustment_alpha),
        42 => out.adjustment_interval = c16(m.adjustment_interval),
        43 => out.target_regs_per_interval = c16(m.target_regs_per_interval),
        44 => out.max_regs_per_block = c16(m.max_regs_per_block),
        45 => out.serving_rate_limit = c64(m.serving_rate_limit),
        46 => out.commit_reveal_weights_enabled = Some(m.commit_reveal_weights_enabled),
        47 => out.commit_reveal_period = c64(m.commit_reveal_period),
        48 => out.liquid_alpha_enabled = Some(m.liquid_alpha_enabled),
        49 => out.alpha_high = c16(m.alpha_high),
        50 => out.alpha_low = c16(m.alpha_low),
        51 => out.bonds_moving_avg = c64(m.bonds_moving_avg),
        52 => out.hotkeys = Some(m.hotkeys.clone()),
        53 => out.coldkeys = Some(m.coldkeys.clone()),
        54 => out.identities = Some(m.identities.clone()),
        55 => out.axons = Some(m.axons.clone()),
        56 => out.active = Some(m.active.clone()),
        57 => out.validator_permit = Some(m.validator_permit.clone()),
        58 => out.pruning_score = Some(m.pruning_score.clone()),
        59 => out.last_update = Some(m.last_update.clone()),
        60 => out.emission = Some(m.emission.clone()),
        61 => out.dividends = Some(m.dividends.clone()),
        62 => out.incentives = Some(m.incentives.clone()),
        63 => out.consensus = Some(m.consensus.clone()),
        64 => out.trust = Some(m.trust.clone()),
        65 => out.rank = Some(m.rank.clone()),
        66 => out.block_at_registration = Some(m.block_at_registration.clone()),
        67 => out.alpha_stake = Some(m.alpha_stake.clone()),
        68 => out.tao_stake = Some(m.tao_stake.clone()),
        69 => out.total_stake = Some(m.total_stake.clone()),
        70 => out.tao_dividends_per_hotkey = Some(m.tao_dividends_per_hotkey.clone()),
        71 => out.alpha_dividends_per_hotkey = Some(m.alpha_dividends_per_hotkey.clone()),
        72 => out.validators = Some(CompactVec(validators(st, netuid_of(full), weights))),
        // Agora has no commitments pallet: the list is always empty.
        73 => out.commitments = Some(Vec::new()),
        _ => {}
    }
}

/// The subnet a (mecha)graph was built for: its storage index modulo 4096.
fn netuid_of(m: &Metagraph) -> NetUid {
    m.netuid % 4096
}

fn selective(
    st: &Overlay<'_>,
    full: &Metagraph,
    weights: &[StakeWeights],
    indexes: &[u16],
) -> SelectiveMetagraph {
    let mut out = SelectiveMetagraph::default();
    for &i in indexes {
        select(st, &mut out, full, weights, i);
    }
    out
}

/// `get_selective_metagraph(netuid, indexes)`: the requested fields (index order of
/// [`SELECTIVE_METAGRAPH_FIELDS`]; unknown indexes ignored). As in the reference, `netuid` is
/// 0 unless index 0 is requested.
pub fn selective_metagraph(
    st: &Overlay<'_>,
    netuid: NetUid,
    indexes: &[u16],
) -> Option<SelectiveMetagraph> {
    let (full, weights) = build(st, netuid)?;
    Some(selective(st, &full, &weights, indexes))
}

/// `get_selective_mechagraph(netuid, mecid, indexes)`: as [`selective_metagraph`] with the
/// mechanism's `last_update` and `incentives`, and `netuid` always set to the subnet's. Like
/// the reference it checks only that the subnet exists.
pub fn selective_mechagraph(
    st: &Overlay<'_>,
    netuid: NetUid,
    mecid: MechId,
    indexes: &[u16],
) -> Option<SelectiveMetagraph> {
    let (mut full, weights) = build(st, netuid)?;
    let idx = netuid_index(netuid, mecid);
    full.last_update = LAST_UPDATE.get(st, &idx).into();
    full.incentives = INCENTIVE.get(st, &idx).into();
    let mut out = selective(st, &full, &weights, indexes);
    out.netuid = netuid;
    Some(out)
}

/// Per-uid state of a subnet (`SubnetState<AccountId>`); `pruning_score`, `trust` and `rank`
/// are empty (no longer computed).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SubnetState {
    #[codec(compact)]
    pub netuid: u16,
    #[serde(serialize_with = "ss58_vec")]
    pub hotkeys: Vec<AccountId>,
    #[serde(serialize_with = "ss58_vec")]
    pub coldkeys: Vec<AccountId>,
    pub active: Vec<bool>,
    pub validator_permit: Vec<bool>,
    pub pruning_score: CompactVec<u16>,
    pub last_update: CompactVec<u64>,
    pub emission: CompactVec<u64>,
    pub dividends: CompactVec<u16>,
    pub incentives: CompactVec<u16>,
    pub consensus: CompactVec<u16>,
    pub trust: CompactVec<u16>,
    pub rank: CompactVec<u16>,
    pub block_at_registration: CompactVec<u64>,
    pub alpha_stake: CompactVec<u64>,
    pub tao_stake: CompactVec<u64>,
    pub total_stake: CompactVec<u64>,
    pub emission_history: Vec<CompactVec<u64>>,
}

/// `get_subnet_state(netuid)`. `emission_history[i][uid]` is the uid's
/// `LastHotkeyEmissionOnNetuid` on the i-th added subnet.
pub fn subnet_state(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetState> {
    if !exists(st, netuid) {
        return None;
    }
    let keys = UidKeys::read(st, netuid);
    let hotkeys = keys.hotkeys_or_default();
    let idx = netuid_index(netuid, 0);
    let (total_stake, alpha_stake, tao_stake) =
        stake_columns(&stake_weights_for_hotkeys(st, netuid, &keys.hotkeys));
    let emission_history = all_netuids(st)
        .into_iter()
        .map(|sub| {
            let recorded: std::collections::BTreeMap<AccountId, u64> =
                LAST_HOTKEY_EMISSION_ON_NETUID
                    .iter_prefix(st, &sub)
                    .into_iter()
                    .collect();
            CompactVec(
                hotkeys
                    .iter()
                    .map(|h| recorded.get(h).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    Some(SubnetState {
        netuid,
        block_at_registration: UidKeys::block_at_registration(st, netuid, hotkeys.len()).into(),
        coldkeys: keys.coldkeys,
        active: ACTIVE.get(st, &netuid),
        validator_permit: VALIDATOR_PERMIT.get(st, &netuid),
        pruning_score: CompactVec(Vec::new()),
        last_update: LAST_UPDATE.get(st, &idx).into(),
        emission: EMISSION.get(st, &netuid).into(),
        dividends: DIVIDENDS.get(st, &netuid).into(),
        incentives: INCENTIVE.get(st, &idx).into(),
        consensus: CONSENSUS.get(st, &netuid).into(),
        trust: CompactVec(Vec::new()),
        rank: CompactVec(Vec::new()),
        alpha_stake: alpha_stake.into(),
        tao_stake: tao_stake.into(),
        total_stake: total_stake.into(),
        emission_history,
        hotkeys,
    })
}
