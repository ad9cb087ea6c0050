//! Weights (protocol.md §8, yuma.md §10–11): `set_weights` with every check, the batches,
//! hash commit-reveal (v2), and the commit-reveal mask the epoch reads.
//!
//! Layers, as in the reference:
//! - the entry points below are what a signed extrinsic reaches: first the reference's
//!   pre-dispatch guards for weight calls ([`guard`]: `CheckWeights` then `CheckRateLimits`,
//!   which the reference runtime runs as dispatch extensions), then the call body;
//! - [`set`] and [`commit_reveal`] hold the pallet functions (`do_set_weights`,
//!   `do_commit_weights`, `do_reveal_weights`, ...), each atomic on its own;
//! - [`checks`] holds the predicates both are built from.
//!
//! Weight rows live in `Weights[netuid_index][uid]` as `(uid, value)` pairs in the order the
//! caller gave, values max-upscaled so the row maximum is 65 535. `LastUpdate` is written by
//! `set_weights` only while commit-reveal is off, and by every commit.

pub mod checks;
pub mod commit_reveal;
pub mod guard;
pub mod set;

#[cfg(test)]
mod tests;

use agora_primitives::AccountId;

pub use commit_reveal::{
    MAX_UNREVEALED_COMMITS, commit_hash, current_epoch_with_lookahead, is_commit_expired,
    is_reveal_epoch,
};
pub use set::max_upscale;

use crate::ctx::Ctx;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{MechId, NetUid, netuid_index};

/// `set_weights` / `set_mechanism_weights` (§8.1) from `hotkey`: the guards (minimum stake,
/// then the rate limit while commit-reveal is off), `CommitRevealEnabled` if commit-reveal is
/// on, then [`set::do_set_weights`].
pub fn set_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    uids: &[u16],
    values: &[u16],
    version_key: u64,
) -> DispatchResult {
    guard::min_stake(&ctx.st, hotkey, netuid)?;
    guard::set_weights_rate_limit(&ctx.st, hotkey, netuid, mecid, ctx.block)?;
    if checks::commit_reveal_enabled(&ctx.st, netuid) {
        return Err(Error::CommitRevealEnabled);
    }
    set::do_set_weights(ctx, hotkey, netuid, mecid, uids, values, version_key)
}

/// `batch_set_weights` (§8.2) from `hotkey`: the guards (equal lengths, minimum stake on
/// every listed subnet), then [`set::do_batch_set_weights`].
pub fn batch_set_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuids: &[NetUid],
    weights: &[Vec<(u16, u16)>],
    version_keys: &[u64],
) -> DispatchResult {
    if netuids.len() != weights.len() || netuids.len() != version_keys.len() {
        return Err(Error::InputLengthsUnequal);
    }
    guard::min_stake_all(&ctx.st, hotkey, netuids)?;
    set::do_batch_set_weights(ctx, hotkey, netuids, weights, version_keys)
}

/// `commit_weights` / `commit_mechanism_weights` (§8.4) from `hotkey`: the guards (minimum
/// stake, commit rate limit), then [`commit_reveal::do_commit_weights`].
pub fn commit_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    hash: [u8; 32],
) -> DispatchResult {
    guard::min_stake(&ctx.st, hotkey, netuid)?;
    guard::rate_limit(
        &ctx.st,
        hotkey,
        netuid,
        mecid,
        ctx.block,
        Error::CommittingWeightsTooFast,
    )?;
    commit_reveal::do_commit_weights(ctx, hotkey, netuid, mecid, hash)
}

/// `batch_commit_weights` (§8.4) from `hotkey`: the guards (equal lengths, minimum stake on
/// every listed subnet), then [`commit_reveal::do_batch_commit_weights`].
pub fn batch_commit_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuids: &[NetUid],
    hashes: &[[u8; 32]],
) -> DispatchResult {
    if netuids.len() != hashes.len() {
        return Err(Error::InputLengthsUnequal);
    }
    guard::min_stake_all(&ctx.st, hotkey, netuids)?;
    commit_reveal::do_batch_commit_weights(ctx, hotkey, netuids, hashes)
}

/// `reveal_weights` / `reveal_mechanism_weights` (§8.4) from `hotkey`: the guards (minimum
/// stake, the hash is queued and in its reveal epoch), then
/// [`commit_reveal::do_reveal_weights`].
#[expect(clippy::too_many_arguments, reason = "the reference call's arguments")]
pub fn reveal_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> DispatchResult {
    guard::min_stake(&ctx.st, hotkey, netuid)?;
    guard::check_reveal(
        &ctx.st,
        hotkey,
        netuid,
        netuid_index(netuid, mecid),
        uids,
        values,
        salt,
        version_key,
        ctx.block,
    )?;
    commit_reveal::do_reveal_weights(ctx, hotkey, netuid, mecid, uids, values, salt, version_key)
}

/// `batch_reveal_weights` (§8.4) from `hotkey`: the guards (equal lengths, minimum stake,
/// every hash queued and in its reveal epoch), then [`commit_reveal::do_batch_reveal_weights`].
pub fn batch_reveal_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    uids_list: &[Vec<u16>],
    values_list: &[Vec<u16>],
    salts_list: &[Vec<u16>],
    version_keys: &[u64],
) -> DispatchResult {
    let count = uids_list.len();
    if count != values_list.len() || count != salts_list.len() || count != version_keys.len() {
        return Err(Error::InputLengthsUnequal);
    }
    guard::min_stake(&ctx.st, hotkey, netuid)?;
    guard::check_batch_reveal(
        &ctx.st,
        hotkey,
        netuid,
        uids_list,
        values_list,
        salts_list,
        version_keys,
        ctx.block,
    )?;
    commit_reveal::do_batch_reveal_weights(
        ctx,
        hotkey,
        netuid,
        uids_list,
        values_list,
        salts_list,
        version_keys,
    )
}

/// The epoch's commit-reveal mask input (yuma.md §3.6 W4): `Some` per-uid earliest live
/// commit block (`u64::MAX` for none) when commit-reveal is enabled, else `None`. See
/// [`commit_reveal::commit_blocks`].
pub fn commit_blocks(
    st: &Overlay<'_>,
    netuid: NetUid,
    mecid: MechId,
    now: u64,
) -> Option<Vec<u64>> {
    commit_reveal::commit_blocks(st, netuid, mecid, now)
}
