//! The reference's limit-order staking tests, ported with their inputs and expected figures
//! (`pallets/subtensor/src/tests/staking.rs`, subtensor 14bc6f9): `add_stake_limit` with a
//! partial fill stops at the limit price, `remove_stake_limit` sells only what keeps the price
//! above the limit. The pool is the mock's `add_dynamic_network` pool with the test's forced
//! reserves; the block author is set as the mock's `MOCK_BLOCK_BUILDER` is. Tolerances are the
//! reference test's own.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::{AccountId, U64F64};
use agora_runtime::ctx::Ctx;
use agora_runtime::storage::*;
use agora_runtime::testing::TestChain;
use agora_runtime::{accounts, balances, neurons, staking, subnets, swap};

fn acct(n: u32) -> AccountId {
    let mut a = [0u8; 32];
    a[..4].copy_from_slice(&n.to_le_bytes());
    AccountId(a)
}

fn add_dynamic_network(ctx: &mut Ctx<'_>, hotkey: AccountId, coldkey: AccountId) -> NetUid {
    let netuid = 1;
    subnets::init_new_network(&mut ctx.st, netuid, ctx.block);
    accounts::create_account_if_non_existent(&mut ctx.st, &coldkey, &hotkey);
    neurons::uids::append_neuron(&mut ctx.st, netuid, &hotkey, ctx.block);
    SUBNET_OWNER.insert(&mut ctx.st, &netuid, &coldkey);
    SUBNET_OWNER_HOTKEY.insert(&mut ctx.st, &netuid, &hotkey);
    SUBTOKEN_ENABLED.insert(&mut ctx.st, &netuid, &true);
    netuid
}

fn chain() -> TestChain {
    let mut chain = TestChain::dev();
    chain.author = Some(acct(12_345));
    chain
}

fn within(got: u64, want: u64, eps: u64, what: &str) {
    assert!(
        got.abs_diff(want) <= eps,
        "{what}: got {got}, reference {want} (±{eps})"
    );
}

/// `test_add_stake_limit_ok`: price 1.5, limit price 24: only 450 TAO
/// execute, buying 75 alpha, and the price ends at about 24.
#[test]
fn add_stake_limit_ok() {
    let mut chain = chain();
    chain.with_ctx(|ctx| {
        let (hot, cold) = (acct(533_453), acct(55_453));
        let netuid = add_dynamic_network(ctx, hot, cold);
        SUBNET_TAO.insert(&mut ctx.st, &netuid, &150_000_000_000);
        SUBNET_ALPHA_IN.insert(&mut ctx.st, &netuid, &100_000_000_000);
        assert_eq!(swap::current_price(&ctx.st, netuid), U64F64::from_num(1.5));
        let amount = 900_000_000_000u64;
        balances::mint(ctx, &cold, amount).unwrap();
        let free0 = balances::free(&ctx.st, &cold);
        staking::calls::add_stake_limit(ctx, &cold, &hot, netuid, amount, 24_000_000_000, true)
            .unwrap();
        let expected = 75_000_000_000u64;
        within(
            staking::alpha(&ctx.st, &hot, &cold, netuid),
            expected,
            expected / 1_000,
            "alpha staked",
        );
        let fee = swap::approx_fee_amount(&ctx.st, netuid, amount / 2);
        within(
            balances::free(&ctx.st, &cold) - (free0 - amount),
            amount / 2 - fee,
            amount / 2 / 1_000,
            "free balance left",
        );
        let price = swap::current_price(&ctx.st, netuid);
        let diff = if price > U64F64::from_num(24) {
            price - U64F64::from_num(24)
        } else {
            U64F64::from_num(24) - price
        };
        assert!(diff <= U64F64::from_num(0.001), "price {price}");
    });
}

/// `test_remove_stake_limit_ok`: after staking 300 TAO into a 100/100 pool, selling half the
/// position with a limit at 99 % of the price sells about 0.138 % of the original alpha
/// reserve plus the fee.
#[test]
fn remove_stake_limit_ok() {
    let mut chain = chain();
    chain.with_ctx(|ctx| {
        let (hot, cold) = (acct(533_453), acct(55_453));
        let netuid = add_dynamic_network(ctx, hot, cold);
        let stake = 300_000_000_000u64;
        balances::mint(ctx, &cold, stake + 500).unwrap();
        let alpha_in = 100_000_000_000u64;
        SUBNET_TAO.insert(&mut ctx.st, &netuid, &100_000_000_000);
        SUBNET_ALPHA_IN.insert(&mut ctx.st, &netuid, &alpha_in);
        staking::calls::add_stake(ctx, &cold, &hot, netuid, stake).unwrap();
        let before = staking::alpha(&ctx.st, &hot, &cold, netuid);
        let price = swap::current_price(&ctx.st, netuid);
        let limit = (price * U64F64::from_num(990_000_000u64)).saturating_to_num::<u64>();
        let reduction = alpha_in * 138 / 100_000;
        let fee = reduction * 3 / 1_000;
        staking::calls::remove_stake_limit(ctx, &cold, &hot, netuid, before / 2, limit, true)
            .unwrap();
        let after = staking::alpha(&ctx.st, &hot, &cold, netuid);
        within(
            before - after,
            reduction + fee,
            reduction / 10,
            "alpha sold",
        );
    });
}
