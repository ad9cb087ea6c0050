//! Owner controls of the epoch schedule (protocol.md §3.8, §9.2,
//! `ST/coinbase/tempo_control.rs:12-115`, rate limits `ST/utils/rate_limiting.rs`).
//!
//! - `set_tempo`: owner only, `[MIN_TEMPO, MAX_TEMPO]`, admin window open, once per
//!   `MIN_TEMPO` blocks per (owner, subnet); restarts the cycle (`LastEpochBlock = now`).
//! - `set_activity_cutoff_factor`: owner (window + owner hyperparameter rate limit) or root
//!   (bypasses both), `[1 000, 50 000]`.
//! - `trigger_epoch`: owner only, commit-reveal off, no trigger pending, the next automatic
//!   epoch at least `AdminFreezeWindow` blocks away, owner hyperparameter rate limit; the
//!   epoch fires `AdminFreezeWindow` blocks later.
//!
//! Rate limits pass on the first use (last block 0) or once `now − last ≥ limit`.

use agora_primitives::AccountId;

use crate::block::blocks_until_next_auto_epoch;
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::governance::{ensure_admin_window_open, ensure_subnet_owner_or_root};
use crate::state::{Map, Overlay};
use crate::storage::*;
use crate::types::Origin;

use super::ensure_owner_origin;

/// Smallest tempo an owner may set (`MinTempo`), also `set_tempo`'s cooldown in blocks.
pub const MIN_TEMPO: u16 = 360;
/// Largest tempo an owner may set (`MaxTempo`).
pub const MAX_TEMPO: u16 = 50_400;
/// Smallest activity cutoff factor (thousandths of a tempo).
pub const MIN_ACTIVITY_CUTOFF_FACTOR_MILLI: u32 = 1_000;
/// Largest activity cutoff factor.
pub const MAX_ACTIVITY_CUTOFF_FACTOR_MILLI: u32 = 50_000;
/// `Hyperparameter::ActivityCutoffFactorMilli` (owner rate-limit key).
pub const HYPERPARAM_ACTIVITY_CUTOFF_FACTOR_MILLI: u16 = 30;
/// `Hyperparameter::TriggerEpoch` (owner rate-limit key).
pub const HYPERPARAM_TRIGGER_EPOCH: u16 = 31;

/// (netuid, owner coldkey) → last block the owner set the tempo (the reference's
/// `TransactionKeyLastBlock` entry of `TransactionType::TempoUpdate`). Netuid first so
/// dissolution clears it by prefix.
pub const TEMPO_LAST_SET: Map<(NetUid, AccountId), u64> =
    Map::new("TransactionKeyLastBlock.TempoUpdate", || 0);

/// True if a rate-limited action last done at `last` may run at `now`.
fn passes_rate_limit(limit: u64, now: u64, last: u64) -> bool {
    last == 0 || now.saturating_sub(last) >= limit
}

/// The owner hyperparameter rate limit of `netuid`: `OwnerHyperparamRateLimit` tempos.
fn owner_hyperparam_limit(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    u64::from(TEMPO.get(st, &netuid)).saturating_mul(u64::from(OWNER_HYPERPARAM_RATE_LIMIT.get(st)))
}

/// `TxRateLimitExceeded` unless the owner hyperparameter `param` may be set now.
fn ensure_owner_hyperparam_rate(
    st: &Overlay<'_>,
    netuid: NetUid,
    param: u16,
    now: u64,
) -> DispatchResult {
    let last = LAST_HYPERPARAM_SET.get(st, &(netuid, param));
    ensure(
        passes_rate_limit(owner_hyperparam_limit(st, netuid), now, last),
        Error::TxRateLimitExceeded,
    )
}

/// Owner-side `set_tempo` (`do_set_tempo`). Errors in order: `BadOrigin` (not the owner),
/// `TempoOutOfBounds`, `AdminActionProhibitedDuringWeightsWindow`, `TxRateLimitExceeded`.
/// Emits `TempoSet`.
pub fn set_tempo(ctx: &mut Ctx<'_>, who: &AccountId, netuid: NetUid, tempo: u16) -> DispatchResult {
    ensure_owner_origin(&ctx.st, who, netuid)?;
    ensure(
        (MIN_TEMPO..=MAX_TEMPO).contains(&tempo),
        Error::TempoOutOfBounds,
    )?;
    let now = ctx.block;
    ensure_admin_window_open(&ctx.st, netuid, now)?;
    let last = TEMPO_LAST_SET.get(&ctx.st, &(netuid, *who));
    ensure(
        passes_rate_limit(u64::from(MIN_TEMPO), now, last),
        Error::TxRateLimitExceeded,
    )?;
    TEMPO.insert(&mut ctx.st, &netuid, &tempo);
    ctx.deposit(SubtensorEvent::TempoSet(netuid, tempo));
    LAST_EPOCH_BLOCK.insert(&mut ctx.st, &netuid, &now);
    TEMPO_LAST_SET.insert(&mut ctx.st, &(netuid, *who), &now);
    Ok(())
}

/// `set_activity_cutoff_factor` (`do_set_activity_cutoff_factor`). Errors in order:
/// `BadOrigin` (neither owner nor root), `ActivityCutoffFactorMilliOutOfBounds`, then for
/// the owner only `AdminActionProhibitedDuringWeightsWindow` and `TxRateLimitExceeded`.
/// Like the reference, the subnet's existence is not checked. Emits
/// `ActivityCutoffFactorMilliSet`.
pub fn set_activity_cutoff_factor(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    netuid: NetUid,
    factor_milli: u32,
) -> DispatchResult {
    let owner = ensure_subnet_owner_or_root(&ctx.st, origin, netuid)?;
    ensure(
        (MIN_ACTIVITY_CUTOFF_FACTOR_MILLI..=MAX_ACTIVITY_CUTOFF_FACTOR_MILLI)
            .contains(&factor_milli),
        Error::ActivityCutoffFactorMilliOutOfBounds,
    )?;
    let now = ctx.block;
    let param = HYPERPARAM_ACTIVITY_CUTOFF_FACTOR_MILLI;
    if owner.is_some() {
        ensure_admin_window_open(&ctx.st, netuid, now)?;
        ensure_owner_hyperparam_rate(&ctx.st, netuid, param, now)?;
    }
    ACTIVITY_CUTOFF_FACTOR_MILLI.insert(&mut ctx.st, &netuid, &factor_milli);
    ctx.deposit(SubtensorEvent::ActivityCutoffFactorMilliSet {
        netuid,
        factor_milli,
    });
    if owner.is_some() {
        LAST_HYPERPARAM_SET.insert(&mut ctx.st, &(netuid, param), &now);
    }
    Ok(())
}

/// Owner-side `trigger_epoch` (`do_trigger_epoch`). Errors in order: `BadOrigin`,
/// `DynamicTempoBlockedByCommitReveal`, `EpochTriggerAlreadyPending`,
/// `AutoEpochAlreadyImminent`, `TxRateLimitExceeded`. Sets `PendingEpochAt = now +
/// AdminFreezeWindow` and emits `EpochTriggered`.
pub fn trigger_epoch(ctx: &mut Ctx<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
    ensure_owner_origin(&ctx.st, who, netuid)?;
    ensure(
        !COMMIT_REVEAL_WEIGHTS_ENABLED.get(&ctx.st, &netuid),
        Error::DynamicTempoBlockedByCommitReveal,
    )?;
    ensure(
        PENDING_EPOCH_AT.get(&ctx.st, &netuid) == 0,
        Error::EpochTriggerAlreadyPending,
    )?;
    let now = ctx.block;
    let window = u64::from(ADMIN_FREEZE_WINDOW.get(&ctx.st));
    ensure(
        blocks_until_next_auto_epoch(&ctx.st, netuid, now) >= window,
        Error::AutoEpochAlreadyImminent,
    )?;
    ensure_owner_hyperparam_rate(&ctx.st, netuid, HYPERPARAM_TRIGGER_EPOCH, now)?;
    let fires_at = now.saturating_add(window);
    PENDING_EPOCH_AT.insert(&mut ctx.st, &netuid, &fires_at);
    LAST_HYPERPARAM_SET.insert(&mut ctx.st, &(netuid, HYPERPARAM_TRIGGER_EPOCH), &now);
    ctx.deposit(SubtensorEvent::EpochTriggered {
        netuid,
        by: *who,
        fires_at,
    });
    Ok(())
}
