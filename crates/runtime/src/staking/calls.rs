//! The staking extrinsics (protocol.md §5.3–§5.5, §5.8, §5.10; call indices in §11), each in
//! the reference's order of checks and writes (`ST/staking/{add_stake,remove_stake,
//! move_stake,recycle_alpha}.rs`, `ST/macros/dispatches.rs:2048-2090`).
//!
//! Every function takes the signing coldkey and runs inside the dispatcher's transactional
//! layer: an error leaves no trace.

use agora_primitives::AccountId;

use crate::accounts::{hotkey_account_exists, owner_of};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::state::Overlay;
use crate::storage::{
    AUTO_STAKE_DESTINATION, AUTO_STAKE_DESTINATION_COLDKEYS, NetUid, ROOT_NETUID, SUBNET_ALPHA_IN,
    SUBNET_ALPHA_OUT, SUBNET_TAO, SUBTOKEN_ENABLED, UIDS,
};
use crate::subnets::subnet_exists;
use crate::swap::{self, MAX_PRICE, MIN_PRICE};

use super::validate::{
    Transition, ensure_subtoken_enabled, validate_add_stake, validate_remove_stake,
    validate_stake_transition,
};
use super::{
    DEFAULT_MIN_STAKE, alpha, burn_subnet_alpha, clear_small_nomination_if_required,
    decrease_stake_for_hotkey_and_coldkey_on_subnet, info, maybe_become_delegate,
    recycle_subnet_alpha, stake_into_subnet, transfer_stake_within_subnet, unstake_from_subnet,
};

/// Dynamic subnets refuse more TAO than 1 000 × their TAO reserve
/// (`ensure_add_stake_input_within_swap_limit`, `InsufficientLiquidity`).
fn ensure_add_input_within_limit(st: &Overlay<'_>, netuid: NetUid, amount: u64) -> DispatchResult {
    if netuid != ROOT_NETUID && swap::is_dynamic(st, netuid) {
        let max = SUBNET_TAO
            .get(st, &netuid)
            .saturating_mul(swap::MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
        ensure(amount <= max, Error::InsufficientLiquidity)?;
    }
    Ok(())
}

/// Dynamic subnets refuse more alpha than 1 000 × their alpha reserve
/// (`ensure_remove_stake_input_within_swap_limit`, `InsufficientLiquidity`).
fn ensure_remove_input_within_limit(
    st: &Overlay<'_>,
    netuid: NetUid,
    amount: u64,
) -> DispatchResult {
    if netuid != ROOT_NETUID && swap::is_dynamic(st, netuid) {
        let max = SUBNET_ALPHA_IN
            .get(st, &netuid)
            .saturating_mul(swap::MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
        ensure(amount <= max, Error::InsufficientLiquidity)?;
    }
    Ok(())
}

/// After an unstake: if the hotkey's total stake value fell below `StakeThreshold`, its
/// pending childkey requests on every subnet are dropped (`ST/staking/remove_stake.rs:85-89`).
fn after_unstake_pending_children(st: &mut Overlay<'_>, hotkey: &AccountId) {
    crate::childkeys::remove_pending_children_if_below_threshold(st, hotkey);
}

/// `add_stake(hotkey, netuid, amount)` (call 2): stakes `amount` TAO at any price.
/// Returns the alpha bought.
pub fn add_stake(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
) -> Result<u64, Error> {
    ensure_add_input_within_limit(&ctx.st, netuid, amount)?;
    validate_add_stake(&ctx.st, coldkey, hotkey, netuid, amount, amount, false)?;
    stake_into_subnet(ctx, hotkey, coldkey, netuid, amount, MAX_PRICE, false)
}

/// `add_stake_limit(hotkey, netuid, amount, limit_price, allow_partial)` (call 88): stakes at
/// most what keeps the price below `limit_price` (rao per alpha); with `allow_partial` the
/// rest is not staked, without it the call fails (`SlippageTooHigh`). A nominator's stake
/// makes the hotkey a delegate. Returns the alpha bought.
pub fn add_stake_limit(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
    limit_price: u64,
    allow_partial: bool,
) -> Result<u64, Error> {
    ensure_add_input_within_limit(&ctx.st, netuid, amount)?;
    let max_amount = swap::get_max_amount_add(&ctx.st, netuid, limit_price)?;
    let possible = amount.min(max_amount);
    validate_add_stake(
        &ctx.st,
        coldkey,
        hotkey,
        netuid,
        amount,
        max_amount,
        allow_partial,
    )?;
    if owner_of(&ctx.st, hotkey).unwrap_or_default() != *coldkey {
        maybe_become_delegate(&mut ctx.st, hotkey);
    }
    stake_into_subnet(ctx, hotkey, coldkey, netuid, possible, limit_price, false)
}

/// `remove_stake(hotkey, netuid, amount)` (call 3): sells `amount` alpha (capped at the
/// coldkey's stake) at any price.
pub fn remove_stake(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
) -> DispatchResult {
    ensure_subtoken_enabled(&ctx.st, netuid)?;
    let amount = amount.min(alpha(&ctx.st, hotkey, coldkey, netuid));
    ensure_remove_input_within_limit(&ctx.st, netuid, amount)?;
    validate_remove_stake(&ctx.st, coldkey, hotkey, netuid, amount, amount, false)?;
    unstake_from_subnet(ctx, hotkey, coldkey, netuid, amount, MIN_PRICE, false)?;
    clear_small_nomination_if_required(ctx, hotkey, coldkey, netuid);
    after_unstake_pending_children(&mut ctx.st, hotkey);
    Ok(())
}

/// `remove_stake_limit(hotkey, netuid, amount, limit_price, allow_partial)` (call 89): sells
/// at most what keeps the price above `limit_price`. Unlike `remove_stake` the amount is not
/// capped at the stake and the subtoken is not checked, as in the reference.
pub fn remove_stake_limit(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
    limit_price: u64,
    allow_partial: bool,
) -> DispatchResult {
    ensure_remove_input_within_limit(&ctx.st, netuid, amount)?;
    let max_amount = swap::get_max_amount_remove(&ctx.st, netuid, limit_price)?;
    let possible = amount.min(max_amount);
    validate_remove_stake(
        &ctx.st,
        coldkey,
        hotkey,
        netuid,
        amount,
        max_amount,
        allow_partial,
    )?;
    unstake_from_subnet(ctx, hotkey, coldkey, netuid, possible, limit_price, false)?;
    clear_small_nomination_if_required(ctx, hotkey, coldkey, netuid);
    after_unstake_pending_children(&mut ctx.st, hotkey);
    Ok(())
}

/// `remove_stake_full_limit(hotkey, netuid, limit_price)` (call 103): the whole position,
/// through `remove_stake_limit` (no partial fill) with a limit, else `remove_stake`.
pub fn remove_stake_full_limit(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    limit_price: Option<u64>,
) -> DispatchResult {
    let amount = alpha(&ctx.st, hotkey, coldkey, netuid);
    match limit_price {
        Some(limit) => remove_stake_limit(ctx, coldkey, hotkey, netuid, amount, limit, false),
        None => remove_stake(ctx, coldkey, hotkey, netuid, amount),
    }
}

/// Sells the coldkey's whole position on every enabled subnet (root too unless `only_alpha`)
/// where it validates; others are skipped silently. Returns the TAO received.
fn unstake_everywhere(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    only_alpha: bool,
) -> Result<u64, Error> {
    ensure(
        hotkey_account_exists(&ctx.st, hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    let mut total: u64 = 0;
    for netuid in crate::storage::NETWORKS_ADDED.keys(&ctx.st) {
        if !SUBTOKEN_ENABLED.get(&ctx.st, &netuid) || (only_alpha && netuid == ROOT_NETUID) {
            continue;
        }
        let amount = alpha(&ctx.st, hotkey, coldkey, netuid);
        if validate_remove_stake(&ctx.st, coldkey, hotkey, netuid, amount, amount, false).is_err() {
            continue;
        }
        if amount != 0 {
            let tao = unstake_from_subnet(ctx, hotkey, coldkey, netuid, amount, MIN_PRICE, false)?;
            total = total.saturating_add(tao);
            clear_small_nomination_if_required(ctx, hotkey, coldkey, netuid);
        }
    }
    Ok(total)
}

/// `unstake_all(hotkey)` (call 83): sells the coldkey's stake on `hotkey` on every enabled
/// subnet, root included.
pub fn unstake_all(ctx: &mut Ctx<'_>, coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult {
    unstake_everywhere(ctx, coldkey, hotkey, false).map(|_| ())
}

/// `unstake_all_alpha(hotkey)` (call 84): sells the stake on every enabled non-root subnet
/// and stakes the TAO received on root under the same hotkey (`AmountTooLow` if nothing was
/// sold).
pub fn unstake_all_alpha(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
) -> DispatchResult {
    let total = unstake_everywhere(ctx, coldkey, hotkey, true)?;
    stake_into_subnet(ctx, hotkey, coldkey, ROOT_NETUID, total, MAX_PRICE, false).map(|_| ())
}

/// `transition_stake_internal`: the common body of move, transfer and swap. Same subnet:
/// shares change owner without a swap. Across subnets: sold on the origin (fee-free if it is
/// root), TAO handed to the destination coldkey, and bought on the destination (fee-free
/// unless the origin was root) if it is at least `DefaultMinStake` — exactly one swap fee.
/// Returns the TAO value moved.
fn transition_stake(
    ctx: &mut Ctx<'_>,
    t: &Transition<'_>,
    amount: u64,
    limit_price: Option<u64>,
    allow_partial: Option<bool>,
    check_transfer_toggle: bool,
) -> Result<u64, Error> {
    let available = alpha(&ctx.st, t.origin_hotkey, t.origin_coldkey, t.origin_netuid);
    let amount = amount.min(available);
    let cross = t.origin_netuid != t.destination_netuid;
    let max_amount = match (cross, limit_price) {
        (true, Some(limit)) => {
            swap::get_max_amount_move(&ctx.st, t.origin_netuid, t.destination_netuid, limit)?
        }
        _ => amount,
    };
    validate_stake_transition(
        &ctx.st,
        t,
        amount,
        max_amount,
        allow_partial,
        check_transfer_toggle,
    )?;
    let move_amount = amount.min(max_amount);
    if !cross {
        return transfer_stake_within_subnet(
            ctx,
            (t.origin_coldkey, t.origin_hotkey),
            (t.destination_coldkey, t.destination_hotkey),
            t.origin_netuid,
            move_amount,
        );
    }
    let drop_fee_origin = t.origin_netuid == ROOT_NETUID;
    let tao = unstake_from_subnet(
        ctx,
        t.origin_hotkey,
        t.origin_coldkey,
        t.origin_netuid,
        move_amount,
        MIN_PRICE,
        drop_fee_origin,
    )?;
    if t.origin_coldkey != t.destination_coldkey {
        crate::balances::transfer(ctx, t.origin_coldkey, t.destination_coldkey, tao, false)?;
    }
    if tao >= DEFAULT_MIN_STAKE {
        if owner_of(&ctx.st, t.destination_hotkey).unwrap_or_default() != *t.destination_coldkey {
            maybe_become_delegate(&mut ctx.st, t.destination_hotkey);
        }
        stake_into_subnet(
            ctx,
            t.destination_hotkey,
            t.destination_coldkey,
            t.destination_netuid,
            tao,
            MAX_PRICE,
            !drop_fee_origin,
        )?;
    }
    Ok(tao)
}

/// `move_stake(origin_hotkey, destination_hotkey, origin_netuid, destination_netuid, amount)`
/// (call 85). Emits `StakeMoved`.
pub fn move_stake(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    (origin_hotkey, destination_hotkey): (&AccountId, &AccountId),
    (origin_netuid, destination_netuid): (NetUid, NetUid),
    amount: u64,
) -> DispatchResult {
    let t = Transition {
        origin_coldkey: coldkey,
        destination_coldkey: coldkey,
        origin_hotkey,
        destination_hotkey,
        origin_netuid,
        destination_netuid,
    };
    let tao = transition_stake(ctx, &t, amount, None, None, false)?;
    ctx.deposit(SubtensorEvent::StakeMoved(
        *coldkey,
        *origin_hotkey,
        origin_netuid,
        *destination_hotkey,
        destination_netuid,
        tao,
    ));
    Ok(())
}

/// `transfer_stake(destination_coldkey, hotkey, origin_netuid, destination_netuid, amount)`
/// (call 86); needs `TransferToggle` on both subnets. Emits `StakeTransferred`.
pub fn transfer_stake(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    destination_coldkey: &AccountId,
    hotkey: &AccountId,
    (origin_netuid, destination_netuid): (NetUid, NetUid),
    amount: u64,
) -> DispatchResult {
    let t = Transition {
        origin_coldkey: coldkey,
        destination_coldkey,
        origin_hotkey: hotkey,
        destination_hotkey: hotkey,
        origin_netuid,
        destination_netuid,
    };
    let tao = transition_stake(ctx, &t, amount, None, None, true)?;
    ctx.deposit(SubtensorEvent::StakeTransferred(
        *coldkey,
        *destination_coldkey,
        *hotkey,
        origin_netuid,
        destination_netuid,
        tao,
    ));
    Ok(())
}

/// `swap_stake(hotkey, origin_netuid, destination_netuid, amount)` (call 87) and
/// `swap_stake_limit(…, limit_price, allow_partial)` (call 90), the limit being the lowest
/// acceptable `p(origin) / p(destination)` ×10^9. Emits `StakeSwapped`.
pub fn swap_stake(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    (origin_netuid, destination_netuid): (NetUid, NetUid),
    amount: u64,
    limit: Option<(u64, bool)>,
) -> DispatchResult {
    let t = Transition {
        origin_coldkey: coldkey,
        destination_coldkey: coldkey,
        origin_hotkey: hotkey,
        destination_hotkey: hotkey,
        origin_netuid,
        destination_netuid,
    };
    let tao = transition_stake(
        ctx,
        &t,
        amount,
        limit.map(|(p, _)| p),
        limit.map(|(_, partial)| partial),
        false,
    )?;
    ctx.deposit(SubtensorEvent::StakeSwapped(
        *coldkey,
        *hotkey,
        origin_netuid,
        destination_netuid,
        tao,
    ));
    Ok(())
}

/// The common checks of `recycle_alpha` and `burn_alpha`: subnet exists, not root
/// (`CannotBurnOrRecycleOnRootSubnet`), enabled, hotkey exists; the amount is capped at the
/// stake and must be covered by `SubnetAlphaOut` (`InsufficientLiquidity`) and be available
/// (`StakeUnavailable`). Removes the stake and returns the amount.
fn take_alpha_out(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    amount: u64,
    netuid: NetUid,
) -> Result<u64, Error> {
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetNotExists)?;
    ensure(
        netuid != ROOT_NETUID,
        Error::CannotBurnOrRecycleOnRootSubnet,
    )?;
    ensure_subtoken_enabled(&ctx.st, netuid)?;
    ensure(
        hotkey_account_exists(&ctx.st, hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    let amount = amount.min(alpha(&ctx.st, hotkey, coldkey, netuid));
    ensure(
        SUBNET_ALPHA_OUT.get(&ctx.st, &netuid) >= amount,
        Error::InsufficientLiquidity,
    )?;
    info::ensure_available_to_unstake(&ctx.st, coldkey, netuid, amount)?;
    decrease_stake_for_hotkey_and_coldkey_on_subnet(&mut ctx.st, hotkey, coldkey, netuid, amount);
    Ok(amount)
}

/// `recycle_alpha(hotkey, amount, netuid)` (call 101): removes stake and the alpha from
/// issuance (`SubnetAlphaOut` falls). Emits `AlphaRecycled`; returns the amount.
pub fn recycle_alpha(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    amount: u64,
    netuid: NetUid,
) -> Result<u64, Error> {
    let amount = take_alpha_out(ctx, coldkey, hotkey, amount, netuid)?;
    recycle_subnet_alpha(&mut ctx.st, netuid, amount);
    ctx.deposit(SubtensorEvent::AlphaRecycled(
        *coldkey, *hotkey, amount, netuid,
    ));
    Ok(amount)
}

/// `burn_alpha(hotkey, amount, netuid)` (call 102): removes stake; issuance is unchanged and
/// `AlphaBurned` grows. Emits `AlphaBurned`; returns the amount.
pub fn burn_alpha(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    amount: u64,
    netuid: NetUid,
) -> Result<u64, Error> {
    let amount = take_alpha_out(ctx, coldkey, hotkey, amount, netuid)?;
    burn_subnet_alpha(&mut ctx.st, netuid, amount);
    ctx.deposit(SubtensorEvent::AlphaBurned(
        *coldkey, *hotkey, amount, netuid,
    ));
    Ok(amount)
}

/// `add_stake_burn(hotkey, netuid, amount, limit)` (call 132): `add_stake` (or
/// `add_stake_limit` without partial fill) and then `burn_alpha` of the alpha bought, as one
/// unit. Emits `AddStakeBurn`.
pub fn add_stake_burn(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
    limit: Option<u64>,
) -> DispatchResult {
    let bought = match limit {
        Some(l) => add_stake_limit(ctx, coldkey, hotkey, netuid, amount, l, false)?,
        None => add_stake(ctx, coldkey, hotkey, netuid, amount)?,
    };
    burn_alpha(ctx, coldkey, hotkey, bought, netuid)?;
    ctx.deposit(SubtensorEvent::AddStakeBurn {
        netuid,
        hotkey: *hotkey,
        amount,
        alpha: bought,
    });
    Ok(())
}

/// `set_coldkey_auto_stake_hotkey(netuid, hotkey)` (call 114, §5.8): the coldkey's miner
/// incentive on `netuid` is staked to `hotkey`, which must be registered there
/// (`HotKeyNotRegisteredInSubNet`) and differ from the current choice
/// (`SameAutoStakeHotkeyAlreadySet`). Emits `AutoStakeDestinationSet`.
pub fn set_coldkey_auto_stake_hotkey(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    netuid: NetUid,
    hotkey: &AccountId,
) -> DispatchResult {
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetNotExists)?;
    ensure(
        UIDS.contains(&ctx.st, &(netuid, *hotkey)),
        Error::HotKeyNotRegisteredInSubNet,
    )?;
    if let Some(current) = AUTO_STAKE_DESTINATION.try_get(&ctx.st, &(*coldkey, netuid)) {
        ensure(current != *hotkey, Error::SameAutoStakeHotkeyAlreadySet)?;
        AUTO_STAKE_DESTINATION_COLDKEYS.mutate(&mut ctx.st, &(current, netuid), |v| {
            v.retain(|c| c != coldkey)
        });
    }
    AUTO_STAKE_DESTINATION.insert(&mut ctx.st, &(*coldkey, netuid), hotkey);
    AUTO_STAKE_DESTINATION_COLDKEYS.mutate(&mut ctx.st, &(*hotkey, netuid), |v| {
        if !v.contains(coldkey) {
            v.push(*coldkey);
        }
    });
    ctx.deposit(SubtensorEvent::AutoStakeDestinationSet {
        coldkey: *coldkey,
        netuid,
        hotkey: *hotkey,
    });
    Ok(())
}
