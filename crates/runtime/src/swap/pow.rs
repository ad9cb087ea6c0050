//! `pow_ratio_scaled`: `⌊(a/b)^(p/q) · scale⌋` as the reference's AMM computes it
//! (`safe_bigmath::SafeInt::pow_ratio_scaled`, used by `SW/pallet/balancer.rs`).
//!
//! Two paths, chosen exactly as the reference chooses them:
//! - **exact**: after reducing `p/q` by their gcd, if both fit in 32 bits and are at most
//!   1 024, the result is the largest integer `r` with `r^q · b^p ≤ a^p · scale^q`;
//! - **fixed point** otherwise: natural logarithms and an exponential by Taylor series in
//!   binary fixed point with `max(precision, 32, bits(scale) + 8)` fractional bits plus 24
//!   guard bits, each series stopping when its term drops below the guard or the value
//!   rounded to the requested precision stops changing, then rounded and scaled down.
//!
//! The fixed-point path is an approximation, but a deterministic one: every step here is the
//! same integer operation (floor division, truncating division, shift) in the same order as
//! the reference, so the result is bit for bit the reference's, including for inputs where
//! the series is inaccurate.

use super::bigint::{BigInt, BigUint};

/// The exact path's largest exponent numerator and denominator (`MAX_EXACT_EXPONENT`).
const MAX_EXACT_EXPONENT: u64 = 1_024;
/// The fixed-point path's iteration cap (`DEFAULT_MAX_ITERS`).
const DEFAULT_MAX_ITERS: u64 = 4_096;
/// Guard bits of the fixed-point path.
const GUARD_BITS: u64 = 24;

fn gcd(mut a: BigUint, mut b: BigUint) -> BigUint {
    while !b.is_zero() {
        let r = a.div_rem(&b).map(|(_, r)| r).unwrap_or_default();
        a = b;
        b = r;
    }
    a
}

/// `⌊(base_num / base_den)^(exp_num / exp_den) · scale⌋`; `None` if `base_den` or `exp_den`
/// is zero. The result can be negative or huge only where the reference's is (the
/// fixed-point path far outside its accurate range).
pub(crate) fn pow_ratio_scaled(
    base_num: &BigUint,
    base_den: &BigUint,
    exp_num: &BigUint,
    exp_den: &BigUint,
    precision: u32,
    scale: &BigUint,
) -> Option<BigInt> {
    if base_den.is_zero() || exp_den.is_zero() {
        return None;
    }
    if base_num.is_zero() {
        return Some(BigInt::zero());
    }
    if exp_num.is_zero() {
        return Some(BigInt::from(scale.clone()));
    }
    let g = gcd(exp_num.clone(), exp_den.clone());
    let (p, q) = if g > BigUint::one() {
        (exp_num.div_rem(&g)?.0, exp_den.div_rem(&g)?.0)
    } else {
        (exp_num.clone(), exp_den.clone())
    };

    if p.bits() <= 32 && q.bits() <= 32 {
        let (pu, qu) = (p.to_u64()?, q.to_u64()?);
        if pu <= MAX_EXACT_EXPONENT && qu <= MAX_EXACT_EXPONENT {
            let (pu, qu) = (u32::try_from(pu).ok()?, u32::try_from(qu).ok()?);
            let target_num = base_num.pow(pu).mul(&scale.pow(qu));
            let target_den = base_den.pow(pu);
            return Some(BigInt::from(nth_root_ratio_floor(
                &target_num,
                &target_den,
                qu,
            )));
        }
    }

    let scale_bits = scale.bits();
    let requested = u64::from(precision)
        .max(32)
        .max(scale_bits.saturating_add(8));
    let internal_precision = requested.saturating_add(GUARD_BITS);
    let max_iters = DEFAULT_MAX_ITERS
        .min(internal_precision.saturating_add(128))
        .max(1);
    let fx = Fixed {
        scale_bits: internal_precision,
        max_iters,
    };

    let internal_scale = BigInt::from(BigUint::one().shl(internal_precision));
    let ln_two = ln_two(&fx);
    let ln_num = fx.ln(base_num, &internal_scale, &ln_two);
    let ln_den = fx.ln(base_den, &internal_scale, &ln_two);
    let ln_base = ln_num.sub(&ln_den);
    let ln_scaled = ln_base.mul(&BigInt::from(p)).div_floor(&BigInt::from(q))?;
    let exp = fx.exp(&ln_scaled, &internal_scale);
    let exp_requested = round_to_guard(&exp);
    Some(
        exp_requested
            .mul(&BigInt::from(scale.clone()))
            .div_floor_pow2(requested),
    )
}

/// `ln 2 = −ln(1 − ½)` by the same series (the reference recomputes it on every call; it
/// depends only on the precision, so the two precisions the AMM uses are computed once).
fn ln_two(fx: &Fixed) -> BigInt {
    use std::sync::OnceLock;
    static AT_280: OnceLock<BigInt> = OnceLock::new();
    static AT_1048: OnceLock<BigInt> = OnceLock::new();
    let compute = || {
        let half = BigInt::from(BigUint::one().shl(fx.scale_bits - 1)).neg();
        fx.ln1p(&half).neg()
    };
    match (fx.scale_bits, fx.max_iters) {
        (280, 408) => AT_280.get_or_init(compute).clone(),
        (1048, 1176) => AT_1048.get_or_init(compute).clone(),
        _ => compute(),
    }
}

/// The largest `r` with `r^q · den ≤ num` (`nth_root_ratio_floor`), found bit by bit from the
/// top; `q = 1` is the plain floor quotient. 0 for `q = 0`.
fn nth_root_ratio_floor(num: &BigUint, den: &BigUint, q: u32) -> BigUint {
    if q == 0 {
        return BigUint::zero();
    }
    if q == 1 {
        return num.div_rem(den).map(|(x, _)| x).unwrap_or_default();
    }
    // r ≤ (num/den)^(1/q) < 2^(⌊bits(num)/q⌋ + 1).
    let top = num.bits() / u64::from(q) + 1;
    let mut r = BigUint::zero();
    for bit in (0..=top).rev() {
        let candidate = r.add(&BigUint::one().shl(bit));
        if candidate.pow(q).mul(den) <= *num {
            r = candidate;
        }
    }
    r
}

/// `value / 2^24` rounded half away from zero (`round_to_precision` with the guard factor:
/// truncating division, then one more unit away from zero if the remainder is at least half).
/// Done with shifts, which give exactly the truncating quotient and remainder.
fn round_to_guard(value: &BigInt) -> BigInt {
    let (truncated, rem) = value.div_rem_pow2(GUARD_BITS);
    if !rem.is_zero() && rem.bits() >= GUARD_BITS {
        // |rem| ≥ 2^23, i.e. |rem| · 2 ≥ 2^24.
        truncated.add(&value.signum())
    } else {
        truncated
    }
}

/// Binary fixed point with `scale_bits` fractional bits (1.0 = `2^scale_bits`).
struct Fixed {
    scale_bits: u64,
    max_iters: u64,
}

impl Fixed {
    /// `ln(1 + x)` by its Taylor series (`ln1p_fixed`).
    fn ln1p(&self, x: &BigInt) -> BigInt {
        let mut term = x.clone();
        let mut result = term.clone();
        let mut prev = round_to_guard(&result);
        for n in 2..=self.max_iters {
            term = term.mul(x).div_floor_pow2(self.scale_bits);
            if term.is_zero() {
                break;
            }
            let next = term
                .div_floor(&BigInt::from(BigUint::from(n)))
                .unwrap_or_default();
            if next.is_zero() {
                break;
            }
            result = if n % 2 == 0 {
                result.sub(&next)
            } else {
                result.add(&next)
            };
            let rounded = round_to_guard(&result);
            if next.magnitude().bits() <= GUARD_BITS || rounded == prev {
                break;
            }
            prev = rounded;
        }
        result
    }

    /// `exp(x)` by its Taylor series (`exp_fixed`).
    fn exp(&self, x: &BigInt, one: &BigInt) -> BigInt {
        debug_assert!(one.magnitude().bits() == self.scale_bits + 1);
        let mut term = one.clone();
        let mut result = term.clone();
        let mut prev = round_to_guard(&result);
        for n in 1..=self.max_iters {
            // ⌊t·x / (2^k · n)⌋ = ⌊⌊t·x / 2^k⌋ / n⌋ for a positive n.
            term = term
                .mul(x)
                .div_floor_pow2(self.scale_bits)
                .div_floor(&BigInt::from(BigUint::from(n)))
                .unwrap_or_default();
            if term.is_zero() {
                break;
            }
            result = result.add(&term);
            let rounded = round_to_guard(&result);
            if term.magnitude().bits() <= GUARD_BITS || rounded == prev {
                break;
            }
            prev = rounded;
        }
        result
    }

    /// `ln(value)` as `ln(m) + k · ln 2` with the mantissa `m` in `[0.5, 1.5)` (`ln_biguint`).
    fn ln(&self, value: &BigUint, one: &BigInt, ln_two: &BigInt) -> BigInt {
        if value.is_zero() {
            return BigInt::zero();
        }
        let mut shift = value.bits().saturating_sub(1);
        let mut mantissa = value.shl(self.scale_bits).shr(shift);
        let one_and_half = one.magnitude().add(&one.magnitude().shr(1));
        if mantissa >= one_and_half {
            mantissa = mantissa.shr(1);
            shift = shift.saturating_add(1);
        }
        let x = BigInt::from(mantissa).sub(one);
        self.ln1p(&x)
            .add(&ln_two.mul(&BigInt::from(BigUint::from(shift))))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    fn u(v: u128) -> BigUint {
        BigUint::from(v)
    }

    fn run(a: u128, b: u128, p: u128, q: u128, precision: u32, scale: u128) -> Option<u128> {
        pow_ratio_scaled(&u(a), &u(b), &u(p), &u(q), precision, &u(scale))
            .map(|r| r.magnitude().to_u128().unwrap_or(u128::MAX))
    }

    #[test]
    fn exact_path() {
        // The reference's documented example: (2/3)^(1/2) · 1000 = 816.
        assert_eq!(run(2, 3, 1, 2, 0, 1_000), Some(816));
        // Exponent 1 after reduction: a plain floor division.
        assert_eq!(
            run(1, 3, 5, 5, 256, 1_000_000_000_000_000_000),
            Some(333_333_333_333_333_333)
        );
        // (27/8)^(2/3) = 9/4 exactly.
        assert_eq!(run(27, 8, 2, 3, 0, 1_000), Some(2_250));
        assert_eq!(run(0, 3, 1, 2, 0, 1_000), Some(0));
        assert_eq!(run(5, 3, 0, 2, 0, 1_000), Some(1_000));
        assert_eq!(run(5, 0, 1, 2, 0, 1_000), None);
        assert_eq!(run(5, 3, 1, 0, 0, 1_000), None);
    }

    #[test]
    fn root_search_is_exact_at_boundaries() {
        // 10^36 is a perfect square: its root is 10^18 exactly, and 10^36 − 1 gives one less.
        let n = u(10u128.pow(36));
        assert_eq!(nth_root_ratio_floor(&n, &u(1), 2), u(10u128.pow(18)));
        let m = n.saturating_sub(&u(1));
        assert_eq!(nth_root_ratio_floor(&m, &u(1), 2), u(10u128.pow(18) - 1));
        assert_eq!(nth_root_ratio_floor(&u(80), &u(10), 3), u(2));
        assert_eq!(nth_root_ratio_floor(&u(79), &u(10), 3), u(1));
    }

    #[test]
    fn fixed_point_path_is_accurate_in_range() {
        // Weights 0.4/0.6 after reduction 2/3 take the exact path; 0.499999999999/0.5… do not.
        let w1: u128 = 499_999_999_999_000_000;
        let w2: u128 = 1_000_000_000_000_000_000 - w1;
        // (1/2)^(w1/w2) · 10^18 ≈ 0.500000000001386 · 10^18 (w1/w2 = 0.999999999996).
        let r = run(1, 2, w1, w2, 256, 1_000_000_000_000_000_000).unwrap();
        let expected: u128 = 500_000_000_001_386_294;
        assert!(r.abs_diff(expected) <= 1, "{r}");
        // ln and exp round trip: (3/1)^(1/1) through the fixed-point path is not possible (p/q
        // reduces to 1), so use an exponent of 10^18/10^18 + 1 part: 3^(1 + 1e-18) ≈ 3.
        let r = run(
            3,
            1,
            1_000_000_000_000_000_001,
            1_000_000_000_000_000_000,
            256,
            1_000_000,
        )
        .unwrap();
        assert_eq!(r, 3_000_000);
    }
}
