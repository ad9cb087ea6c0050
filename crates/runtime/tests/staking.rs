//! The staking extrinsics through the dispatcher: every call's success path with the amounts
//! computed by hand from the spec's formulas (protocol.md §4–§5), and every error path with
//! `assert_noop` (the reference's error, an unchanged state root, no events).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::{AccountId, U64F64};
use agora_runtime::balances;
use agora_runtime::call::{Call, SubtensorCall, SwapCall};
use agora_runtime::error::Error;
use agora_runtime::event::{Event, SubtensorEvent};
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::governance::AdminCall;
use agora_runtime::staking::{self, DEFAULT_MIN_STAKE};
use agora_runtime::storage::*;
use agora_runtime::swap;
use agora_runtime::testing::{TAO, TestChain, account, dev_genesis};
use agora_runtime::types::Origin;

// ------------------------------------------------------------------ fixture

const ONE: u128 = 1_000_000_000_000_000_000;

/// Dev chain, block author `//Author` (funded), root enabled for staking, and:
/// - subnet 1: owner Alice / `//AliceHot`, started, pool 1 000 TAO : 1 000 alpha (price 1);
/// - subnet 2: owner Bob / `//BobHot`, started, pool 500 TAO : 2 000 alpha (price 0.25);
/// - subnet 3: owner Alice, not started;
///
/// `//Val` (owned by Charlie) is registered on 1 and 2 with no stake; `//Staked` (owned by
/// Dave) has 100 alpha on subnet 1 from genesis.
fn chain() -> TestChain {
    let mut cfg = dev_genesis();
    cfg.balances.push(("//Author".into(), TAO));
    let sub = |netuid, owner: &str, hot: &str, started, pool: Option<(u64, u64)>| GenesisSubnet {
        netuid,
        owner_coldkey: owner.into(),
        owner_hotkey: hot.into(),
        started,
        pool_tao: pool.map(|p| p.0),
        pool_alpha: pool.map(|p| p.1),
        neurons: if netuid == 1 {
            vec![
                GenesisNeuron {
                    hotkey: "//Val".into(),
                    coldkey: "//Charlie".into(),
                    stake: 0,
                },
                GenesisNeuron {
                    hotkey: "//Staked".into(),
                    coldkey: "//Dave".into(),
                    stake: 100 * TAO,
                },
            ]
        } else if netuid == 2 {
            vec![GenesisNeuron {
                hotkey: "//Val".into(),
                coldkey: "//Charlie".into(),
                stake: 0,
            }]
        } else {
            vec![]
        },
        ..Default::default()
    };
    cfg.subnets
        .push(sub(1, "//Alice", "//AliceHot", true, None));
    cfg.subnets.push(sub(
        2,
        "//Bob",
        "//BobHot",
        true,
        Some((500 * TAO, 2_000 * TAO)),
    ));
    cfg.subnets
        .push(sub(3, "//Alice", "//AliceHot3", false, None));
    let mut chain = TestChain::new(&cfg);
    chain.author = Some(account("//Author"));
    let enable_root = Call::AdminUtils(AdminCall::sudo_set_subtoken_enabled {
        netuid: 0,
        subtoken_enabled: true,
    });
    assert_eq!(chain.dispatch(Origin::Root, enable_root), Ok(()));
    chain
}

fn signed(uri: &str) -> Origin {
    Origin::Signed(account(uri))
}

fn sc(c: SubtensorCall) -> Call {
    Call::SubtensorModule(c)
}

fn free(chain: &TestChain, who: &AccountId) -> u64 {
    chain.read(|st| balances::free(st, who))
}

fn stake_of(chain: &TestChain, hot: &str, cold: &str, netuid: NetUid) -> u64 {
    chain.read(|st| staking::alpha(st, &account(hot), &account(cold), netuid))
}

fn pool(chain: &TestChain, netuid: NetUid) -> (u64, u64) {
    chain.read(|st| {
        (
            SUBNET_TAO.get(st, &netuid),
            SUBNET_ALPHA_IN.get(st, &netuid),
        )
    })
}

fn events(chain: &TestChain) -> Vec<SubtensorEvent> {
    chain
        .last_events
        .iter()
        .filter_map(|e| match e {
            Event::SubtensorModule(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn add_stake(hot: &str, netuid: NetUid, amount: u64) -> Call {
    sc(SubtensorCall::add_stake {
        hotkey: account(hot),
        netuid,
        amount_staked: amount,
    })
}

fn remove_stake(hot: &str, netuid: NetUid, amount: u64) -> Call {
    sc(SubtensorCall::remove_stake {
        hotkey: account(hot),
        netuid,
        amount_unstaked: amount,
    })
}

// ------------------------------------------------------------------ hand computations

/// The swap fee: `⌊amount · 33 / 65535⌋` computed as the reference does, in `U64F64`.
fn fee_of(amount: u64, rate: u16) -> u64 {
    (U64F64::from_num(amount) * (U64F64::from_num(rate) / U64F64::from_num(u16::MAX))).to_num()
}

/// Output of a swap of `net` into a 0.5/0.5 pool with reserves `(r_in, r_out)`:
/// `r_out · (1 − r_in / (r_in + net))`, where the ratio is the exact `⌊10^18 · r_in /
/// (r_in + net)⌋ / 10^18` (the exponent w/w reduces to 1) and the product is floored in
/// `U64F64`.
fn out_of(r_in: u64, r_out: u64, net: u64) -> u64 {
    let parts = u128::from(r_in) * ONE / u128::from(r_in + net);
    let e = U64F64::from_num(parts) / U64F64::from_num(ONE);
    let e = e.min(U64F64::from_num(1));
    (U64F64::from_num(r_out) * (U64F64::from_num(1) - e)).to_num()
}

// ------------------------------------------------------------------ add_stake

#[test]
fn add_stake_buys_alpha_at_the_pool_price_and_pays_the_fee_to_the_author() {
    let mut chain = chain();
    let (alice, val, author) = (account("//Alice"), account("//Val"), account("//Author"));
    let (y, x) = pool(&chain, 1);
    let (alice0, author0) = (free(&chain, &alice), free(&chain, &author));
    let amount = 10 * TAO;
    assert_eq!(
        chain.dispatch(signed("//Alice"), add_stake("//Val", 1, amount)),
        Ok(())
    );

    let fee = fee_of(amount, 33);
    let net = amount - fee;
    let out = out_of(y, x, net);
    // 9.995 TAO net into 1 000 : 1 000 buys 1 000 · 9.995 / 1 009.995 ≈ 9.896 alpha.
    assert!(out > 9_896_000_000 && out < 9_897_000_000, "{out}");
    assert_eq!(
        events(&chain),
        vec![SubtensorEvent::StakeAdded(alice, val, amount, out, 1, fee)]
    );
    assert_eq!(free(&chain, &alice), alice0 - amount);
    assert_eq!(free(&chain, &author), author0 + fee);
    assert_eq!(pool(&chain, 1), (y + net, x - out));
    assert_eq!(stake_of(&chain, "//Val", "//Alice", 1), out);
    chain.read(|st| {
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1), 100 * TAO + out);
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(st, &(val, 1)), out);
        assert_eq!(SUBNET_VOLUME.get(st, &1), u128::from(amount));
        assert_eq!(SUBNET_TAO_FLOW.get(st, &1), i64::try_from(net).unwrap());
        assert!(STAKING_HOTKEYS.get(st, &alice).contains(&val));
        assert_eq!(LAST_COLDKEY_HOTKEY_STAKE_BLOCK.get(st, &(alice, val)), 1);
        // The pool was initialised to 0.5/0.5 by the first swap.
        assert!(PAL_SWAP_INITIALIZED.get(st, &1));
        assert_eq!(SWAP_BALANCER.get(st, &1), 500_000_000_000_000_000);
        // Subnet account: pool TAO plus nothing else (the fee left for the author).
        assert_eq!(balances::free(st, &balances::subnet_account(1)), y + net);
    });
    // Plain add_stake does not make the hotkey a delegate.
    chain.read(|st| assert!(!DELEGATES.contains(st, &val)));
}

#[test]
fn add_stake_without_author_burns_the_fee() {
    let mut chain = chain();
    chain.author = None;
    let burn0 = free(&chain, &balances::burn_account());
    assert_eq!(
        chain.dispatch(signed("//Alice"), add_stake("//Val", 1, 10 * TAO)),
        Ok(())
    );
    assert_eq!(
        free(&chain, &balances::burn_account()),
        burn0 + fee_of(10 * TAO, 33)
    );
}

#[test]
fn add_stake_keeps_the_staker_alive() {
    let mut chain = chain();
    let poor = account("//Poor");
    chain.with_ctx(|ctx| balances::transfer(ctx, &account("//Ferdie"), &poor, TAO, true).unwrap());
    assert_eq!(
        chain.dispatch(signed("//Poor"), add_stake("//Val", 1, TAO)),
        Ok(())
    );
    assert_eq!(free(&chain, &poor), balances::EXISTENTIAL_DEPOSIT);
    let moved = TAO - balances::EXISTENTIAL_DEPOSIT;
    let StakeEvent { tao, .. } = last_stake_added(&chain);
    assert_eq!(tao, moved);
}

struct StakeEvent {
    tao: u64,
    alpha: u64,
    fee: u64,
}

fn last_stake_added(chain: &TestChain) -> StakeEvent {
    events(chain)
        .into_iter()
        .rev()
        .find_map(|e| match e {
            SubtensorEvent::StakeAdded(_, _, tao, alpha, _, fee) => {
                Some(StakeEvent { tao, alpha, fee })
            }
            _ => None,
        })
        .expect("StakeAdded")
}

fn last_stake_removed(chain: &TestChain) -> StakeEvent {
    events(chain)
        .into_iter()
        .rev()
        .find_map(|e| match e {
            SubtensorEvent::StakeRemoved(_, _, tao, alpha, _, fee) => {
                Some(StakeEvent { tao, alpha, fee })
            }
            _ => None,
        })
        .expect("StakeRemoved")
}

#[test]
fn add_stake_errors() {
    let mut chain = chain();
    let min = DEFAULT_MIN_STAKE + fee_of(DEFAULT_MIN_STAKE, 33);
    let alice = signed("//Alice");
    chain.assert_noop(alice, add_stake("//Val", 9, TAO), Error::SubnetNotExists);
    chain.assert_noop(
        alice,
        add_stake("//AliceHot3", 3, TAO),
        Error::SubtokenDisabled,
    );
    chain.assert_noop(alice, add_stake("//Val", 1, min - 1), Error::AmountTooLow);
    assert_eq!(chain.dispatch(alice, add_stake("//Val", 1, min)), Ok(()));
    chain.assert_noop(
        signed("//Nobody"),
        add_stake("//Val", 1, TAO),
        Error::NotEnoughBalanceToStake,
    );
    chain.assert_noop(
        alice,
        add_stake("//Unknown", 1, TAO),
        Error::HotKeyAccountNotExists,
    );
    // More than 1 000 × the TAO reserve.
    let (y, _) = pool(&chain, 1);
    chain.assert_noop(
        alice,
        add_stake("//Val", 1, y * 1_000 + 1),
        Error::InsufficientLiquidity,
    );
    // A pool whose alpha reserve is below the minimum reserve cannot be bought from.
    chain.with_ctx(|ctx| SUBNET_ALPHA_IN.insert(&mut ctx.st, &2, &(swap::MINIMUM_RESERVE - 1)));
    chain.assert_noop(
        alice,
        add_stake("//Val", 2, TAO),
        Error::InsufficientLiquidity,
    );
    // Root is 1:1 and needs the subtoken.
    let disable_root = Call::AdminUtils(AdminCall::sudo_set_subtoken_enabled {
        netuid: 0,
        subtoken_enabled: false,
    });
    assert_eq!(chain.dispatch(Origin::Root, disable_root), Ok(()));
    chain.assert_noop(alice, add_stake("//Val", 0, TAO), Error::SubtokenDisabled);
}

#[test]
fn root_stake_is_one_to_one_without_fee() {
    let mut chain = chain();
    let author0 = free(&chain, &account("//Author"));
    assert_eq!(
        chain.dispatch(signed("//Alice"), add_stake("//Val", 0, 5 * TAO)),
        Ok(())
    );
    let e = last_stake_added(&chain);
    assert_eq!((e.tao, e.alpha, e.fee), (5 * TAO, 5 * TAO, 0));
    assert_eq!(free(&chain, &account("//Author")), author0);
    chain.read(|st| {
        assert_eq!(SUBNET_TAO.get(st, &0), 5 * TAO);
        assert_eq!(SUBNET_ALPHA_IN.get(st, &0), 0);
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &0), 5 * TAO);
        assert_eq!(balances::free(st, &balances::subnet_account(0)), 5 * TAO);
    });
    assert_eq!(
        chain.dispatch(signed("//Alice"), remove_stake("//Val", 0, 2 * TAO)),
        Ok(())
    );
    let e = last_stake_removed(&chain);
    assert_eq!((e.tao, e.alpha, e.fee), (2 * TAO, 2 * TAO, 0));
    assert_eq!(stake_of(&chain, "//Val", "//Alice", 0), 3 * TAO);
}

// ------------------------------------------------------------------ add_stake_limit

fn add_limit(hot: &str, netuid: NetUid, amount: u64, limit: u64, partial: bool) -> Call {
    sc(SubtensorCall::add_stake_limit {
        hotkey: account(hot),
        netuid,
        amount_staked: amount,
        limit_price: limit,
        allow_partial: partial,
    })
}

/// `⌊√n⌋` by Newton's method.
fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

#[test]
fn add_stake_limit_fills_up_to_the_limit_price() {
    let mut chain = chain();
    let (y, x) = pool(&chain, 1);
    // Price 1.0; limit 1.25 TAO per alpha. At 0.5/0.5 the TAO that reaches p′ is
    // y · ((p′/p)^½ − 1) = y · (√1.25 − 1) ≈ 118.03 TAO; the fee is recomputed on that input
    // as Δ · r / (65535 − r).
    let limit = 1_250_000_000;
    let amount = 500 * TAO;
    // (p′/p)^(w1) with w1 = 1/2 is the exact path: ⌊√(1.25 · 10^36)⌋ / 10^18 (1.25 and 1
    // are exact in U64F64, so the ratio of their bit patterns is exactly 1.25).
    let p_limit = U64F64::from_num(limit) / U64F64::from_num(1_000_000_000u64);
    assert_eq!(p_limit, U64F64::from_num(1.25));
    let ratio = isqrt(ONE * ONE / 4 * 5);
    let e = U64F64::from_num(ratio) / U64F64::from_num(ONE);
    let delta: u64 = (U64F64::from_num(y) * (e - U64F64::from_num(1))).to_num();
    let fee: u64 = (U64F64::from_num(delta)
        * (U64F64::from_num(33) / (U64F64::from_num(u16::MAX) - U64F64::from_num(33))))
    .to_num();
    assert_eq!(delta / TAO, 118);

    chain.assert_noop(
        signed("//Charlie"),
        add_limit("//Val", 1, amount, limit, false),
        Error::SlippageTooHigh,
    );
    assert_eq!(
        chain.dispatch(
            signed("//Charlie"),
            add_limit("//Val", 1, amount, limit, true)
        ),
        Ok(())
    );
    // The maximum is delta + fee; that is what moves, and it swaps delta net.
    let e_ev = last_stake_added(&chain);
    assert_eq!(e_ev.tao, delta + fee);
    assert_eq!(e_ev.fee, fee);
    assert_eq!(e_ev.alpha, out_of(y, x, delta));
    let (y2, x2) = pool(&chain, 1);
    assert_eq!((y2, x2), (y + delta, x - e_ev.alpha));
    let after = chain.read(|st| swap::current_price(st, 1));
    assert!(
        after <= p_limit && after > p_limit - U64F64::from_num(0.000_001),
        "{after}"
    );
    // A nominator's limit stake makes the hotkey a delegate (with its current take); the
    // owner's own does not.
    chain.read(|st| assert!(!DELEGATES.contains(st, &account("//Val"))));
    assert_eq!(
        chain.dispatch(
            signed("//Alice"),
            add_limit("//Val", 1, TAO, 2 * TAO, false)
        ),
        Ok(())
    );
    chain.read(|st| assert_eq!(DELEGATES.try_get(st, &account("//Val")), Some(11_796)));
    // Limits at or below the current price fail in the simulation.
    let now = chain.read(|st| swap::current_alpha_price_rao(st, 1));
    chain.assert_noop(
        signed("//Alice"),
        add_limit("//Val", 1, TAO, now, true),
        Error::PriceLimitExceeded,
    );
    // Root: a limit of 1 TAO or more is unlimited, below it nothing can be staked.
    assert_eq!(
        chain.dispatch(signed("//Alice"), add_limit("//Val", 0, TAO, TAO, false)),
        Ok(())
    );
    chain.assert_noop(
        signed("//Alice"),
        add_limit("//Val", 0, TAO, TAO - 1, false),
        Error::SlippageTooHigh,
    );
}

// ------------------------------------------------------------------ remove_stake

#[test]
fn remove_stake_sells_alpha_and_the_fee_reaches_the_author_in_tao() {
    let mut chain = chain();
    let (dave, staked, author) = (account("//Dave"), account("//Staked"), account("//Author"));
    let (y, x) = pool(&chain, 1);
    let (dave0, author0) = (free(&chain, &dave), free(&chain, &author));
    let amount = 40 * TAO;
    assert_eq!(
        chain.dispatch(signed("//Dave"), remove_stake("//Staked", 1, amount)),
        Ok(())
    );
    let fee = fee_of(amount, 33);
    let net = amount - fee;
    let out = out_of(x, y, net);
    // The fee alpha is then sold without fee into the pool as it stands after the sale.
    let fee_tao = out_of(x + net, y - out, fee);
    assert_eq!(
        events(&chain),
        vec![SubtensorEvent::StakeRemoved(dave, staked, out, net, 1, fee)]
    );
    assert_eq!(free(&chain, &dave), dave0 + out);
    assert_eq!(free(&chain, &author), author0 + fee_tao);
    assert_eq!(pool(&chain, 1), (y - out - fee_tao, x + net + fee));
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 60 * TAO);
    chain.read(|st| {
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1), 60 * TAO);
        assert_eq!(
            SUBNET_TAO_FLOW.get(st, &1),
            -i64::try_from(out + fee_tao).unwrap()
        );
        assert_eq!(SUBNET_VOLUME.get(st, &1), u128::from(out + fee_tao));
    });
}

#[test]
fn remove_stake_without_author_burns_the_alpha_fee() {
    let mut chain = chain();
    chain.author = None;
    assert_eq!(
        chain.dispatch(signed("//Dave"), remove_stake("//Staked", 1, 40 * TAO)),
        Ok(())
    );
    chain.read(|st| {
        assert_eq!(ALPHA_BURNED.get(st, &1), fee_of(40 * TAO, 33));
        // Burned alpha stays outstanding.
        assert_eq!(
            SUBNET_ALPHA_OUT.get(st, &1),
            60 * TAO + fee_of(40 * TAO, 33)
        );
    });
}

#[test]
fn remove_stake_caps_at_the_position_and_errors() {
    let mut chain = chain();
    let dave = signed("//Dave");
    // More than the stake: capped, so the whole position goes (no minimum applies then).
    assert_eq!(
        chain.dispatch(dave, remove_stake("//Staked", 1, 1_000 * TAO)),
        Ok(())
    );
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 0);
    let mut chain = self::chain();
    chain.assert_noop(
        dave,
        remove_stake("//AliceHot3", 3, TAO),
        Error::SubtokenDisabled,
    );
    chain.assert_noop(
        dave,
        remove_stake("//Staked", 9, TAO),
        Error::SubtokenDisabled,
    );
    chain.assert_noop(dave, remove_stake("//Staked", 1, 0), Error::AmountTooLow);
    // No position: capped to 0.
    chain.assert_noop(
        signed("//Eve"),
        remove_stake("//Staked", 1, TAO),
        Error::AmountTooLow,
    );
    // A partial sale below DefaultMinStake in TAO.
    chain.assert_noop(
        dave,
        remove_stake("//Staked", 1, 1_000_000),
        Error::AmountTooLow,
    );
    // A pool whose TAO reserve is below the minimum reserve cannot be sold into.
    chain.with_ctx(|ctx| SUBNET_TAO.insert(&mut ctx.st, &1, &(swap::MINIMUM_RESERVE - 1)));
    chain.assert_noop(
        dave,
        remove_stake("//Staked", 1, TAO),
        Error::InsufficientLiquidity,
    );
}

fn remove_limit(hot: &str, netuid: NetUid, amount: u64, limit: u64, partial: bool) -> Call {
    sc(SubtensorCall::remove_stake_limit {
        hotkey: account(hot),
        netuid,
        amount_unstaked: amount,
        limit_price: limit,
        allow_partial: partial,
    })
}

#[test]
fn remove_stake_limit_and_full_limit() {
    let mut chain = chain();
    let dave = signed("//Dave");
    // Selling all 100 alpha would push the price to ≈ (1000/1100)^2 ≈ 0.83; a limit of 0.9
    // allows only part of it.
    chain.assert_noop(
        dave,
        remove_limit("//Staked", 1, 100 * TAO, 900_000_000, false),
        Error::SlippageTooHigh,
    );
    // Not capped at the stake, unlike remove_stake.
    chain.assert_noop(
        dave,
        remove_limit("//Staked", 1, 101 * TAO, 100_000_000, true),
        Error::NotEnoughStakeToWithdraw,
    );
    chain.assert_noop(
        dave,
        remove_limit("//Staked", 1, TAO, 1_000_000_000, true),
        Error::PriceLimitExceeded,
    );
    assert_eq!(
        chain.dispatch(
            dave,
            remove_limit("//Staked", 1, 100 * TAO, 900_000_000, true)
        ),
        Ok(())
    );
    let sold = last_stake_removed(&chain);
    let left = stake_of(&chain, "//Staked", "//Dave", 1);
    assert_eq!(left, 100 * TAO - sold.alpha - sold.fee);
    assert!(left > 40 * TAO && left < 50 * TAO, "{left}");
    // The limited sale stops at 0.9; the fee-less sale of the alpha fee that follows moves
    // the price a hair further, as in the reference.
    let price = chain.read(|st| swap::current_price(st, 1));
    assert!(
        price < U64F64::from_num(0.9) && price > U64F64::from_num(0.8999),
        "{price}"
    );
    // The rest in full, with and without a limit.
    let full = |limit| {
        sc(SubtensorCall::remove_stake_full_limit {
            hotkey: account("//Staked"),
            netuid: 1,
            limit_price: limit,
        })
    };
    // Now below 0.9, a 0.9 limit cannot sell at all; 0.85 would be crossed by the rest.
    chain.assert_noop(dave, full(Some(900_000_000)), Error::PriceLimitExceeded);
    chain.assert_noop(dave, full(Some(850_000_000)), Error::SlippageTooHigh);
    assert_eq!(chain.dispatch(dave, full(None)), Ok(()));
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 0);
    chain.assert_noop(dave, full(None), Error::AmountTooLow);
}

// ------------------------------------------------------------------ unstake_all

#[test]
fn unstake_all_and_unstake_all_alpha() {
    let mut chain = chain();
    let alice = signed("//Alice");
    for (n, a) in [(1, 20 * TAO), (2, 10 * TAO), (0, 3 * TAO)] {
        assert_eq!(chain.dispatch(alice, add_stake("//Val", n, a)), Ok(()));
    }
    let alice0 = free(&chain, &account("//Alice"));
    let call = sc(SubtensorCall::unstake_all_alpha {
        hotkey: account("//Val"),
    });
    assert_eq!(chain.dispatch(alice, call.clone()), Ok(()));
    // Everything from subnets 1 and 2 went to root under the same hotkey.
    let root = stake_of(&chain, "//Val", "//Alice", 0);
    assert!(root > 3 * TAO + 29 * TAO && root < 33 * TAO, "{root}");
    assert_eq!(stake_of(&chain, "//Val", "//Alice", 1), 0);
    assert_eq!(stake_of(&chain, "//Val", "//Alice", 2), 0);
    assert_eq!(free(&chain, &account("//Alice")), alice0);
    // Nothing left off root.
    chain.assert_noop(alice, call, Error::AmountTooLow);
    let all = sc(SubtensorCall::unstake_all {
        hotkey: account("//Val"),
    });
    assert_eq!(chain.dispatch(alice, all.clone()), Ok(()));
    assert_eq!(stake_of(&chain, "//Val", "//Alice", 0), 0);
    assert_eq!(free(&chain, &account("//Alice")), alice0 + root);
    // Nothing to unstake: still fine (every subnet is skipped).
    assert_eq!(chain.dispatch(alice, all), Ok(()));
    chain.assert_noop(
        alice,
        sc(SubtensorCall::unstake_all {
            hotkey: account("//Unknown"),
        }),
        Error::HotKeyAccountNotExists,
    );
}

// ------------------------------------------------------------------ move / transfer / swap

fn move_call(from: &str, to: &str, n1: NetUid, n2: NetUid, amount: u64) -> Call {
    sc(SubtensorCall::move_stake {
        origin_hotkey: account(from),
        destination_hotkey: account(to),
        origin_netuid: n1,
        destination_netuid: n2,
        alpha_amount: amount,
    })
}

#[test]
fn move_stake_within_a_subnet_is_free_and_across_pays_one_fee() {
    let mut chain = chain();
    let dave = signed("//Dave");
    let (d, s, a) = (
        account("//Dave"),
        account("//Staked"),
        account("//AliceHot"),
    );
    let before = pool(&chain, 1);
    assert_eq!(
        chain.dispatch(dave, move_call("//Staked", "//AliceHot", 1, 1, 30 * TAO)),
        Ok(())
    );
    // Price 1: the TAO equivalent is the alpha.
    assert_eq!(
        events(&chain),
        vec![
            SubtensorEvent::StakeRemoved(d, s, 30 * TAO, 30 * TAO, 1, 0),
            SubtensorEvent::StakeAdded(d, a, 30 * TAO, 30 * TAO, 1, 0),
            SubtensorEvent::StakeMoved(d, s, 1, a, 1, 30 * TAO),
        ]
    );
    assert_eq!(pool(&chain, 1), before);
    assert_eq!(stake_of(&chain, "//AliceHot", "//Dave", 1), 30 * TAO);

    // Across subnets: sold on 1 with the fee, bought on 2 without.
    let (y1, x1) = pool(&chain, 1);
    let (y2, x2) = pool(&chain, 2);
    let author0 = free(&chain, &account("//Author"));
    assert_eq!(
        chain.dispatch(dave, move_call("//Staked", "//Val", 1, 2, 20 * TAO)),
        Ok(())
    );
    let fee = fee_of(20 * TAO, 33);
    let tao = out_of(x1, y1, 20 * TAO - fee);
    let fee_tao = out_of(x1 + 20 * TAO - fee, y1 - tao, fee);
    let bought = out_of(y2, x2, tao);
    assert_eq!(stake_of(&chain, "//Val", "//Dave", 2), bought);
    assert_eq!(pool(&chain, 2), (y2 + tao, x2 - bought));
    assert_eq!(free(&chain, &account("//Author")), author0 + fee_tao);
    assert_eq!(
        events(&chain).last(),
        Some(&SubtensorEvent::StakeMoved(
            d,
            s,
            1,
            account("//Val"),
            2,
            tao
        ))
    );
    // A nominator's move makes the destination hotkey a delegate.
    chain.read(|st| assert!(DELEGATES.contains(st, &account("//Val"))));
}

#[test]
fn move_stake_from_root_charges_the_destination() {
    let mut chain = chain();
    let alice = signed("//Alice");
    assert_eq!(
        chain.dispatch(alice, add_stake("//Val", 0, 10 * TAO)),
        Ok(())
    );
    let (y, x) = pool(&chain, 1);
    assert_eq!(
        chain.dispatch(alice, move_call("//Val", "//Val", 0, 1, 10 * TAO)),
        Ok(())
    );
    let e = last_stake_added(&chain);
    let fee = fee_of(10 * TAO, 33);
    assert_eq!(
        (e.tao, e.fee, e.alpha),
        (10 * TAO, fee, out_of(y, x, 10 * TAO - fee))
    );
    let removed = last_stake_removed(&chain);
    assert_eq!(removed.fee, 0);
}

#[test]
fn move_stake_errors() {
    let mut chain = chain();
    let dave = signed("//Dave");
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Staked", 1, 1, TAO),
        Error::SameNetuid,
    );
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Val", 9, 1, TAO),
        Error::SubnetNotExists,
    );
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Val", 1, 9, TAO),
        Error::SubnetNotExists,
    );
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Val", 1, 3, TAO),
        Error::SubtokenDisabled,
    );
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Unknown", 1, 1, TAO),
        Error::HotKeyAccountNotExists,
    );
    // The amount is capped at the stake, so only an empty position fails the stake check,
    // and then with AmountTooLow from the TAO minimum of an empty move.
    chain.assert_noop(
        signed("//Eve"),
        move_call("//Staked", "//Val", 1, 1, TAO),
        Error::AmountTooLow,
    );
    // Across subnets the sale must fetch more than DefaultMinStake.
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Val", 1, 2, 1_000_000),
        Error::AmountTooLow,
    );
    // Within a subnet the TAO value must be at least DefaultMinStake.
    chain.assert_noop(
        dave,
        move_call("//Staked", "//Val", 1, 1, 1_000_000),
        Error::AmountTooLow,
    );
}

#[test]
fn transfer_stake_gives_stake_to_another_coldkey() {
    let mut chain = chain();
    let dave = signed("//Dave");
    let call = |n2, amount| {
        sc(SubtensorCall::transfer_stake {
            destination_coldkey: account("//Eve"),
            hotkey: account("//Staked"),
            origin_netuid: 1,
            destination_netuid: n2,
            alpha_amount: amount,
        })
    };
    assert_eq!(chain.dispatch(dave, call(1, 10 * TAO)), Ok(()));
    assert_eq!(stake_of(&chain, "//Staked", "//Eve", 1), 10 * TAO);
    assert_eq!(
        events(&chain).last(),
        Some(&SubtensorEvent::StakeTransferred(
            account("//Dave"),
            account("//Eve"),
            account("//Staked"),
            1,
            1,
            10 * TAO
        ))
    );
    // Across subnets the TAO passes through Dave to Eve, who ends up staked on subnet 2.
    let eve0 = free(&chain, &account("//Eve"));
    assert_eq!(chain.dispatch(dave, call(2, 10 * TAO)), Ok(()));
    assert!(stake_of(&chain, "//Staked", "//Eve", 2) > 0);
    assert_eq!(free(&chain, &account("//Eve")), eve0);
    // Transfers can be switched off per subnet.
    chain.with_ctx(|ctx| TRANSFER_TOGGLE.insert(&mut ctx.st, &2, &false));
    chain.assert_noop(dave, call(2, 10 * TAO), Error::TransferDisallowed);
    assert_eq!(chain.dispatch(dave, call(1, 10 * TAO)), Ok(()));
    chain.with_ctx(|ctx| TRANSFER_TOGGLE.insert(&mut ctx.st, &1, &false));
    chain.assert_noop(dave, call(1, 10 * TAO), Error::TransferDisallowed);
}

#[test]
fn swap_stake_and_its_limit() {
    let mut chain = chain();
    let dave = signed("//Dave");
    let call = |amount| {
        sc(SubtensorCall::swap_stake {
            hotkey: account("//Staked"),
            origin_netuid: 1,
            destination_netuid: 2,
            alpha_amount: amount,
        })
    };
    let limit = |amount, price, partial| {
        sc(SubtensorCall::swap_stake_limit {
            hotkey: account("//Staked"),
            origin_netuid: 1,
            destination_netuid: 2,
            alpha_amount: amount,
            limit_price: price,
            allow_partial: partial,
        })
    };
    assert_eq!(chain.dispatch(dave, call(10 * TAO)), Ok(()));
    assert!(matches!(
        events(&chain).last(),
        Some(SubtensorEvent::StakeSwapped(_, _, 1, 2, _))
    ));
    chain.assert_noop(
        dave,
        sc(SubtensorCall::swap_stake {
            hotkey: account("//Staked"),
            origin_netuid: 1,
            destination_netuid: 1,
            alpha_amount: TAO,
        }),
        Error::SameNetuid,
    );
    // The current ratio p1/p2 is about 1 / 0.25 = 4; a limit above it allows nothing.
    let ratio = chain.read(|st| {
        swap::current_price(st, 1) / swap::current_price(st, 2) * U64F64::from_num(1_000_000_000u64)
    });
    let ratio: u64 = ratio.to_num();
    chain.assert_noop(
        dave,
        limit(10 * TAO, ratio + 1_000, false),
        Error::SlippageTooHigh,
    );
    // The closed-form maximum for a limit a little under the ratio.
    let lim = ratio / 100 * 99;
    let max = chain.read(|st| swap::get_max_amount_move(st, 1, 2, lim).unwrap());
    chain.read(|st| {
        let (t1, t2) = (SUBNET_TAO.get(st, &1), SUBNET_TAO.get(st, &2));
        let (a1, a2) = (SUBNET_ALPHA_IN.get(st, &1), SUBNET_ALPHA_IN.get(st, &2));
        // α₂ · t₁/(t₁+t₂) / L − α₁ · t₂/(t₁+t₂)
        let (t1f, t2f) = (U64F64::from_num(t1), U64F64::from_num(t2));
        let l = U64F64::from_num(lim) / U64F64::from_num(1_000_000_000u64);
        let expected: u64 = (U64F64::from_num(a2) * (t1f / (t1f + t2f)) / l
            - U64F64::from_num(a1) * (t2f / (t1f + t2f)))
            .to_num();
        assert_eq!(max, expected);
    });
    let stake0 = stake_of(&chain, "//Staked", "//Dave", 1);
    assert_eq!(chain.dispatch(dave, limit(stake0, lim, true)), Ok(()));
    assert_eq!(
        stake_of(&chain, "//Staked", "//Dave", 1),
        stake0 - max.min(stake0)
    );
}

// ------------------------------------------------------------------ recycle / burn

#[test]
fn recycle_and_burn_alpha() {
    let mut chain = chain();
    let dave = signed("//Dave");
    let call = |recycle, amount, netuid| {
        let hotkey = account("//Staked");
        sc(if recycle {
            SubtensorCall::recycle_alpha {
                hotkey,
                amount,
                netuid,
            }
        } else {
            SubtensorCall::burn_alpha {
                hotkey,
                amount,
                netuid,
            }
        })
    };
    assert_eq!(chain.dispatch(dave, call(true, 10 * TAO, 1)), Ok(()));
    assert_eq!(
        events(&chain),
        vec![SubtensorEvent::AlphaRecycled(
            account("//Dave"),
            account("//Staked"),
            10 * TAO,
            1
        )]
    );
    chain.read(|st| {
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1), 90 * TAO);
        assert_eq!(ALPHA_RECYCLED.get(st, &1), 10 * TAO);
    });
    assert_eq!(chain.dispatch(dave, call(false, 20 * TAO, 1)), Ok(()));
    chain.read(|st| {
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1), 90 * TAO);
        assert_eq!(ALPHA_BURNED.get(st, &1), 20 * TAO);
    });
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 70 * TAO);
    // Capped at the stake.
    assert_eq!(chain.dispatch(dave, call(false, 1_000 * TAO, 1)), Ok(()));
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 0);
    chain.assert_noop(dave, call(true, TAO, 9), Error::SubnetNotExists);
    chain.assert_noop(
        dave,
        call(true, TAO, 0),
        Error::CannotBurnOrRecycleOnRootSubnet,
    );
    chain.assert_noop(dave, call(false, TAO, 3), Error::SubtokenDisabled);
    chain.assert_noop(
        dave,
        sc(SubtensorCall::burn_alpha {
            hotkey: account("//Unknown"),
            amount: TAO,
            netuid: 1,
        }),
        Error::HotKeyAccountNotExists,
    );
}

#[test]
fn add_stake_burn_buys_and_burns_atomically() {
    let mut chain = chain();
    let call = |amount, limit| {
        sc(SubtensorCall::add_stake_burn {
            hotkey: account("//Val"),
            netuid: 1,
            amount,
            limit,
        })
    };
    let (y, x) = pool(&chain, 1);
    assert_eq!(
        chain.dispatch(signed("//Alice"), call(10 * TAO, None)),
        Ok(())
    );
    let bought = out_of(y, x, 10 * TAO - fee_of(10 * TAO, 33));
    assert_eq!(
        events(&chain).last(),
        Some(&SubtensorEvent::AddStakeBurn {
            netuid: 1,
            hotkey: account("//Val"),
            amount: 10 * TAO,
            alpha: bought
        })
    );
    assert_eq!(stake_of(&chain, "//Val", "//Alice", 1), 0);
    chain.read(|st| assert_eq!(ALPHA_BURNED.get(st, &1), bought));
    chain.assert_noop(
        signed("//Alice"),
        call(10 * TAO, Some(1)),
        Error::PriceLimitExceeded,
    );
    chain.assert_noop(signed("//Alice"), call(1, None), Error::AmountTooLow);
}

// ------------------------------------------------------------------ auto-stake, fee rate

#[test]
fn auto_stake_destination() {
    let mut chain = chain();
    let call = |hot: &str, netuid| {
        sc(SubtensorCall::set_coldkey_auto_stake_hotkey {
            netuid,
            hotkey: account(hot),
        })
    };
    let eve = signed("//Eve");
    assert_eq!(chain.dispatch(eve, call("//Val", 1)), Ok(()));
    assert_eq!(
        events(&chain),
        vec![SubtensorEvent::AutoStakeDestinationSet {
            coldkey: account("//Eve"),
            netuid: 1,
            hotkey: account("//Val")
        }]
    );
    chain.assert_noop(eve, call("//Val", 1), Error::SameAutoStakeHotkeyAlreadySet);
    chain.assert_noop(eve, call("//BobHot", 1), Error::HotKeyNotRegisteredInSubNet);
    chain.assert_noop(eve, call("//Val", 9), Error::SubnetNotExists);
    assert_eq!(chain.dispatch(eve, call("//Staked", 1)), Ok(()));
    chain.read(|st| {
        let e = account("//Eve");
        assert_eq!(
            AUTO_STAKE_DESTINATION.try_get(st, &(e, 1)),
            Some(account("//Staked"))
        );
        assert!(
            AUTO_STAKE_DESTINATION_COLDKEYS
                .get(st, &(account("//Val"), 1))
                .is_empty()
        );
        assert_eq!(
            AUTO_STAKE_DESTINATION_COLDKEYS.get(st, &(account("//Staked"), 1)),
            vec![e]
        );
    });
}

#[test]
fn fee_rate_is_root_settable_and_bounded() {
    let mut chain = chain();
    let set = |netuid, rate| Call::Swap(SwapCall::set_fee_rate { netuid, rate });
    chain.assert_noop(signed("//Alice"), set(1, 100), Error::BadOrigin);
    assert_eq!(chain.dispatch(Origin::Root, set(1, 0)), Ok(()));
    chain.read(|st| assert_eq!(FEE_RATE.get(st, &1), 0));
    // Root dispatch errors surface directly here (no sudo wrapper).
    chain.assert_noop(
        Origin::Root,
        set(1, swap::MAX_FEE_RATE + 1),
        Error::FeeRateTooHigh,
    );
    chain.assert_noop(Origin::Root, set(9, 1), Error::MechanismDoesNotExist);
    // With a zero fee the whole amount is swapped.
    let (y, x) = pool(&chain, 1);
    assert_eq!(
        chain.dispatch(signed("//Alice"), add_stake("//Val", 1, 10 * TAO)),
        Ok(())
    );
    let e = last_stake_added(&chain);
    assert_eq!((e.fee, e.alpha), (0, out_of(y, x, 10 * TAO)));
}

// ------------------------------------------------------------------ nominations

#[test]
fn raising_the_nominator_minimum_clears_small_nominations() {
    let mut chain = chain();
    // Eve nominates 0.01 TAO; the owner's own small stake is never cleared.
    assert_eq!(
        chain.dispatch(signed("//Eve"), add_stake("//Val", 1, 10_000_000)),
        Ok(())
    );
    assert_eq!(
        chain.dispatch(signed("//Charlie"), add_stake("//Val", 1, 10_000_000)),
        Ok(())
    );
    let eve0 = free(&chain, &account("//Eve"));
    // Factor 10^7 per million: minimum = 10 × DefaultMinStake = 0.02 TAO.
    let set = Call::AdminUtils(AdminCall::sudo_set_nominator_min_required_stake {
        min_stake: 10_000_000,
    });
    assert_eq!(chain.dispatch(Origin::Root, set), Ok(()));
    assert_eq!(stake_of(&chain, "//Val", "//Eve", 1), 0);
    assert!(free(&chain, &account("//Eve")) > eve0);
    assert!(stake_of(&chain, "//Val", "//Charlie", 1) > 0);
    // remove_stake leaving a remainder below the minimum clears the remainder too.
    assert_eq!(
        chain.dispatch(signed("//Eve"), add_stake("//Val", 1, 30_000_000)),
        Ok(())
    );
    let s = stake_of(&chain, "//Val", "//Eve", 1);
    assert_eq!(
        chain.dispatch(signed("//Eve"), remove_stake("//Val", 1, s - 5_000_000)),
        Ok(())
    );
    assert_eq!(stake_of(&chain, "//Val", "//Eve", 1), 0);
}

// ------------------------------------------------------------------ registration through the pool

#[test]
fn registration_burn_is_swapped_and_the_alpha_destroyed() {
    let mut chain = chain();
    let (y, x) = pool(&chain, 2);
    let out0 = chain.read(|st| SUBNET_ALPHA_OUT.get(st, &2));
    let burn = chain.read(|st| BURN.get(st, &2));
    let call = sc(SubtensorCall::burned_register {
        netuid: 2,
        hotkey: account("//NewHot"),
    });
    assert_eq!(chain.dispatch(signed("//Eve"), call), Ok(()));
    let fee = fee_of(burn, 33);
    let bought = out_of(y, x, burn - fee);
    assert_eq!(pool(&chain, 2), (y + burn - fee, x - bought));
    chain.read(|st| {
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &2), out0);
        // The fee stays in the subnet account outside the reserve.
        assert_eq!(balances::free(st, &balances::subnet_account(2)), y + burn);
    });
}

#[test]
fn network_registration_seeds_the_pool_at_the_median_price() {
    let mut chain = chain();
    // Prices: subnet 1 = 1, subnet 2 = 0.25, subnet 3 = 1 → median 1.
    let lock = chain.read(|st| agora_runtime::subnets::network_lock_cost(st, 1));
    let call = sc(SubtensorCall::register_network {
        hotkey: account("//NetHot"),
    });
    assert_eq!(chain.dispatch(signed("//Eve"), call), Ok(()));
    chain.read(|st| {
        assert_eq!(SUBNET_TAO.get(st, &4), lock);
        assert_eq!(SUBNET_ALPHA_IN.get(st, &4), lock);
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &4), 0);
        assert_eq!(SUBNET_VOLUME.get(st, &4), 0);
        assert_eq!(SUBNET_LOCKED.get(st, &4), lock);
    });
}

// ------------------------------------------------------------------ fees in alpha

#[test]
fn a_signer_without_tao_pays_unstaking_fees_in_alpha() {
    use agora_runtime::BlockBuilder;
    use agora_runtime::testing::key;
    let mut chain = chain();
    let (broke, staked) = (account("//Broke"), account("//Staked"));
    chain.with_ctx(|ctx| {
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &staked,
            &broke,
            1,
            50 * TAO,
        );
        SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &1, |a| *a += 50 * TAO);
    });
    let signer = key("//Broke");
    let call = remove_stake("//Staked", 1, 10 * TAO);
    let xt = chain.sign(&signer, call.clone());
    let fee = agora_runtime::fees::fee(&call, xt.len());
    let price = chain.read(|st| swap::current_price(st, 1));
    let fee_alpha: u64 = (U64F64::from_num(fee) / price).to_num();
    let author0 = free(&chain, &account("//Author"));
    let out = chain.next_block(&[xt]);
    assert_eq!(out.receipts[0].result, Ok(()));
    let paid = out.receipts[0]
        .events
        .iter()
        .find_map(|e| match e {
            Event::SubtensorModule(SubtensorEvent::TransactionFeePaidWithAlpha {
                who,
                netuid,
                alpha_fee,
                tao_amount,
            }) => Some((*who, *netuid, *alpha_fee, *tao_amount)),
            _ => None,
        })
        .expect("alpha fee event");
    assert_eq!((paid.0, paid.1, paid.2), (broke, 1, fee_alpha));
    // The fee's alpha went out fee-free to the author; the call then sold 10 alpha.
    assert_eq!(out.receipts[0].fee, paid.3);
    assert!(free(&chain, &account("//Author")) > author0 + paid.3);
    assert_eq!(
        stake_of(&chain, "//Staked", "//Broke", 1),
        40 * TAO - fee_alpha
    );
    chain.read(|st| assert_eq!(NONCES.get(st, &broke), 1));

    // Calls outside the list, and calls drawing on several subnets, cannot pay in alpha.
    // (The sale above paid Broke TAO; send it away first.)
    chain.with_ctx(|ctx| {
        balances::transfer_all(ctx, &broke, &account("//Ferdie"), false).unwrap();
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &staked,
            &broke,
            2,
            50 * TAO,
        );
        SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &2, |a| *a += 50 * TAO);
    });
    for call in [
        add_stake("//Staked", 1, TAO),
        sc(SubtensorCall::unstake_all { hotkey: staked }),
    ] {
        let xt = chain.sign(&signer, call);
        let mut b = BlockBuilder::new(&chain.state, chain.block + 1, chain.author);
        assert!(matches!(
            b.apply(&xt),
            Err(agora_runtime::TxError::CannotPayFee(_))
        ));
    }
    // Without a block author the fee is not charged at all.
    chain.author = None;
    let before = stake_of(&chain, "//Staked", "//Broke", 1);
    let xt = chain.sign(&signer, remove_stake("//Staked", 1, 5 * TAO));
    let out = chain.next_block(&[xt]);
    assert_eq!(out.receipts[0].result, Ok(()));
    assert_eq!(out.receipts[0].fee, 0);
    assert_eq!(stake_of(&chain, "//Staked", "//Broke", 1), before - 5 * TAO);
}

#[test]
fn stake_left_on_a_swapped_away_hotkey_cannot_be_validated_for_removal() {
    // swap_hotkey with keep_stake leaves the stake on the old hotkey, which loses its owner.
    let mut chain = chain();
    let swap = sc(SubtensorCall::swap_hotkey_v2 {
        hotkey: account("//Staked"),
        new_hotkey: account("//Fresh"),
        netuid: None,
        keep_stake: true,
    });
    assert_eq!(chain.dispatch(signed("//Dave"), swap), Ok(()));
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 100 * TAO);
    chain.assert_noop(
        signed("//Dave"),
        remove_stake("//Staked", 1, 10 * TAO),
        Error::HotKeyAccountNotExists,
    );
    // Without keep_stake the stake follows, by value.
    let mut chain = self::chain();
    let swap = sc(SubtensorCall::swap_hotkey_v2 {
        hotkey: account("//Staked"),
        new_hotkey: account("//Fresh"),
        netuid: None,
        keep_stake: false,
    });
    assert_eq!(chain.dispatch(signed("//Dave"), swap), Ok(()));
    assert_eq!(stake_of(&chain, "//Staked", "//Dave", 1), 0);
    assert_eq!(stake_of(&chain, "//Fresh", "//Dave", 1), 100 * TAO);
    assert_eq!(
        chain.dispatch(signed("//Dave"), remove_stake("//Fresh", 1, 10 * TAO)),
        Ok(())
    );
}

#[test]
fn recycling_more_than_is_outstanding_is_refused() {
    let mut chain = chain();
    chain.with_ctx(|ctx| SUBNET_ALPHA_OUT.insert(&mut ctx.st, &1, &(50 * TAO)));
    chain.assert_noop(
        signed("//Dave"),
        sc(SubtensorCall::recycle_alpha {
            hotkey: account("//Staked"),
            amount: 60 * TAO,
            netuid: 1,
        }),
        Error::InsufficientLiquidity,
    );
}

#[test]
fn dissolution_pays_out_share_pools_by_value() {
    let mut chain = chain();
    // Two nominators share //Val's pool on subnet 2; dividends raise both by value.
    assert_eq!(
        chain.dispatch(signed("//Alice"), add_stake("//Val", 2, 30 * TAO)),
        Ok(())
    );
    assert_eq!(
        chain.dispatch(signed("//Eve"), add_stake("//Val", 2, 10 * TAO)),
        Ok(())
    );
    chain.with_ctx(|ctx| {
        staking::increase_stake_for_hotkey_on_subnet(&mut ctx.st, &account("//Val"), 2, 40 * TAO);
        SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &2, |a| *a += 40 * TAO);
    });
    let (a, e) = (
        stake_of(&chain, "//Val", "//Alice", 2),
        stake_of(&chain, "//Val", "//Eve", 2),
    );
    let (pot, _) = pool(&chain, 2);
    let (alice0, eve0) = (
        free(&chain, &account("//Alice")),
        free(&chain, &account("//Eve")),
    );
    let dissolve = sc(SubtensorCall::root_dissolve_network { netuid: 2 });
    assert_eq!(chain.dispatch(Origin::Root, dissolve), Ok(()));
    // The pot is split over the positions' values. (The pool's alpha reserve has a claim
    // only for subnets registered after `TaoInRefundDeploymentBlock`; a genesis subnet,
    // registered at block 0, is not.)
    let total = u128::from(a) + u128::from(e);
    let share = |v: u64| u64::try_from(u128::from(pot) * u128::from(v) / total).unwrap();
    let got_a = free(&chain, &account("//Alice")) - alice0;
    let got_e = free(&chain, &account("//Eve")) - eve0;
    assert!(
        got_a == share(a) || got_a == share(a) + 1,
        "{got_a} vs {}",
        share(a)
    );
    assert!(
        got_e == share(e) || got_e == share(e) + 1,
        "{got_e} vs {}",
        share(e)
    );
    chain.read(|st| {
        assert!(ALPHA_V2.iter(st).iter().all(|((_, _, n), _)| *n != 2));
        assert!(!TOTAL_HOTKEY_SHARES_V2.contains(st, &(account("//Val"), 2)));
        assert!(!SWAP_BALANCER.contains(st, &2));
        assert!(!PAL_SWAP_INITIALIZED.contains(st, &2));
        assert!(!SUBNET_VOLUME.contains(st, &2));
    });
}

#[test]
fn read_helpers() {
    use agora_runtime::staking::info;
    let mut chain = chain();
    assert_eq!(
        chain.dispatch(signed("//Dave"), add_stake("//Val", 1, 10 * TAO)),
        Ok(())
    );
    chain.read(|st| {
        let (dave, val, staked) = (account("//Dave"), account("//Val"), account("//Staked"));
        let on_val = staking::alpha(st, &val, &dave, 1);
        // Availability: everything over the coldkey's staking hotkeys, nothing locked.
        let a = info::stake_availability(st, &dave, 1);
        assert_eq!(a.total, 100 * TAO + on_val);
        assert_eq!((a.locked, a.available), (0, a.total));
        assert_eq!(
            info::ensure_available_to_unstake(st, &dave, 1, a.total),
            Ok(())
        );
        assert_eq!(
            info::ensure_available_to_unstake(st, &dave, 1, a.total + 1),
            Err(Error::StakeUnavailable)
        );
        // The stake fee: 0 for a no-op, else the destination's (or origin's) fee rate.
        assert_eq!(
            info::get_stake_fee(st, Some((val, 1)), Some((val, 1)), TAO),
            0
        );
        assert_eq!(
            info::get_stake_fee(st, Some((val, 1)), None, TAO),
            fee_of(TAO, 33)
        );
        assert_eq!(info::get_stake_fee(st, None, Some((val, 0)), TAO), 0);
        // A hotkey's stake valued at spot prices; a coldkey's at what it would sell for plus
        // the sale fee valued at the spot price.
        let p = swap::current_price(st, 1);
        let v: u64 = (U64F64::from_num(100 * TAO) * p).to_num();
        assert_eq!(info::get_total_stake_for_hotkey(st, &staked), v);
        let sale = swap::sim_swap(st, 1, swap::Direction::Sell, 100 * TAO).unwrap();
        let fee: u64 = (U64F64::from_num(sale.fee_paid) * p).to_num();
        let sale2 = swap::sim_swap(st, 1, swap::Direction::Sell, on_val).unwrap();
        let fee2: u64 = (U64F64::from_num(sale2.fee_paid) * p).to_num();
        assert_eq!(
            info::get_total_stake_for_coldkey(st, &dave, Some(1)),
            sale.amount_paid_out + fee + sale2.amount_paid_out + fee2
        );
        assert_eq!(info::get_total_stake_for_coldkey(st, &dave, Some(2)), 0);
        // Runtime-API price and the simulated swaps agree with the engine.
        assert_eq!(
            swap::current_alpha_price_rao(st, 1),
            (p * U64F64::from_num(1_000_000_000u64)).to_num::<u64>()
        );
        assert_eq!(
            swap::spot_price(st, 0),
            agora_primitives::U96F32::from_num(1)
        );
    });
}
