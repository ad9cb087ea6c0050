//! The coinbase on real blocks (protocol.md §2–§3): injection and its cap, chain buys,
//! emission-disabled subnets, the root sell flag, owner-hotkey burns and `MinerBurned`, the
//! auto-stake destination, parent/child dividends, the moving price and `RootProp`, the
//! halving, and root claims end to end (calls, thresholds, auto claims, the coldkey index,
//! dissolution). Expected figures are computed in each test from the spec's formulas.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::{AccountId, I96F32, SafeDiv, U64F64, U96F32};
use agora_runtime::call::{Call, SubtensorCall, SudoCall};
use agora_runtime::error::Error;
use agora_runtime::event::{BalancesEvent, Event, SubtensorEvent};
use agora_runtime::genesis::{GenesisConfig, GenesisNeuron, GenesisSubnet};
use agora_runtime::governance::{AdminCall, RecycleOrBurnEnum};
use agora_runtime::storage::*;
use agora_runtime::testing::{TAO, TestChain, account, dev_genesis, key};
use agora_runtime::types::{Origin, RootClaimTypeEnum};
use agora_runtime::{childkeys, root_claims, staking, swap};

fn f(x: u64) -> U96F32 {
    U96F32::saturating_from_num(x)
}

fn tao_weight() -> U96F32 {
    f(971_718_665_099_567_868).safe_div(f(u64::MAX))
}

/// Subnets with a pool of 1 000 TAO / 1 000 alpha, validator `//V` (Bob, 500 alpha) and
/// miner `//M` (Dave), tempo `tempo`, commit-reveal off, starting moving price `price` (rao
/// per alpha).
fn subnet(netuid: u16, tempo: u64, price: u64) -> GenesisSubnet {
    GenesisSubnet {
        netuid,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: format!("//Owner{netuid}"),
        started: true,
        params: [
            ("Tempo".to_string(), tempo),
            ("CommitRevealWeightsEnabled".to_string(), 0),
            ("WeightsSetRateLimit".to_string(), 0),
            ("SubnetMovingPrice".to_string(), price),
        ]
        .into(),
        neurons: vec![
            GenesisNeuron {
                hotkey: "//V".into(),
                coldkey: "//Bob".into(),
                stake: 500 * TAO,
            },
            GenesisNeuron {
                hotkey: "//M".into(),
                coldkey: "//Dave".into(),
                stake: 0,
            },
        ],
        pool_tao: Some(1_000 * TAO),
        pool_alpha: Some(1_000 * TAO),
    }
}

fn chain_with(subnets: Vec<GenesisSubnet>, params: &[(&str, u64)]) -> TestChain {
    let mut cfg: GenesisConfig = dev_genesis();
    cfg.subnets = subnets;
    for (k, v) in params {
        cfg.params.insert((*k).to_string(), *v);
    }
    let mut chain = TestChain::new(&cfg);
    chain.author = Some(account("//Ferdie"));
    chain
}

fn root(call: Call) -> Call {
    Call::Sudo(SudoCall::sudo {
        call: Box::new(call),
    })
}

fn sc(call: SubtensorCall) -> Call {
    Call::SubtensorModule(call)
}

fn enable_root_staking(chain: &mut TestChain) {
    let call = root(Call::AdminUtils(AdminCall::sudo_set_subtoken_enabled {
        netuid: ROOT_NETUID,
        subtoken_enabled: true,
    }));
    assert_eq!(chain.submit(&key("//Alice"), call), Ok(()));
}

fn stake(chain: &mut TestChain, cold: &str, hot: &str, netuid: u16, tao: u64) {
    let call = sc(SubtensorCall::add_stake {
        hotkey: account(hot),
        netuid,
        amount_staked: tao,
    });
    assert_eq!(chain.submit(&key(cold), call), Ok(()));
}

fn minted(events: &[Event]) -> u64 {
    events
        .iter()
        .map(|e| match e {
            Event::Balances(BalancesEvent::Minted { amount, .. }) => *amount,
            _ => 0,
        })
        .sum()
}

#[test]
fn with_root_stake_the_emission_is_injected_at_the_spot_price() {
    // A price of 2 (1 000 TAO / 500 alpha) and a large root stake: τ/p = 0.5 alpha is under
    // the cap rp · 1 alpha.
    let mut sn = subnet(1, 360, 1_000_000_000);
    sn.pool_alpha = Some(500 * TAO);
    let mut chain = chain_with(vec![sn], &[("NumRootClaim", 0)]);
    enable_root_staking(&mut chain);
    stake(&mut chain, "//Charlie", "//V", ROOT_NETUID, 900_000 * TAO);
    let (price, tao0, alpha0, issuance, root_tao, bought0) = chain.read(|st| {
        (
            swap::spot_price(st, 1),
            SUBNET_TAO.get(st, &1),
            SUBNET_ALPHA_IN.get(st, &1),
            SUBNET_ALPHA_IN.get(st, &1) + SUBNET_ALPHA_OUT.get(st, &1),
            SUBNET_TAO.get(st, &ROOT_NETUID),
            SUBNET_PROTOCOL_ALPHA.get(st, &1),
        )
    });
    chain.next_block(&[]);
    // One emitting subnet: τ = E = 1 TAO. alpha_in = τ/p, capped at rp · 1 alpha.
    let tau = f(1_000_000_000);
    let alpha_in = tau.safe_div(price);
    let rt = f(root_tao).saturating_mul(tao_weight());
    let rp = rt / (rt + f(issuance));
    assert!(alpha_in < rp * f(1_000_000_000), "the cap does not bind");
    chain.read(|st| {
        assert_eq!(SUBNET_TAO_IN_EMISSION.get(st, &1), 1_000_000_000);
        assert_eq!(
            SUBNET_ALPHA_IN_EMISSION.get(st, &1),
            alpha_in.saturating_to_num::<u64>()
        );
        assert_eq!(SUBNET_EXCESS_TAO.get(st, &1), 0);
        assert_eq!(SUBNET_TAO.get(st, &1), tao0 + 1_000_000_000);
        assert_eq!(
            SUBNET_ALPHA_IN.get(st, &1),
            alpha0 + alpha_in.saturating_to_num::<u64>()
        );
        // Balanced injection: the price is unchanged up to the floor of alpha_in.
        let after = swap::spot_price(st, 1);
        let drift = if after > price {
            after - price
        } else {
            price - after
        };
        assert!(
            drift < price / f(1_000_000),
            "price moved from {price} to {after}"
        );
        assert_eq!(SUBNET_PROTOCOL_ALPHA.get(st, &1), bought0, "no chain buy");
    });
    assert_eq!(minted(&chain.last_events), 1_000_000_000);
}

#[test]
fn without_root_stake_everything_is_a_chain_buy() {
    let mut chain = chain_with(vec![subnet(1, 360, 1_000_000_000)], &[]);
    let (alpha0, out0) =
        chain.read(|st| (SUBNET_ALPHA_IN.get(st, &1), SUBNET_ALPHA_OUT.get(st, &1)));
    let sim = chain.read(|st| swap::sim_swap_tao_for_alpha(st, 1, 1_000_000_000).unwrap());
    chain.next_block(&[]);
    chain.read(|st| {
        // rp = 0: no liquidity injected; the whole τ buys alpha for the protocol, fee-free.
        assert_eq!(SUBNET_TAO_IN_EMISSION.get(st, &1), 0);
        assert_eq!(SUBNET_ALPHA_IN_EMISSION.get(st, &1), 0);
        assert_eq!(SUBNET_EXCESS_TAO.get(st, &1), 1_000_000_000);
        let bought = SUBNET_PROTOCOL_ALPHA.get(st, &1);
        assert!(bought > 0);
        // The fee-free buy gets at least the simulated (fee-paying) amount.
        assert!(bought >= sim.alpha_amount);
        assert_eq!(SUBNET_ALPHA_IN.get(st, &1), alpha0 - bought);
        // Alpha out: the bought alpha plus this block's alpha emission (1 alpha).
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1), out0 + bought + 1_000_000_000);
        assert_eq!(SUBNET_PROTOCOL_FLOW.get(st, &1), 1_000_000_000);
    });
}

#[test]
fn emission_disabled_subnets_get_no_tao_but_keep_their_alpha() {
    let mut chain = chain_with(
        vec![subnet(1, 360, 500_000_000), subnet(2, 360, 500_000_000)],
        &[],
    );
    let call = root(Call::AdminUtils(
        AdminCall::sudo_set_subnet_emission_enabled {
            netuid: 2,
            enabled: false,
        },
    ));
    assert_eq!(chain.submit(&key("//Alice"), call), Ok(()));
    let pending0 = chain.read(|st| PENDING_SERVER_EMISSION.get(st, &2));
    chain.next_block(&[]);
    chain.read(|st| {
        // Subnet 1 gets the whole τ (its share renormalised to 1), subnet 2 nothing.
        assert_eq!(SUBNET_EXCESS_TAO.get(st, &1), 1_000_000_000);
        assert_eq!(SUBNET_EXCESS_TAO.get(st, &2), 0);
        assert_eq!(SUBNET_TAO_IN_EMISSION.get(st, &2), 0);
        // Subnet 2's alpha side still runs: half of the non-owner alpha to miners.
        let rest = f(1_000_000_000) - f(1_000_000_000) * f(11_796).safe_div(f(65_535));
        assert_eq!(
            PENDING_SERVER_EMISSION.get(st, &2) - pending0,
            (rest / f(2)).saturating_to_num::<u64>()
        );
        assert_eq!(SUBNET_ALPHA_OUT_EMISSION.get(st, &2), 1_000_000_000);
    });
}

#[test]
fn without_root_sells_the_root_share_is_recycled() {
    // One subnet with a moving price of 0.3: the prices sum to less than 1.
    let mut chain = chain_with(vec![subnet(1, 360, 300_000_000)], &[("NumRootClaim", 0)]);
    enable_root_staking(&mut chain);
    stake(&mut chain, "//Charlie", "//V", ROOT_NETUID, 10_000 * TAO);
    let (recycled0, root_pending0) = chain.read(|st| {
        (
            ALPHA_RECYCLED.get(st, &1),
            PENDING_ROOT_ALPHA_DIVS.get(st, &1),
        )
    });
    chain.next_block(&[]);
    chain.read(|st| {
        assert_eq!(PENDING_ROOT_ALPHA_DIVS.get(st, &1), root_pending0);
        let recycled = ALPHA_RECYCLED.get(st, &1) - recycled0;
        // The root part: rp (after minting) · R / 2, recycled after the split.
        let issuance_mid = SUBNET_ALPHA_IN.get(st, &1) + SUBNET_ALPHA_OUT.get(st, &1) + recycled;
        let rt = f(SUBNET_TAO.get(st, &ROOT_NETUID)).saturating_mul(tao_weight());
        let rp = rt / (rt + f(issuance_mid));
        let rest = f(1_000_000_000) - f(1_000_000_000) * f(11_796).safe_div(f(65_535));
        assert!(recycled > 0);
        assert_eq!(recycled, (rp * rest / f(2)).saturating_to_num::<u64>());
    });
}

#[test]
fn owner_hotkey_incentive_is_burned_and_moves_emission_away() {
    let mut chain = chain_with(
        vec![subnet(1, 10, 500_000_000), subnet(2, 10, 500_000_000)],
        &[("AdminFreezeWindow", 0)],
    );
    // Validators weight the owner hotkey (uid 0) on subnet 1, the miner on subnet 2.
    chain.run_to_block(11);
    for (netuid, target) in [(1u16, 0u16), (2, 2)] {
        let call = sc(SubtensorCall::set_weights {
            netuid,
            dests: vec![target],
            weights: vec![1],
            version_key: 0,
        });
        assert_eq!(chain.submit(&key("//V"), call), Ok(()));
    }
    let burned0 = chain.read(|st| ALPHA_BURNED.get(st, &1));
    chain.run_to_block(21);
    chain.read(|st| {
        // Everything the owner hotkey earned was burned: MinerBurned = 1.
        assert!(ALPHA_BURNED.get(st, &1) > burned0);
        assert_eq!(
            MINER_BURNED.get(st, &1),
            U96F32::saturating_from_num(1u8).to_bits()
        );
        assert_eq!(MINER_BURNED.get(st, &2), 0);
        let owner_hot = account("//Owner1");
        // The owner cut is still paid to the owner hotkey.
        assert!(staking::alpha(st, &owner_hot, &account("//Alice"), 1) > 0);
    });
    // From the next block, subnet 1's share is (1 − 1) · its price share: all TAO goes to 2.
    chain.next_block(&[]);
    chain.read(|st| {
        assert_eq!(
            SUBNET_EXCESS_TAO.get(st, &1) + SUBNET_TAO_IN_EMISSION.get(st, &1),
            0
        );
        assert_eq!(
            SUBNET_EXCESS_TAO.get(st, &2) + SUBNET_TAO_IN_EMISSION.get(st, &2),
            1_000_000_000
        );
    });
    // Recycling instead: the incentive leaves the issuance.
    let call = root(Call::AdminUtils(AdminCall::sudo_set_recycle_or_burn {
        netuid: 1,
        recycle_or_burn: RecycleOrBurnEnum::Recycle,
    }));
    assert_eq!(chain.submit(&key("//Alice"), call), Ok(()));
    let recycled0 = chain.read(|st| ALPHA_RECYCLED.get(st, &1));
    let burned1 = chain.read(|st| ALPHA_BURNED.get(st, &1));
    chain.run_to_block(41);
    chain.read(|st| {
        assert!(ALPHA_RECYCLED.get(st, &1) > recycled0);
        assert_eq!(ALPHA_BURNED.get(st, &1), burned1);
    });
}

#[test]
fn miner_incentive_goes_to_the_auto_stake_destination() {
    let mut sn = subnet(1, 10, 1_000_000_000);
    sn.neurons.push(GenesisNeuron {
        hotkey: "//M2".into(),
        coldkey: "//Dave".into(),
        stake: 0,
    });
    let mut chain = chain_with(vec![sn], &[]);
    let call = sc(SubtensorCall::set_coldkey_auto_stake_hotkey {
        netuid: 1,
        hotkey: account("//M2"),
    });
    assert_eq!(chain.submit(&key("//Dave"), call), Ok(()));
    chain.run_to_block(11);
    let call = sc(SubtensorCall::set_weights {
        netuid: 1,
        dests: vec![2],
        weights: vec![1],
        version_key: 0,
    });
    assert_eq!(chain.submit(&key("//V"), call), Ok(()));
    let mut events = Vec::new();
    while chain.block < 21 {
        chain.next_block(&[]);
        events.extend(chain.last_events.clone());
    }
    let auto = events.iter().any(|e| {
        matches!(
            e,
            Event::SubtensorModule(SubtensorEvent::AutoStakeAdded { destination, hotkey, .. })
                if *destination == account("//M2") && *hotkey == account("//M")
        )
    });
    assert!(auto, "AutoStakeAdded at the epoch");
    chain.read(|st| {
        let dave = account("//Dave");
        assert_eq!(staking::alpha(st, &account("//M"), &dave, 1), 0);
        assert!(staking::alpha(st, &account("//M2"), &dave, 1) > 0);
    });
}

#[test]
fn a_parent_receives_its_share_of_its_childs_dividends_less_the_childkey_take() {
    let mut sn = subnet(1, 10, 1_000_000_000);
    sn.started = false;
    sn.neurons.push(GenesisNeuron {
        hotkey: "//P".into(),
        coldkey: "//Charlie".into(),
        stake: 300 * TAO,
    });
    let mut chain = chain_with(vec![sn], &[]);
    // Charlie's hotkey P (uid 3, no weights) lends all its stake to V; before start_call the
    // relation applies at once. V keeps a childkey take of 1 000 / 65 535.
    let call = sc(SubtensorCall::set_children {
        hotkey: account("//P"),
        netuid: 1,
        children: vec![(u64::MAX, account("//V"))],
    });
    assert_eq!(chain.submit(&key("//Charlie"), call), Ok(()));
    let call = sc(SubtensorCall::set_childkey_take {
        hotkey: account("//V"),
        netuid: 1,
        take: 1_000,
    });
    assert_eq!(chain.submit(&key("//Bob"), call), Ok(()));
    let call = sc(SubtensorCall::start_call { netuid: 1 });
    assert_eq!(chain.submit(&key("//Alice"), call), Ok(()));
    chain.read(|st| assert_eq!(childkeys::parents(st, &account("//V"), 1).len(), 1));
    chain.run_to_block(10);
    let call = sc(SubtensorCall::set_weights {
        netuid: 1,
        dests: vec![2],
        weights: vec![1],
        version_key: 0,
    });
    assert_eq!(chain.submit(&key("//V"), call), Ok(()));
    // Run to the block before the next epoch, then the epoch block itself.
    let next = chain.read(|st| LAST_EPOCH_BLOCK.get(st, &1)) + 10;
    chain.run_to_block(next - 1);
    let (pending_validator, v0, p0) = chain.read(|st| {
        (
            PENDING_VALIDATOR_EMISSION.get(st, &1),
            staking::total_hotkey_alpha(st, &account("//V"), 1),
            staking::total_hotkey_alpha(st, &account("//P"), 1),
        )
    });
    chain.next_block(&[]);
    let d = chain.read(|st| EMISSION.get(st, &1))[1];
    assert!(d > 0, "V earned dividends");
    // This block's validator addition (no root stake: rp = 0): R − R/2.
    let rest = f(1_000_000_000) - f(1_000_000_000) * f(11_796).safe_div(f(65_535));
    let pool = pending_validator + (rest - rest / f(2)).saturating_to_num::<u64>();
    // §5.7: V's own contribution 500 alpha (floored), P's 300 alpha · 1; P's share of D less
    // V's childkey take (owners differ).
    let total = f(v0) + f(p0);
    let p_share = f(d) * (f(p0) / total);
    let take = f(1_000).safe_div(f(65_535)) * p_share;
    let to_p = (p_share - take).saturating_to_num::<u64>();
    let to_v = (f(d) - p_share + take).saturating_to_num::<u64>();
    // §3.5 step 5: the validator pool split by those weights (both pure alpha).
    let p_alpha = f(pool) * (f(to_p) / (f(to_p) + f(to_v)));
    chain.read(|st| {
        let p_gain = staking::total_hotkey_alpha(st, &account("//P"), 1) - p0;
        let delegate_take = f(11_796).safe_div(f(65_535)) * p_alpha;
        let want = delegate_take.saturating_to_num::<u64>()
            + (p_alpha - delegate_take).saturating_to_num::<u64>();
        assert_eq!(p_gain, want, "parent's dividends");
        assert!(p_gain > 0);
    });
}

#[test]
fn the_moving_price_and_root_prop_follow_the_coinbase() {
    let mut chain = chain_with(vec![subnet(1, 360, 400_000_000)], &[("NumRootClaim", 0)]);
    enable_root_staking(&mut chain);
    stake(&mut chain, "//Charlie", "//V", ROOT_NETUID, 2_000 * TAO);
    chain.run_to_block(50);
    let prev = chain.read(|st| I96F32::from_bits(SUBNET_MOVING_PRICE.get(st, &1)));
    chain.next_block(&[]);
    chain.read(|st| {
        // §3.7 with the spot price after this block's injection (nothing trades after it).
        let b = U64F64::saturating_from_num(51u64 - (FIRST_EMISSION_BLOCK_NUMBER.get(st, &1) - 1));
        let ma = U64F64::saturating_from_num(I96F32::from_bits(
            agora_runtime::types::DEFAULT_SUBNET_MOVING_ALPHA_BITS,
        ));
        let alpha = ma * (b / (b + U64F64::saturating_from_num(201_600u64)));
        let spot = swap::current_price(st, 1).min(U64F64::saturating_from_num(1u8));
        let want = I96F32::saturating_from_num(
            alpha * spot
                + (U64F64::saturating_from_num(1u8) - alpha) * U64F64::saturating_from_num(prev),
        );
        assert_eq!(I96F32::from_bits(SUBNET_MOVING_PRICE.get(st, &1)), want);
        // RootProp: root TAO · w over itself plus the alpha issuance, after the block.
        let rt = f(SUBNET_TAO.get(st, &ROOT_NETUID)) * tao_weight();
        let issuance = SUBNET_ALPHA_IN.get(st, &1) + SUBNET_ALPHA_OUT.get(st, &1);
        assert_eq!(ROOT_PROP.get(st, &1), (rt / (rt + f(issuance))).to_bits());
        // `BlockEmission` holds the last evaluation: the subnet's alpha emission.
        assert_eq!(BLOCK_EMISSION.get(st), 1_000_000_000);
    });
}

#[test]
fn the_block_emission_halves_at_half_the_supply() {
    for (extra, emission) in [(1u64, 1_000_000_000u64), (0, 500_000_000)] {
        // dev_genesis holds 6 M TAO and the pool 1 000 TAO; top Alice up to 10.5 M TAO in
        // total (minus `extra` rao).
        let mut cfg = dev_genesis();
        let topup = 10_500_000 * TAO - 6_000_000 * TAO - 1_000 * TAO - extra;
        cfg.balances.push(("//Alice".into(), topup));
        cfg.subnets = vec![subnet(1, 360, 1_000_000_000)];
        let mut chain = TestChain::new(&cfg);
        assert_eq!(
            chain.read(|st| TOTAL_ISSUANCE.get(st)),
            10_500_000 * TAO - extra
        );
        chain.next_block(&[]);
        assert_eq!(minted(&chain.last_events), emission);
        chain.read(|st| {
            assert_eq!(TOTAL_ISSUANCE.get(st), 10_500_000 * TAO - extra + emission);
            assert_eq!(TOTAL_ISSUANCE.get(st), BALANCES_ISSUANCE.get(st));
        });
    }
}

// ------------------------------------------------------------------------- root claims

fn claim(subnets: &[u16]) -> Call {
    sc(SubtensorCall::claim_root {
        subnets: subnets.iter().copied().collect(),
    })
}

#[test]
fn root_claim_calls_check_their_arguments_and_origins() {
    let mut chain = chain_with(vec![subnet(1, 360, 0)], &[]);
    let bob = Origin::Signed(account("//Bob"));
    chain.assert_noop(bob, claim(&[]), Error::InvalidSubnetNumber);
    chain.assert_noop(bob, claim(&[1, 2, 3, 4, 5, 6]), Error::InvalidSubnetNumber);
    chain.assert_noop(
        bob,
        sc(SubtensorCall::set_root_claim_type {
            new_root_claim_type: RootClaimTypeEnum::KeepSubnets {
                subnets: Default::default(),
            },
        }),
        Error::InvalidSubnetNumber,
    );
    chain.assert_noop(
        bob,
        sc(SubtensorCall::sudo_set_num_root_claims { new_value: 5 }),
        Error::BadOrigin,
    );
    chain.assert_noop(
        Origin::Root,
        sc(SubtensorCall::sudo_set_num_root_claims { new_value: 51 }),
        Error::InvalidNumRootClaim,
    );
    assert_eq!(
        chain.dispatch(
            Origin::Root,
            sc(SubtensorCall::sudo_set_num_root_claims { new_value: 50 })
        ),
        Ok(())
    );
    chain.read(|st| assert_eq!(NUM_ROOT_CLAIM.get(st), 50));
    let threshold = |v| {
        sc(SubtensorCall::sudo_set_root_claim_threshold {
            netuid: 1,
            new_value: v,
        })
    };
    chain.assert_noop(bob, threshold(7), Error::BadOrigin);
    chain.assert_noop(
        Origin::Signed(account("//Alice")),
        threshold(10_000_001),
        Error::InvalidRootClaimThreshold,
    );
    assert_eq!(
        chain.dispatch(Origin::Signed(account("//Alice")), threshold(10_000_000)),
        Ok(())
    );
    assert_eq!(chain.dispatch(Origin::Root, threshold(7)), Ok(()));
    chain.read(|st| assert_eq!(ROOT_CLAIMABLE_THRESHOLD.get(st, &1), 7));
    // A valid claim with nothing owed succeeds, indexes the coldkey and reports the claim.
    assert_eq!(chain.dispatch(bob, claim(&[1])), Ok(()));
    assert!(chain.last_events.iter().any(|e| matches!(
        e,
        Event::SubtensorModule(SubtensorEvent::RootClaimed { coldkey }) if *coldkey == account("//Bob")
    )));
    chain.read(|st| assert_eq!(STAKING_COLDKEYS.try_get(st, &account("//Bob")), Some(0)));
    let keep = sc(SubtensorCall::set_root_claim_type {
        new_root_claim_type: RootClaimTypeEnum::Keep,
    });
    assert_eq!(chain.dispatch(bob, keep), Ok(()));
    chain.read(|st| {
        assert_eq!(
            ROOT_CLAIM_TYPE.get(st, &account("//Bob")),
            RootClaimTypeEnum::Keep
        );
        assert_eq!(NUM_STAKING_COLDKEYS.get(st), 1);
    });
}

/// Two subnets whose moving prices sum above 1 (root is sold), tempo 10, and Charlie and Eve
/// staking 1 000 and 500 TAO on root to the validator.
fn root_claim_chain() -> TestChain {
    let mut chain = chain_with(
        vec![subnet(1, 10, 600_000_000), subnet(2, 10, 600_000_000)],
        &[("NumRootClaim", 0)],
    );
    enable_root_staking(&mut chain);
    stake(&mut chain, "//Charlie", "//V", ROOT_NETUID, 1_000 * TAO);
    stake(&mut chain, "//Eve", "//V", ROOT_NETUID, 500 * TAO);
    for netuid in [1u16, 2] {
        chain.run_to_block(chain.block.max(11));
        let call = sc(SubtensorCall::set_weights {
            netuid,
            dests: vec![2],
            weights: vec![1],
            version_key: 0,
        });
        assert_eq!(chain.submit(&key("//V"), call), Ok(()));
    }
    chain.run_to_block(45);
    chain
}

#[test]
fn root_dividends_are_claimable_pro_rata_and_claimed_as_alpha_or_tao() {
    let mut chain = root_claim_chain();
    let (v, charlie, eve) = (account("//V"), account("//Charlie"), account("//Eve"));
    let (rate, owed_c, owed_e) = chain.read(|st| {
        (
            root_claims::claimable_rate(st, &v, 1),
            root_claims::owed(st, &v, &charlie, 1),
            root_claims::owed(st, &v, &eve, 1),
        )
    });
    assert!(rate > 0, "root dividends accumulated");
    // Owed = rate · root stake (nothing claimed yet).
    assert_eq!(
        owed_c,
        (rate * I96F32::saturating_from_num(1_000 * TAO)).saturating_to_num::<u64>()
    );
    assert_eq!(
        owed_e,
        (rate * I96F32::saturating_from_num(500 * TAO)).saturating_to_num::<u64>()
    );
    // The alpha behind the rate was distributed as root dividends (after V's take).
    chain.read(|st| {
        let paid = ROOT_ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(1, v));
        assert!(paid > 0);
    });

    let keep = sc(SubtensorCall::set_root_claim_type {
        new_root_claim_type: RootClaimTypeEnum::Keep,
    });
    assert_eq!(chain.submit(&key("//Charlie"), keep), Ok(()));
    // Keep credits the owed alpha as stake on subnet 1.
    let zero = sc(SubtensorCall::sudo_set_root_claim_threshold {
        netuid: 1,
        new_value: 0,
    });
    assert_eq!(chain.dispatch(Origin::Root, zero), Ok(()));
    let (owed, alpha0) = chain.read(|st| {
        (
            root_claims::owed(st, &v, &charlie, 1),
            staking::alpha(st, &v, &charlie, 1),
        )
    });
    assert!(owed > 0);
    assert_eq!(chain.submit(&key("//Charlie"), claim(&[1])), Ok(()));
    chain.read(|st| {
        let got = staking::alpha(st, &v, &charlie, 1) - alpha0;
        assert!(owed - got <= 1, "kept {got} of {owed}");
        assert_eq!(root_claims::owed(st, &v, &charlie, 1), 0);
        // Subnet 2 was not in the claim.
        assert!(root_claims::owed(st, &v, &charlie, 2) > 0);
    });
    // Eve swaps (the default): the alpha is sold and the TAO staked on root.
    let (root0, sim) = chain.read(|st| {
        let owed = root_claims::owed(st, &v, &eve, 2);
        (
            staking::alpha(st, &v, &eve, ROOT_NETUID),
            swap::sim_swap_alpha_for_tao(st, 2, owed).unwrap(),
        )
    });
    assert_eq!(chain.submit(&key("//Eve"), claim(&[2])), Ok(()));
    chain.read(|st| {
        let gained = staking::alpha(st, &v, &eve, ROOT_NETUID) - root0;
        // Fee-free sale: at least what the fee-paying simulation gives.
        assert!(
            gained >= sim.tao_amount && gained > 0,
            "gained {gained}, sim {}",
            sim.tao_amount
        );
        assert_eq!(SUBNET_ROOT_SELL_TAO.get(st, &2), gained);
        assert_eq!(root_claims::owed(st, &v, &eve, 2), 0);
        // The new root stake is marked claimed at the current rates: it earns only future
        // dividends.
        assert_eq!(
            root_claims::owed(st, &v, &eve, 1),
            root_claims::owed(st, &v, &eve, 1)
        );
    });
    // Next block's coinbase resets the root-sell record.
    chain.next_block(&[]);
    chain.read(|st| assert_eq!(SUBNET_ROOT_SELL_TAO.get(st, &2), 0));
}

#[test]
fn new_root_stake_earns_only_future_dividends() {
    let mut chain = root_claim_chain();
    let (v, eve) = (account("//V"), account("//Eve"));
    let rate = chain.read(|st| root_claims::claimable_rate(st, &v, 1));
    let owed0 = chain.read(|st| root_claims::owed(st, &v, &eve, 1));
    stake(&mut chain, "//Eve", "//V", ROOT_NETUID, 700 * TAO);
    chain.read(|st| {
        // No epoch ran in that block on subnet 1 (epochs at multiples of 10 + 1)...
        assert_eq!(root_claims::claimable_rate(st, &v, 1), rate);
        // ...so what Eve is owed did not change (up to the floor of the claimed mark).
        let owed = root_claims::owed(st, &v, &eve, 1);
        assert!(owed >= owed0 && owed - owed0 <= 1, "owed {owed0} → {owed}");
    });
}

#[test]
fn auto_claims_claim_for_indexed_coldkeys_every_block() {
    let mut chain = root_claim_chain();
    let (v, charlie, eve) = (account("//V"), account("//Charlie"), account("//Eve"));
    chain.read(|st| {
        assert_eq!(NUM_STAKING_COLDKEYS.get(st), 2);
        assert!(root_claims::owed(st, &v, &charlie, 1) > 500_000);
    });
    assert_eq!(
        chain.dispatch(
            Origin::Root,
            sc(SubtensorCall::sudo_set_num_root_claims { new_value: 50 })
        ),
        Ok(())
    );
    let mut claimed = std::collections::BTreeSet::new();
    for _ in 0..5 {
        chain.next_block(&[]);
        for e in &chain.last_events {
            if let Event::SubtensorModule(SubtensorEvent::RootClaimed { coldkey }) = e {
                claimed.insert(*coldkey);
            }
        }
    }
    assert!(
        claimed.contains(&charlie) && claimed.contains(&eve),
        "{claimed:?}"
    );
    chain.read(|st| {
        // Claimed down to below the threshold (dividends keep accruing between claims).
        for c in [charlie, eve] {
            for n in [1u16, 2] {
                assert!(root_claims::owed(st, &v, &c, n) < 500_000 * 10);
            }
        }
    });
}

#[test]
fn the_root_staker_index_stays_dense() {
    let mut chain = chain_with(vec![subnet(1, 360, 0)], &[("NumRootClaim", 0)]);
    enable_root_staking(&mut chain);
    for c in ["//Charlie", "//Dave", "//Eve"] {
        stake(&mut chain, c, "//V", ROOT_NETUID, 100 * TAO);
    }
    let index = |chain: &TestChain| {
        chain.read(|st| {
            let n = NUM_STAKING_COLDKEYS.get(st);
            let by: Vec<AccountId> = (0..n)
                .map(|i| STAKING_COLDKEYS_BY_INDEX.get(st, &i))
                .collect();
            for (i, c) in by.iter().enumerate() {
                assert_eq!(STAKING_COLDKEYS.try_get(st, c), Some(i as u64));
            }
            by
        })
    };
    assert_eq!(
        index(&chain),
        vec![account("//Charlie"), account("//Dave"), account("//Eve")]
    );
    // Charlie leaves root entirely: Eve (the last) moves into slot 0.
    let all = chain.read(|st| staking::alpha(st, &account("//V"), &account("//Charlie"), 0));
    let call = sc(SubtensorCall::remove_stake {
        hotkey: account("//V"),
        netuid: ROOT_NETUID,
        amount_unstaked: all,
    });
    assert_eq!(chain.submit(&key("//Charlie"), call), Ok(()));
    assert_eq!(index(&chain), vec![account("//Eve"), account("//Dave")]);
    chain.read(|st| assert!(!STAKING_COLDKEYS.contains(st, &account("//Charlie"))));
    // Partial unstaking keeps a coldkey indexed.
    let call = sc(SubtensorCall::remove_stake {
        hotkey: account("//V"),
        netuid: ROOT_NETUID,
        amount_unstaked: 10 * TAO,
    });
    assert_eq!(chain.submit(&key("//Dave"), call), Ok(()));
    assert_eq!(index(&chain), vec![account("//Eve"), account("//Dave")]);
}

#[test]
fn dissolving_a_subnet_drops_its_root_claims() {
    let mut chain = root_claim_chain();
    let (v, charlie) = (account("//V"), account("//Charlie"));
    chain.read(|st| {
        assert!(ROOT_CLAIMABLE.get(st, &v).contains_key(&1));
        assert!(ROOT_CLAIMABLE.get(st, &v).contains_key(&2));
    });
    assert_eq!(chain.submit(&key("//Alice"), claim(&[1])), Ok(()));
    let call = root(sc(SubtensorCall::root_dissolve_network { netuid: 1 }));
    assert_eq!(chain.submit(&key("//Alice"), call), Ok(()));
    chain.read(|st| {
        let rates = ROOT_CLAIMABLE.get(st, &v);
        assert!(!rates.contains_key(&1));
        assert!(rates.contains_key(&2));
        assert!(!ROOT_CLAIMED.contains(st, &(1, v, charlie)));
        assert_eq!(root_claims::owed(st, &v, &charlie, 1), 0);
        assert!(!ROOT_ALPHA_DIVIDENDS_PER_SUBNET.contains(st, &(1, v)));
    });
}

#[test]
fn claims_below_the_threshold_are_skipped() {
    // A tiny root stake earns less than the default threshold (500 000) per few epochs.
    let mut chain = chain_with(
        vec![subnet(1, 10, 600_000_000), subnet(2, 10, 600_000_000)],
        &[("NumRootClaim", 0)],
    );
    enable_root_staking(&mut chain);
    stake(&mut chain, "//Charlie", "//V", ROOT_NETUID, TAO);
    chain.run_to_block(11);
    let call = sc(SubtensorCall::set_weights {
        netuid: 1,
        dests: vec![2],
        weights: vec![1],
        version_key: 0,
    });
    assert_eq!(chain.submit(&key("//V"), call), Ok(()));
    chain.run_to_block(25);
    let (v, charlie) = (account("//V"), account("//Charlie"));
    let keep = sc(SubtensorCall::set_root_claim_type {
        new_root_claim_type: RootClaimTypeEnum::Keep,
    });
    assert_eq!(chain.submit(&key("//Charlie"), keep), Ok(()));
    let (owed, alpha0) = chain.read(|st| {
        (
            root_claims::owed(st, &v, &charlie, 1),
            staking::alpha(st, &v, &charlie, 1),
        )
    });
    assert!(owed > 0 && owed < 500_000, "owed {owed}");
    assert_eq!(chain.submit(&key("//Charlie"), claim(&[1])), Ok(()));
    chain.read(|st| {
        assert_eq!(staking::alpha(st, &v, &charlie, 1), alpha0);
        assert!(root_claims::owed(st, &v, &charlie, 1) >= owed);
    });
    let zero = sc(SubtensorCall::sudo_set_root_claim_threshold {
        netuid: 1,
        new_value: 0,
    });
    assert_eq!(chain.dispatch(Origin::Root, zero), Ok(()));
    let owed = chain.read(|st| root_claims::owed(st, &v, &charlie, 1));
    assert_eq!(chain.submit(&key("//Charlie"), claim(&[1])), Ok(()));
    chain.read(|st| {
        assert!(staking::alpha(st, &v, &charlie, 1) > alpha0);
        assert!(staking::alpha(st, &v, &charlie, 1) - alpha0 + 1 >= owed);
        assert_eq!(root_claims::owed(st, &v, &charlie, 1), 0);
    });
}

#[test]
fn key_swaps_carry_root_claims_with_the_stake() {
    let mut chain = root_claim_chain();
    let (v, charlie, eve) = (account("//V"), account("//Charlie"), account("//Eve"));
    let before: Vec<(u16, u64, u64)> = chain.read(|st| {
        [1u16, 2]
            .iter()
            .map(|&n| {
                (
                    n,
                    root_claims::owed(st, &v, &charlie, n),
                    root_claims::owed(st, &v, &eve, n),
                )
            })
            .collect()
    });
    assert!(before.iter().all(|&(_, c, e)| c > 0 && e > 0));
    let rates = chain.read(|st| ROOT_CLAIMABLE.get(st, &v));
    // Bob swaps the validator's hotkey on every subnet (root included).
    let v2 = account("//V2");
    let call = sc(SubtensorCall::swap_hotkey_v2 {
        hotkey: v,
        new_hotkey: v2,
        netuid: None,
        keep_stake: false,
    });
    assert_eq!(
        chain.dispatch(Origin::Signed(account("//Bob")), call),
        Ok(())
    );
    chain.read(|st| {
        assert_eq!(ROOT_CLAIMABLE.get(st, &v2), rates);
        assert!(ROOT_CLAIMABLE.get(st, &v).is_empty());
        for &(n, c, e) in &before {
            assert_eq!(root_claims::owed(st, &v2, &charlie, n), c);
            assert_eq!(root_claims::owed(st, &v2, &eve, n), e);
            assert_eq!(root_claims::owed(st, &v, &charlie, n), 0);
        }
    });
    // A coldkey swap moves Eve's claimed marks and her place in the auto-claim index.
    let eve2 = account("//Eve2");
    let call = root(sc(SubtensorCall::swap_coldkey {
        old_coldkey: eve,
        new_coldkey: eve2,
        swap_cost: 0,
    }));
    assert_eq!(chain.submit(&key("//Alice"), call), Ok(()));
    chain.read(|st| {
        for &(n, _, e) in &before {
            assert_eq!(root_claims::owed(st, &v2, &eve2, n), e);
            assert_eq!(root_claims::owed(st, &v2, &eve, n), 0);
        }
        assert!(STAKING_COLDKEYS.contains(st, &eve2));
        assert!(!STAKING_COLDKEYS.contains(st, &eve));
    });
    // The new hotkey of a root swap must be clean of root claims.
    let call = sc(SubtensorCall::swap_hotkey_v2 {
        hotkey: v2,
        new_hotkey: account("//V"),
        netuid: Some(ROOT_NETUID),
        keep_stake: true,
    });
    chain.with_ctx(|ctx| {
        ROOT_CLAIMABLE.insert(&mut ctx.st, &account("//V"), &[(1u16, 1i128)].into());
    });
    chain.set_block(chain.block + 10_000);
    chain.assert_noop(
        Origin::Signed(account("//Bob")),
        call,
        Error::NewHotKeyNotCleanForRootSwap,
    );
}
