//! Which uid a registration on a full subnet replaces (protocol.md §7.4,
//! `ST/subnets/registration.rs:196-318`).
//!
//! Rule: owner-immortal hotkeys are never candidates; among the rest the lowest
//! `Emission[uid]` wins, ties broken by the earlier registration block and then the lower
//! uid, separately for non-immune and immune uids. A non-immune uid is chosen only if there
//! are more than `MinNonImmuneUids` non-immune candidates; otherwise the best immune one.

use agora_primitives::AccountId;

use crate::state::Overlay;
use crate::storage::{
    BLOCK_AT_REGISTRATION, EMISSION, IMMUNE_OWNER_UIDS_LIMIT, IMMUNITY_PERIOD, KEYS,
    MIN_NON_IMMUNE_UIDS, NetUid, OWNED_HOTKEYS, SUBNET_OWNER, SUBNET_OWNER_HOTKEY, SUBNETWORK_N,
    UIDS, Uid,
};

/// True if `uid` registered less than `ImmunityPeriod` blocks before `now`
/// (`get_neuron_is_immune`).
pub fn neuron_is_immune(st: &Overlay<'_>, netuid: NetUid, uid: Uid, now: u64) -> bool {
    let registered_at = BLOCK_AT_REGISTRATION.get(st, &(netuid, uid));
    now.saturating_sub(registered_at) < u64::from(IMMUNITY_PERIOD.get(st, &netuid))
}

/// The owner-immortal `(uid, hotkey)` pairs (`get_immune_owner_tuples`): the owner coldkey's
/// registered hotkeys sorted by (registration block, uid) ascending, cut to
/// `ImmuneOwnerUidsLimit`; then the subnet owner hotkey, if registered and not yet present,
/// is put first and the list cut to the limit again.
pub fn immune_owner_uids(st: &Overlay<'_>, netuid: NetUid) -> Vec<(Uid, AccountId)> {
    let owner = SUBNET_OWNER.get(st, &netuid);
    let mut triples: Vec<(u64, Uid, AccountId)> = OWNED_HOTKEYS
        .get(st, &owner)
        .into_iter()
        .filter_map(|hk| {
            UIDS.try_get(st, &(netuid, hk))
                .map(|uid| (BLOCK_AT_REGISTRATION.get(st, &(netuid, uid)), uid, hk))
        })
        .collect();
    triples.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let limit = usize::from(IMMUNE_OWNER_UIDS_LIMIT.get(st, &netuid));
    triples.truncate(limit);
    let mut out: Vec<(Uid, AccountId)> = triples.into_iter().map(|(_, u, h)| (u, h)).collect();
    if let Some(owner_hk) = SUBNET_OWNER_HOTKEY.try_get(st, &netuid)
        && let Some(owner_uid) = UIDS.try_get(st, &(netuid, owner_hk))
        && !out.contains(&(owner_uid, owner_hk))
    {
        out.insert(0, (owner_uid, owner_hk));
        out.truncate(limit);
    }
    out
}

/// `(emission, registration block, uid)`: the order candidates are ranked in.
type Candidate = (u64, u64, Uid);

fn consider(best: &mut Option<Candidate>, c: Candidate) {
    // Tuple order is exactly the reference's comparison: emission, then block, then uid.
    if best.is_none_or(|b| c < b) {
        *best = Some(c);
    }
}

/// The uid a registration on the full subnet `netuid` replaces at block `now`, or `None` if
/// every uid is owner-immortal (`get_neuron_to_prune`).
pub fn get_neuron_to_prune(st: &Overlay<'_>, netuid: NetUid, now: u64) -> Option<Uid> {
    let n = SUBNETWORK_N.get(st, &netuid);
    if n == 0 {
        return None;
    }
    let immortal: Vec<AccountId> = immune_owner_uids(st, netuid)
        .into_iter()
        .map(|(_, hk)| hk)
        .collect();
    let emissions = EMISSION.get(st, &netuid);
    let mut free_count: u16 = 0;
    let mut best_non_immune: Option<Candidate> = None;
    let mut best_immune: Option<Candidate> = None;
    for uid in 0..n {
        let Some(hk) = KEYS.try_get(st, &(netuid, uid)) else {
            continue;
        };
        if immortal.contains(&hk) {
            continue;
        }
        let emission = emissions.get(usize::from(uid)).copied().unwrap_or(0);
        let reg_block = BLOCK_AT_REGISTRATION.get(st, &(netuid, uid));
        if neuron_is_immune(st, netuid, uid, now) {
            consider(&mut best_immune, (emission, reg_block, uid));
        } else {
            free_count = free_count.saturating_add(1);
            consider(&mut best_non_immune, (emission, reg_block, uid));
        }
    }
    if free_count > MIN_NON_IMMUNE_UIDS.get(st, &netuid)
        && let Some((_, _, uid)) = best_non_immune
    {
        return Some(uid);
    }
    best_immune.map(|(_, _, uid)| uid)
}
