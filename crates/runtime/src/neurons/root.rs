//! Root registration (protocol.md §7.2, `ST/coinbase/root.rs:80-191`).
//!
//! Root has no burn: a hotkey joins by signing `root_register` from any coldkey (the hotkey
//! is bound to that coldkey if it was unowned, and keeps its owner otherwise, as in the
//! reference). While root has fewer than `MaxAllowedUids[0]` members the hotkey is appended;
//! once full it replaces the member with the lowest root stake (the first such uid in uid
//! order), but only if its own root stake is strictly greater. Root members always become
//! delegates: a hotkey without a `Delegates` entry gets the 18 % take.
//!
//! Root is the one subnet whose registration counters gate anything: at most
//! `MaxRegistrationsPerBlock[0]` per block and `3 · TargetRegistrationsPerInterval[0]` per
//! interval (the interval counter is reset in block step 1 whenever root's epoch slot is due).

use agora_primitives::AccountId;

use crate::accounts::create_account_if_non_existent;
use crate::balances::is_system_account;
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::uids::{append_neuron, replace_neuron};
use crate::storage::{
    DELEGATES, KEYS, MAX_ALLOWED_UIDS, MAX_REGISTRATIONS_PER_BLOCK, REGISTRATIONS_THIS_BLOCK,
    REGISTRATIONS_THIS_INTERVAL, ROOT_NETUID, SUBNETWORK_N, TARGET_REGISTRATIONS_PER_INTERVAL,
    UIDS,
};
use crate::subnets::subnet_exists;

/// The take forced on a new root member without a `Delegates` entry (18 %).
pub const ROOT_DELEGATE_TAKE: u16 = 11_796;

/// `root_register(hotkey)` signed by `coldkey` (`do_root_register`). Errors, in order:
/// `RootNetworkDoesNotExist`, `TooManyRegistrationsThisBlock`,
/// `TooManyRegistrationsThisInterval`, `HotKeyAlreadyRegisteredInSubNet`,
/// `CannotUseSystemAccount`, and when root is full `HotKeyNotRegisteredInSubNet` (no member
/// to replace) or `StakeTooLowForRoot`. Event `NeuronRegistered(0, uid, hotkey)`.
pub fn root_register(ctx: &mut Ctx<'_>, coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult {
    let now = ctx.block;
    let root = ROOT_NETUID;
    ensure(subnet_exists(&ctx.st, root), Error::RootNetworkDoesNotExist)?;
    ensure(
        REGISTRATIONS_THIS_BLOCK.get(&ctx.st, &root)
            < MAX_REGISTRATIONS_PER_BLOCK.get(&ctx.st, &root),
        Error::TooManyRegistrationsThisBlock,
    )?;
    ensure(
        REGISTRATIONS_THIS_INTERVAL.get(&ctx.st, &root)
            < TARGET_REGISTRATIONS_PER_INTERVAL
                .get(&ctx.st, &root)
                .saturating_mul(3),
        Error::TooManyRegistrationsThisInterval,
    )?;
    ensure(
        !UIDS.contains(&ctx.st, &(root, *hotkey)),
        Error::HotKeyAlreadyRegisteredInSubNet,
    )?;
    ensure(!is_system_account(hotkey), Error::CannotUseSystemAccount)?;
    create_account_if_non_existent(&mut ctx.st, coldkey, hotkey);

    let members = SUBNETWORK_N.get(&ctx.st, &root);
    let uid = if members < MAX_ALLOWED_UIDS.get(&ctx.st, &root) {
        append_neuron(&mut ctx.st, root, hotkey, now)
    } else {
        // The first member (in uid order) with the strictly lowest root stake.
        let mut lowest = (u64::MAX, 0u16);
        for (uid, member) in KEYS.iter_prefix(&ctx.st, &root) {
            let stake = crate::stake::total_hotkey_alpha(&ctx.st, &member, root);
            if stake < lowest.0 {
                lowest = (stake, uid);
            }
        }
        let (lowest_stake, uid) = lowest;
        ensure(
            KEYS.contains(&ctx.st, &(root, uid)),
            Error::HotKeyNotRegisteredInSubNet,
        )?;
        ensure(
            lowest_stake < crate::stake::total_hotkey_alpha(&ctx.st, hotkey, root),
            Error::StakeTooLowForRoot,
        )?;
        replace_neuron(&mut ctx.st, root, uid, hotkey, now);
        uid
    };
    if !DELEGATES.contains(&ctx.st, hotkey) {
        DELEGATES.insert(&mut ctx.st, hotkey, &ROOT_DELEGATE_TAKE);
    }
    REGISTRATIONS_THIS_INTERVAL.mutate(&mut ctx.st, &root, |n| *n = n.saturating_add(1));
    REGISTRATIONS_THIS_BLOCK.mutate(&mut ctx.st, &root, |n| *n = n.saturating_add(1));
    ctx.deposit(SubtensorEvent::NeuronRegistered(root, uid, *hotkey));
    Ok(())
}
