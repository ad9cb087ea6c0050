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

/// A coldkey's stake on the (stable, price 1) subnet over the given hotkeys: its TAO value, as
/// `get_total_stake_for_coldkey` gives it there.
fn coldkey_stake(ctx: &Ctx<'_>, cold: AccountId, hotkeys: &[AccountId]) -> u64 {
    hotkeys
        .iter()
        .map(|h| staking::alpha(&ctx.st, h, &cold, NETUID))
        .sum()
}

/// `test_childkey_take_drain`, both cases of the parent's delegate take (0 and 20 %): a parent
/// lending half its stake to a child with a 20 % childkey take, a nominator staked on the
/// child, both validators weighting the miner. After an epoch the child's coldkey gains
/// nothing, the parent's 45 % and the nominator's 55 % of what the three gained (±10). The
/// subnet is the mock's stable `add_network` with reserves 10^15 / 10^15; the mock's one-block
/// childkey-take rate limit, `TaoWeight` 0 and `SubnetOwnerCut` 0 are set.
#[test]
fn childkey_take_drain() {
    for parent_take in [0u16, u16::MAX / 5] {
        let mut chain = TestChain::dev();
        let (parent_cold, child_cold, miner_cold, nominator) = (acct(1), acct(2), acct(5), acct(7));
        let (parent_hot, child_hot, miner_hot) = (acct(3), acct(4), acct(6));
        let stake_amt = 100_000_000_000u64;
        let tempo = 10u16;
        chain.with_ctx(|ctx| {
            TAO_WEIGHT.put(&mut ctx.st, &0);
            TX_CHILDKEY_TAKE_RATE_LIMIT.put(&mut ctx.st, &1);
            subnets::init_new_network(&mut ctx.st, NETUID, ctx.block);
            SUBNET_MECHANISM.insert(&mut ctx.st, &NETUID, &0);
            TEMPO.insert(&mut ctx.st, &NETUID, &tempo);
            LAST_EPOCH_BLOCK.insert(
                &mut ctx.st,
                &NETUID,
                &ctx.block
                    .saturating_sub(u64::from(NETUID) % u64::from(tempo)),
            );
            FIRST_EMISSION_BLOCK_NUMBER.insert(&mut ctx.st, &NETUID, &1);
            SUBTOKEN_ENABLED.insert(&mut ctx.st, &NETUID, &true);
            BURN_HALF_LIFE.insert(&mut ctx.st, &NETUID, &1);
            CK_BURN.put(&mut ctx.st, &0);
            SUBNET_TAO.insert(&mut ctx.st, &NETUID, &(stake_amt * 10_000));
            SUBNET_ALPHA_IN.insert(&mut ctx.st, &NETUID, &(stake_amt * 10_000));
            for (h, c) in [
                (child_hot, child_cold),
                (parent_hot, parent_cold),
                (miner_hot, miner_cold),
            ] {
                BURN.insert(&mut ctx.st, &NETUID, &0);
                neurons::registration::burned_register(ctx, &c, NETUID, &h, None).unwrap();
            }
            BURN.insert(&mut ctx.st, &NETUID, &0);
            for c in [parent_cold, nominator] {
                agora_runtime::balances::mint(ctx, &c, stake_amt + 500).unwrap();
            }
            WEIGHTS_SET_RATE_LIMIT.insert(&mut ctx.st, &NETUID, &0);
            MAX_ALLOWED_VALIDATORS.insert(&mut ctx.st, &NETUID, &2);
        });
        for _ in 0..tempo {
            chain.next_block(&[]);
        }
        let (child0, parent0, nominator0) = chain.with_ctx(|ctx| {
            SUBNET_OWNER_CUT.put(&mut ctx.st, &0);
            set_children(ctx, parent_hot, &[(u64::MAX / 2, child_hot)]);
            let max_take = 0xFFFF / 5;
            MAX_CHILDKEY_TAKE.put(&mut ctx.st, &max_take);
            childkeys::set_childkey_take(ctx, &child_cold, &child_hot, NETUID, max_take).unwrap();
            MAX_DELEGATE_TAKE.put(&mut ctx.st, &parent_take);
            DELEGATES.insert(&mut ctx.st, &parent_hot, &parent_take);
            DELEGATES.insert(&mut ctx.st, &child_hot, &0);
            staking::calls::add_stake(ctx, &parent_cold, &parent_hot, NETUID, stake_amt).unwrap();
            staking::calls::add_stake(ctx, &nominator, &child_hot, NETUID, stake_amt).unwrap();
            WEIGHTS.insert(&mut ctx.st, &(NETUID, 0), &vec![(2, 0xFFFF)]);
            WEIGHTS.insert(&mut ctx.st, &(NETUID, 1), &vec![(2, 0xFFFF)]);
            for uid in 0..3 {
                BLOCK_AT_REGISTRATION.insert(&mut ctx.st, &(NETUID, uid), &1);
            }
            LAST_UPDATE.insert(&mut ctx.st, &NETUID, &vec![2, 2, 2]);
            KAPPA.insert(&mut ctx.st, &NETUID, &(u16::MAX / 5));
            ACTIVITY_CUTOFF.insert(&mut ctx.st, &NETUID, &u16::MAX);
            VALIDATOR_PERMIT.insert(&mut ctx.st, &NETUID, &vec![true, true, false]);
            let hot = [parent_hot, child_hot, miner_hot];
            (
                coldkey_stake(ctx, child_cold, &hot),
                coldkey_stake(ctx, parent_cold, &hot),
                coldkey_stake(ctx, nominator, &hot),
            )
        });
        for _ in 0..tempo {
            chain.next_block(&[]);
        }
        chain.with_ctx(|ctx| {
            let hot = [parent_hot, child_hot, miner_hot];
            let child = coldkey_stake(ctx, child_cold, &hot) - child0;
            let parent = coldkey_stake(ctx, parent_cold, &hot) - parent0;
            let nom = coldkey_stake(ctx, nominator, &hot) - nominator0;
            let total = child + parent + nom;
            // Several blocks of 0.5 alpha validator emission: far above the tolerance.
            assert!(
                total > 1_000_000_000,
                "too little emission reached the validators: {total}"
            );
            close(child, 0, 10, "child");
            close(parent, total * 9 / 20, 10, "parent");
            close(nom, total * 11 / 20, 10, "nominator");
        });
    }
}
