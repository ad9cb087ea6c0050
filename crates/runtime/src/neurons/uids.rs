//! Uid assignment (protocol.md §7.3).

use agora_primitives::AccountId;

use crate::state::Overlay;
use crate::storage::{
    BLOCK_AT_REGISTRATION, IS_NETWORK_MEMBER, KEYS, LAST_UPDATE, MECHANISM_COUNT_CURRENT, NetUid,
    SUBNETWORK_N, UIDS, Uid, netuid_index,
};

/// Appends `hotkey` as the next uid of `netuid` (the subnet must have room; callers check
/// `MaxAllowedUids`). Sets `LastUpdate[uid] = block` for every mechanism and
/// `BlockAtRegistration[uid] = block`. Returns the uid.
pub fn append_neuron(st: &mut Overlay<'_>, netuid: NetUid, hotkey: &AccountId, block: u64) -> Uid {
    let uid = SUBNETWORK_N.get(st, &netuid);
    KEYS.insert(st, &(netuid, uid), hotkey);
    UIDS.insert(st, &(netuid, *hotkey), &uid);
    IS_NETWORK_MEMBER.insert(st, &(*hotkey, netuid), &true);
    BLOCK_AT_REGISTRATION.insert(st, &(netuid, uid), &block);
    let mechanisms = MECHANISM_COUNT_CURRENT.get(st, &netuid).max(1);
    for mecid in 0..mechanisms {
        let idx = netuid_index(netuid, mecid);
        LAST_UPDATE.mutate(st, &idx, |v| {
            let at = usize::from(uid);
            if v.len() <= at {
                v.resize(at + 1, 0);
            }
            v[at] = block;
        });
    }
    SUBNETWORK_N.insert(st, &netuid, &uid.saturating_add(1));
    uid
}
