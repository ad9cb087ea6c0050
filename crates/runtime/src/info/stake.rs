//! `StakeInfo` and `StakeAvailability` (`ST/rpc_info/stake_info.rs`): a coldkey's positions,
//! and how much of its alpha on a subnet it could unstake.

use std::collections::BTreeMap;

use agora_primitives::AccountId;
use parity_scale_codec::{Decode, Encode};
use serde::Serialize;

use super::wire::ss58;
use super::{all_netuids, exists};
use crate::state::Overlay;
use crate::storage::{ALPHA_DIVIDENDS_PER_SUBNET, NetUid, STAKING_HOTKEYS, UIDS};

/// One position (`StakeInfo<AccountId>`): `locked`, `tao_emission` and `drain` are always 0;
/// `emission` is the hotkey's alpha dividends of the subnet's last epoch.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct StakeInfo {
    /// Hotkey staked to.
    #[serde(serialize_with = "ss58")]
    pub hotkey: AccountId,
    /// Staking coldkey.
    #[serde(serialize_with = "ss58")]
    pub coldkey: AccountId,
    /// Subnet.
    #[codec(compact)]
    pub netuid: u16,
    /// The coldkey's alpha on the hotkey.
    #[codec(compact)]
    pub stake: u64,
    /// Always 0.
    #[codec(compact)]
    pub locked: u64,
    /// `AlphaDividendsPerSubnet[(netuid, hotkey)]`.
    #[codec(compact)]
    pub emission: u64,
    /// Always 0 (TAO dividends were removed).
    #[codec(compact)]
    pub tao_emission: u64,
    /// Always 0.
    #[codec(compact)]
    pub drain: u64,
    /// The hotkey holds a uid on the subnet.
    pub is_registered: bool,
}

/// A coldkey's alpha on one subnet (`StakeAvailability`): `total` over its staking hotkeys,
/// `locked` (always 0: Agora has no stake locks, protocol.md §5.9) and `available = total −
/// locked`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct StakeAvailability {
    /// Total alpha.
    #[codec(compact)]
    pub total: u64,
    /// Locked alpha.
    #[codec(compact)]
    pub locked: u64,
    /// Unstakable alpha.
    #[codec(compact)]
    pub available: u64,
}

fn position(st: &Overlay<'_>, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> u64 {
    crate::staking::alpha(st, hotkey, coldkey, netuid)
}

fn entry(
    st: &Overlay<'_>,
    hotkey: AccountId,
    coldkey: AccountId,
    netuid: NetUid,
    stake: u64,
) -> StakeInfo {
    StakeInfo {
        hotkey,
        coldkey,
        netuid,
        stake,
        locked: 0,
        emission: ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(netuid, hotkey)),
        tao_emission: 0,
        drain: 0,
        is_registered: UIDS.contains(st, &(netuid, hotkey)),
    }
}

/// A coldkey's non-zero positions, by subnet then in `StakingHotkeys` order.
fn positions_of(st: &Overlay<'_>, coldkey: &AccountId, netuids: &[NetUid]) -> Vec<StakeInfo> {
    let hotkeys = STAKING_HOTKEYS.get(st, coldkey);
    let mut out = Vec::new();
    for &netuid in netuids {
        for hotkey in &hotkeys {
            let stake = position(st, hotkey, coldkey, netuid);
            if stake > 0 {
                out.push(entry(st, *hotkey, *coldkey, netuid, stake));
            }
        }
    }
    out
}

/// `get_stake_info_for_coldkeys(coldkeys)`: each coldkey with its non-zero positions.
pub fn stake_info_for_coldkeys(
    st: &Overlay<'_>,
    coldkeys: &[AccountId],
) -> Vec<(AccountId, Vec<StakeInfo>)> {
    let netuids = all_netuids(st);
    coldkeys
        .iter()
        .map(|c| (*c, positions_of(st, c, &netuids)))
        .collect()
}

/// `get_stake_info_for_coldkey(coldkey)`.
pub fn stake_info_for_coldkey(st: &Overlay<'_>, coldkey: &AccountId) -> Vec<StakeInfo> {
    positions_of(st, coldkey, &all_netuids(st))
}

/// `get_stake_info_for_hotkey_coldkey_netuid`: always `Some`, even for an empty position or a
/// missing subnet, as in the reference.
pub fn stake_info_for_hotkey_coldkey_netuid(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
) -> Option<StakeInfo> {
    let stake = position(st, hotkey, coldkey, netuid);
    Some(entry(st, *hotkey, *coldkey, netuid, stake))
}

/// `(total, locked, available)` of `coldkey` on `netuid` (`stake_availability`, computed by
/// the staking module; this is its wire form).
pub fn stake_availability(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    netuid: NetUid,
) -> StakeAvailability {
    let a = crate::staking::info::stake_availability(st, coldkey, netuid);
    StakeAvailability {
        total: a.total,
        locked: a.locked,
        available: a.available,
    }
}

/// `get_stake_availability_for_coldkeys(coldkeys, netuids)`: per coldkey, the subnets where it
/// has stake or a lock. `None` scans every subnet; a requested list is sorted and
/// deduplicated, and if it is empty or longer than the number of subnets every coldkey gets
/// an empty map; requested netuids that do not exist are left out.
pub fn stake_availability_for_coldkeys(
    st: &Overlay<'_>,
    coldkeys: &[AccountId],
    netuids: Option<Vec<NetUid>>,
) -> BTreeMap<AccountId, BTreeMap<NetUid, StakeAvailability>> {
    let existing = all_netuids(st);
    let netuids = match netuids {
        None => existing,
        Some(mut requested) => {
            requested.sort_unstable();
            requested.dedup();
            if requested.is_empty() || requested.len() > existing.len() {
                return coldkeys.iter().map(|c| (*c, BTreeMap::new())).collect();
            }
            requested.retain(|n| exists(st, *n));
            requested
        }
    };
    coldkeys
        .iter()
        .map(|c| {
            let per_subnet = netuids
                .iter()
                .filter_map(|n| {
                    let a = stake_availability(st, c, *n);
                    (a.total > 0 || a.locked > 0).then_some((*n, a))
                })
                .collect();
            (*c, per_subnet)
        })
        .collect()
}
