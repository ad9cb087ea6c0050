//! Inherited stake and stake weight (protocol.md §5.7, `ST/staking/stake_utils.rs:160-452`).
//!
//! On subnet `i`, a hotkey `h` with own alpha `α(h)` (its pool value `TotalHotkeyAlpha`) keeps
//! `α(h) − Σ_children α(h)·q` and receives `Σ_parents α(p)·q`, with each proportion
//! `q = proportion / (2^64 − 1)`; all in `U96F32`, floored to an integer at the end. The same
//! formula over root stake (`TotalHotkeyAlpha[·][0]`) gives the inherited TAO; on root itself
//! the inherited alpha is the own stake (no childkeys there), while the inherited TAO still
//! applies the root subnet's (empty) relations, exactly as the reference's two functions
//! differ. The stake weight is `alpha_inh + tao_inh · w` in `I64F64`, with
//! `w = TaoWeight / (2^64 − 1)` computed in `U96F32`.
//!
//! [`stake_weights_for_network`] computes all uids of a subnet at once and reads every stake
//! entry it needs once (parents are often shared), for the epoch and the read side.

use std::collections::BTreeMap;

use agora_primitives::{AccountId, I64F64, SafeDiv, U96F32};

use crate::state::Overlay;
use crate::storage::{KEYS, NetUid, ROOT_NETUID, SUBNETWORK_N, TAO_WEIGHT};

use super::{children, parents};

/// Own stake of `hotkey` on `netuid` (`get_stake_for_hotkey_on_subnet`).
fn own_stake(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    crate::staking::total_hotkey_alpha(st, hotkey, netuid)
}

/// `TaoWeight / (2^64 − 1)` in `U96F32` (`get_tao_weight`).
pub fn tao_weight(st: &Overlay<'_>) -> U96F32 {
    U96F32::saturating_from_num(TAO_WEIGHT.get(st)).safe_div(U96F32::saturating_from_num(u64::MAX))
}

/// `proportion / (2^64 − 1)` in `U96F32`.
fn normalized(proportion: u64) -> U96F32 {
    U96F32::saturating_from_num(proportion).safe_div(U96F32::saturating_from_num(u64::MAX))
}

/// The inheritance formula on given stakes: `initial − Σ initial·q_child + Σ stake(p)·q_p`,
/// accumulated in the reference's order and floored.
fn inherit(
    initial: u64,
    children: &[(u64, AccountId)],
    parents: &[(u64, AccountId)],
    mut stake_of: impl FnMut(&AccountId) -> u64,
) -> u64 {
    let initial = U96F32::saturating_from_num(initial);
    let zero = U96F32::saturating_from_num(0u8);
    let to_children = children.iter().fold(zero, |acc, (q, _)| {
        acc.saturating_add(initial.saturating_mul(normalized(*q)))
    });
    let from_parents = parents.iter().fold(zero, |acc, (q, parent)| {
        let parent_stake = U96F32::saturating_from_num(stake_of(parent));
        acc.saturating_add(parent_stake.saturating_mul(normalized(*q)))
    });
    initial
        .saturating_sub(to_children)
        .saturating_add(from_parents)
        .saturating_to_num::<u64>()
}

/// Alpha stake of `hotkey` on `netuid` after childkey inheritance
/// (`get_inherited_for_hotkey_on_subnet`); the own stake on root.
pub fn inherited_alpha(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    let initial = own_stake(st, hotkey, netuid);
    if netuid == ROOT_NETUID {
        return initial;
    }
    inherit(
        initial,
        &children(st, hotkey, netuid),
        &parents(st, hotkey, netuid),
        |p| own_stake(st, p, netuid),
    )
}

/// Root (TAO) stake of `hotkey` after inheritance through its relations on `netuid`
/// (`get_tao_inherited_for_hotkey_on_subnet`).
pub fn inherited_tao(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    inherit(
        own_stake(st, hotkey, ROOT_NETUID),
        &children(st, hotkey, netuid),
        &parents(st, hotkey, netuid),
        |p| own_stake(st, p, ROOT_NETUID),
    )
}

/// A hotkey's stake weight on a subnet and its two parts, as `I64F64`
/// (`get_stake_weights_for_hotkey_on_subnet` returns them in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakeWeights {
    /// `alpha + tao · w`.
    pub total: I64F64,
    /// Inherited alpha.
    pub alpha: I64F64,
    /// Inherited root stake (not yet weighted).
    pub tao: I64F64,
}

fn combine(alpha: u64, tao: u64, w: I64F64) -> StakeWeights {
    let alpha = I64F64::saturating_from_num(alpha);
    let tao = I64F64::saturating_from_num(tao);
    StakeWeights {
        total: alpha.saturating_add(tao.saturating_mul(w)),
        alpha,
        tao,
    }
}

/// Stake weight of `hotkey` on `netuid` with its parts
/// (`get_stake_weights_for_hotkey_on_subnet`).
pub fn stake_weights_for_hotkey(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
) -> StakeWeights {
    let w = I64F64::saturating_from_num(tao_weight(st));
    combine(
        inherited_alpha(st, hotkey, netuid),
        inherited_tao(st, hotkey, netuid),
        w,
    )
}

/// `alpha_inh + w · tao_inh` of `hotkey` on `netuid`, floored. Comparing it with an integer
/// threshold gives the reference's fixed-point comparison (`check_weights_min_stake`).
pub fn stake_weight(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    stake_weights_for_hotkey(st, hotkey, netuid)
        .total
        .saturating_to_num::<u64>()
}

/// Per-uid stake weights of `netuid` (`get_stake_weights_for_network`); a uid without a hotkey
/// gets zeros. Each stake entry is read once.
pub fn stake_weights_for_network(st: &Overlay<'_>, netuid: NetUid) -> Vec<StakeWeights> {
    let n = SUBNETWORK_N.get(st, &netuid);
    let hotkeys: Vec<Option<AccountId>> =
        (0..n).map(|uid| KEYS.try_get(st, &(netuid, uid))).collect();
    stake_weights_for_hotkeys(st, netuid, &hotkeys)
}

/// [`stake_weights_for_network`] for hotkeys already read (`None` = no hotkey at that uid).
pub fn stake_weights_for_hotkeys(
    st: &Overlay<'_>,
    netuid: NetUid,
    hotkeys: &[Option<AccountId>],
) -> Vec<StakeWeights> {
    let w = I64F64::saturating_from_num(tao_weight(st));
    let mut cache: BTreeMap<(AccountId, NetUid), u64> = BTreeMap::new();
    let mut stake = |h: &AccountId, sub: NetUid| -> u64 {
        *cache
            .entry((*h, sub))
            .or_insert_with(|| own_stake(st, h, sub))
    };
    hotkeys
        .iter()
        .map(|hotkey| {
            let Some(hotkey) = hotkey else {
                return combine(0, 0, w);
            };
            let kids = children(st, hotkey, netuid);
            let folks = parents(st, hotkey, netuid);
            let own_alpha = stake(hotkey, netuid);
            let alpha = if netuid == ROOT_NETUID {
                own_alpha
            } else {
                inherit(own_alpha, &kids, &folks, |p| stake(p, netuid))
            };
            let own_tao = stake(hotkey, ROOT_NETUID);
            let tao = inherit(own_tao, &kids, &folks, |p| stake(p, ROOT_NETUID));
            combine(alpha, tao, w)
        })
        .collect()
}

/// Total TAO value of everything staked to `hotkey`: `Σ_subnets own alpha × price`, in
/// `U64F64`, floored (`get_total_stake_for_hotkey`, the staking module's).
pub fn total_stake_for_hotkey(st: &Overlay<'_>, hotkey: &AccountId) -> u64 {
    crate::staking::info::get_total_stake_for_hotkey(st, hotkey)
}
