//! The reference chain's fixed-point types and the helpers it layers on them.
//!
//! Rounding rules (yuma spec §1.2): multiplication floors (arithmetic shift), division truncates
//! toward zero, `safe_div` yields zero on a zero divisor *and* on overflow, and narrowing
//! conversions between fixed types truncate. The types are `substrate-fixed`'s own, so these
//! rules come from the same code the reference runs.

pub use substrate_fixed::types::{I32F32, I64F64, I96F32, U64F64, U96F32};

/// Division that never fails: zero when the divisor is zero or the quotient overflows.
///
/// This is the reference's `SafeDiv` (`primitives/safe-math`), which almost every
/// normalisation in the epoch uses (yuma spec §1.2).
pub trait SafeDiv: Sized {
    /// `self / rhs`, or zero on division by zero or overflow.
    #[must_use]
    fn safe_div(self, rhs: Self) -> Self;
}

macro_rules! impl_safe_div {
    ($($t:ty),*) => {$(
        impl SafeDiv for $t {
            #[inline]
            fn safe_div(self, rhs: Self) -> Self {
                self.checked_div(rhs).unwrap_or_default()
            }
        }
    )*};
}
impl_safe_div!(I32F32, I64F64, I96F32, U64F64, U96F32);

macro_rules! impl_safe_div_int {
    ($($t:ty),*) => {$(
        impl SafeDiv for $t {
            #[inline]
            fn safe_div(self, rhs: Self) -> Self {
                self.checked_div(rhs).unwrap_or_default()
            }
        }
    )*};
}
impl_safe_div_int!(u16, u32, u64, u128, usize, i16, i32, i64, i128);

/// `u16::MAX` as an I32F32 integer (65535.0), the scale of every u16 proportion.
pub const U16_MAX_FIXED: I32F32 = I32F32::from_bits((u16::MAX as i64) << 32);

/// Saturating I32F32 → u16, flooring the fraction (negative values give 0).
#[inline]
pub fn fixed_to_u16(x: I32F32) -> u16 {
    x.saturating_to_num::<u16>()
}

/// Saturating I32F32 → u64, flooring the fraction (negative values give 0).
#[inline]
pub fn fixed_to_u64(x: I32F32) -> u64 {
    x.saturating_to_num::<u64>()
}

/// Saturating I64F64 → u64, flooring the fraction (negative values give 0).
#[inline]
pub fn fixed64_to_u64(x: I64F64) -> u64 {
    x.saturating_to_num::<u64>()
}

/// I64F64 → I32F32: drops the low 32 fractional bits (floor) and saturates the integer part.
#[inline]
pub fn fixed64_to_fixed32(x: I64F64) -> I32F32 {
    I32F32::saturating_from_num(x)
}

/// I32F32 → I64F64, exact.
#[inline]
pub fn fixed32_to_fixed64(x: I32F32) -> I64F64 {
    I64F64::saturating_from_num(x)
}

/// A stored u16 as the I32F32 *integer* it is (65535 → 65535.0), yuma spec §1.3.
#[inline]
pub fn u16_to_fixed(x: u16) -> I32F32 {
    I32F32::from_bits(i64::from(x) << 32)
}

/// A stored u16 proportion as a share: `x / 65535` (safe_div, truncating).
#[inline]
pub fn u16_proportion_to_fixed(x: u16) -> I32F32 {
    // substrate-fixed computes ((x << 32) << 32) / (65535 << 32) in i128; cancelling 2^32
    // leaves the same truncated quotient in 64 bits (checked for every u16 in the tests).
    I32F32::from_bits((i64::from(x) << 32) / 65_535)
}

/// An I32F32 value divided by 65535 (safe_div), as the reference reads Yuma3 bonds.
#[inline]
pub fn fixed_to_fixed_u16_proportion(x: I32F32) -> I32F32 {
    x.safe_div(U16_MAX_FIXED)
}

/// A share to its stored u16: `floor(saturating(x × 65535))`, clamped to `[0, 65535]`.
///
/// So 0.5 → 32767, 1 → 65535, 1/64 → 1023 (yuma spec §1.3).
#[inline]
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    fixed_to_u16(x.saturating_mul(U16_MAX_FIXED))
}

/// Wrapping sum of I32F32 values: the reference sums with plain `+` (`Iterator::sum`), which
/// wraps in the release builds the chain runs. We make that explicit so the result does not
/// depend on our own build profile.
#[inline]
pub fn wrapping_sum32<'a>(values: impl IntoIterator<Item = &'a I32F32>) -> I32F32 {
    let mut acc: i64 = 0;
    for v in values {
        acc = acc.wrapping_add(v.to_bits());
    }
    I32F32::from_bits(acc)
}

/// Wrapping sum of I64F64 values; see [`wrapping_sum32`].
#[inline]
pub fn wrapping_sum64<'a>(values: impl IntoIterator<Item = &'a I64F64>) -> I64F64 {
    let mut acc: i128 = 0;
    for v in values {
        acc = acc.wrapping_add(v.to_bits());
    }
    I64F64::from_bits(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_round_as_the_reference() {
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(0.5)), 32767);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(1)), 65535);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(1) / 64), 1023);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(-1)), 0);
        assert_eq!(fixed_proportion_to_u16(I32F32::from_num(2)), 65535);
        assert_eq!(u16_proportion_to_fixed(65535), I32F32::from_num(1));
        assert_eq!(u16_proportion_to_fixed(32767).to_bits(), 2_147_450_879);
    }

    #[test]
    fn u16_proportions_equal_substrate_fixed_for_every_u16() {
        for x in 0..=u16::MAX {
            assert_eq!(
                u16_proportion_to_fixed(x),
                u16_to_fixed(x).safe_div(U16_MAX_FIXED),
                "{x}"
            );
        }
    }

    #[test]
    fn safe_div_is_zero_on_zero_and_on_overflow() {
        let one = I32F32::from_num(1);
        assert_eq!(one.safe_div(I32F32::from_num(0)), I32F32::from_num(0));
        assert_eq!(
            I32F32::max_value().safe_div(I32F32::from_bits(1)),
            I32F32::from_num(0)
        );
        assert_eq!(
            I64F64::from_num(3).safe_div(I64F64::from_num(2)),
            I64F64::from_num(1.5)
        );
        assert_eq!(7u64.safe_div(0), 0);
    }

    #[test]
    fn division_truncates_toward_zero_and_multiplication_floors() {
        let third = I32F32::from_num(1) / I32F32::from_num(3);
        assert_eq!(third.to_bits(), 1_431_655_765);
        let neg = I32F32::from_bits(-1) * I32F32::from_bits(1 << 31);
        assert_eq!(neg.to_bits(), -1);
        let negdiv = I32F32::from_num(-1) / I32F32::from_num(3);
        assert_eq!(negdiv.to_bits(), -1_431_655_765);
    }

    #[test]
    fn sums_wrap_like_the_release_reference() {
        let v = [I64F64::max_value(), I64F64::from_bits(1)];
        assert_eq!(wrapping_sum64(&v), I64F64::min_value());
        let w = [I32F32::from_num(1), I32F32::from_num(2)];
        assert_eq!(wrapping_sum32(&w), I32F32::from_num(3));
    }
}
