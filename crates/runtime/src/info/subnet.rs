//! Subnet-level info: `SubnetInfo`/`SubnetInfov2`, `SubnetHyperparams` v1/v2/v3
//! (`ST/rpc_info/subnet_info.rs`) and `DynamicInfo` (`ST/rpc_info/dynamic_info.rs`).
#![allow(
    missing_docs,
    reason = "fields keep the reference's names and meanings (protocol.md §12.2)"
)]

use agora_primitives::{AccountId, I32F32, I96F32, U64F64};
use parity_scale_codec::{Decode, Encode};
use serde::{Serialize, Serializer};

use super::wire::{CompactVec, i32f32, i96f32, ss58, u64f64, u128_str};
use super::{all_netuids, current_block, exists, subnet_name};
use crate::state::{Map, Overlay};
use crate::storage::*;
use crate::types::SubnetIdentity;

/// Alpha injected into the pool last block (`SubnetAlphaInEmission`; written by the coinbase).
pub(crate) const SUBNET_ALPHA_IN_EMISSION: Map<NetUid, u64> =
    Map::new("SubnetAlphaInEmission", || 0);
/// TAO injected into the pool last block (`SubnetTaoInEmission`; written by the coinbase).
pub(crate) const SUBNET_TAO_IN_EMISSION: Map<NetUid, u64> = Map::new("SubnetTaoInEmission", || 0);

/// `get_max_weight_limit`: a constant at this commit of the reference, whatever is stored.
pub const MAX_WEIGHT_LIMIT: u16 = u16::MAX;

/// `get_activity_cutoff_blocks`: `max(1, factor_milli · tempo / 1000)`.
pub fn activity_cutoff_blocks(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    u64::from(ACTIVITY_CUTOFF_FACTOR_MILLI.get(st, &netuid))
        .saturating_mul(u64::from(TEMPO.get(st, &netuid)))
        .checked_div(1000)
        .unwrap_or(0)
        .max(1)
}

/// `get_alpha_sigmoid_steepness` as the reference returns it.
pub fn alpha_sigmoid_steepness(st: &Overlay<'_>, netuid: NetUid) -> I32F32 {
    I32F32::saturating_from_num(ALPHA_SIGMOID_STEEPNESS.get(st, &netuid))
}

/// 3 with Yuma3 on, else 2.
fn yuma_version(st: &Overlay<'_>, netuid: NetUid) -> u16 {
    if YUMA3_ON.get(st, &netuid) { 3 } else { 2 }
}

/// Subnet parameters (`SubnetInfo<AccountId>`). `network_modality`, `network_connect` and
/// `emission_values` are vestigial (0, empty, 0).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SubnetInfo {
    #[codec(compact)]
    pub netuid: u16,
    #[codec(compact)]
    pub rho: u16,
    #[codec(compact)]
    pub kappa: u16,
    #[codec(compact)]
    pub difficulty: u64,
    #[codec(compact)]
    pub immunity_period: u16,
    #[codec(compact)]
    pub max_allowed_validators: u16,
    #[codec(compact)]
    pub min_allowed_weights: u16,
    #[codec(compact)]
    pub max_weights_limit: u16,
    #[codec(compact)]
    pub scaling_law_power: u16,
    #[codec(compact)]
    pub subnetwork_n: u16,
    #[codec(compact)]
    pub max_allowed_uids: u16,
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub network_modality: u16,
    pub network_connect: Vec<[u16; 2]>,
    #[codec(compact)]
    pub emission_values: u64,
    #[codec(compact)]
    pub burn: u64,
    #[serde(serialize_with = "ss58")]
    pub owner: AccountId,
}

/// `SubnetInfov2<AccountId>`: [`SubnetInfo`] with `emission_value` for `emission_values` and
/// the subnet identity appended.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SubnetInfov2 {
    #[codec(compact)]
    pub netuid: u16,
    #[codec(compact)]
    pub rho: u16,
    #[codec(compact)]
    pub kappa: u16,
    #[codec(compact)]
    pub difficulty: u64,
    #[codec(compact)]
    pub immunity_period: u16,
    #[codec(compact)]
    pub max_allowed_validators: u16,
    #[codec(compact)]
    pub min_allowed_weights: u16,
    #[codec(compact)]
    pub max_weights_limit: u16,
    #[codec(compact)]
    pub scaling_law_power: u16,
    #[codec(compact)]
    pub subnetwork_n: u16,
    #[codec(compact)]
    pub max_allowed_uids: u16,
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub network_modality: u16,
    pub network_connect: Vec<[u16; 2]>,
    #[codec(compact)]
    pub emission_value: u64,
    #[codec(compact)]
    pub burn: u64,
    #[serde(serialize_with = "ss58")]
    pub owner: AccountId,
    pub identity: Option<SubnetIdentity>,
}

/// `get_subnet_info(netuid)`.
pub fn subnet_info(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetInfo> {
    let v2 = subnet_info_v2(st, netuid)?;
    Some(SubnetInfo {
        netuid: v2.netuid,
        rho: v2.rho,
        kappa: v2.kappa,
        difficulty: v2.difficulty,
        immunity_period: v2.immunity_period,
        max_allowed_validators: v2.max_allowed_validators,
        min_allowed_weights: v2.min_allowed_weights,
        max_weights_limit: v2.max_weights_limit,
        scaling_law_power: v2.scaling_law_power,
        subnetwork_n: v2.subnetwork_n,
        max_allowed_uids: v2.max_allowed_uids,
        blocks_since_last_step: v2.blocks_since_last_step,
        tempo: v2.tempo,
        network_modality: v2.network_modality,
        network_connect: v2.network_connect,
        emission_values: v2.emission_value,
        burn: v2.burn,
        owner: v2.owner,
    })
}

/// `get_subnet_info_v2(netuid)`.
pub fn subnet_info_v2(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetInfov2> {
    if !exists(st, netuid) {
        return None;
    }
    Some(SubnetInfov2 {
        netuid,
        rho: RHO.get(st, &netuid),
        kappa: KAPPA.get(st, &netuid),
        difficulty: DIFFICULTY.get(st, &netuid),
        immunity_period: IMMUNITY_PERIOD.get(st, &netuid),
        max_allowed_validators: MAX_ALLOWED_VALIDATORS.get(st, &netuid),
        min_allowed_weights: MIN_ALLOWED_WEIGHTS.get(st, &netuid),
        max_weights_limit: MAX_WEIGHT_LIMIT,
        scaling_law_power: SCALING_LAW_POWER.get(st, &netuid),
        subnetwork_n: SUBNETWORK_N.get(st, &netuid),
        max_allowed_uids: MAX_ALLOWED_UIDS.get(st, &netuid),
        blocks_since_last_step: BLOCKS_SINCE_LAST_STEP.get(st, &netuid),
        tempo: TEMPO.get(st, &netuid),
        network_modality: 0,
        network_connect: Vec::new(),
        emission_value: 0,
        burn: BURN.get(st, &netuid),
        owner: SUBNET_OWNER.get(st, &netuid),
        identity: SUBNET_IDENTITIES.try_get(st, &netuid),
    })
}

/// Every added subnet in numeric order (`get_subnets_info` walks `0..=max netuid`).
fn netuids_ascending(st: &Overlay<'_>) -> Vec<NetUid> {
    let mut netuids = all_netuids(st);
    netuids.sort_unstable();
    netuids
}

/// `get_subnets_info()`: every added subnet in netuid order (all `Some`).
pub fn subnets_info(st: &Overlay<'_>) -> Vec<Option<SubnetInfo>> {
    netuids_ascending(st)
        .into_iter()
        .map(|n| subnet_info(st, n))
        .collect()
}

/// `get_subnets_info_v2()`.
pub fn subnets_info_v2(st: &Overlay<'_>) -> Vec<Option<SubnetInfov2>> {
    netuids_ascending(st)
        .into_iter()
        .map(|n| subnet_info_v2(st, n))
        .collect()
}

/// Hyperparameters (`SubnetHyperparams`, deprecated in the reference in favour of v3).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SubnetHyperparams {
    #[codec(compact)]
    pub rho: u16,
    #[codec(compact)]
    pub kappa: u16,
    #[codec(compact)]
    pub immunity_period: u16,
    #[codec(compact)]
    pub min_allowed_weights: u16,
    #[codec(compact)]
    pub max_weights_limit: u16,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub min_difficulty: u64,
    #[codec(compact)]
    pub max_difficulty: u64,
    #[codec(compact)]
    pub weights_version: u64,
    #[codec(compact)]
    pub weights_rate_limit: u64,
    #[codec(compact)]
    pub adjustment_interval: u16,
    #[codec(compact)]
    pub activity_cutoff: u64,
    pub registration_allowed: bool,
    #[codec(compact)]
    pub target_regs_per_interval: u16,
    #[codec(compact)]
    pub min_burn: u64,
    #[codec(compact)]
    pub max_burn: u64,
    #[codec(compact)]
    pub bonds_moving_avg: u64,
    #[codec(compact)]
    pub max_regs_per_block: u16,
    #[codec(compact)]
    pub serving_rate_limit: u64,
    #[codec(compact)]
    pub max_validators: u16,
    #[codec(compact)]
    pub adjustment_alpha: u64,
    #[codec(compact)]
    pub difficulty: u64,
    #[codec(compact)]
    pub commit_reveal_period: u64,
    pub commit_reveal_weights_enabled: bool,
    #[codec(compact)]
    pub alpha_high: u16,
    #[codec(compact)]
    pub alpha_low: u16,
    pub liquid_alpha_enabled: bool,
}

/// `SubnetHyperparamsV2`: [`SubnetHyperparams`] plus the fields after `liquid_alpha_enabled`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SubnetHyperparamsV2 {
    #[codec(compact)]
    pub rho: u16,
    #[codec(compact)]
    pub kappa: u16,
    #[codec(compact)]
    pub immunity_period: u16,
    #[codec(compact)]
    pub min_allowed_weights: u16,
    #[codec(compact)]
    pub max_weights_limit: u16,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub min_difficulty: u64,
    #[codec(compact)]
    pub max_difficulty: u64,
    #[codec(compact)]
    pub weights_version: u64,
    #[codec(compact)]
    pub weights_rate_limit: u64,
    #[codec(compact)]
    pub adjustment_interval: u16,
    #[codec(compact)]
    pub activity_cutoff: u64,
    pub registration_allowed: bool,
    #[codec(compact)]
    pub target_regs_per_interval: u16,
    #[codec(compact)]
    pub min_burn: u64,
    #[codec(compact)]
    pub max_burn: u64,
    #[codec(compact)]
    pub bonds_moving_avg: u64,
    #[codec(compact)]
    pub max_regs_per_block: u16,
    #[codec(compact)]
    pub serving_rate_limit: u64,
    #[codec(compact)]
    pub max_validators: u16,
    #[codec(compact)]
    pub adjustment_alpha: u64,
    #[codec(compact)]
    pub difficulty: u64,
    #[codec(compact)]
    pub commit_reveal_period: u64,
    pub commit_reveal_weights_enabled: bool,
    #[codec(compact)]
    pub alpha_high: u16,
    #[codec(compact)]
    pub alpha_low: u16,
    pub liquid_alpha_enabled: bool,
    #[serde(serialize_with = "i32f32")]
    pub alpha_sigmoid_steepness: I32F32,
    #[codec(compact)]
    pub yuma_version: u16,
    pub subnet_is_active: bool,
    pub transfers_enabled: bool,
    pub bonds_reset_enabled: bool,
    pub user_liquidity_enabled: bool,
}

/// `get_subnet_hyperparams(netuid)`.
pub fn subnet_hyperparams(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetHyperparams> {
    let h = subnet_hyperparams_v2(st, netuid)?;
    Some(SubnetHyperparams {
        rho: h.rho,
        kappa: h.kappa,
        immunity_period: h.immunity_period,
        min_allowed_weights: h.min_allowed_weights,
        max_weights_limit: h.max_weights_limit,
        tempo: h.tempo,
        min_difficulty: h.min_difficulty,
        max_difficulty: h.max_difficulty,
        weights_version: h.weights_version,
        weights_rate_limit: h.weights_rate_limit,
        adjustment_interval: h.adjustment_interval,
        activity_cutoff: h.activity_cutoff,
        registration_allowed: h.registration_allowed,
        target_regs_per_interval: h.target_regs_per_interval,
        min_burn: h.min_burn,
        max_burn: h.max_burn,
        bonds_moving_avg: h.bonds_moving_avg,
        max_regs_per_block: h.max_regs_per_block,
        serving_rate_limit: h.serving_rate_limit,
        max_validators: h.max_validators,
        adjustment_alpha: h.adjustment_alpha,
        difficulty: h.difficulty,
        commit_reveal_period: h.commit_reveal_period,
        commit_reveal_weights_enabled: h.commit_reveal_weights_enabled,
        alpha_high: h.alpha_high,
        alpha_low: h.alpha_low,
        liquid_alpha_enabled: h.liquid_alpha_enabled,
    })
}

/// `get_subnet_hyperparams_v2(netuid)`.
pub fn subnet_hyperparams_v2(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetHyperparamsV2> {
    if !exists(st, netuid) {
        return None;
    }
    let (alpha_low, alpha_high) = ALPHA_VALUES.get(st, &netuid);
    Some(SubnetHyperparamsV2 {
        rho: RHO.get(st, &netuid),
        kappa: KAPPA.get(st, &netuid),
        immunity_period: IMMUNITY_PERIOD.get(st, &netuid),
        min_allowed_weights: MIN_ALLOWED_WEIGHTS.get(st, &netuid),
        max_weights_limit: MAX_WEIGHT_LIMIT,
        tempo: TEMPO.get(st, &netuid),
        min_difficulty: MIN_DIFFICULTY.get(st, &netuid),
        max_difficulty: MAX_DIFFICULTY.get(st, &netuid),
        weights_version: WEIGHTS_VERSION_KEY.get(st, &netuid),
        weights_rate_limit: WEIGHTS_SET_RATE_LIMIT.get(st, &netuid),
        adjustment_interval: ADJUSTMENT_INTERVAL.get(st, &netuid),
        activity_cutoff: activity_cutoff_blocks(st, netuid),
        registration_allowed: NETWORK_REGISTRATION_ALLOWED.get(st, &netuid),
        target_regs_per_interval: TARGET_REGISTRATIONS_PER_INTERVAL.get(st, &netuid),
        min_burn: MIN_BURN.get(st, &netuid),
        max_burn: MAX_BURN.get(st, &netuid),
        bonds_moving_avg: BONDS_MOVING_AVERAGE.get(st, &netuid),
        max_regs_per_block: MAX_REGISTRATIONS_PER_BLOCK.get(st, &netuid),
        serving_rate_limit: SERVING_RATE_LIMIT.get(st, &netuid),
        max_validators: MAX_ALLOWED_VALIDATORS.get(st, &netuid),
        adjustment_alpha: ADJUSTMENT_ALPHA.get(st, &netuid),
        difficulty: DIFFICULTY.get(st, &netuid),
        commit_reveal_period: REVEAL_PERIOD_EPOCHS.get(st, &netuid),
        commit_reveal_weights_enabled: COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, &netuid),
        alpha_high,
        alpha_low,
        liquid_alpha_enabled: LIQUID_ALPHA_ON.get(st, &netuid),
        alpha_sigmoid_steepness: alpha_sigmoid_steepness(st, netuid),
        yuma_version: yuma_version(st, netuid),
        subnet_is_active: SUBTOKEN_ENABLED.get(st, &netuid),
        transfers_enabled: TRANSFER_TOGGLE.get(st, &netuid),
        bonds_reset_enabled: BONDS_RESET_ON.get(st, &netuid),
        user_liquidity_enabled: false,
    })
}

/// A typed hyperparameter value (`HyperparamValue`, SCALE variant order as the reference's).
#[allow(
    clippy::cast_possible_truncation,
    reason = "generated by the SCALE derive for enum indices"
)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub enum HyperparamValue {
    /// A flag.
    Bool(bool),
    /// `Compact<u16>`.
    U16(#[codec(compact)] u16),
    /// `Compact<u32>`.
    U32(#[codec(compact)] u32),
    /// `Compact<u64>`.
    U64(#[codec(compact)] u64),
    /// `Compact<u128>`.
    U128(
        #[codec(compact)]
        #[serde(serialize_with = "u128_str")]
        u128,
    ),
    /// `Compact<TaoBalance>` (rao).
    TaoBalance(#[codec(compact)] u64),
    /// `I32F32`.
    I32F32(#[serde(serialize_with = "i32f32")] I32F32),
    /// `U64F64`.
    U64F64(#[serde(serialize_with = "u64f64")] U64F64),
}

/// One named hyperparameter (`HyperparamEntry`); `name` is an ASCII identifier (SCALE
/// `Vec<u8>`; JSON: a string).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct HyperparamEntry {
    #[serde(serialize_with = "ascii")]
    pub name: Vec<u8>,
    pub value: HyperparamValue,
}

fn ascii<S: Serializer>(name: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(name))
}

/// `SubnetHyperparamsV3`: a forward-compatible list of named values.
pub type SubnetHyperparamsV3 = Vec<HyperparamEntry>;

/// `get_subnet_hyperparams_v3(netuid)`, in the reference's order.
pub fn subnet_hyperparams_v3(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetHyperparamsV3> {
    if !exists(st, netuid) {
        return None;
    }
    use HyperparamValue as V;
    let (alpha_low, alpha_high) = ALPHA_VALUES.get(st, &netuid);
    let n = &netuid;
    let list: Vec<(&str, HyperparamValue)> = vec![
        ("kappa", V::U16(KAPPA.get(st, n))),
        ("immunity_period", V::U16(IMMUNITY_PERIOD.get(st, n))),
        (
            "min_allowed_weights",
            V::U16(MIN_ALLOWED_WEIGHTS.get(st, n)),
        ),
        ("max_weights_limit", V::U16(MAX_WEIGHT_LIMIT)),
        ("tempo", V::U16(TEMPO.get(st, n))),
        ("weights_version", V::U64(WEIGHTS_VERSION_KEY.get(st, n))),
        (
            "weights_rate_limit",
            V::U64(WEIGHTS_SET_RATE_LIMIT.get(st, n)),
        ),
        (
            "activity_cutoff",
            V::U64(activity_cutoff_blocks(st, netuid)),
        ),
        (
            "activity_cutoff_factor",
            V::U32(ACTIVITY_CUTOFF_FACTOR_MILLI.get(st, n)),
        ),
        (
            "registration_allowed",
            V::Bool(NETWORK_REGISTRATION_ALLOWED.get(st, n)),
        ),
        (
            "target_regs_per_interval",
            V::U16(TARGET_REGISTRATIONS_PER_INTERVAL.get(st, n)),
        ),
        ("min_burn", V::TaoBalance(MIN_BURN.get(st, n))),
        ("max_burn", V::TaoBalance(MAX_BURN.get(st, n))),
        ("burn_half_life", V::U16(BURN_HALF_LIFE.get(st, n))),
        (
            "burn_increase_mult",
            V::U64F64(U64F64::from_bits(BURN_INCREASE_MULT.get(st, n))),
        ),
        ("bonds_moving_avg", V::U64(BONDS_MOVING_AVERAGE.get(st, n))),
        (
            "max_regs_per_block",
            V::U16(MAX_REGISTRATIONS_PER_BLOCK.get(st, n)),
        ),
        ("serving_rate_limit", V::U64(SERVING_RATE_LIMIT.get(st, n))),
        ("max_validators", V::U16(MAX_ALLOWED_VALIDATORS.get(st, n))),
        (
            "commit_reveal_period",
            V::U64(REVEAL_PERIOD_EPOCHS.get(st, n)),
        ),
        (
            "commit_reveal_weights_enabled",
            V::Bool(COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, n)),
        ),
        ("alpha_high", V::U16(alpha_high)),
        ("alpha_low", V::U16(alpha_low)),
        ("liquid_alpha_enabled", V::Bool(LIQUID_ALPHA_ON.get(st, n))),
        (
            "alpha_sigmoid_steepness",
            V::I32F32(alpha_sigmoid_steepness(st, netuid)),
        ),
        ("yuma_version", V::U16(yuma_version(st, netuid))),
        ("subnet_is_active", V::Bool(SUBTOKEN_ENABLED.get(st, n))),
        ("transfers_enabled", V::Bool(TRANSFER_TOGGLE.get(st, n))),
        ("bonds_reset_enabled", V::Bool(BONDS_RESET_ON.get(st, n))),
        ("user_liquidity_enabled", V::Bool(false)),
        ("owner_cut_enabled", V::Bool(OWNER_CUT_ENABLED.get(st, n))),
        (
            "owner_cut_auto_lock_enabled",
            V::Bool(OWNER_CUT_AUTO_LOCK_ENABLED.get(st, n)),
        ),
        (
            "min_childkey_take",
            V::U16(crate::childkeys::effective_min_childkey_take(st, netuid)),
        ),
    ];
    Some(
        list.into_iter()
            .map(|(name, value)| HyperparamEntry {
                name: name.as_bytes().to_vec(),
                value,
            })
            .collect(),
    )
}

/// A subnet's pool and emission terms (`DynamicInfo<AccountId>`). `emission` and
/// `pending_root_emission` are always 0; `pending_alpha_emission` is the pending validator
/// plus server emission; the three `*_emission` terms are the last block's.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct DynamicInfo {
    #[codec(compact)]
    pub netuid: u16,
    #[serde(serialize_with = "ss58")]
    pub owner_hotkey: AccountId,
    #[serde(serialize_with = "ss58")]
    pub owner_coldkey: AccountId,
    pub subnet_name: CompactVec<u8>,
    pub token_symbol: CompactVec<u8>,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub last_step: u64,
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    #[codec(compact)]
    pub emission: u64,
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
    #[codec(compact)]
    pub network_registered_at: u64,
    pub subnet_identity: Option<SubnetIdentity>,
    #[serde(serialize_with = "i96f32")]
    pub moving_price: I96F32,
}

/// `PendingValidatorEmission + PendingServerEmission`.
pub(crate) fn pending_alpha_emission(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    PENDING_VALIDATOR_EMISSION
        .get(st, &netuid)
        .saturating_add(PENDING_SERVER_EMISSION.get(st, &netuid))
}

/// `get_dynamic_info(netuid)`; `blocks_since_last_step` is counted from
/// `LastMechansimStepBlock` to the state's block.
pub fn dynamic_info(st: &Overlay<'_>, netuid: NetUid) -> Option<DynamicInfo> {
    if !exists(st, netuid) {
        return None;
    }
    let last_step = LAST_MECHANISM_STEP_BLOCK.get(st, &netuid);
    Some(DynamicInfo {
        netuid,
        owner_hotkey: SUBNET_OWNER_HOTKEY.get(st, &netuid),
        owner_coldkey: SUBNET_OWNER.get(st, &netuid),
        subnet_name: subnet_name(st, netuid).into(),
        token_symbol: TOKEN_SYMBOL.get(st, &netuid).into(),
        tempo: TEMPO.get(st, &netuid),
        last_step,
        blocks_since_last_step: current_block(st).saturating_sub(last_step),
        emission: 0,
        alpha_in: SUBNET_ALPHA_IN.get(st, &netuid),
        alpha_out: SUBNET_ALPHA_OUT.get(st, &netuid),
        tao_in: SUBNET_TAO.get(st, &netuid),
        alpha_out_emission: SUBNET_ALPHA_OUT_EMISSION.get(st, &netuid),
        alpha_in_emission: SUBNET_ALPHA_IN_EMISSION.get(st, &netuid),
        tao_in_emission: SUBNET_TAO_IN_EMISSION.get(st, &netuid),
        pending_alpha_emission: pending_alpha_emission(st, netuid),
        pending_root_emission: 0,
        subnet_volume: SUBNET_VOLUME.get(st, &netuid),
        network_registered_at: NETWORK_REGISTERED_AT.get(st, &netuid),
        subnet_identity: SUBNET_IDENTITIES.try_get(st, &netuid),
        moving_price: I96F32::from_bits(SUBNET_MOVING_PRICE.get(st, &netuid)),
    })
}

/// `get_all_dynamic_info()`: every added subnet in netuid order.
pub fn all_dynamic_info(st: &Overlay<'_>) -> Vec<Option<DynamicInfo>> {
    all_netuids(st)
        .into_iter()
        .map(|n| dynamic_info(st, n))
        .collect()
}
