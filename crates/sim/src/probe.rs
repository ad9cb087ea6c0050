//! Everything the simulator reads from or asks of the runtime, in one place.
//!
//! Agents and metrics see the chain only through these functions, which read the runtime's
//! typed storage items and call its public helpers. When the runtime's economics change
//! where stake or prices live (share pools, the AMM), only this module follows.

use agora_primitives::AccountId;
use agora_primitives::{I96F32, U96F32};
use agora_runtime::call::{Call, SubtensorCall};
use agora_runtime::state::Overlay;
use agora_runtime::storage::{
    ALPHA_DIVIDENDS_PER_SUBNET, CONSENSUS, DELEGATES, EMISSION, INCENTIVE, KEYS,
    LAST_MECHANISM_STEP_BLOCK, NetUid, REVEAL_PERIOD_EPOCHS, ROOT_ALPHA_DIVIDENDS_PER_SUBNET,
    ROOT_NETUID, ROOT_PROP, STAKE_WEIGHT, SUBNET_ALPHA_IN, SUBNET_ALPHA_OUT, SUBNET_EXCESS_TAO,
    SUBNET_MOVING_PRICE, SUBNET_TAO, SUBNET_TAO_IN_EMISSION, SUBNETWORK_N, UIDS, VALIDATOR_PERMIT,
    WEIGHT_COMMITS, WEIGHTS, netuid_index,
};
use agora_runtime::{staking, swap, weights};

/// Rao per TAO (and per alpha).
pub const RAO: f64 = 1e9;

/// TAO (or alpha) → rao, rounded and clamped.
pub fn to_rao(x: f64) -> u64 {
    let r = (x * RAO).round();
    if r <= 0.0 {
        0
    } else if r >= u64::MAX as f64 {
        u64::MAX
    } else {
        // In range and integral.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "range checked above"
        )]
        let v = r as u64;
        v
    }
}

/// A fraction → parts per million (`BondsMovingAverage`).
pub fn to_ppm(x: f64) -> u64 {
    to_rao(x / 1000.0)
}

/// A fraction in [0, 1] → the runtime's u64 proportion (`x · (2^64 − 1)`, `TaoWeight`).
pub fn to_u64_fraction(x: f64) -> u64 {
    let r = (x.clamp(0.0, 1.0) * u64::MAX as f64).round();
    if r >= u64::MAX as f64 {
        u64::MAX
    } else {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to 0..2^64"
        )]
        let v = r as u64;
        v
    }
}

/// A fraction in [0, 1] → the runtime's u16 proportion (`x · 65535`, rounded).
pub fn to_u16_fraction(x: f64) -> u16 {
    let r = (x.clamp(0.0, 1.0) * f64::from(u16::MAX)).round();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=65535"
    )]
    let v = r as u16;
    v
}

/// The block of `netuid`'s last epoch that ran (`LastMechansimStepBlock`).
pub fn last_epoch_block(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    LAST_MECHANISM_STEP_BLOCK.get(st, &netuid)
}

/// Number of uids.
pub fn subnet_n(st: &Overlay<'_>, netuid: NetUid) -> u16 {
    SUBNETWORK_N.get(st, &netuid)
}

/// Hotkey of every uid (`None` for a uid without one).
pub fn hotkeys(st: &Overlay<'_>, netuid: NetUid) -> Vec<Option<AccountId>> {
    (0..subnet_n(st, netuid))
        .map(|uid| KEYS.try_get(st, &(netuid, uid)))
        .collect()
}

/// The uid of `hotkey`, if registered.
pub fn uid_of(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> Option<u16> {
    UIDS.try_get(st, &(netuid, *hotkey))
}

/// Stake (alpha, rao) of `hotkey` on `netuid`.
pub fn stake_of(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> u64 {
    staking::total_hotkey_alpha(st, hotkey, netuid)
}

/// Alpha of `coldkey`'s position on `hotkey` on `netuid`.
pub fn position(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId, coldkey: &AccountId) -> u64 {
    staking::alpha(st, hotkey, coldkey, netuid)
}

/// TAO staked on root to `hotkey`.
pub fn root_stake_of(st: &Overlay<'_>, hotkey: &AccountId) -> u64 {
    staking::total_hotkey_alpha(st, hotkey, ROOT_NETUID)
}

/// Alpha dividends the last epoch paid to `hotkey`'s stakers after its take
/// (`AlphaDividendsPerSubnet`).
pub fn dividends_of(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> u64 {
    ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(netuid, *hotkey))
}

/// Root dividends the last epoch made claimable by `hotkey`'s root stakers after its take
/// (`RootAlphaDividendsPerSubnet`).
pub fn root_dividends_of(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> u64 {
    ROOT_ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(netuid, *hotkey))
}

/// `hotkey`'s delegate take (`Delegates`, u16 parts; every hotkey starts at the maximum).
pub fn take(st: &Overlay<'_>, hotkey: &AccountId) -> u16 {
    DELEGATES.get(st, hotkey)
}

/// TAO the coinbase put into the pool in the last block: the injection
/// (`SubnetTaoInEmission`) and the chain buy (`SubnetExcessTao`).
pub fn block_tao_emission(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    SUBNET_TAO_IN_EMISSION
        .get(st, &netuid)
        .saturating_add(SUBNET_EXCESS_TAO.get(st, &netuid))
}

/// The pool and supply of a subnet, in rao.
pub struct Market {
    /// `SubnetTAO`.
    pub tao_reserve: u64,
    /// `SubnetAlphaIn`.
    pub alpha_reserve: u64,
    /// `SubnetAlphaOut`.
    pub alpha_outstanding: u64,
    /// `SubnetMovingPrice`, TAO per alpha.
    pub moving_price: f64,
    /// `RootProp`.
    pub root_proportion: f64,
}

/// Reads the subnet's pool, supply, moving price and root proportion.
pub fn market(st: &Overlay<'_>, netuid: NetUid) -> Market {
    Market {
        tao_reserve: SUBNET_TAO.get(st, &netuid),
        alpha_reserve: SUBNET_ALPHA_IN.get(st, &netuid),
        alpha_outstanding: SUBNET_ALPHA_OUT.get(st, &netuid),
        moving_price: I96F32::from_bits(SUBNET_MOVING_PRICE.get(st, &netuid)).to_num::<f64>(),
        root_proportion: U96F32::from_bits(ROOT_PROP.get(st, &netuid)).to_num::<f64>(),
    }
}

/// The last epoch's per-uid outputs.
pub struct EpochOutputs {
    /// Incentive (u16 shares) of mechanism 0.
    pub incentive: Vec<u16>,
    /// Consensus (u16).
    pub consensus: Vec<u16>,
    /// Combined emission (rao).
    pub emission: Vec<u64>,
    /// Stake weight (u16 shares).
    pub stake_weight: Vec<u16>,
    /// Validator permits.
    pub permit: Vec<bool>,
}

/// Reads what the last epoch stored.
pub fn epoch_outputs(st: &Overlay<'_>, netuid: NetUid) -> EpochOutputs {
    EpochOutputs {
        incentive: INCENTIVE.get(st, &netuid_index(netuid, 0)),
        consensus: CONSENSUS.get(st, &netuid),
        emission: EMISSION.get(st, &netuid),
        stake_weight: STAKE_WEIGHT.get(st, &netuid),
        permit: VALIDATOR_PERMIT.get(st, &netuid),
    }
}

/// The weight row of `uid` visible on chain (mechanism 0).
pub fn weights_row(st: &Overlay<'_>, netuid: NetUid, uid: u16) -> Vec<(u16, u16)> {
    WEIGHTS.get(st, &(netuid_index(netuid, 0), uid))
}

/// Spot price of the subnet's alpha in TAO.
pub fn price(st: &Overlay<'_>, netuid: NetUid) -> f64 {
    swap::current_price(st, netuid).to_num::<f64>()
}

/// `RevealPeriodEpochs`.
pub fn reveal_period(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    REVEAL_PERIOD_EPOCHS.get(st, &netuid)
}

/// The commit epoch of `hotkey`'s newest stored commit (mechanism 0).
pub fn newest_commit_epoch(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> Option<u64> {
    WEIGHT_COMMITS
        .get(st, &(netuid_index(netuid, 0), *hotkey))
        .last()
        .map(|c| c.commit_epoch)
}

/// True if a reveal of a commit from `commit_epoch` is accepted in block `now`.
pub fn is_reveal_epoch(st: &Overlay<'_>, netuid: NetUid, commit_epoch: u64, now: u64) -> bool {
    weights::is_reveal_epoch(st, netuid, commit_epoch, now)
}

/// True if a commit from `commit_epoch` has expired by block `now`.
pub fn is_commit_expired(st: &Overlay<'_>, netuid: NetUid, commit_epoch: u64, now: u64) -> bool {
    weights::is_commit_expired(st, netuid, commit_epoch, now)
}

/// The hash `commit_weights` takes for a later reveal of these weights (version key 0).
pub fn commit_hash(
    hotkey: &AccountId,
    netuid: NetUid,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
) -> [u8; 32] {
    weights::commit_hash(hotkey, netuid_index(netuid, 0), uids, values, salt, 0)
}

/// `set_weights` with version key 0.
pub fn set_weights_call(netuid: NetUid, uids: Vec<u16>, values: Vec<u16>) -> Call {
    Call::SubtensorModule(SubtensorCall::set_weights {
        netuid,
        dests: uids,
        weights: values,
        version_key: 0,
    })
}

/// `commit_weights`.
pub fn commit_call(netuid: NetUid, commit_hash: [u8; 32]) -> Call {
    Call::SubtensorModule(SubtensorCall::commit_weights {
        netuid,
        commit_hash,
    })
}

/// `reveal_weights` with version key 0.
pub fn reveal_call(netuid: NetUid, uids: Vec<u16>, values: Vec<u16>, salt: Vec<u16>) -> Call {
    Call::SubtensorModule(SubtensorCall::reveal_weights {
        netuid,
        uids,
        values,
        salt,
        version_key: 0,
    })
}

/// `burned_register` of `hotkey` (signed by its coldkey).
pub fn register_call(netuid: NetUid, hotkey: AccountId) -> Call {
    Call::SubtensorModule(SubtensorCall::burned_register { netuid, hotkey })
}

/// `add_stake` of `tao` rao to `hotkey` on `netuid` (signed by the staking coldkey).
pub fn add_stake_call(hotkey: AccountId, netuid: NetUid, tao: u64) -> Call {
    Call::SubtensorModule(SubtensorCall::add_stake {
        hotkey,
        netuid,
        amount_staked: tao,
    })
}

/// `decrease_take` (signed by the hotkey's coldkey).
pub fn decrease_take_call(hotkey: AccountId, take: u16) -> Call {
    Call::SubtensorModule(SubtensorCall::decrease_take { hotkey, take })
}
