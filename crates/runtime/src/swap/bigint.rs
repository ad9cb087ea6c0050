//! Arbitrary-precision integers for the AMM's exponentiation ([`super::pow`]).
//!
//! The reference computes `(a/b)^(p/q)` with `safe_bigmath` on `num-bigint` at up to ~1 100
//! bits of fixed-point precision, and the exact path raises 64- and 128-bit numbers to powers
//! up to 1 024. Every rounding there is a floor division, a truncating division or a shift, so
//! these few operations on little-endian `u64` limbs reproduce it exactly: add, subtract,
//! schoolbook multiply, Knuth long division, shifts and powers. [`BigInt`] is sign and
//! magnitude with the two divisions `num-integer` defines: `div_floor` (towards −∞) and
//! `div_rem` (towards zero, remainder with the dividend's sign).
//!
//! # Invariants
//! - Magnitudes never carry high zero limbs, so equal values have equal representations and
//!   zero is the empty vector (never negative).
//! - No function panics; division by zero returns `None`.

use core::cmp::Ordering;

/// An unsigned integer of any size (little-endian limbs, no high zero limb).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BigUint {
    limbs: Vec<u64>,
}

impl Ord for BigUint {
    fn cmp(&self, other: &Self) -> Ordering {
        match self.limbs.len().cmp(&other.limbs.len()) {
            Ordering::Equal => {
                for (a, b) in self.limbs.iter().rev().zip(other.limbs.iter().rev()) {
                    match a.cmp(b) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                Ordering::Equal
            }
            o => o,
        }
    }
}

impl PartialOrd for BigUint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<u64> for BigUint {
    fn from(v: u64) -> Self {
        BigUint::from_limbs(vec![v])
    }
}

impl From<u128> for BigUint {
    fn from(v: u128) -> Self {
        let (lo, hi) = split(v);
        BigUint::from_limbs(vec![lo, hi])
    }
}

/// Low and high halves of a `u128`.
#[allow(
    clippy::cast_possible_truncation,
    reason = "splitting into halves on purpose"
)]
fn split(x: u128) -> (u64, u64) {
    (x as u64, (x >> 64) as u64)
}

impl BigUint {
    fn from_limbs(mut limbs: Vec<u64>) -> Self {
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        BigUint { limbs }
    }

    /// Zero.
    pub(crate) fn zero() -> Self {
        BigUint { limbs: Vec::new() }
    }

    /// One.
    pub(crate) fn one() -> Self {
        BigUint::from(1u64)
    }

    /// True if zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// Number of significant bits (0 for zero).
    pub(crate) fn bits(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(top) => {
                let n = u64::try_from(self.limbs.len()).unwrap_or(u64::MAX);
                n.saturating_sub(1)
                    .saturating_mul(64)
                    .saturating_add(u64::from(64 - top.leading_zeros()))
            }
        }
    }

    /// The value as `u64` if it fits.
    pub(crate) fn to_u64(&self) -> Option<u64> {
        match self.limbs.as_slice() {
            [] => Some(0),
            [a] => Some(*a),
            _ => None,
        }
    }

    /// The value as `u128` if it fits.
    pub(crate) fn to_u128(&self) -> Option<u128> {
        match self.limbs.as_slice() {
            [] => Some(0),
            [a] => Some(u128::from(*a)),
            [a, b] => Some(u128::from(*a) | (u128::from(*b) << 64)),
            _ => None,
        }
    }

    /// `self + o`.
    pub(crate) fn add(&self, o: &BigUint) -> BigUint {
        let n = self.limbs.len().max(o.limbs.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u128;
        for i in 0..n {
            let a = u128::from(self.limbs.get(i).copied().unwrap_or(0));
            let b = u128::from(o.limbs.get(i).copied().unwrap_or(0));
            let (lo, hi) = split(a + b + carry);
            out.push(lo);
            carry = u128::from(hi);
        }
        if carry != 0 {
            out.push(split(carry).0);
        }
        BigUint::from_limbs(out)
    }

    /// `self − o`, saturating at zero.
    pub(crate) fn saturating_sub(&self, o: &BigUint) -> BigUint {
        if *self <= *o {
            return BigUint::zero();
        }
        let mut out = Vec::with_capacity(self.limbs.len());
        let mut borrow = false;
        for (i, a) in self.limbs.iter().enumerate() {
            let b = o.limbs.get(i).copied().unwrap_or(0);
            let (d1, b1) = a.overflowing_sub(b);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            out.push(d2);
            borrow = b1 || b2;
        }
        BigUint::from_limbs(out)
    }

    /// `self · o` (schoolbook).
    pub(crate) fn mul(&self, o: &BigUint) -> BigUint {
        if self.is_zero() || o.is_zero() {
            return BigUint::zero();
        }
        let mut out = vec![0u64; self.limbs.len() + o.limbs.len()];
        for (i, a) in self.limbs.iter().enumerate() {
            let mut carry = 0u128;
            for (j, b) in o.limbs.iter().enumerate() {
                let k = i + j;
                let cur = u128::from(out[k]) + u128::from(*a) * u128::from(*b) + carry;
                let (lo, hi) = split(cur);
                out[k] = lo;
                carry = u128::from(hi);
            }
            let mut k = i + o.limbs.len();
            while carry != 0 && k < out.len() {
                let cur = u128::from(out[k]) + carry;
                let (lo, hi) = split(cur);
                out[k] = lo;
                carry = u128::from(hi);
                k += 1;
            }
        }
        BigUint::from_limbs(out)
    }

    /// `self << n`.
    pub(crate) fn shl(&self, n: u64) -> BigUint {
        if self.is_zero() {
            return BigUint::zero();
        }
        let words = usize::try_from(n / 64).unwrap_or(usize::MAX);
        let bits = n % 64;
        let mut out = vec![0u64; words];
        if bits == 0 {
            out.extend_from_slice(&self.limbs);
        } else {
            let mut carry = 0u64;
            for l in &self.limbs {
                out.push((l << bits) | carry);
                carry = l >> (64 - bits);
            }
            out.push(carry);
        }
        BigUint::from_limbs(out)
    }

    /// `self >> n` (floor).
    pub(crate) fn shr(&self, n: u64) -> BigUint {
        let words = usize::try_from(n / 64).unwrap_or(usize::MAX);
        if words >= self.limbs.len() {
            return BigUint::zero();
        }
        let bits = n % 64;
        let src = &self.limbs[words..];
        let mut out = Vec::with_capacity(src.len());
        for (i, l) in src.iter().enumerate() {
            let mut v = l >> bits;
            if bits != 0
                && let Some(next) = src.get(i + 1)
            {
                v |= next << (64 - bits);
            }
            out.push(v);
        }
        BigUint::from_limbs(out)
    }

    /// True if the low `n` bits are all zero.
    fn low_bits_zero(&self, n: u64) -> bool {
        let words = usize::try_from(n / 64).unwrap_or(usize::MAX);
        let bits = n % 64;
        for (i, l) in self.limbs.iter().enumerate() {
            if i < words {
                if *l != 0 {
                    return false;
                }
            } else {
                if i == words && bits != 0 && (l & ((1u64 << bits) - 1)) != 0 {
                    return false;
                }
                break;
            }
        }
        true
    }

    /// `self^e` by repeated squaring.
    pub(crate) fn pow(&self, mut e: u32) -> BigUint {
        let mut base = self.clone();
        let mut acc = BigUint::one();
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.mul(&base);
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
            }
        }
        acc
    }

    /// `(⌊self / d⌋, self mod d)`, or `None` if `d` is zero.
    pub(crate) fn div_rem(&self, d: &BigUint) -> Option<(BigUint, BigUint)> {
        if d.is_zero() {
            return None;
        }
        if self < d {
            return Some((BigUint::zero(), self.clone()));
        }
        if let [dv] = d.limbs.as_slice() {
            let (q, r) = self.div_rem_u64(*dv);
            return Some((q, BigUint::from(r)));
        }
        Some(self.div_rem_knuth(d))
    }

    fn div_rem_u64(&self, d: u64) -> (BigUint, u64) {
        let d = u128::from(d);
        let mut q = vec![0u64; self.limbs.len()];
        let mut rem = 0u128;
        for i in (0..self.limbs.len()).rev() {
            let cur = (rem << 64) | u128::from(self.limbs[i]);
            q[i] = split(cur / d).0;
            rem = cur % d;
        }
        (BigUint::from_limbs(q), split(rem).0)
    }

    /// Knuth's algorithm D (TAOCP 4.3.1) for a divisor of two or more limbs.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "limb arithmetic: the low 64 bits of a two's-complement difference"
    )]
    fn div_rem_knuth(&self, d: &BigUint) -> (BigUint, BigUint) {
        let shift = u64::from(d.limbs.last().map_or(0, |t| t.leading_zeros()));
        let v = d.shl(shift).limbs;
        let mut u = self.shl(shift).limbs;
        u.push(0);
        let n = v.len();
        let m = u.len() - n - 1;
        let mut q = vec![0u64; m + 1];
        let b: u128 = 1 << 64;
        let (v1, v2) = (u128::from(v[n - 1]), u128::from(v[n - 2]));
        for j in (0..=m).rev() {
            let num = (u128::from(u[j + n]) << 64) | u128::from(u[j + n - 1]);
            let mut qhat = num / v1;
            let mut rhat = num % v1;
            while qhat >= b || qhat * v2 > ((rhat << 64) | u128::from(u[j + n - 2])) {
                qhat -= 1;
                rhat += v1;
                if rhat >= b {
                    break;
                }
            }
            // u[j..=j+n] -= qhat · v
            let mut borrow: i128 = 0;
            let mut carry: u128 = 0;
            for i in 0..n {
                let p = qhat * u128::from(v[i]) + carry;
                let (plo, phi) = split(p);
                carry = u128::from(phi);
                let t = i128::from(u[i + j]) - i128::from(plo) + borrow;
                u[i + j] = t as u64;
                borrow = t >> 64;
            }
            let t = i128::from(u[j + n]) - i128::try_from(carry).unwrap_or(i128::MAX) + borrow;
            u[j + n] = t as u64;
            if t < 0 {
                // qhat was one too large: add v back.
                qhat -= 1;
                let mut c = 0u128;
                for i in 0..n {
                    let s = u128::from(u[i + j]) + u128::from(v[i]) + c;
                    let (lo, hi) = split(s);
                    u[i + j] = lo;
                    c = u128::from(hi);
                }
                u[j + n] = u[j + n].wrapping_add(split(c).0);
            }
            q[j] = split(qhat).0;
        }
        u.truncate(n);
        let r = BigUint::from_limbs(u).shr(shift);
        (BigUint::from_limbs(q), r)
    }
}

/// A signed integer of any size (sign and magnitude; zero is never negative).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BigInt {
    neg: bool,
    mag: BigUint,
}

impl From<BigUint> for BigInt {
    fn from(mag: BigUint) -> Self {
        BigInt { neg: false, mag }
    }
}

impl BigInt {
    fn new(neg: bool, mag: BigUint) -> Self {
        let neg = neg && !mag.is_zero();
        BigInt { neg, mag }
    }

    /// Zero.
    pub(crate) fn zero() -> Self {
        BigInt::default()
    }

    /// True if zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.mag.is_zero()
    }

    /// True if below zero.
    pub(crate) fn is_negative(&self) -> bool {
        self.neg
    }

    /// The magnitude.
    pub(crate) fn magnitude(&self) -> &BigUint {
        &self.mag
    }

    /// `−self`.
    pub(crate) fn neg(&self) -> BigInt {
        BigInt::new(!self.neg, self.mag.clone())
    }

    /// −1, 0 or 1.
    pub(crate) fn signum(&self) -> BigInt {
        if self.is_zero() {
            BigInt::zero()
        } else {
            BigInt::new(self.neg, BigUint::one())
        }
    }

    /// `self + o`.
    pub(crate) fn add(&self, o: &BigInt) -> BigInt {
        if self.neg == o.neg {
            return BigInt::new(self.neg, self.mag.add(&o.mag));
        }
        match self.mag.cmp(&o.mag) {
            Ordering::Equal => BigInt::zero(),
            Ordering::Greater => BigInt::new(self.neg, self.mag.saturating_sub(&o.mag)),
            Ordering::Less => BigInt::new(o.neg, o.mag.saturating_sub(&self.mag)),
        }
    }

    /// `self − o`.
    pub(crate) fn sub(&self, o: &BigInt) -> BigInt {
        self.add(&o.neg())
    }

    /// `self · o`.
    pub(crate) fn mul(&self, o: &BigInt) -> BigInt {
        BigInt::new(self.neg != o.neg, self.mag.mul(&o.mag))
    }

    /// Division rounding towards zero, remainder with the dividend's sign (`div_rem`); the
    /// reference's rounding uses it, [`BigInt::div_rem_pow2`] computes it with shifts.
    #[cfg(test)]
    pub(crate) fn div_rem(&self, d: &BigInt) -> Option<(BigInt, BigInt)> {
        let (q, r) = self.mag.div_rem(&d.mag)?;
        Some((BigInt::new(self.neg != d.neg, q), BigInt::new(self.neg, r)))
    }

    /// Division rounding towards −∞ (`div_floor`).
    pub(crate) fn div_floor(&self, d: &BigInt) -> Option<BigInt> {
        let (q, r) = self.mag.div_rem(&d.mag)?;
        let neg = self.neg != d.neg;
        if neg && !r.is_zero() {
            Some(BigInt::new(true, q.add(&BigUint::one())))
        } else {
            Some(BigInt::new(neg, q))
        }
    }

    /// Division by `2^n` towards zero with the remainder taking the dividend's sign
    /// (`div_rem` by a power of two), done with shifts.
    pub(crate) fn div_rem_pow2(&self, n: u64) -> (BigInt, BigUint) {
        let q = self.mag.shr(n);
        let r = self.mag.saturating_sub(&q.shl(n));
        (BigInt::new(self.neg, q), r)
    }

    /// `⌊self / 2^n⌋` (towards −∞), i.e. `div_floor` by a power of two, done with shifts.
    pub(crate) fn div_floor_pow2(&self, n: u64) -> BigInt {
        let q = self.mag.shr(n);
        if self.neg && !self.mag.low_bits_zero(n) {
            BigInt::new(true, q.add(&BigUint::one()))
        } else {
            BigInt::new(self.neg, q)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    fn big(v: u128) -> BigUint {
        BigUint::from(v)
    }

    fn int(v: i128) -> BigInt {
        BigInt::new(v < 0, BigUint::from(v.unsigned_abs()))
    }

    #[test]
    fn arithmetic_matches_u128() {
        let a = big(0xDEAD_BEEF_0123_4567_89AB_CDEF);
        let b = big(0x1234_5678_9ABC);
        assert_eq!(
            a.add(&b).to_u128(),
            Some(0xDEAD_BEEF_0123_4567_89AB_CDEF + 0x1234_5678_9ABC)
        );
        assert_eq!(
            a.saturating_sub(&b).to_u128(),
            Some(0xDEAD_BEEF_0123_4567_89AB_CDEF - 0x1234_5678_9ABC)
        );
        assert_eq!(b.saturating_sub(&a), BigUint::zero());
        let (q, r) = a.div_rem(&b).unwrap();
        assert_eq!(
            q.to_u128(),
            Some(0xDEAD_BEEF_0123_4567_89AB_CDEF / 0x1234_5678_9ABC)
        );
        assert_eq!(
            r.to_u128(),
            Some(0xDEAD_BEEF_0123_4567_89AB_CDEF % 0x1234_5678_9ABC)
        );
        assert_eq!(a.shl(7).shr(7), a);
        assert_eq!(a.shr(200), BigUint::zero());
        assert_eq!(big(3).pow(5).to_u64(), Some(243));
        assert_eq!(big(0).pow(0).to_u64(), Some(1));
        assert_eq!(big(1).shl(130).bits(), 131);
        assert!(a.div_rem(&BigUint::zero()).is_none());
    }

    #[test]
    fn long_division_inverts_multiplication() {
        // (2^200 + 12345) · (2^130 + 99) + 77 divided by (2^130 + 99).
        let x = big(1).shl(200).add(&big(12_345));
        let y = big(1).shl(130).add(&big(99));
        let n = x.mul(&y).add(&big(77));
        let (q, r) = n.div_rem(&y).unwrap();
        assert_eq!(q, x);
        assert_eq!(r, big(77));
        // Divisor with a top limb needing normalisation and a quotient digit correction.
        let d = BigUint::from_limbs(vec![u64::MAX, 1, 1]);
        let n = BigUint::from_limbs(vec![0, 0, 0, u64::MAX, u64::MAX]);
        let (q, r) = n.div_rem(&d).unwrap();
        assert_eq!(q.mul(&d).add(&r), n);
        assert!(r < d);
    }

    #[test]
    fn signed_divisions_round_as_num_integer() {
        let cases: [(i128, i128); 6] = [(7, 2), (-7, 2), (7, -2), (-7, -2), (-8, 2), (0, -3)];
        for (a, b) in cases {
            let (q, r) = int(a).div_rem(&int(b)).unwrap();
            assert_eq!((q, r), (int(a / b), int(a % b)), "div_rem {a} {b}");
            assert_eq!(
                int(a).div_floor(&int(b)).unwrap(),
                int(a.div_euclid(b) - if b < 0 && a.rem_euclid(b) != 0 { 1 } else { 0 }),
                "div_floor {a} {b}"
            );
        }
        assert_eq!(int(-7).div_floor_pow2(1), int(-4));
        assert_eq!(int(-8).div_floor_pow2(2), int(-2));
        assert_eq!(int(7).div_floor_pow2(1), int(3));
        assert_eq!(int(-1).div_floor_pow2(100), int(-1));
        assert_eq!(int(5).sub(&int(9)), int(-4));
        assert_eq!(int(-5).mul(&int(-3)), int(15));
        assert_eq!(int(-5).signum(), int(-1));
        assert!(!int(-5).add(&int(5)).is_negative());
    }

    proptest::proptest! {
        #[test]
        fn division_round_trips(a: u128, b: u128, c in 1u128.., d: u64) {
            let n = big(a).mul(&big(b)).add(&big(u128::from(d)));
            let (q, r) = n.div_rem(&big(c)).unwrap();
            proptest::prop_assert!(r < big(c));
            proptest::prop_assert_eq!(q.mul(&big(c)).add(&r), n);
        }

        #[test]
        fn divisions_by_powers_of_two_match_general_division(a: i128, k in 0u64..140) {
            let x = int(a);
            let two_k = BigInt::from(big(1).shl(k));
            proptest::prop_assert_eq!(x.div_floor_pow2(k), x.div_floor(&two_k).unwrap());
            let (q, r) = x.div_rem(&two_k).unwrap();
            let (q2, r2) = x.div_rem_pow2(k);
            proptest::prop_assert_eq!(q, q2);
            proptest::prop_assert_eq!(r.magnitude(), &r2);
        }
    }
}
