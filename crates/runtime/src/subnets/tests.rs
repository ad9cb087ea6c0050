//! Tests of the subnet lifecycle: every call's success path and each error path (with
//! `assert_noop`, which also checks the state root and the absence of events).

use agora_primitives::{AccountId, I96F32, U64F64};

use super::dissolve::{INDEX_KEYED, NETUID_KEYED, NETUID_PREFIXED};
use super::register::{lock_reduction_interval, median_subnet_alpha_price};
use super::tempo::{
    HYPERPARAM_ACTIVITY_CUTOFF_FACTOR_MILLI, HYPERPARAM_TRIGGER_EPOCH, TEMPO_LAST_SET,
};
use super::*;
use crate::balances::{self, subnet_account};
use crate::call::{Call, SubtensorCall};
use crate::event::{Event, FeeEvent};
use crate::staking as stake;
use crate::testing::{TAO, TestChain, account, key};
use crate::types::{AxonInfo, Origin, WeightCommit};

fn alice() -> AccountId {
    account("//Alice")
}
fn bob() -> AccountId {
    account("//Bob")
}
fn hot(n: u32) -> AccountId {
    account(&format!("//Hot{n}"))
}
fn signed(who: AccountId) -> Origin {
    Origin::Signed(who)
}

fn register_call(hotkey: AccountId) -> Call {
    Call::SubtensorModule(SubtensorCall::register_network { hotkey })
}

fn subnet_events(chain: &TestChain) -> Vec<SubtensorEvent> {
    chain
        .last_events
        .iter()
        .filter_map(|e| match e {
            Event::SubtensorModule(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn assert_issuance_invariants(chain: &TestChain) {
    chain.read(|st| {
        let sum = balances::sum_of_balances(st);
        assert_eq!(sum, u128::from(BALANCES_ISSUANCE.get(st)));
        assert_eq!(BALANCES_ISSUANCE.get(st), TOTAL_ISSUANCE.get(st));
    });
}

/// A dev chain with Alice's subnet 1 registered at block 1 (owner hotkey `//Hot1`).
fn chain_with_subnet() -> TestChain {
    let mut chain = TestChain::dev();
    assert_eq!(
        chain.dispatch(signed(alice()), register_call(hot(1))),
        Ok(())
    );
    chain.set_block(1);
    chain
}

// ------------------------------------------------------------------ lock cost

#[test]
fn lock_cost_doubles_then_decays_linearly() {
    let mut chain = TestChain::dev();
    let l = 1_000 * TAO;
    chain.read(|st| {
        // Nothing registered yet: m = 1, no decay below the floor.
        assert_eq!(network_lock_cost(st, 5_000), l);
        assert_eq!(lock_reduction_interval(st), 100_800);
    });
    chain.with_ctx(|ctx| {
        NETWORK_LAST_LOCK_COST.put(&mut ctx.st, &(3 * l));
        NETWORK_LAST_REGISTERED.put(&mut ctx.st, &1_000);
    });
    chain.read(|st| {
        let per_block = (3 * l) / 100_800;
        // Right after a registration the price is doubled.
        assert_eq!(network_lock_cost(st, 1_000), 6 * l);
        // Linear decay.
        assert_eq!(network_lock_cost(st, 1_100), 6 * l - per_block * 100);
        assert_eq!(
            network_lock_cost(st, 1_000 + 50_400),
            6 * l - per_block * 50_400
        );
        // One interval later: back to (about) the last lock.
        assert_eq!(
            network_lock_cost(st, 1_000 + 100_800),
            6 * l - per_block * 100_800
        );
        assert!(network_lock_cost(st, 1_000 + 100_800) >= 3 * l);
        // Far later: the floor.
        assert_eq!(network_lock_cost(st, 1_000 + 10 * 100_800), l);
        // A block before the last registration cannot raise the price (saturating).
        assert_eq!(network_lock_cost(st, 10), 6 * l);
    });
    // After the first halving the interval halves, so the decay is twice as fast.
    chain.with_ctx(|ctx| TOTAL_ISSUANCE.put(&mut ctx.st, &10_500_000_000_000_000));
    chain.read(|st| {
        assert_eq!(lock_reduction_interval(st), 50_400);
        let per_block = (3 * l) / 50_400;
        assert_eq!(network_lock_cost(st, 1_100), 6 * l - per_block * 100);
    });
    // A zero interval means no decay at all (x / 0 = 0).
    chain.with_ctx(|ctx| NETWORK_LOCK_REDUCTION_INTERVAL.put(&mut ctx.st, &0));
    chain.read(|st| assert_eq!(network_lock_cost(st, 1_000_000), 6 * l));
}

#[test]
fn lock_cost_doubles_across_two_registrations() {
    let mut chain = chain_with_subnet();
    let l = 1_000 * TAO;
    chain.read(|st| {
        assert_eq!(NETWORK_LAST_LOCK_COST.get(st), l);
        assert_eq!(NETWORK_LAST_REGISTERED.get(st), 1);
        assert_eq!(network_lock_cost(st, 1), 2 * l);
    });
    chain.set_block(7_200);
    let expected = 2 * l - (l / 100_800) * 7_200;
    assert_eq!(chain.read(|st| network_lock_cost(st, 7_201)), expected);
    let before = chain.read(|st| balances::free(st, &bob()));
    assert_eq!(chain.dispatch(signed(bob()), register_call(hot(2))), Ok(()));
    chain.read(|st| {
        assert_eq!(balances::free(st, &bob()), before - expected);
        assert_eq!(NETWORK_LAST_LOCK_COST.get(st), expected);
        assert_eq!(NETWORK_LAST_REGISTERED.get(st), 7_201);
        assert_eq!(SUBNET_LOCKED.get(st, &2), expected);
        assert_eq!(SUBNET_TAO.get(st, &2), expected);
        assert_eq!(TOTAL_STAKE.get(st), l + expected);
        // Immediately after, the next one costs double this one.
        assert_eq!(network_lock_cost(st, 7_201), 2 * expected);
    });
    assert_issuance_invariants(&chain);
}

// ------------------------------------------------------------------ register_network

#[test]
fn register_network_writes_the_subnet() {
    let mut chain = TestChain::dev();
    let l = 1_000 * TAO;
    let before = chain.read(|st| balances::free(st, &alice()));
    assert_eq!(
        chain.dispatch(signed(alice()), register_call(hot(1))),
        Ok(())
    );
    chain.read(|st| {
        assert!(subnet_exists(st, 1));
        assert_eq!(SUBNET_OWNER.get(st, &1), alice());
        assert_eq!(SUBNET_OWNER_HOTKEY.get(st, &1), hot(1));
        assert_eq!(crate::accounts::owner_of(st, &hot(1)), Some(alice()));
        assert_eq!(KEYS.get(st, &(1, 0)), hot(1));
        assert_eq!(UIDS.get(st, &(1, hot(1))), 0);
        assert_eq!(SUBNETWORK_N.get(st, &1), 1);
        assert!(IS_NETWORK_MEMBER.get(st, &(hot(1), 1)));
        assert_eq!(balances::free(st, &alice()), before - l);
        assert_eq!(balances::free(st, &subnet_account(1)), l);
        assert_eq!(NETWORK_LAST_LOCK_COST.get(st), l);
        assert_eq!(NETWORK_LAST_REGISTERED.get(st), 1);
        assert_eq!(SUBNET_MECHANISM.get(st, &1), 1);
        assert_eq!(NETWORK_REGISTERED_AT.get(st, &1), 1);
        assert_eq!(REGISTERED_SUBNET_COUNTER.get(st, &1), 1);
        assert_eq!(TOKEN_SYMBOL.get(st, &1), symbols::SYMBOLS[1].to_vec());
        // No other subnet: median price 1, so alpha_in = tao.
        assert_eq!(SUBNET_TAO.get(st, &1), l);
        assert_eq!(SUBNET_ALPHA_IN.get(st, &1), l);
        assert_eq!(SUBNET_ALPHA_OUT.try_get(st, &1), Some(0));
        assert_eq!(SUBNET_LOCKED.get(st, &1), l);
        assert_eq!(TOTAL_STAKE.get(st), l);
        assert_eq!(RAO_RECYCLED_FOR_REGISTRATION.try_get(st, &1), Some(0));
        assert!(!SUBNET_EMISSION_ENABLED.get(st, &1));
        assert!(!FIRST_EMISSION_BLOCK_NUMBER.contains(st, &1));
        // init_new_network's values, with the stagger now − (1 mod 360).
        assert_eq!(TEMPO.get(st, &1), 360);
        assert_eq!(LAST_EPOCH_BLOCK.get(st, &1), 0);
        assert_eq!(MAX_ALLOWED_VALIDATORS.get(st, &1), 64);
        assert_eq!(MIN_ALLOWED_WEIGHTS.get(st, &1), 1);
        assert_eq!(BURN.get(st, &1), TAO);
        assert!(YUMA3_ON.get(st, &1));
        assert!(KAPPA.contains(st, &1));
    });
    let ev = subnet_events(&chain);
    assert_eq!(
        ev,
        vec![
            SubtensorEvent::SubnetOwnerHotkeySet(1, hot(1)),
            SubtensorEvent::NetworkAdded(1, 1),
        ]
    );
    assert_issuance_invariants(&chain);
}

#[test]
fn register_network_with_identity_stores_it() {
    let mut chain = TestChain::dev();
    let id = SubnetIdentity {
        subnet_name: b"apex".to_vec(),
        ..SubnetIdentity::default()
    };
    let call = Call::SubtensorModule(SubtensorCall::register_network_with_identity {
        hotkey: hot(1),
        identity: Some(id.clone()),
    });
    assert_eq!(chain.dispatch(signed(alice()), call), Ok(()));
    chain.read(|st| assert_eq!(SUBNET_IDENTITIES.get(st, &1), id));
    let ev = subnet_events(&chain);
    assert!(ev.contains(&SubtensorEvent::SubnetIdentitySet(1)));
    assert_eq!(ev.last(), Some(&SubtensorEvent::NetworkAdded(1, 1)));
}

#[test]
fn register_network_through_a_signed_extrinsic_pays_a_fee() {
    let mut chain = TestChain::dev();
    let before = chain.read(|st| balances::free(st, &alice()));
    assert_eq!(chain.submit(&key("//Alice"), register_call(hot(1))), Ok(()));
    let fee = chain
        .last_events
        .iter()
        .find_map(|e| match e {
            Event::TransactionPayment(FeeEvent::TransactionFeePaid {
                who, actual_fee, ..
            }) if *who == alice() => Some(*actual_fee),
            _ => None,
        })
        .expect("fee event");
    assert!(fee > 0);
    chain.read(|st| {
        assert!(subnet_exists(st, 1));
        assert_eq!(balances::free(st, &alice()), before - 1_000 * TAO - fee);
    });
    assert_issuance_invariants(&chain);
}

#[test]
fn register_network_seeds_the_pool_at_the_median_price() {
    let mut chain = chain_with_subnet();
    chain.with_ctx(|ctx| {
        NETWORK_RATE_LIMIT.put(&mut ctx.st, &0);
        // Subnet 1 at price 2.
        SUBNET_ALPHA_IN.insert(&mut ctx.st, &1, &(500 * TAO));
    });
    chain.read(|st| assert_eq!(median_subnet_alpha_price(st), U64F64::from_num(2)));
    chain.set_block(200_000);
    assert_eq!(chain.dispatch(signed(bob()), register_call(hot(2))), Ok(()));
    let pool = chain.read(|st| SUBNET_TAO.get(st, &2));
    chain.read(|st| assert_eq!(SUBNET_ALPHA_IN.get(st, &2), pool / 2));
    // Two subnets at prices 2 and 1 (subnet 2: tao / (tao / 2) = 2 exactly, so force 1).
    chain.with_ctx(|ctx| SUBNET_ALPHA_IN.insert(&mut ctx.st, &2, &pool));
    chain.read(|st| {
        assert_eq!(median_subnet_alpha_price(st), U64F64::from_num(1.5));
    });
    // A subnet with an empty alpha reserve has price 0 and is left out.
    chain.with_ctx(|ctx| SUBNET_ALPHA_IN.insert(&mut ctx.st, &2, &0));
    chain.read(|st| assert_eq!(median_subnet_alpha_price(st), U64F64::from_num(2)));
}

#[test]
fn register_network_error_paths() {
    let mut chain = chain_with_subnet();
    // Hotkey owned by another coldkey.
    chain.assert_noop(
        signed(bob()),
        register_call(hot(1)),
        Error::NonAssociatedColdKey,
    );
    // System account as hotkey.
    chain.assert_noop(
        signed(bob()),
        register_call(subnet_account(7)),
        Error::CannotUseSystemAccount,
    );
    // Rate limit: the last registration was at block 1.
    chain.assert_noop(
        signed(bob()),
        register_call(hot(2)),
        Error::NetworkTxRateLimitExceeded,
    );
    chain.set_block(7_199);
    chain.assert_noop(
        signed(bob()),
        register_call(hot(2)),
        Error::NetworkTxRateLimitExceeded,
    );
    chain.set_block(7_200);
    // Registration start block.
    chain.with_ctx(|ctx| NETWORK_REGISTRATION_START_BLOCK.put(&mut ctx.st, &10_000));
    chain.assert_noop(
        signed(bob()),
        register_call(hot(2)),
        Error::SubNetRegistrationDisabled,
    );
    chain.with_ctx(|ctx| NETWORK_REGISTRATION_START_BLOCK.put(&mut ctx.st, &0));
    // A coldkey that cannot pay.
    let poor = account("//Poor");
    chain.assert_noop(
        signed(poor),
        register_call(hot(3)),
        Error::CannotAffordLockCost,
    );
    // An invalid identity.
    let call = Call::SubtensorModule(SubtensorCall::register_network_with_identity {
        hotkey: hot(2),
        identity: Some(SubnetIdentity {
            subnet_name: vec![b'x'; 257],
            ..SubnetIdentity::default()
        }),
    });
    chain.assert_noop(signed(bob()), call, Error::InvalidIdentity);
    // The limit, with every subnet immune.
    chain.with_ctx(|ctx| SUBNET_LIMIT.put(&mut ctx.st, &1));
    chain.assert_noop(
        signed(bob()),
        register_call(hot(2)),
        Error::SubnetLimitReached,
    );
    // A valid one still passes afterwards.
    chain.with_ctx(|ctx| SUBNET_LIMIT.put(&mut ctx.st, &128));
    assert_eq!(chain.dispatch(signed(bob()), register_call(hot(2))), Ok(()));
}

#[test]
fn the_lock_is_clamped_to_keep_the_payer_alive() {
    let mut chain = TestChain::dev();
    let l = 1_000 * TAO;
    let exact = account("//Exact");
    let funded = chain.with_ctx(|ctx| balances::transfer(ctx, &alice(), &exact, l, false));
    assert_eq!(funded, Ok(()));
    assert_eq!(chain.dispatch(signed(exact), register_call(hot(1))), Ok(()));
    let actual = l - balances::EXISTENTIAL_DEPOSIT;
    chain.read(|st| {
        assert_eq!(balances::free(st, &exact), balances::EXISTENTIAL_DEPOSIT);
        assert_eq!(balances::free(st, &subnet_account(1)), actual);
        assert_eq!(SUBNET_LOCKED.get(st, &1), actual);
        assert_eq!(NETWORK_LAST_LOCK_COST.get(st), actual);
        // The pool is never seeded below the minimum lock.
        assert_eq!(SUBNET_TAO.get(st, &1), l);
        assert_eq!(SUBNET_ALPHA_IN.get(st, &1), l);
    });
    assert_issuance_invariants(&chain);
}

#[test]
fn a_lock_nothing_can_pay_while_staying_alive_is_refused() {
    let mut chain = TestChain::dev();
    let tiny = account("//Tiny");
    let funded = chain.with_ctx(|ctx| {
        NETWORK_MIN_LOCK_COST.put(&mut ctx.st, &100);
        NETWORK_LAST_LOCK_COST.put(&mut ctx.st, &100);
        balances::transfer(ctx, &alice(), &tiny, balances::EXISTENTIAL_DEPOSIT, false)
    });
    assert_eq!(funded, Ok(()));
    chain.assert_noop(
        signed(tiny),
        register_call(hot(1)),
        Error::InsufficientBalance,
    );
}

#[test]
fn netuids_fill_the_smallest_gap() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        for n in [1u16, 2, 4] {
            NETWORKS_ADDED.insert(&mut ctx.st, &n, &true);
        }
    });
    chain.read(|st| assert_eq!(register::next_netuid(st), 3));
    chain.with_ctx(|ctx| NETWORKS_ADDED.insert(&mut ctx.st, &3, &true));
    chain.read(|st| assert_eq!(register::next_netuid(st), 5));
}

/// Cheap, fast registrations: no rate limit, a 1 TAO lock that decays to the floor within
/// two blocks, and a short immunity.
fn cheap_registrations(chain: &mut TestChain) {
    chain.with_ctx(|ctx| {
        NETWORK_RATE_LIMIT.put(&mut ctx.st, &0);
        NETWORK_MIN_LOCK_COST.put(&mut ctx.st, &TAO);
        NETWORK_LAST_LOCK_COST.put(&mut ctx.st, &TAO);
        NETWORK_LOCK_REDUCTION_INTERVAL.put(&mut ctx.st, &1);
        NETWORK_IMMUNITY_PERIOD.put(&mut ctx.st, &1_000);
    });
}

#[test]
fn the_129th_registration_prunes_the_lowest_moving_price() {
    let mut chain = TestChain::dev();
    cheap_registrations(&mut chain);
    for i in 0..128u32 {
        chain.set_block(2 * u64::from(i) + 10);
        assert_eq!(
            chain.dispatch(signed(alice()), register_call(hot(1))),
            Ok(()),
            "registration {i}"
        );
    }
    chain.read(|st| {
        assert_eq!(register::non_root_subnet_count(st), 128);
        assert_eq!(network_lock_cost(st, 10_000), TAO);
    });
    // All immune at first.
    chain.assert_noop(
        signed(bob()),
        register_call(hot(2)),
        Error::SubnetLimitReached,
    );
    // Past immunity: subnet 7 has the lowest moving price, the rest tie above it.
    chain.with_ctx(|ctx| {
        for n in 1..=128u16 {
            let p = if n == 7 { 0.25 } else { 0.5 };
            let bits = I96F32::from_num(p).to_bits();
            SUBNET_MOVING_PRICE.insert(&mut ctx.st, &n, &bits);
        }
    });
    chain.read(|st| assert_eq!(get_subnet_to_prune(st, 5_000), Some(7)));
    chain.set_block(5_000);
    assert_eq!(chain.dispatch(signed(bob()), register_call(hot(2))), Ok(()));
    let ev = subnet_events(&chain);
    assert!(ev.contains(&SubtensorEvent::NetworkRemoved(7)));
    assert_eq!(ev.last(), Some(&SubtensorEvent::NetworkAdded(7, 1)));
    chain.read(|st| {
        assert_eq!(register::non_root_subnet_count(st), 128);
        assert_eq!(SUBNET_OWNER.get(st, &7), bob());
        assert_eq!(SUBNET_OWNER_HOTKEY.get(st, &7), hot(2));
        assert_eq!(REGISTERED_SUBNET_COUNTER.get(st, &7), 2);
        assert_eq!(NETWORK_REGISTERED_AT.get(st, &7), 5_001);
        assert_eq!(SUBNETWORK_N.get(st, &7), 1);
        assert!(!IS_NETWORK_MEMBER.contains(st, &(hot(1), 7)));
        // Ties on price go to the earliest registration (the new subnet 7 is immune).
        assert_eq!(get_subnet_to_prune(st, 5_500), Some(1));
    });
    assert_issuance_invariants(&chain);
}

#[test]
fn prune_choice_skips_root_and_immune_subnets() {
    let mut chain = TestChain::dev();
    cheap_registrations(&mut chain);
    chain.read(|st| assert_eq!(get_subnet_to_prune(st, 1_000_000), None));
    for i in 0..3u64 {
        chain.set_block(10 * i + 10);
        assert_eq!(
            chain.dispatch(signed(alice()), register_call(hot(1))),
            Ok(())
        );
    }
    // Registered at 11, 21, 31; immunity 1 000.
    chain.read(|st| {
        assert_eq!(get_subnet_to_prune(st, 1_010), None);
        assert_eq!(get_subnet_to_prune(st, 1_011), Some(1));
    });
    chain.with_ctx(|ctx| {
        SUBNET_MOVING_PRICE.insert(&mut ctx.st, &1, &I96F32::from_num(0.5).to_bits());
    });
    chain.read(|st| {
        // Subnet 1 costs more now, but 2 is not yet out of immunity.
        assert_eq!(get_subnet_to_prune(st, 1_011), Some(1));
        assert_eq!(get_subnet_to_prune(st, 1_021), Some(2));
    });
}

// ------------------------------------------------------------------ dissolve_network

fn root_dissolve(netuid: NetUid) -> Call {
    Call::SubtensorModule(SubtensorCall::root_dissolve_network { netuid })
}

/// Every key left in the state that belongs to `netuid` in one of the items dissolution
/// clears.
fn leftover_keys(chain: &TestChain, netuid: NetUid) -> Vec<String> {
    let be = netuid.to_be_bytes();
    chain.read(|st| {
        let mut bad = Vec::new();
        for (k, _) in st.scan_prefix(b"") {
            let Some(sep) = k.iter().position(|b| *b == 0) else {
                continue;
            };
            let name = String::from_utf8_lossy(&k[..sep]).to_string();
            let rest = &k[sep + 1..];
            let hit = if NETUID_KEYED.contains(&name.as_str())
                || NETUID_PREFIXED.contains(&name.as_str())
                || name == SUBNET_IDENTITIES.name()
            {
                rest.get(..2) == Some(&be[..])
            } else if INDEX_KEYED.contains(&name.as_str()) {
                rest.get(..2)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]) % 4096 == netuid)
                    .unwrap_or(false)
            } else if name == IS_NETWORK_MEMBER.name()
                || name == TOTAL_HOTKEY_ALPHA.name()
                || name == TOTAL_HOTKEY_SHARES_V2.name()
            {
                rest.get(32..34) == Some(&be[..])
            } else if name == ALPHA_V2.name() {
                rest.get(64..66) == Some(&be[..])
            } else {
                false
            };
            if hit {
                bad.push(name);
            }
        }
        bad
    })
}

#[test]
fn dissolve_pays_out_recycles_and_clears_everything() {
    let mut chain = chain_with_subnet();
    let l = 1_000 * TAO;
    let (carol, dave) = (account("//Charlie"), account("//Dave"));
    // Populate the subnet: two more neurons, stake, endpoints, weights, commits, params.
    chain.with_ctx(|ctx| {
        let st = &mut ctx.st;
        MECHANISM_COUNT_CURRENT.insert(st, &1, &2);
        for h in [hot(2), hot(3)] {
            crate::accounts::create_account_if_non_existent(st, &carol, &h);
            crate::neurons::append_neuron(st, 1, &h, 2);
        }
        // Alpha: carol 300 on hot2, dave 100 on hot3 (alpha_in is 1 000 TAO).
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(st, &hot(2), &carol, 1, 300 * TAO);
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(st, &hot(3), &dave, 1, 100 * TAO);
        SUBNET_ALPHA_OUT.insert(st, &1, &(400 * TAO));
        AXONS.insert(st, &(1, hot(2)), &AxonInfo::default());
        for mecid in 0..2 {
            let idx = netuid_index(1, mecid);
            WEIGHTS.insert(st, &(idx, 0), &vec![(1, 65_535)]);
            BONDS.insert(st, &(idx, 1), &vec![(0, 1)]);
            INCENTIVE.insert(st, &idx, &vec![1, 2, 3]);
            WEIGHT_COMMITS.insert(st, &(idx, hot(2)), &vec![WeightCommit::default()]);
        }
        EMISSION.insert(st, &1, &vec![1, 2, 3]);
        PENDING_SERVER_EMISSION.insert(st, &1, &5);
        SUBNET_MOVING_PRICE.insert(st, &1, &7);
        FIRST_EMISSION_BLOCK_NUMBER.insert(st, &1, &2);
        SUBNET_IDENTITIES.insert(st, &1, &SubnetIdentity::default());
        LAST_HYPERPARAM_SET.insert(st, &(1, 30), &2);
        TEMPO_LAST_SET.insert(st, &(1, alice()), &2);
        ALPHA_DIVIDENDS_PER_SUBNET.insert(st, &(1, hot(2)), &3);
        LAST_HOTKEY_SWAP_ON_NETUID.insert(st, &(1, alice()), &3);
        // Another subnet's stake and a root weight row pointing at subnet 1 stay.
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(st, &hot(2), &carol, 2, 9);
        WEIGHTS.insert(st, &(0, 0), &vec![(1, 10), (2, 20)]);
    });
    let before = chain.read(|st| {
        (
            balances::free(st, &carol),
            balances::free(st, &dave),
            balances::free(st, &alice()),
            TOTAL_ISSUANCE.get(st),
        )
    });
    // The scan sees the subnet's state before (so an empty scan afterwards means something).
    let present = leftover_keys(&chain, 1);
    for name in [
        "Keys",
        "AlphaV2",
        "TotalHotkeyAlpha",
        "TotalHotkeySharesV2",
        "IsNetworkMember",
        "Weights",
        "Bonds",
    ] {
        assert!(present.iter().any(|n| n == name), "{name} not seen");
    }
    assert!(present.len() > 60, "{}", present.len());
    chain.assert_noop(signed(alice()), root_dissolve(1), Error::BadOrigin);
    assert_eq!(chain.dispatch(Origin::Root, root_dissolve(1)), Ok(()));
    let ev = subnet_events(&chain);
    assert_eq!(
        ev,
        vec![
            SubtensorEvent::SubnetIdentityRemoved(1),
            SubtensorEvent::NetworkRemoved(1)
        ]
    );
    // Pot 1 000 TAO over 300 + 100 + protocol 1 000: carol 3/14, dave 1/14 (integers), the
    // protocol's 10/14 stays and is recycled with the rest.
    let carol_share = (l * 300) / 1_400;
    let dave_share = (l * 100) / 1_400;
    let protocol_share = (l * 1_000) / 1_400;
    let leftover = l - carol_share - dave_share - protocol_share;
    chain.read(|st| {
        assert!(leftover <= 3);
        let carol_got = balances::free(st, &carol) - before.0;
        let dave_got = balances::free(st, &dave) - before.1;
        assert!(carol_got == carol_share || carol_got == carol_share + 1);
        assert!(dave_got == dave_share || dave_got == dave_share + 1);
        // No refund for a non-legacy subnet.
        assert_eq!(balances::free(st, &alice()), before.2);
        // The subnet account keeps only the existential deposit.
        assert_eq!(
            balances::free(st, &subnet_account(1)),
            balances::EXISTENTIAL_DEPOSIT
        );
        let recycled = l - carol_got - dave_got - balances::EXISTENTIAL_DEPOSIT;
        assert_eq!(TOTAL_ISSUANCE.get(st), before.3 - recycled);
        assert_eq!(TOTAL_STAKE.get(st), 0);
        assert!(!subnet_exists(st, 1));
        // Other subnets' state is untouched; root weights to subnet 1 are zeroed.
        assert_eq!(stake::alpha(st, &hot(2), &carol, 2), 9);
        assert_eq!(WEIGHTS.get(st, &(0, 0)), vec![(1, 0), (2, 20)]);
        // The counter survives.
        assert_eq!(REGISTERED_SUBNET_COUNTER.get(st, &1), 1);
    });
    assert_eq!(leftover_keys(&chain, 1), Vec::<String>::new());
    assert_issuance_invariants(&chain);

    // Re-registration starts clean.
    chain.set_block(100_000);
    assert_eq!(chain.dispatch(signed(bob()), register_call(hot(9))), Ok(()));
    chain.read(|st| {
        assert_eq!(SUBNET_OWNER.get(st, &1), bob());
        assert_eq!(SUBNETWORK_N.get(st, &1), 1);
        assert_eq!(KEYS.iter_prefix(st, &1), vec![(0, hot(9))]);
        assert_eq!(REGISTERED_SUBNET_COUNTER.get(st, &1), 2);
        assert!(!FIRST_EMISSION_BLOCK_NUMBER.contains(st, &1));
        assert!(!SUBNET_IDENTITIES.contains(st, &1));
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1), 0);
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(st, &(hot(2), 1)), 0);
        assert_eq!(MECHANISM_COUNT_CURRENT.get(st, &1), 1);
    });
    assert_issuance_invariants(&chain);
}

#[test]
fn dissolve_refunds_legacy_owners() {
    let mut chain = chain_with_subnet();
    let l = 1_000 * TAO;
    // Registered before the start block: legacy. Only the pool's alpha (no protocol claim
    // for a subnet registered at or before the refund deployment block).
    chain.with_ctx(|ctx| {
        NETWORK_REGISTRATION_START_BLOCK.put(&mut ctx.st, &100);
        TAO_IN_REFUND_DEPLOYMENT_BLOCK.put(&mut ctx.st, &50);
        SUBNET_ALPHA_OUT.insert(&mut ctx.st, &1, &(100 * TAO));
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &hot(1),
            &bob(),
            1,
            100 * TAO,
        );
        // Only half of the lock is in the pool; the account holds all of it.
        SUBNET_TAO.insert(&mut ctx.st, &1, &(l / 2));
    });
    let (alice_before, bob_before) =
        chain.read(|st| (balances::free(st, &alice()), balances::free(st, &bob())));
    assert_eq!(chain.dispatch(Origin::Root, root_dissolve(1)), Ok(()));
    chain.read(|st| {
        // Bob holds all counted alpha: the whole pot.
        assert_eq!(balances::free(st, &bob()) - bob_before, l / 2);
        // Owner: lock − value of the owner cut of issuance (1 100 TAO of alpha at price
        // 500/1000), capped by what is left (500 TAO).
        let cut = I96F32::from_num(11_796u32) / I96F32::from_num(65_535u32);
        let owner_alpha = (I96F32::from_num(1_100 * TAO) * cut).floor();
        let owner_tao = (owner_alpha * I96F32::from_num(0.5))
            .floor()
            .to_num::<u64>();
        let refund = (l - owner_tao).min(l / 2);
        assert_eq!(balances::free(st, &alice()) - alice_before, refund);
    });
    assert_issuance_invariants(&chain);
}

#[test]
fn dissolve_error_paths() {
    let mut chain = chain_with_subnet();
    chain.assert_noop(Origin::Root, root_dissolve(0), Error::SubnetNotExists);
    chain.assert_noop(Origin::Root, root_dissolve(2), Error::SubnetNotExists);
    let call = Call::SubtensorModule(SubtensorCall::dissolve_network {
        coldkey: alice(),
        netuid: 1,
    });
    chain.assert_noop(signed(alice()), call.clone(), Error::BadOrigin);
    assert_eq!(chain.dispatch(Origin::Root, call), Ok(()));
}

// ------------------------------------------------------------------ start_call

fn start(netuid: NetUid) -> Call {
    Call::SubtensorModule(SubtensorCall::start_call { netuid })
}

#[test]
fn start_call_starts_emission_once() {
    let mut chain = chain_with_subnet();
    chain.with_ctx(|ctx| START_CALL_DELAY.put(&mut ctx.st, &10));
    chain.assert_noop(signed(alice()), start(2), Error::SubnetNotExists);
    chain.assert_noop(signed(bob()), start(1), Error::BadOrigin);
    chain.set_block(9);
    chain.assert_noop(
        signed(alice()),
        start(1),
        Error::NeedWaitingMoreBlocksToStarCall,
    );
    chain.set_block(10);
    assert_eq!(chain.dispatch(signed(alice()), start(1)), Ok(()));
    chain.read(|st| {
        assert_eq!(FIRST_EMISSION_BLOCK_NUMBER.get(st, &1), 12);
        assert!(SUBTOKEN_ENABLED.get(st, &1));
    });
    assert_eq!(
        subnet_events(&chain),
        vec![SubtensorEvent::FirstEmissionBlockNumberSet(1, 12)]
    );
    chain.assert_noop(
        signed(alice()),
        start(1),
        Error::FirstEmissionBlockNumberAlreadySet,
    );
}

// ------------------------------------------------------------------ identity and symbol

fn identity_call(netuid: NetUid, name: Vec<u8>) -> Call {
    Call::SubtensorModule(SubtensorCall::set_subnet_identity {
        netuid,
        subnet_name: name,
        github_repo: b"gh".to_vec(),
        subnet_contact: vec![],
        subnet_url: vec![],
        discord: vec![],
        description: vec![],
        logo_url: vec![],
        additional: vec![],
    })
}

#[test]
fn set_subnet_identity_paths() {
    let mut chain = chain_with_subnet();
    assert_eq!(
        chain.dispatch(signed(alice()), identity_call(1, b"apex".to_vec())),
        Ok(())
    );
    chain.read(|st| {
        let id = SUBNET_IDENTITIES.get(st, &1);
        assert_eq!(id.subnet_name, b"apex".to_vec());
        assert_eq!(id.github_repo, b"gh".to_vec());
    });
    assert_eq!(
        subnet_events(&chain),
        vec![SubtensorEvent::SubnetIdentitySet(1)]
    );
    chain.assert_noop(
        signed(bob()),
        identity_call(1, b"x".to_vec()),
        Error::NotSubnetOwner,
    );
    chain.assert_noop(
        signed(alice()),
        identity_call(2, b"x".to_vec()),
        Error::NotSubnetOwner,
    );
    chain.assert_noop(
        signed(alice()),
        identity_call(1, vec![b'x'; 257]),
        Error::InvalidIdentity,
    );
}

#[test]
fn identity_limits_are_the_references() {
    let ok = SubnetIdentity {
        subnet_name: vec![0; 256],
        github_repo: vec![0; 1024],
        subnet_contact: vec![0; 1024],
        subnet_url: vec![0; 1024],
        discord: vec![0; 256],
        description: vec![0; 1024],
        logo_url: vec![0; 1024],
        additional: vec![0; 1024],
    };
    assert!(is_valid_subnet_identity(&ok));
    let too_long = [
        SubnetIdentity {
            subnet_name: vec![0; 257],
            ..ok.clone()
        },
        SubnetIdentity {
            github_repo: vec![0; 1025],
            ..ok.clone()
        },
        SubnetIdentity {
            subnet_contact: vec![0; 1025],
            ..ok.clone()
        },
        SubnetIdentity {
            subnet_url: vec![0; 1025],
            ..ok.clone()
        },
        SubnetIdentity {
            discord: vec![0; 257],
            ..ok.clone()
        },
        SubnetIdentity {
            description: vec![0; 1025],
            ..ok.clone()
        },
        SubnetIdentity {
            logo_url: vec![0; 1025],
            ..ok.clone()
        },
        SubnetIdentity {
            additional: vec![0; 1025],
            ..ok.clone()
        },
    ];
    for id in too_long {
        assert!(!is_valid_subnet_identity(&id));
    }
}

fn symbol_call(netuid: NetUid, symbol: &[u8]) -> Call {
    Call::SubtensorModule(SubtensorCall::update_symbol {
        netuid,
        symbol: symbol.to_vec(),
    })
}

#[test]
fn update_symbol_paths() {
    let mut chain = chain_with_subnet();
    let sym = symbols::SYMBOLS[42];
    assert_eq!(chain.dispatch(signed(alice()), symbol_call(1, sym)), Ok(()));
    chain.read(|st| assert_eq!(TOKEN_SYMBOL.get(st, &1), sym.to_vec()));
    assert_eq!(
        subnet_events(&chain),
        vec![SubtensorEvent::SymbolUpdated {
            netuid: 1,
            symbol: sym.to_vec()
        }]
    );
    // Root may change it too.
    let sym2 = symbols::SYMBOLS[43];
    assert_eq!(chain.dispatch(Origin::Root, symbol_call(1, sym2)), Ok(()));
    chain.read(|st| assert_eq!(TOKEN_SYMBOL.get(st, &1), sym2.to_vec()));
    chain.assert_noop(signed(bob()), symbol_call(1, sym), Error::BadOrigin);
    chain.assert_noop(
        signed(alice()),
        symbol_call(1, symbols::DEFAULT_SYMBOL),
        Error::SymbolDoesNotExist,
    );
    chain.assert_noop(
        signed(alice()),
        symbol_call(1, b"zz"),
        Error::SymbolDoesNotExist,
    );
    // In use (by this very subnet, as in the reference).
    chain.assert_noop(
        signed(alice()),
        symbol_call(1, sym2),
        Error::SymbolAlreadyInUse,
    );
}

#[test]
fn new_subnets_take_the_next_free_symbol() {
    let mut chain = chain_with_subnet();
    // Subnet 1 takes symbol 2 (β): subnet 2 must fall back to the first free one (α).
    assert_eq!(
        chain.dispatch(signed(alice()), symbol_call(1, symbols::SYMBOLS[2])),
        Ok(())
    );
    chain.set_block(7_200);
    assert_eq!(chain.dispatch(signed(bob()), register_call(hot(2))), Ok(()));
    chain.read(|st| assert_eq!(TOKEN_SYMBOL.get(st, &2), symbols::SYMBOLS[1].to_vec()));
}

// ------------------------------------------------------------------ tempo controls

fn tempo_call(netuid: NetUid, tempo: u16) -> Call {
    Call::SubtensorModule(SubtensorCall::set_tempo { netuid, tempo })
}

#[test]
fn set_tempo_paths() {
    let mut chain = chain_with_subnet();
    chain.assert_noop(signed(bob()), tempo_call(1, 1_000), Error::BadOrigin);
    chain.assert_noop(Origin::Root, tempo_call(1, 1_000), Error::BadOrigin);
    chain.assert_noop(signed(alice()), tempo_call(1, 359), Error::TempoOutOfBounds);
    chain.assert_noop(
        signed(alice()),
        tempo_call(1, 50_401),
        Error::TempoOutOfBounds,
    );
    // LastEpochBlock 0, tempo 360: the window closes 10 blocks before 360.
    chain.set_block(350);
    chain.assert_noop(
        signed(alice()),
        tempo_call(1, 1_000),
        Error::AdminActionProhibitedDuringWeightsWindow,
    );
    chain.set_block(100);
    assert_eq!(
        chain.dispatch(signed(alice()), tempo_call(1, 1_000)),
        Ok(())
    );
    chain.read(|st| {
        assert_eq!(TEMPO.get(st, &1), 1_000);
        assert_eq!(LAST_EPOCH_BLOCK.get(st, &1), 101);
        assert_eq!(TEMPO_LAST_SET.get(st, &(1, alice())), 101);
    });
    assert_eq!(
        subnet_events(&chain),
        vec![SubtensorEvent::TempoSet(1, 1_000)]
    );
    // Once per 360 blocks.
    chain.set_block(459);
    chain.assert_noop(
        signed(alice()),
        tempo_call(1, 400),
        Error::TxRateLimitExceeded,
    );
    chain.set_block(460);
    assert_eq!(
        chain.dispatch(signed(alice()), tempo_call(1, 50_400)),
        Ok(())
    );
    chain.read(|st| assert_eq!(TEMPO.get(st, &1), 50_400));
}

fn cutoff_call(netuid: NetUid, factor_milli: u32) -> Call {
    Call::SubtensorModule(SubtensorCall::set_activity_cutoff_factor {
        netuid,
        factor_milli,
    })
}

#[test]
fn set_activity_cutoff_factor_paths() {
    let mut chain = chain_with_subnet();
    chain.assert_noop(signed(bob()), cutoff_call(1, 2_000), Error::BadOrigin);
    chain.assert_noop(
        signed(alice()),
        cutoff_call(1, 999),
        Error::ActivityCutoffFactorMilliOutOfBounds,
    );
    chain.assert_noop(
        Origin::Root,
        cutoff_call(1, 50_001),
        Error::ActivityCutoffFactorMilliOutOfBounds,
    );
    assert_eq!(
        chain.dispatch(signed(alice()), cutoff_call(1, 1_000)),
        Ok(())
    );
    chain.read(|st| {
        assert_eq!(ACTIVITY_CUTOFF_FACTOR_MILLI.get(st, &1), 1_000);
        assert_eq!(
            LAST_HYPERPARAM_SET.get(st, &(1, HYPERPARAM_ACTIVITY_CUTOFF_FACTOR_MILLI)),
            2
        );
    });
    assert_eq!(
        subnet_events(&chain),
        vec![SubtensorEvent::ActivityCutoffFactorMilliSet {
            netuid: 1,
            factor_milli: 1_000
        }]
    );
    // Owner rate limit: 2 tempos = 720 blocks.
    chain.set_block(100);
    chain.assert_noop(
        signed(alice()),
        cutoff_call(1, 3_000),
        Error::TxRateLimitExceeded,
    );
    // Owner freeze window (next epoch at 360).
    chain.set_block(355);
    chain.assert_noop(
        signed(alice()),
        cutoff_call(1, 3_000),
        Error::AdminActionProhibitedDuringWeightsWindow,
    );
    // Root bypasses both and records no rate-limit block.
    assert_eq!(chain.dispatch(Origin::Root, cutoff_call(1, 50_000)), Ok(()));
    chain.read(|st| {
        assert_eq!(ACTIVITY_CUTOFF_FACTOR_MILLI.get(st, &1), 50_000);
        assert_eq!(
            LAST_HYPERPARAM_SET.get(st, &(1, HYPERPARAM_ACTIVITY_CUTOFF_FACTOR_MILLI)),
            2
        );
    });
    // Past the rate limit, with the window open again (next epoch moved to 1 060).
    chain.with_ctx(|ctx| LAST_EPOCH_BLOCK.insert(&mut ctx.st, &1, &700));
    chain.set_block(721);
    assert_eq!(
        chain.dispatch(signed(alice()), cutoff_call(1, 4_000)),
        Ok(())
    );
}

fn trigger(netuid: NetUid) -> Call {
    Call::SubtensorModule(SubtensorCall::trigger_epoch { netuid })
}

#[test]
fn trigger_epoch_paths() {
    let mut chain = chain_with_subnet();
    chain.assert_noop(signed(bob()), trigger(1), Error::BadOrigin);
    chain.assert_noop(
        signed(alice()),
        trigger(1),
        Error::DynamicTempoBlockedByCommitReveal,
    );
    chain.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &1, &false));
    // Next automatic epoch at 360; window 10: 351 leaves 9 blocks.
    chain.set_block(350);
    chain.assert_noop(signed(alice()), trigger(1), Error::AutoEpochAlreadyImminent);
    chain.set_block(349);
    assert_eq!(chain.dispatch(signed(alice()), trigger(1)), Ok(()));
    chain.read(|st| {
        assert_eq!(PENDING_EPOCH_AT.get(st, &1), 360);
        assert_eq!(
            LAST_HYPERPARAM_SET.get(st, &(1, HYPERPARAM_TRIGGER_EPOCH)),
            350
        );
    });
    assert_eq!(
        subnet_events(&chain),
        vec![SubtensorEvent::EpochTriggered {
            netuid: 1,
            by: alice(),
            fires_at: 360
        }]
    );
    chain.assert_noop(
        signed(alice()),
        trigger(1),
        Error::EpochTriggerAlreadyPending,
    );
    // After the trigger fired: the owner rate limit (720 blocks) still applies.
    chain.with_ctx(|ctx| {
        PENDING_EPOCH_AT.insert(&mut ctx.st, &1, &0);
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &1, &360);
    });
    chain.set_block(400);
    chain.assert_noop(signed(alice()), trigger(1), Error::TxRateLimitExceeded);
    chain.with_ctx(|ctx| LAST_EPOCH_BLOCK.insert(&mut ctx.st, &1, &1_000));
    chain.set_block(1_068);
    chain.assert_noop(signed(alice()), trigger(1), Error::TxRateLimitExceeded);
    chain.set_block(1_069);
    assert_eq!(chain.dispatch(signed(alice()), trigger(1)), Ok(()));
}
