//! Weights (protocol.md §8, yuma.md §10–11): set_weights with every check, batches, and hash
//! commit-reveal, plus the commit-reveal mask the epoch reads.

use agora_primitives::AccountId;

use crate::ctx::Ctx;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{MechId, NetUid};

/// `set_weights` / `set_mechanism_weights` (§8.1).
pub fn set_weights(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuid: NetUid,
    _mecid: MechId,
    _uids: &[u16],
    _values: &[u16],
    _version_key: u64,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `batch_set_weights` (§8.2).
pub fn batch_set_weights(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuids: &[NetUid],
    _weights: &[Vec<(u16, u16)>],
    _version_keys: &[u64],
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `commit_weights` / `commit_mechanism_weights` (§8.4).
pub fn commit_weights(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuid: NetUid,
    _mecid: MechId,
    _hash: [u8; 32],
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `batch_commit_weights` (§8.4).
pub fn batch_commit_weights(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuids: &[NetUid],
    _hashes: &[[u8; 32]],
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `reveal_weights` / `reveal_mechanism_weights` (§8.4).
#[allow(clippy::too_many_arguments, reason = "the reference call's arguments")]
pub fn reveal_weights(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuid: NetUid,
    _mecid: MechId,
    _uids: &[u16],
    _values: &[u16],
    _salt: &[u16],
    _version_key: u64,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `batch_reveal_weights` (§8.4).
pub fn batch_reveal_weights(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuid: NetUid,
    _uids_list: &[Vec<u16>],
    _values_list: &[Vec<u16>],
    _salts_list: &[Vec<u16>],
    _version_keys: &[u64],
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// The epoch's commit-reveal mask input (yuma.md §3.6 W4): `Some` per-uid earliest live
/// commit block (`u64::MAX` for none) when commit-reveal is enabled, else `None`.
pub fn commit_blocks(
    _st: &Overlay<'_>,
    _netuid: NetUid,
    _mecid: MechId,
    _now: u64,
) -> Option<Vec<u64>> {
    None
}
