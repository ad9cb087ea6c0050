//! Paying out a subnet's drained emission at its epoch (protocol.md §3.5, `distribute_emission`
//! and `distribute_dividends_and_incentives`, `ST/coinbase/run_coinbase.rs:604-896`).
//!
//! 1. The epoch runs on `server + validator + root` (the owner cut is excluded).
//! 2. If no miner earned incentive, validators also get the server pool.
//! 3. Each hotkey's epoch dividend is redistributed to its parents (§5.7), then split by each
//!    recipient's own alpha-vs-root stake into a share of the validator pool and a share of
//!    the root pool (the epoch's dividends are only weights).
//! 4. Payouts: the owner cut as stake of the owner hotkey; miner incentive as stake of the
//!    miner's owner (on its auto-stake destination if set), except owner hotkeys, whose
//!    incentive is burned or recycled and counted in `MinerBurned`; alpha dividends: the
//!    hotkey's take to its owner, the rest to all its stakers; root dividends: the take to the
//!    owner as alpha, the rest claimable by the hotkey's root stakers.
//!
//! Maps keyed by hotkey are iterated in hotkey order, as the reference's `BTreeMap`s are.

use std::collections::BTreeMap;

use agora_primitives::{AccountId, U96F32};

use crate::block::run_epoch;
use crate::childkeys;
use crate::ctx::Ctx;
use crate::event::SubtensorEvent;
use crate::staking;
use crate::state::Overlay;
use crate::storage::*;

use super::alpha::{burn_subnet_alpha, recycle_subnet_alpha};
use super::dividends::{
    ChildStakes, Parent, Recipient, Redistribution, redistribute, split_dividends, u16_proportion,
    u64_proportion,
};
use super::drain::Pending;
use super::emit::tao_weight;
use super::root_claims::increase_root_claimable_for_hotkey_and_subnet;

fn f(x: u64) -> U96F32 {
    U96F32::saturating_from_num(x)
}

/// `get_owner_hotkeys`: hotkeys of the owner coldkey registered on the subnet, plus the
/// subnet's owner hotkey if it is registered.
pub fn owner_hotkeys(st: &Overlay<'_>, netuid: NetUid) -> Vec<AccountId> {
    let owner = SUBNET_OWNER.get(st, &netuid);
    let mut keys: Vec<AccountId> = OWNED_HOTKEYS
        .get(st, &owner)
        .into_iter()
        .filter(|h| UIDS.contains(st, &(netuid, *h)))
        .collect();
    if let Some(h) = SUBNET_OWNER_HOTKEY.try_get(st, &netuid)
        && UIDS.contains(st, &(netuid, h))
        && !keys.contains(&h)
    {
        keys.push(h);
    }
    keys
}

/// The stakes the redistribution of `hotkey`'s dividend on `netuid` reads.
fn child_stakes(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid, w: U96F32) -> ChildStakes {
    let owner = OWNER.try_get(st, hotkey);
    ChildStakes {
        alpha: staking::total_hotkey_alpha(st, hotkey, netuid),
        root: staking::total_hotkey_alpha(st, hotkey, ROOT_NETUID),
        children: childkeys::children(st, hotkey, netuid)
            .into_iter()
            .map(|(p, _)| p)
            .collect(),
        parents: childkeys::parents(st, hotkey, netuid)
            .into_iter()
            .map(|(proportion, parent)| Parent {
                hotkey: parent,
                proportion,
                alpha: staking::total_hotkey_alpha(st, &parent, netuid),
                root: staking::total_hotkey_alpha(st, &parent, ROOT_NETUID),
                same_owner: OWNER.try_get(st, &parent) == owner,
            })
            .collect(),
        child_take: u16_proportion(childkeys::childkey_take(st, hotkey, netuid)),
        ck_burn: u64_proportion(CK_BURN.get(st)),
        tao_weight: w,
    }
}

/// `distribute_emission` for `netuid` with what [`super::drain::drain_pending`] took.
pub fn distribute_emission(ctx: &mut Ctx<'_>, netuid: NetUid, pending: Pending) {
    let w = tao_weight(&ctx.st);
    let to_epoch = pending
        .server
        .saturating_add(pending.validator)
        .saturating_add(pending.root);
    let out = run_epoch(ctx, netuid, to_epoch);

    // Per hotkey (server, validator) emission, in hotkey order.
    let mut emission: BTreeMap<AccountId, (u64, u64)> = BTreeMap::new();
    for (uid, (&server, &validator)) in out
        .subnet
        .server_emission
        .iter()
        .zip(&out.subnet.validator_emission)
        .enumerate()
    {
        let Ok(uid) = u16::try_from(uid) else {
            continue;
        };
        if let Some(h) = KEYS.try_get(&ctx.st, &(netuid, uid)) {
            let e = emission.entry(h).or_default();
            e.0 = e.0.saturating_add(server);
            e.1 = e.1.saturating_add(validator);
        }
    }
    let incentive_sum = emission
        .values()
        .fold(0u64, |acc, &(s, _)| acc.saturating_add(s));
    let validator_pool = if incentive_sum != 0 {
        pending.validator
    } else {
        pending.validator.saturating_add(pending.server)
    };

    // Incentives per hotkey and dividends redistributed to parents (`calculate_dividends_and_incentives`).
    let mut incentives: BTreeMap<AccountId, u64> = BTreeMap::new();
    let mut dividends: BTreeMap<AccountId, U96F32> = BTreeMap::new();
    for (hotkey, &(server, validator)) in &emission {
        let inc = incentives.entry(*hotkey).or_default();
        *inc = inc.saturating_add(server);
        let r = if validator == 0 {
            // Nothing to share: every parent and the hotkey itself receive 0 (the reference
            // still lists them, and they stay dividend recipients), and nothing is burned, so
            // the stakes need not be read.
            let mut shares: Vec<(AccountId, u64)> = childkeys::parents(&ctx.st, hotkey, netuid)
                .into_iter()
                .map(|(_, p)| (p, 0))
                .collect();
            shares.push((*hotkey, 0));
            Redistribution {
                shares,
                burns: Vec::new(),
            }
        } else {
            let stakes = child_stakes(&ctx.st, hotkey, netuid, w);
            redistribute(*hotkey, validator, &stakes)
        };
        for burn in r.burns {
            recycle_subnet_alpha(&mut ctx.st, netuid, burn);
        }
        for (to, amount) in r.shares {
            let d = dividends.entry(to).or_insert(f(0));
            *d = d.saturating_add(f(amount));
        }
    }

    // A zero dividend splits into zero parts whatever the stakes: they are read only for the
    // others.
    let recipients: Vec<Recipient> = dividends
        .iter()
        .map(|(h, &d)| {
            let (alpha, root) = if d == 0 {
                (0, 0)
            } else {
                (
                    staking::total_hotkey_alpha(&ctx.st, h, netuid),
                    staking::total_hotkey_alpha(&ctx.st, h, ROOT_NETUID),
                )
            };
            Recipient {
                hotkey: *h,
                dividend: d,
                alpha,
                root,
            }
        })
        .collect();
    let (alpha_divs, root_divs) = split_dividends(validator_pool, pending.root, w, &recipients);
    pay_out(
        ctx,
        netuid,
        pending.owner_cut,
        &incentives,
        &alpha_divs,
        &root_divs,
    );
}

/// `distribute_dividends_and_incentives`.
fn pay_out(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    owner_cut: u64,
    incentives: &BTreeMap<AccountId, u64>,
    alpha_divs: &[(AccountId, U96F32)],
    root_divs: &[(AccountId, U96F32)],
) {
    // Owner cut. (Subnet leases and the owner-cut auto-lock are not implemented; see
    // docs/runtime.md.)
    if let (Some(cold), Some(hot)) = (
        SUBNET_OWNER.try_get(&ctx.st, &netuid),
        SUBNET_OWNER_HOTKEY.try_get(&ctx.st, &netuid),
    ) {
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &hot,
            &cold,
            netuid,
            owner_cut,
        );
    }

    // Miner incentives.
    let owners = owner_hotkeys(&ctx.st, netuid);
    let recycle = RECYCLE_OR_BURN.get(&ctx.st, &netuid) == 1;
    let mut total = 0u64;
    let mut withheld = 0u64;
    for (hotkey, &incentive) in incentives {
        total = total.saturating_add(incentive);
        if owners.contains(hotkey) {
            withheld = withheld.saturating_add(incentive);
            if recycle {
                recycle_subnet_alpha(&mut ctx.st, netuid, incentive);
            } else {
                burn_subnet_alpha(&mut ctx.st, netuid, incentive);
            }
            continue;
        }
        let owner = OWNER.get(&ctx.st, hotkey);
        let dest = AUTO_STAKE_DESTINATION.try_get(&ctx.st, &(owner, netuid));
        if let Some(d) = dest {
            ctx.deposit(SubtensorEvent::AutoStakeAdded {
                netuid,
                destination: d,
                hotkey: *hotkey,
                owner,
                incentive,
            });
        }
        let to = dest.unwrap_or(*hotkey);
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &to,
            &owner,
            netuid,
            incentive,
        );
    }
    let burned = f(withheld).checked_div(f(total)).unwrap_or(f(0));
    MINER_BURNED.insert(&mut ctx.st, &netuid, &burned.to_bits());

    // Alpha dividends: take to the owner, the rest to every staker of the hotkey.
    ALPHA_DIVIDENDS_PER_SUBNET.clear_prefix(&mut ctx.st, &netuid);
    for &(hotkey, divs) in alpha_divs {
        // A zero payout changes no stake and adds nothing to the record (absent reads as 0);
        // the pool size it was computed against is still recorded, as the reference does.
        if divs != 0 {
            let take = take_of(&ctx.st, &hotkey).saturating_mul(divs);
            let rest = divs.saturating_sub(take).saturating_to_num::<u64>();
            let take = take.saturating_to_num::<u64>();
            if take != 0 {
                let owner = OWNER.get(&ctx.st, &hotkey);
                staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                    &mut ctx.st,
                    &hotkey,
                    &owner,
                    netuid,
                    take,
                );
            }
            if rest != 0 {
                staking::increase_stake_for_hotkey_on_subnet(&mut ctx.st, &hotkey, netuid, rest);
                ALPHA_DIVIDENDS_PER_SUBNET.mutate(&mut ctx.st, &(netuid, hotkey), |d| {
                    *d = d.saturating_add(rest);
                });
            }
        }
        let total_alpha = staking::total_hotkey_alpha(&ctx.st, &hotkey, netuid);
        TOTAL_HOTKEY_ALPHA_LAST_EPOCH.insert(&mut ctx.st, &(hotkey, netuid), &total_alpha);
    }

    // Root dividends: take to the owner as alpha, the rest claimable by root stakers.
    ROOT_ALPHA_DIVIDENDS_PER_SUBNET.clear_prefix(&mut ctx.st, &netuid);
    for &(hotkey, divs) in root_divs {
        if divs == 0 {
            // Nothing to pay; the reference would store a zero rate for the subnet in
            // `RootClaimable`, which reads the same as none.
            continue;
        }
        let take = take_of(&ctx.st, &hotkey).saturating_mul(divs);
        let rest = divs.saturating_sub(take).saturating_to_num::<u64>();
        let take = take.saturating_to_num::<u64>();
        if take != 0 {
            let owner = OWNER.get(&ctx.st, &hotkey);
            staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                &mut ctx.st,
                &hotkey,
                &owner,
                netuid,
                take,
            );
        }
        if rest != 0 {
            increase_root_claimable_for_hotkey_and_subnet(&mut ctx.st, &hotkey, netuid, rest);
            ROOT_ALPHA_DIVIDENDS_PER_SUBNET.mutate(&mut ctx.st, &(netuid, hotkey), |d| {
                *d = d.saturating_add(rest);
            });
        }
    }
}

/// The hotkey's delegate take as a fraction (`get_hotkey_take_float`).
fn take_of(st: &Overlay<'_>, hotkey: &AccountId) -> U96F32 {
    u16_proportion(DELEGATES.get(st, hotkey))
}
