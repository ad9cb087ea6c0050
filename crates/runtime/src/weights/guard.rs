//! The reference's pre-dispatch guards for weight calls from a signed origin
//! (`ST/guards/check_weights.rs` `CheckWeights`, `ST/guards/check_rate_limits.rs`
//! `CheckRateLimits`), run by the entry points in `super` before the pallet logic.
//!
//! The reference runtime installs both as `frame_system` dispatch extensions (in that order,
//! `runtime/src/lib.rs` `DispatchExtension`), so on the real chain their errors come first:
//! e.g. a `set_weights` below the stake threshold fails with `NotEnoughStakeToSetWeights`
//! even when commit-reveal is on, and a reveal whose hash is in the queue but outside its
//! reveal epoch (expired included) fails with `RevealTooEarly`. The reference's own unit tests
//! call the pallet functions directly and skip these guards; our `do_*` functions are those.

use agora_primitives::AccountId;

use super::checks::{check_rate_limit, check_weights_min_stake, commit_reveal_enabled};
use super::commit_reveal::{commit_hash, is_reveal_epoch};
use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{MechId, NetUid, UIDS, WEIGHT_COMMITS, netuid_index};

/// `CheckWeights::ensure_min_stake` on one subnet.
pub fn min_stake(st: &Overlay<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
    ensure(
        check_weights_min_stake(st, who, netuid),
        Error::NotEnoughStakeToSetWeights,
    )
}

/// `CheckWeights` min stake on every listed subnet (the batch calls).
pub fn min_stake_all(st: &Overlay<'_>, who: &AccountId, netuids: &[NetUid]) -> DispatchResult {
    netuids.iter().try_for_each(|n| min_stake(st, who, *n))
}

/// `CheckRateLimits::check_weights_rate_limit`: only for a hotkey registered on the subnet;
/// fails with `err` when [`check_rate_limit`] does (which includes a mechanism that does not
/// exist).
pub fn rate_limit(
    st: &Overlay<'_>,
    who: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    now: u64,
    err: Error,
) -> DispatchResult {
    let Some(uid) = UIDS.try_get(st, &(netuid, *who)) else {
        return Ok(());
    };
    ensure(
        check_rate_limit(st, netuid_index(netuid, mecid), uid, now),
        err,
    )
}

/// `CheckRateLimits` for `set_weights` / `set_mechanism_weights`: applies only while
/// commit-reveal is off.
pub fn set_weights_rate_limit(
    st: &Overlay<'_>,
    who: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    now: u64,
) -> DispatchResult {
    if commit_reveal_enabled(st, netuid) {
        return Ok(());
    }
    rate_limit(st, who, netuid, mecid, now, Error::SettingWeightsTooFast)
}

/// `CheckWeights::check_reveal`: the hash must be in the hotkey's queue (expired entries
/// included; else `NoWeightsCommitFound`) and the current epoch must be its reveal epoch
/// (`RevealTooEarly`).
#[expect(clippy::too_many_arguments, reason = "the reference call's arguments")]
pub fn check_reveal(
    st: &Overlay<'_>,
    who: &AccountId,
    netuid: NetUid,
    idx: u16,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
    now: u64,
) -> DispatchResult {
    let queue = WEIGHT_COMMITS
        .try_get(st, &(idx, *who))
        .ok_or(Error::NoWeightsCommitFound)?;
    let hash = commit_hash(who, idx, uids, values, salt, version_key);
    let commit_epoch = queue
        .iter()
        .find(|c| c.hash == hash)
        .map(|c| c.commit_epoch)
        .ok_or(Error::NoWeightsCommitFound)?;
    ensure(
        is_reveal_epoch(st, netuid, commit_epoch, now),
        Error::RevealTooEarly,
    )
}

/// `CheckWeights::check_batch_reveal` (main mechanism): [`check_reveal`] for every item.
#[expect(clippy::too_many_arguments, reason = "the reference call's arguments")]
pub fn check_batch_reveal(
    st: &Overlay<'_>,
    who: &AccountId,
    netuid: NetUid,
    uids_list: &[Vec<u16>],
    values_list: &[Vec<u16>],
    salts_list: &[Vec<u16>],
    version_keys: &[u64],
    now: u64,
) -> DispatchResult {
    let count = uids_list.len();
    ensure(
        count == values_list.len() && count == salts_list.len() && count == version_keys.len(),
        Error::InputLengthsUnequal,
    )?;
    let idx = netuid_index(netuid, 0);
    let queue = WEIGHT_COMMITS
        .try_get(st, &(idx, *who))
        .ok_or(Error::NoWeightsCommitFound)?;
    for (((uids, values), salt), &vk) in uids_list
        .iter()
        .zip(values_list)
        .zip(salts_list)
        .zip(version_keys)
    {
        let hash = commit_hash(who, idx, uids, values, salt, vk);
        let commit_epoch = queue
            .iter()
            .find(|c| c.hash == hash)
            .map(|c| c.commit_epoch)
            .ok_or(Error::NoWeightsCommitFound)?;
        ensure(
            is_reveal_epoch(st, netuid, commit_epoch, now),
            Error::RevealTooEarly,
        )?;
    }
    Ok(())
}
