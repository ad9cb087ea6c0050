//! Block emission as a function of issuance (protocol.md §2.1, `ST/coinbase/block_emission.rs:38-84`).
//!
//! `E(I) = floor(10^9 / 2^k)` with `k = floor(log2(1 / (1 − I / 21·10^15)))`, computed in
//! `I96F32` with substrate-fixed's `log2` exactly as the reference does, so the halving
//! boundaries fall on the same rao. The same function of a subnet's alpha issuance gives its
//! alpha emission per block.

use agora_primitives::{I96F32, SafeDiv};
use substrate_fixed::transcendental::log2;

use crate::state::Overlay;
use crate::storage::BLOCK_EMISSION;

/// Emission per block before any halving (1 TAO).
pub const DEFAULT_BLOCK_EMISSION: u64 = 1_000_000_000;
/// Supply cap (21 M TAO in rao).
pub const TOTAL_SUPPLY: u64 = 21_000_000_000_000_000;

/// Block emission for `issuance`; 0 at or past the cap (or if the logarithm fails, as the
/// reference's caller treats an error).
pub fn block_emission_for_issuance(issuance: u64) -> u64 {
    let total = I96F32::saturating_from_num(issuance);
    if total >= I96F32::saturating_from_num(TOTAL_SUPPLY) {
        return 0;
    }
    let one = I96F32::saturating_from_num(1u8);
    let half_supply_x2 = I96F32::saturating_from_num(2u8)
        .saturating_mul(I96F32::saturating_from_num(10_500_000_000_000_000u64));
    let Some(ratio) = total.checked_div(half_supply_x2) else {
        return 0;
    };
    let Some(rest) = one.checked_sub(ratio) else {
        return 0;
    };
    let Some(inv) = one.checked_div(rest) else {
        return 0;
    };
    let Ok(residual) = log2::<I96F32, I96F32>(inv) else {
        return 0;
    };
    let k = residual.floor().saturating_to_num::<u64>();
    let mut multiplier = one;
    for _ in 0..k {
        multiplier = multiplier.saturating_mul(I96F32::saturating_from_num(2u8));
    }
    let pct = one.safe_div(multiplier);
    pct.saturating_mul(I96F32::saturating_from_num(DEFAULT_BLOCK_EMISSION))
        .saturating_to_num::<u64>()
}

/// [`block_emission_for_issuance`] as the reference's `get_block_emission_for_issuance`
/// runs it: every evaluation also stores its result in the informational `BlockEmission` if
/// it differs. The reference evaluates it for the TAO emission and then for each emitting
/// subnet's alpha emission, so after a block `BlockEmission` holds the last subnet's alpha
/// emission (or the TAO emission if no subnet emits).
pub fn get_block_emission_for_issuance(st: &mut Overlay<'_>, issuance: u64) -> u64 {
    let e = block_emission_for_issuance(issuance);
    if BLOCK_EMISSION.get(st) != e {
        BLOCK_EMISSION.put(st, &e);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halvings_fall_at_half_remaining_supply() {
        assert_eq!(block_emission_for_issuance(0), 1_000_000_000);
        assert_eq!(
            block_emission_for_issuance(10_499_999_999_999_999),
            1_000_000_000
        );
        assert_eq!(
            block_emission_for_issuance(10_500_000_000_000_000),
            500_000_000
        );
        assert_eq!(
            block_emission_for_issuance(15_750_000_000_000_000),
            250_000_000
        );
        assert_eq!(block_emission_for_issuance(TOTAL_SUPPLY), 0);
        assert_eq!(block_emission_for_issuance(u64::MAX), 0);
    }
}
