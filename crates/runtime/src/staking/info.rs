//! Read-only staking helpers for the node, the info structs and the other economics modules
//! (`ST/staking/helpers.rs`, `ST/rpc_info/stake_info.rs:146-222`, `ST/staking/lock.rs:682-751`).

use agora_primitives::{AccountId, U64F64};
use parity_scale_codec::{Decode, Encode};
use serde::{Deserialize, Serialize};

use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{ALPHA_V2, NetUid, STAKING_HOTKEYS};
use crate::swap::{self, Direction};

use super::{alpha, total_hotkey_alpha};

/// A coldkey's stake on one subnet and how much of it can be unstaked
/// (`StakeAvailability`). Agora has no stake locks, so `locked` is always 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct StakeAvailability {
    /// Alpha over all the coldkey's staking hotkeys.
    pub total: u64,
    /// Locked alpha.
    pub locked: u64,
    /// `total − locked`.
    pub available: u64,
}

/// The coldkey's alpha on `netuid` summed over its `StakingHotkeys`
/// (`total_coldkey_alpha_on_subnet`).
pub fn total_coldkey_alpha_on_subnet(st: &Overlay<'_>, coldkey: &AccountId, netuid: NetUid) -> u64 {
    STAKING_HOTKEYS
        .get(st, coldkey)
        .iter()
        .map(|h| alpha(st, h, coldkey, netuid))
        .fold(0u64, u64::saturating_add)
}

/// `stake_availability` without locks: everything staked is available.
pub fn stake_availability(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    netuid: NetUid,
) -> StakeAvailability {
    let total = total_coldkey_alpha_on_subnet(st, coldkey, netuid);
    StakeAvailability {
        total,
        locked: 0,
        available: total,
    }
}

/// `StakeUnavailable` unless `amount` is at most the coldkey's available alpha on `netuid`
/// (`ensure_available_to_unstake`; with no locks, its total alpha there).
pub fn ensure_available_to_unstake(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    netuid: NetUid,
    amount: u64,
) -> DispatchResult {
    ensure(
        stake_availability(st, coldkey, netuid).available >= amount,
        Error::StakeUnavailable,
    )
}

/// The hotkey's stake on every subnet valued at spot prices, in TAO
/// (`get_total_stake_for_hotkey`).
pub fn get_total_stake_for_hotkey(st: &Overlay<'_>, hotkey: &AccountId) -> u64 {
    crate::storage::NETWORKS_ADDED
        .keys(st)
        .into_iter()
        .map(|n| {
            U64F64::saturating_from_num(total_hotkey_alpha(st, hotkey, n))
                .saturating_mul(swap::current_price(st, n))
        })
        .fold(U64F64::saturating_from_num(0u8), U64F64::saturating_add)
        .saturating_to_num::<u64>()
}

/// What the coldkey's stake on `netuid` (every netuid if `None`) would sell for, plus the
/// sale fee valued at the spot price (`get_total_stake_for_coldkey[_on_subnet]`).
pub fn get_total_stake_for_coldkey(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    netuid: Option<NetUid>,
) -> u64 {
    let mut total: u64 = 0;
    for hotkey in STAKING_HOTKEYS.get(st, coldkey) {
        for ((c, n), shares) in ALPHA_V2.iter_prefix1(st, &hotkey) {
            if c != *coldkey || shares.is_zero() || netuid.is_some_and(|x| x != n) {
                continue;
            }
            let stake = alpha(st, &hotkey, coldkey, n);
            let value = swap::sim_swap(st, n, Direction::Sell, stake)
                .map(|r| {
                    let fee = U64F64::saturating_from_num(r.fee_paid)
                        .saturating_mul(swap::current_price(st, n))
                        .saturating_to_num::<u64>();
                    r.amount_paid_out.saturating_add(fee)
                })
                .unwrap_or_default();
            total = total.saturating_add(value);
        }
    }
    total
}

/// The swap fee a stake operation would pay (`get_stake_fee`): 0 if origin and destination
/// are the same (hotkey, netuid), else the fee rate of the destination subnet (the origin's
/// if there is no destination) applied to `amount`.
pub fn get_stake_fee(
    st: &Overlay<'_>,
    origin: Option<(AccountId, NetUid)>,
    destination: Option<(AccountId, NetUid)>,
    amount: u64,
) -> u64 {
    if destination == origin {
        return 0;
    }
    let netuid = destination.or(origin).map(|(_, n)| n).unwrap_or_default();
    swap::approx_fee_amount(st, netuid, amount)
}

/// Stake weight of `hotkey` on `netuid` without childkey inheritance: `α + w · τ` with
/// `w = TaoWeight / (2^64 − 1)` and τ the hotkey's root stake, floored (what §5.7's inherited
/// stake weight is when the hotkey has no parents or children). The childkeys module replaces
/// it with the inherited form.
pub fn stake_weight(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    use agora_primitives::{I64F64, SafeDiv};
    let alpha = total_hotkey_alpha(st, hotkey, netuid);
    let root = total_hotkey_alpha(st, hotkey, crate::storage::ROOT_NETUID);
    let w = I64F64::saturating_from_num(crate::storage::TAO_WEIGHT.get(st))
        .safe_div(I64F64::saturating_from_num(u64::MAX));
    let weighted = I64F64::saturating_from_num(root).saturating_mul(w);
    alpha.saturating_add(weighted.saturating_to_num::<u64>())
}
