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
        // The first member with the strictly lowest root stake, in the reference's `Keys`
        // iteration order (little-endian uid bytes: uid order below 256).
        let mut lowest = (u64::MAX, 0u16);
        let mut members = KEYS.iter_prefix(&ctx.st, &root);
        members.sort_by_key(|(uid, _)| uid.to_le_bytes());
        for (uid, member) in members {
            let stake = crate::staking::total_hotkey_alpha(&ctx.st, &member, root);
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
            lowest_stake < crate::staking::total_hotkey_alpha(&ctx.st, hotkey, root),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Call, SubtensorCall};
    use crate::event::Event;
    use crate::staking;
    use crate::testing::{TestChain, account, key};
    use crate::types::Origin;

    fn call(hotkey: AccountId) -> Call {
        Call::SubtensorModule(SubtensorCall::root_register { hotkey })
    }

    fn hk(n: u8) -> AccountId {
        account(&format!("//RootHot{n}"))
    }

    fn bob() -> Origin {
        Origin::Signed(account("//Bob"))
    }

    fn root_stake(c: &mut TestChain, h: AccountId, amount: u64) {
        c.with_ctx(|ctx| {
            staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                &mut ctx.st,
                &h,
                &account("//Bob"),
                ROOT_NETUID,
                amount,
            );
        });
    }

    #[test]
    fn appends_makes_a_delegate_and_counts() {
        let mut c = TestChain::dev();
        c.submit(&key("//Bob"), call(hk(1))).expect("root_register");
        assert!(
            c.last_events
                .contains(&Event::SubtensorModule(SubtensorEvent::NeuronRegistered(
                    ROOT_NETUID,
                    0,
                    hk(1)
                )))
        );
        c.read(|st| {
            assert_eq!(UIDS.try_get(st, &(ROOT_NETUID, hk(1))), Some(0));
            assert_eq!(SUBNETWORK_N.get(st, &ROOT_NETUID), 1);
            assert_eq!(DELEGATES.try_get(st, &hk(1)), Some(ROOT_DELEGATE_TAKE));
            assert_eq!(crate::storage::OWNER.get(st, &hk(1)), account("//Bob"));
            assert_eq!(REGISTRATIONS_THIS_BLOCK.get(st, &ROOT_NETUID), 1);
            assert_eq!(REGISTRATIONS_THIS_INTERVAL.get(st, &ROOT_NETUID), 1);
        });
        // An existing delegate keeps its take; a hotkey owned by someone else keeps its owner.
        c.with_ctx(|ctx| {
            DELEGATES.insert(&mut ctx.st, &hk(2), &5);
            crate::storage::OWNER.insert(&mut ctx.st, &hk(2), &account("//Eve"));
        });
        c.submit(&key("//Bob"), call(hk(2))).expect("second");
        c.read(|st| {
            assert_eq!(DELEGATES.get(st, &hk(2)), 5);
            assert_eq!(crate::storage::OWNER.get(st, &hk(2)), account("//Eve"));
            assert_eq!(UIDS.try_get(st, &(ROOT_NETUID, hk(2))), Some(1));
        });
    }

    #[test]
    fn error_paths_change_nothing() {
        let mut c = TestChain::dev();
        c.dispatch(bob(), call(hk(1))).expect("first");
        // Without a block in between the per-block counter is still 1.
        c.assert_noop(bob(), call(hk(2)), Error::TooManyRegistrationsThisBlock);
        c.with_ctx(|ctx| {
            REGISTRATIONS_THIS_BLOCK.insert(&mut ctx.st, &ROOT_NETUID, &0);
            TARGET_REGISTRATIONS_PER_INTERVAL.insert(&mut ctx.st, &ROOT_NETUID, &1);
            REGISTRATIONS_THIS_INTERVAL.insert(&mut ctx.st, &ROOT_NETUID, &3);
        });
        c.assert_noop(bob(), call(hk(2)), Error::TooManyRegistrationsThisInterval);
        c.with_ctx(|ctx| REGISTRATIONS_THIS_INTERVAL.insert(&mut ctx.st, &ROOT_NETUID, &0));
        c.assert_noop(bob(), call(hk(1)), Error::HotKeyAlreadyRegisteredInSubNet);
        c.assert_noop(
            bob(),
            call(crate::balances::subnet_account(3)),
            Error::CannotUseSystemAccount,
        );
        c.with_ctx(|ctx| MAX_ALLOWED_UIDS.insert(&mut ctx.st, &ROOT_NETUID, &0));
        c.with_ctx(|ctx| {
            // No member can be replaced when uid 0 holds nobody: empty root, zero capacity.
            KEYS.clear_prefix(&mut ctx.st, &ROOT_NETUID);
        });
        c.assert_noop(bob(), call(hk(2)), Error::HotKeyNotRegisteredInSubNet);
        c.with_ctx(|ctx| crate::storage::NETWORKS_ADDED.remove(&mut ctx.st, &ROOT_NETUID));
        c.assert_noop(bob(), call(hk(2)), Error::RootNetworkDoesNotExist);
    }

    #[test]
    fn a_full_root_replaces_the_lowest_stake_only_for_a_strictly_higher_one() {
        let mut c = TestChain::dev();
        c.with_ctx(|ctx| MAX_ALLOWED_UIDS.insert(&mut ctx.st, &ROOT_NETUID, &3));
        for (h, s) in [(1, 5), (2, 3), (3, 3)] {
            root_stake(&mut c, hk(h), s);
            c.submit(&key("//Bob"), call(hk(h))).expect("append");
        }
        // Lowest is 3, held by uids 1 and 2: the first (uid 1) is the candidate.
        root_stake(&mut c, hk(4), 3);
        // Three registrations filled root's interval allowance (3 × target 1); open it again.
        c.with_ctx(|ctx| REGISTRATIONS_THIS_INTERVAL.insert(&mut ctx.st, &ROOT_NETUID, &0));
        let xt = c.sign(&key("//Bob"), call(hk(4)));
        let out = c.next_block(&[xt]);
        assert_eq!(out.receipts[0].result, Err(Error::StakeTooLowForRoot));
        c.read(|st| assert!(!UIDS.contains(st, &(ROOT_NETUID, hk(4)))));
        root_stake(&mut c, hk(4), 1);
        c.submit(&key("//Bob"), call(hk(4))).expect("replace");
        assert!(
            c.last_events
                .contains(&Event::SubtensorModule(SubtensorEvent::NeuronRegistered(
                    ROOT_NETUID,
                    1,
                    hk(4)
                )))
        );
        c.read(|st| {
            assert_eq!(KEYS.get(st, &(ROOT_NETUID, 1)), hk(4));
            assert!(!UIDS.contains(st, &(ROOT_NETUID, hk(2))));
            assert_eq!(SUBNETWORK_N.get(st, &ROOT_NETUID), 3);
            assert_eq!(DELEGATES.get(st, &hk(4)), ROOT_DELEGATE_TAKE);
        });
    }
}
