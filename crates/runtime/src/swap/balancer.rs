//! The weighted ("Balancer") pool maths of the reference's swap pallet
//! (`SW/pallet/balancer.rs`, protocol.md §4.1–§4.4).
//!
//! `x` is the alpha (base) reserve, `y` the TAO (quote) reserve, `w2` the quote weight and
//! `w1 = 1 − w2` the base weight, both in `Perquintill` parts (`10^18 = 1`) and both at least
//! 0.01. Then:
//!
//! ```text
//! price               p  = (w1 / w2) · (y / x)                         (TAO per alpha)
//! buy  with Δy TAO    Δx = x · (1 − (y / (y + Δy))^(w2 / w1))
//! sell Δx alpha       Δy = y · (1 − (x / (x + Δx))^(w1 / w2))
//! TAO to reach p′ > p Δy = y · ((p′ / p)^w1 − 1)
//! alpha to reach p′ < p Δx = x · ((p / p′)^w2 − 1)
//! ```
//!
//! Powers go through [`super::pow::pow_ratio_scaled`] (256-bit precision for swaps, 1 024 for
//! the limit deltas) and everything else through `U64F64`, with the reference's conversions
//! and saturations, so every amount matches it to the unit.

use agora_primitives::{SafeDiv, U64F64};

use super::bigint::{BigInt, BigUint};
use super::pow::pow_ratio_scaled;

/// `Perquintill` accuracy: 10^18 parts are 1.
pub const ACCURACY: u64 = 1_000_000_000_000_000_000;
/// The smallest weight either side may have (0.01).
pub const MIN_WEIGHT: u64 = ACCURACY / 100;
/// The default quote weight (0.5).
pub const HALF: u64 = ACCURACY / 2;

/// `Perquintill::from_rational(p, q)`: `⌊10^18 · p / q⌋`, or 1 when `p > q` or `q = 0`.
pub fn perquintill_from_rational(p: u128, q: u128) -> u64 {
    if q == 0 || p > q {
        return ACCURACY;
    }
    let prod = BigUint::from(p).mul(&BigUint::from(u128::from(ACCURACY)));
    prod.div_rem(&BigUint::from(q))
        .and_then(|(r, _)| r.to_u64())
        .unwrap_or(ACCURACY)
}

/// A pool's weights; only the quote weight is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Balancer {
    quote: u64,
}

impl Default for Balancer {
    fn default() -> Self {
        Balancer { quote: HALF }
    }
}

/// A 64-bit value saturated to `U64F64`'s integer range is exact; the helper names the
/// reference's conversion.
fn fixed(x: u64) -> U64F64 {
    U64F64::saturating_from_num(x)
}

impl Balancer {
    /// A balancer with this quote weight, `None` unless both weights are at least 0.01
    /// (`Balancer::new`).
    pub fn new(quote: u64) -> Option<Self> {
        Self::check(quote).then_some(Balancer { quote })
    }

    /// The stored form (quote parts); a stored value out of range reads as the default,
    /// which a well-formed state never contains.
    pub fn from_parts(quote: u64) -> Self {
        Self::new(quote).unwrap_or_default()
    }

    fn check(quote: u64) -> bool {
        let base = ACCURACY.saturating_sub(quote.min(ACCURACY));
        base >= MIN_WEIGHT && (MIN_WEIGHT..=ACCURACY).contains(&quote)
    }

    /// Quote (TAO) weight parts.
    pub fn quote_weight(&self) -> u64 {
        self.quote
    }

    /// Base (alpha) weight parts, `1 − quote`.
    pub fn base_weight(&self) -> u64 {
        ACCURACY.saturating_sub(self.quote)
    }

    /// `(x / (x + dx))^(w_base / w_quote)` if `base_quote`, else with the inverse exponent
    /// (`exp_scaled`), as `U64F64`; capped at 1 for a non-negative `dx`; 0 when `x + dx` is
    /// zero or the power does not fit.
    pub fn exp_scaled(&self, x: u64, dx: i128, base_quote: bool) -> U64F64 {
        let x_plus_dx = if dx >= 0 {
            x.saturating_add(u64::try_from(dx).unwrap_or(u64::MAX))
        } else {
            x.saturating_sub(u64::try_from(dx.unsigned_abs()).unwrap_or(u64::MAX))
        };
        if x_plus_dx == 0 {
            return U64F64::saturating_from_num(0u8);
        }
        let (w1, w2) = (
            BigUint::from(self.base_weight()),
            BigUint::from(self.quote_weight()),
        );
        let (e_num, e_den) = if base_quote { (&w1, &w2) } else { (&w2, &w1) };
        let result = pow_ratio_scaled(
            &BigUint::from(x),
            &BigUint::from(x_plus_dx),
            e_num,
            e_den,
            256,
            &BigUint::from(ACCURACY),
        );
        if let Some(r) = result
            && !r.is_negative()
            && let Some(r) = r.magnitude().to_u64()
        {
            let v = fixed(r).safe_div(fixed(ACCURACY));
            return if dx >= 0 {
                v.min(U64F64::saturating_from_num(1u8))
            } else {
                v
            };
        }
        U64F64::saturating_from_num(0u8)
    }

    /// `(x / (x + dx))^(w1/w2)`, for sells (`exp_base_quote`).
    pub fn exp_base_quote(&self, x: u64, dx: u64) -> U64F64 {
        self.exp_scaled(x, i128::from(dx), true)
    }

    /// `(y / (y + dy))^(w2/w1)`, for buys (`exp_quote_base`).
    pub fn exp_quote_base(&self, y: u64, dy: u64) -> U64F64 {
        self.exp_scaled(y, i128::from(dy), false)
    }

    /// `(w1 / w2) · (y / x)` (`calculate_price`); `safe_div` makes it 0 for `x = 0`.
    pub fn calculate_price(&self, x: u64, y: u64) -> U64F64 {
        let w2 = fixed(self.quote_weight());
        let w1 = fixed(self.base_weight());
        w1.safe_div(w2).saturating_mul(fixed(y).safe_div(fixed(x)))
    }

    /// `⌊value · parts / 10^18⌉`, half rounded up (`mul_perquintill_round`), saturated to
    /// `u128`.
    fn mul_round(parts: u64, value: u128) -> u128 {
        let num = BigUint::from(value)
            .mul(&BigUint::from(parts))
            .add(&BigUint::from(ACCURACY / 2));
        num.div_rem(&BigUint::from(ACCURACY))
            .and_then(|(q, _)| q.to_u128())
            .unwrap_or(u128::MAX)
    }

    /// Re-weights for protocol liquidity `(tao_delta, alpha_delta)` so the price stays put
    /// (`update_weights_for_added_liquidity`, §4.4): `q1 = w1 · y · (x + Δx)`,
    /// `q2 = w2 · x · (y + Δy)`, `w2' = q2 / (q1 + q2)` (0.5 if both are zero). Returns
    /// false, changing nothing, if a weight would fall below 0.01.
    pub fn update_weights_for_added_liquidity(
        &mut self,
        tao_reserve: u64,
        alpha_reserve: u64,
        tao_delta: u64,
        alpha_delta: u64,
    ) -> bool {
        let (y, x) = (u128::from(tao_reserve), u128::from(alpha_reserve));
        let new_y = y.saturating_add(u128::from(tao_delta));
        let new_x = x.saturating_add(u128::from(alpha_delta));
        let q1 = Self::mul_round(self.base_weight(), y.saturating_mul(new_x));
        let q2 = Self::mul_round(self.quote_weight(), x.saturating_mul(new_y));
        let sum = q1.saturating_add(q2);
        let w = if sum != 0 {
            perquintill_from_rational(q2, sum)
        } else {
            HALF
        };
        if Self::check(w) {
            self.quote = w;
            true
        } else {
            false
        }
    }

    /// `reserve · ((num / den)^(w / 1) − 1)` at 1 024-bit precision, the common part of the
    /// two limit deltas.
    fn delta_to_price(num: u128, den: u128, weight: u64, reserve: u64) -> u64 {
        let scale: u128 = 1_000_000_000_000_000_000;
        let Some(e) = pow_ratio_scaled(
            &BigUint::from(num),
            &BigUint::from(den),
            &BigUint::from(weight),
            &BigUint::from(ACCURACY),
            1_024,
            &BigUint::from(scale),
        ) else {
            return 0;
        };
        let e_fixed = if let Some(v) = nonneg_u64(&e) {
            U64F64::saturating_from_num(v)
        } else if !e.is_negative() {
            // Above u64::MAX.
            U64F64::saturating_from_num(u64::MAX)
        } else {
            U64F64::saturating_from_num(0u8)
        };
        let one = U64F64::saturating_from_num(1u8);
        U64F64::saturating_from_num(reserve)
            .saturating_mul(
                e_fixed
                    .safe_div(U64F64::saturating_from_num(scale))
                    .saturating_sub(one),
            )
            .saturating_to_num::<u64>()
    }

    /// TAO needed to raise the price from `current` to `target`: `y · ((p′/p)^w1 − 1)`
    /// (`calculate_quote_delta_in`).
    pub fn calculate_quote_delta_in(&self, current: U64F64, target: U64F64, reserve: u64) -> u64 {
        Self::delta_to_price(
            target.to_bits(),
            current.to_bits(),
            self.base_weight(),
            reserve,
        )
    }

    /// Alpha needed to lower the price from `current` to `target`: `x · ((p/p′)^w2 − 1)`
    /// (`calculate_base_delta_in`).
    pub fn calculate_base_delta_in(&self, current: U64F64, target: U64F64, reserve: u64) -> u64 {
        Self::delta_to_price(
            current.to_bits(),
            target.to_bits(),
            self.quote_weight(),
            reserve,
        )
    }

    /// Alpha to sell for `delta_tao` TAO, `x · ((y / (y − Δy))^(w2/w1) − 1)`
    /// (`get_base_needed_for_quote`).
    pub fn get_base_needed_for_quote(
        &self,
        tao_reserve: u64,
        alpha_reserve: u64,
        delta_tao: u64,
    ) -> u64 {
        let e = self.exp_scaled(tao_reserve, -i128::from(delta_tao), false);
        U64F64::saturating_from_num(alpha_reserve)
            .saturating_mul(e.saturating_sub(U64F64::saturating_from_num(1u8)))
            .saturating_to_num::<u64>()
    }
}

/// The value as `u64` if it is non-negative and fits.
fn nonneg_u64(x: &BigInt) -> Option<u64> {
    if x.is_negative() {
        return None;
    }
    x.magnitude().to_u64()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn weights_are_bounded() {
        assert!(Balancer::new(MIN_WEIGHT).is_some());
        assert!(Balancer::new(MIN_WEIGHT - 1).is_none());
        assert!(Balancer::new(ACCURACY - MIN_WEIGHT).is_some());
        assert!(Balancer::new(ACCURACY - MIN_WEIGHT + 1).is_none());
        assert!(Balancer::new(0).is_none());
        assert!(Balancer::new(ACCURACY).is_none());
        assert_eq!(Balancer::default().quote_weight(), HALF);
        assert_eq!(Balancer::from_parts(ACCURACY).quote_weight(), HALF);
    }

    #[test]
    fn perquintill_rounds_down() {
        assert_eq!(perquintill_from_rational(1, 3), 333_333_333_333_333_333);
        assert_eq!(perquintill_from_rational(2, 3), 666_666_666_666_666_666);
        assert_eq!(perquintill_from_rational(5, 4), ACCURACY);
        assert_eq!(perquintill_from_rational(0, 0), ACCURACY);
        assert_eq!(
            perquintill_from_rational(u128::MAX - 1, u128::MAX),
            ACCURACY - 1
        );
    }

    #[test]
    fn equal_weights_price_is_the_reserve_ratio() {
        let b = Balancer::default();
        // 100 TAO / 400 alpha = 0.25.
        assert_eq!(
            b.calculate_price(400_000_000_000, 100_000_000_000),
            U64F64::from_num(0.25)
        );
        assert_eq!(b.calculate_price(0, 100), U64F64::from_num(0));
    }

    #[test]
    fn equal_weights_power_is_the_plain_ratio() {
        // w1/w2 = 1 reduces to the exact path: ⌊10^18 · x / (x + dx)⌋ / 10^18.
        let b = Balancer::default();
        let e = b.exp_quote_base(1_000, 3);
        let parts = 1_000u128 * 1_000_000_000_000_000_000 / 1_003;
        let expected = U64F64::from_num(parts) / U64F64::from_num(ACCURACY);
        assert_eq!(e, expected);
        assert_eq!(b.exp_quote_base(0, 0), U64F64::from_num(0));
    }

    #[test]
    fn injection_keeps_the_price() {
        // 100 TAO : 100 alpha at 0.5/0.5; add 10 TAO and 20 alpha. Then
        // q1 = 0.5 · 100 · 120, q2 = 0.5 · 100 · 110, w2' = 110 / 230.
        let t = 100_000_000_000u64;
        let mut b = Balancer::default();
        assert!(b.update_weights_for_added_liquidity(t, t, t / 10, t / 5));
        let q1 = (u128::from(t) * u128::from(t + t / 5)) / 2;
        let q2 = (u128::from(t) * u128::from(t + t / 10)) / 2;
        assert_eq!(b.quote_weight(), perquintill_from_rational(q2, q1 + q2));
        let before = Balancer::default().calculate_price(t, t);
        let after = b.calculate_price(t + t / 5, t + t / 10);
        let diff = if after > before {
            after - before
        } else {
            before - after
        };
        assert!(diff < U64F64::from_num(0.000_000_001));
        // A lopsided injection that would push a weight below 0.01 is refused unchanged.
        let mut b = Balancer::default();
        assert!(!b.update_weights_for_added_liquidity(t, t, 0, 200 * t));
        assert_eq!(b, Balancer::default());
    }
}
