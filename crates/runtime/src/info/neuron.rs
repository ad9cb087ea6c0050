//! `NeuronInfo` and `NeuronInfoLite` (`ST/rpc_info/neuron_info.rs`): one neuron of a subnet's
//! main mechanism, with its endpoints, its owner's stake entry and its epoch terms.

use agora_primitives::AccountId;
use parity_scale_codec::{Decode, Encode};
use serde::Serialize;

use super::wire::{AccountAmount, UidValue, ss58};
use super::{UidKeys, at, exists};
use crate::state::Overlay;
use crate::storage::{
    ACTIVE, BONDS, CONSENSUS, DIVIDENDS, EMISSION, INCENTIVE, KEYS, LAST_UPDATE, NetUid, OWNER,
    PROMETHEUS, Uid, VALIDATOR_PERMIT, VALIDATOR_TRUST, WEIGHTS, netuid_index,
};
use crate::types::{AxonInfo, PrometheusInfo};

/// A neuron (`NeuronInfo<AccountId>`). `rank` and `trust` are always 0 and `pruning_score`
/// 65 535 (no longer computed); `weights` and `bonds` list only non-zero entries; `stake` has
/// one entry: the owner coldkey with the hotkey's whole alpha on the subnet.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct NeuronInfo {
    /// Hotkey.
    #[serde(serialize_with = "ss58")]
    pub hotkey: AccountId,
    /// Owner coldkey.
    #[serde(serialize_with = "ss58")]
    pub coldkey: AccountId,
    /// Uid.
    #[codec(compact)]
    pub uid: u16,
    /// Subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// Active in the last epoch.
    pub active: bool,
    /// Axon.
    pub axon_info: AxonInfo,
    /// Prometheus endpoint.
    pub prometheus_info: PrometheusInfo,
    /// `[(owner coldkey, TotalHotkeyAlpha)]`.
    pub stake: Vec<AccountAmount>,
    /// Always 0.
    #[codec(compact)]
    pub rank: u16,
    /// Emission of the last epoch (alpha rao).
    #[codec(compact)]
    pub emission: u64,
    /// Incentive.
    #[codec(compact)]
    pub incentive: u16,
    /// Consensus.
    #[codec(compact)]
    pub consensus: u16,
    /// Always 0.
    #[codec(compact)]
    pub trust: u16,
    /// Validator trust.
    #[codec(compact)]
    pub validator_trust: u16,
    /// Dividends.
    #[codec(compact)]
    pub dividends: u16,
    /// Last weights update.
    #[codec(compact)]
    pub last_update: u64,
    /// Validator permit.
    pub validator_permit: bool,
    /// Non-zero weights `(uid, value)`.
    pub weights: Vec<UidValue>,
    /// Non-zero bonds `(uid, value)`.
    pub bonds: Vec<UidValue>,
    /// Always 65 535.
    #[codec(compact)]
    pub pruning_score: u16,
}

/// A neuron without weights and bonds (`NeuronInfoLite<AccountId>`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct NeuronInfoLite {
    /// Hotkey.
    #[serde(serialize_with = "ss58")]
    pub hotkey: AccountId,
    /// Owner coldkey.
    #[serde(serialize_with = "ss58")]
    pub coldkey: AccountId,
    /// Uid.
    #[codec(compact)]
    pub uid: u16,
    /// Subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// Active in the last epoch.
    pub active: bool,
    /// Axon.
    pub axon_info: AxonInfo,
    /// Prometheus endpoint.
    pub prometheus_info: PrometheusInfo,
    /// `[(owner coldkey, TotalHotkeyAlpha)]`.
    pub stake: Vec<AccountAmount>,
    /// Always 0.
    #[codec(compact)]
    pub rank: u16,
    /// Emission of the last epoch (alpha rao).
    #[codec(compact)]
    pub emission: u64,
    /// Incentive.
    #[codec(compact)]
    pub incentive: u16,
    /// Consensus.
    #[codec(compact)]
    pub consensus: u16,
    /// Always 0.
    #[codec(compact)]
    pub trust: u16,
    /// Validator trust.
    #[codec(compact)]
    pub validator_trust: u16,
    /// Dividends.
    #[codec(compact)]
    pub dividends: u16,
    /// Last weights update.
    #[codec(compact)]
    pub last_update: u64,
    /// Validator permit.
    pub validator_permit: bool,
    /// Always 65 535.
    #[codec(compact)]
    pub pruning_score: u16,
}

impl From<NeuronInfo> for NeuronInfoLite {
    fn from(n: NeuronInfo) -> Self {
        Self {
            hotkey: n.hotkey,
            coldkey: n.coldkey,
            uid: n.uid,
            netuid: n.netuid,
            active: n.active,
            axon_info: n.axon_info,
            prometheus_info: n.prometheus_info,
            stake: n.stake,
            rank: n.rank,
            emission: n.emission,
            incentive: n.incentive,
            consensus: n.consensus,
            trust: n.trust,
            validator_trust: n.validator_trust,
            dividends: n.dividends,
            last_update: n.last_update,
            validator_permit: n.validator_permit,
            pruning_score: n.pruning_score,
        }
    }
}

/// The subnet's per-uid vectors, read once.
struct Vectors {
    active: Vec<bool>,
    emission: Vec<u64>,
    incentive: Vec<u16>,
    consensus: Vec<u16>,
    validator_trust: Vec<u16>,
    dividends: Vec<u16>,
    last_update: Vec<u64>,
    validator_permit: Vec<bool>,
}

impl Vectors {
    fn read(st: &Overlay<'_>, netuid: NetUid) -> Self {
        let idx = netuid_index(netuid, 0);
        Self {
            active: ACTIVE.get(st, &netuid),
            emission: EMISSION.get(st, &netuid),
            incentive: INCENTIVE.get(st, &idx),
            consensus: CONSENSUS.get(st, &netuid),
            validator_trust: VALIDATOR_TRUST.get(st, &netuid),
            dividends: DIVIDENDS.get(st, &netuid),
            last_update: LAST_UPDATE.get(st, &idx),
            validator_permit: VALIDATOR_PERMIT.get(st, &netuid),
        }
    }
}

fn non_zero(row: Vec<(u16, u16)>) -> Vec<UidValue> {
    row.into_iter()
        .filter(|(_, v)| *v > 0)
        .map(|(u, v)| UidValue(u, v))
        .collect()
}

/// Builds uid `uid`'s info (`get_neuron_subnet_exists`); weights and bonds only if asked.
fn build(
    st: &Overlay<'_>,
    netuid: NetUid,
    uid: Uid,
    hotkey: AccountId,
    coldkey: AccountId,
    v: &Vectors,
    with_rows: bool,
) -> NeuronInfo {
    let idx = netuid_index(netuid, 0);
    let stake = crate::staking::total_hotkey_alpha(st, &hotkey, netuid);
    let (weights, bonds) = if with_rows {
        (
            non_zero(WEIGHTS.get(st, &(idx, uid))),
            non_zero(BONDS.get(st, &(idx, uid))),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    NeuronInfo {
        hotkey,
        coldkey,
        uid,
        netuid,
        active: at(&v.active, uid),
        axon_info: super::axon_info(st, netuid, &hotkey),
        prometheus_info: PROMETHEUS.get(st, &(netuid, hotkey)),
        stake: vec![AccountAmount(coldkey, stake)],
        rank: 0,
        emission: at(&v.emission, uid),
        incentive: at(&v.incentive, uid),
        consensus: at(&v.consensus, uid),
        trust: 0,
        validator_trust: at(&v.validator_trust, uid),
        dividends: at(&v.dividends, uid),
        last_update: at(&v.last_update, uid),
        validator_permit: at(&v.validator_permit, uid),
        weights,
        bonds,
        pruning_score: u16::MAX,
    }
}

/// Uids `0..SubnetworkN` in order, stopping at the first uid without a hotkey (as the
/// reference's loop does).
fn all(st: &Overlay<'_>, netuid: NetUid, with_rows: bool) -> Vec<NeuronInfo> {
    if !exists(st, netuid) {
        return Vec::new();
    }
    let keys = UidKeys::read(st, netuid);
    let v = Vectors::read(st, netuid);
    keys.hotkeys
        .iter()
        .zip(&keys.coldkeys)
        .zip(0u16..)
        .map_while(|((h, c), uid)| h.map(|h| build(st, netuid, uid, h, *c, &v, with_rows)))
        .collect()
}

fn one(st: &Overlay<'_>, netuid: NetUid, uid: Uid, with_rows: bool) -> Option<NeuronInfo> {
    if !exists(st, netuid) {
        return None;
    }
    let hotkey = KEYS.try_get(st, &(netuid, uid))?;
    let coldkey = OWNER.get(st, &hotkey);
    Some(build(
        st,
        netuid,
        uid,
        hotkey,
        coldkey,
        &Vectors::read(st, netuid),
        with_rows,
    ))
}

/// `get_neurons(netuid)`: every neuron with weights and bonds; empty for a missing subnet.
pub fn neurons(st: &Overlay<'_>, netuid: NetUid) -> Vec<NeuronInfo> {
    all(st, netuid, true)
}

/// `get_neurons_lite(netuid)`.
pub fn neurons_lite(st: &Overlay<'_>, netuid: NetUid) -> Vec<NeuronInfoLite> {
    all(st, netuid, false).into_iter().map(Into::into).collect()
}

/// `get_neuron(netuid, uid)`.
pub fn neuron(st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> Option<NeuronInfo> {
    one(st, netuid, uid, true)
}

/// `get_neuron_lite(netuid, uid)`.
pub fn neuron_lite(st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> Option<NeuronInfoLite> {
    one(st, netuid, uid, false).map(Into::into)
}
