//! `DelegateInfo` (`ST/rpc_info/delegate_info.rs`): a hotkey in `Delegates`, its nominators,
//! registrations, permits and estimated daily return.
//!
//! Delegates are listed in the reference's storage iteration order — by
//! `blake2_128(account) ‖ account`, the `Blake2_128Concat` key of `Delegates` — and a hotkey's
//! registrations in the order of `IsNetworkMember`'s `Identity` netuid key (little-endian
//! bytes), so the lists come out exactly as the reference's.

use std::collections::BTreeMap;

use agora_primitives::hashing::blake2_128;
use agora_primitives::{AccountId, SafeDiv, U64F64};
use parity_scale_codec::{Decode, Encode};
use serde::ser::SerializeTuple;
use serde::{Serialize, Serializer};

use super::all_netuids;
use super::wire::{CompactVec, ss58};
use crate::staking;
use crate::state::Overlay;
use crate::storage::{
    DELEGATES, EMISSION, IS_NETWORK_MEMBER, NetUid, OWNER, ROOT_NETUID, TEMPO, UIDS,
    VALIDATOR_PERMIT,
};

/// `(Compact<NetUid>, Compact<u64>)`: a subnet and an amount; JSON `[netuid, amount]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct NetuidAmount(#[codec(compact)] pub u16, #[codec(compact)] pub u64);

/// A nominator and its stake per subnet; JSON `["<ss58>", [[netuid, amount], …]]`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Nominator(pub AccountId, pub Vec<NetuidAmount>);

impl Serialize for Nominator {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.0.to_string())?;
        t.serialize_element(&self.1)?;
        t.end()
    }
}

/// A delegate (`DelegateInfo<AccountId>`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct DelegateInfo {
    /// The delegate hotkey.
    #[serde(serialize_with = "ss58")]
    pub delegate_ss58: AccountId,
    /// Its take (`Delegates`).
    #[codec(compact)]
    pub take: u16,
    /// Nominators (by account) with their stake per subnet.
    pub nominators: Vec<Nominator>,
    /// The owning coldkey.
    #[serde(serialize_with = "ss58")]
    pub owner_ss58: AccountId,
    /// Subnets the hotkey is registered on.
    pub registrations: CompactVec<u16>,
    /// Subnets where it has a validator permit.
    pub validator_permits: CompactVec<u16>,
    /// `total_daily_return · (1 − take) / (root stake / 1000 TAO)`, floored.
    #[codec(compact)]
    pub return_per_1000: u64,
    /// `Σ_registrations Emission[uid] · 7200 / tempo`, floored.
    #[codec(compact)]
    pub total_daily_return: u64,
}

/// Every `Delegates` key in the reference's iteration order.
fn delegate_keys(st: &Overlay<'_>) -> Vec<AccountId> {
    let mut keys = DELEGATES.keys(st);
    keys.sort_by_cached_key(|a| (blake2_128(&a.0), *a));
    keys
}

/// `return_per_1000_tao`.
fn return_per_1000_tao(take: u16, total_stake: U64F64, emissions_per_day: U64F64) -> U64F64 {
    let zero = U64F64::saturating_from_num(0u8);
    let without_take = U64F64::saturating_from_num(1u8).saturating_sub(
        U64F64::saturating_from_num(take).safe_div(U64F64::saturating_from_num(u16::MAX)),
    );
    if total_stake > zero {
        let thousand_tao = U64F64::saturating_from_num(1_000_000_000_000u64);
        emissions_per_day
            .saturating_mul(without_take)
            .safe_div(total_stake.safe_div(thousand_tao))
    } else {
        zero
    }
}

/// `get_delegate_by_existing_account`.
fn build(st: &Overlay<'_>, delegate: &AccountId, skip_nominators: bool) -> DelegateInfo {
    let mut nominators = Vec::new();
    if !skip_nominators {
        // As the reference: a position on netuid `n` is valued with the share pool at index
        // `n` of the list of existing subnets (the subnet's own pool unless netuids have gaps);
        // positions on netuids past the end of that list are left out.
        let pools = all_netuids(st);
        let mut by_nominator: BTreeMap<AccountId, Vec<NetuidAmount>> = BTreeMap::new();
        for (nominator, netuid, shares) in staking::shares::positions_of_hotkey(st, delegate) {
            if shares.is_zero() {
                continue;
            }
            let Some(pool) = pools.get(usize::from(netuid)) else {
                continue;
            };
            let value = staking::shares::value_of_shares(st, delegate, *pool, &shares);
            by_nominator
                .entry(nominator)
                .or_default()
                .push(NetuidAmount(netuid, value));
        }
        nominators = by_nominator
            .into_iter()
            .map(|(n, v)| Nominator(n, v))
            .collect();
    }

    let mut registrations: Vec<NetUid> = IS_NETWORK_MEMBER
        .iter_prefix(st, delegate)
        .into_iter()
        .filter(|(_, member)| *member)
        .map(|(n, _)| n)
        .collect();
    registrations.sort_by_key(|n| n.to_le_bytes());
    let mut validator_permits = Vec::new();
    let zero = U64F64::saturating_from_num(0u8);
    let mut emissions_per_day = zero;
    for netuid in &registrations {
        let Some(uid) = UIDS.try_get(st, &(*netuid, *delegate)) else {
            continue;
        };
        let at = usize::from(uid);
        if VALIDATOR_PERMIT
            .get(st, netuid)
            .get(at)
            .copied()
            .unwrap_or(false)
        {
            validator_permits.push(*netuid);
        }
        let emission =
            U64F64::saturating_from_num(EMISSION.get(st, netuid).get(at).copied().unwrap_or(0));
        let tempo = U64F64::saturating_from_num(TEMPO.get(st, netuid));
        if tempo > zero {
            let epochs_per_day = U64F64::saturating_from_num(7_200u16).safe_div(tempo);
            emissions_per_day =
                emissions_per_day.saturating_add(emission.saturating_mul(epochs_per_day));
        }
    }
    let take = DELEGATES.get(st, delegate);
    let total_stake = U64F64::saturating_from_num(crate::staking::total_hotkey_alpha(
        st,
        delegate,
        ROOT_NETUID,
    ));
    DelegateInfo {
        delegate_ss58: *delegate,
        take,
        nominators,
        owner_ss58: OWNER.get(st, delegate),
        registrations: registrations.into(),
        validator_permits: validator_permits.into(),
        return_per_1000: return_per_1000_tao(take, total_stake, emissions_per_day)
            .saturating_to_num::<u64>(),
        total_daily_return: emissions_per_day.saturating_to_num::<u64>(),
    }
}

/// `get_delegate(hotkey)`: `None` unless the hotkey has a `Delegates` entry.
pub fn delegate(st: &Overlay<'_>, hotkey: &AccountId) -> Option<DelegateInfo> {
    DELEGATES
        .contains(st, hotkey)
        .then(|| build(st, hotkey, false))
}

/// `get_delegates()`.
pub fn delegates(st: &Overlay<'_>) -> Vec<DelegateInfo> {
    delegate_keys(st)
        .iter()
        .map(|d| build(st, d, false))
        .collect()
}

/// `get_delegated(coldkey)`: for every delegate (in iteration order) and every subnet where
/// `coldkey` has a share entry on it (even an empty one), the delegate's info without nominators and the stake.
pub fn delegated(st: &Overlay<'_>, coldkey: &AccountId) -> Vec<(DelegateInfo, NetuidAmount)> {
    let mut out = Vec::new();
    for d in delegate_keys(st) {
        for (staker, netuid, _) in staking::shares::positions_of_hotkey(st, &d) {
            if staker == *coldkey {
                let value = staking::alpha(st, &d, coldkey, netuid);
                out.push((build(st, &d, true), NetuidAmount(netuid, value)));
            }
        }
    }
    out
}
