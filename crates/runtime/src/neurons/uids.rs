//! Uid assignment and replacement (protocol.md §7.3, `ST/subnets/uids.rs:9-137`).
//!
//! Invariants: uids of a subnet are `0..SubnetworkN` and every one of them has a `Keys`
//! entry whose hotkey maps back through `Uids`; `IsNetworkMember[(hotkey, netuid)]` is set
//! for exactly the registered hotkeys (a hotkey swap may leave `false` entries, as the
//! reference does). Per-uid vectors grow by one element per appended uid.

use agora_primitives::AccountId;

use crate::state::Overlay;
use crate::storage::{
    ACTIVE, AXONS, BLOCK_AT_REGISTRATION, BONDS, CONSENSUS, DIVIDENDS, EMISSION, INCENTIVE,
    IS_NETWORK_MEMBER, KEYS, LAST_UPDATE, MECHANISM_COUNT_CURRENT, NEURON_CERTIFICATES, NetUid,
    PROMETHEUS, STAKE_WEIGHT, SUBNET_OWNER_HOTKEY, SUBNETWORK_N, UIDS, Uid, VALIDATOR_PERMIT,
    VALIDATOR_TRUST, WEIGHTS, netuid_index,
};

/// Sets `v[at] = value` if that element exists (`set_element_at`); never grows `v`.
fn set_element_at<T>(v: &mut [T], at: usize, value: T) {
    if let Some(slot) = v.get_mut(at) {
        *slot = value;
    }
}

/// Every storage index of the subnet's mechanisms in use (`0..MechanismCountCurrent`).
pub fn mechanism_indices(st: &Overlay<'_>, netuid: NetUid) -> Vec<u16> {
    (0..MECHANISM_COUNT_CURRENT.get(st, &netuid))
        .map(|mecid| netuid_index(netuid, mecid))
        .collect()
}

/// `set_last_update_for_uid` (`ST/utils/misc.rs:192-222`): the stored vector is first padded
/// with zeros to `SubnetworkN` elements, then `uid`'s entry is set if it exists.
fn set_last_update_for_uid(st: &mut Overlay<'_>, netuid: NetUid, idx: u16, uid: Uid, block: u64) {
    let mut v = LAST_UPDATE.get(st, &idx);
    let n = usize::from(SUBNETWORK_N.get(st, &netuid));
    if v.len() < n {
        v.resize(n, 0);
    }
    if let Some(slot) = v.get_mut(usize::from(uid)) {
        *slot = block;
        LAST_UPDATE.insert(st, &idx, &v);
    }
}

/// Appends `hotkey` as the next uid of `netuid` (the subnet must have room; callers check
/// `MaxAllowedUids`): grows the per-uid vectors (`Active` true, the rest zero/false), sets
/// `LastUpdate[uid] = block` for every mechanism and `BlockAtRegistration[uid] = block`, and
/// records `Keys`, `Uids` and `IsNetworkMember`. Returns the uid.
pub fn append_neuron(st: &mut Overlay<'_>, netuid: NetUid, hotkey: &AccountId, block: u64) -> Uid {
    let uid = SUBNETWORK_N.get(st, &netuid);
    SUBNETWORK_N.insert(st, &netuid, &uid.saturating_add(1));
    ACTIVE.mutate(st, &netuid, |v| v.push(true));
    EMISSION.mutate(st, &netuid, |v| v.push(0));
    CONSENSUS.mutate(st, &netuid, |v| v.push(0));
    for idx in mechanism_indices(st, netuid) {
        INCENTIVE.mutate(st, &idx, |v| v.push(0));
        set_last_update_for_uid(st, netuid, idx, uid, block);
    }
    DIVIDENDS.mutate(st, &netuid, |v| v.push(0));
    VALIDATOR_TRUST.mutate(st, &netuid, |v| v.push(0));
    VALIDATOR_PERMIT.mutate(st, &netuid, |v| v.push(false));
    KEYS.insert(st, &(netuid, uid), hotkey);
    UIDS.insert(st, &(netuid, *hotkey), &uid);
    BLOCK_AT_REGISTRATION.insert(st, &(netuid, uid), &block);
    IS_NETWORK_MEMBER.insert(st, &(*hotkey, netuid), &true);
    uid
}

/// Resets a uid's epoch state (`clear_neuron`): its emission, consensus, incentive,
/// dividends, stake weight, validator trust and permit entries; its bonds and outgoing
/// weights in every mechanism; and every other row's weight *to* it is set to zero.
pub fn clear_neuron(st: &mut Overlay<'_>, netuid: NetUid, uid: Uid) {
    let at = usize::from(uid);
    EMISSION.mutate(st, &netuid, |v| set_element_at(v, at, 0));
    CONSENSUS.mutate(st, &netuid, |v| set_element_at(v, at, 0));
    for idx in mechanism_indices(st, netuid) {
        INCENTIVE.mutate(st, &idx, |v| set_element_at(v, at, 0));
        BONDS.remove(st, &(idx, uid));
        WEIGHTS.remove(st, &(idx, uid));
        for (row_uid, mut row) in WEIGHTS.iter_prefix(st, &idx) {
            for (target, w) in row.iter_mut() {
                if *target == uid {
                    *w = 0;
                }
            }
            WEIGHTS.insert(st, &(idx, row_uid), &row);
        }
    }
    DIVIDENDS.mutate(st, &netuid, |v| set_element_at(v, at, 0));
    STAKE_WEIGHT.mutate(st, &netuid, |v| set_element_at(v, at, 0));
    VALIDATOR_TRUST.mutate(st, &netuid, |v| set_element_at(v, at, 0));
    VALIDATOR_PERMIT.mutate(st, &netuid, |v| set_element_at(v, at, false));
}

/// Puts `new_hotkey` in place of the neuron at `uid` (`replace_neuron`). Does nothing if the
/// uid holds the subnet owner hotkey (the reference skips it silently). Removes the old
/// hotkey's `Uids`/`IsNetworkMember`/axon/certificate/prometheus entries, marks the uid
/// active, records the new hotkey with `BlockAtRegistration = block`, clears the uid's epoch
/// state ([`clear_neuron`]) and sets `LastUpdate[uid] = block` in every mechanism.
pub fn replace_neuron(
    st: &mut Overlay<'_>,
    netuid: NetUid,
    uid: Uid,
    new_hotkey: &AccountId,
    block: u64,
) {
    let old_hotkey = KEYS.get(st, &(netuid, uid));
    if SUBNET_OWNER_HOTKEY.try_get(st, &netuid) == Some(old_hotkey) {
        return;
    }
    UIDS.remove(st, &(netuid, old_hotkey));
    IS_NETWORK_MEMBER.remove(st, &(old_hotkey, netuid));
    KEYS.remove(st, &(netuid, uid));

    let mut active = ACTIVE.get(st, &netuid);
    if let Some(slot) = active.get_mut(usize::from(uid)) {
        *slot = true;
        ACTIVE.insert(st, &netuid, &active);
    }
    KEYS.insert(st, &(netuid, uid), new_hotkey);
    UIDS.insert(st, &(netuid, *new_hotkey), &uid);
    BLOCK_AT_REGISTRATION.insert(st, &(netuid, uid), &block);
    IS_NETWORK_MEMBER.insert(st, &(*new_hotkey, netuid), &true);

    AXONS.remove(st, &(netuid, old_hotkey));
    NEURON_CERTIFICATES.remove(st, &(netuid, old_hotkey));
    PROMETHEUS.remove(st, &(netuid, old_hotkey));

    clear_neuron(st, netuid, uid);
    for idx in mechanism_indices(st, netuid) {
        set_last_update_for_uid(st, netuid, idx, uid, block);
    }
}

/// True if `hotkey` holds a uid on `netuid` (`is_hotkey_registered_on_network`).
pub fn is_registered(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> bool {
    UIDS.contains(st, &(netuid, *hotkey))
}

/// True if `hotkey` is a member of any subnet (`is_hotkey_registered_on_any_network`: an
/// `IsNetworkMember` entry whose value is true).
pub fn is_registered_anywhere(st: &Overlay<'_>, hotkey: &AccountId) -> bool {
    IS_NETWORK_MEMBER
        .iter_prefix(st, hotkey)
        .into_iter()
        .any(|(_, member)| member)
}
