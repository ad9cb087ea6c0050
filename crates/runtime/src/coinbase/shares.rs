//! Each emitting subnet's share of the block's TAO emission (protocol.md §2.3,
//! `ST/coinbase/subnet_emissions.rs:34-76,354-418`).
//!
//! Shares are moving (EMA) prices normalised over the emitting subnets, reweighted by
//! `1 − MinerBurned` (subnets that withhold miner emission lose share), and renormalised over
//! the subnets whose TAO-side emission is enabled. The arithmetic is the reference's: `U64F64`
//! for shares, the block emission multiplied in `U64F64` and converted to `U96F32`, no floor
//! yet (injection floors, §3.3).
//!
//! These are pure functions of plain inputs; [`super::run_coinbase`] reads them from state.

use agora_primitives::{SafeDiv, U64F64, U96F32};

use crate::storage::NetUid;

/// What the share computation reads for one emitting subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShareInput {
    /// The subnet.
    pub netuid: NetUid,
    /// `get_moving_alpha_price`: the EMA price (1 for a stable subnet).
    pub moving_price: U64F64,
    /// `MinerBurned`: the fraction of last epoch's miner incentive that was withheld.
    pub miner_burned: U96F32,
    /// `SubnetEmissionEnabled`.
    pub emission_enabled: bool,
}

/// `get_shares_price_ema`: each moving price over their sum (0 for all if the sum is 0).
pub fn price_shares(inputs: &[ShareInput]) -> Vec<(NetUid, U64F64)> {
    let total = inputs
        .iter()
        .fold(U64F64::saturating_from_num(0u8), |acc, i| {
            acc.saturating_add(i.moving_price)
        });
    inputs
        .iter()
        .map(|i| {
            let share = i
                .moving_price
                .checked_div(total)
                .unwrap_or(U64F64::saturating_from_num(0u8));
            (i.netuid, share)
        })
        .collect()
}

/// `get_shares`: price shares weighted by `1 − min(1, MinerBurned)` and renormalised; if every
/// weight is zero, the unweighted price shares.
pub fn shares(inputs: &[ShareInput]) -> Vec<(NetUid, U64F64)> {
    let price = price_shares(inputs);
    let zero = U64F64::saturating_from_num(0u8);
    let one = U64F64::saturating_from_num(1u8);
    let weighted: Vec<(NetUid, U64F64)> = price
        .iter()
        .zip(inputs)
        .map(|(&(netuid, share), i)| {
            let burned = U64F64::saturating_from_num(i.miner_burned).min(one);
            (netuid, share.saturating_mul(one.saturating_sub(burned)))
        })
        .collect();
    let total = weighted
        .iter()
        .fold(zero, |acc, &(_, w)| acc.saturating_add(w));
    if total > zero {
        weighted
            .into_iter()
            .map(|(netuid, w)| (netuid, w.safe_div(total)))
            .collect()
    } else {
        price
    }
}

/// `get_subnet_block_emissions`: `τ_i = E · share_i` per emitting subnet, with emission-disabled
/// subnets at 0 and the others' shares renormalised over the enabled ones. Disabled subnets stay
/// in the result (their alpha side still runs). `inputs` must be in netuid order.
pub fn subnet_block_emissions(
    inputs: &[ShareInput],
    block_emission: U96F32,
) -> Vec<(NetUid, U96F32)> {
    let shares = shares(inputs);
    let zero = U64F64::saturating_from_num(0u8);
    let any_disabled = inputs.iter().any(|i| !i.emission_enabled);
    let enabled_sum = shares
        .iter()
        .zip(inputs)
        .filter(|(_, i)| i.emission_enabled)
        .fold(zero, |acc, (&(_, s), _)| acc.saturating_add(s));
    shares
        .into_iter()
        .zip(inputs)
        .map(|((netuid, share), i)| {
            let share = if !any_disabled {
                share
            } else if i.emission_enabled && enabled_sum > zero {
                share.safe_div(enabled_sum)
            } else {
                zero
            };
            let emission = U64F64::saturating_from_num(block_emission).saturating_mul(share);
            (netuid, U96F32::saturating_from_num(emission))
        })
        .collect()
}

/// `get_network_root_sell_flag`: root dividends are sold (rather than recycled) only while the
/// emitting subnets' moving prices sum to more than 1.
pub fn root_sell_flag(moving_prices: &[U64F64]) -> bool {
    // The reference sums with `Iterator::sum` (wrapping in release); moving prices are EMAs of
    // prices capped at 1, so the sum of at most a few hundred cannot overflow either way.
    let total = moving_prices
        .iter()
        .fold(U64F64::saturating_from_num(0u8), |acc, p| {
            acc.wrapping_add(*p)
        });
    total > U64F64::saturating_from_num(1u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(netuid: NetUid, price: U64F64, burned: U96F32, enabled: bool) -> ShareInput {
        ShareInput {
            netuid,
            moving_price: price,
            miner_burned: burned,
            emission_enabled: enabled,
        }
    }

    fn p(num: u64, den: u64) -> U64F64 {
        U64F64::saturating_from_num(num) / U64F64::saturating_from_num(den)
    }

    const Z: U96F32 = U96F32::from_bits(0);

    #[test]
    fn price_shares_are_prices_over_their_sum() {
        let inputs = [input(1, p(1, 4), Z, true), input(2, p(3, 4), Z, true)];
        let s = price_shares(&inputs);
        assert_eq!(s, vec![(1, p(1, 4)), (2, p(3, 4))]);
        // All prices zero: every share zero (checked_div by zero).
        let zeros = [input(1, p(0, 1), Z, true), input(2, p(0, 1), Z, true)];
        assert!(price_shares(&zeros).iter().all(|(_, s)| *s == 0));
    }

    #[test]
    fn miner_burn_moves_share_to_the_other_subnets() {
        // Equal prices; subnet 1 withheld half its miner emission: weights 0.25 and 0.5,
        // renormalised to 1/3 and 2/3.
        let half = U96F32::saturating_from_num(1u8) / U96F32::saturating_from_num(2u8);
        let inputs = [input(1, p(1, 2), half, true), input(2, p(1, 2), Z, true)];
        let s = shares(&inputs);
        let quarter = p(1, 2) * p(1, 2);
        let total = quarter + p(1, 2);
        assert_eq!(s[0].1, quarter / total);
        assert_eq!(s[1].1, p(1, 2) / total);
        // Everyone burns everything (burn > 1 is clamped): back to price shares.
        let two = U96F32::saturating_from_num(2u8);
        let all = [input(1, p(1, 2), two, true), input(2, p(1, 2), two, true)];
        assert_eq!(shares(&all), price_shares(&all));
    }

    #[test]
    fn disabled_subnets_get_nothing_and_the_rest_is_renormalised() {
        let e = U96F32::saturating_from_num(1_000_000_000u64);
        let inputs = [
            input(1, p(1, 4), Z, true),
            input(2, p(1, 4), Z, false),
            input(3, p(2, 4), Z, true),
        ];
        let out = subnet_block_emissions(&inputs, e);
        assert_eq!(out.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 2, 3]);
        // Shares 1/4, 1/4, 1/2 → enabled sum 3/4 → 1/3 and 2/3 of E.
        let third = (p(1, 4) / p(3, 4)) * U64F64::saturating_from_num(1_000_000_000u64);
        assert_eq!(out[0].1, U96F32::saturating_from_num(third));
        assert_eq!(out[1].1, 0);
        let two_thirds = (p(2, 4) / p(3, 4)) * U64F64::saturating_from_num(1_000_000_000u64);
        assert_eq!(out[2].1, U96F32::saturating_from_num(two_thirds));
        assert!(out[0].1 + out[2].1 <= e);
        // Only disabled subnets: all zero.
        let none = [input(1, p(1, 2), Z, false)];
        assert_eq!(subnet_block_emissions(&none, e)[0].1, 0);
        // No disabled subnet: shares are used as they are.
        let all = [input(1, p(1, 4), Z, true), input(2, p(3, 4), Z, true)];
        let out = subnet_block_emissions(&all, e);
        assert_eq!(out[0].1, U96F32::saturating_from_num(250_000_000u64));
        assert_eq!(out[1].1, U96F32::saturating_from_num(750_000_000u64));
    }

    #[test]
    fn root_is_sold_only_above_a_total_moving_price_of_one() {
        assert!(!root_sell_flag(&[]));
        assert!(!root_sell_flag(&[p(1, 2), p(1, 2)]));
        assert!(root_sell_flag(&[p(1, 2), p(1, 2), U64F64::from_bits(1)]));
    }
}
