//! A 256-bit unsigned integer with just the operations [`crate::safe_float`] needs.
//!
//! The reference does its share-pool arithmetic in `sp_core::U256`; every product there is of
//! two `u128` values and every divisor fits in a `u128`, so a pair of `u128` halves with
//! schoolbook multiplication and bitwise long division is exact and small. Division by zero
//! yields `None`, overflow yields `None` (checked) or the maximum (saturating), as `U256` does.

use core::cmp::Ordering;

/// An unsigned 256-bit integer `hi · 2^128 + lo`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct U256 {
    hi: u128,
    lo: u128,
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.hi, self.lo).cmp(&(other.hi, other.lo))
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<u128> for U256 {
    fn from(lo: u128) -> Self {
        Self { hi: 0, lo }
    }
}

impl U256 {
    /// Zero.
    pub const ZERO: U256 = U256 { hi: 0, lo: 0 };
    /// The largest value.
    pub const MAX: U256 = U256 {
        hi: u128::MAX,
        lo: u128::MAX,
    };

    /// True if zero.
    pub fn is_zero(&self) -> bool {
        self.hi == 0 && self.lo == 0
    }

    /// The low 128 bits (`U256::low_u128`).
    pub fn low_u128(&self) -> u128 {
        self.lo
    }

    /// The value as `u64` if it fits.
    pub fn to_u64(&self) -> Option<u64> {
        if self.hi != 0 {
            return None;
        }
        u64::try_from(self.lo).ok()
    }

    /// The full 256-bit product of two `u128` values.
    pub fn mul_u128(a: u128, b: u128) -> U256 {
        const MASK: u128 = u64::MAX as u128;
        let (a1, a0) = (a >> 64, a & MASK);
        let (b1, b0) = (b >> 64, b & MASK);
        // Four 64×64 partial products, each < 2^128.
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        // Middle column: the high half of p00 plus the low halves of p01 and p10 (< 3·2^64).
        let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
        let lo = (p00 & MASK) | (mid << 64);
        let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
        U256 { hi, lo }
    }

    /// `self · m`, or `None` on overflow.
    pub fn checked_mul_u128(self, m: u128) -> Option<U256> {
        let low = U256::mul_u128(self.lo, m);
        let high = U256::mul_u128(self.hi, m);
        if high.hi != 0 {
            return None;
        }
        let hi = low.hi.checked_add(high.lo)?;
        Some(U256 { hi, lo: low.lo })
    }

    /// `self · m`, saturating at [`U256::MAX`].
    pub fn saturating_mul_u128(self, m: u128) -> U256 {
        self.checked_mul_u128(m).unwrap_or(U256::MAX)
    }

    /// `self + o`, saturating.
    pub fn saturating_add(self, o: U256) -> U256 {
        let (lo, carry) = self.lo.overflowing_add(o.lo);
        let hi = self
            .hi
            .checked_add(o.hi)
            .and_then(|h| h.checked_add(u128::from(carry)));
        match hi {
            Some(hi) => U256 { hi, lo },
            None => U256::MAX,
        }
    }

    /// `self − o`, saturating at zero.
    pub fn saturating_sub(self, o: U256) -> U256 {
        if self <= o {
            return U256::ZERO;
        }
        let (lo, borrow) = self.lo.overflowing_sub(o.lo);
        let hi = self.hi - o.hi - u128::from(borrow);
        U256 { hi, lo }
    }

    /// `⌊self / d⌋`, or `None` if `d` is zero.
    pub fn checked_div_u128(self, d: u128) -> Option<U256> {
        if d == 0 {
            return None;
        }
        let q_hi = self.hi / d;
        let mut rem = self.hi % d;
        // Long division of `rem · 2^128 + lo` by `d`, one bit at a time (rem < d throughout,
        // so the quotient fits in 128 bits).
        let mut q_lo: u128 = 0;
        for i in (0..128).rev() {
            let carry = rem >> 127;
            rem = (rem << 1) | ((self.lo >> i) & 1);
            q_lo <<= 1;
            if carry == 1 || rem >= d {
                rem = rem.wrapping_sub(d);
                q_lo |= 1;
            }
        }
        Some(U256 { hi: q_hi, lo: q_lo })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn product_and_division_round_trip() {
        let a = u128::MAX - 12_345;
        let b = 10u128.pow(30) + 7;
        let p = U256::mul_u128(a, b);
        assert_eq!(p.checked_div_u128(b), Some(U256::from(a)));
        assert_eq!(p.checked_div_u128(a), Some(U256::from(b)));
        assert_eq!(U256::from(7).checked_div_u128(0), None);
        // 2^128 = (2^64)^2.
        assert_eq!(U256::mul_u128(1 << 64, 1 << 64), U256 { hi: 1, lo: 0 });
        assert_eq!(U256::MAX.checked_mul_u128(2), None);
        assert_eq!(U256::from(5).saturating_sub(U256::from(9)), U256::ZERO);
        assert_eq!(
            U256 { hi: 1, lo: 0 }.saturating_sub(U256::from(1)),
            U256::from(u128::MAX)
        );
    }

    proptest::proptest! {
        #[test]
        fn matches_u128_arithmetic_when_small(a in 0u64.., b in 1u64.., c in 1u128..) {
            let p = U256::mul_u128(u128::from(a), u128::from(b));
            proptest::prop_assert_eq!(p, U256::from(u128::from(a) * u128::from(b)));
            let q = p.checked_div_u128(c).unwrap();
            proptest::prop_assert_eq!(q, U256::from(u128::from(a) * u128::from(b) / c));
        }

        #[test]
        fn division_inverts_multiplication(a: u128, b in 1u128.., r: u128) {
            // (a·b + r mod b) / b = a
            let rem = r % b;
            let p = U256::mul_u128(a, b).saturating_add(U256::from(rem));
            proptest::prop_assert_eq!(p.checked_div_u128(b), Some(U256::from(a)));
        }
    }
}
