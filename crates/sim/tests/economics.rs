//! The economics as the simulator sees them: nominators staked through the pool earn
//! dividends after the delegate take (checked against a hand computation from
//! protocol.md §3.4–§3.5 and §5.1), the TAO side of the coinbase (chain buys, the recycled
//! first block of a fresh chain, shares by moving price), and root stake earning root
//! dividends that the auto claims swap back to root.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::U96F32;
use agora_sim::metrics::{EpochRecord, GroupRecord};
use agora_sim::scenario::Submission;
use agora_sim::{Scenario, run};

const RAO: f64 = 1e9;

fn f(x: u64) -> U96F32 {
    U96F32::saturating_from_num(x)
}

fn group<'a>(r: &'a EpochRecord, name: &str) -> &'a GroupRecord {
    r.groups.iter().find(|g| g.name == name).unwrap()
}

fn rao(x: f64) -> f64 {
    x * RAO
}

const NOMINATED: &str = r#"
name = "nominated"
seed = 11
[duration]
epochs = 8
[[subnet]]
tempo = 10
weights_rate_limit = 0
commit_reveal = 0
max_uids = 16
[[subnet.miners]]
name = "m"
count = 5
quality = { mean = 1.0, sd = 0.3 }
[[subnet.validators]]
name = "v"
count = 1
stake = 1000.0
take = 0.09
nominators = { count = 3, stake = { mean = 200.0, sd = 50.0 } }
"#;

/// One validator (own stake 1 000 alpha at genesis, take 0.09) with three nominators who
/// bought their alpha with `add_stake` in block 1. At every epoch after the first two
/// (permits, then bonds), the hotkey is the only dividend recipient, so by §3.4–§3.5:
///
/// * per block: `R = E − E·cut` (E = 1 alpha, cut = 11 796/65 535), `server = R/2`,
///   `validator = ⌊R − server⌋` (no root stake, so no root share); the epoch pays the
///   pool of the blocks since the previous epoch, `D = blocks · validator`;
/// * take `= ⌊t·D⌋` (t = 5 898/65 535) is staked to the owner first, then the rest
///   `⌊D − t·D⌋` raises the pool value (`V += rest`, shares unchanged, §5.1): a nominator
///   with `a` of the pool's `A` gains `rest · a/(A + take)`, the owner
///   `take + rest · (a_own + take)/(A + take)`.
#[test]
fn nominators_receive_dividends_after_take() {
    let out = run(&Scenario::from_toml(NOMINATED).unwrap()).unwrap();
    assert_eq!(out.summary.subnets[0].failed_calls, 0, "{:?}", out.log);
    let e = f(1_000_000_000);
    let cut = f(11_796).checked_div(f(65_535)).unwrap();
    let rest = e.saturating_sub(e.saturating_mul(cut));
    let server = rest.saturating_mul(U96F32::from_bits(1 << 31));
    let per_block = rest.saturating_sub(server).saturating_to_num::<u64>();
    let t = f(5_898).checked_div(f(65_535)).unwrap();
    let mut checked = 0;
    for pair in out.records.windows(2).skip(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let (b, a) = (group(before, "v"), group(after, "v"));
        let d = (after.block - before.block) * per_block;
        let take = t.saturating_mul(f(d));
        let stakers = f(d).saturating_sub(take).saturating_to_num::<u64>() as f64;
        let take = take.saturating_to_num::<u64>() as f64;
        // The chain's record of the stakers' part, and the take added back.
        let recorded = a.staker_yield.unwrap() * rao(b.stake);
        assert!((recorded - stakers).abs() < 1.0, "{recorded} vs {stakers}");
        assert!((rao(a.dividends) - (stakers + take)).abs() < 2.0);
        // Nominators: their share of the pool after the take was added.
        let pool = rao(b.stake) + take;
        let nominated = rao(b.nominator_stake);
        let own = rao(b.stake) - nominated;
        let expect_nominators = stakers * nominated / pool;
        let got = rao(a.nominator_stake) - nominated;
        assert!(
            (got - expect_nominators).abs() < 10.0,
            "nominators gained {got}, expected {expect_nominators}"
        );
        let expect_owner = take + stakers * (own + take) / pool;
        let got_owner = rao(a.stake - a.nominator_stake) - own;
        assert!(
            (got_owner - expect_owner).abs() < 10.0,
            "owner gained {got_owner}, expected {expect_owner}"
        );
        // Per unit staked the nominators earn less than the owner: the take.
        assert!(a.nominator_yield.unwrap() < a.owner_yield.unwrap());
        assert!(a.nominator_yield.unwrap() > 0.0);
        checked += 1;
    }
    assert!(checked >= 5);
    let sum = &out.summary.subnets[0];
    assert!(sum.nominator_yield["v"].unwrap() < sum.owner_yield["v"].unwrap());
    // The nominations bought alpha from the 1 000/1 000 genesis pool: the price rose.
    assert!(out.records[0].price > 1.5, "{}", out.records[0].price);
}

/// Without root stake the root proportion is 0, so no alpha is injected and the whole
/// block emission buys alpha from the pool (§3.2): the pool's TAO grows by exactly one TAO
/// per block and its alpha shrinks. On a fresh chain (moving price 0, the reference's
/// start) the subnet has no share, and the emission is recycled, until the EMA has left 0:
/// with `SubnetMovingAlpha` = 3·10⁻⁶ ramped in over `EMAPriceHalvingBlocks`, the first
/// steps are below the I96F32 resolution for a dozen blocks.
#[test]
fn tao_emission_is_a_chain_buy_without_root_stake() {
    let base = NOMINATED.replace("epochs = 8", "epochs = 4");
    for fresh in [false, true] {
        let moving = if fresh { "moving_price = 0.0\n" } else { "" };
        let text = base.replace("max_uids = 16\n", &format!("max_uids = 16\n{moving}"));
        let out = run(&Scenario::from_toml(&text).unwrap()).unwrap();
        let mut prev_block = 0;
        let mut prev: Option<&EpochRecord> = None;
        for r in &out.records {
            let blocks = (r.block - prev_block) as f64;
            assert_eq!(r.root_proportion, 0.0);
            match prev {
                // The genesis moving price is the spot price capped at 1: a full share.
                None if !fresh => assert!((r.tao_emission - blocks).abs() < 1e-9, "{r:?}"),
                None => assert!(r.tao_emission < blocks, "{r:?}"),
                Some(p) => {
                    if p.moving_price > 0.0 {
                        assert!((r.tao_emission - blocks).abs() < 1e-9, "{r:?}");
                    }
                    let added = r.tao_reserve - p.tao_reserve;
                    assert!((added - r.tao_emission).abs() < 1e-9);
                    assert!(r.alpha_reserve < p.alpha_reserve);
                    assert!(r.price > p.price);
                }
            }
            prev_block = r.block;
            prev = Some(r);
        }
        let first = &out.records[0];
        if fresh {
            assert!(first.moving_price < 1e-6, "{}", first.moving_price);
            let last = out.records.last().unwrap();
            assert!(last.moving_price > 0.0 && last.tao_emission > 9.999);
        } else {
            assert!(first.moving_price > 0.999_999 && first.moving_price <= 1.0);
        }
    }
}

/// Two subnets at prices 1 and 0.5 (moving prices the same): the block emission splits
/// 2 : 1. Root stake on the validators makes the root proportion positive, so part of the
/// validators' dividends is paid as root dividends (the moving prices sum to more than 1),
/// which the auto claims sell for TAO and stake on root (the default claim type).
#[test]
fn shares_follow_moving_prices_and_root_stake_earns_root_dividends() {
    let subnet = |price: f64| {
        format!(
            r#"
[[subnet]]
tempo = 10
weights_rate_limit = 0
commit_reveal = 0
max_uids = 16
price = {price}
[[subnet.miners]]
name = "m"
count = 4
[[subnet.validators]]
name = "v"
count = 2
stake = 1000.0
root_stake = 20000.0
"#
        )
    };
    let text = format!(
        "name = \"two\"\nseed = 3\n[duration]\nepochs = 12\n{}{}",
        subnet(1.0),
        subnet(0.5)
    );
    let out = run(&Scenario::from_toml(&text).unwrap()).unwrap();
    assert!(
        out.summary.subnets.iter().all(|s| s.failed_calls == 0),
        "{:?}",
        out.log
    );
    let (a, b) = (&out.summary.subnets[0], &out.summary.subnets[1]);
    let ratio = a.tao_emission / b.tao_emission;
    assert!((ratio - 2.0).abs() < 0.01, "TAO emission ratio {ratio}");
    let last = |s: usize| out.records.iter().rev().find(|r| r.subnet == s).unwrap();
    for s in 0..2 {
        let r = last(s);
        assert!(r.root_proportion > 0.0);
        let v = group(r, "v");
        assert!(v.root_dividends > 0.0, "{v:?}");
        assert!(
            v.root_stake > 2.0 * 20_000.0,
            "claims swapped to root: {v:?}"
        );
    }
}

/// Signed extrinsics (fees, nonces) and dispatched calls give the same records with
/// staking in block 1: the fees come out of the funding margin, not the stake.
#[test]
fn signed_staking_gives_the_same_run() {
    let mut s = Scenario::from_toml(&NOMINATED.replace("epochs = 8", "epochs = 4")).unwrap();
    s.subnets[0].validators[0].stake_via = agora_sim::scenario::StakeVia::AddStake;
    let dispatched = run(&s).unwrap();
    s.submission = Submission::Signed;
    let signed = run(&s).unwrap();
    assert_eq!(
        signed.summary.subnets[0].failed_calls, 0,
        "{:?}",
        signed.log
    );
    assert_eq!(dispatched.records, signed.records);
    // The validator bought its own stake through the pool too.
    assert!(dispatched.records[0].price > 2.0);
}

#[test]
fn economics_values_are_checked() {
    for (from, to, needle) in [
        ("take = 0.09", "take = 0.2", "MaxDelegateTake"),
        ("count = 3,", "count = 0,", "nominators.count"),
        ("max_uids = 16\n", "max_uids = 16\nprice = 0.0\n", "price"),
        (
            "max_uids = 16\n",
            "max_uids = 16\nmoving_price = 2.0\n",
            "moving_price",
        ),
        (
            "max_uids = 16\n",
            "max_uids = 16\npool_alpha = 0.5\n",
            "pool_alpha",
        ),
    ] {
        let err = Scenario::from_toml(&NOMINATED.replace(from, to))
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    }
}
