//! Coldkey swap: announcement, delayed execution, dispute, root override, and the
//! `CheckColdkeySwap` guard (protocol.md §7.8 and §1.6, `ST/macros/dispatches.rs:1074-1091,
//! 2263-2367,2470-2485`, `ST/swap/swap_coldkey.rs`, `ST/guards/check_coldkey_swap.rs`).
//!
//! A coldkey announces the BLAKE2-256 hash of its new coldkey's 32 public-key bytes (the
//! reference's `BlakeTwo256::hash_of(&AccountId32)`, whose SCALE encoding is those bytes),
//! paying `KeySwapCost` on the first announcement. From then on it may make only the four
//! swap-management calls; once disputed, none, until root resets it. After
//! `ColdkeySwapAnnouncementDelay` blocks it may execute the swap with the preimage.
//!
//! The swap moves the identity (if the new key has none), subnet ownerships, every stake
//! position of the old coldkey, `StakingHotkeys`, `OwnedHotkeys` with their `Owner` entries
//! and the whole free balance (the old account is reaped). Auto-stake destinations, locks
//! and root-claim marks are not stored by this runtime yet.

use agora_primitives::AccountId;
use agora_primitives::hashing::blake2_256;

use crate::accounts::hotkey_account_exists;
use crate::balances::{self, is_system_account};
use crate::call::{Call, SubtensorCall};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::swap_hotkey::{KEY_SWAP_COST, all_netuids, move_position};
use crate::state::Overlay;
use crate::storage::ROOT_NETUID;
use crate::storage::{
    AUTO_STAKE_DESTINATION, AUTO_STAKE_DESTINATION_COLDKEYS, COLDKEY_SWAP_ANNOUNCEMENT_DELAY,
    COLDKEY_SWAP_ANNOUNCEMENTS, COLDKEY_SWAP_DISPUTES, COLDKEY_SWAP_REANNOUNCEMENT_DELAY,
    IDENTITIES, LAST_TX_BLOCK, OWNED_HOTKEYS, OWNER, STAKING_HOTKEYS, SUBNET_OWNER,
};
use crate::types::ColdkeySwapAnnouncement;
use crate::{root_claims, staking};

/// The hash a coldkey-swap announcement commits to.
pub fn coldkey_hash(new_coldkey: &AccountId) -> [u8; 32] {
    blake2_256(&new_coldkey.0)
}

/// `charge_swap_cost`: recycles `cost`; any failure is `NotEnoughBalanceToPaySwapColdKey`.
fn charge_swap_cost(ctx: &mut Ctx<'_>, coldkey: &AccountId, cost: u64) -> DispatchResult {
    balances::recycle(ctx, coldkey, cost).map_err(|_| Error::NotEnoughBalanceToPaySwapColdKey)
}

/// `announce_coldkey_swap`: a re-announcement must wait `ColdkeySwapReannouncementDelay`
/// blocks past the previous executable block (`ColdkeySwapReannouncedTooEarly`) and costs
/// nothing; the first one costs `KeySwapCost`. Executable `ColdkeySwapAnnouncementDelay`
/// blocks from now. Event `ColdkeySwapAnnounced`.
pub fn announce_coldkey_swap(ctx: &mut Ctx<'_>, who: &AccountId, hash: [u8; 32]) -> DispatchResult {
    let now = ctx.block;
    if let Some(prev) = COLDKEY_SWAP_ANNOUNCEMENTS.try_get(&ctx.st, who) {
        let min_when = prev
            .executable_at
            .saturating_add(COLDKEY_SWAP_REANNOUNCEMENT_DELAY.get(&ctx.st));
        ensure(now >= min_when, Error::ColdkeySwapReannouncedTooEarly)?;
    } else {
        charge_swap_cost(ctx, who, KEY_SWAP_COST)?;
    }
    let executable_at = now.saturating_add(COLDKEY_SWAP_ANNOUNCEMENT_DELAY.get(&ctx.st));
    COLDKEY_SWAP_ANNOUNCEMENTS.insert(
        &mut ctx.st,
        who,
        &ColdkeySwapAnnouncement {
            executable_at,
            new_coldkey_hash: hash,
        },
    );
    ctx.deposit(SubtensorEvent::ColdkeySwapAnnounced {
        who: *who,
        new_coldkey_hash: hash,
    });
    Ok(())
}

/// `swap_coldkey_announced`: consumes the announcement (`ColdkeySwapAnnouncementNotFound`),
/// checks the hash (`AnnouncedColdkeyHashDoesNotMatch`), then the delay
/// (`ColdkeySwapTooEarly`), then swaps.
pub fn swap_coldkey_announced(
    ctx: &mut Ctx<'_>,
    who: &AccountId,
    new: &AccountId,
) -> DispatchResult {
    let ann = COLDKEY_SWAP_ANNOUNCEMENTS
        .take(&mut ctx.st, who)
        .ok_or(Error::ColdkeySwapAnnouncementNotFound)?;
    ensure(
        ann.new_coldkey_hash == coldkey_hash(new),
        Error::AnnouncedColdkeyHashDoesNotMatch,
    )?;
    ensure(ctx.block >= ann.executable_at, Error::ColdkeySwapTooEarly)?;
    do_swap_coldkey(ctx, who, new)
}

/// `dispute_coldkey_swap`: needs an announcement and no dispute yet
/// (`ColdkeySwapAlreadyDisputed`, reachable only by direct calls since the guard refuses a
/// disputed coldkey first). Event `ColdkeySwapDisputed`.
pub fn dispute_coldkey_swap(ctx: &mut Ctx<'_>, who: &AccountId) -> DispatchResult {
    ensure(
        COLDKEY_SWAP_ANNOUNCEMENTS.contains(&ctx.st, who),
        Error::ColdkeySwapAnnouncementNotFound,
    )?;
    ensure(
        !COLDKEY_SWAP_DISPUTES.contains(&ctx.st, who),
        Error::ColdkeySwapAlreadyDisputed,
    )?;
    let now = ctx.block;
    COLDKEY_SWAP_DISPUTES.insert(&mut ctx.st, who, &now);
    ctx.deposit(SubtensorEvent::ColdkeySwapDisputed { coldkey: *who });
    Ok(())
}

/// `clear_coldkey_swap_announcement`: allowed from `ColdkeySwapReannouncementDelay` blocks
/// after the executable block (`ColdkeySwapClearTooEarly`). Event `ColdkeySwapCleared`.
pub fn clear_coldkey_swap_announcement(ctx: &mut Ctx<'_>, who: &AccountId) -> DispatchResult {
    let ann = COLDKEY_SWAP_ANNOUNCEMENTS
        .try_get(&ctx.st, who)
        .ok_or(Error::ColdkeySwapAnnouncementNotFound)?;
    let min_when = ann
        .executable_at
        .saturating_add(COLDKEY_SWAP_REANNOUNCEMENT_DELAY.get(&ctx.st));
    ensure(ctx.block >= min_when, Error::ColdkeySwapClearTooEarly)?;
    COLDKEY_SWAP_ANNOUNCEMENTS.remove(&mut ctx.st, who);
    ctx.deposit(SubtensorEvent::ColdkeySwapCleared { who: *who });
    Ok(())
}

/// Root `swap_coldkey`: charges `cost` if non-zero, swaps, then clears any announcement and
/// dispute of the old coldkey.
pub fn swap_coldkey(
    ctx: &mut Ctx<'_>,
    old: &AccountId,
    new: &AccountId,
    cost: u64,
) -> DispatchResult {
    if cost != 0 {
        charge_swap_cost(ctx, old, cost)?;
    }
    do_swap_coldkey(ctx, old, new)?;
    COLDKEY_SWAP_ANNOUNCEMENTS.remove(&mut ctx.st, old);
    COLDKEY_SWAP_DISPUTES.remove(&mut ctx.st, old);
    Ok(())
}

/// Root `reset_coldkey_swap`: clears the announcement and dispute. Event `ColdkeySwapReset`.
pub fn reset_coldkey_swap(ctx: &mut Ctx<'_>, coldkey: &AccountId) -> DispatchResult {
    COLDKEY_SWAP_ANNOUNCEMENTS.remove(&mut ctx.st, coldkey);
    COLDKEY_SWAP_DISPUTES.remove(&mut ctx.st, coldkey);
    ctx.deposit(SubtensorEvent::ColdkeySwapReset { who: *coldkey });
    Ok(())
}

/// `do_swap_coldkey`: `new` must have no staking hotkeys (`ColdKeyAlreadyAssociated`) and not
/// be a hotkey (`NewColdKeyIsHotkey`). Event `ColdkeySwapped`.
pub fn do_swap_coldkey(ctx: &mut Ctx<'_>, old: &AccountId, new: &AccountId) -> DispatchResult {
    ensure(
        STAKING_HOTKEYS.get(&ctx.st, new).is_empty(),
        Error::ColdKeyAlreadyAssociated,
    )?;
    ensure(
        !hotkey_account_exists(&ctx.st, new),
        Error::NewColdKeyIsHotkey,
    )?;
    if !IDENTITIES.contains(&ctx.st, new)
        && let Some(identity) = IDENTITIES.take(&mut ctx.st, old)
    {
        IDENTITIES.insert(&mut ctx.st, new, &identity);
    }
    for netuid in all_netuids(&ctx.st) {
        if SUBNET_OWNER.get(&ctx.st, &netuid) == *old {
            SUBNET_OWNER.insert(&mut ctx.st, &netuid, new);
        }
        // `transfer_auto_stake_destination`.
        if let Some(dest) = AUTO_STAKE_DESTINATION.take(&mut ctx.st, &(*old, netuid)) {
            AUTO_STAKE_DESTINATION.insert(&mut ctx.st, &(*new, netuid), &dest);
            AUTO_STAKE_DESTINATION_COLDKEYS.mutate(&mut ctx.st, &(dest, netuid), |v| {
                v.retain(|c| c != old && c != new);
                v.push(*new);
            });
        }
        for hotkey in STAKING_HOTKEYS.get(&ctx.st, old) {
            move_position(&mut ctx.st, (&hotkey, old), (&hotkey, new), netuid);
            // Root claims follow the stake (§3.6, `transfer_root_claimed_for_new_keys`).
            if staking::alpha(&ctx.st, &hotkey, new, netuid) != 0 {
                root_claims::transfer_root_claimed_for_new_keys(
                    &mut ctx.st,
                    netuid,
                    (&hotkey, old),
                    (&hotkey, new),
                );
                if netuid == ROOT_NETUID {
                    root_claims::maybe_add_coldkey_index(&mut ctx.st, new);
                }
            }
        }
        if netuid == ROOT_NETUID {
            root_claims::maybe_remove_coldkey_index(&mut ctx.st, old);
        }
    }
    // `transfer_staking_hotkeys`.
    let mut staking = STAKING_HOTKEYS.get(&ctx.st, new);
    for hk in STAKING_HOTKEYS.get(&ctx.st, old) {
        if !staking.contains(&hk) {
            staking.push(hk);
        }
    }
    STAKING_HOTKEYS.remove(&mut ctx.st, old);
    STAKING_HOTKEYS.insert(&mut ctx.st, new, &staking);
    // `transfer_hotkeys_ownership`.
    let mut owned = OWNED_HOTKEYS.get(&ctx.st, new);
    for hk in OWNED_HOTKEYS.get(&ctx.st, old) {
        OWNER.remove(&mut ctx.st, &hk);
        ensure(!is_system_account(&hk), Error::CannotUseSystemAccount)?;
        OWNER.insert(&mut ctx.st, &hk, new);
        if !owned.contains(&hk) {
            owned.push(hk);
        }
    }
    OWNED_HOTKEYS.remove(&mut ctx.st, old);
    OWNED_HOTKEYS.insert(&mut ctx.st, new, &owned);
    // `transfer_all_tao_and_kill`.
    let amount = balances::free(&ctx.st, old);
    if amount > 0 {
        balances::transfer(ctx, old, new, amount, false)?;
    }
    let now = ctx.block;
    LAST_TX_BLOCK.insert(&mut ctx.st, new, &now);
    ctx.deposit(SubtensorEvent::ColdkeySwapped {
        old_coldkey: *old,
        new_coldkey: *new,
    });
    Ok(())
}

/// The `CheckColdkeySwap` guard, run before every signed dispatch: a coldkey with a pending
/// announcement may only make the four swap-management calls (`ColdkeySwapAnnounced`); a
/// disputed one may make none (`ColdkeySwapDisputed`). Root is never checked.
pub fn coldkey_swap_guard(st: &Overlay<'_>, who: &AccountId, call: &Call) -> DispatchResult {
    if !COLDKEY_SWAP_ANNOUNCEMENTS.contains(st, who) {
        return Ok(());
    }
    ensure(
        !COLDKEY_SWAP_DISPUTES.contains(st, who),
        Error::ColdkeySwapDisputed,
    )?;
    let allowed = matches!(
        call,
        Call::SubtensorModule(
            SubtensorCall::announce_coldkey_swap { .. }
                | SubtensorCall::swap_coldkey_announced { .. }
                | SubtensorCall::dispute_coldkey_swap
                | SubtensorCall::clear_coldkey_swap_announcement
        )
    );
    ensure(allowed, Error::ColdkeySwapAnnounced)
}
