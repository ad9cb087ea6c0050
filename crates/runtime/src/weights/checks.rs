//! The predicates `set_weights` and commit-reveal are built from (`ST/subnets/weights.rs`
//! "helper functions", `ST/subnets/mechanism.rs`, `ST/lib.rs:2752-2763`).
//!
//! Each one answers a yes/no question on state so the calls can apply them in the reference's
//! order and map a `false` to the reference's error. None of them writes except
//! [`set_last_update_for_uid`].

use agora_primitives::AccountId;

use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{
    COMMIT_REVEAL_WEIGHTS_ENABLED, KEYS, LAST_UPDATE, MECHANISM_COUNT_CURRENT, MIN_ALLOWED_WEIGHTS,
    MechId, NetUid, ROOT_NETUID, STAKE_THRESHOLD, SUBNET_OWNER_HOTKEY, SUBNETWORK_N, UIDS, Uid,
    VALIDATOR_PERMIT, WEIGHTS_SET_RATE_LIMIT, WEIGHTS_VERSION_KEY,
};
use crate::subnets::subnet_exists;

/// Subnets per mechanism slot of the storage index (`GLOBAL_MAX_SUBNET_COUNT`,
/// `ST/subnets/mechanism.rs`): `netuid_index = mecid · 4096 + netuid`.
pub const GLOBAL_MAX_SUBNET_COUNT: u16 = 4096;

/// Commit-reveal switch of the subnet.
pub fn commit_reveal_enabled(st: &Overlay<'_>, netuid: NetUid) -> bool {
    COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, &netuid)
}

/// `MechanismDoesNotExist` unless the subnet exists and has more than `mecid` mechanisms
/// (`ensure_mechanism_exists`; a missing subnet gives the same error).
pub fn ensure_mechanism_exists(st: &Overlay<'_>, netuid: NetUid, mecid: MechId) -> DispatchResult {
    ensure(subnet_exists(st, netuid), Error::MechanismDoesNotExist)?;
    ensure(
        MECHANISM_COUNT_CURRENT.get(st, &netuid) > mecid,
        Error::MechanismDoesNotExist,
    )
}

/// Splits a storage index back into `(netuid, mecid)` when that mechanism exists
/// (`get_netuid_and_subid`): `None` where the reference returns `MechanismDoesNotExist`.
pub fn netuid_and_mecid(st: &Overlay<'_>, netuid_index: u16) -> Option<(NetUid, MechId)> {
    let netuid = netuid_index.checked_rem(GLOBAL_MAX_SUBNET_COUNT)?;
    if !subnet_exists(st, netuid) {
        return None;
    }
    let mecid = MechId::try_from(netuid_index.checked_div(GLOBAL_MAX_SUBNET_COUNT)?).ok()?;
    (MECHANISM_COUNT_CURRENT.get(st, &netuid) > mecid).then_some((netuid, mecid))
}

/// The uid of the subnet owner's hotkey, if that hotkey is registered (`get_owner_uid`).
pub fn owner_uid(st: &Overlay<'_>, netuid: NetUid) -> Option<Uid> {
    let hotkey = SUBNET_OWNER_HOTKEY.try_get(st, &netuid)?;
    UIDS.try_get(st, &(netuid, hotkey))
}

/// The hotkey's uid on the subnet, else `HotKeyNotRegisteredInSubNet`
/// (`get_uid_for_net_and_hotkey`).
pub fn uid_of(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> Result<Uid, Error> {
    UIDS.try_get(st, &(netuid, *hotkey))
        .ok_or(Error::HotKeyNotRegisteredInSubNet)
}

/// True if the hotkey holds a uid on the subnet (`is_hotkey_registered_on_network`).
pub fn is_registered(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> bool {
    UIDS.contains(st, &(netuid, *hotkey))
}

/// True if the uid is taken on the subnet (`is_uid_exist_on_network`).
pub fn uid_exists(st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> bool {
    KEYS.contains(st, &(netuid, uid))
}

/// Minimum stake to set weights (`check_weights_min_stake`, `ST/lib.rs:2752-2763`): the
/// subnet owner's hotkey always passes; anyone else needs a stake weight of at least the
/// global `StakeThreshold`, where the stake weight includes childkey inheritance (§5.7).
pub fn check_weights_min_stake(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> bool {
    if let Some(owner) = owner_uid(st, netuid)
        && UIDS.try_get(st, &(netuid, *hotkey)) == Some(owner)
    {
        return true;
    }
    crate::childkeys::stake_weight(st, hotkey, netuid) >= STAKE_THRESHOLD.get(st)
}

/// Version key is current: the subnet's key is 0, or the caller's is at least it
/// (`check_version_key`).
pub fn check_version_key(st: &Overlay<'_>, netuid: NetUid, version_key: u64) -> bool {
    let network_key = WEIGHTS_VERSION_KEY.get(st, &netuid);
    network_key == 0 || version_key >= network_key
}

/// `LastUpdate[netuid_index][uid]`, 0 when absent (`get_last_update_for_uid`).
pub fn last_update_for_uid(st: &Overlay<'_>, netuid_index: u16, uid: Uid) -> u64 {
    LAST_UPDATE
        .get(st, &netuid_index)
        .get(usize::from(uid))
        .copied()
        .unwrap_or(0)
}

/// Sets `LastUpdate[netuid_index][uid]`; a no-op when the vector is shorter than `uid`
/// (`set_last_update_for_uid`).
pub fn set_last_update_for_uid(st: &mut Overlay<'_>, netuid_index: u16, uid: Uid, block: u64) {
    let mut v = LAST_UPDATE.get(st, &netuid_index);
    let Some(cell) = v.get_mut(usize::from(uid)) else {
        return;
    };
    *cell = block;
    LAST_UPDATE.insert(st, &netuid_index, &v);
}

/// The weights rate limit (`check_rate_limit`): the index must name an existing mechanism and
/// the uid must exist; then it passes if the uid never updated (`LastUpdate = 0`) or at least
/// `WeightsSetRateLimit[netuid]` blocks have passed since. Per mechanism, since `LastUpdate`
/// is keyed by the storage index.
pub fn check_rate_limit(st: &Overlay<'_>, netuid_index: u16, uid: Uid, now: u64) -> bool {
    let Some((netuid, _)) = netuid_and_mecid(st, netuid_index) else {
        return false;
    };
    if !uid_exists(st, netuid, uid) {
        return false;
    }
    let last = last_update_for_uid(st, netuid_index, uid);
    if last == 0 {
        return true;
    }
    now.saturating_sub(last) >= WEIGHTS_SET_RATE_LIMIT.get(st, &netuid)
}

/// Exactly one weight, on the caller's own uid (`is_self_weight`).
pub fn is_self_weight(uid: Uid, uids: &[u16], values: &[u16]) -> bool {
    values.len() == 1 && uids.first() == Some(&uid)
}

/// May set these weights: a pure self-weight, the subnet owner's uid, or a validator permit
/// (`check_validator_permit`).
pub fn check_validator_permit(
    st: &Overlay<'_>,
    netuid: NetUid,
    uid: Uid,
    uids: &[u16],
    values: &[u16],
) -> bool {
    if is_self_weight(uid, uids, values) {
        return true;
    }
    if owner_uid(st, netuid) == Some(uid) {
        return true;
    }
    VALIDATOR_PERMIT
        .get(st, &netuid)
        .get(usize::from(uid))
        .copied()
        .unwrap_or(false)
}

/// True if some uid appears twice (`has_duplicate_uids`).
pub fn has_duplicate_uids(uids: &[u16]) -> bool {
    let mut seen = uids.to_vec();
    seen.sort_unstable();
    seen.windows(2).any(|w| w.first() == w.get(1))
}

/// True if some uid is not taken on the subnet (`contains_invalid_uids`).
pub fn contains_invalid_uids(st: &Overlay<'_>, netuid: NetUid, uids: &[u16]) -> bool {
    uids.iter().any(|uid| !uid_exists(st, netuid, *uid))
}

/// Enough weights (`check_length`): a self-weight off root, or at least
/// `min(SubnetworkN, MinAllowedWeights)` entries.
pub fn check_length(
    st: &Overlay<'_>,
    netuid: NetUid,
    uid: Uid,
    uids: &[u16],
    values: &[u16],
) -> bool {
    let n = usize::from(SUBNETWORK_N.get(st, &netuid));
    let min_allowed = n.min(usize::from(MIN_ALLOWED_WEIGHTS.get(st, &netuid)));
    if netuid != ROOT_NETUID && is_self_weight(uid, uids, values) {
        return true;
    }
    values.len() >= min_allowed
}

/// No more uids than the subnet has neurons (`check_len_uids_within_allowed`).
pub fn check_len_uids_within_allowed(st: &Overlay<'_>, netuid: NetUid, uids: &[u16]) -> bool {
    uids.len() <= usize::from(SUBNETWORK_N.get(st, &netuid))
}
