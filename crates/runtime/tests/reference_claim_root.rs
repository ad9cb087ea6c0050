//! The reference's root-claim tests, ported with their inputs and expected figures
//! (`pallets/subtensor/src/tests/claim_root.rs`, subtensor 14bc6f9): root dividends of a
//! drained subnet become a claimable rate (after the 18 % take), and `Keep` claims credit
//! `rate · root stake` as subnet stake and record it in `RootClaimed`.
//!
//! The subnet is built as the mock's `add_dynamic_network` builds it: a dynamic pool of
//! 100 TAO / 100 alpha (the mock's minimum lock at the median price 1), the owner hotkey at
//! uid 0, no owner stake. `mock_increase_stake_for_hotkey_and_coldkey_on_subnet` is a share
//! credit. Tolerances are the reference test's own.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::collections::BTreeSet;

use agora_primitives::{AccountId, I96F32};
use agora_runtime::coinbase::distribute;
use agora_runtime::coinbase::drain::Pending;
use agora_runtime::ctx::Ctx;
use agora_runtime::storage::*;
use agora_runtime::testing::TestChain;
use agora_runtime::types::{Origin, RootClaimTypeEnum};
use agora_runtime::{accounts, neurons, root_claims, staking, subnets};

fn acct(n: u16) -> AccountId {
    let mut a = [0u8; 32];
    a[..2].copy_from_slice(&n.to_le_bytes());
    AccountId(a)
}

fn add_dynamic_network(ctx: &mut Ctx<'_>, hotkey: AccountId, coldkey: AccountId) -> NetUid {
    let netuid = 1;
    subnets::init_new_network(&mut ctx.st, netuid, ctx.block);
    accounts::create_account_if_non_existent(&mut ctx.st, &coldkey, &hotkey);
    neurons::uids::append_neuron(&mut ctx.st, netuid, &hotkey, ctx.block);
    SUBNET_TAO.insert(&mut ctx.st, &netuid, &100_000_000_000);
    SUBNET_ALPHA_IN.insert(&mut ctx.st, &netuid, &100_000_000_000);
    SUBNET_OWNER.insert(&mut ctx.st, &netuid, &coldkey);
    SUBNET_OWNER_HOTKEY.insert(&mut ctx.st, &netuid, &hotkey);
    NETWORK_REGISTRATION_ALLOWED.insert(&mut ctx.st, &netuid, &true);
    FIRST_EMISSION_BLOCK_NUMBER.insert(&mut ctx.st, &netuid, &0);
    SUBTOKEN_ENABLED.insert(&mut ctx.st, &netuid, &true);
    netuid
}

fn credit(ctx: &mut Ctx<'_>, hotkey: AccountId, coldkey: AccountId, netuid: NetUid, alpha: u64) {
    staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
        &mut ctx.st,
        &hotkey,
        &coldkey,
        netuid,
        alpha,
    );
}

fn root_only(root: u64) -> Pending {
    Pending {
        server: 0,
        validator: 0,
        root,
        owner_cut: 0,
    }
}

fn keep_and_claim(ctx: &mut Ctx<'_>, coldkey: AccountId, netuid: NetUid) {
    root_claims::set_root_claim_type(ctx, Origin::Signed(coldkey), RootClaimTypeEnum::Keep)
        .unwrap();
    assert_eq!(
        ROOT_CLAIM_TYPE.get(&ctx.st, &coldkey),
        RootClaimTypeEnum::Keep
    );
    root_claims::claim_root(ctx, Origin::Signed(coldkey), &BTreeSet::from([netuid])).unwrap();
}

fn near(got: u64, want: u64, eps: u64, what: &str) {
    assert!(
        got.abs_diff(want) <= eps,
        "{what}: got {got}, reference {want} (±{eps})"
    );
}

/// `test_claim_root_with_drain_emissions`.
#[test]
fn claim_root_with_drain_emissions() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (owner, hotkey, coldkey) = (acct(1001), acct(1002), acct(1003));
        let netuid = add_dynamic_network(ctx, hotkey, owner);
        TAO_WEIGHT.put(&mut ctx.st, &u64::MAX);
        let root_stake = 2_000_000u64;
        credit(ctx, hotkey, coldkey, ROOT_NETUID, root_stake);
        let initial = 10_000_000u64;
        credit(ctx, hotkey, owner, netuid, initial);
        assert_eq!(staking::alpha(&ctx.st, &hotkey, &owner, netuid), initial);

        let pending_root = 1_000_000u64;
        distribute::distribute_emission(ctx, netuid, root_only(pending_root));
        // The 18 % take goes to the owner as subnet stake.
        near(
            staking::alpha(&ctx.st, &hotkey, &owner, netuid),
            pending_root * 18 / 100 + initial,
            100,
            "validator stake",
        );
        let rate = root_claims::claimable_rate(&ctx.st, &hotkey, netuid);
        let want_rate =
            I96F32::from(pending_root) * I96F32::from_num(0.82) / I96F32::from(root_stake);
        assert!(
            (rate - want_rate).abs() <= I96F32::from_num(0.001),
            "rate {rate}"
        );

        keep_and_claim(ctx, coldkey, netuid);
        let stake = staking::alpha(&ctx.st, &hotkey, &coldkey, netuid);
        near(
            stake,
            (I96F32::from(root_stake) * rate).saturating_to_num::<u64>(),
            10,
            "claimed stake",
        );
        assert_eq!(
            ROOT_CLAIMED.get(&ctx.st, &(netuid, hotkey, coldkey)),
            u128::from(stake)
        );

        // Round 2.
        distribute::distribute_emission(ctx, netuid, root_only(pending_root));
        let rate2 = root_claims::claimable_rate(&ctx.st, &hotkey, netuid);
        assert!(
            (rate2 - (want_rate + rate)).abs() <= I96F32::from_num(0.001),
            "rate2 {rate2}"
        );
        root_claims::claim_root(ctx, Origin::Signed(coldkey), &BTreeSet::from([netuid])).unwrap();
        let stake2 = staking::alpha(&ctx.st, &hotkey, &coldkey, netuid);
        near(
            stake2,
            (I96F32::from(root_stake) * rate2).saturating_to_num::<u64>(),
            10,
            "claimed stake 2",
        );
        assert_eq!(
            ROOT_CLAIMED.get(&ctx.st, &(netuid, hotkey, coldkey)),
            u128::from(stake2)
        );
    });
}

/// `test_claim_root_adding_stake_proportionally_for_two_stakers`: two coldkeys with 10 % of
/// the hotkey's root stake each claim the same, 10 % of the dividends after take.
#[test]
fn claim_root_proportional_for_two_stakers() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (owner, other, hotkey, alice, bob) =
            (acct(1001), acct(10010), acct(1002), acct(1003), acct(1004));
        let netuid = add_dynamic_network(ctx, hotkey, owner);
        TAO_WEIGHT.put(&mut ctx.st, &u64::MAX);
        let root_stake = 1_000_000u64;
        credit(ctx, hotkey, alice, ROOT_NETUID, root_stake);
        credit(ctx, hotkey, bob, ROOT_NETUID, root_stake);
        credit(ctx, hotkey, other, ROOT_NETUID, 8 * root_stake);
        credit(ctx, hotkey, owner, netuid, 10_000_000);
        for c in [alice, bob] {
            root_claims::set_root_claim_type(ctx, Origin::Signed(c), RootClaimTypeEnum::Keep)
                .unwrap();
        }
        let pending_root = 10_000_000u64;
        distribute::distribute_emission(ctx, netuid, root_only(pending_root));
        for c in [alice, bob] {
            root_claims::claim_root(ctx, Origin::Signed(c), &BTreeSet::from([netuid])).unwrap();
        }
        let a = staking::alpha(&ctx.st, &hotkey, &alice, netuid);
        let b = staking::alpha(&ctx.st, &hotkey, &bob, netuid);
        assert_eq!(a, b);
        near(a, pending_root * 82 / 1_000, 100, "alice");
    });
}

/// (Agora check, not a reference test.) The mark arithmetic: new root stake is
/// marked as claimed at the current rate, so it is owed nothing yet.
#[test]
fn new_root_stake_owes_nothing_until_the_next_dividend() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (owner, hotkey, coldkey, late) = (acct(1001), acct(1002), acct(1003), acct(1005));
        let netuid = add_dynamic_network(ctx, hotkey, owner);
        TAO_WEIGHT.put(&mut ctx.st, &u64::MAX);
        credit(ctx, hotkey, coldkey, ROOT_NETUID, 2_000_000);
        credit(ctx, hotkey, owner, netuid, 10_000_000);
        distribute::distribute_emission(ctx, netuid, root_only(1_000_000));
        root_claims::on_root_stake_added(&mut ctx.st, &hotkey, &late, 1_000_000);
        credit(ctx, hotkey, late, ROOT_NETUID, 1_000_000);
        assert_eq!(root_claims::owed(&ctx.st, &hotkey, &late, netuid), 0);
        assert!(root_claims::owed(&ctx.st, &hotkey, &coldkey, netuid) > 0);
    });
}
