//! Childkeys (protocol.md §5.7, `ST/staking/set_children.rs`, `ST/staking/stake_utils.rs:205-452`):
//! a parent hotkey lends proportions (`u64` fractions of `2^64 − 1`) of its stake on one subnet
//! to up to five child hotkeys; children pay their parents' dividends less a childkey take.
//!
//! Split by concern:
//! - [`relations`]: loading, validating and persisting one hotkey's parent/child relations
//!   (the reference's `PCRelations`), and moving them in a hotkey swap;
//! - [`set`]: the calls — `set_children` (scheduled behind a cooldown once the subnet has
//!   started, applied at once before), the pending-set application at the subnet's epoch slot,
//!   `set_childkey_take`, the root-only setters, auto parent delegation of root validators to a
//!   new subnet's owner hotkey, and the clean-up of pending sets when a parent's stake falls;
//! - [`inherited`]: inherited alpha and root stake and the stake weight built from them, as the
//!   epoch, the weights checks and the metagraph read them.
//!
//! # Storage
//! Items keep the reference's names. Maps the reference keys `(hotkey, netuid)` are keyed
//! `(netuid, hotkey)` here, so dissolving a subnet clears them by prefix; the values are the
//! reference's. `ChildKeys[(i, p)]` lists `(proportion, child)` sorted by child account (the
//! reference persists its `BTreeMap` order); `ParentKeys[(i, c)]` lists `(proportion, parent)`.
//!
//! # Invariants
//! - `ChildKeys` and `ParentKeys` mirror each other: `(q, c) ∈ ChildKeys[(i, p)]` iff
//!   `(q, p) ∈ ParentKeys[(i, c)]`; every write goes through [`relations::persist`].
//! - No hotkey is its own child, no hotkey is both a parent and a child of another (no
//!   2-cycles), and a parent's proportions sum to at most `2^64 − 1`.
//! - Nothing here exists on root (netuid 0).

use agora_primitives::AccountId;

use crate::governance::rate_limits::TRANSACTION_KEY_LAST_BLOCK;
use crate::state::{Map, Overlay};
use crate::storage::{MAX_CHILDKEY_TAKE, MIN_CHILDKEY_TAKE, MIN_CHILDKEY_TAKE_PER_SUBNET, NetUid};

pub mod inherited;
pub mod relations;
pub mod set;
#[cfg(test)]
mod tests;

pub use inherited::{
    StakeWeights, inherited_alpha, inherited_tao, stake_weight, stake_weights_for_hotkey,
    stake_weights_for_hotkeys, stake_weights_for_network, tao_weight, total_stake_for_hotkey,
};
pub use set::{
    apply_pending_childkeys, remove_pending_children_if_below_threshold,
    set_auto_parent_delegation_enabled, set_childkey_take, set_children,
    set_pending_childkey_cooldown, set_root_validators_for_subnet, sudo_set_max_childkey_take,
    sudo_set_min_childkey_take, sudo_set_tx_childkey_take_rate_limit, try_set_pending_children,
};

/// A list of `(proportion, hotkey)` edges, as the reference stores them.
pub type Edges = Vec<(u64, AccountId)>;

/// `(netuid, parent)` → `(proportion, child)` list (`ChildKeys`).
pub const CHILD_KEYS: Map<(NetUid, AccountId), Edges> = Map::new("ChildKeys", Vec::new);
/// `(netuid, child)` → `(proportion, parent)` list (`ParentKeys`).
pub const PARENT_KEYS: Map<(NetUid, AccountId), Edges> = Map::new("ParentKeys", Vec::new);
/// `(netuid, parent)` → the scheduled children and the block after which they may be applied
/// (`PendingChildKeys`).
pub const PENDING_CHILD_KEYS: Map<(NetUid, AccountId), (Edges, u64)> =
    Map::new("PendingChildKeys", || (Vec::new(), 0));
/// `(netuid, hotkey)` → childkey take (`ChildkeyTake`; default 0, floored by the minimum).
pub const CHILDKEY_TAKE: Map<(NetUid, AccountId), u16> = Map::new("ChildkeyTake", || 0);
/// Root validator hotkey → whether it becomes a parent of every new subnet's owner hotkey
/// (`AutoParentDelegationEnabled`, default true).
pub const AUTO_PARENT_DELEGATION_ENABLED: Map<AccountId, bool> =
    Map::new("AutoParentDelegationEnabled", || true);
/// Hotkey → legacy last childkey-take change (`LastTxBlockChildKeyTake`); nothing reads it
/// for gating at this commit of the reference, but hotkey swaps move it.
pub const LAST_TX_BLOCK_CHILD_KEY_TAKE: Map<AccountId, u64> =
    Map::new("LastTxBlockChildKeyTake", || 0);

/// Blocks between two `set_children` calls for one (hotkey, netuid)
/// (`TransactionType::SetChildren`, `ST/utils/rate_limiting.rs:27`).
pub const SET_CHILDREN_RATE_LIMIT: u64 = 150;
/// Most children one parent may have on one subnet.
pub const MAX_CHILDREN: usize = 5;
/// `TransactionType` id of `SetChildren` in `TransactionKeyLastBlock`.
pub const TX_SET_CHILDREN: u16 = 0;
/// `TransactionType` id of `SetChildkeyTake` in `TransactionKeyLastBlock`.
pub const TX_SET_CHILDKEY_TAKE: u16 = 1;

/// The children of `hotkey` on `netuid` as stored: `(proportion, child)` (`get_children`).
pub fn children(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> Edges {
    CHILD_KEYS.get(st, &(netuid, *hotkey))
}

/// The parents of `hotkey` on `netuid` as stored: `(proportion, parent)` (`get_parents`).
pub fn parents(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> Edges {
    PARENT_KEYS.get(st, &(netuid, *hotkey))
}

/// `max(MinChildkeyTake, MinChildkeyTakePerSubnet[netuid])` (`get_effective_min_childkey_take`).
pub fn effective_min_childkey_take(st: &Overlay<'_>, netuid: NetUid) -> u16 {
    MIN_CHILDKEY_TAKE
        .get(st)
        .max(MIN_CHILDKEY_TAKE_PER_SUBNET.get(st, &netuid))
}

/// `MaxChildkeyTake` (`get_max_childkey_take`).
pub fn max_childkey_take(st: &Overlay<'_>) -> u16 {
    MAX_CHILDKEY_TAKE.get(st)
}

/// The childkey take `hotkey` keeps of its parents' dividends on `netuid`: the stored take,
/// floored by the effective minimum (`get_childkey_take`).
pub fn childkey_take(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u16 {
    CHILDKEY_TAKE
        .get(st, &(netuid, *hotkey))
        .max(effective_min_childkey_take(st, netuid))
}

/// Removes every childkey item of a dissolved subnet: relations, pending sets, takes, and the
/// subnet's `TransactionKeyLastBlock` marks (which `set_children` and `set_childkey_take`
/// write) — the reference's `remove_network` steps 19 and 21 for these maps.
pub fn remove_network(st: &mut Overlay<'_>, netuid: NetUid) {
    CHILD_KEYS.clear_prefix(st, &netuid);
    PARENT_KEYS.clear_prefix(st, &netuid);
    PENDING_CHILD_KEYS.clear_prefix(st, &netuid);
    CHILDKEY_TAKE.clear_prefix(st, &netuid);
    for key in TRANSACTION_KEY_LAST_BLOCK.keys(st) {
        if key.1 == netuid {
            TRANSACTION_KEY_LAST_BLOCK.remove(st, &key);
        }
    }
}
