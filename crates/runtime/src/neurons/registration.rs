//! Burned neuron registration and its price dynamics (protocol.md §7.1,
//! `ST/subnets/registration.rs:13-163,466-541`, `ST/utils/misc.rs:986-1043`).
//!
//! Price: every block (from block 2) each subnet's `Burn` is multiplied by the Q32.32 factor
//! `f`, the largest with `f^BurnHalfLife ≤ ½`, so it halves every `BurnHalfLife` blocks;
//! every registration multiplies it by `max(1, BurnIncreaseMult)`. Both clamp the result to
//! `[MinBurn, MaxBurn]`.
//!
//! Payment (§7.1): the burn goes to the subnet account (clamped so the payer keeps the
//! existential deposit) and is swapped for alpha at the normal fee rate with no price limit;
//! the net TAO joins `SubnetTAO`, the bought alpha is taken back out of `SubnetAlphaOut`
//! (destroyed), and the fee stays in the subnet account outside `SubnetTAO` (it is not paid
//! to the block author here). `RAORecycledForRegistration` grows by the nominal burn and the
//! TAO inflow is recorded, as in the reference.

use agora_primitives::{AccountId, U64F64};

use crate::accounts::{coldkey_owns_hotkey, create_account_if_non_existent, ensure_hotkey_usable};
use crate::balances;
use crate::block::should_run_epoch;
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::pruning::get_neuron_to_prune;
use crate::neurons::uids::{append_neuron, replace_neuron};
use crate::state::Overlay;
use crate::storage::{
    BURN, BURN_HALF_LIFE, BURN_INCREASE_MULT, MAX_ALLOWED_UIDS, MAX_BURN, MIN_BURN,
    NETWORK_REGISTRATION_ALLOWED, NETWORKS_ADDED, NetUid, RAO_RECYCLED_FOR_REGISTRATION,
    REGISTRATIONS_THIS_BLOCK, REGISTRATIONS_THIS_INTERVAL, ROOT_NETUID, SUBNET_ALPHA_OUT,
    SUBNETWORK_N, UIDS, Uid,
};
use crate::subnets::subnet_exists;

/// 1.0 in Q32.32.
const ONE_Q32: u64 = 1 << 32;

/// `value · factor` for a Q32.32 `factor`, floored and saturated to u64 (`mul_by_q32`).
pub fn mul_by_q32(value: u64, factor_q32: u64) -> u64 {
    let shifted = u128::from(value).saturating_mul(u128::from(factor_q32)) >> 32;
    u64::try_from(shifted).unwrap_or(u64::MAX)
}

/// `base^exp` in Q32.32 by square-and-multiply with [`mul_by_q32`] (`pow_q32`); the rounding
/// of every step is the reference's.
pub fn pow_q32(base_q32: u64, exp: u16) -> u64 {
    let mut result = ONE_Q32;
    let mut factor = base_q32;
    let mut power = u32::from(exp);
    while power > 0 {
        if power & 1 == 1 {
            result = mul_by_q32(result, factor);
        }
        power >>= 1;
        if power > 0 {
            factor = mul_by_q32(factor, factor);
        }
    }
    result
}

/// The per-block burn decay factor in Q32.32 (`decay_factor_q32`): the largest `f` in
/// `[0, 1)` with `pow_q32(f, half_life) ≤ ½`, by binary search; 1.0 for a zero half-life.
pub fn decay_factor_q32(half_life: u16) -> u64 {
    if half_life == 0 {
        return ONE_Q32;
    }
    // The search costs ~32 powers and runs for every subnet in every block, for a value that
    // depends on `half_life` alone: remember the last one per thread. A pure memo, so the
    // result is the same as recomputing it.
    thread_local! {
        static LAST: std::cell::Cell<(u16, u64)> = const { std::cell::Cell::new((0, ONE_Q32)) };
    }
    if let Some(f) = LAST.with(|c| {
        let (h, f) = c.get();
        (h == half_life).then_some(f)
    }) {
        return f;
    }
    let f = search_decay_factor_q32(half_life);
    LAST.with(|c| c.set((half_life, f)));
    f
}

/// The binary search behind [`decay_factor_q32`].
fn search_decay_factor_q32(half_life: u16) -> u64 {
    let half = ONE_Q32 >> 1;
    let (mut lo, mut hi) = (0u64, ONE_Q32);
    while lo.saturating_add(1) < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) >> 1);
        if pow_q32(mid, half_life) > half {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

fn clamp_burn(st: &Overlay<'_>, netuid: NetUid, burn: u64) -> u64 {
    // Min first, then max, as the reference does (so MaxBurn wins if MinBurn > MaxBurn).
    burn.max(MIN_BURN.get(st, &netuid))
        .min(MAX_BURN.get(st, &netuid))
}

/// Block step 1 (`update_registration_prices_for_networks`): for every added subnet —
/// root included, as in the reference — decays `Burn` (from block 2 on, for a non-zero
/// `BurnHalfLife`), clamps it, resets `RegistrationsThisBlock`; resets root's
/// `RegistrationsThisInterval` when root's epoch slot is due.
pub fn on_block_registration(ctx: &mut Ctx<'_>) {
    let now = ctx.block;
    for netuid in NETWORKS_ADDED.keys(&ctx.st) {
        let burn = BURN.get(&ctx.st, &netuid);
        let half_life = BURN_HALF_LIFE.get(&ctx.st, &netuid);
        let mut new_burn = burn;
        if half_life > 0 && now > 1 {
            new_burn = mul_by_q32(burn, decay_factor_q32(half_life));
        }
        let new_burn = clamp_burn(&ctx.st, netuid, new_burn);
        if new_burn != burn {
            BURN.insert(&mut ctx.st, &netuid, &new_burn);
        }
        REGISTRATIONS_THIS_BLOCK.insert(&mut ctx.st, &netuid, &0);
        if netuid == ROOT_NETUID && should_run_epoch(&ctx.st, netuid, now) {
            REGISTRATIONS_THIS_INTERVAL.insert(&mut ctx.st, &netuid, &0);
        }
    }
}

/// `Burn ← floor(Burn · max(1, BurnIncreaseMult))`, clamped
/// (`bump_registration_price_after_registration`; not applied on root).
pub fn bump_burn_after_registration(st: &mut Overlay<'_>, netuid: NetUid) {
    if netuid == ROOT_NETUID {
        return;
    }
    let mult = U64F64::from_bits(BURN_INCREASE_MULT.get(st, &netuid)).max(U64F64::from_num(1));
    let burn = BURN.get(st, &netuid);
    let bumped = U64F64::saturating_from_num(burn)
        .saturating_mul(mult)
        .saturating_to_num::<u64>();
    let bumped = clamp_burn(st, netuid, bumped);
    BURN.insert(st, &netuid, &bumped);
}

/// Appends the hotkey if the subnet has room, else replaces the uid chosen by
/// [`get_neuron_to_prune`] (`register_neuron`).
fn register_neuron(
    st: &mut Overlay<'_>,
    netuid: NetUid,
    hotkey: &AccountId,
    now: u64,
) -> Result<Uid, Error> {
    if SUBNETWORK_N.get(st, &netuid) < MAX_ALLOWED_UIDS.get(st, &netuid) {
        return Ok(append_neuron(st, netuid, hotkey, now));
    }
    let uid = get_neuron_to_prune(st, netuid, now).ok_or(Error::NoNeuronIdAvailable)?;
    replace_neuron(st, netuid, uid, hotkey, now);
    Ok(uid)
}

/// Burned registration of `hotkey` on `netuid`, paid by `coldkey` (`do_register`, and
/// `do_register_limit` when `limit_price` is given). Checks, in the reference's order: not
/// root, subnet exists, (limit: `Burn ≤ limit_price`), registration allowed, hotkey not yet
/// on the subnet, balance ≥ burn, hotkey usable by the coldkey, `MaxAllowedUids ≠ 0`, a
/// prunable uid if full. Event `NeuronRegistered(netuid, uid, hotkey)`.
pub fn burned_register(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    netuid: NetUid,
    hotkey: &AccountId,
    limit_price: Option<u64>,
) -> DispatchResult {
    let now = ctx.block;
    ensure(
        netuid != ROOT_NETUID,
        Error::RegistrationNotPermittedOnRootSubnet,
    )?;
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetNotExists)?;
    if let Some(limit) = limit_price {
        ensure(
            BURN.get(&ctx.st, &netuid) <= limit,
            Error::RegistrationPriceLimitExceeded,
        )?;
    }
    ensure(
        NETWORK_REGISTRATION_ALLOWED.get(&ctx.st, &netuid),
        Error::SubNetRegistrationDisabled,
    )?;
    ensure(
        !UIDS.contains(&ctx.st, &(netuid, *hotkey)),
        Error::HotKeyAlreadyRegisteredInSubNet,
    )?;
    let cost = BURN.get(&ctx.st, &netuid);
    // `can_remove_balance_from_coldkey_account`: the whole free balance counts here.
    ensure(
        cost <= balances::free(&ctx.st, coldkey),
        Error::NotEnoughBalanceToStake,
    )?;
    ensure_hotkey_usable(&ctx.st, coldkey, hotkey)?;
    create_account_if_non_existent(&mut ctx.st, coldkey, hotkey);
    ensure(
        coldkey_owns_hotkey(&ctx.st, coldkey, hotkey),
        Error::NonAssociatedColdKey,
    )?;
    let max_n = MAX_ALLOWED_UIDS.get(&ctx.st, &netuid);
    ensure(max_n != 0, Error::NoNeuronIdAvailable)?;
    if SUBNETWORK_N.get(&ctx.st, &netuid) >= max_n {
        ensure(
            get_neuron_to_prune(&ctx.st, netuid, now).is_some(),
            Error::NoNeuronIdAvailable,
        )?;
    }

    // Payment: at most what keeps the payer alive, swapped for alpha that is destroyed.
    let paid = crate::staking::tao::transfer_tao_to_subnet(ctx, netuid, coldkey, cost)?;
    let burned_alpha =
        crate::swap::swap_tao_for_alpha(ctx, netuid, paid, crate::swap::MAX_PRICE, false)?
            .amount_paid_out;
    SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &netuid, |a| {
        *a = a.saturating_sub(burned_alpha)
    });

    let uid = register_neuron(&mut ctx.st, netuid, hotkey, now)?;
    bump_burn_after_registration(&mut ctx.st, netuid);
    REGISTRATIONS_THIS_BLOCK.mutate(&mut ctx.st, &netuid, |n| *n = n.saturating_add(1));
    RAO_RECYCLED_FOR_REGISTRATION.mutate(&mut ctx.st, &netuid, |r| *r = r.saturating_add(cost));
    crate::staking::tao::record_tao_inflow(&mut ctx.st, netuid, paid);
    ctx.deposit(SubtensorEvent::NeuronRegistered(netuid, uid, *hotkey));
    Ok(())
}
