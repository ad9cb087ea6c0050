//! The moving (EMA) price of each emitting subnet and the stored root proportion (protocol.md
//! §3.7, `ST/staking/stake_utils.rs:24-71`; §2.0 steps 5–6, `ST/coinbase/block_step.rs:50-66`).
//!
//! After the coinbase has used last block's EMA for the emission shares, each emitting subnet's
//! EMA moves towards its spot price, capped at 1:
//!
//! ```text
//! b   = now − (FirstEmissionBlockNumber − 1)
//! α   = SubnetMovingAlpha · b / (b + EMAPriceHalvingBlocks)
//! EMA = α · min(spot, 1) + (1 − α) · EMA
//! ```
//!
//! in `U64F64`, stored as `I96F32` (so the fraction is cut to 32 bits every block, as in the
//! reference).

use agora_primitives::{I96F32, SafeDiv, U64F64};

use crate::state::Overlay;
use crate::storage::{
    EMA_PRICE_HALVING_BLOCKS, FIRST_EMISSION_BLOCK_NUMBER, NetUid, ROOT_NETUID, SUBNET_MECHANISM,
    SUBNET_MOVING_ALPHA, SUBNET_MOVING_PRICE,
};

/// `get_moving_alpha_price`: 1 for root and stable subnets, else the stored EMA (`I96F32`; a
/// negative value reads as 0).
pub fn moving_alpha_price(st: &Overlay<'_>, netuid: NetUid) -> U64F64 {
    if netuid == ROOT_NETUID || SUBNET_MECHANISM.get(st, &netuid) == 0 {
        return U64F64::saturating_from_num(1u8);
    }
    U64F64::saturating_from_num(I96F32::from_bits(SUBNET_MOVING_PRICE.get(st, &netuid)))
}

/// One EMA step (pure form of `update_moving_price`).
///
/// `blocks_since_start` is `now − (FirstEmissionBlockNumber − 1)`, `moving_alpha` the global
/// `SubnetMovingAlpha`, `spot` the current spot price and `prev` the current moving price.
pub fn next_moving_price(
    blocks_since_start: u64,
    halving_blocks: u64,
    moving_alpha: I96F32,
    spot: U64F64,
    prev: U64F64,
) -> I96F32 {
    let b = U64F64::saturating_from_num(blocks_since_start);
    let alpha = U64F64::saturating_from_num(moving_alpha)
        .saturating_mul(b.safe_div(b.saturating_add(U64F64::saturating_from_num(halving_blocks))));
    let one = U64F64::saturating_from_num(1u8);
    let one_minus_alpha = one.saturating_sub(alpha);
    let current = alpha.saturating_mul(spot.min(one));
    let moving = one_minus_alpha.saturating_mul(prev);
    I96F32::saturating_from_num(current.saturating_add(moving))
}

/// `update_moving_price` for `netuid` at block `now`, given the subnet's spot price.
pub fn update_moving_price(st: &mut Overlay<'_>, netuid: NetUid, now: u64, spot: U64F64) {
    let start_call = FIRST_EMISSION_BLOCK_NUMBER
        .get(st, &netuid)
        .saturating_sub(1);
    let new = next_moving_price(
        now.saturating_sub(start_call),
        EMA_PRICE_HALVING_BLOCKS.get(st, &netuid),
        I96F32::from_bits(SUBNET_MOVING_ALPHA.get(st)),
        spot,
        moving_alpha_price(st, netuid),
    );
    SUBNET_MOVING_PRICE.insert(st, &netuid, &new.to_bits());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::DEFAULT_SUBNET_MOVING_ALPHA_BITS;

    fn u(x: u64) -> U64F64 {
        U64F64::saturating_from_num(x)
    }

    #[test]
    fn the_ema_ramps_in_and_caps_the_spot_price_at_one() {
        let ma = I96F32::from_bits(DEFAULT_SUBNET_MOVING_ALPHA_BITS);
        // At b = 0 nothing moves.
        assert_eq!(
            next_moving_price(0, 201_600, ma, u(1), u(0)),
            I96F32::saturating_from_num(0u8)
        );
        // With α = 0.5 · b/(b+h) and b = h: α = 0.25; spot 4 is capped to 1; prev 0 → 0.25.
        let half = I96F32::saturating_from_num(1u8) / I96F32::saturating_from_num(2u8);
        let quarter = I96F32::saturating_from_num(1u8) / I96F32::saturating_from_num(4u8);
        assert_eq!(next_moving_price(10, 10, half, u(4), u(0)), quarter);
        // Same α, spot 0.5, prev 1: 0.25·0.5 + 0.75·1 = 0.875.
        let spot = u(1) / u(2);
        let expect = I96F32::saturating_from_num(7u8) / I96F32::saturating_from_num(8u8);
        assert_eq!(next_moving_price(10, 10, half, spot, u(1)), expect);
    }

    #[test]
    fn default_parameters_step_matches_the_formula_in_u64f64() {
        // One step of the default EMA 100 000 blocks after start_call, spot 0.9, prev 0.1,
        // evaluated the way the reference evaluates it.
        let ma = I96F32::from_bits(DEFAULT_SUBNET_MOVING_ALPHA_BITS);
        let b = u(100_000);
        let alpha = U64F64::saturating_from_num(ma) * (b / (b + u(201_600)));
        let spot = u(9) / u(10);
        let prev = U64F64::saturating_from_num(I96F32::saturating_from_num(u(1) / u(10)));
        let expect = I96F32::saturating_from_num(alpha * spot + (u(1) - alpha) * prev);
        assert_eq!(next_moving_price(100_000, 201_600, ma, spot, prev), expect);
        // The price moved towards the spot by α·0.8 ≈ 8e-7 (far above the 2^-32 resolution).
        assert!(expect > I96F32::saturating_from_num(prev));
        assert!(expect < I96F32::saturating_from_num(spot));
        // A step smaller than 2^-32 upwards is lost to the I96F32 truncation, as in the
        // reference: early after start_call a price barely moves up.
        let tiny = next_moving_price(1, 201_600, ma, spot, prev);
        assert_eq!(tiny, I96F32::saturating_from_num(prev));
    }
}
