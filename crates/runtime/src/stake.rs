//! Minimal stake bookkeeping: per-(hotkey, coldkey, subnet) alpha positions and per-hotkey
//! totals, enough for validator permits, weight checks and epoch payouts.
//!
//! This is deliberately the smallest honest model: no share pools, no AMM. The economics
//! issue replaces it with the reference's share pools (protocol.md §5.1) behind the same
//! functions. Alpha credited here must already be counted in `SubnetAlphaOut`.

use agora_primitives::{AccountId, I64F64, SafeDiv};

use crate::state::Overlay;
use crate::storage::{ALPHA, NetUid, ROOT_NETUID, STAKING_HOTKEYS, TAO_WEIGHT, TOTAL_HOTKEY_ALPHA};

/// Alpha staked to `hotkey` on `netuid` (TAO on root).
pub fn total_hotkey_alpha(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    TOTAL_HOTKEY_ALPHA.get(st, &(*hotkey, netuid))
}

/// `coldkey`'s position on `hotkey` in `netuid`.
pub fn position(st: &Overlay<'_>, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> u64 {
    ALPHA.get(st, &(*hotkey, *coldkey, netuid))
}

/// Credits `amount` alpha to `coldkey`'s position on `hotkey` in `netuid`.
pub fn increase_stake(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    amount: u64,
) {
    if amount == 0 {
        return;
    }
    ALPHA.mutate(st, &(*hotkey, *coldkey, netuid), |a| {
        *a = a.saturating_add(amount)
    });
    TOTAL_HOTKEY_ALPHA.mutate(st, &(*hotkey, netuid), |a| *a = a.saturating_add(amount));
    STAKING_HOTKEYS.mutate(st, coldkey, |v| {
        if !v.contains(hotkey) {
            v.push(*hotkey);
        }
    });
}

/// Stake weight of `hotkey` on `netuid`: `alpha + w · root_stake` (protocol.md §5.7, without
/// childkeys, which come with the economics issue), as a u64 floor.
pub fn stake_weight(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    let alpha = total_hotkey_alpha(st, hotkey, netuid);
    let root = total_hotkey_alpha(st, hotkey, ROOT_NETUID);
    let w = I64F64::saturating_from_num(TAO_WEIGHT.get(st))
        .safe_div(I64F64::saturating_from_num(u64::MAX));
    let weighted = I64F64::saturating_from_num(root).saturating_mul(w);
    alpha.saturating_add(weighted.saturating_to_num::<u64>())
}
