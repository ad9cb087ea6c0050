//! `SafeFloat`: the decimal floating-point number the reference stores stake shares in
//! (`primitives/share-pool`, protocol.md §5.1).
//!
//! A value is `mantissa · 10^exponent` with a `u128` mantissa kept normalised into
//! `(10^20, 10^21]` (zero is `0 · 10^0`). Twenty-one significant digits are enough for a
//! change of one rao in a pool to change both the coldkey's share and the denominator, while
//! tenths of a rao make no difference. Every operation is the reference's, digit for digit:
//! intermediate products are exact 256-bit integers, every division truncates, and addition
//! aligns the smaller operand by truncating division by a power of ten (capped at `10^22`).
//!
//! # Invariants
//! - Results of [`SafeFloat::new`], [`SafeFloat::add`], [`SafeFloat::sub`],
//!   [`SafeFloat::div`] and [`SafeFloat::mul_div`] are normalised; `None` means the exponent
//!   left `i64` (or a division by zero), exactly where the reference returns `None`.
//! - No function panics.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};

use crate::fixed::U64F64;
use crate::wide::U256;

/// Largest mantissa (`SAFE_FLOAT_MAX`): `10^21`.
pub const SAFE_FLOAT_MAX: u128 = 1_000_000_000_000_000_000_000;
/// Decimal digits of [`SAFE_FLOAT_MAX`] (`SAFE_FLOAT_MAX_EXP`).
pub const SAFE_FLOAT_MAX_EXP: i64 = 21;

/// A decimal float `mantissa · 10^exponent` (SCALE: `u128` mantissa, then `i64` exponent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Encode, Decode, MaxEncodedLen)]
pub struct SafeFloat {
    mantissa: u128,
    exponent: i64,
}

/// `10^e`, capped at `10^22` (`cappow10`): larger powers are never needed because mantissas
/// have at most 21 digits.
fn cappow10(e: u64) -> u128 {
    let cap = u64::try_from(SAFE_FLOAT_MAX_EXP)
        .unwrap_or(21)
        .saturating_add(1);
    let e = u32::try_from(e.min(cap)).unwrap_or(22);
    10u128.pow(e)
}

impl SafeFloat {
    /// Zero (`0 · 10^0`).
    pub const fn zero() -> Self {
        SafeFloat {
            mantissa: 0,
            exponent: 0,
        }
    }

    /// The mantissa.
    pub fn mantissa(&self) -> u128 {
        self.mantissa
    }

    /// The base-10 exponent.
    pub fn exponent(&self) -> i64 {
        self.exponent
    }

    /// `mantissa · 10^exponent`, normalised; `None` if `mantissa > 10^21` or the exponent
    /// overflows while normalising.
    pub fn new(mantissa: u128, exponent: i64) -> Option<Self> {
        if mantissa > SAFE_FLOAT_MAX {
            return None;
        }
        Self::normalized(U256::from(mantissa), exponent)
    }

    /// Shifts `mantissa` by powers of ten into `(10^20, 10^21]` (`normalize`): down by
    /// truncating division, up by multiplication. `None` if the exponent leaves `i64`.
    fn normalized(mantissa: U256, exponent: i64) -> Option<Self> {
        if mantissa.is_zero() {
            return Some(Self::zero());
        }
        let max = U256::from(SAFE_FLOAT_MAX);
        let min = U256::from(SAFE_FLOAT_MAX / 10);
        let (mut m, mut e) = (mantissa, exponent);
        while m > max {
            m = m.checked_div_u128(10)?;
            e = e.checked_add(1)?;
        }
        while m <= min {
            m = m.checked_mul_u128(10)?;
            e = e.checked_sub(1)?;
        }
        Some(SafeFloat {
            mantissa: m.low_u128(),
            exponent: e,
        })
    }

    /// True if zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// `self / a` to 21 digits: `⌊m1 · 10^21 / m2⌋ · 10^(e1 − e2 − 21)`; `None` if `a` is
    /// zero or the exponent overflows.
    pub fn div(&self, a: &SafeFloat) -> Option<Self> {
        let scaled = U256::mul_u128(self.mantissa, SAFE_FLOAT_MAX);
        let e = i128::from(self.exponent)
            .saturating_sub(i128::from(a.exponent))
            .saturating_sub(i128::from(SAFE_FLOAT_MAX_EXP));
        let e = i64::try_from(e).ok()?;
        let m = scaled.checked_div_u128(a.mantissa)?;
        Self::normalized(m, e)
    }

    /// Aligns the operand with the smaller exponent to the larger one by truncating division.
    fn aligned(&self, a: &SafeFloat) -> (U256, U256, i64) {
        if self.exponent >= a.exponent {
            let diff = self.exponent.saturating_sub(a.exponent).unsigned_abs();
            let m2 = a.mantissa / cappow10(diff);
            (U256::from(self.mantissa), U256::from(m2), self.exponent)
        } else {
            let diff = a.exponent.saturating_sub(self.exponent).unsigned_abs();
            let m1 = self.mantissa / cappow10(diff);
            (U256::from(m1), U256::from(a.mantissa), a.exponent)
        }
    }

    /// `self + a` (the smaller operand loses the digits below the larger one's last digit).
    pub fn add(&self, a: &SafeFloat) -> Option<Self> {
        if self.is_zero() {
            return Some(a.clone());
        }
        if a.is_zero() {
            return Some(self.clone());
        }
        let (m1, m2, e) = self.aligned(a);
        Self::normalized(m1.saturating_add(m2), e)
    }

    /// `self − a`, saturating at zero after alignment; `None` for `0 − a` with `a ≠ 0`.
    pub fn sub(&self, a: &SafeFloat) -> Option<Self> {
        if self.is_zero() && a.is_zero() {
            return Some(Self::zero());
        }
        if self.is_zero() {
            return None;
        }
        if a.is_zero() {
            return Some(self.clone());
        }
        let (m1, m2, e) = self.aligned(a);
        Self::normalized(m1.saturating_sub(m2), e)
    }

    /// `self · a / b` with one truncation: `⌊m_self · m_a / m_b⌋ · 10^(e_self + e_a − e_b)`;
    /// `None` if `b` is zero or an exponent overflows.
    pub fn mul_div(&self, a: &SafeFloat, b: &SafeFloat) -> Option<Self> {
        if b.mantissa == 0 {
            return None;
        }
        let product = U256::mul_u128(self.mantissa, a.mantissa);
        let e = self
            .exponent
            .checked_add(a.exponent)?
            .checked_sub(b.exponent)?;
        let m = product.checked_div_u128(b.mantissa).unwrap_or_default();
        Self::normalized(m, e)
    }

    /// `self > a` for normalised operands (`gt`).
    pub fn gt(&self, a: &SafeFloat) -> bool {
        match self.exponent.cmp(&a.exponent) {
            core::cmp::Ordering::Equal => self.mantissa > a.mantissa,
            core::cmp::Ordering::Greater => {
                self.exponent.saturating_sub(a.exponent) > 1
                    || U256::mul_u128(self.mantissa, 10) > U256::from(a.mantissa)
            }
            core::cmp::Ordering::Less => {
                a.exponent.saturating_sub(self.exponent) <= 1
                    && U256::from(self.mantissa) > U256::mul_u128(a.mantissa, 10)
            }
        }
    }

    /// The integer part, saturating at `u64::MAX` (`From<&SafeFloat> for u64`).
    pub fn to_u64(&self) -> u64 {
        if self.exponent == 0 {
            return u64::try_from(self.mantissa).unwrap_or(u64::MAX);
        }
        let scale = cappow10(self.exponent.unsigned_abs());
        let q = if self.exponent > 0 {
            U256::from(self.mantissa).saturating_mul_u128(scale)
        } else {
            U256::from(self.mantissa / scale)
        };
        q.to_u64().unwrap_or(u64::MAX)
    }

    /// The value of a `U64F64` (`From<U64F64>`): integer part plus `frac / 2^64` to 21 digits.
    pub fn from_u64f64(value: U64F64) -> Self {
        let bits = value.to_bits();
        if bits == 0 {
            return Self::zero();
        }
        let int = bits >> 64;
        let frac = bits & u128::from(u64::MAX);
        let int = SafeFloat::new(int, 0).unwrap_or_default();
        let frac_num = SafeFloat::new(frac, 0).unwrap_or_default();
        let two64 = SafeFloat::new(1u128 << 64, 0).unwrap_or_default();
        let frac = frac_num.div(&two64).unwrap_or_default();
        int.add(&frac).unwrap_or_default()
    }
}

impl From<u64> for SafeFloat {
    fn from(value: u64) -> Self {
        SafeFloat::new(u128::from(value), 0).unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    fn sf(m: u128, e: i64) -> SafeFloat {
        SafeFloat::new(m, e).unwrap()
    }

    #[test]
    fn normalises_into_twenty_one_digits() {
        let one = sf(1, 0);
        // 1 = 10^20 · 10^-20 would be at the open lower bound, so it becomes 10^21 · 10^-21.
        assert_eq!((one.mantissa(), one.exponent()), (SAFE_FLOAT_MAX, -21));
        let x = sf(123, 5);
        assert_eq!((x.mantissa(), x.exponent()), (123 * 10u128.pow(18), -13));
        assert_eq!(sf(0, 77), SafeFloat::zero());
        assert_eq!(SafeFloat::new(SAFE_FLOAT_MAX + 1, 0), None);
        assert_eq!(SafeFloat::new(SAFE_FLOAT_MAX, 0).unwrap().exponent(), 0);
        // Exponent overflow while normalising upwards.
        assert_eq!(SafeFloat::new(1, i64::MIN), None);
        assert_eq!(
            SafeFloat::new(1, i64::MIN + 21).unwrap().exponent(),
            i64::MIN
        );
    }

    #[test]
    fn integer_conversion_truncates_and_saturates() {
        assert_eq!(sf(12_345, 0).to_u64(), 12_345);
        assert_eq!(sf(12_345, -2).to_u64(), 123);
        assert_eq!(sf(9, -1).to_u64(), 0);
        assert_eq!(sf(1, 30).to_u64(), u64::MAX);
        assert_eq!(sf(1, -40).to_u64(), 0);
        assert_eq!(SafeFloat::from(u64::MAX).to_u64(), u64::MAX);
        assert_eq!(SafeFloat::zero().to_u64(), 0);
    }

    #[test]
    fn add_truncates_the_smaller_operand() {
        // 10^21 + 1: the 1 is below the 21st digit of the larger operand and is lost.
        let big = sf(SAFE_FLOAT_MAX, 0);
        assert_eq!(big.add(&sf(1, 0)).unwrap(), big);
        // 10^15 + 1 keeps every digit.
        let s = sf(10u128.pow(15), 0).add(&sf(1, 0)).unwrap();
        assert_eq!(s.to_u64(), 1_000_000_000_000_001);
        assert_eq!(sf(5, 0).add(&SafeFloat::zero()).unwrap(), sf(5, 0));
        assert_eq!(SafeFloat::zero().add(&sf(5, 0)).unwrap(), sf(5, 0));
    }

    #[test]
    fn sub_saturates_and_refuses_zero_minus_positive() {
        assert_eq!(sf(7, 0).sub(&sf(3, 0)).unwrap().to_u64(), 4);
        assert_eq!(sf(3, 0).sub(&sf(7, 0)).unwrap(), SafeFloat::zero());
        assert_eq!(SafeFloat::zero().sub(&sf(1, 0)), None);
        assert_eq!(
            SafeFloat::zero().sub(&SafeFloat::zero()),
            Some(SafeFloat::zero())
        );
        assert_eq!(sf(3, 0).sub(&sf(3, 0)).unwrap(), SafeFloat::zero());
    }

    #[test]
    fn mul_div_and_div_truncate_once() {
        // 10 · 1 / 3 = 3.33333333333333333333 (21 digits, truncated).
        let r = sf(10, 0).mul_div(&sf(1, 0), &sf(3, 0)).unwrap();
        assert_eq!(
            (r.mantissa(), r.exponent()),
            (333_333_333_333_333_333_333, -20)
        );
        assert_eq!(r.to_u64(), 3);
        assert_eq!(sf(1, 0).mul_div(&sf(1, 0), &SafeFloat::zero()), None);
        let d = sf(2, 0).div(&sf(3, 0)).unwrap();
        assert_eq!(
            (d.mantissa(), d.exponent()),
            (666_666_666_666_666_666_666, -21)
        );
        assert_eq!(sf(2, 0).div(&SafeFloat::zero()), None);
        assert_eq!(SafeFloat::zero().div(&sf(3, 0)).unwrap(), SafeFloat::zero());
    }

    #[test]
    fn comparison_across_exponents() {
        assert!(sf(2, 0).gt(&sf(1, 0)));
        assert!(!sf(1, 0).gt(&sf(2, 0)));
        assert!(sf(10, 0).gt(&sf(9, 0)));
        assert!(!sf(9, 0).gt(&sf(10, 0)));
        assert!(sf(1000, 0).gt(&sf(1, 0)));
        assert!(!sf(1, 0).gt(&sf(1000, 0)));
        assert!(!sf(5, 0).gt(&sf(5, 0)));
    }

    #[test]
    fn from_u64f64_keeps_twenty_one_digits() {
        let half = U64F64::from_bits(1u128 << 63);
        assert_eq!(SafeFloat::from_u64f64(half), sf(5, -1));
        let x = U64F64::from_bits((3u128 << 64) | (1u128 << 62));
        assert_eq!(SafeFloat::from_u64f64(x), sf(325, -2));
        assert_eq!(
            SafeFloat::from_u64f64(U64F64::from_bits(0)),
            SafeFloat::zero()
        );
    }

    #[test]
    fn exponent_edges() {
        // Alignment divides by at most 10^22: a much smaller operand vanishes entirely.
        let big = sf(1, 40);
        assert_eq!(big.add(&sf(999, 0)).unwrap(), big);
        assert_eq!(sf(999, 0).add(&big).unwrap(), big);
        assert_eq!(big.sub(&sf(999, 0)).unwrap(), big);
        // Exponent overflow is None, as in the reference.
        let huge = SafeFloat::new(SAFE_FLOAT_MAX, i64::MAX).unwrap();
        assert_eq!(huge.mul_div(&huge, &sf(1, 0)), None);
        assert_eq!(huge.add(&huge), None);
        let tiny = SafeFloat::new(SAFE_FLOAT_MAX, i64::MIN).unwrap();
        assert_eq!(tiny.div(&huge), None);
        // Comparison across one decade looks at the digits; across two or more it does not.
        assert!(sf(11, 0).gt(&sf(10, 0)));
        assert!(sf(100, 0).gt(&sf(99, 0)));
        assert!(!sf(99, 0).gt(&sf(100, 0)));
        assert!(sf(1, 2).gt(&sf(999, -1)));
        // Products of two 21-digit mantissas are exact before the one truncation.
        let x = SafeFloat::new(SAFE_FLOAT_MAX - 1, 0).unwrap();
        let r = x.mul_div(&x, &x).unwrap();
        assert_eq!(r, x);
    }

    #[test]
    fn scale_round_trip() {
        let x = sf(123_456_789, -3);
        let bytes = x.encode();
        assert_eq!(bytes.len(), 24);
        assert_eq!(SafeFloat::decode(&mut &bytes[..]).unwrap(), x);
    }
}
