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
use crate::staking as stake;
use crate::storage::*;
use crate::testing::{TestChain, account, dev_genesis, key};
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
        pool_tao: None,
        pool_alpha: None,
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
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            hotkey,
            coldkey,
            NET,
            alpha,
        );
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            hotkey,
            coldkey,
            ROOT_NETUID,
            root,
        );
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

#[test]
fn an_inconsistent_pending_set_is_dropped_silently() {
    let mut c = chain(true);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    own_and_stake(&mut c, &bob(), &hk(2), 1_000, 0);
    c.with_ctx(|ctx| PENDING_CHILDKEY_COOLDOWN.put(&mut ctx.st, &0));
    // hk(1) schedules hk(2) as child; hk(2) schedules hk(1) as child. Both pass the check at
    // call time (neither relation exists yet); at application the second is a 2-cycle.
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(5, hk(2))]))
        .expect("first");
    c.dispatch(signed("//Bob"), set_call(hk(2), NET, vec![(5, hk(1))]))
        .expect("second");
    c.set_block(10);
    c.with_ctx(|ctx| apply_pending_childkeys(ctx, NET));
    // Pending sets are applied in the reference's hashed-key order; the second is dropped.
    let key = |a: &AccountId| (agora_primitives::hashing::blake2_128(&a.0), *a);
    let (first, second) = if key(&hk(1)) < key(&hk(2)) {
        (hk(1), hk(2))
    } else {
        (hk(2), hk(1))
    };
    assert!(has_event(
        &c,
        SubtensorEvent::SetChildren(first, NET, vec![(5, second)])
    ));
    assert_eq!(c.last_events.len(), 1);
    read(&c, |st| {
        assert_eq!(children(st, &first, NET), vec![(5, second)]);
        assert!(children(st, &second, NET).is_empty());
        assert!(PENDING_CHILD_KEYS.iter_prefix(st, &NET).is_empty());
    });
}

#[test]
fn pending_sets_wait_for_the_cooldown_and_apply_at_once_on_an_unstarted_subnet() {
    let mut c = chain(true);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(5, hk(2))]))
        .expect("scheduled"); // block 1, cooldown 7 201
    c.set_block(7_200); // applying at block 7 201: 7 201 < 7 201 is false
    c.with_ctx(|ctx| apply_pending_childkeys(ctx, NET));
    assert!(c.last_events.is_empty());
    read(&c, |st| {
        assert!(PENDING_CHILD_KEYS.contains(st, &(NET, hk(1))))
    });
    // With the subnet not started any pending set applies regardless of its cooldown.
    c.with_ctx(|ctx| SUBTOKEN_ENABLED.insert(&mut ctx.st, &NET, &false));
    c.with_ctx(|ctx| apply_pending_childkeys(ctx, NET));
    read(&c, |st| {
        assert_eq!(children(st, &hk(1), NET), vec![(5, hk(2))])
    });
}

#[test]
fn low_stake_removes_every_pending_set_of_the_hotkey() {
    let mut c = chain(true);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(5, hk(2))]))
        .expect("scheduled");
    c.with_ctx(|ctx| remove_pending_children_if_below_threshold(&mut ctx.st, &hk(1)));
    read(&c, |st| {
        assert!(PENDING_CHILD_KEYS.contains(st, &(NET, hk(1))))
    });
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &u64::MAX));
    c.with_ctx(|ctx| remove_pending_children_if_below_threshold(&mut ctx.st, &hk(1)));
    read(&c, |st| {
        assert!(!PENDING_CHILD_KEYS.contains(st, &(NET, hk(1))))
    });
}

// ------------------------------------------------------------------ childkey take

fn take_call(hotkey: AccountId, take: u16) -> Call {
    sc(SubtensorCall::set_childkey_take {
        hotkey,
        netuid: NET,
        take,
    })
}

#[test]
fn childkey_take_bounds_rate_limit_and_effective_minimum() {
    let mut c = chain(true);
    own_and_stake(&mut c, &bob(), &hk(1), 0, 0);
    c.assert_noop(
        signed("//Charlie"),
        take_call(hk(1), 10),
        Error::NonAssociatedColdKey,
    );
    c.assert_noop(
        signed("//Bob"),
        take_call(hk(1), 11_797),
        Error::InvalidChildkeyTake,
    );
    c.dispatch(signed("//Bob"), take_call(hk(1), 1_000))
        .expect("first increase passes");
    assert!(has_event(&c, SubtensorEvent::ChildKeyTakeSet(hk(1), 1_000)));
    read(&c, |st| {
        assert_eq!(CHILDKEY_TAKE.get(st, &(NET, hk(1))), 1_000);
        assert_eq!(childkey_take(st, &hk(1), NET), 1_000);
        assert_eq!(
            TRANSACTION_KEY_LAST_BLOCK.get(st, &(hk(1), NET, TX_SET_CHILDKEY_TAKE)),
            1
        );
    });
    c.set_block(10);
    c.assert_noop(
        signed("//Bob"),
        take_call(hk(1), 1_001),
        Error::TxChildkeyTakeRateLimitExceeded,
    );
    // A decrease (or the same take) needs no wait, but records the block.
    c.dispatch(signed("//Bob"), take_call(hk(1), 900))
        .expect("decrease");
    c.set_block(216_009);
    c.assert_noop(
        signed("//Bob"),
        take_call(hk(1), 1_000),
        Error::TxChildkeyTakeRateLimitExceeded,
    );
    c.set_block(216_010);
    c.dispatch(signed("//Bob"), take_call(hk(1), 1_000))
        .expect("after the limit");
    // The effective minimum floors the stored take and the accepted range.
    c.with_ctx(|ctx| MIN_CHILDKEY_TAKE_PER_SUBNET.insert(&mut ctx.st, &NET, &2_000));
    read(&c, |st| {
        assert_eq!(effective_min_childkey_take(st, NET), 2_000);
        assert_eq!(childkey_take(st, &hk(1), NET), 2_000);
    });
    c.assert_noop(
        signed("//Bob"),
        take_call(hk(1), 1_999),
        Error::InvalidChildkeyTake,
    );
    c.with_ctx(|ctx| MIN_CHILDKEY_TAKE.put(&mut ctx.st, &3_000));
    read(&c, |st| {
        assert_eq!(effective_min_childkey_take(st, NET), 3_000)
    });
}

#[test]
fn root_setters_store_emit_and_refuse_signed_origins() {
    let mut c = chain(true);
    let cases: Vec<(Call, Option<SubtensorEvent>)> = vec![
        (
            sc(SubtensorCall::sudo_set_tx_childkey_take_rate_limit { tx_rate_limit: 9 }),
            Some(SubtensorEvent::TxChildKeyTakeRateLimitSet(9)),
        ),
        (
            sc(SubtensorCall::sudo_set_min_childkey_take { take: 7 }),
            Some(SubtensorEvent::MinChildKeyTakeSet(7)),
        ),
        (
            sc(SubtensorCall::sudo_set_max_childkey_take { take: 8 }),
            Some(SubtensorEvent::MaxChildKeyTakeSet(8)),
        ),
        (
            sc(SubtensorCall::set_pending_childkey_cooldown { cooldown: 6 }),
            None,
        ),
    ];
    for (call, event) in cases {
        c.assert_noop(signed("//Alice"), call.clone(), Error::BadOrigin);
        c.dispatch(Origin::Root, call).expect("root");
        match event {
            Some(e) => assert!(has_event(&c, e)),
            None => assert!(c.last_events.is_empty()),
        }
    }
    read(&c, |st| {
        assert_eq!(TX_CHILDKEY_TAKE_RATE_LIMIT.get(st), 9);
        assert_eq!(MIN_CHILDKEY_TAKE.get(st), 7);
        assert_eq!(MAX_CHILDKEY_TAKE.get(st), 8);
        assert_eq!(PENDING_CHILDKEY_COOLDOWN.get(st), 6);
    });
}

// ------------------------------------------------------------------ auto parent delegation

#[test]
fn root_validators_become_parents_of_a_new_subnet_owner_hotkey_unless_opted_out() {
    let mut c = chain(true);
    // Two root validators owned by Bob and Charlie.
    for (ck, h) in [("//Bob", hk(1)), ("//Charlie", hk(2))] {
        c.submit(&key(ck), sc(SubtensorCall::root_register { hotkey: h }))
            .expect("root_register");
    }
    // Opt-out: errors first.
    let opt = |h: AccountId, enabled: bool| {
        sc(SubtensorCall::set_auto_parent_delegation_enabled { hotkey: h, enabled })
    };
    c.assert_noop(
        signed("//Bob"),
        opt(hk(2), false),
        Error::NonAssociatedColdKey,
    );
    own_and_stake(&mut c, &bob(), &hk(3), 0, 0);
    c.assert_noop(
        signed("//Bob"),
        opt(hk(3), false),
        Error::HotKeyNotRegisteredInSubNet,
    );
    c.dispatch(signed("//Charlie"), opt(hk(2), false))
        .expect("opt out");
    assert!(has_event(
        &c,
        SubtensorEvent::AutoParentDelegationEnabledSet {
            hotkey: hk(2),
            enabled: false
        }
    ));
    c.dispatch(
        signed("//Dave"),
        sc(SubtensorCall::register_network {
            hotkey: account("//DaveHot"),
        }),
    )
    .expect("register_network");
    let net = read(&c, |st| {
        NETWORKS_ADDED
            .keys(st)
            .into_iter()
            .find(|n| SUBNET_OWNER_HOTKEY.get(st, n) == account("//DaveHot"))
            .expect("new subnet")
    });
    let owner_hot = account("//DaveHot");
    assert!(has_event(
        &c,
        SubtensorEvent::SetChildren(hk(1), net, vec![(u64::MAX, owner_hot)])
    ));
    read(&c, |st| {
        assert_eq!(children(st, &hk(1), net), vec![(u64::MAX, owner_hot)]);
        assert!(children(st, &hk(2), net).is_empty());
        assert_eq!(parents(st, &owner_hot, net), vec![(u64::MAX, hk(1))]);
    });
}

// ------------------------------------------------------------------ swaps and dissolution

#[test]
fn hotkey_swap_moves_relations_takes_and_pending_sets() {
    let mut c = chain(false);
    // hk(1) → children hk(2); hk(3) → child hk(1); hk(4) has a pending set naming hk(1).
    for h in 1..=4 {
        own_and_stake(&mut c, &bob(), &hk(h), 1_000, 0);
    }
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(40, hk(2))]))
        .expect("1→2");
    c.dispatch(signed("//Bob"), set_call(hk(3), NET, vec![(30, hk(1))]))
        .expect("3→1");
    c.with_ctx(|ctx| {
        PENDING_CHILD_KEYS.insert(
            &mut ctx.st,
            &(NET, hk(4)),
            &(vec![(1, hk(1)), (2, hk(2))], 99),
        );
        PENDING_CHILD_KEYS.insert(&mut ctx.st, &(NET, hk(1)), &(vec![(8, hk(2))], 77));
        CHILDKEY_TAKE.insert(&mut ctx.st, &(NET, hk(1)), &500);
        LAST_TX_BLOCK_CHILD_KEY_TAKE.insert(&mut ctx.st, &hk(1), &5);
    });
    c.set_block(10_000);
    let new = hk(7);
    c.dispatch(
        signed("//Bob"),
        sc(SubtensorCall::swap_hotkey {
            hotkey: hk(1),
            new_hotkey: new,
            netuid: None,
        }),
    )
    .expect("swap");
    read(&c, |st| {
        assert_eq!(children(st, &new, NET), vec![(40, hk(2))]);
        assert_eq!(parents(st, &new, NET), vec![(30, hk(3))]);
        assert_eq!(parents(st, &hk(2), NET), vec![(40, new)]);
        assert_eq!(children(st, &hk(3), NET), vec![(30, new)]);
        // The old hotkey keeps an empty stored children list, as the reference leaves it.
        assert_eq!(CHILD_KEYS.try_get(st, &(NET, hk(1))), Some(vec![]));
        assert!(!PARENT_KEYS.contains(st, &(NET, hk(1))));
        assert_eq!(
            PENDING_CHILD_KEYS.get(st, &(NET, new)),
            (vec![(8, hk(2))], 77)
        );
        assert!(!PENDING_CHILD_KEYS.contains(st, &(NET, hk(1))));
        // Another parent's pending set: the old child replaced at the end.
        assert_eq!(
            PENDING_CHILD_KEYS.get(st, &(NET, hk(4))),
            (vec![(2, hk(2)), (1, new)], 99)
        );
        assert_eq!(CHILDKEY_TAKE.try_get(st, &(NET, new)), Some(500));
        assert!(!CHILDKEY_TAKE.contains(st, &(NET, hk(1))));
        assert_eq!(LAST_TX_BLOCK_CHILD_KEY_TAKE.get(st, &new), 5);
        assert!(!LAST_TX_BLOCK_CHILD_KEY_TAKE.contains(st, &hk(1)));
        // Stake followed; proportions of 40 and 30 parts in 2^64 − 1 are below U96F32's
        // 2^-32 resolution, so inheritance moves nothing.
        assert_eq!(stake::total_hotkey_alpha(st, &new, NET), 1_000);
        assert_eq!(inherited_alpha(st, &new, NET), 1_000);
    });
}

#[test]
fn hotkey_swap_into_a_relative_fails_and_changes_nothing() {
    let mut c = chain(false);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    own_and_stake(&mut c, &bob(), &hk(2), 0, 0);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(40, hk(2))]))
        .expect("1→2");
    c.set_block(10_000);
    // hk(2) is hk(1)'s child: rebinding the relations onto it would be a self-loop.
    c.assert_noop(
        signed("//Bob"),
        sc(SubtensorCall::swap_hotkey {
            hotkey: hk(1),
            new_hotkey: hk(2),
            netuid: Some(NET),
        }),
        Error::InvalidChild,
    );
}

#[test]
fn dissolution_clears_every_childkey_item_of_the_subnet() {
    let mut c = chain(false);
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(40, hk(2))]))
        .expect("set");
    c.with_ctx(|ctx| {
        PENDING_CHILD_KEYS.insert(&mut ctx.st, &(NET, hk(3)), &(vec![(1, hk(2))], 9));
        CHILDKEY_TAKE.insert(&mut ctx.st, &(NET, hk(1)), &5);
        // Another subnet's relations stay.
        CHILD_KEYS.insert(&mut ctx.st, &(2, hk(1)), &vec![(1, hk(2))]);
    });
    c.dispatch(
        Origin::Root,
        sc(SubtensorCall::root_dissolve_network { netuid: NET }),
    )
    .expect("dissolve");
    read(&c, |st| {
        assert!(CHILD_KEYS.iter(st).iter().all(|((n, _), _)| *n == 2));
        assert!(PARENT_KEYS.iter(st).is_empty());
        assert!(PENDING_CHILD_KEYS.iter(st).is_empty());
        assert!(CHILDKEY_TAKE.iter(st).is_empty());
        assert!(
            TRANSACTION_KEY_LAST_BLOCK
                .keys(st)
                .iter()
                .all(|k| k.1 != NET)
        );
    });
}

#[test]
fn an_unstake_below_the_threshold_drops_the_pending_sets() {
    let mut c = chain(true);
    let bob_hot = hk(1);
    c.with_ctx(|ctx| create_account_if_non_existent(&mut ctx.st, &bob(), &bob_hot));
    c.submit(
        &key("//Bob"),
        sc(SubtensorCall::add_stake {
            hotkey: bob_hot,
            netuid: NET,
            amount_staked: 100 * crate::testing::TAO,
        }),
    )
    .expect("add_stake");
    let value = read(&c, |st| total_stake_for_hotkey(st, &bob_hot));
    assert!(value > 90 * crate::testing::TAO, "{value}");
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(50 * crate::testing::TAO)));
    c.submit(&key("//Bob"), set_call(bob_hot, NET, vec![(5, hk(2))]))
        .expect("scheduled");
    read(&c, |st| {
        assert!(PENDING_CHILD_KEYS.contains(st, &(NET, bob_hot)))
    });
    // Unstaking a little keeps the value above 50 TAO: the set stays.
    let alpha = read(&c, |st| stake::alpha(st, &bob_hot, &bob(), NET));
    c.submit(
        &key("//Bob"),
        sc(SubtensorCall::remove_stake {
            hotkey: bob_hot,
            netuid: NET,
            amount_unstaked: alpha / 10,
        }),
    )
    .expect("small unstake");
    read(&c, |st| {
        assert!(PENDING_CHILD_KEYS.contains(st, &(NET, bob_hot)))
    });
    // Unstaking most of it drops below the threshold: the pending set goes.
    c.submit(
        &key("//Bob"),
        sc(SubtensorCall::remove_stake {
            hotkey: bob_hot,
            netuid: NET,
            amount_unstaked: alpha / 10 * 8,
        }),
    )
    .expect("large unstake");
    read(&c, |st| {
        assert!(total_stake_for_hotkey(st, &bob_hot) < 50 * crate::testing::TAO);
        assert!(!PENDING_CHILD_KEYS.contains(st, &(NET, bob_hot)));
    });
}

#[test]
fn the_epoch_and_the_weights_check_read_inherited_stake() {
    let mut c = chain(false);
    // Parent hk(1) with 1 000 alpha, registered child hk(2) with none.
    own_and_stake(&mut c, &bob(), &hk(1), 1_000, 0);
    c.with_ctx(|ctx| {
        crate::neurons::append_neuron(&mut ctx.st, NET, &hk(1), 1);
        crate::neurons::append_neuron(&mut ctx.st, NET, &hk(2), 1);
        STAKE_THRESHOLD.put(&mut ctx.st, &400);
    });
    read(&c, |st| {
        assert!(!crate::weights::checks::check_weights_min_stake(
            st,
            &hk(2),
            NET
        ));
    });
    c.dispatch(signed("//Bob"), set_call(hk(1), NET, vec![(HALF, hk(2))]))
        .expect("set");
    read(&c, |st| {
        // The child now weighs 1 000 · (0.5 − 2^-32) = 499.99… → 499 ≥ 400; the parent keeps
        // 500 and passes too.
        assert!(crate::weights::checks::check_weights_min_stake(
            st,
            &hk(2),
            NET
        ));
        assert!(crate::weights::checks::check_weights_min_stake(
            st,
            &hk(1),
            NET
        ));
        let uid = |h: &AccountId| usize::from(UIDS.get(st, &(NET, *h)));
        let input = crate::block::epoch_input(st, NET, 0, 10);
        assert_eq!(input.alpha_stake[uid(&hk(2))], 499);
        assert_eq!(input.alpha_stake[uid(&hk(1))], 500);
    });
}

// ------------------------------------------------------------------ invariants

/// One random operation of the property test.
#[derive(Clone, Debug)]
enum Op {
    /// `set_children(parent, [(proportion, child)])` by Bob.
    Set(u8, Vec<(u64, u8)>),
    /// An all-subnets hotkey swap of `old` to a fresh hotkey.
    Swap(u8),
    /// Apply the pending sets.
    Apply,
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    let edge = (
        prop_oneof![
            Just(u64::MAX),
            Just(u64::MAX / 2),
            Just(u64::MAX / 3),
            0..1_000u64
        ],
        0u8..6,
    );
    prop_oneof![
        6 => (0u8..6, proptest::collection::vec(edge, 0..4)).prop_map(|(p, c)| Op::Set(p, c)),
        1 => (0u8..6).prop_map(Op::Swap),
        1 => Just(Op::Apply),
    ]
}

/// `ChildKeys` and `ParentKeys` mirror each other, no hotkey is its own child or both a
/// parent and a child of another, and every parent's proportions fit.
fn assert_consistent(st: &crate::state::Overlay<'_>) {
    let children_map: BTreeMap<AccountId, Vec<(u64, AccountId)>> =
        CHILD_KEYS.iter_prefix(st, &NET).into_iter().collect();
    let parents_map: BTreeMap<AccountId, Vec<(u64, AccountId)>> =
        PARENT_KEYS.iter_prefix(st, &NET).into_iter().collect();
    for (parent, kids) in &children_map {
        let total: u128 = kids.iter().map(|(q, _)| u128::from(*q)).sum();
        assert!(total <= u128::from(u64::MAX));
        for (q, child) in kids {
            assert_ne!(child, parent, "self-loop");
            assert!(
                parents_map
                    .get(child)
                    .is_some_and(|ps| ps.contains(&(*q, *parent))),
                "child edge without its parent edge"
            );
            assert!(
                !children_map
                    .get(child)
                    .is_some_and(|ks| ks.iter().any(|(_, k)| k == parent)),
                "2-cycle"
            );
        }
    }
    for (child, ps) in &parents_map {
        assert!(!ps.is_empty(), "empty parents list stored");
        for (q, parent) in ps {
            assert!(
                children_map
                    .get(parent)
                    .is_some_and(|ks| ks.contains(&(*q, *child))),
                "parent edge without its child edge"
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Random child sets, pending applications and hotkey swaps keep the relations
    /// consistent, and a failed call changes nothing.
    #[test]
    fn relations_stay_consistent(ops in proptest::collection::vec(op(), 1..24)) {
        let mut c = chain(true);
        c.with_ctx(|ctx| PENDING_CHILDKEY_COOLDOWN.put(&mut ctx.st, &0));
        let mut keys: Vec<AccountId> = (0..6).map(hk).collect();
        for k in &keys {
            own_and_stake(&mut c, &bob(), k, 1_000, 0);
        }
        let mut fresh = 100u8;
        for op in ops {
            c.set_block(c.block + 200);
            match op {
                Op::Set(p, kids) => {
                    let call = set_call(
                        keys[usize::from(p)],
                        NET,
                        kids.iter().map(|(q, k)| (*q, keys[usize::from(*k)])).collect(),
                    );
                    let before = c.root();
                    if c.dispatch(signed("//Bob"), call).is_err() {
                        proptest::prop_assert_eq!(before, c.root());
                    }
                }
                Op::Swap(old) => {
                    let new = hk(fresh);
                    fresh = fresh.wrapping_add(1);
                    let call = sc(SubtensorCall::swap_hotkey {
                        hotkey: keys[usize::from(old)],
                        new_hotkey: new,
                        netuid: None,
                    });
                    c.set_block(c.block + 10_000);
                    let before = c.root();
                    match c.dispatch(signed("//Bob"), call) {
                        Ok(()) => keys[usize::from(old)] = new,
                        Err(_) => proptest::prop_assert_eq!(before, c.root()),
                    }
                }
                Op::Apply => c.with_ctx(|ctx| apply_pending_childkeys(ctx, NET)),
            }
            read(&c, assert_consistent);
        }
    }
}

#[test]
fn calls_have_the_reference_indices_and_argument_layout() {
    use parity_scale_codec::{Decode, Encode};
    let cases: Vec<(Call, u8)> = vec![
        (sc(SubtensorCall::root_register { hotkey: hk(1) }), 62),
        (set_call(hk(1), 3, vec![(9, hk(2))]), 67),
        (
            sc(SubtensorCall::sudo_set_tx_childkey_take_rate_limit { tx_rate_limit: 1 }),
            69,
        ),
        (
            sc(SubtensorCall::set_childkey_take {
                hotkey: hk(1),
                netuid: 3,
                take: 4,
            }),
            75,
        ),
        (
            sc(SubtensorCall::sudo_set_min_childkey_take { take: 1 }),
            76,
        ),
        (
            sc(SubtensorCall::sudo_set_max_childkey_take { take: 1 }),
            77,
        ),
        (
            sc(SubtensorCall::set_pending_childkey_cooldown { cooldown: 1 }),
            109,
        ),
        (
            sc(SubtensorCall::set_auto_parent_delegation_enabled {
                hotkey: hk(1),
                enabled: true,
            }),
            135,
        ),
    ];
    for (call, index) in cases {
        let bytes = call.encode();
        assert_eq!(bytes[..2], [7, index]);
        assert_eq!(Call::decode(&mut bytes.as_slice()), Ok(call));
    }
    // set_children: hotkey, netuid (u16 LE), then Vec<(u64 LE, AccountId)>.
    let bytes = set_call(hk(1), 3, vec![(9, hk(2))]).encode();
    let mut want = vec![7, 67];
    want.extend(hk(1).0);
    want.extend([3, 0, 4]);
    want.extend(9u64.to_le_bytes());
    want.extend(hk(2).0);
    assert_eq!(bytes, want);
}
