//! Tests of childkeys: every call's success and error paths (errors through `assert_noop`:
//! the error, an unchanged state root and no events), inherited stake against hand-computed
//! figures, the pending cooldown on real blocks, hotkey swaps and dissolution.

use std::collections::BTreeMap;

use agora_primitives::{AccountId, I64F64};

use super::*;
use crate::accounts::create_account_if_non_existent;
use crate::call::{Call, SubtensorCall};
use crate::error::Error;
use crate::event::{Event, SubtensorEvent};
use crate::genesis::GenesisSubnet;
use crate::governance::rate_limits::TRANSACTION_KEY_LAST_BLOCK;
use crate::stake;
use crate::storage::*;
use crate::testing::{TestChain, account, dev_genesis};
use crate::types::Origin;

const NET: NetUid = 1;

fn chain(started: bool) -> TestChain {
    let mut cfg = dev_genesis();
    cfg.subnets.push(GenesisSubnet {
        netuid: NET,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//AliceHot".into(),
        started,
        params: BTreeMap::new(),
        neurons: vec![],
    });
    TestChain::new(&cfg)
}

fn hk(n: u8) -> AccountId {
    account(&format!("//Hot{n}"))
}

fn bob() -> AccountId {
    account("//Bob")
}

fn signed(uri: &str) -> Origin {
    Origin::Signed(account(uri))
}

fn sc(c: SubtensorCall) -> Call {
    Call::SubtensorModule(c)
}

fn set_call(hotkey: AccountId, netuid: NetUid, children: Vec<(u64, AccountId)>) -> Call {
    sc(SubtensorCall::set_children {
        hotkey,
        netuid,
        children,
    })
}

/// Binds `hotkey` to `coldkey` and stakes `alpha` on `netuid` and `root` on root.
fn own_and_stake(
    chain: &mut TestChain,
    coldkey: &AccountId,
    hotkey: &AccountId,
    alpha: u64,
    root: u64,
) {
    chain.with_ctx(|ctx| {
        create_account_if_non_existent(&mut ctx.st, coldkey, hotkey);
        stake::increase_stake(&mut ctx.st, hotkey, coldkey, NET, alpha);
        stake::increase_stake(&mut ctx.st, hotkey, coldkey, ROOT_NETUID, root);
    });
}

fn has_event(chain: &TestChain, e: SubtensorEvent) -> bool {
    chain.last_events.contains(&Event::SubtensorModule(e))
}

fn read<R>(chain: &TestChain, f: impl FnOnce(&crate::state::Overlay<'_>) -> R) -> R {
    chain.read(f)
}

const HALF: u64 = u64::MAX / 2;

// ------------------------------------------------------------------ set_children

#[test]
fn set_children_before_start_call_applies_at_once_sorted_and_mirrored() {
    let mut c = chain(false);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    let (a, b) = if hk(2) < hk(3) {
        (hk(2), hk(3))
    } else {
        (hk(3), hk(2))
    };
    // Given in descending account order; stored sorted by child.
    let given = vec![(HALF, b), (1_000, a)];
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, given.clone()))
        .expect("set_children");
    assert!(has_event(
        &c,
        SubtensorEvent::SetChildren(hk(1), NET, given)
    ));
    read(&c, |st| {
        assert_eq!(children(st, &hk(1), NET), vec![(1_000, a), (HALF, b)]);
        assert_eq!(parents(st, &a, NET), vec![(1_000, hk(1))]);
        assert_eq!(parents(st, &b, NET), vec![(HALF, hk(1))]);
        assert!(!PENDING_CHILD_KEYS.contains(st, &(NET, hk(1))));
        assert_eq!(
            TRANSACTION_KEY_LAST_BLOCK.get(st, &(hk(1), NET, TX_SET_CHILDREN)),
            1
        );
    });
    // Replacing the set removes the dropped child's parent entry.
    c.set_block(200);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(7, a)]))
        .expect("replace");
    read(&c, |st| {
        assert_eq!(children(st, &hk(1), NET), vec![(7, a)]);
        assert_eq!(parents(st, &a, NET), vec![(7, hk(1))]);
        assert!(!PARENT_KEYS.contains(st, &(NET, b)));
    });
    // An empty set removes everything.
    c.set_block(400);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![]))
        .expect("clear");
    read(&c, |st| {
        assert!(!CHILD_KEYS.contains(st, &(NET, hk(1))));
        assert!(!PARENT_KEYS.contains(st, &(NET, a)));
    });
}

#[test]
fn set_children_errors_in_the_reference_order() {
    let mut c = chain(false);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    own_and_stake(&mut c, &bob(), &hk(9), 1_000, 0);
    // hk(9) is a parent of hk(1).
    c.dispatch(signed("//Bob"), set_call(hk(9), NET, vec![(5, hk(1))]))
        .expect("parent");
    let e = |c: &mut TestChain, who: &str, call: Call, err: Error| {
        c.assert_noop(signed(who), call, err)
    };

    // Rate limit: hk(9) set children at block 1; within 150 blocks it is refused.
    c.set_block(100);
    e(
        &mut c,
        "//Bob",
        set_call(hk(9), NET, vec![]),
        Error::TxRateLimitExceeded,
    );
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), ROOT_NETUID, vec![]),
        Error::RegistrationNotPermittedOnRootSubnet,
    );
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), 7, vec![]),
        Error::SubnetNotExists,
    );
    e(
        &mut c,
        "//Charlie",
        set_call(hk(1), NET, vec![]),
        Error::NonAssociatedColdKey,
    );
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), NET, vec![(1, hk(2)), (2, hk(2))]),
        Error::DuplicateChild,
    );
    // Self before count: six entries including the pivot.
    let six: Vec<(u64, AccountId)> = (2..8).map(|i| (1, hk(i))).collect();
    let mut six_with_self = six.clone();
    six_with_self[5] = (1, hk(1));
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), NET, six_with_self),
        Error::InvalidChild,
    );
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), NET, six),
        Error::TooManyChildren,
    );
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), NET, vec![(u64::MAX, hk(2)), (1, hk(3))]),
        Error::ProportionOverflow,
    );
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), NET, vec![(1, hk(9))]),
        Error::ChildParentInconsistency,
    );
    // Stake threshold: nobody's stake value reaches u64::MAX rao.
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &u64::MAX));
    e(
        &mut c,
        "//Bob",
        set_call(hk(1), NET, vec![(1, hk(2))]),
        Error::NotEnoughStakeToSetChildkeys,
    );
    // An empty list and the owner hotkey are exempt.
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![]))
        .expect("empty list passes");
    c.dispatch(
        signed("//Alice"),
        set_call(account("//AliceHot"), NET, vec![(1, hk(2))]),
    )
    .expect("owner hotkey passes");
}

#[test]
fn scheduled_children_apply_at_the_first_epoch_slot_after_the_cooldown() {
    let mut c = chain(true);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    c.with_ctx(|ctx| {
        PENDING_CHILDKEY_COOLDOWN.put(&mut ctx.st, &10);
        TEMPO.insert(&mut ctx.st, &NET, &4);
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &NET, &0);
    });
    let xt = c.sign(
        &crate::testing::key("//Bob"),
        set_call(hk(1), NET, vec![(HALF, hk(2))]),
    );
    c.next_block(&[xt]); // block 1: scheduled for 1 + 10 = 11
    assert!(has_event(
        &c,
        SubtensorEvent::SetChildrenScheduled(hk(1), NET, 11, vec![(HALF, hk(2))])
    ));
    read(&c, |st| {
        assert_eq!(
            PENDING_CHILD_KEYS.get(st, &(NET, hk(1))),
            (vec![(HALF, hk(2))], 11)
        );
        assert!(children(st, &hk(1), NET).is_empty());
    });
    // Epoch slots at blocks 4, 8, 12 (tempo 4 from 0): the cooldown (11 < now) first passes
    // at block 12.
    c.run_to_block(11);
    read(&c, |st| assert!(children(st, &hk(1), NET).is_empty()));
    c.run_to_block(12);
    assert!(has_event(
        &c,
        SubtensorEvent::SetChildren(hk(1), NET, vec![(HALF, hk(2))])
    ));
    read(&c, |st| {
        assert_eq!(children(st, &hk(1), NET), vec![(HALF, hk(2))]);
        assert_eq!(parents(st, &hk(2), NET), vec![(HALF, hk(1))]);
        assert!(!PENDING_CHILD_KEYS.contains(st, &(NET, hk(1))));
    });
}

// ------------------------------------------------------------------ inherited stake

#[test]
fn inherited_stake_matches_hand_computed_figures() {
    let mut c = chain(false);
    // Parent P: 1000 alpha, 4000 root; child C: 300 alpha, 100 root.
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 4_000);
    own_and_stake(&mut c, &bob(), &hk(2), 300, 100);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(HALF, hk(2))]))
        .expect("set");
    c.with_ctx(|ctx| TAO_WEIGHT.put(&mut ctx.st, &(u64::MAX / 4)));
    read(&c, |st| {
        // q = (2^63 − 1)/(2^64 − 1) in U96F32 = 0.5 − 2^-65 ≈ 0.4999999999 (32 fractional bits:
        // 0x7FFF_FFFF_FFFF_FFFF / 0xFFFF_FFFF_FFFF_FFFF rounds down to 0.49999999976716935).
        // P keeps 1000 − 1000·q = 500.0000002 → 500; C gets 300 + 1000·q = 799.9999997 → 799.
        assert_eq!(inherited_alpha(st, &hk(1), NET), 500);
        assert_eq!(inherited_alpha(st, &hk(2), NET), 799);
        // Root: P keeps 4000 − 4000·q → 2000; C 100 + 4000·q = 2099.999999 → 2099.
        assert_eq!(inherited_tao(st, &hk(1), NET), 2_000);
        assert_eq!(inherited_tao(st, &hk(2), NET), 2_099);
        // On root itself alpha inheritance does not apply.
        assert_eq!(inherited_alpha(st, &hk(1), ROOT_NETUID), 4_000);
        // w = (2^64−1)/4 / (2^64−1) floored to 32 bits = 0.25 − 2^-32.
        let w = I64F64::saturating_from_num(inherited::tao_weight(st));
        let sw = stake_weights_for_hotkey(st, &hk(2), NET);
        assert_eq!(sw.alpha, I64F64::from_num(799));
        assert_eq!(sw.tao, I64F64::from_num(2_099));
        assert_eq!(
            sw.total,
            I64F64::from_num(799) + I64F64::from_num(2_099) * w
        );
        // 799 + 2099 · 0.2499999998 = 1323.7499995 → 1323.
        assert_eq!(stake_weight(st, &hk(2), NET), 1_323);
    });
}
