//! Delegate take (protocol.md §5.6, `ST/staking/increase_take.rs`,
//! `ST/staking/decrease_take.rs`, `ST/utils/misc.rs:339-353`,
//! `ST/utils/rate_limiting.rs:264-271`).
//!
//! The owner of a hotkey sets its take within `[MinDelegateTake, MaxDelegateTake]`. Raising
//! it needs more than `TxDelegateTakeRateLimit` blocks since the last change; lowering it is
//! immediate but also records the block, so a later raise waits the full period. The
//! "strictly higher/lower" rule applies only once an explicit take is stored.

use agora_primitives::AccountId;

use crate::accounts::{coldkey_owns_hotkey, hotkey_account_exists};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::state::Overlay;
use crate::storage::{
    DELEGATES, LAST_TX_BLOCK_DELEGATE_TAKE, MAX_DELEGATE_TAKE, MIN_DELEGATE_TAKE,
    TX_DELEGATE_TAKE_RATE_LIMIT,
};

/// `do_take_checks`: the hotkey exists and `coldkey` owns it.
fn take_checks(st: &Overlay<'_>, coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult {
    ensure(
        hotkey_account_exists(st, hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    ensure(
        coldkey_owns_hotkey(st, coldkey, hotkey),
        Error::NonAssociatedColdKey,
    )
}

/// `exceeds_tx_delegate_take_rate_limit`: never for a zero limit or no previous change;
/// otherwise while `now − last ≤ limit`.
fn exceeds_take_rate_limit(st: &Overlay<'_>, last: u64, now: u64) -> bool {
    let limit = TX_DELEGATE_TAKE_RATE_LIMIT.get(st);
    limit != 0 && last != 0 && now.saturating_sub(last) <= limit
}

/// `increase_take` (`do_increase_take`). Event `TakeIncreased(coldkey, hotkey, take)`.
pub fn increase_take(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    take: u16,
) -> DispatchResult {
    take_checks(&ctx.st, coldkey, hotkey)?;
    if let Some(current) = DELEGATES.try_get(&ctx.st, hotkey) {
        ensure(take > current, Error::DelegateTakeTooLow)?;
    }
    ensure(
        take <= MAX_DELEGATE_TAKE.get(&ctx.st),
        Error::DelegateTakeTooHigh,
    )?;
    let now = ctx.block;
    let last = LAST_TX_BLOCK_DELEGATE_TAKE.get(&ctx.st, hotkey);
    ensure(
        !exceeds_take_rate_limit(&ctx.st, last, now),
        Error::DelegateTxRateLimitExceeded,
    )?;
    LAST_TX_BLOCK_DELEGATE_TAKE.insert(&mut ctx.st, hotkey, &now);
    DELEGATES.insert(&mut ctx.st, hotkey, &take);
    ctx.deposit(SubtensorEvent::TakeIncreased(*coldkey, *hotkey, take));
    Ok(())
}

/// `decrease_take` (`do_decrease_take`); both "not lower" and "below the minimum" are
/// `DelegateTakeTooLow`, as in the reference. Event `TakeDecreased(coldkey, hotkey, take)`.
pub fn decrease_take(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    take: u16,
) -> DispatchResult {
    take_checks(&ctx.st, coldkey, hotkey)?;
    if let Some(current) = DELEGATES.try_get(&ctx.st, hotkey) {
        ensure(take < current, Error::DelegateTakeTooLow)?;
    }
    ensure(
        take >= MIN_DELEGATE_TAKE.get(&ctx.st),
        Error::DelegateTakeTooLow,
    )?;
    DELEGATES.insert(&mut ctx.st, hotkey, &take);
    let now = ctx.block;
    LAST_TX_BLOCK_DELEGATE_TAKE.insert(&mut ctx.st, hotkey, &now);
    ctx.deposit(SubtensorEvent::TakeDecreased(*coldkey, *hotkey, take));
    Ok(())
}
