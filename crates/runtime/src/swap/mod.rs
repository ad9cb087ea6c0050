//! The AMM: each dynamic subnet's weighted pool of TAO (`SubnetTAO`) and alpha
//! (`SubnetAlphaIn`) (protocol.md §4; the reference's `pallets/swap` plus the subtensor side
//! that applies a swap to its storage, `ST/staking/stake_utils.rs:638-736`).
//!
//! A swap runs in three layers, as in the reference:
//! 1. [`engine`]: one swap step against the pool — fee from the input, price limit and
//!    partial fill, reserve and input-size checks — computing amounts only;
//! 2. [`swap_tao_for_alpha`] / [`swap_alpha_for_tao`]: the step (or 1:1 for non-dynamic
//!    subnets, root included) applied to `SubnetTAO`, `SubnetAlphaIn`, `SubnetAlphaOut`,
//!    `TotalStake` and `SubnetVolume` (§4.5). Free balances and the fee's destination are the
//!    caller's business ([`crate::staking`]);
//! 3. read-only forms: [`sim_swap`], [`sim_swap_tao_for_alpha`], [`sim_swap_alpha_for_tao`],
//!    the price functions and the limit-price maxima in [`limits`].
//!
//! Prices are TAO per alpha as `U64F64` (the reference's type); [`spot_price`] gives the
//! `U96F32` most subtensor code converts it to, and [`current_alpha_price_rao`] the runtime
//! API's `price · 10^9`.
//!
//! # Invariants
//! - A failed swap writes nothing. A simulated swap never writes.
//! - The pool's weights stay within [0.01, 0.99]; protocol injection that would leave that
//!   range is refused whole ([`adjust_protocol_liquidity`]).

pub mod balancer;
mod bigint;
mod engine;
pub mod limits;
mod pow;

use agora_primitives::{SafeDiv, U64F64, U96F32};
use parity_scale_codec::{Decode, Encode};
use serde::{Deserialize, Serialize};

use crate::ctx::{Ctx, ensure, ensure_root};
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{
    FEE_RATE, NETWORKS_ADDED, NetUid, PAL_SWAP_INITIALIZED, SUBNET_ALPHA_IN, SUBNET_ALPHA_OUT,
    SUBNET_MECHANISM, SUBNET_TAO, SUBNET_VOLUME, SWAP_BALANCER, TOTAL_STAKE,
};
use crate::types::Origin;

pub use balancer::Balancer;
pub use engine::Direction;
pub use limits::{get_max_amount_add, get_max_amount_move, get_max_amount_remove};

/// Lowest limit price, `10^-6` TAO per alpha in rao (the sell-side "no limit").
pub const MIN_PRICE: u64 = 1_000;
/// Highest limit price, `10^6` TAO per alpha in rao (the buy-side "no limit").
pub const MAX_PRICE: u64 = 1_000_000_000_000_000;
/// The output reserve must hold at least this much before a swap (`MinimumReserve`).
pub const MINIMUM_RESERVE: u64 = 1_000_000;
/// Net input may be at most this multiple of the input-side reserve
/// (`MAX_SWAP_INPUT_RESERVE_MULTIPLIER`).
pub const MAX_SWAP_INPUT_RESERVE_MULTIPLIER: u64 = 1_000;
/// Highest fee rate root may set (`MaxFeeRate`, ≈ 15.26 %).
pub const MAX_FEE_RATE: u16 = 10_000;
/// The mechanism id of a dynamic (AMM) subnet; anything else trades 1:1.
pub const DYNAMIC: u16 = 1;

/// The outcome of a swap, named as the reference's `SwapResult`: the input actually swapped
/// (net of the fee), the output, the fee (in the input token) and the part of it owed to the
/// block author (all of it, or 0 for an empty swap).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct SwapResult {
    /// Input that entered the pool.
    pub amount_paid_in: u64,
    /// Output that left the pool.
    pub amount_paid_out: u64,
    /// Fee, in the input token.
    pub fee_paid: u64,
    /// Part of the fee for the block author.
    pub fee_to_block_author: u64,
}

/// The runtime API's simulation of a swap (`SimSwapResult`, `pallets/swap/runtime-api`):
/// amounts on both sides, the fee in the input token, and the slippage against the spot
/// price in the output token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct SimSwapResult {
    /// TAO side.
    pub tao_amount: u64,
    /// Alpha side.
    pub alpha_amount: u64,
    /// Fee in TAO (buys).
    pub tao_fee: u64,
    /// Fee in alpha (sells).
    pub alpha_fee: u64,
    /// TAO short of the spot-price amount (sells).
    pub tao_slippage: u64,
    /// Alpha short of the spot-price amount (buys).
    pub alpha_slippage: u64,
}

/// The lowest limit price (`min_price`).
pub fn min_price() -> u64 {
    MIN_PRICE
}

/// The highest limit price (`max_price`).
pub fn max_price() -> u64 {
    MAX_PRICE
}

/// True if the subnet trades through the AMM (`SubnetMechanism == 1`).
pub fn is_dynamic(st: &Overlay<'_>, netuid: NetUid) -> bool {
    SUBNET_MECHANISM.get(st, &netuid) == DYNAMIC
}

/// The stored weights of the subnet's pool (`SwapBalancer`, default 0.5).
pub fn balancer(st: &Overlay<'_>, netuid: NetUid) -> Balancer {
    Balancer::from_parts(SWAP_BALANCER.get(st, &netuid))
}

/// The weights a swap uses: the stored ones once the pool is initialised, else the 0.5/0.5
/// that initialisation would store (`maybe_initialize_palswap(netuid, None)`).
fn swap_balancer(st: &Overlay<'_>, netuid: NetUid) -> Balancer {
    if PAL_SWAP_INITIALIZED.get(st, &netuid) {
        balancer(st, netuid)
    } else {
        Balancer::default()
    }
}

/// Spot price in TAO per alpha (`current_price`): `(w1/w2) · SubnetTAO / SubnetAlphaIn` for a
/// dynamic subnet (0 without alpha reserve), 1 otherwise.
pub fn current_price(st: &Overlay<'_>, netuid: NetUid) -> U64F64 {
    if !is_dynamic(st, netuid) {
        return U64F64::saturating_from_num(1u8);
    }
    let alpha = SUBNET_ALPHA_IN.get(st, &netuid);
    if alpha == 0 {
        return U64F64::saturating_from_num(0u8);
    }
    balancer(st, netuid).calculate_price(alpha, SUBNET_TAO.get(st, &netuid))
}

/// [`current_price`] as `U96F32` (what the subtensor pallet converts it to; the extra
/// fractional bits are dropped, rounding down).
pub fn spot_price(st: &Overlay<'_>, netuid: NetUid) -> U96F32 {
    U96F32::saturating_from_num(current_price(st, netuid))
}

/// The runtime API's `current_alpha_price`: `⌊price · 10^9⌋` rao per alpha.
pub fn current_alpha_price_rao(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    current_price(st, netuid)
        .saturating_mul(U64F64::saturating_from_num(1_000_000_000u64))
        .saturating_to_num::<u64>()
}

/// The swap fee on `amount` (`calculate_fee_amount`): `⌊amount · FeeRate / 65535⌋` on a
/// dynamic subnet, 0 on others or with `drop_fees`.
pub fn calculate_fee_amount(st: &Overlay<'_>, netuid: NetUid, amount: u64, drop_fees: bool) -> u64 {
    if drop_fees || !is_dynamic(st, netuid) {
        return 0;
    }
    let rate = U64F64::saturating_from_num(FEE_RATE.get(st, &netuid))
        .safe_div(U64F64::saturating_from_num(u16::MAX));
    U64F64::saturating_from_num(amount)
        .saturating_mul(rate)
        .saturating_to_num::<u64>()
}

/// The fee a swap of `amount` would pay (`approx_fee_amount`).
pub fn approx_fee_amount(st: &Overlay<'_>, netuid: NetUid, amount: u64) -> u64 {
    calculate_fee_amount(st, netuid, amount, false)
}

/// TAO-limit in rao as the engine's `U64F64` price (`price_limit / 10^9`).
fn limit_from_rao(price_limit: u64) -> U64F64 {
    U64F64::saturating_from_num(price_limit).safe_div(U64F64::saturating_from_num(1_000_000_000u64))
}

/// Runs the pool engine without writing (`SwapEngine::swap` with `should_rollback = true`):
/// the amounts a swap of `amount` in `direction` with this limit (rao per alpha) would give.
/// Only meaningful for dynamic subnets.
pub fn simulate(
    st: &Overlay<'_>,
    netuid: NetUid,
    direction: Direction,
    amount: u64,
    price_limit: u64,
    drop_fees: bool,
) -> Result<SwapResult, Error> {
    engine::swap(
        st,
        netuid,
        direction,
        amount,
        limit_from_rao(price_limit),
        drop_fees,
        true,
    )
}

/// The reference's `sim_swap`: a fee-paying swap at the direction's "no limit" price on a
/// dynamic subnet; 1:1 without fee on others (0 for a subnet that does not exist).
pub fn sim_swap(
    st: &Overlay<'_>,
    netuid: NetUid,
    direction: Direction,
    amount: u64,
) -> Result<SwapResult, Error> {
    if is_dynamic(st, netuid) {
        let limit = match direction {
            Direction::Buy => MAX_PRICE,
            Direction::Sell => MIN_PRICE,
        };
        return simulate(st, netuid, direction, amount, limit, false);
    }
    let amount = if NETWORKS_ADDED.get(st, &netuid) {
        amount
    } else {
        0
    };
    Ok(SwapResult {
        amount_paid_in: amount,
        amount_paid_out: amount,
        fee_paid: 0,
        fee_to_block_author: 0,
    })
}

/// The runtime API's `sim_swap_tao_for_alpha`: what `tao` buys, its fee, and the alpha lost
/// to slippage against the spot price. (The API returns all zeros where this returns an
/// error.)
pub fn sim_swap_tao_for_alpha(
    st: &Overlay<'_>,
    netuid: NetUid,
    tao: u64,
) -> Result<SimSwapResult, Error> {
    let price = current_price(st, netuid);
    let no_slippage_alpha = U64F64::saturating_from_num(tao)
        .safe_div(price)
        .saturating_to_num::<u64>();
    let r = sim_swap(st, netuid, Direction::Buy, tao)?;
    Ok(SimSwapResult {
        tao_amount: r.amount_paid_in,
        alpha_amount: r.amount_paid_out,
        tao_fee: r.fee_paid,
        alpha_fee: 0,
        tao_slippage: 0,
        alpha_slippage: no_slippage_alpha.saturating_sub(r.amount_paid_out),
    })
}

/// The runtime API's `sim_swap_alpha_for_tao` (see [`sim_swap_tao_for_alpha`]).
pub fn sim_swap_alpha_for_tao(
    st: &Overlay<'_>,
    netuid: NetUid,
    alpha: u64,
) -> Result<SimSwapResult, Error> {
    let price = current_price(st, netuid);
    let no_slippage_tao = U64F64::saturating_from_num(alpha)
        .saturating_mul(price)
        .saturating_to_num::<u64>();
    let r = sim_swap(st, netuid, Direction::Sell, alpha)?;
    Ok(SimSwapResult {
        tao_amount: r.amount_paid_out,
        alpha_amount: r.amount_paid_in,
        tao_fee: 0,
        alpha_fee: r.fee_paid,
        tao_slippage: no_slippage_tao.saturating_sub(r.amount_paid_out),
        alpha_slippage: 0,
    })
}

/// Commits the pool initialisation a real swap performs (`maybe_initialize_palswap(_, None)`).
fn initialize_if_needed(st: &mut Overlay<'_>, netuid: NetUid) {
    if !PAL_SWAP_INITIALIZED.get(st, &netuid) {
        SWAP_BALANCER.insert(st, &netuid, &balancer::HALF);
        PAL_SWAP_INITIALIZED.insert(st, &netuid, &true);
    }
}

/// Buys alpha with `tao` on `netuid` and applies it to the pool storage (§4.5, the
/// subtensor `swap_tao_for_alpha`): `SubnetAlphaIn −= out`, `SubnetAlphaOut += out`,
/// `SubnetTAO += paid in` (net of the fee), `TotalStake += tao` and `SubnetVolume += tao`.
/// Non-dynamic subnets swap 1:1 without fee. `price_limit` is in rao per alpha
/// ([`MAX_PRICE`] for none). The TAO itself (and the fee) must already be in the subnet
/// account or be moved by the caller.
pub fn swap_tao_for_alpha(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    tao: u64,
    price_limit: u64,
    drop_fees: bool,
) -> Result<SwapResult, Error> {
    let result = if is_dynamic(&ctx.st, netuid) {
        let r = engine::swap(
            &ctx.st,
            netuid,
            Direction::Buy,
            tao,
            limit_from_rao(price_limit),
            drop_fees,
            false,
        )?;
        initialize_if_needed(&mut ctx.st, netuid);
        r
    } else {
        SwapResult {
            amount_paid_in: tao,
            amount_paid_out: tao,
            fee_paid: 0,
            fee_to_block_author: 0,
        }
    };
    let st = &mut ctx.st;
    if result.amount_paid_out != 0 {
        SUBNET_ALPHA_IN.mutate(st, &netuid, |a| {
            *a = a.saturating_sub(result.amount_paid_out)
        });
    }
    SUBNET_ALPHA_OUT.mutate(st, &netuid, |a| {
        *a = a.saturating_add(result.amount_paid_out)
    });
    SUBNET_TAO.mutate(st, &netuid, |t| {
        *t = t.saturating_add(result.amount_paid_in)
    });
    TOTAL_STAKE.mutate(st, |t| *t = t.saturating_add(tao));
    SUBNET_VOLUME.mutate(st, &netuid, |v| *v = v.saturating_add(u128::from(tao)));
    Ok(result)
}

/// Sells `alpha` on `netuid` and applies it to the pool storage (§4.5, the subtensor
/// `swap_alpha_for_tao`): `SubnetAlphaIn += paid in`, `SubnetAlphaOut −= paid in` (the alpha
/// fee stays outstanding), `SubnetTAO −= out`, `TotalStake −= out`, `SubnetVolume += out`.
/// Non-dynamic subnets swap 1:1 without fee. `price_limit` in rao per alpha ([`MIN_PRICE`]
/// for none). The TAO out stays in the subnet account for the caller to pay out.
pub fn swap_alpha_for_tao(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    alpha: u64,
    price_limit: u64,
    drop_fees: bool,
) -> Result<SwapResult, Error> {
    let result = if is_dynamic(&ctx.st, netuid) {
        let r = engine::swap(
            &ctx.st,
            netuid,
            Direction::Sell,
            alpha,
            limit_from_rao(price_limit),
            drop_fees,
            false,
        )?;
        initialize_if_needed(&mut ctx.st, netuid);
        r
    } else {
        SwapResult {
            amount_paid_in: alpha,
            amount_paid_out: alpha,
            fee_paid: 0,
            fee_to_block_author: 0,
        }
    };
    let st = &mut ctx.st;
    SUBNET_ALPHA_IN.mutate(st, &netuid, |a| {
        *a = a.saturating_add(result.amount_paid_in)
    });
    SUBNET_ALPHA_OUT.mutate(st, &netuid, |a| {
        *a = a.saturating_sub(result.amount_paid_in)
    });
    if result.amount_paid_out != 0 {
        SUBNET_TAO.mutate(st, &netuid, |t| {
            *t = t.saturating_sub(result.amount_paid_out)
        });
    }
    TOTAL_STAKE.mutate(st, |t| *t = t.saturating_sub(result.amount_paid_out));
    SUBNET_VOLUME.mutate(st, &netuid, |v| {
        *v = v.saturating_add(u128::from(result.amount_paid_out))
    });
    Ok(result)
}

/// Re-weights the pool for protocol liquidity `(tao_delta, alpha_delta)` so the price does
/// not move (§4.4, `adjust_protocol_liquidity`). Returns the accepted deltas: both, or
/// `(0, 0)` if the new weights would leave [0.01, 0.99] (then nothing changes). The reserves
/// themselves are the caller's to increase.
pub fn adjust_protocol_liquidity(
    st: &mut Overlay<'_>,
    netuid: NetUid,
    tao_delta: u64,
    alpha_delta: u64,
) -> (u64, u64) {
    let alpha = SUBNET_ALPHA_IN.get(st, &netuid);
    let tao = SUBNET_TAO.get(st, &netuid);
    let mut b = balancer(st, netuid);
    if b.update_weights_for_added_liquidity(tao, alpha, tao_delta, alpha_delta) {
        SWAP_BALANCER.insert(st, &netuid, &b.quote_weight());
        (tao_delta, alpha_delta)
    } else {
        (0, 0)
    }
}

/// Alpha worth `tao` at the spot price, ignoring slippage (`get_alpha_amount_for_tao`); 1:1
/// on non-dynamic subnets.
pub fn get_alpha_amount_for_tao(st: &Overlay<'_>, netuid: NetUid, tao: u64) -> u64 {
    if !is_dynamic(st, netuid) {
        return tao;
    }
    U64F64::saturating_from_num(tao)
        .safe_div(current_price(st, netuid))
        .saturating_to_num::<u64>()
}

/// Empties the pool and forgets its swap state when a subnet is dissolved
/// (`do_clear_protocol_liquidity`): both reserves go to zero (their value was already paid
/// out by the dissolution) and `PalSwapInitialized`, `FeeRate` and `SwapBalancer` are removed.
pub fn clear_protocol_liquidity(st: &mut Overlay<'_>, netuid: NetUid) {
    let tao = SUBNET_TAO.get(st, &netuid);
    if tao != 0 {
        SUBNET_TAO.mutate(st, &netuid, |t| *t = t.saturating_sub(tao));
    }
    let alpha = SUBNET_ALPHA_IN.get(st, &netuid);
    if alpha != 0 {
        SUBNET_ALPHA_IN.mutate(st, &netuid, |a| *a = a.saturating_sub(alpha));
    }
    PAL_SWAP_INITIALIZED.remove(st, &netuid);
    FEE_RATE.remove(st, &netuid);
    SWAP_BALANCER.remove(st, &netuid);
}

/// Root sets a subnet's swap fee rate (Swap pallet `set_fee_rate`): the subnet must exist
/// (`MechanismDoesNotExist`) and the rate be at most [`MAX_FEE_RATE`] (`FeeRateTooHigh`).
pub fn set_fee_rate(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    netuid: NetUid,
    rate: u16,
) -> DispatchResult {
    ensure_root(origin)?;
    ensure(
        NETWORKS_ADDED.get(&ctx.st, &netuid),
        Error::MechanismDoesNotExist,
    )?;
    ensure(rate <= MAX_FEE_RATE, Error::FeeRateTooHigh)?;
    FEE_RATE.insert(&mut ctx.st, &netuid, &rate);
    ctx.deposit(crate::event::SwapEvent::FeeRateSet { netuid, rate });
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::state::MemBackend;
    use crate::storage::{NETWORKS_ADDED, ROOT_NETUID};

    const ONE: u128 = 1_000_000_000_000_000_000;

    /// A context with subnet 1 dynamic at `(tao, alpha)` reserves and root stable.
    fn with_pool(tao: u64, alpha: u64, f: impl FnOnce(&mut Ctx<'_>)) {
        let backend = MemBackend::new();
        let mut ctx = Ctx::new(Overlay::new(&backend), 1, None);
        for (n, m) in [(ROOT_NETUID, 0u16), (1, DYNAMIC)] {
            NETWORKS_ADDED.insert(&mut ctx.st, &n, &true);
            SUBNET_MECHANISM.insert(&mut ctx.st, &n, &m);
        }
        SUBNET_TAO.insert(&mut ctx.st, &1, &tao);
        SUBNET_ALPHA_IN.insert(&mut ctx.st, &1, &alpha);
        f(&mut ctx);
    }

    fn fee33(amount: u64) -> u64 {
        (U64F64::from_num(amount) * (U64F64::from_num(33) / U64F64::from_num(65_535))).to_num()
    }

    #[test]
    fn buy_and_sell_at_equal_weights_follow_the_constant_product() {
        let t = 1_000_000_000u64;
        with_pool(100 * t, 400 * t, |ctx| {
            assert_eq!(current_price(&ctx.st, 1), U64F64::from_num(0.25));
            assert_eq!(current_alpha_price_rao(&ctx.st, 1), 250_000_000);
            // Buy with 10 TAO: Δx = x · (1 − y/(y + Δy)), the ratio exact to 18 digits.
            let r = swap_tao_for_alpha(ctx, 1, 10 * t, MAX_PRICE, false).unwrap();
            let fee = fee33(10 * t);
            let net = 10 * t - fee;
            let parts = u128::from(100 * t) * ONE / u128::from(100 * t + net);
            let e = U64F64::from_num(parts) / U64F64::from_num(ONE);
            let out: u64 = (U64F64::from_num(400 * t) * (U64F64::from_num(1) - e)).to_num();
            assert_eq!(
                r,
                SwapResult {
                    amount_paid_in: net,
                    amount_paid_out: out,
                    fee_paid: fee,
                    fee_to_block_author: fee
                }
            );
            // ≈ 400 · 9.995 / 109.995 = 36.35 alpha.
            assert_eq!(out / (t / 100), 3_634);
            assert_eq!(SUBNET_TAO.get(&ctx.st, &1), 100 * t + net);
            assert_eq!(SUBNET_ALPHA_IN.get(&ctx.st, &1), 400 * t - out);
            assert_eq!(SUBNET_ALPHA_OUT.get(&ctx.st, &1), out);
            assert_eq!(TOTAL_STAKE.get(&ctx.st), 10 * t);
            assert_eq!(SUBNET_VOLUME.get(&ctx.st, &1), u128::from(10 * t));
            // Sell it back: Δy = y · (1 − x/(x + Δx)); less comes back than went in.
            let (y, x) = (
                SUBNET_TAO.get(&ctx.st, &1),
                SUBNET_ALPHA_IN.get(&ctx.st, &1),
            );
            let s = swap_alpha_for_tao(ctx, 1, out, MIN_PRICE, false).unwrap();
            let sfee = fee33(out);
            let snet = out - sfee;
            let parts = u128::from(x) * ONE / u128::from(x + snet);
            let e = U64F64::from_num(parts) / U64F64::from_num(ONE);
            let back: u64 = (U64F64::from_num(y) * (U64F64::from_num(1) - e)).to_num();
            assert_eq!(
                (s.amount_paid_in, s.amount_paid_out, s.fee_paid),
                (snet, back, sfee)
            );
            assert!(back < net);
            // The alpha fee is not in the pool: it stays outstanding for the caller to handle.
            assert_eq!(SUBNET_ALPHA_IN.get(&ctx.st, &1), x + snet);
            assert_eq!(SUBNET_ALPHA_OUT.get(&ctx.st, &1), out - snet);
            assert_eq!(TOTAL_STAKE.get(&ctx.st), 10 * t - back);
        });
    }

    #[test]
    fn sell_limit_stops_at_the_limit_price_with_the_fee_recomputed() {
        let t = 1_000_000_000u64;
        with_pool(1_000 * t, 1_000 * t, |ctx| {
            // Limit 0.5 from price 1: Δx = x · ((p/p′)^w2 − 1) = x · (√2 − 1) ≈ 414.2 alpha.
            let root2 = {
                // ⌊√(2 · 10^36)⌋ by bisection.
                let n = 2 * ONE * ONE;
                let (mut lo, mut hi) = (0u128, 2 * ONE);
                while lo < hi {
                    let mid = (lo + hi).div_ceil(2);
                    if mid * mid <= n {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                lo
            };
            let e = U64F64::from_num(root2) / U64F64::from_num(ONE);
            let delta: u64 = (U64F64::from_num(1_000 * t) * (e - U64F64::from_num(1))).to_num();
            let rate = U64F64::from_num(33);
            let fee: u64 =
                (U64F64::from_num(delta) * (rate / (U64F64::from_num(65_535) - rate))).to_num();
            let r = simulate(&ctx.st, 1, Direction::Sell, 2_000 * t, 500_000_000, false).unwrap();
            assert_eq!((r.amount_paid_in, r.fee_paid), (delta, fee));
            assert_eq!(delta / t, 414);
            // max for remove_stake_limit = input + fee.
            assert_eq!(
                get_max_amount_remove(&ctx.st, 1, 500_000_000),
                Ok(delta + fee)
            );
            // Executing it lands on the limit (within rounding).
            swap_alpha_for_tao(ctx, 1, 2_000 * t, 500_000_000, false).unwrap();
            let p = current_price(&ctx.st, 1);
            let half = U64F64::from_num(0.5);
            assert!(
                p >= half && p - half < U64F64::from_num(0.000_000_01),
                "{p}"
            );
        });
    }

    #[test]
    fn engine_refusals() {
        let t = 1_000_000_000u64;
        with_pool(10 * t, 10 * t, |ctx| {
            // Net input above 1 000 × the input reserve.
            let big = 10 * t * 1_000 + 100 * t;
            assert_eq!(
                swap_tao_for_alpha(ctx, 1, big, MAX_PRICE, true),
                Err(Error::SwapInputTooLarge)
            );
            // With the fee the net input fits: fee of 10 001 TAO is ≈ 5 TAO.
            assert!(swap_tao_for_alpha(ctx, 1, 10 * t * 1_000 + t, MAX_PRICE, false).is_ok());
        });
        with_pool(10 * t, 10 * t, |ctx| {
            let before = ctx.st.root();
            // Limits on the wrong side of the current price (1.0).
            assert_eq!(
                swap_tao_for_alpha(ctx, 1, t, 1_000_000_000, false),
                Err(Error::PriceLimitExceeded)
            );
            assert_eq!(
                swap_alpha_for_tao(ctx, 1, t, 1_000_000_000, false),
                Err(Error::PriceLimitExceeded)
            );
            assert_eq!(ctx.st.root(), before);
        });
        // Output reserve below the minimum.
        with_pool(10 * t, MINIMUM_RESERVE - 1, |ctx| {
            assert_eq!(
                swap_tao_for_alpha(ctx, 1, t, MAX_PRICE, false),
                Err(Error::ReservesTooLow)
            );
            assert!(swap_alpha_for_tao(ctx, 1, 1_000, MIN_PRICE, false).is_ok());
        });
        // An input that buys nothing.
        with_pool(1_000_000 * t, MINIMUM_RESERVE, |ctx| {
            // (Price 10^9 TAO per alpha: only an unbounded limit lets the buy through.)
            assert_eq!(
                swap_tao_for_alpha(ctx, 1, 1_000, u64::MAX, false),
                Err(Error::ReservesTooLow)
            );
            // A zero swap is fine and empty.
            let r = swap_tao_for_alpha(ctx, 1, 0, u64::MAX, false).unwrap();
            assert_eq!(r, SwapResult::default());
        });
    }

    #[test]
    fn non_dynamic_subnets_swap_one_to_one() {
        with_pool(0, 0, |ctx| {
            let r = swap_tao_for_alpha(ctx, ROOT_NETUID, 77, 0, false).unwrap();
            assert_eq!(
                (r.amount_paid_in, r.amount_paid_out, r.fee_paid),
                (77, 77, 0)
            );
            assert_eq!(SUBNET_TAO.get(&ctx.st, &ROOT_NETUID), 77);
            assert_eq!(SUBNET_ALPHA_OUT.get(&ctx.st, &ROOT_NETUID), 77);
            assert_eq!(current_price(&ctx.st, ROOT_NETUID), U64F64::from_num(1));
            assert_eq!(
                sim_swap(&ctx.st, ROOT_NETUID, Direction::Sell, 5)
                    .unwrap()
                    .amount_paid_out,
                5
            );
            // A subnet that does not exist simulates as zero.
            assert_eq!(
                sim_swap(&ctx.st, 42, Direction::Buy, 5).unwrap(),
                SwapResult::default()
            );
            assert_eq!(
                calculate_fee_amount(&ctx.st, ROOT_NETUID, 1_000_000, false),
                0
            );
        });
    }

    #[test]
    fn runtime_api_simulations_report_slippage() {
        let t = 1_000_000_000u64;
        with_pool(100 * t, 100 * t, |ctx| {
            let r = sim_swap_tao_for_alpha(&ctx.st, 1, 10 * t).unwrap();
            let engine = sim_swap(&ctx.st, 1, Direction::Buy, 10 * t).unwrap();
            assert_eq!(r.tao_amount, engine.amount_paid_in);
            assert_eq!(r.alpha_amount, engine.amount_paid_out);
            assert_eq!(r.tao_fee, engine.fee_paid);
            // At price 1 the no-slippage amount is the TAO itself.
            assert_eq!(r.alpha_slippage, 10 * t - engine.amount_paid_out);
            let s = sim_swap_alpha_for_tao(&ctx.st, 1, 10 * t).unwrap();
            assert_eq!(s.alpha_fee, fee33(10 * t));
            assert_eq!(s.tao_slippage, 10 * t - s.tao_amount);
            assert_eq!(
                sim_swap_tao_for_alpha(&ctx.st, 1, 100 * t * 1_002),
                Err(Error::SwapInputTooLarge)
            );
        });
    }

    #[test]
    fn an_uninitialised_pool_is_reset_to_equal_weights_by_its_first_swap() {
        let t = 1_000_000_000u64;
        with_pool(100 * t, 100 * t, |ctx| {
            // Re-weighting before any swap (protocol injection) moves the stored weights...
            assert_eq!(
                adjust_protocol_liquidity(&mut ctx.st, 1, 10 * t, 0),
                (10 * t, 0)
            );
            SUBNET_TAO.insert(&mut ctx.st, &1, &(110 * t));
            let w = SWAP_BALANCER.get(&ctx.st, &1);
            assert_ne!(w, balancer::HALF);
            let price = current_price(&ctx.st, 1);
            let one = U64F64::from_num(1);
            let diff = if price > one {
                price - one
            } else {
                one - price
            };
            assert!(diff < U64F64::from_num(0.000_000_001), "{price}");
            // ...but the first swap initialises the pool at 0.5/0.5, as the reference does.
            swap_tao_for_alpha(ctx, 1, t, MAX_PRICE, false).unwrap();
            assert!(PAL_SWAP_INITIALIZED.get(&ctx.st, &1));
            assert_eq!(SWAP_BALANCER.get(&ctx.st, &1), balancer::HALF);
            // From then on injection re-weights for real.
            assert_eq!(
                adjust_protocol_liquidity(&mut ctx.st, 1, 0, 10 * t),
                (0, 10 * t)
            );
            assert_ne!(SWAP_BALANCER.get(&ctx.st, &1), balancer::HALF);
        });
    }

    #[test]
    fn re_weighted_pools_swap_by_the_weighted_formula() {
        let t = 1_000_000_000u64;
        with_pool(100 * t, 100 * t, |ctx| {
            PAL_SWAP_INITIALIZED.insert(&mut ctx.st, &1, &true);
            // Inject 50 TAO, no alpha: w2' = 0.5·100·150 / (0.5·100·100 + 0.5·100·150) = 0.6.
            assert_eq!(
                adjust_protocol_liquidity(&mut ctx.st, 1, 50 * t, 0),
                (50 * t, 0)
            );
            SUBNET_TAO.insert(&mut ctx.st, &1, &(150 * t));
            assert_eq!(SWAP_BALANCER.get(&ctx.st, &1), 600_000_000_000_000_000);
            // Price unchanged: (0.4/0.6) · 150/100 = 1.
            let p = current_price(&ctx.st, 1);
            assert!(p > U64F64::from_num(0.999_999_999) && p <= U64F64::from_num(1));
            // Buy 15 TAO fee-free: Δx = 100 · (1 − (150/165)^(0.6/0.4)); w2/w1 = 3/2 takes
            // the exact path: ⌊(150^3 · 10^36 / 165^3)^(1/2)⌋.
            let r = swap_tao_for_alpha(ctx, 1, 15 * t, MAX_PRICE, true).unwrap();
            let num = u128::from(150u64 * 150 * 150) * ONE / u128::from(165u64 * 165 * 165) * ONE;
            let (mut lo, mut hi) = (0u128, ONE);
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if mid * mid <= num {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            let e = U64F64::from_num(lo) / U64F64::from_num(ONE);
            let expected: u64 = (U64F64::from_num(100 * t) * (U64F64::from_num(1) - e)).to_num();
            // The test's ⌊150³·10^36/165³⌋ truncates before the root; allow that one unit.
            assert!(
                r.amount_paid_out.abs_diff(expected) <= 1,
                "{} {expected}",
                r.amount_paid_out
            );
            // ≈ 100 · (1 − 0.8668) = 13.32 alpha.
            assert_eq!(r.amount_paid_out / (t / 100), 1_332);
        });
    }

    #[test]
    fn clearing_forgets_the_pool() {
        with_pool(5_000_000, 5_000_000, |ctx| {
            FEE_RATE.insert(&mut ctx.st, &1, &7);
            swap_tao_for_alpha(ctx, 1, 1_000, MAX_PRICE, false).unwrap();
            clear_protocol_liquidity(&mut ctx.st, 1);
            assert_eq!(SUBNET_TAO.get(&ctx.st, &1), 0);
            assert_eq!(SUBNET_ALPHA_IN.get(&ctx.st, &1), 0);
            assert!(!PAL_SWAP_INITIALIZED.contains(&ctx.st, &1));
            assert!(!FEE_RATE.contains(&ctx.st, &1));
            assert!(!SWAP_BALANCER.contains(&ctx.st, &1));
        });
    }
}
