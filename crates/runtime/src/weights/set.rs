//! Setting weights directly (protocol.md §8.1–8.2, yuma.md §10; `ST/subnets/weights.rs`
//! `internal_set_weights`, `do_batch_set_weights`).
//!
//! [`do_set_weights`] is the pallet function: every check in the reference's order, then the
//! max-upscaled row is stored. It does not look at the commit-reveal switch except to skip the
//! rate limit and the `LastUpdate` write when commit-reveal is on — that is how a reveal
//! reuses it. Refusing a plain `set_weights` while commit-reveal is on is the call's job
//! (see `super::set_weights`).
//!
//! Invariant: the function writes only after every check has passed, so an error leaves
//! nothing behind even outside a transaction.

use agora_primitives::AccountId;

use super::checks::{
    check_len_uids_within_allowed, check_length, check_rate_limit, check_validator_permit,
    check_version_key, check_weights_min_stake, commit_reveal_enabled, contains_invalid_uids,
    ensure_mechanism_exists, has_duplicate_uids, is_registered, set_last_update_for_uid, uid_of,
};
use crate::ctx::{Ctx, ensure};
use crate::epoch::math::vec_u16_max_upscale_to_u16;
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::storage::{MechId, NetUid, ROOT_NETUID, WEIGHTS, netuid_index};

/// Max-upscales a weight row so its largest value becomes 65 535 (`vec_u16_max_upscale_to_u16`,
/// `ST/epoch/math.rs`), with the reference's I32F32 arithmetic: for a maximum `m > 32 768`
/// each value is multiplied by the truncated quotient `65535 / m`, otherwise `v · 65535` is
/// divided by `m`; both then round half away from zero. An all-zero row stays zero.
pub fn max_upscale(values: &[u16]) -> Vec<u16> {
    vec_u16_max_upscale_to_u16(values)
}

/// `do_set_mechanism_weights` / `internal_set_weights`: checks in the reference's order,
/// stores `Weights[netuid_index][uid]` as `(uid, upscaled value)` pairs in the given order,
/// sets `LastUpdate` when commit-reveal is off and emits `WeightsSet(netuid_index, uid)`.
///
/// The max-weight-limit check of the reference (its step 15) is omitted: the limit is the
/// constant `u16::MAX` (`ST/utils/misc.rs:532-535`), so it always passes.
pub fn do_set_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    mecid: MechId,
    uids: &[u16],
    values: &[u16],
    version_key: u64,
) -> DispatchResult {
    let idx = netuid_index(netuid, mecid);
    let st = &ctx.st;
    ensure(netuid != ROOT_NETUID, Error::CanNotSetRootNetworkWeights)?;
    ensure(uids.len() == values.len(), Error::WeightVecNotEqualSize)?;
    ensure_mechanism_exists(st, netuid, mecid)?;
    ensure(
        check_len_uids_within_allowed(st, netuid, uids),
        Error::UidsLengthExceedUidsInSubNet,
    )?;
    ensure(
        is_registered(st, netuid, hotkey),
        Error::HotKeyNotRegisteredInSubNet,
    )?;
    ensure(
        check_weights_min_stake(st, hotkey, netuid),
        Error::NotEnoughStakeToSetWeights,
    )?;
    ensure(
        check_version_key(st, netuid, version_key),
        Error::IncorrectWeightVersionKey,
    )?;
    let uid = uid_of(st, netuid, hotkey)?;
    let now = ctx.block;
    let cr_on = commit_reveal_enabled(st, netuid);
    if !cr_on {
        ensure(
            check_rate_limit(st, idx, uid, now),
            Error::SettingWeightsTooFast,
        )?;
    }
    ensure(
        check_validator_permit(st, netuid, uid, uids, values),
        Error::NeuronNoValidatorPermit,
    )?;
    ensure(!has_duplicate_uids(uids), Error::DuplicateUids)?;
    ensure(
        !contains_invalid_uids(st, netuid, uids),
        Error::UidVecContainInvalidOne,
    )?;
    ensure(
        check_length(st, netuid, uid, uids, values),
        Error::WeightVecLengthIsLow,
    )?;

    let upscaled = max_upscale(values);
    let row: Vec<(u16, u16)> = uids.iter().copied().zip(upscaled).collect();
    WEIGHTS.insert(&mut ctx.st, &(idx, uid), &row);
    if !cr_on {
        set_last_update_for_uid(&mut ctx.st, idx, uid, now);
    }
    ctx.deposit(SubtensorEvent::WeightsSet(idx, uid));
    Ok(())
}

/// `do_batch_set_weights` (§8.2): `InputLengthsUnequal` unless the three lists match; then
/// each item is a main-mechanism `set_weights` in its own transaction (an item refused
/// because commit-reveal is on fails with `CommitRevealEnabled`). Failures do not fail the
/// call: after the items, one `BatchCompletedWithErrors` and a `BatchWeightItemFailed` per
/// failed item are emitted, and always `BatchWeightsCompleted(netuids, hotkey)` last.
pub fn do_batch_set_weights(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuids: &[NetUid],
    weights: &[Vec<(u16, u16)>],
    version_keys: &[u64],
) -> DispatchResult {
    ensure(
        netuids.len() == weights.len() && netuids.len() == version_keys.len(),
        Error::InputLengthsUnequal,
    )?;
    let mut results: Vec<(NetUid, DispatchResult)> = Vec::with_capacity(netuids.len());
    for ((&netuid, row), &version_key) in netuids.iter().zip(weights).zip(version_keys) {
        let result = if commit_reveal_enabled(&ctx.st, netuid) {
            Err(Error::CommitRevealEnabled)
        } else {
            let uids: Vec<u16> = row.iter().map(|(u, _)| *u).collect();
            let values: Vec<u16> = row.iter().map(|(_, v)| *v).collect();
            ctx.transactional(|ctx| {
                do_set_weights(ctx, hotkey, netuid, 0, &uids, &values, version_key)
            })
        };
        results.push((netuid, result));
    }
    report_batch(ctx, hotkey, netuids, results);
    Ok(())
}

/// The batch epilogue shared by the weight and commit batches: error events after all items
/// ran, in item order, then `BatchWeightsCompleted`.
pub(super) fn report_batch(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    netuids: &[NetUid],
    results: Vec<(NetUid, DispatchResult)>,
) {
    let mut reported = false;
    for (netuid, result) in results {
        if let Err(err) = result {
            if !reported {
                ctx.deposit(SubtensorEvent::BatchCompletedWithErrors);
                reported = true;
            }
            ctx.deposit(SubtensorEvent::BatchWeightItemFailed(netuid, err));
        }
    }
    ctx.deposit(SubtensorEvent::BatchWeightsCompleted(
        netuids.to_vec(),
        *hotkey,
    ));
}
