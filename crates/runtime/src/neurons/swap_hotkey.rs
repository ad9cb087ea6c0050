//! Hotkey swap, on every subnet or on one (protocol.md §7.7, `ST/swap/swap_hotkey.rs`).
//!
//! Moves everything keyed by the old hotkey that this runtime stores: ownership, the
//! `LastTxBlock`/`LastTxBlockDelegateTake` marks, delegate take, membership, uid, axon,
//! prometheus, certificate, weight commits and the subnet-owner-hotkey role; and — unless
//! `keep_stake` — the alpha positions with their `TotalHotkeyAlpha`, the dividend record
//! and the stakers' `StakingHotkeys`. Childkey state moves on every swapped subnet: the
//! childkey take, the parent/child relations (both directions), the hotkey's pending set and
//! other parents' pending sets naming it; on root (unless `keep_stake`) the
//! auto-parent-delegation flag. State the reference also moves but this runtime does not
//! have yet (locks, auto-stake destinations, voting power, root claims,
//! `TotalHotkeyAlphaLastEpoch`) comes with the issues that add it.
//!
//! The all-subnets form costs `KeySwapCost` and honours the per-subnet cooldown only where a
//! swap was recorded before; the one-subnet form costs `KeySwapOnSubnetCost` and always
//! requires `HotkeySwapOnSubnetInterval` blocks since the recorded swap (0 if none), so it
//! is refused during the first 7 200 blocks of the chain — exactly as in the reference.

use std::collections::BTreeSet;

use agora_primitives::AccountId;

use crate::accounts::{coldkey_owns_hotkey, hotkey_account_exists};
use crate::balances::{self, is_system_account};
use crate::childkeys::{
    self, AUTO_PARENT_DELEGATION_ENABLED, CHILDKEY_TAKE, LAST_TX_BLOCK_CHILD_KEY_TAKE,
};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::uids::{is_registered_anywhere, mechanism_indices};
use crate::state::Overlay;
use crate::storage::{
    ALPHA_DIVIDENDS_PER_SUBNET, ALPHA_V2, AUTO_STAKE_DESTINATION, AUTO_STAKE_DESTINATION_COLDKEYS,
    AXONS, DELEGATES, IS_NETWORK_MEMBER, KEYS, LAST_HOTKEY_SWAP_ON_NETUID, LAST_TX_BLOCK,
    LAST_TX_BLOCK_DELEGATE_TAKE, NETWORKS_ADDED, NEURON_CERTIFICATES, NetUid, OWNED_HOTKEYS, OWNER,
    PROMETHEUS, ROOT_NETUID, STAKING_HOTKEYS, SUBNET_OWNER_HOTKEY, TOTAL_HOTKEY_ALPHA,
    TX_RATE_LIMIT, UIDS, WEIGHT_COMMITS,
};
use crate::storage::{ROOT_CLAIMABLE, ROOT_CLAIMED};
use crate::{root_claims, staking};

/// Cost of an all-subnets hotkey swap and of a coldkey-swap announcement, recycled
/// (`KeySwapCost`, 0.1 TAO, `RT:1023`).
pub const KEY_SWAP_COST: u64 = 100_000_000;
/// Cost of a one-subnet hotkey swap, recycled (`KeySwapOnSubnetCost`, 0.001 TAO, `RT:1035`).
pub const KEY_SWAP_ON_SUBNET_COST: u64 = 1_000_000;
/// Blocks between hotkey swaps of one coldkey on one subnet (`HotkeySwapOnSubnetInterval`,
/// one day, `RT:1036`).
pub const HOTKEY_SWAP_ON_SUBNET_INTERVAL: u64 = 7_200;

/// `exceeds_tx_rate_limit`: never for a zero limit or no previous transaction; otherwise
/// while `now − last ≤ TxRateLimit`.
pub fn exceeds_tx_rate_limit(st: &Overlay<'_>, last: u64, now: u64) -> bool {
    let limit = TX_RATE_LIMIT.get(st);
    limit != 0 && last != 0 && now.saturating_sub(last) <= limit
}

/// Every added subnet, root included, in netuid order (`get_all_subnet_netuids`).
pub fn all_netuids(st: &Overlay<'_>) -> Vec<NetUid> {
    NETWORKS_ADDED.keys(st)
}

/// Moves `from_ck`'s whole stake on `from_hk` to `to_ck`'s stake on `to_hk` in `netuid` by
/// value, as the reference's key swaps do: the value of the old shares is removed from the
/// old pool and credited to the new one. No-op for an empty position.
pub fn move_position(
    st: &mut Overlay<'_>,
    (from_hk, from_ck): (&AccountId, &AccountId),
    (to_hk, to_ck): (&AccountId, &AccountId),
    netuid: NetUid,
) {
    let amount = staking::alpha(st, from_hk, from_ck, netuid);
    if amount == 0 {
        return;
    }
    staking::decrease_stake_for_hotkey_and_coldkey_on_subnet(st, from_hk, from_ck, netuid, amount);
    staking::increase_stake_for_hotkey_and_coldkey_on_subnet(st, to_hk, to_ck, netuid, amount);
}

/// Pays a hotkey-swap cost: `NotEnoughBalanceToPaySwapHotKey` if it exceeds the free balance,
/// `InsufficientBalance` if paying it would reap the account (`recycle_tao`).
fn pay_swap_cost(ctx: &mut Ctx<'_>, coldkey: &AccountId, cost: u64) -> DispatchResult {
    ensure(
        cost <= balances::free(&ctx.st, coldkey),
        Error::NotEnoughBalanceToPaySwapHotKey,
    )?;
    ensure(
        cost <= balances::spendable(&ctx.st, coldkey, true),
        Error::InsufficientBalance,
    )?;
    balances::recycle(ctx, coldkey, cost)
}

/// `swap_hotkey` / `swap_hotkey_v2` (`do_swap_hotkey`). Common checks in the reference's
/// order: caller owns `old` (`NonAssociatedColdKey`), `new` unowned or the caller's, `old ≠
/// new`, `TxRateLimit` since the caller's last key transaction, `new` not registered on the
/// target subnet(s), and — if root is touched — `new` has no root stake
/// (`NewHotKeyNotCleanForRootSwap`). Events `HotkeySwapped` / `HotkeySwappedOnSubnet`.
pub fn swap_hotkey(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    old: &AccountId,
    new: &AccountId,
    netuid: Option<NetUid>,
    keep_stake: bool,
) -> DispatchResult {
    let now = ctx.block;
    ensure(
        coldkey_owns_hotkey(&ctx.st, coldkey, old),
        Error::NonAssociatedColdKey,
    )?;
    if hotkey_account_exists(&ctx.st, new) {
        ensure(
            coldkey_owns_hotkey(&ctx.st, coldkey, new),
            Error::NonAssociatedColdKey,
        )?;
    }
    ensure(old != new, Error::NewHotKeyIsSameWithOld)?;
    ensure(
        !exceeds_tx_rate_limit(&ctx.st, LAST_TX_BLOCK.get(&ctx.st, coldkey), now),
        Error::HotKeySetTxRateLimitExceeded,
    )?;
    let registered = match netuid {
        // `is_hotkey_registered_on_specific_network` tests for an entry, whatever its value.
        Some(n) => IS_NETWORK_MEMBER.contains(&ctx.st, &(*new, n)),
        None => is_registered_anywhere(&ctx.st, new),
    };
    ensure(!registered, Error::HotKeyAlreadyRegisteredInSubNet)?;
    if netuid.is_none_or(|n| n == ROOT_NETUID) {
        // No root stake, no claimable rates and no claimed marks on root (§3.6).
        let claimed_on_root = ROOT_CLAIMED
            .iter_prefix1(&ctx.st, &ROOT_NETUID)
            .into_iter()
            .any(|((h, _), _)| h == *new);
        ensure(
            TOTAL_HOTKEY_ALPHA.get(&ctx.st, &(*new, ROOT_NETUID)) == 0
                && ROOT_CLAIMABLE.get(&ctx.st, new).is_empty()
                && !claimed_on_root,
            Error::NewHotKeyNotCleanForRootSwap,
        )?;
    }
    let last_tx = LAST_TX_BLOCK.get(&ctx.st, old);
    LAST_TX_BLOCK.insert(&mut ctx.st, new, &last_tx);
    let last_take = LAST_TX_BLOCK_DELEGATE_TAKE.get(&ctx.st, old);
    LAST_TX_BLOCK_DELEGATE_TAKE.insert(&mut ctx.st, new, &last_take);
    let last_child_take = LAST_TX_BLOCK_CHILD_KEY_TAKE.get(&ctx.st, old);
    LAST_TX_BLOCK_CHILD_KEY_TAKE.insert(&mut ctx.st, new, &last_child_take);

    match netuid {
        Some(n) => swap_on_subnet(ctx, coldkey, old, new, n, keep_stake),
        None => swap_on_all_subnets(ctx, coldkey, old, new, keep_stake),
    }
}

fn swap_on_all_subnets(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    old: &AccountId,
    new: &AccountId,
    keep_stake: bool,
) -> DispatchResult {
    let now = ctx.block;
    let affected: Vec<NetUid> = all_netuids(&ctx.st)
        .into_iter()
        .filter(|n| {
            // Membership, or being a parent there (a parent need not be registered).
            IS_NETWORK_MEMBER.get(&ctx.st, &(*old, *n))
                || !childkeys::children(&ctx.st, old, *n).is_empty()
        })
        .collect();
    for n in &affected {
        let last = LAST_HOTKEY_SWAP_ON_NETUID.get(&ctx.st, &(*n, *coldkey));
        if last != 0 {
            ensure(
                last.saturating_add(HOTKEY_SWAP_ON_SUBNET_INTERVAL) < now,
                Error::HotKeySwapOnSubnetIntervalNotPassed,
            )?;
        }
    }
    pay_swap_cost(ctx, coldkey, KEY_SWAP_COST)?;

    // `perform_hotkey_swap_on_all_subnets`.
    let old_positions = ALPHA_V2.iter_prefix1(&ctx.st, old);
    OWNER.remove(&mut ctx.st, old);
    ensure(!is_system_account(new), Error::CannotUseSystemAccount)?;
    OWNER.insert(&mut ctx.st, new, coldkey);
    OWNED_HOTKEYS.mutate(&mut ctx.st, coldkey, |hks| {
        if !hks.contains(new) {
            hks.push(*new);
        }
        hks.retain(|hk| hk != old);
    });
    for n in all_netuids(&ctx.st) {
        swap_on_one_subnet(ctx, old, new, n, keep_stake)?;
    }
    LAST_TX_BLOCK.remove(&mut ctx.st, old);
    LAST_TX_BLOCK_DELEGATE_TAKE.remove(&mut ctx.st, old);
    LAST_TX_BLOCK_CHILD_KEY_TAKE.remove(&mut ctx.st, old);
    if let Some(take) = DELEGATES.take(&mut ctx.st, old) {
        DELEGATES.insert(&mut ctx.st, new, &take);
    }
    if !keep_stake {
        for ((staker, _), shares) in old_positions {
            if shares.is_zero() {
                continue;
            }
            let mut staking = STAKING_HOTKEYS.get(&ctx.st, &staker);
            if staking.contains(old) {
                staking.retain(|hk| hk != old && hk != new);
                staking.push(*new);
                STAKING_HOTKEYS.insert(&mut ctx.st, &staker, &staking);
            }
        }
    }

    for n in &affected {
        LAST_HOTKEY_SWAP_ON_NETUID.insert(&mut ctx.st, &(*n, *coldkey), &now);
    }
    LAST_TX_BLOCK.insert(&mut ctx.st, coldkey, &now);
    ctx.deposit(SubtensorEvent::HotkeySwapped {
        coldkey: *coldkey,
        old_hotkey: *old,
        new_hotkey: *new,
    });
    Ok(())
}

fn swap_on_subnet(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    old: &AccountId,
    new: &AccountId,
    netuid: NetUid,
    keep_stake: bool,
) -> DispatchResult {
    let now = ctx.block;
    let last = LAST_HOTKEY_SWAP_ON_NETUID.get(&ctx.st, &(netuid, *coldkey));
    ensure(
        last.saturating_add(HOTKEY_SWAP_ON_SUBNET_INTERVAL) < now,
        Error::HotKeySwapOnSubnetIntervalNotPassed,
    )?;
    ensure(!is_system_account(new), Error::CannotUseSystemAccount)?;
    ensure(
        !IS_NETWORK_MEMBER.contains(&ctx.st, &(*new, netuid)),
        Error::HotKeyAlreadyRegisteredInSubNet,
    )?;
    pay_swap_cost(ctx, coldkey, KEY_SWAP_ON_SUBNET_COST)?;
    // The old hotkey keeps its ownership (it may still be used on other subnets).
    OWNER.insert(&mut ctx.st, new, coldkey);
    let mut owned = OWNED_HOTKEYS.get(&ctx.st, coldkey);
    if !owned.contains(new) {
        owned.push(*new);
        OWNED_HOTKEYS.insert(&mut ctx.st, coldkey, &owned);
    }
    swap_on_one_subnet(ctx, old, new, netuid, keep_stake)?;
    LAST_TX_BLOCK.insert(&mut ctx.st, coldkey, &now);
    LAST_HOTKEY_SWAP_ON_NETUID.insert(&mut ctx.st, &(netuid, *coldkey), &now);
    ctx.deposit(SubtensorEvent::HotkeySwappedOnSubnet {
        coldkey: *coldkey,
        old_hotkey: *old,
        new_hotkey: *new,
        netuid,
    });
    Ok(())
}

/// Moves `x` from `old` to `new` under `map[(netuid, ·)]` if present.
fn move_entry<V: parity_scale_codec::Encode + parity_scale_codec::Decode>(
    st: &mut Overlay<'_>,
    map: &crate::state::Map<(NetUid, AccountId), V>,
    netuid: NetUid,
    old: &AccountId,
    new: &AccountId,
) {
    if let Some(v) = map.take(st, &(netuid, *old)) {
        map.insert(st, &(netuid, *new), &v);
    }
}

/// `perform_hotkey_swap_on_one_subnet`: membership (the new hotkey gets an
/// `IsNetworkMember` entry with the old one's value, even `false`), uid, endpoints, weight
/// commits, subnet-owner-hotkey role and, unless `keep_stake`, dividends and positions.
fn swap_on_one_subnet(
    ctx: &mut Ctx<'_>,
    old: &AccountId,
    new: &AccountId,
    netuid: NetUid,
    keep_stake: bool,
) -> DispatchResult {
    let st = &mut ctx.st;
    let member = IS_NETWORK_MEMBER.get(st, &(*old, netuid));
    IS_NETWORK_MEMBER.remove(st, &(*old, netuid));
    IS_NETWORK_MEMBER.insert(st, &(*new, netuid), &member);
    if member {
        if let Some(uid) = UIDS.take(st, &(netuid, *old)) {
            UIDS.insert(st, &(netuid, *new), &uid);
            KEYS.insert(st, &(netuid, uid), new);
        }
        move_entry(st, &PROMETHEUS, netuid, old, new);
        move_entry(st, &AXONS, netuid, old, new);
        for idx in mechanism_indices(st, netuid) {
            if let Some(commits) = WEIGHT_COMMITS.take(st, &(idx, *old)) {
                WEIGHT_COMMITS.insert(st, &(idx, *new), &commits);
            }
        }
        move_entry(st, &NEURON_CERTIFICATES, netuid, old, new);
    }
    // Childkey take (only an explicit entry), relations and pending sets (§5.7).
    if let Some(take) = CHILDKEY_TAKE.take(st, &(netuid, *old)) {
        CHILDKEY_TAKE.insert(st, &(netuid, *new), &take);
    }
    childkeys::relations::swap_hotkey(st, old, new, netuid)?;
    // Coldkeys auto-staking to the old hotkey now auto-stake to the new one.
    if let Some(coldkeys) = AUTO_STAKE_DESTINATION_COLDKEYS.try_get(st, &(*old, netuid)) {
        for c in &coldkeys {
            AUTO_STAKE_DESTINATION.insert(st, &(*c, netuid), new);
        }
        AUTO_STAKE_DESTINATION_COLDKEYS.remove(st, &(*old, netuid));
        AUTO_STAKE_DESTINATION_COLDKEYS.insert(st, &(*new, netuid), &coldkeys);
    }
    if SUBNET_OWNER_HOTKEY.try_get(st, &netuid).as_ref() == Some(old) {
        // `set_subnet_owner_hotkey`.
        ensure(!is_system_account(new), Error::CannotUseSystemAccount)?;
        SUBNET_OWNER_HOTKEY.insert(st, &netuid, new);
        ctx.deposit(SubtensorEvent::SubnetOwnerHotkeySet(netuid, *new));
    }
    if !keep_stake {
        let st = &mut ctx.st;
        let old_divs = ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(netuid, *old));
        let new_divs = ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(netuid, *new));
        ALPHA_DIVIDENDS_PER_SUBNET.remove(st, &(netuid, *old));
        ALPHA_DIVIDENDS_PER_SUBNET.insert(st, &(netuid, *new), &old_divs.saturating_add(new_divs));

        let stakers: BTreeSet<AccountId> = ALPHA_V2
            .iter_prefix1(st, old)
            .into_iter()
            .filter(|((_, n), _)| *n == netuid)
            .map(|((ck, _), _)| ck)
            .collect();
        for staker in stakers {
            move_position(st, (old, &staker), (new, &staker), netuid);
            let mut staking = STAKING_HOTKEYS.get(st, &staker);
            if staking.contains(old) && !staking.contains(new) {
                staking.push(*new);
                STAKING_HOTKEYS.insert(st, &staker, &staking);
            }
        }
        if netuid == ROOT_NETUID {
            // Root claims move with the root stake: the rates, then every claimed mark of the
            // old hotkey on a subnet the new hotkey now has a rate on (§3.6).
            root_claims::transfer_root_claimable_for_new_hotkey(st, old, new);
            for subnet in ROOT_CLAIMABLE.get(st, new).into_keys() {
                let coldkeys: Vec<AccountId> = ROOT_CLAIMED
                    .iter_prefix1(st, &subnet)
                    .into_iter()
                    .filter(|((h, _), _)| h == old)
                    .map(|((_, c), _)| c)
                    .collect();
                for c in coldkeys {
                    root_claims::transfer_root_claimed_for_new_keys(
                        st,
                        subnet,
                        (old, &c),
                        (new, &c),
                    );
                }
            }
        }
        if netuid == ROOT_NETUID
            && let Some(enabled) = AUTO_PARENT_DELEGATION_ENABLED.take(st, old)
        {
            AUTO_PARENT_DELEGATION_ENABLED.insert(st, new, &enabled);
        }
    }
    Ok(())
}
