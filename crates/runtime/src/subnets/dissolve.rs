//! Subnet dissolution and the pruning choice (protocol.md §6.7, `ST/coinbase/root.rs:206-465,
//! 584-615`, `ST/staking/remove_stake.rs:442-668`).
//!
//! Dissolution pays the pool's TAO (`SubnetTAO`) out pro rata to every alpha position on the
//! subnet plus a "protocol" claimant holding the pool's alpha reserve, refunds legacy owners,
//! recycles what is left in the subnet account, and then removes every per-netuid item.
//!
//! # Invariants
//! - TAO leaves the subnet account only by [`balances::transfer`] (to stakers and the legacy
//!   owner) and [`balances::recycle`] (the rest down to the existential deposit), so the sum
//!   of balances still equals `Balances.TotalIssuance`, and `TotalIssuance` moves with it.
//! - After dissolution no storage item of this runtime holds an entry for the netuid, except
//!   `RegisteredSubnetCounter` (kept by design) and the subnet account's balance (its
//!   existential deposit, as in the reference).
//!
//! Positions are valued through the hotkeys' share pools (falling back to the raw share
//! count where a pool values them at 0, as the reference does), the price is the AMM's spot
//! price, and the AMM's state is cleared after the payout (`clear_protocol_liquidity`).
//! The protocol's claimant holds `SubnetProtocolAlpha` (the coinbase's chain buys) and, for
//! non-legacy subnets, the pool's alpha reserve. Root-claim state for the netuid is dropped
//! first ([`crate::root_claims::finalize_all_subnet_root_dividends`]).

use agora_primitives::{AccountId, SafeDiv, U64F64, U96F32};

use crate::balances::{self, subnet_account};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::state::Overlay;
use crate::storage::*;

use super::register::DYNAMIC_MECHANISM;
use super::tempo::TEMPO_LAST_SET;
use super::{TAO_IN_REFUND_DEPLOYMENT_BLOCK, subnet_exists};

/// Hard maximum of mechanisms per subnet (`MaxMechanismCount` is at most 16): dissolution
/// clears every mechanism index a subnet could ever have used.
pub const MAX_MECHANISMS: MechId = 16;

/// The subnet a registration at the limit replaces (§6.7, `get_network_to_prune`): among
/// non-root subnets past `NetworkImmunityPeriod`, the lowest moving price, ties to the
/// earliest registration (then the lowest netuid). `None` if every subnet is immune.
pub fn get_subnet_to_prune(st: &Overlay<'_>, now: u64) -> Option<NetUid> {
    let immunity = NETWORK_IMMUNITY_PERIOD.get(st);
    let mut best: Option<(NetUid, U64F64, u64)> = None;
    for (netuid, added) in NETWORKS_ADDED.iter(st) {
        if !added || netuid == ROOT_NETUID {
            continue;
        }
        let registered = NETWORK_REGISTERED_AT.get(st, &netuid);
        if now < registered.saturating_add(immunity) {
            continue;
        }
        let price = moving_price(st, netuid);
        let better = match best {
            None => true,
            Some((_, p, at)) => price < p || (price == p && registered < at),
        };
        if better {
            best = Some((netuid, price, registered));
        }
    }
    best.map(|(n, _, _)| n)
}

/// The moving price as `U64F64` (`get_moving_alpha_price`): 1 for a non-dynamic subnet,
/// else `SubnetMovingPrice` (stored as `I96F32` bits; negative reads as 0).
fn moving_price(st: &Overlay<'_>, netuid: NetUid) -> U64F64 {
    if netuid == ROOT_NETUID || SUBNET_MECHANISM.get(st, &netuid) != DYNAMIC_MECHANISM {
        return U64F64::saturating_from_num(1u8);
    }
    let bits = SUBNET_MOVING_PRICE.get(st, &netuid);
    U64F64::saturating_from_num(agora_primitives::I96F32::from_bits(bits))
}

/// Root dissolution of a subnet (§6.7, `do_dissolve_network`); also used by pruning.
/// `SubnetNotExists` for root or a missing subnet. Emits `NetworkRemoved`.
pub fn dissolve_network(ctx: &mut Ctx<'_>, netuid: NetUid) -> DispatchResult {
    ensure(
        subnet_exists(&ctx.st, netuid) && netuid != ROOT_NETUID,
        Error::SubnetNotExists,
    )?;
    crate::root_claims::finalize_all_subnet_root_dividends(&mut ctx.st, netuid);
    destroy_alpha_in_out_stakes(ctx, netuid);
    crate::swap::clear_protocol_liquidity(&mut ctx.st, netuid);
    remove_network(ctx, netuid);
    ctx.deposit(SubtensorEvent::NetworkRemoved(netuid));
    Ok(())
}

/// One claimant of the TAO pot.
struct Portion {
    cold: AccountId,
    is_protocol: bool,
    share: u64,
    rem: u128,
}

/// Splits `pot` pro rata to `weights` by largest remainder: each gets `floor(pot·w/total)`,
/// then the `pot − Σ` leftover rao go one each to the largest remainders (ties keep input
/// order, as the reference's stable sort does).
fn largest_remainder(pot: u64, portions: &mut [Portion], weights: &[u128], total: u128) {
    let pot = u128::from(pot);
    let mut distributed: u128 = 0;
    for (p, w) in portions.iter_mut().zip(weights) {
        let prod = pot.saturating_mul(*w);
        let share = u64::try_from(prod.safe_div(total)).unwrap_or(u64::MAX);
        distributed = distributed.saturating_add(u128::from(share));
        p.share = share;
        p.rem = prod.checked_rem(total).unwrap_or_default();
    }
    let leftover = pot.saturating_sub(distributed);
    if leftover > 0 {
        let mut order: Vec<usize> = (0..portions.len()).collect();
        // Stable sort by remainder, descending.
        order.sort_by(|a, b| {
            let ra = portions.get(*a).map_or(0, |p| p.rem);
            let rb = portions.get(*b).map_or(0, |p| p.rem);
            rb.cmp(&ra)
        });
        let give = usize::try_from(leftover).unwrap_or(usize::MAX);
        for i in order.into_iter().take(give) {
            if let Some(p) = portions.get_mut(i) {
                p.share = p.share.saturating_add(1);
            }
        }
    }
}

/// Pays out and destroys the subnet's pool and alpha positions
/// (`destroy_alpha_in_out_stakes`). Individual payouts that cannot be made (e.g. a share
/// below the existential deposit to a new account) are skipped, as in the reference; the
/// TAO stays in the subnet account and is recycled with the rest.
fn destroy_alpha_in_out_stakes(ctx: &mut Ctx<'_>, netuid: NetUid) {
    let owner = SUBNET_OWNER.get(&ctx.st, &netuid);
    let lock_cost = SUBNET_LOCKED.get(&ctx.st, &netuid);
    let registered = NETWORK_REGISTERED_AT.get(&ctx.st, &netuid);
    let should_refund = registered < NETWORK_REGISTRATION_START_BLOCK.get(&ctx.st);
    let alpha_in = SUBNET_ALPHA_IN.get(&ctx.st, &netuid);
    let alpha_out = SUBNET_ALPHA_OUT.get(&ctx.st, &netuid);

    // Legacy owners get their lock back minus the TAO value of the owner cut of all alpha.
    let mut owner_emission_tao: u64 = 0;
    let issuance = alpha_in.saturating_add(alpha_out);
    if should_refund && lock_cost > 0 && issuance > 0 {
        let cut = U96F32::saturating_from_num(SUBNET_OWNER_CUT.get(&ctx.st))
            .safe_div(U96F32::saturating_from_num(u16::MAX));
        let owner_alpha = U96F32::saturating_from_num(issuance)
            .saturating_mul(cut)
            .floor()
            .saturating_to_num::<u64>();
        if owner_alpha > 0 {
            let price = U96F32::saturating_from_num(crate::swap::current_price(&ctx.st, netuid));
            owner_emission_tao = U96F32::saturating_from_num(owner_alpha)
                .saturating_mul(price)
                .floor()
                .saturating_to_num::<u64>();
        }
    }

    // The protocol's claim: the alpha its chain buys hold, plus the pool's alpha reserve
    // (not for legacy subnets).
    let bought = SUBNET_PROTOCOL_ALPHA.get(&ctx.st, &netuid);
    let protocol_alpha: u128 = if registered > TAO_IN_REFUND_DEPLOYMENT_BLOCK.get(&ctx.st) {
        u128::from(alpha_in.saturating_add(bought))
    } else {
        u128::from(bought)
    };

    // Every position on the subnet, hotkey by hotkey (key order; the reference's is hash
    // order, which only matters for remainder ties).
    let hotkeys: Vec<AccountId> = TOTAL_HOTKEY_ALPHA
        .keys(&ctx.st)
        .into_iter()
        .filter(|(_, n)| *n == netuid)
        .map(|(h, _)| h)
        .collect();
    let mut positions: Vec<(AccountId, AccountId)> = Vec::new();
    let mut portions: Vec<Portion> = Vec::new();
    let mut weights: Vec<u128> = Vec::new();
    let mut total: u128 = protocol_alpha;
    for hot in &hotkeys {
        for (cold, n, shares) in crate::staking::shares::positions_of_hotkey(&ctx.st, hot) {
            if n != netuid {
                continue;
            }
            positions.push((*hot, cold));
            // The pool's value of the shares; the raw share count if the pool says 0.
            let value = match crate::staking::alpha(&ctx.st, hot, &cold, netuid) {
                0 => shares.to_u64(),
                v => v,
            };
            if value > 0 {
                total = total.saturating_add(u128::from(value));
                weights.push(u128::from(value));
                portions.push(Portion {
                    cold,
                    is_protocol: false,
                    share: 0,
                    rem: 0,
                });
            }
        }
    }
    if protocol_alpha > 0 {
        weights.push(protocol_alpha);
        portions.push(Portion {
            cold: owner,
            is_protocol: true,
            share: 0,
            rem: 0,
        });
    }

    // The pot leaves the pool accounting first.
    let pot = SUBNET_TAO.get(&ctx.st, &netuid);
    if pot > 0 {
        SUBNET_TAO.remove(&mut ctx.st, &netuid);
        TOTAL_STAKE.mutate(&mut ctx.st, |t| *t = t.saturating_sub(pot));
    }
    let account = subnet_account(netuid);
    let mut protocol_share: u64 = 0;
    if pot > 0 && total > 0 {
        largest_remainder(pot, &mut portions, &weights, total);
        for p in &portions {
            if p.is_protocol {
                protocol_share = protocol_share.saturating_add(p.share);
            } else if p.share > 0 {
                // A failed payout must not fail the dissolution (reference ignores it too).
                let _ = balances::transfer(ctx, &account, &p.cold, p.share, false);
            }
        }
    }

    for (hot, cold) in positions {
        ALPHA_V2.remove(&mut ctx.st, &(hot, cold, netuid));
    }
    for hot in hotkeys {
        TOTAL_HOTKEY_ALPHA.remove(&mut ctx.st, &(hot, netuid));
        TOTAL_HOTKEY_SHARES_V2.remove(&mut ctx.st, &(hot, netuid));
    }
    SUBNET_ALPHA_IN.remove(&mut ctx.st, &netuid);
    SUBNET_ALPHA_OUT.remove(&mut ctx.st, &netuid);
    SUBNET_LOCKED.insert(&mut ctx.st, &netuid, &0);

    let refund = if should_refund {
        lock_cost.saturating_sub(owner_emission_tao)
    } else {
        0
    };
    if refund > 0 {
        let transferrable = balances::free(&ctx.st, &account).saturating_sub(protocol_share);
        let _ = balances::transfer(ctx, &account, &owner, refund.min(transferrable), false);
    }

    // Whatever is left above the existential deposit is recycled (the protocol share
    // included: it "stays in the subnet account" only until this step).
    let remaining = balances::spendable(&ctx.st, &account, true);
    if remaining > 0 && balances::recycle(ctx, &account, remaining).is_ok() {
        RAO_RECYCLED_FOR_REGISTRATION.insert(&mut ctx.st, &netuid, &remaining);
    }
}

/// Declares the per-netuid items once, for both the cleanup and the test that checks it.
macro_rules! netuid_items {
    (
        single: [$($single:ident),* $(,)?],
        prefix: [$($prefix:ident),* $(,)?],
        index_single: [$($isingle:ident),* $(,)?],
        index_prefix: [$($iprefix:ident),* $(,)?],
    ) => {
        /// Names of the maps keyed by netuid alone that dissolution removes.
        pub const NETUID_KEYED: &[&str] = &[$($single.name()),*];
        /// Names of the maps keyed by `(netuid, _)` that dissolution clears.
        pub const NETUID_PREFIXED: &[&str] = &[$($prefix.name()),*];
        /// Names of the maps keyed by a mechanism index (alone or first).
        pub const INDEX_KEYED: &[&str] = &[$($isingle.name()),* $(, $iprefix.name())*];

        fn remove_netuid_items(st: &mut Overlay<'_>, netuid: NetUid) {
            $( if $single.contains(st, &netuid) { $single.remove(st, &netuid); } )*
            $( $prefix.clear_prefix(st, &netuid); )*
            for mecid in 0..MAX_MECHANISMS {
                let idx = netuid_index(netuid, mecid);
                $( if $isingle.contains(st, &idx) { $isingle.remove(st, &idx); } )*
                $( $iprefix.clear_prefix(st, &idx); )*
            }
        }
    };
}

netuid_items! {
    single: [
        // existence, pool, ownership
        NETWORKS_ADDED, SUBNETWORK_N, SUBNET_OWNER, SUBNET_OWNER_HOTKEY, SUBNET_MECHANISM,
        NETWORK_REGISTERED_AT, SUBNET_LOCKED, SUBNET_TAO, SUBNET_ALPHA_IN, SUBNET_ALPHA_OUT,
        SUBNET_ALPHA_OUT_EMISSION, FIRST_EMISSION_BLOCK_NUMBER, SUBTOKEN_ENABLED,
        SUBNET_EMISSION_ENABLED, TOKEN_SYMBOL, SUBNET_MOVING_PRICE,
        LAST_OWNER_HOTKEY_CHANGE,
        // hyperparameters
        TEMPO, ACTIVITY_CUTOFF_FACTOR_MILLI, ACTIVITY_CUTOFF, RHO, KAPPA,
        ALPHA_SIGMOID_STEEPNESS, IMMUNITY_PERIOD, MAX_ALLOWED_UIDS, MIN_ALLOWED_UIDS,
        MAX_ALLOWED_VALIDATORS, MIN_ALLOWED_WEIGHTS, MAX_WEIGHTS_LIMIT, WEIGHTS_VERSION_KEY,
        WEIGHTS_SET_RATE_LIMIT, COMMIT_REVEAL_WEIGHTS_ENABLED, REVEAL_PERIOD_EPOCHS,
        BONDS_MOVING_AVERAGE, BONDS_PENALTY, BONDS_RESET_ON, LIQUID_ALPHA_ON, YUMA3_ON,
        ALPHA_VALUES, SERVING_RATE_LIMIT, BURN, MIN_BURN, MAX_BURN, BURN_HALF_LIFE,
        BURN_INCREASE_MULT, NETWORK_REGISTRATION_ALLOWED, NETWORK_POW_REGISTRATION_ALLOWED,
        DIFFICULTY, MIN_DIFFICULTY, MAX_DIFFICULTY, ADJUSTMENT_INTERVAL, ADJUSTMENT_ALPHA,
        TARGET_REGISTRATIONS_PER_INTERVAL, MAX_REGISTRATIONS_PER_BLOCK,
        REGISTRATIONS_THIS_BLOCK, REGISTRATIONS_THIS_INTERVAL, RAO_RECYCLED_FOR_REGISTRATION,
        TRANSFER_TOGGLE, RECYCLE_OR_BURN, OWNER_CUT_ENABLED, OWNER_CUT_AUTO_LOCK_ENABLED,
        IMMUNE_OWNER_UIDS_LIMIT, MIN_NON_IMMUNE_UIDS, MECHANISM_COUNT_CURRENT,
        MECHANISM_EMISSION_SPLIT, EMA_PRICE_HALVING_BLOCKS, ROOT_CLAIMABLE_THRESHOLD,
        MIN_CHILDKEY_TAKE_PER_SUBNET, SCALING_LAW_POWER, FEE_RATE, SUBNET_VOLUME,
        SUBNET_TAO_FLOW, SWAP_BALANCER, PAL_SWAP_INITIALIZED,
        // per-uid epoch vectors keyed by netuid
        ACTIVE, EMISSION, CONSENSUS, DIVIDENDS, VALIDATOR_TRUST, VALIDATOR_PERMIT,
        STAKE_WEIGHT, PRUNING_SCORES, LAST_MECHANISM_STEP_BLOCK,
        // epoch scheduling and pending emission
        BLOCKS_SINCE_LAST_STEP, LAST_EPOCH_BLOCK, PENDING_EPOCH_AT, SUBNET_EPOCH_INDEX,
        PENDING_SERVER_EMISSION, PENDING_VALIDATOR_EMISSION, PENDING_ROOT_ALPHA_DIVS,
        PENDING_OWNER_CUT, MINER_BURNED,
        // coinbase records
        ROOT_PROP, SUBNET_ALPHA_IN_EMISSION, SUBNET_TAO_IN_EMISSION, SUBNET_EXCESS_TAO,
        SUBNET_ROOT_SELL_TAO, SUBNET_PROTOCOL_ALPHA, SUBNET_PROTOCOL_FLOW,
    ],
    prefix: [
        KEYS, UIDS, BLOCK_AT_REGISTRATION, AXONS, PROMETHEUS, NEURON_CERTIFICATES,
        ALPHA_DIVIDENDS_PER_SUBNET, LAST_HOTKEY_SWAP_ON_NETUID, LAST_HYPERPARAM_SET,
        TEMPO_LAST_SET, ROOT_ALPHA_DIVIDENDS_PER_SUBNET,
    ],
    index_single: [LAST_UPDATE, INCENTIVE],
    index_prefix: [WEIGHTS, BONDS, WEIGHT_COMMITS],
}

/// Removes the subnet's storage (`remove_network`): root weights pointing at it are zeroed,
/// its hotkeys lose their membership, its identity goes (with `SubnetIdentityRemoved`), and
/// every per-netuid item listed above is removed.
fn remove_network(ctx: &mut Ctx<'_>, netuid: NetUid) {
    let hotkeys: Vec<AccountId> = KEYS
        .iter_prefix(&ctx.st, &netuid)
        .into_iter()
        .map(|(_, h)| h)
        .collect();
    // Root weights (legacy) that point at this netuid become zero.
    let root_index = netuid_index(ROOT_NETUID, 0);
    for (uid, mut row) in WEIGHTS.iter_prefix(&ctx.st, &root_index) {
        for (dest, w) in &mut row {
            if *dest == netuid {
                *w = 0;
            }
        }
        WEIGHTS.insert(&mut ctx.st, &(root_index, uid), &row);
    }
    for hot in hotkeys {
        IS_NETWORK_MEMBER.remove(&mut ctx.st, &(hot, netuid));
    }
    if SUBNET_IDENTITIES.contains(&ctx.st, &netuid) {
        SUBNET_IDENTITIES.remove(&mut ctx.st, &netuid);
        ctx.deposit(SubtensorEvent::SubnetIdentityRemoved(netuid));
    }
    remove_netuid_items(&mut ctx.st, netuid);
    // A map with the netuid second (`TotalHotkeyAlphaLastEpoch`).
    for (hot, n) in TOTAL_HOTKEY_ALPHA_LAST_EPOCH.keys(&ctx.st) {
        if n == netuid {
            TOTAL_HOTKEY_ALPHA_LAST_EPOCH.remove(&mut ctx.st, &(hot, n));
        }
    }
    crate::childkeys::remove_network(&mut ctx.st, netuid);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portions(n: u8) -> Vec<Portion> {
        (0..n)
            .map(|i| Portion {
                cold: AccountId([i; 32]),
                is_protocol: false,
                share: 0,
                rem: 0,
            })
            .collect()
    }

    #[test]
    fn largest_remainder_hands_out_the_whole_pot() {
        // 10 over weights 1:1:1 → 3,3,3 and one leftover to the first (ties keep order).
        let mut p = portions(3);
        largest_remainder(10, &mut p, &[1, 1, 1], 3);
        assert_eq!(p.iter().map(|x| x.share).collect::<Vec<_>>(), vec![4, 3, 3]);
        // 100 over 1:2:4 (total 7): 14.28, 28.57, 57.14 → floors 14, 28, 57, leftover 1 to
        // the largest remainder (28.57).
        let mut p = portions(3);
        largest_remainder(100, &mut p, &[1, 2, 4], 7);
        assert_eq!(
            p.iter().map(|x| x.share).collect::<Vec<_>>(),
            vec![14, 29, 57]
        );
        assert_eq!(p.iter().map(|x| x.share).sum::<u64>(), 100);
    }
}
