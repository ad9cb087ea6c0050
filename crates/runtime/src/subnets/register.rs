//! Subnet registration (protocol.md §6.1, `ST/subnets/subnet.rs:115-291`) and the subnet
//! lock cost (`ST/coinbase/root.rs:502-582`).
//!
//! # Invariants
//! - Every check runs before the first write except identity validation, which the reference
//!   also runs late; the dispatcher's transactional layer undoes everything on any error.
//! - The lock leaves the caller's free balance for the subnet account by a keep-alive
//!   transfer, so issuance is untouched; `SubnetTAO` may exceed the subnet account's balance
//!   only in the reference's own edge case (lock clamped below `NetworkMinLockCost`).
//!
//! Prices are the AMM's spot prices ([`crate::swap::current_price`]).

use agora_primitives::{AccountId, I64F64, SafeDiv, U64F64};

use crate::accounts::{coldkey_owns_hotkey, create_account_if_non_existent, hotkey_account_exists};
use crate::balances::{self, is_system_account, subnet_account};
use crate::ctx::{Ctx, ensure};
use crate::emission::{DEFAULT_BLOCK_EMISSION, block_emission_for_issuance};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::append_neuron;
use crate::state::Overlay;
use crate::storage::*;
use crate::types::SubnetIdentity;

use super::{dissolve, init_new_network, is_valid_subnet_identity, symbols};

/// The only mechanism a user may register (dynamic).
pub const DYNAMIC_MECHANISM: u16 = 1;

/// The lock-decay interval scaled by the current block emission (`get_lock_reduction_interval`):
/// `floor(NetworkLockReductionInterval · E_tao / 10^9)` in `I64F64`, so each halving halves it.
pub fn lock_reduction_interval(st: &Overlay<'_>) -> u64 {
    let interval = I64F64::saturating_from_num(NETWORK_LOCK_REDUCTION_INTERVAL.get(st));
    let emission = I64F64::saturating_from_num(block_emission_for_issuance(TOTAL_ISSUANCE.get(st)));
    let halving = emission
        .checked_div(I64F64::saturating_from_num(DEFAULT_BLOCK_EMISSION))
        .unwrap_or_default();
    interval.saturating_mul(halving).saturating_to_num::<u64>()
}

/// The current subnet lock cost at block `now` (§6.1 step 5, `get_network_lock_cost`):
///
/// `max(NetworkMinLockCost, last_lock · m − floor(last_lock / I_eff) · (now − last_block))`
/// with `m = 1` before the first registration (`last_block == 0`) and 2 after, all in
/// saturating integer arithmetic (`x / 0 = 0`).
pub fn network_lock_cost(st: &Overlay<'_>, now: u64) -> u64 {
    let last_lock = NETWORK_LAST_LOCK_COST.get(st);
    let min_lock = NETWORK_MIN_LOCK_COST.get(st);
    let last_block = NETWORK_LAST_REGISTERED.get(st);
    let interval = lock_reduction_interval(st);
    let mult: u64 = if last_block == 0 { 1 } else { 2 };
    let decay = last_lock
        .safe_div(interval)
        .saturating_mul(now.saturating_sub(last_block));
    last_lock
        .saturating_mul(mult)
        .saturating_sub(decay)
        .max(min_lock)
}

/// The median spot price of the non-root subnets with a positive price; the mean of the two
/// middle prices for an even count; 1 if there are none (`get_median_subnet_alpha_price`,
/// `ST/staking/stake_utils.rs:74-142`).
pub fn median_subnet_alpha_price(st: &Overlay<'_>) -> U64F64 {
    let zero = U64F64::saturating_from_num(0u8);
    let mut prices: Vec<U64F64> = NETWORKS_ADDED
        .iter(st)
        .into_iter()
        .filter(|(n, added)| *added && *n != ROOT_NETUID)
        .map(|(n, _)| crate::swap::current_price(st, n))
        .filter(|p| *p > zero)
        .collect();
    prices.sort_unstable();
    let n = prices.len();
    let Some(last) = n.checked_sub(1) else {
        return U64F64::saturating_from_num(1u8);
    };
    let (lo, hi) = (last / 2, n / 2);
    match (prices.get(lo), prices.get(hi)) {
        (Some(_), Some(upper)) if lo == hi => *upper,
        (Some(lower), Some(upper)) => lower
            .saturating_add(*upper)
            .safe_div(U64F64::saturating_from_num(2u8)),
        _ => U64F64::saturating_from_num(1u8),
    }
}

/// The smallest netuid ≥ 1 not in use (`get_next_netuid`).
pub fn next_netuid(st: &Overlay<'_>) -> NetUid {
    let used: Vec<NetUid> = NETWORKS_ADDED.keys(st);
    let mut n: NetUid = 1;
    // Keys are sorted; walk past the contiguous run starting at 1.
    for u in used.into_iter().filter(|u| *u >= 1) {
        if u == n {
            n = n.saturating_add(1);
        } else if u > n {
            break;
        }
    }
    n
}

/// Number of subnets other than root.
pub fn non_root_subnet_count(st: &Overlay<'_>) -> usize {
    NETWORKS_ADDED
        .iter(st)
        .into_iter()
        .filter(|(n, added)| *added && *n != ROOT_NETUID)
        .count()
}

/// Registers a subnet owned by `coldkey` with `hotkey` as uid 0 (§6.1), in the reference's
/// order of checks and writes.
///
/// Root validators that have not opted out become parents of the owner hotkey
/// ([`crate::childkeys::set_root_validators_for_subnet`]). As in the reference the AMM is not
/// initialised here: the first swap initialises it to 0.5/0.5.
pub fn register_network(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    identity: Option<SubnetIdentity>,
) -> DispatchResult {
    let now = ctx.block;
    // 1. Hotkey unused or the caller's, and not a system account.
    ensure(
        !hotkey_account_exists(&ctx.st, hotkey) || coldkey_owns_hotkey(&ctx.st, coldkey, hotkey),
        Error::NonAssociatedColdKey,
    )?;
    ensure(!is_system_account(hotkey), Error::CannotUseSystemAccount)?;
    // 2. Registration start block.
    ensure(
        now >= NETWORK_REGISTRATION_START_BLOCK.get(&ctx.st),
        Error::SubNetRegistrationDisabled,
    )?;
    // 3. Chain-wide rate limit on the last-registration block (first one always passes).
    let last = NETWORK_LAST_REGISTERED.get(&ctx.st);
    ensure(
        last == 0 || now.saturating_sub(last) >= NETWORK_RATE_LIMIT.get(&ctx.st),
        Error::NetworkTxRateLimitExceeded,
    )?;
    // 4. At the limit, choose a subnet to prune (pruned only after the balance check).
    let limit = usize::from(SUBNET_LIMIT.get(&ctx.st));
    let prune = if non_root_subnet_count(&ctx.st) >= limit {
        Some(dissolve::get_subnet_to_prune(&ctx.st, now).ok_or(Error::SubnetLimitReached)?)
    } else {
        None
    };
    // 5. Lock cost against the whole free balance.
    let lock = network_lock_cost(&ctx.st, now);
    ensure(
        lock <= balances::free(&ctx.st, coldkey),
        Error::CannotAffordLockCost,
    )?;
    // 6. Prune, then pick the netuid.
    if let Some(p) = prune {
        dissolve::dissolve_network(ctx, p)?;
    }
    let netuid = match prune {
        Some(p) => p,
        None => next_netuid(&ctx.st),
    };
    // 7. Median price of the existing subnets, before this one exists.
    let median = median_subnet_alpha_price(&ctx.st);
    // 8. Defaults, then the lock.
    init_new_network(&mut ctx.st, netuid, now);
    let actual_lock = crate::staking::tao::transfer_tao_to_subnet(ctx, netuid, coldkey, lock)?;
    NETWORK_LAST_LOCK_COST.put(&mut ctx.st, &actual_lock);
    NETWORK_LAST_REGISTERED.put(&mut ctx.st, &now);
    // 9. Owner hotkey as uid 0.
    create_account_if_non_existent(&mut ctx.st, coldkey, hotkey);
    append_neuron(&mut ctx.st, netuid, hotkey, now);
    // 10. Mechanism, creation terms, symbol.
    SUBNET_MECHANISM.insert(&mut ctx.st, &netuid, &DYNAMIC_MECHANISM);
    NETWORK_REGISTERED_AT.insert(&mut ctx.st, &netuid, &now);
    REGISTERED_SUBNET_COUNTER.mutate(&mut ctx.st, &netuid, |c| *c = c.saturating_add(1));
    let symbol = symbols::next_available_symbol(&ctx.st, netuid);
    TOKEN_SYMBOL.insert(&mut ctx.st, &netuid, &symbol);
    // 11. Pool seeding: the whole lock (at least the minimum) at the median price.
    let pool_tao = actual_lock.max(NETWORK_MIN_LOCK_COST.get(&ctx.st));
    let pool_alpha = U64F64::saturating_from_num(pool_tao)
        .safe_div(median)
        .saturating_to_num::<u64>();
    // Always 0 since pool_tao ≥ actual_lock; kept because the reference records it.
    let recycled = actual_lock.saturating_sub(pool_tao);
    SUBNET_TAO.insert(&mut ctx.st, &netuid, &pool_tao);
    SUBNET_ALPHA_IN.insert(&mut ctx.st, &netuid, &pool_alpha);
    SUBNET_OWNER.insert(&mut ctx.st, &netuid, coldkey);
    set_subnet_owner_hotkey(ctx, netuid, hotkey)?;
    SUBNET_LOCKED.insert(&mut ctx.st, &netuid, &actual_lock);
    SUBNET_ALPHA_OUT.insert(&mut ctx.st, &netuid, &0);
    SUBNET_VOLUME.insert(&mut ctx.st, &netuid, &0);
    RAO_RECYCLED_FOR_REGISTRATION.insert(&mut ctx.st, &netuid, &recycled);
    if recycled > 0 {
        balances::recycle(ctx, &subnet_account(netuid), recycled)?;
    }
    if pool_tao > 0 {
        TOTAL_STAKE.mutate(&mut ctx.st, |t| *t = t.saturating_add(pool_tao));
    }
    // 12. Optional identity.
    if let Some(id) = identity {
        ensure(is_valid_subnet_identity(&id), Error::InvalidIdentity)?;
        SUBNET_IDENTITIES.insert(&mut ctx.st, &netuid, &id);
        ctx.deposit(SubtensorEvent::SubnetIdentitySet(netuid));
    }
    // 13. Root validators become parents of the owner hotkey (failures are only logged in the
    // reference, so they are ignored here).
    let _ = crate::childkeys::set_root_validators_for_subnet(ctx, netuid);
    // 14. Event, then TAO-side emission off until root enables it.
    ctx.deposit(SubtensorEvent::NetworkAdded(netuid, DYNAMIC_MECHANISM));
    SUBNET_EMISSION_ENABLED.insert(&mut ctx.st, &netuid, &false);
    Ok(())
}

/// Sets the owner hotkey (`set_subnet_owner_hotkey`): never a system account.
fn set_subnet_owner_hotkey(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    hotkey: &AccountId,
) -> DispatchResult {
    ensure(!is_system_account(hotkey), Error::CannotUseSystemAccount)?;
    SUBNET_OWNER_HOTKEY.insert(&mut ctx.st, &netuid, hotkey);
    ctx.deposit(SubtensorEvent::SubnetOwnerHotkeySet(netuid, *hotkey));
    Ok(())
}
