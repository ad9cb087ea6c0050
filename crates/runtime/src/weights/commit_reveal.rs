//! Hash commit-reveal of weights, version 2 (protocol.md §8.4–8.5, yuma.md §11.1, §11.3;
//! `ST/subnets/weights.rs:61-142, 451-725, 1255-1337`).
//!
//! A validator commits `blake2_256(SCALE(hotkey, netuid_index, uids, values, salt,
//! version_key))` ([`commit_hash`]) in epoch `e` and must reveal the preimage in epoch
//! exactly `e + RevealPeriodEpochs`; after that epoch the commit is expired. Epochs are the
//! stateful `SubnetEpochIndex` counter, plus one when the subnet's epoch fires in the current
//! block ([`current_epoch_with_lookahead`]), so a call in a fire block already belongs to the
//! epoch about to run.
//!
//! Invariants of a hotkey's queue `WeightCommits[netuid_index][hotkey]`: entries are in
//! commit order (so in non-decreasing `commit_epoch`), expired entries are only ever at the
//! front, at most 10 entries remain after a commit, and an empty queue is never stored.
//!
//! Out of scope: the drand time-lock queues (`TimelockedWeightCommits`, commit-reveal v3/v4,
//! yuma.md §11.2). This chain has no drand beacon to decrypt them, so the timelocked commit
//! calls and their automatic reveal are not implemented and [`commit_blocks`] reads only the
//! v2 queues.

use agora_primitives::AccountId;
use agora_primitives::hashing::blake2_256;
use parity_scale_codec::Encode;

use super::checks::{
    commit_reveal_enabled, ensure_mechanism_exists, is_registered, set_last_update_for_uid, uid_of,
};
use super::set::{do_set_weights, report_batch};
use crate::block::should_run_epoch;
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::state::Overlay;
use crate::storage::{
    KEYS, MechId, NetUid, REVEAL_PERIOD_EPOCHS, SUBNET_EPOCH_INDEX, SUBNETWORK_N, WEIGHT_COMMITS,
    netuid_index,
};
use crate::types::WeightCommit;

/// Most unrevealed commits a hotkey may hold per mechanism (`ST/subnets/weights.rs` step 8).
pub const MAX_UNREVEALED_COMMITS: usize = 10;

/// The commit hash a reveal must reproduce (`get_commit_hash`): BLAKE2-256 of the SCALE
/// encoding of `(hotkey, netuid_index, uids, values, salt, version_key)` — 32 account bytes,
/// `u16` LE, three compact-length-prefixed `u16` vectors, `u64` LE.
pub fn commit_hash(
    hotkey: &AccountId,
    netuid_index: u16,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> [u8; 32] {
    let preimage = (hotkey.0, netuid_index, uids, values, salt, version_key).encode();
    blake2_256(&preimage)
}

/// The epoch a commit or reveal in block `now` belongs to (§8.5): `SubnetEpochIndex`, plus
/// one if the subnet's epoch fires in `now`.
pub fn current_epoch_with_lookahead(st: &Overlay<'_>, netuid: NetUid, now: u64) -> u64 {
    let base = SUBNET_EPOCH_INDEX.get(st, &netuid);
    if should_run_epoch(st, netuid, now) {
        base.saturating_add(1)
    } else {
        base
    }
}

/// The current epoch is past the commit's reveal epoch (`is_commit_expired`).
pub fn is_commit_expired(st: &Overlay<'_>, netuid: NetUid, commit_epoch: u64, now: u64) -> bool {
    let period = REVEAL_PERIOD_EPOCHS.get(st, &netuid);
    current_epoch_with_lookahead(st, netuid, now) > commit_epoch.saturating_add(period)
}

/// The current epoch is exactly the commit's reveal epoch (`is_reveal_block_range`).
pub fn is_reveal_epoch(st: &Overlay<'_>, netuid: NetUid, commit_epoch: u64, now: u64) -> bool {
    let period = REVEAL_PERIOD_EPOCHS.get(st, &netuid);
    current_epoch_with_lookahead(st, netuid, now) == commit_epoch.saturating_add(period)
}

/// Removes expired entries from the front of `queue`, returning their hashes.
fn pop_expired(
    st: &Overlay<'_>,
    netuid: NetUid,
    queue: &mut Vec<WeightCommit>,
    now: u64,
) -> Vec<[u8; 32]> {
    let live_from = queue
        .iter()
        .position(|c| !is_commit_expired(st, netuid, c.commit_epoch, now))
        .unwrap_or(queue.len());
    queue.drain(..live_from).map(|c| c.hash).collect()
}

/// The error for a hash that matches no live commit: `ExpiredWeightCommit` if it matched one
/// just popped as expired, else `otherwise`.
fn unmatched(expired: &[[u8; 32]], hash: &[u8; 32], otherwise: Error) -> Error {
    if expired.contains(hash) {
        Error::ExpiredWeightCommit
    } else {
        otherwise
    }
}

/// Writes a queue back, removing the entry when it is empty.
fn store_queue(st: &mut Overlay<'_>, key: &(u16, AccountId), queue: &[WeightCommit]) {
    if queue.is_empty() {
        WEIGHT_COMMITS.remove(st, key);
    } else {
        WEIGHT_COMMITS.insert(st, key, &queue.to_vec());
    }
}

/// `internal_commit_weights`: mechanism exists (`MechanismDoesNotExist`), commit-reveal on
/// (`CommitRevealDisabled`), hotkey registered, weights rate limit on this mechanism
/// (`CommittingWeightsTooFast`); expired entries are dropped from the front of the queue, at
/// most 9 may remain (`TooManyUnrevealedCommits`); the commit is appended with the current
/// epoch and block, `WeightsCommitted` is emitted and `LastUpdate[uid] = now`.
pub fn do_commit_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    hash: [u8; 32],
) -> DispatchResult {
    ensure_mechanism_exists(&ctx.st, netuid, mecid)?;
    let idx = netuid_index(netuid, mecid);
    let st = &ctx.st;
    ensure(
        commit_reveal_enabled(st, netuid),
        Error::CommitRevealDisabled,
    )?;
    ensure(
        is_registered(st, netuid, hotkey),
        Error::HotKeyNotRegisteredInSubNet,
    )?;
    let now = ctx.block;
    let uid = uid_of(st, netuid, hotkey)?;
    ensure(
        super::checks::check_rate_limit(st, idx, uid, now),
        Error::CommittingWeightsTooFast,
    )?;
    let commit_epoch = current_epoch_with_lookahead(st, netuid, now);
    let key = (idx, *hotkey);
    let mut queue = WEIGHT_COMMITS.get(st, &key);
    pop_expired(st, netuid, &mut queue, now);
    ensure(
        queue.len() < MAX_UNREVEALED_COMMITS,
        Error::TooManyUnrevealedCommits,
    )?;
    queue.push(WeightCommit {
        hash,
        commit_epoch,
        commit_block: now,
        reveal_block: 0,
    });
    store_queue(&mut ctx.st, &key, &queue);
    ctx.deposit(SubtensorEvent::WeightsCommitted(*hotkey, idx, hash));
    set_last_update_for_uid(&mut ctx.st, idx, uid, now);
    Ok(())
}

/// `do_batch_commit_weights`: `InputLengthsUnequal` unless one hash per netuid; each item is
/// a main-mechanism commit in its own transaction; failures are reported as in
/// `batch_set_weights` and the call succeeds.
pub fn do_batch_commit_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuids: &[NetUid],
    hashes: &[[u8; 32]],
) -> DispatchResult {
    ensure(netuids.len() == hashes.len(), Error::InputLengthsUnequal)?;
    let mut results = Vec::with_capacity(netuids.len());
    for (&netuid, &hash) in netuids.iter().zip(hashes) {
        let result = ctx.transactional(|ctx| do_commit_weights(ctx, hotkey, netuid, 0, hash));
        results.push((netuid, result));
    }
    report_batch(ctx, hotkey, netuids, results);
    Ok(())
}

/// `internal_reveal_weights`: commit-reveal on (`CommitRevealDisabled`); the hotkey's queue
/// must exist (`NoWeightsCommitFound`); expired entries are dropped from its front; the
/// preimage's hash must match a live entry (else `ExpiredWeightCommit` if it matched a dropped
/// one, `NoWeightsCommitFound` if none is left, `InvalidRevealCommitHashNotMatch` otherwise);
/// the current epoch must be its reveal epoch (`RevealTooEarly`). Every entry up to and
/// including the match is removed and the weights go through [`do_set_weights`] (which, with
/// commit-reveal on, skips the rate limit and leaves `LastUpdate` alone); then
/// `WeightsRevealed`.
#[expect(clippy::too_many_arguments, reason = "the reference call's arguments")]
pub fn do_reveal_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> DispatchResult {
    let idx = netuid_index(netuid, mecid);
    let st = &ctx.st;
    ensure(
        commit_reveal_enabled(st, netuid),
        Error::CommitRevealDisabled,
    )?;
    let key = (idx, *hotkey);
    let mut queue = WEIGHT_COMMITS
        .try_get(st, &key)
        .ok_or(Error::NoWeightsCommitFound)?;
    let now = ctx.block;
    let expired = pop_expired(st, netuid, &mut queue, now);
    let hash = commit_hash(hotkey, idx, uids, values, salt, version_key);
    if queue.is_empty() {
        return Err(unmatched(&expired, &hash, Error::NoWeightsCommitFound));
    }
    let Some(position) = queue.iter().position(|c| c.hash == hash) else {
        return Err(unmatched(
            &expired,
            &hash,
            Error::InvalidRevealCommitHashNotMatch,
        ));
    };
    let commit_epoch = queue
        .get(position)
        .map(|c| c.commit_epoch)
        .ok_or(Error::NoWeightsCommitFound)?;
    ensure(
        is_reveal_epoch(st, netuid, commit_epoch, now),
        Error::RevealTooEarly,
    )?;
    queue.drain(..=position);
    // `do_set_weights` writes nothing unless it succeeds, so storing the queue after it keeps
    // this function atomic on its own, as the reference's `try_mutate_exists` is.
    do_set_weights(ctx, hotkey, netuid, mecid, uids, values, version_key)?;
    store_queue(&mut ctx.st, &key, &queue);
    ctx.deposit(SubtensorEvent::WeightsRevealed(*hotkey, idx, hash));
    Ok(())
}

/// `do_batch_reveal_weights` (main mechanism): the four lists must have one entry per reveal
/// (`InputLengthsUnequal`), then the checks of [`do_reveal_weights`] for every reveal before
/// any is applied; then each matched entry alone is removed from the queue and its weights
/// set, in list order. Emits `WeightsBatchRevealed(hotkey, netuid, hashes)`. Atomic: any
/// failure leaves nothing.
pub fn do_batch_reveal_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    uids_list: &[Vec<u16>],
    values_list: &[Vec<u16>],
    salts_list: &[Vec<u16>],
    version_keys: &[u64],
) -> DispatchResult {
    let count = uids_list.len();
    ensure(
        count == values_list.len() && count == salts_list.len() && count == version_keys.len(),
        Error::InputLengthsUnequal,
    )?;
    ensure(
        commit_reveal_enabled(&ctx.st, netuid),
        Error::CommitRevealDisabled,
    )?;
    let idx = netuid_index(netuid, 0);
    let key = (idx, *hotkey);
    let mut queue = WEIGHT_COMMITS
        .try_get(&ctx.st, &key)
        .ok_or(Error::NoWeightsCommitFound)?;
    let now = ctx.block;
    let expired = pop_expired(&ctx.st, netuid, &mut queue, now);

    let reveals: Vec<PendingReveal<'_>> = uids_list
        .iter()
        .zip(values_list)
        .zip(salts_list.iter().zip(version_keys))
        .map(|((uids, values), (salt, &vk))| {
            let hash = commit_hash(hotkey, netuid, uids, values, salt, vk);
            (uids.as_slice(), values.as_slice(), vk, hash)
        })
        .collect();

    for (_, _, _, hash) in &reveals {
        let Some(commit) = queue.iter().find(|c| c.hash == *hash) else {
            return Err(unmatched(
                &expired,
                hash,
                Error::InvalidRevealCommitHashNotMatch,
            ));
        };
        ensure(
            is_reveal_epoch(&ctx.st, netuid, commit.commit_epoch, now),
            Error::RevealTooEarly,
        )?;
    }

    ctx.transactional(|ctx| {
        let mut revealed = Vec::with_capacity(count);
        for (uids, values, vk, hash) in reveals {
            let Some(position) = queue.iter().position(|c| c.hash == hash) else {
                return Err(unmatched(
                    &expired,
                    &hash,
                    Error::InvalidRevealCommitHashNotMatch,
                ));
            };
            queue.remove(position);
            do_set_weights(ctx, hotkey, netuid, 0, uids, values, vk)?;
            revealed.push(hash);
        }
        store_queue(&mut ctx.st, &key, &queue);
        ctx.deposit(SubtensorEvent::WeightsBatchRevealed(
            *hotkey, netuid, revealed,
        ));
        Ok(())
    })
}

/// One reveal of a batch with its recomputed hash: `(uids, values, version_key, hash)`.
type PendingReveal<'a> = (&'a [u16], &'a [u16], u64, [u8; 32]);

/// The epoch's commit-reveal mask input (yuma.md §3.6 W4): `None` when commit-reveal is off
/// on the subnet; else, for every uid `0..SubnetworkN`, the commit block of the first
/// non-expired entry in the queue of the uid's hotkey for this mechanism, `u64::MAX` if it
/// has none. (Only v2 queues; see the module docs.)
pub fn commit_blocks(
    st: &Overlay<'_>,
    netuid: NetUid,
    mecid: MechId,
    now: u64,
) -> Option<Vec<u64>> {
    if !commit_reveal_enabled(st, netuid) {
        return None;
    }
    let idx = netuid_index(netuid, mecid);
    let n = SUBNETWORK_N.get(st, &netuid);
    let blocks = (0..n)
        .map(|uid| {
            KEYS.try_get(st, &(netuid, uid))
                .and_then(|hotkey| {
                    WEIGHT_COMMITS
                        .get(st, &(idx, hotkey))
                        .into_iter()
                        .find(|c| !is_commit_expired(st, netuid, c.commit_epoch, now))
                        .map(|c| c.commit_block)
                })
                .unwrap_or(u64::MAX)
        })
        .collect();
    Some(blocks)
}
