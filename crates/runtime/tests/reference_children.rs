//! The reference's inherited-stake tests, ported with their inputs and expected figures
//! (`pallets/subtensor/src/tests/children.rs`, `test_get_stake_for_hotkey_on_subnet_*`,
//! subtensor 14bc6f9), on Agora's `childkeys::inherited_alpha`. Relations are applied as the
//! mock's `mock_set_children_no_epochs` applies them (a pending set with cooldown 0, applied
//! at once). Tolerances are the reference test's own.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::AccountId;
use agora_runtime::childkeys::{self, inherited_alpha};
use agora_runtime::ctx::Ctx;
use agora_runtime::storage::*;
use agora_runtime::testing::TestChain;
use agora_runtime::{accounts, neurons, staking, subnets};

fn acct(n: u16) -> AccountId {
    let mut a = [0u8; 32];
    a[..2].copy_from_slice(&n.to_le_bytes());
    AccountId(a)
}

const NETUID: NetUid = 1;

/// `add_dynamic_network` (owner 1001/1002) and `register_ok_neuron` for `keys` under `cold`.
fn setup(ctx: &mut Ctx<'_>, keys: &[AccountId], cold: AccountId) {
    subnets::init_new_network(&mut ctx.st, NETUID, ctx.block);
    let (owner_hot, owner_cold) = (acct(1002), acct(1001));
    accounts::create_account_if_non_existent(&mut ctx.st, &owner_cold, &owner_hot);
    neurons::uids::append_neuron(&mut ctx.st, NETUID, &owner_hot, ctx.block);
    SUBNET_OWNER.insert(&mut ctx.st, &NETUID, &owner_cold);
    SUBNET_OWNER_HOTKEY.insert(&mut ctx.st, &NETUID, &owner_hot);
    SUBNET_TAO.insert(&mut ctx.st, &NETUID, &100_000_000_000);
    SUBNET_ALPHA_IN.insert(&mut ctx.st, &NETUID, &100_000_000_000);
    SUBTOKEN_ENABLED.insert(&mut ctx.st, &NETUID, &true);
    for k in keys {
        // `register_ok_neuron` zeroes the burn before each registration (a registration
        // raises it to at least `MinBurn`).
        BURN.insert(&mut ctx.st, &NETUID, &0);
        neurons::registration::burned_register(ctx, &cold, NETUID, k, None).unwrap();
    }
}

fn stake(ctx: &mut Ctx<'_>, hot: AccountId, cold: AccountId, alpha: u64) {
    staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
        &mut ctx.st,
        &hot,
        &cold,
        NETUID,
        alpha,
    );
}

/// `mock_set_children_no_epochs`.
fn set_children(ctx: &mut Ctx<'_>, parent: AccountId, children: &[(u64, AccountId)]) {
    childkeys::PENDING_CHILD_KEYS.insert(&mut ctx.st, &(NETUID, parent), &(children.to_vec(), 0));
    FIRST_EMISSION_BLOCK_NUMBER.insert(&mut ctx.st, &NETUID, &0);
    childkeys::set::apply_pending_childkeys(ctx, NETUID);
}

fn close(value: u64, target: u64, eps: u64, what: &str) {
    assert!(
        value.abs_diff(target) <= eps,
        "{what}: {value} vs {target} (±{eps})"
    );
}

/// `test_get_stake_for_hotkey_on_subnet_single_parent_child`.
#[test]
fn single_parent_child() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (parent, child, cold) = (acct(1), acct(2), acct(3));
        setup(ctx, &[parent, child], cold);
        stake(ctx, parent, cold, 1_000_000_000);
        set_children(ctx, parent, &[(u64::MAX, child)]);
        assert_eq!(inherited_alpha(&ctx.st, &parent, NETUID), 0);
        assert_eq!(inherited_alpha(&ctx.st, &child, NETUID), 1_000_000_000);
    });
}

/// `test_get_stake_for_hotkey_on_subnet_multiple_parents_single_child`.
#[test]
fn multiple_parents_single_child() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (p1, p2, child, cold) = (acct(1), acct(2), acct(3), acct(4));
        setup(ctx, &[p1, p2, child], cold);
        stake(ctx, p1, cold, 1_000);
        stake(ctx, p2, cold, 2_000);
        set_children(ctx, p1, &[(u64::MAX / 2, child)]);
        set_children(ctx, p2, &[(u64::MAX / 2, child)]);
        close(inherited_alpha(&ctx.st, &p1, NETUID), 500, 10, "parent1");
        close(inherited_alpha(&ctx.st, &p2, NETUID), 1_000, 10, "parent2");
        close(inherited_alpha(&ctx.st, &child, NETUID), 1_499, 10, "child");
    });
}

/// `test_get_stake_for_hotkey_on_subnet_single_parent_multiple_children`.
#[test]
fn single_parent_multiple_children() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (parent, c1, c2, cold) = (acct(1), acct(2), acct(3), acct(4));
        setup(ctx, &[parent, c1, c2], cold);
        stake(ctx, parent, cold, 3_000);
        set_children(ctx, parent, &[(u64::MAX / 3, c1), (u64::MAX / 3, c2)]);
        let p = inherited_alpha(&ctx.st, &parent, NETUID);
        let a = inherited_alpha(&ctx.st, &c1, NETUID);
        let b = inherited_alpha(&ctx.st, &c2, NETUID);
        close(p + a + b, 3_000, 10, "total");
        close(p, 1_000, 10, "parent");
        close(a, 1_000, 10, "child1");
        close(b, 1_000, 10, "child2");
    });
}

/// `test_get_stake_for_hotkey_on_subnet_edge_cases`: 0 % and 100 % children of a parent
/// holding 600 000 TAO worth of alpha.
#[test]
fn edge_cases() {
    let mut chain = TestChain::dev();
    chain.with_ctx(|ctx| {
        let (parent, c1, c2, cold) = (acct(1), acct(2), acct(3), acct(4));
        setup(ctx, &[parent, c1, c2], cold);
        let max = 600_000_000_000_000u64;
        stake(ctx, parent, cold, max);
        set_children(ctx, parent, &[(0, c1), (u64::MAX, c2)]);
        assert_eq!(inherited_alpha(&ctx.st, &parent, NETUID), 0);
        assert_eq!(inherited_alpha(&ctx.st, &c1, NETUID), 0);
        assert_eq!(inherited_alpha(&ctx.st, &c2, NETUID), max);
    });
}
