//! The read side: the reference's runtime-API functions and info structs (protocol.md §12,
//! `ST/rpc_info/*.rs`, `pallets/subtensor/runtime-api`), which the node serves over RPC and
//! the SDK reads (sdk.md §3–§4.4).
//!
//! Every struct has the reference's name, field names and field order, and its SCALE encoding
//! is the reference's byte for byte (`Compact` exactly where the reference uses it; accounts
//! are 32 raw bytes; fixed-point numbers are their raw bits), so a client decoding the
//! reference's types decodes these. Functions read state only; they take the state's block
//! height (`System.Number`, the reference's "current block" during a runtime-API call) where
//! the reference reads the current block.
//!
//! # JSON conventions
//! The node serves the same structs as JSON (`serde::Serialize`), with the field names of the
//! reference and these value forms:
//! - integers up to `u64` are JSON numbers (exact in serde_json and Python; JavaScript clients
//!   need a big-integer JSON parser above 2^53); `u128` values (`subnet_volume`, IP addresses)
//!   are decimal strings;
//! - accounts are SS58 strings (prefix 42);
//! - fixed-point numbers (`I96F32`, `I32F32`, `U64F64`) are exact decimal strings, e.g.
//!   `"0.000003"` (every binary fraction has a finite decimal expansion);
//! - byte strings (`Vec<Compact<u8>>` names and symbols, identity fields) are arrays of byte
//!   values, exactly as a SCALE decoder presents them;
//! - `Option` is `null` or the value; in [`SelectiveMetagraph`] an unselected field is
//!   omitted, so a selected `identity` that is `None` appears as `null`;
//! - tuples are arrays (`["<ss58>", amount]`, `[uid, value]`); enums are externally tagged
//!   (`{"U16": 5}`).
//!
//! # Cost
//! The per-subnet reads ([`metagraph`], [`subnet_state`], [`neurons`]) load each storage item
//! once — the per-uid vectors once, the per-uid keys by one prefix scan — and compute the stake
//! weights of all uids together, sharing parents' stake reads.

mod delegate;
mod metagraph;
mod names;
mod neuron;
mod stake;
mod subnet;
#[cfg(test)]
mod tests;
pub mod wire;

use agora_primitives::AccountId;

use crate::state::Overlay;
use crate::storage::{
    AXONS, BLOCK_AT_REGISTRATION, BLOCK_NUMBER, IDENTITIES, KEYS, LAST_EPOCH_BLOCK, NETWORKS_ADDED,
    NetUid, OWNER, PENDING_EPOCH_AT, SUBNET_IDENTITIES, SUBNETWORK_N, TEMPO, Uid,
};
use crate::types::{AxonInfo, ChainIdentity};

pub use delegate::{DelegateInfo, NetuidAmount, Nominator, delegate, delegated, delegates};
pub use metagraph::{
    Commitment, Compact16, Compact64, Compact128, LAST_HOTKEY_EMISSION_ON_NETUID, Metagraph,
    SELECTIVE_METAGRAPH_FIELDS, SelectiveMetagraph, SubnetState, all_mechagraphs, all_metagraphs,
    mechagraph, metagraph, selective_mechagraph, selective_metagraph, subnet_state,
};
pub use names::default_subnet_name;
pub use neuron::{NeuronInfo, NeuronInfoLite, neuron, neuron_lite, neurons, neurons_lite};
pub use stake::{
    StakeAvailability, StakeInfo, stake_availability, stake_availability_for_coldkeys,
    stake_info_for_coldkey, stake_info_for_coldkeys, stake_info_for_hotkey_coldkey_netuid,
};
pub use subnet::{
    DynamicInfo, HyperparamEntry, HyperparamValue, MAX_WEIGHT_LIMIT, SubnetHyperparams,
    SubnetHyperparamsV2, SubnetHyperparamsV3, SubnetInfo, SubnetInfov2, activity_cutoff_blocks,
    all_dynamic_info, alpha_sigmoid_steepness, dynamic_info, subnet_hyperparams,
    subnet_hyperparams_v2, subnet_hyperparams_v3, subnet_info, subnet_info_v2, subnets_info,
    subnets_info_v2,
};

/// The block height of `st` (`System.Number`), what the reference's runtime API reads as the
/// current block.
pub fn current_block(st: &Overlay<'_>) -> u64 {
    BLOCK_NUMBER.get(st)
}

/// Every added subnet in the order of `get_all_subnet_netuids`: the reference iterates
/// `NetworksAdded`, whose `Identity` key is the netuid's little-endian bytes (netuid order
/// below 256).
fn all_netuids(st: &Overlay<'_>) -> Vec<NetUid> {
    let mut netuids: Vec<NetUid> = NETWORKS_ADDED
        .iter(st)
        .into_iter()
        .filter(|(_, added)| *added)
        .map(|(n, _)| n)
        .collect();
    netuids.sort_by_key(|n| n.to_le_bytes());
    netuids
}

/// True if the subnet exists (`if_subnet_exist`).
fn exists(st: &Overlay<'_>, netuid: NetUid) -> bool {
    NETWORKS_ADDED.get(st, &netuid)
}

/// The subnet's name: its identity name if non-empty, else the default name
/// (`get_name_for_subnet`).
pub fn subnet_name(st: &Overlay<'_>, netuid: NetUid) -> Vec<u8> {
    match SUBNET_IDENTITIES.try_get(st, &netuid) {
        Some(id) if !id.subnet_name.is_empty() => id.subnet_name,
        _ => default_subnet_name(netuid).to_vec(),
    }
}

/// The uids `0..SubnetworkN` of a subnet with their hotkeys (`Keys`, default the zero
/// account), owners (`Owner`, default zero), registration blocks, coldkey identities and
/// axons, each storage item read once.
pub(crate) struct UidKeys {
    /// Hotkey per uid, `None` where `Keys` has no entry.
    pub(crate) hotkeys: Vec<Option<AccountId>>,
    /// Owning coldkey per uid (`Owner[Keys[uid]]`).
    pub(crate) coldkeys: Vec<AccountId>,
}

impl UidKeys {
    /// Reads the keys of `netuid`'s uids.
    pub(crate) fn read(st: &Overlay<'_>, netuid: NetUid) -> Self {
        let n = usize::from(SUBNETWORK_N.get(st, &netuid));
        let mut hotkeys = vec![None; n];
        for (uid, hotkey) in KEYS.iter_prefix(st, &netuid) {
            if let Some(slot) = hotkeys.get_mut(usize::from(uid)) {
                *slot = Some(hotkey);
            }
        }
        let coldkeys = hotkeys
            .iter()
            .map(|h| OWNER.get(st, &h.unwrap_or_default()))
            .collect();
        Self { hotkeys, coldkeys }
    }

    /// Hotkeys with the zero account for missing entries (`Keys::get`).
    pub(crate) fn hotkeys_or_default(&self) -> Vec<AccountId> {
        self.hotkeys.iter().map(|h| h.unwrap_or_default()).collect()
    }

    /// `BlockAtRegistration` per uid.
    pub(crate) fn block_at_registration(st: &Overlay<'_>, netuid: NetUid, n: usize) -> Vec<u64> {
        let mut out = vec![0; n];
        for (uid, block) in BLOCK_AT_REGISTRATION.iter_prefix(st, &netuid) {
            if let Some(slot) = out.get_mut(usize::from(uid)) {
                *slot = block;
            }
        }
        out
    }

    /// The coldkeys' identities (`IdentitiesV2`).
    pub(crate) fn identities(&self, st: &Overlay<'_>) -> Vec<Option<ChainIdentity>> {
        self.coldkeys
            .iter()
            .map(|c| IDENTITIES.try_get(st, c))
            .collect()
    }

    /// The hotkeys' axons on `netuid`, default where none is served (`get_axon_info`).
    pub(crate) fn axons(&self, st: &Overlay<'_>, netuid: NetUid) -> Vec<AxonInfo> {
        self.hotkeys_or_default()
            .iter()
            .map(|h| axon_info(st, netuid, h))
            .collect()
    }
}

/// The axon `hotkey` serves on `netuid`, or the all-zero axon (`get_axon_info`).
pub fn axon_info(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> AxonInfo {
    AXONS.get(st, &(netuid, *hotkey))
}

/// `v[uid]`, or the default when the vector is short (the reference's per-uid getters).
fn at<T: Copy + Default>(v: &[T], uid: Uid) -> T {
    v.get(usize::from(uid)).copied().unwrap_or_default()
}

/// `get_next_epoch_start_block`: `LastEpochBlock + Tempo`, or a pending triggered/deferred
/// epoch if earlier; `None` for tempo 0 (the reference answers for any netuid).
pub fn next_epoch_start_block(st: &Overlay<'_>, netuid: NetUid) -> Option<u64> {
    let tempo = u64::from(TEMPO.get(st, &netuid));
    if tempo == 0 {
        return None;
    }
    let auto_next = LAST_EPOCH_BLOCK.get(st, &netuid).saturating_add(tempo);
    let pending = PENDING_EPOCH_AT.get(st, &netuid);
    Some(if pending > 0 {
        auto_next.min(pending)
    } else {
        auto_next
    })
}

/// `get_network_registration_cost`: the current subnet lock cost at block `block`.
pub fn network_registration_cost(st: &Overlay<'_>, block: u64) -> u64 {
    crate::subnets::network_lock_cost(st, block)
}

/// `get_subnet_to_prune`: the subnet a registration at the limit would replace.
pub fn subnet_to_prune(st: &Overlay<'_>, block: u64) -> Option<NetUid> {
    crate::subnets::get_subnet_to_prune(st, block)
}

/// A subnet's price (`SubnetPrice`, swap runtime API): rao per alpha.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    parity_scale_codec::Encode,
    parity_scale_codec::Decode,
    serde::Serialize,
)]
pub struct SubnetPrice {
    /// Subnet.
    pub netuid: NetUid,
    /// `⌊price · 10^9⌋`.
    pub price: u64,
}

/// `current_alpha_price(netuid)`: `⌊price · 10^9⌋` rao per alpha (1 TAO for root and stable
/// subnets, 0 for an empty dynamic pool).
pub fn current_alpha_price(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    crate::swap::current_alpha_price_rao(st, netuid)
}

/// `current_alpha_price_all()`: every added subnet's price in netuid order.
pub fn current_alpha_price_all(st: &Overlay<'_>) -> Vec<SubnetPrice> {
    all_netuids(st)
        .into_iter()
        .map(|netuid| SubnetPrice {
            netuid,
            price: current_alpha_price(st, netuid),
        })
        .collect()
}

/// `sim_swap_tao_for_alpha(netuid, tao)`: what staking `tao` would buy, with all fields 0 when
/// the simulation fails, as the runtime API answers.
pub fn sim_swap_tao_for_alpha(
    st: &Overlay<'_>,
    netuid: NetUid,
    tao: u64,
) -> crate::swap::SimSwapResult {
    crate::swap::sim_swap_tao_for_alpha(st, netuid, tao).unwrap_or_default()
}

/// `sim_swap_alpha_for_tao(netuid, alpha)`: what unstaking `alpha` would return (all 0 when
/// the simulation fails).
pub fn sim_swap_alpha_for_tao(
    st: &Overlay<'_>,
    netuid: NetUid,
    alpha: u64,
) -> crate::swap::SimSwapResult {
    crate::swap::sim_swap_alpha_for_tao(st, netuid, alpha).unwrap_or_default()
}

/// `get_stake_fee(origin, origin_coldkey, destination, destination_coldkey, amount)`: 0 if
/// origin and destination are the same, else the destination's (or origin's) swap fee on
/// `amount`; the coldkeys are unused, as in the reference.
pub fn stake_fee(
    st: &Overlay<'_>,
    origin: Option<(AccountId, NetUid)>,
    _origin_coldkey: &AccountId,
    destination: Option<(AccountId, NetUid)>,
    _destination_coldkey: &AccountId,
    amount: u64,
) -> u64 {
    crate::staking::info::get_stake_fee(st, origin, destination, amount)
}

/// `get_coldkey_auto_stake_hotkey(coldkey, netuid)`: where the coldkey's miner incentive on the
/// subnet is staked, if it set a destination.
pub fn coldkey_auto_stake_hotkey(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    netuid: NetUid,
) -> Option<AccountId> {
    crate::storage::AUTO_STAKE_DESTINATION.try_get(st, &(*coldkey, netuid))
}

/// `get_subnet_account_id`: the subnet's pallet account, if the subnet has a `NetworksAdded`
/// entry or is root.
pub fn subnet_account_id(st: &Overlay<'_>, netuid: NetUid) -> Option<AccountId> {
    (NETWORKS_ADDED.contains(st, &netuid) || netuid == crate::storage::ROOT_NETUID)
        .then(|| crate::balances::subnet_account(netuid))
}
