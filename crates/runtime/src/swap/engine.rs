//! One swap against a dynamic subnet's pool (`SW/pallet/impls.rs:143-286`,
//! `SW/pallet/swap_step.rs`, protocol.md §4.3), computing amounts without writing.
//!
//! In the reference's order:
//! 1. the net input (input minus fee) must be at most 1 000 × the input-side reserve
//!    (`SwapInputTooLarge`);
//! 2. the output-side reserve must hold at least [`super::MINIMUM_RESERVE`] (`ReservesTooLow`);
//! 3. the current price must be strictly on the permitted side of the limit — below it for a
//!    buy, above it for a sell (`PriceLimitExceeded`);
//! 4. if swapping the whole net input would end at or before the limit price it is swapped in
//!    full; otherwise only the input that reaches the limit, with the fee recomputed on it as
//!    `Δin · r / (65535 − r)`;
//! 5. a non-zero input that buys nothing fails (`ReservesTooLow`); a committed swap whose
//!    output exceeds the reserve fails (`InsufficientLiquidity`).

use agora_primitives::{SafeDiv, U64F64};

use crate::error::Error;
use crate::state::Overlay;
use crate::storage::{FEE_RATE, NetUid, SUBNET_ALPHA_IN, SUBNET_TAO};

use super::{
    Balancer, MAX_SWAP_INPUT_RESERVE_MULTIPLIER, MINIMUM_RESERVE, SwapResult, calculate_fee_amount,
    swap_balancer,
};

/// Which way a swap goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// TAO in, alpha out (`GetAlphaForTao`).
    Buy,
    /// Alpha in, TAO out (`GetTaoForAlpha`).
    Sell,
}

/// The pool as one swap sees it.
struct Pool {
    tao: u64,
    alpha: u64,
    balancer: Balancer,
}

impl Pool {
    fn reserve_in(&self, d: Direction) -> u64 {
        match d {
            Direction::Buy => self.tao,
            Direction::Sell => self.alpha,
        }
    }

    fn reserve_out(&self, d: Direction) -> u64 {
        match d {
            Direction::Buy => self.alpha,
            Direction::Sell => self.tao,
        }
    }

    /// Output for `delta_in` (`convert_deltas`): `reserve_out · (1 − e)`.
    fn convert(&self, d: Direction, delta_in: u64) -> u64 {
        let one = U64F64::saturating_from_num(1u8);
        let (e, out_reserve) = match d {
            Direction::Buy => (self.balancer.exp_quote_base(self.tao, delta_in), self.alpha),
            Direction::Sell => (self.balancer.exp_base_quote(self.alpha, delta_in), self.tao),
        };
        U64F64::saturating_from_num(out_reserve)
            .saturating_mul(one.saturating_sub(e))
            .saturating_to_num::<u64>()
    }

    /// The price after swapping `delta_in` in full (`price_target`), with the output that
    /// swap would give (so the engine need not compute it twice).
    fn price_target(&self, d: Direction, delta_in: u64) -> (U64F64, u64) {
        let out = self.convert(d, delta_in);
        let price = match d {
            Direction::Buy => self.balancer.calculate_price(
                self.alpha.saturating_sub(out),
                self.tao.saturating_add(delta_in),
            ),
            Direction::Sell => self.balancer.calculate_price(
                self.alpha.saturating_add(delta_in),
                self.tao.saturating_sub(out),
            ),
        };
        (price, out)
    }

    /// Input that moves the price from `current` to `limit` (`delta_in`).
    fn delta_to_limit(&self, d: Direction, current: U64F64, limit: U64F64) -> u64 {
        match d {
            Direction::Buy => self
                .balancer
                .calculate_quote_delta_in(current, limit, self.tao),
            Direction::Sell => self
                .balancer
                .calculate_base_delta_in(current, limit, self.alpha),
        }
    }
}

/// `p1` is at or before `p2` in the swap's direction (`price_is_closer`).
fn closer(d: Direction, p1: U64F64, p2: U64F64) -> bool {
    match d {
        Direction::Buy => p1 <= p2,
        Direction::Sell => p1 >= p2,
    }
}

/// The current price is strictly on the permitted side of the limit (`is_beyond_price_limit`).
fn within_limit(d: Direction, current: U64F64, limit: U64F64) -> bool {
    match d {
        Direction::Buy => current < limit,
        Direction::Sell => current > limit,
    }
}

/// `do_swap` on a dynamic subnet: the amounts of swapping `amount` in direction `d` with
/// price limit `limit` (TAO per alpha). With `simulate` the final reserve check is skipped,
/// as the reference skips it. Writes nothing (the caller commits the pool initialisation).
pub(crate) fn swap(
    st: &Overlay<'_>,
    netuid: NetUid,
    d: Direction,
    amount: u64,
    limit: U64F64,
    drop_fees: bool,
    simulate: bool,
) -> Result<SwapResult, Error> {
    let pool = Pool {
        tao: SUBNET_TAO.get(st, &netuid),
        alpha: SUBNET_ALPHA_IN.get(st, &netuid),
        balancer: swap_balancer(st, netuid),
    };
    let reserve_out = pool.reserve_out(d);

    // 1. Input size against the input reserve.
    let fee = calculate_fee_amount(st, netuid, amount, drop_fees);
    let net = amount.saturating_sub(fee);
    let max_in = pool
        .reserve_in(d)
        .saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
    if net > max_in {
        return Err(Error::SwapInputTooLarge);
    }
    // 2. Output reserve.
    if reserve_out < MINIMUM_RESERVE {
        return Err(Error::ReservesTooLow);
    }
    // 3. Price limit, against the price with the weights the swap uses (initialisation to
    //    0.5/0.5 happens before this check in the reference).
    let current = if pool.alpha == 0 {
        U64F64::saturating_from_num(0u8)
    } else {
        pool.balancer.calculate_price(pool.alpha, pool.tao)
    };
    if !within_limit(d, current, limit) {
        return Err(Error::PriceLimitExceeded);
    }
    // 4. Full fill or fill to the limit.
    let (target, full_out) = pool.price_target(d, net);
    let (delta_in, fee, delta_out) = if closer(d, target, limit) {
        (net, fee, full_out)
    } else {
        let delta_in = pool.delta_to_limit(d, current, limit);
        let rate = if drop_fees {
            U64F64::saturating_from_num(0u8)
        } else {
            U64F64::saturating_from_num(FEE_RATE.get(st, &netuid))
        };
        let u16_max = U64F64::saturating_from_num(u16::MAX);
        let fee = U64F64::saturating_from_num(delta_in)
            .saturating_mul(rate.safe_div(u16_max.saturating_sub(rate)))
            .saturating_to_num::<u64>();
        (delta_in, fee, pool.convert(d, delta_in))
    };
    // 5. Output.
    let mut fee_to_block_author = 0;
    if delta_in != 0 {
        if delta_out == 0 {
            return Err(Error::ReservesTooLow);
        }
        fee_to_block_author = fee;
    }
    if !simulate && reserve_out < delta_out {
        return Err(Error::InsufficientLiquidity);
    }
    Ok(SwapResult {
        amount_paid_in: delta_in,
        amount_paid_out: delta_out,
        fee_paid: fee,
        fee_to_block_author,
    })
}
