//! The childkey calls and their block-time application (`ST/staking/set_children.rs:457-870`,
//! `ST/coinbase/block_step.rs:38-47`, `ST/macros/dispatches.rs`).
//!
//! `set_children` checks in the reference's order (rate limit, not root, subnet exists,
//! ownership, duplicates, consistency of the new set — self-loop, count, sum, 2-cycles — and
//! the parent's stake), records the rate-limit block, then applies the set at once if the
//! subnet has not started (`SubtokenEnabled` false) or schedules it in `PendingChildKeys` for
//! `now + PendingChildKeyCooldown`. A scheduled set is applied by [`apply_pending_childkeys`]
//! in the first block after its cooldown in which the subnet's epoch slot fires; a set that
//! has become inconsistent by then is dropped without an event.

use std::collections::BTreeSet;

use agora_primitives::AccountId;
use agora_primitives::hashing::blake2_128;

use crate::accounts::coldkey_owns_hotkey;
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::governance::rate_limits::TRANSACTION_KEY_LAST_BLOCK;
use crate::state::Overlay;
use crate::storage::{
    KEYS, LAST_EPOCH_BLOCK, MAX_CHILDKEY_TAKE, MIN_CHILDKEY_TAKE, NETWORKS_ADDED, NetUid, OWNER,
    PENDING_CHILDKEY_COOLDOWN, ROOT_NETUID, STAKE_THRESHOLD, SUBNET_OWNER_HOTKEY, SUBTOKEN_ENABLED,
    TX_CHILDKEY_TAKE_RATE_LIMIT, UIDS,
};
use crate::subnets::subnet_exists;

use super::relations::{Relations, persist};
use super::{
    AUTO_PARENT_DELEGATION_ENABLED, CHILDKEY_TAKE, PENDING_CHILD_KEYS, SET_CHILDREN_RATE_LIMIT,
    TX_SET_CHILDKEY_TAKE, TX_SET_CHILDREN, childkey_take, effective_min_childkey_take,
    max_childkey_take, total_stake_for_hotkey,
};

/// `check_passes_rate_limit`: the first transaction (last = 0) always passes, later ones once
/// `now − last ≥ limit`.
fn passes_rate_limit(limit: u64, now: u64, last: u64) -> bool {
    last == 0 || now.saturating_sub(last) >= limit
}

fn last_block(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid, tx: u16) -> u64 {
    TRANSACTION_KEY_LAST_BLOCK.get(st, &(*hotkey, netuid, tx))
}

/// `set_children(hotkey, netuid, children)` signed by the hotkey's owner
/// (`do_schedule_children`). Errors, in order: `TxRateLimitExceeded` (150 blocks per
/// (hotkey, netuid)), `RegistrationNotPermittedOnRootSubnet`, `SubnetNotExists`,
/// `NonAssociatedColdKey`, `DuplicateChild`, `InvalidChild` (self), `TooManyChildren`,
/// `ProportionOverflow`, `ChildParentInconsistency` (a child is a parent of the hotkey),
/// `NotEnoughStakeToSetChildkeys` (total stake value below `StakeThreshold`, unless the list
/// is empty or the hotkey is the subnet's owner hotkey). Events: `SetChildren` when applied
/// at once, `SetChildrenScheduled` when scheduled.
pub fn set_children(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    children: Vec<(u64, AccountId)>,
) -> DispatchResult {
    let now = ctx.block;
    ensure(
        passes_rate_limit(
            SET_CHILDREN_RATE_LIMIT,
            now,
            last_block(&ctx.st, hotkey, netuid, TX_SET_CHILDREN),
        ),
        Error::TxRateLimitExceeded,
    )?;
    ensure(
        netuid != ROOT_NETUID,
        Error::RegistrationNotPermittedOnRootSubnet,
    )?;
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetNotExists)?;
    ensure(
        coldkey_owns_hotkey(&ctx.st, coldkey, hotkey),
        Error::NonAssociatedColdKey,
    )?;
    let mut seen = BTreeSet::new();
    for (_, child) in &children {
        ensure(seen.insert(*child), Error::DuplicateChild)?;
    }
    Relations::load(&ctx.st, hotkey, netuid)?.ensure_pending_consistency(&children)?;
    ensure(
        children.is_empty()
            || total_stake_for_hotkey(&ctx.st, hotkey) >= STAKE_THRESHOLD.get(&ctx.st)
            || SUBNET_OWNER_HOTKEY.try_get(&ctx.st, &netuid).as_ref() == Some(hotkey),
        Error::NotEnoughStakeToSetChildkeys,
    )?;
    TRANSACTION_KEY_LAST_BLOCK.insert(&mut ctx.st, &(*hotkey, netuid, TX_SET_CHILDREN), &now);

    // `schedule_or_apply_ck`.
    if !SUBTOKEN_ENABLED.get(&ctx.st, &netuid) {
        persist_pending_children_ok(ctx, netuid, hotkey, &children);
        return Ok(());
    }
    let cooldown_block = now.saturating_add(PENDING_CHILDKEY_COOLDOWN.get(&ctx.st));
    PENDING_CHILD_KEYS.insert(
        &mut ctx.st,
        &(netuid, *hotkey),
        &(children.clone(), cooldown_block),
    );
    ctx.deposit(SubtensorEvent::SetChildrenScheduled(
        *hotkey,
        netuid,
        cooldown_block,
        children,
    ));
    Ok(())
}

/// Applies `children` as `hotkey`'s children if that keeps the relations consistent, with
/// event `SetChildren`; otherwise does nothing (`persist_pending_chidren_ok`).
fn persist_pending_children_ok(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    hotkey: &AccountId,
    children: &[(u64, AccountId)],
) {
    if let Ok(rel) = Relations::from_pending(&ctx.st, hotkey, children, netuid) {
        persist(&mut ctx.st, &rel, netuid);
        ctx.deposit(SubtensorEvent::SetChildren(
            *hotkey,
            netuid,
            children.to_vec(),
        ));
    }
}

/// Applies every pending set of `netuid` whose cooldown block is before this block, or every
/// pending set if the subnet has not started, and removes them from `PendingChildKeys`
/// (`do_set_pending_children`). Called when the subnet's epoch slot fires.
pub fn apply_pending_childkeys(ctx: &mut Ctx<'_>, netuid: NetUid) {
    let now = ctx.block;
    let started = SUBTOKEN_ENABLED.get(&ctx.st, &netuid);
    let mut due: Vec<(AccountId, Vec<(u64, AccountId)>)> = PENDING_CHILD_KEYS
        .iter_prefix(&ctx.st, &netuid)
        .into_iter()
        .filter(|(_, (_, cooldown))| *cooldown < now || !started)
        .map(|(hotkey, (children, _))| (hotkey, children))
        .collect();
    // The reference iterates its `Blake2_128Concat`-keyed map: which of two conflicting sets
    // is applied first (and so survives) depends on this order.
    due.sort_by_cached_key(|(hotkey, _)| (blake2_128(&hotkey.0), *hotkey));
    for (hotkey, children) in &due {
        persist_pending_children_ok(ctx, netuid, hotkey, children);
    }
    for (hotkey, _) in due {
        PENDING_CHILD_KEYS.remove(&mut ctx.st, &(netuid, hotkey));
    }
}

/// Block step 7 (`try_set_pending_children`): for every subnet whose epoch slot fired in
/// this block (`LastEpochBlock == now`, after the coinbase), [`apply_pending_childkeys`].
pub fn try_set_pending_children(ctx: &mut Ctx<'_>) {
    let now = ctx.block;
    // `get_all_subnet_netuids` order: the `Identity` key, i.e. little-endian netuid bytes.
    let mut netuids = NETWORKS_ADDED.keys(&ctx.st);
    netuids.sort_by_key(|n| n.to_le_bytes());
    for netuid in netuids {
        if LAST_EPOCH_BLOCK.get(&ctx.st, &netuid) == now {
            apply_pending_childkeys(ctx, netuid);
        }
    }
}

/// Deletes every pending childkey set of `hotkey` if its total stake value is now below
/// `StakeThreshold` (`ST/staking/remove_stake.rs:85-89`); called after an unstake.
pub fn remove_pending_children_if_below_threshold(st: &mut Overlay<'_>, hotkey: &AccountId) {
    if total_stake_for_hotkey(st, hotkey) < STAKE_THRESHOLD.get(st) {
        for netuid in NETWORKS_ADDED.keys(st) {
            PENDING_CHILD_KEYS.remove(st, &(netuid, *hotkey));
        }
    }
}

/// `set_childkey_take(hotkey, netuid, take)` signed by the hotkey's owner
/// (`do_set_childkey_take`): `NonAssociatedColdKey`; `InvalidChildkeyTake` outside
/// `[effective minimum, MaxChildkeyTake]`; an increase over the current (effective) take needs
/// `TxChildkeyTakeRateLimit` blocks since the last change (`TxChildkeyTakeRateLimitExceeded`).
/// Records the block and emits `ChildKeyTakeSet(hotkey, take)`.
pub fn set_childkey_take(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    take: u16,
) -> DispatchResult {
    let now = ctx.block;
    ensure(
        coldkey_owns_hotkey(&ctx.st, coldkey, hotkey),
        Error::NonAssociatedColdKey,
    )?;
    ensure(
        take >= effective_min_childkey_take(&ctx.st, netuid) && take <= max_childkey_take(&ctx.st),
        Error::InvalidChildkeyTake,
    )?;
    if take > childkey_take(&ctx.st, hotkey, netuid) {
        ensure(
            passes_rate_limit(
                TX_CHILDKEY_TAKE_RATE_LIMIT.get(&ctx.st),
                now,
                last_block(&ctx.st, hotkey, netuid, TX_SET_CHILDKEY_TAKE),
            ),
            Error::TxChildkeyTakeRateLimitExceeded,
        )?;
    }
    TRANSACTION_KEY_LAST_BLOCK.insert(&mut ctx.st, &(*hotkey, netuid, TX_SET_CHILDKEY_TAKE), &now);
    CHILDKEY_TAKE.insert(&mut ctx.st, &(netuid, *hotkey), &take);
    ctx.deposit(SubtensorEvent::ChildKeyTakeSet(*hotkey, take));
    Ok(())
}

/// Root: `TxChildkeyTakeRateLimit` (event `TxChildKeyTakeRateLimitSet`). No bounds.
pub fn sudo_set_tx_childkey_take_rate_limit(ctx: &mut Ctx<'_>, limit: u64) {
    TX_CHILDKEY_TAKE_RATE_LIMIT.put(&mut ctx.st, &limit);
    ctx.deposit(SubtensorEvent::TxChildKeyTakeRateLimitSet(limit));
}

/// Root: `MinChildkeyTake` (event `MinChildKeyTakeSet`). No bounds, as in the reference.
pub fn sudo_set_min_childkey_take(ctx: &mut Ctx<'_>, take: u16) {
    MIN_CHILDKEY_TAKE.put(&mut ctx.st, &take);
    ctx.deposit(SubtensorEvent::MinChildKeyTakeSet(take));
}

/// Root: `MaxChildkeyTake` (event `MaxChildKeyTakeSet`). No bounds, as in the reference.
pub fn sudo_set_max_childkey_take(ctx: &mut Ctx<'_>, take: u16) {
    MAX_CHILDKEY_TAKE.put(&mut ctx.st, &take);
    ctx.deposit(SubtensorEvent::MaxChildKeyTakeSet(take));
}

/// Root: `PendingChildKeyCooldown` (no event, as in the reference).
pub fn set_pending_childkey_cooldown(ctx: &mut Ctx<'_>, cooldown: u64) {
    PENDING_CHILDKEY_COOLDOWN.put(&mut ctx.st, &cooldown);
}

/// `set_auto_parent_delegation_enabled(hotkey, enabled)` signed by the hotkey's owner, for a
/// hotkey registered on root: `NonAssociatedColdKey`, `HotKeyNotRegisteredInSubNet`; event
/// `AutoParentDelegationEnabledSet`.
pub fn set_auto_parent_delegation_enabled(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    enabled: bool,
) -> DispatchResult {
    ensure(
        coldkey_owns_hotkey(&ctx.st, coldkey, hotkey),
        Error::NonAssociatedColdKey,
    )?;
    ensure(
        UIDS.contains(&ctx.st, &(ROOT_NETUID, *hotkey)),
        Error::HotKeyNotRegisteredInSubNet,
    )?;
    AUTO_PARENT_DELEGATION_ENABLED.insert(&mut ctx.st, hotkey, &enabled);
    ctx.deposit(SubtensorEvent::AutoParentDelegationEnabledSet {
        hotkey: *hotkey,
        enabled,
    });
    Ok(())
}

/// Makes every root validator (in the reference's `Keys` order) that has not opted out a parent of `netuid`'s
/// owner hotkey with the full proportion, through [`set_children`] signed by the validator's
/// owner (`do_set_root_validators_for_subnet`, run by subnet registration). A validator whose
/// call fails (rate limit, too little stake, …) is skipped with nothing written.
pub fn set_root_validators_for_subnet(ctx: &mut Ctx<'_>, netuid: NetUid) -> DispatchResult {
    ensure(
        netuid != ROOT_NETUID,
        Error::RegistrationNotPermittedOnRootSubnet,
    )?;
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetNotExists)?;
    let owner_hotkey = SUBNET_OWNER_HOTKEY
        .try_get(&ctx.st, &netuid)
        .ok_or(Error::SubnetNotExists)?;
    // `Keys` iteration order: little-endian uid bytes (uid order below 256).
    let mut validators = KEYS.iter_prefix(&ctx.st, &ROOT_NETUID);
    validators.sort_by_key(|(uid, _)| uid.to_le_bytes());
    for (_, validator) in validators {
        if validator == owner_hotkey || !AUTO_PARENT_DELEGATION_ENABLED.get(&ctx.st, &validator) {
            continue;
        }
        let coldkey = OWNER.get(&ctx.st, &validator);
        let children = vec![(u64::MAX, owner_hotkey)];
        // A failed validator is skipped; its writes (none, in practice) are undone.
        let _ = ctx.transactional(|ctx| set_children(ctx, &coldkey, &validator, netuid, children));
    }
    Ok(())
}
