//! The vector and matrix arithmetic of the reference epoch (`epoch/math.rs` in subtensor).
//!
//! Every function keeps the reference's observable behaviour, including what it does with
//! inputs of unexpected shape (a mask shorter than its vector masks the tail, an empty mask
//! masks nothing, rows beyond a vector are skipped, ...), because the chain's stored results
//! depend on it (yuma spec §1, §13). Rounding follows substrate-fixed: products floor,
//! quotients truncate, `safe_div` is zero on a zero divisor or overflow, and plain sums wrap
//! (the reference sums with `Iterator::sum`, which wraps in its release build).
//!
//! The implementations are our own and avoid the reference's quadratic scratch allocations
//! where that cannot change a result (weighted median per column, sparse EMA); the names match
//! the reference so the conformance vectors map onto them one to one.
//!
//! No function here panics, whatever the input.

use agora_primitives::fixed::{wrapping_sum32, wrapping_sum64};
use agora_primitives::{I32F32, I64F64, SafeDiv};

pub use agora_primitives::fixed::{
    fixed_proportion_to_u16, fixed_to_fixed_u16_proportion, fixed_to_u16, fixed_to_u64,
    fixed32_to_fixed64, fixed64_to_fixed32, fixed64_to_u64, u16_proportion_to_fixed, u16_to_fixed,
};

/// A sparse matrix: one row per uid, each a list of `(column, value)` in stored order.
pub type SparseMatrix = Vec<Vec<(u16, I32F32)>>;

const ZERO: I32F32 = I32F32::from_bits(0);
const ONE: I32F32 = I32F32::from_bits(1 << 32);
const HALF: I32F32 = I32F32::from_bits(1 << 31);

#[inline]
fn get_or_zero(v: &[I32F32], i: usize) -> I32F32 {
    v.get(i).copied().unwrap_or(ZERO)
}

/// I32F32 `checked_div` computed without 128-bit division where that is exact.
///
/// substrate-fixed divides `(a << 32) / b` in i128 and reports overflow when the quotient does
/// not fit in i64. Dividing numerator and divisor by the same power of two (the divisor's
/// trailing zero bits, at most 32) leaves the truncated quotient unchanged, so whenever the
/// reduced numerator fits in i64 a 64-bit division gives the identical result. Row and
/// column sums of integer weights and bonds always take this path. Property-tested against
/// substrate-fixed below.
#[inline]
pub fn checked_div_fast(a: I32F32, b: I32F32) -> Option<I32F32> {
    let (a, b) = (a.to_bits(), b.to_bits());
    if b == 0 {
        return None;
    }
    let tz = b.trailing_zeros().min(32);
    let shift = 32 - tz;
    if a.unsigned_abs() < (1u64 << (63 - shift)) {
        // |a << shift| < 2^63 and the divisor is exact after the shift, so neither step can
        // overflow and the quotient's magnitude is at most the numerator's.
        return Some(I32F32::from_bits((a << shift) / (b >> tz)));
    }
    let quotient = (i128::from(a) << 32) / i128::from(b);
    i64::try_from(quotient).ok().map(I32F32::from_bits)
}

/// Division of many I32F32 values by one divisor, exactly as [`checked_div_fast`] (and so as
/// substrate-fixed's `checked_div`) divides them, but with the 64-bit division replaced by a
/// multiply with a precomputed reciprocal (Granlund & Montgomery, "Division by invariant
/// integers using multiplication", 1994, fig. 4.1), which is exact for every 64-bit numerator.
/// Used where a whole row or column is divided by its sum. Property-tested below.
#[derive(Clone, Copy, Debug)]
pub struct FixedDivisor {
    divisor: I32F32,
    /// Numerator shift: `32 − trailing_zeros(divisor)` (at most 32).
    shift: u32,
    /// Numerator magnitudes below this take the reciprocal path: `2^(63 − shift)`, or 0 for
    /// a zero divisor (so that every numerator falls through to the checked division).
    limit: u64,
    magic: u64,
    sh1: u32,
    sh2: u32,
}

impl FixedDivisor {
    /// Prepares division by `divisor`.
    pub fn new(divisor: I32F32) -> Self {
        let bits = divisor.to_bits();
        let tz = if bits == 0 {
            32
        } else {
            bits.trailing_zeros().min(32)
        };
        let reduced = (bits >> tz).unsigned_abs();
        let shift = 32 - tz;
        let (magic, sh1, sh2) = if reduced == 0 {
            (0, 0, 0)
        } else {
            // l = ceil(log2(d)); m = floor(2^64 (2^l − d) / d) + 1 < 2^64.
            let l = 64 - (reduced - 1).leading_zeros();
            let numerator = ((1u128 << l) - u128::from(reduced)) << 64;
            let magic = u64::try_from(numerator / u128::from(reduced) + 1).unwrap_or(u64::MAX);
            (magic, l.min(1), l.saturating_sub(1))
        };
        let limit = if reduced == 0 {
            0
        } else {
            1u64 << (63 - shift)
        };
        Self {
            divisor,
            shift,
            limit,
            magic,
            sh1,
            sh2,
        }
    }

    /// The divisor this was prepared for.
    #[inline]
    pub fn divisor(&self) -> I32F32 {
        self.divisor
    }

    /// `floor(n / reduced)` without a division instruction.
    #[inline(always)]
    fn div_reduced(&self, n: u64) -> u64 {
        // The high half of m·n is at most n (m < 2^64), so neither step below can wrap; the
        // wrapping forms only spare the overflow checks of our release profile.
        let t = ((u128::from(self.magic) * u128::from(n)) >> 64) as u64;
        t.wrapping_add(n.wrapping_sub(t) >> self.sh1) >> self.sh2
    }

    /// `checked_div(a, divisor)`.
    #[inline(always)]
    pub fn checked_div(&self, a: I32F32) -> Option<I32F32> {
        let bits = a.to_bits();
        let magnitude = bits.unsigned_abs();
        if magnitude < self.limit {
            // q ≤ |numerator| < 2^63, so it fits in i64; truncation toward zero gives the
            // quotient the sign of a ⊕ divisor.
            let q = self.div_reduced(magnitude << self.shift) as i64;
            let negative = (bits ^ self.divisor.to_bits()) < 0;
            return Some(I32F32::from_bits(if negative {
                q.wrapping_neg()
            } else {
                q
            }));
        }
        checked_div_fast(a, self.divisor)
    }

    /// `safe_div(a, divisor)`: zero on a zero divisor or overflow.
    #[inline(always)]
    pub fn safe_div(&self, a: I32F32) -> I32F32 {
        self.checked_div(a).unwrap_or(ZERO)
    }
}

/// I32F32 `saturating_mul` on raw bits: the floored product, clamped to the type's range.
///
/// Identical to substrate-fixed's (which widens to i128 and saturates on overflow); written
/// out so hot loops compile to a multiply and a shift. Property-tested below.
#[inline]
pub fn mul_sat(a: I32F32, b: I32F32) -> I32F32 {
    let product = (i128::from(a.to_bits()) * i128::from(b.to_bits())) >> 32;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the truncation is checked on the next line"
    )]
    let low = product as i64;
    if i128::from(low) == product {
        I32F32::from_bits(low)
    } else if product < 0 {
        I32F32::from_bits(i64::MIN)
    } else {
        I32F32::from_bits(i64::MAX)
    }
}

/// `a.saturating_add(b)` on raw bits. substrate-fixed's saturating addition of two values of
/// one type is exactly the saturating addition of their bits; written out so hot loops do not
/// go through its generic code. Property-tested below.
#[inline(always)]
pub fn sat_add(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().saturating_add(b.to_bits()))
}

/// `a < b` on raw bits. For two values of one fixed type this is exactly substrate-fixed's
/// comparison, which otherwise goes through a generic path built for comparing different
/// types. Property-tested below.
#[inline(always)]
pub fn lt(a: I32F32, b: I32F32) -> bool {
    a.to_bits() < b.to_bits()
}

/// `safe_div` for I32F32 through [`checked_div_fast`]: zero on a zero divisor or overflow.
#[inline]
pub fn safe_div_fast(a: I32F32, b: I32F32) -> I32F32 {
    checked_div_fast(a, b).unwrap_or(ZERO)
}

/// Collects a filtered row into a vector sized for the unfiltered row, so rows are built
/// without regrowing.
#[inline]
pub(crate) fn collect_row<T>(capacity: usize, items: impl Iterator<Item = T>) -> Vec<T> {
    let mut row = Vec::with_capacity(capacity);
    row.extend(items);
    row
}

/// I64F64 vector → I32F32, truncating each element.
pub fn vec_fixed64_to_fixed32(vec: &[I64F64]) -> Vec<I32F32> {
    vec.iter().map(|&x| fixed64_to_fixed32(x)).collect()
}

/// I32F32 shares → stored u16 proportions.
pub fn vec_fixed_proportions_to_u16(vec: &[I32F32]) -> Vec<u16> {
    vec.iter().map(|&x| fixed_proportion_to_u16(x)).collect()
}

/// Rounds to nearest, ties away from zero, wrapping on overflow as the reference's release
/// build does (`I32F32::round`).
#[inline]
fn round_wrapping(x: I32F32) -> I32F32 {
    let bits = x.to_bits();
    let frac_mask: i64 = (1 << 32) - 1;
    let floor = bits & !frac_mask;
    let frac = bits & frac_mask;
    let rounded = if bits >= 0 {
        if frac >= (1 << 31) {
            floor.wrapping_add(1 << 32)
        } else {
            floor
        }
    } else if frac > (1 << 31) {
        floor.wrapping_add(1 << 32)
    } else {
        floor
    };
    I32F32::from_bits(rounded)
}

/// Scales a vector so its maximum becomes 65535 and converts it to u16 (rounding), as
/// `set_weights` stores weights (yuma spec §10).
pub fn vec_max_upscale_to_u16(vec: &[I32F32]) -> Vec<u16> {
    let u16_max = agora_primitives::fixed::U16_MAX_FIXED;
    let threshold = I32F32::from_bits(32_768i64 << 32);
    let Some(&max_value) = vec.iter().max() else {
        return Vec::new();
    };
    if max_value == ZERO {
        return vec
            .iter()
            .map(|e| e.saturating_mul(u16_max).saturating_to_num::<u16>())
            .collect();
    }
    if max_value > threshold {
        let scale = u16_max.safe_div(max_value);
        return vec
            .iter()
            .map(|e| round_wrapping(e.saturating_mul(scale)).saturating_to_num::<u16>())
            .collect();
    }
    vec.iter()
        .map(|e| {
            round_wrapping(e.saturating_mul(u16_max).safe_div(max_value)).saturating_to_num::<u16>()
        })
        .collect()
}

/// [`vec_max_upscale_to_u16`] of u16 input.
pub fn vec_u16_max_upscale_to_u16(vec: &[u16]) -> Vec<u16> {
    let fixed: Vec<I32F32> = vec.iter().map(|&e| u16_to_fixed(e)).collect();
    vec_max_upscale_to_u16(&fixed)
}

/// Whether the normalised maximum of `vec` is at most `max_limit / 65535`.
pub fn check_vec_max_limited(vec: &[u16], max_limit: u16) -> bool {
    let limit = u16_proportion_to_fixed(max_limit);
    let mut fixed: Vec<I32F32> = vec.iter().map(|&e| u16_to_fixed(e)).collect();
    inplace_normalize(&mut fixed);
    fixed.iter().max().is_none_or(|&m| m <= limit)
}

/// Plain (wrapping) sum.
pub fn sum(x: &[I32F32]) -> I32F32 {
    wrapping_sum32(x)
}

/// Sum that returns `None` on overflow and `Some(0)` for an empty slice.
pub fn checked_sum<T: CheckedAddition>(x: &[T]) -> Option<T> {
    let mut iter = x.iter();
    let Some(&first) = iter.next() else {
        return Some(T::zero());
    };
    let mut acc = first;
    for &v in iter {
        acc = acc.checked_addition(v)?;
    }
    Some(acc)
}

/// Types [`checked_sum`] works on.
pub trait CheckedAddition: Copy {
    /// The additive identity.
    fn zero() -> Self;
    /// `self + rhs`, or `None` on overflow.
    fn checked_addition(self, rhs: Self) -> Option<Self>;
}

macro_rules! checked_addition_int {
    ($($t:ty),*) => {$(
        impl CheckedAddition for $t {
            fn zero() -> Self { 0 }
            fn checked_addition(self, rhs: Self) -> Option<Self> { self.checked_add(rhs) }
        }
    )*};
}
checked_addition_int!(u16, u32, u64, u128, i16, i32, i64, i128);

impl CheckedAddition for I32F32 {
    fn zero() -> Self {
        ZERO
    }
    fn checked_addition(self, rhs: Self) -> Option<Self> {
        self.checked_add(rhs)
    }
}

/// Whether the (wrapping) sum of the vector is zero.
pub fn is_zero(vector: &[I32F32]) -> bool {
    sum(vector) == ZERO
}

/// The reference's `exp` (substrate-fixed `transcendental::exp`, I32F32 → I32F32): a fixed
/// 30-term Taylor series, `exp(1)` taken from a 23-bit constant, negative inputs inverted.
/// Returns `None` where the reference returns an error (overflow). Yuma spec §1.2.
pub fn exp_taylor(x: I32F32) -> Option<I32F32> {
    const FRAC: u32 = 32;
    // E with 23 fractional bits, widened to 32 (yuma spec §1.2).
    const E_BITS: i64 = 22_802_600 << 9;
    let bits = x.to_bits();
    if bits == 0 {
        return Some(ONE);
    }
    if bits == 1 << FRAC {
        return Some(I32F32::from_bits(E_BITS));
    }
    let negative = bits < 0;
    let operand = if negative { bits.checked_neg()? } else { bits };
    let mut result = operand.checked_add(1 << FRAC)?;
    let mut term = operand;
    for i in 2..i64::from(FRAC) {
        // term × operand, floored, must fit in i64.
        let product = (i128::from(term) * i128::from(operand)) >> FRAC;
        term = i64::try_from(product).ok()?;
        // (term << 32) / (i << 32) truncates exactly like term / i.
        term /= i;
        result = result.checked_add(term)?;
    }
    if negative {
        // 1 / result, truncating; `result` is at least 1 here so the quotient fits.
        let quotient = (1i128 << (2 * FRAC)).checked_div(i128::from(result))?;
        return i64::try_from(quotient).ok().map(I32F32::from_bits);
    }
    Some(I32F32::from_bits(result))
}

/// `exp` with the input clamped to [-20, 20]; an overflow gives 0 for a non-positive input and
/// `I32F32::MAX` otherwise (reference `exp_safe`).
pub fn exp_safe(input: I32F32) -> I32F32 {
    let lo = I32F32::from_bits(-20i64 << 32);
    let hi = I32F32::from_bits(20i64 << 32);
    let clamped = if input < lo {
        lo
    } else if hi < input {
        hi
    } else {
        input
    };
    match exp_taylor(clamped) {
        Some(v) => v,
        None if clamped <= ZERO => ZERO,
        None => I32F32::max_value(),
    }
}

/// `1 / (1 + exp(-rho (input - kappa)))` with saturating steps (reference `sigmoid_safe`).
pub fn sigmoid_safe(input: I32F32, rho: I32F32, kappa: I32F32) -> I32F32 {
    let offset = input.saturating_sub(kappa);
    let neg_rho = rho.saturating_mul(ONE.saturating_neg());
    let exp_output = exp_safe(neg_rho.saturating_mul(offset));
    ONE.safe_div(exp_output.saturating_add(ONE))
}

/// Indices of `vector` sorted ascending by value with a stable sort (ties keep index order).
fn stable_ascending_order(vector: &[I32F32]) -> Vec<usize> {
    let mut idxs: Vec<usize> = (0..vector.len()).collect();
    idxs.sort_by_key(|&i| get_or_zero(vector, i));
    idxs
}

/// True for the `k` largest entries; with fewer than `k` entries all are true. Ties at the
/// cut-off go to the higher index (stable ascending sort, lowest `n - k` dropped).
pub fn is_topk(vector: &[I32F32], k: usize) -> Vec<bool> {
    let n = vector.len();
    let mut result = vec![true; n];
    if n < k {
        return result;
    }
    for idx in stable_ascending_order(vector).into_iter().take(n - k) {
        result[idx] = false;
    }
    result
}

/// Like [`is_topk`], and false wherever the value is zero (yuma spec §3.4).
pub fn is_topk_nonzero(vector: &[I32F32], k: usize) -> Vec<bool> {
    let n = vector.len();
    let mut result: Vec<bool> = vector.iter().map(|&v| v != ZERO).collect();
    if n < k {
        return result;
    }
    for idx in stable_ascending_order(vector).into_iter().take(n - k) {
        result[idx] = false;
    }
    result
}

/// A copy divided by its (wrapping) sum; unchanged when the sum is zero.
pub fn normalize(x: &[I32F32]) -> Vec<I32F32> {
    let mut out = x.to_vec();
    inplace_normalize(&mut out);
    out
}

/// Divides by the (wrapping) sum in place; unchanged when the sum is zero.
pub fn inplace_normalize(x: &mut [I32F32]) {
    let total = sum(x);
    inplace_normalize_using_sum(x, total);
}

/// Divides by the given sum in place; unchanged when it is zero.
pub fn inplace_normalize_using_sum(x: &mut [I32F32], x_sum: I32F32) {
    if x_sum == ZERO {
        return;
    }
    let divisor = FixedDivisor::new(x_sum);
    for v in x.iter_mut() {
        *v = divisor.safe_div(*v);
    }
}

/// [`inplace_normalize`] for I64F64.
pub fn inplace_normalize_64(x: &mut [I64F64]) {
    let total = wrapping_sum64(x.iter());
    if total == I64F64::from_bits(0) {
        return;
    }
    for v in x.iter_mut() {
        *v = v.safe_div(total);
    }
}

/// Element-wise `x / y` (safe_div); a missing `y` counts as zero. Length of `x`.
pub fn vecdiv(x: &[I32F32], y: &[I32F32]) -> Vec<I32F32> {
    x.iter()
        .enumerate()
        .map(|(i, xi)| safe_div_fast(*xi, get_or_zero(y, i)))
        .collect()
}

/// Divides each row by its sum where that sum is positive.
pub fn inplace_row_normalize(x: &mut [Vec<I32F32>]) {
    for row in x.iter_mut() {
        let total = sum(row);
        if total > ZERO {
            for v in row.iter_mut() {
                *v = safe_div_fast(*v, total);
            }
        }
    }
}

/// Divides each sparse row by its sum where that sum is positive.
pub fn inplace_row_normalize_sparse(sparse_matrix: &mut [Vec<(u16, I32F32)>]) {
    for row in sparse_matrix.iter_mut() {
        let total = wrapping_sum32(row.iter().map(|(_, v)| v));
        if total > ZERO {
            let divisor = FixedDivisor::new(total);
            for (_, v) in row.iter_mut() {
                *v = divisor.safe_div(*v);
            }
        }
    }
}

/// Sum of each row; an empty first row yields an empty result.
pub fn row_sum(x: &[Vec<I32F32>]) -> Vec<I32F32> {
    if x.first().is_some_and(|r| r.is_empty()) {
        return Vec::new();
    }
    x.iter().map(|row| sum(row)).collect()
}

/// Sum of each sparse row.
pub fn row_sum_sparse(sparse_matrix: &[Vec<(u16, I32F32)>]) -> Vec<I32F32> {
    sparse_matrix
        .iter()
        .map(|row| wrapping_sum32(row.iter().map(|(_, v)| v)))
        .collect()
}

/// Divides each entry by its column's (saturating) sum where that sum is non-zero; entries in
/// columns `>= columns` are left as they are.
pub fn inplace_col_normalize_sparse(sparse_matrix: &mut [Vec<(u16, I32F32)>], columns: u16) {
    let mut col_sum = vec![ZERO; usize::from(columns)];
    for row in sparse_matrix.iter() {
        add_col_sums(&mut col_sum, row);
    }
    divide_cols_sparse(sparse_matrix, &col_sum);
}

/// Adds a row's entries to per-column saturating sums (columns beyond `sums` are ignored), in
/// entry order: the first pass of the reference's column normalisation, row by row, so that
/// producers of a matrix can accumulate it while they build the rows.
#[inline]
pub fn add_col_sums(sums: &mut [I32F32], row: &[(u16, I32F32)]) {
    for &(j, v) in row {
        if let Some(s) = sums.get_mut(usize::from(j)) {
            *s = sat_add(*s, v);
        }
    }
}

/// Divides each entry by its column's divisor where that divisor is non-zero (safe_div);
/// columns without a divisor are left alone. The second pass of column normalisation and of
/// column max-upscaling.
pub fn divide_cols_sparse(sparse_matrix: &mut [Vec<(u16, I32F32)>], col_divisor: &[I32F32]) {
    let divisors: Vec<FixedDivisor> = col_divisor.iter().map(|&d| FixedDivisor::new(d)).collect();
    for row in sparse_matrix.iter_mut() {
        for (j, v) in row.iter_mut() {
            // A zero (or missing) divisor leaves the entry unchanged.
            if let Some(d) = divisors.get(usize::from(*j))
                && d.divisor.to_bits() != 0
            {
                *v = d.safe_div(*v);
            }
        }
    }
}

/// Dense column normalisation; ragged rows count missing cells as zero and stay ragged.
pub fn inplace_col_normalize(x: &mut [Vec<I32F32>]) {
    let width = x.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return;
    }
    let mut col_sums = vec![ZERO; width];
    for row in x.iter() {
        for (s, v) in col_sums.iter_mut().zip(row) {
            *s = s.saturating_add(*v);
        }
    }
    for row in x.iter_mut() {
        for (v, s) in row.iter_mut().zip(&col_sums) {
            if *s != ZERO {
                *v = safe_div_fast(*v, *s);
            }
        }
    }
}

/// Divides each entry by its column's maximum (over values above zero) where that maximum is
/// non-zero; columns `>= columns` are left alone.
pub fn inplace_col_max_upscale_sparse(sparse_matrix: &mut [Vec<(u16, I32F32)>], columns: u16) {
    let mut col_max = vec![ZERO; usize::from(columns)];
    for row in sparse_matrix.iter() {
        for &(j, v) in row {
            if let Some(m) = col_max.get_mut(usize::from(j))
                && *m < v
            {
                *m = v;
            }
        }
    }
    divide_cols_sparse(sparse_matrix, &col_max);
}

/// Dense column max-upscale; ragged rows are handled like [`inplace_col_normalize`].
pub fn inplace_col_max_upscale(x: &mut [Vec<I32F32>]) {
    let width = x.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return;
    }
    let mut col_max = vec![ZERO; width];
    for row in x.iter() {
        for (m, v) in col_max.iter_mut().zip(row) {
            if *m < *v {
                *m = *v;
            }
        }
    }
    for row in x.iter_mut() {
        for (v, m) in row.iter_mut().zip(&col_max) {
            if *m != ZERO {
                *v = safe_div_fast(*v, *m);
            }
        }
    }
}

/// Zeroes `vector[i]` where `mask[i]`; positions beyond a non-empty mask are zeroed too, and an
/// empty mask masks nothing (yuma spec §3.5, mask-length quirk).
pub fn inplace_mask_vector(mask: &[bool], vector: &mut [I32F32]) {
    if mask.is_empty() {
        return;
    }
    for (i, v) in vector.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            *v = ZERO;
        }
    }
}

/// Zeroes masked cells; cells outside the mask are zeroed, and a mask that is empty (or has an
/// empty first row) masks nothing.
pub fn inplace_mask_matrix(mask: &[Vec<bool>], matrix: &mut [Vec<I32F32>]) {
    if mask.first().is_none_or(|r| r.is_empty()) {
        return;
    }
    for (r, row) in matrix.iter_mut().enumerate() {
        let mask_row = mask.get(r);
        for (c, v) in row.iter_mut().enumerate() {
            if mask_row.and_then(|m| m.get(c)).copied().unwrap_or(true) {
                *v = ZERO;
            }
        }
    }
}

/// Replaces masked rows (and rows beyond the mask) with zero rows as wide as the first row.
pub fn inplace_mask_rows(mask: &[bool], matrix: &mut [Vec<I32F32>]) {
    let Some(cols) = matrix.first().map(Vec::len) else {
        return;
    };
    for (r, row) in matrix.iter_mut().enumerate() {
        if mask.get(r).copied().unwrap_or(true) {
            *row = vec![ZERO; cols];
        }
    }
}

/// Zeroes masked columns (and columns beyond the mask).
pub fn inplace_mask_cols(mask: &[bool], matrix: &mut [Vec<I32F32>]) {
    for row in matrix.iter_mut() {
        for (c, v) in row.iter_mut().enumerate() {
            if mask.get(c).copied().unwrap_or(true) {
                *v = ZERO;
            }
        }
    }
}

/// Zeroes the diagonal of a square matrix; leaves any other shape untouched.
pub fn inplace_mask_diag(matrix: &mut [Vec<I32F32>]) {
    let Some(width) = matrix.first().map(Vec::len) else {
        return;
    };
    if width == 0 || matrix.len() != width {
        return;
    }
    for (i, row) in matrix.iter_mut().enumerate() {
        if let Some(v) = row.get_mut(i) {
            *v = ZERO;
        }
    }
}

/// [`inplace_mask_diag`] that keeps the diagonal cell at `except_index`.
pub fn inplace_mask_diag_except_index(matrix: &mut [Vec<I32F32>], except_index: u16) {
    let Some(width) = matrix.first().map(Vec::len) else {
        return;
    };
    if width == 0 || matrix.len() != width {
        return;
    }
    let e = usize::from(except_index);
    let kept = matrix.get(e).and_then(|row| row.get(e)).copied();
    inplace_mask_diag(matrix);
    if let (Some(value), Some(cell)) = (kept, matrix.get_mut(e).and_then(|row| row.get_mut(e))) {
        *cell = value;
    }
}

/// Drops entries `(i, j)` where `mask_fn(scalar, vector[j])` (a missing `vector[j]` is 0).
pub fn scalar_vec_mask_sparse_matrix(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    scalar: u64,
    vector: &[u64],
    mask_fn: impl Fn(u64, u64) -> bool,
) -> SparseMatrix {
    sparse_matrix
        .iter()
        .map(|row| {
            row.iter()
                .copied()
                .filter(|&(j, _)| {
                    !mask_fn(scalar, vector.get(usize::from(j)).copied().unwrap_or(0))
                })
                .collect()
        })
        .collect()
}

/// Empties masked rows (and rows beyond the mask).
pub fn mask_rows_sparse(mask: &[bool], sparse_matrix: &[Vec<(u16, I32F32)>]) -> SparseMatrix {
    sparse_matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            if mask.get(i).copied().unwrap_or(true) {
                Vec::new()
            } else {
                row.clone()
            }
        })
        .collect()
}

/// Drops every diagonal entry.
pub fn mask_diag_sparse(sparse_matrix: &[Vec<(u16, I32F32)>]) -> SparseMatrix {
    sparse_matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .copied()
                .filter(|&(j, _)| usize::from(j) != i)
                .collect()
        })
        .collect()
}

/// Drops every diagonal entry except `(except_index, except_index)`.
pub fn mask_diag_sparse_except_index(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    except_index: u16,
) -> SparseMatrix {
    let e = usize::from(except_index);
    sparse_matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .copied()
                .filter(|&(j, _)| usize::from(j) != i || i == e)
                .collect()
        })
        .collect()
}

/// Drops entries `(i, j)` where `mask_fn(first[i], second[j])`; missing values are 0.
pub fn vec_mask_sparse_matrix(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    first_vector: &[u64],
    second_vector: &[u64],
    mask_fn: impl Fn(u64, u64) -> bool,
) -> SparseMatrix {
    sparse_matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let fv = first_vector.get(i).copied().unwrap_or(0);
            row.iter()
                .copied()
                .filter(|&(j, _)| {
                    !mask_fn(fv, second_vector.get(usize::from(j)).copied().unwrap_or(0))
                })
                .collect()
        })
        .collect()
}

/// Scales each row by the matching vector element; stops at the shorter of the two. An empty
/// matrix (or empty first row) yields `[[]]`.
pub fn row_hadamard(matrix: &[Vec<I32F32>], vector: &[I32F32]) -> Vec<Vec<I32F32>> {
    if matrix.first().is_none_or(|r| r.is_empty()) {
        return vec![Vec::new()];
    }
    matrix
        .iter()
        .zip(vector)
        .map(|(row, &scale)| row.iter().map(|&m| scale.saturating_mul(m)).collect())
        .collect()
}

/// Scales each sparse row by the matching vector element; stops at the shorter of the two.
pub fn row_hadamard_sparse(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    vector: &[I32F32],
) -> SparseMatrix {
    sparse_matrix
        .iter()
        .zip(vector)
        .map(|(row, &scale)| row.iter().map(|&(j, v)| (j, mul_sat(v, scale))).collect())
        .collect()
}

/// `result_j = Σ_i vector_i × matrix_ij` over the first row's width (saturating).
pub fn matmul(matrix: &[Vec<I32F32>], vector: &[I32F32]) -> Vec<I32F32> {
    let Some(cols) = matrix.first().map(Vec::len) else {
        return Vec::new();
    };
    if cols == 0 {
        return Vec::new();
    }
    let mut acc = vec![ZERO; cols];
    for (i, row) in matrix.iter().enumerate() {
        let scale = get_or_zero(vector, i);
        for (a, &m) in acc.iter_mut().zip(row) {
            *a = a.saturating_add(scale.saturating_mul(m));
        }
    }
    acc
}

/// `result_i = Σ_j vector_j × matrix_ij` (saturating).
pub fn matmul_transpose(matrix: &[Vec<I32F32>], vector: &[I32F32]) -> Vec<I32F32> {
    if matrix.first().is_none_or(|r| r.is_empty()) {
        return Vec::new();
    }
    matrix
        .iter()
        .map(|row| {
            row.iter()
                .zip(vector)
                .fold(ZERO, |s, (&m, &v)| s.saturating_add(m.saturating_mul(v)))
        })
        .collect()
}

/// Sparse `result_j = Σ_i vector_i × matrix_ij` over `columns` columns (saturating).
pub fn matmul_sparse(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    vector: &[I32F32],
    columns: u16,
) -> Vec<I32F32> {
    let mut result = vec![ZERO; usize::from(columns)];
    for (i, row) in sparse_matrix.iter().enumerate() {
        let scale = get_or_zero(vector, i);
        for &(j, v) in row {
            if let Some(r) = result.get_mut(usize::from(j)) {
                *r = r.saturating_add(mul_sat(scale, v));
            }
        }
    }
    result
}

/// Sparse `result_i = Σ_j vector_j × matrix_ij` (saturating; a missing `vector_j` is 0).
pub fn matmul_transpose_sparse(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    vector: &[I32F32],
) -> Vec<I32F32> {
    sparse_matrix
        .iter()
        .map(|row| {
            row.iter().fold(ZERO, |acc, &(j, v)| {
                acc.saturating_add(mul_sat(get_or_zero(vector, usize::from(j)), v))
            })
        })
        .collect()
}

/// Dense clip: `x_ij = min(x_ij, threshold_j)` for the columns the threshold covers.
pub fn inplace_col_clip(x: &mut [Vec<I32F32>], col_threshold: &[I32F32]) {
    for row in x.iter_mut() {
        for (v, &th) in row.iter_mut().zip(col_threshold) {
            *v = th.min(*v);
        }
    }
}

/// Sparse clip: entries above their column threshold become the threshold, or are dropped when
/// the threshold is not positive (yuma spec §3.8). A missing threshold is 0.
pub fn col_clip_sparse(
    sparse_matrix: &[Vec<(u16, I32F32)>],
    col_threshold: &[I32F32],
) -> SparseMatrix {
    sparse_matrix
        .iter()
        .map(|row| {
            collect_row(
                row.len(),
                row.iter().filter_map(|&(j, v)| {
                    let th = get_or_zero(col_threshold, usize::from(j));
                    if th < v {
                        (th > ZERO).then_some((j, th))
                    } else {
                        Some((j, v))
                    }
                }),
            )
        })
        .collect()
}

/// Scratch space for [`weighted_median`], reused across columns.
#[derive(Default)]
pub struct MedianScratch {
    current: Vec<(I32F32, I32F32)>,
    lower: Vec<(I32F32, I32F32)>,
    upper: Vec<(I32F32, I32F32)>,
}

/// Stake-weighted median by iterative partition around the middle element (yuma spec §3.7):
/// the largest score whose stake at or above it reaches the majority. Mismatched lengths give 0.
pub fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    partition_idx: &[usize],
    minority: I32F32,
    partition_lo: I32F32,
    partition_hi: I32F32,
) -> I32F32 {
    if stake.len() != score.len() {
        return ZERO;
    }
    let mut scratch = MedianScratch::default();
    scratch.current.extend(
        partition_idx
            .iter()
            .map(|&i| (get_or_zero(score, i), get_or_zero(stake, i))),
    );
    weighted_median_pairs(&mut scratch, minority, partition_lo, partition_hi)
}

/// The partition search of [`weighted_median`] over the `(score, stake)` candidates already
/// loaded into `scratch.current`, in candidate order.
///
/// Each round takes the candidate at position `len / 2` as pivot, splits the others into
/// strictly lower and strictly higher scores (keeping their order; equal scores drop out) and
/// recurses into the side that holds the minority boundary, or returns the pivot.
pub fn weighted_median_pairs(
    scratch: &mut MedianScratch,
    minority: I32F32,
    lo: I32F32,
    hi: I32F32,
) -> I32F32 {
    let bounded = stakes_bounded(scratch.current.iter().map(|&(_, w)| w));
    weighted_median_search(scratch, minority, lo, hi, bounded)
}

/// Whether the absolute stakes sum to less than 2^62, so that no partial sum of them can
/// saturate and plain addition equals saturating addition.
fn stakes_bounded(stakes: impl Iterator<Item = I32F32>) -> bool {
    let mut total: u64 = 0;
    for w in stakes {
        match total.checked_add(w.to_bits().unsigned_abs()) {
            Some(t) if t < 1 << 62 => total = t,
            _ => return false,
        }
    }
    true
}

/// [`weighted_median_pairs`] with the stake bound already known (it depends only on the
/// stakes, which every column of an epoch shares).
fn weighted_median_search(
    scratch: &mut MedianScratch,
    minority: I32F32,
    mut lo: I32F32,
    mut hi: I32F32,
    bounded: bool,
) -> I32F32 {
    let MedianScratch {
        current,
        lower,
        upper,
    } = scratch;
    let mut len = current.len();
    // The side buffers only grow, and logical lengths are tracked separately, so a column
    // costs no allocation or clearing once the buffers are warm.
    if lower.len() < len {
        lower.resize(len, (ZERO, ZERO));
    }
    if upper.len() < len {
        upper.resize(len, (ZERO, ZERO));
    }
    // The reference stops after `len` rounds as a safety net; each round shrinks the candidate
    // set, so this bound is never reached, but it is kept for identical behaviour.
    let limit = len;
    let mut rounds = 0usize;
    loop {
        if len == 0 {
            return ZERO;
        }
        if len == 1 {
            return current[0].0;
        }
        let pivot = current[len / 2].0;
        let mut lo_stake = ZERO;
        let mut hi_stake = ZERO;
        // Branch-free stable partition: every candidate is written to both sides and a side's
        // length only advances when it belongs there (scores are random, so branches on them
        // would mispredict about half the time). Adding zero is the identity of saturating_add.
        let (mut nl, mut nu) = (0usize, 0usize);
        if bounded {
            // No partial sum can leave ±2^62, so plain addition equals saturating addition.
            let (mut lo_bits, mut hi_bits) = (0i64, 0i64);
            for &(s, w) in &current[..len] {
                let is_lo = lt(s, pivot);
                let is_hi = lt(pivot, s);
                lower[nl] = (s, w);
                upper[nu] = (s, w);
                nl = nl.wrapping_add(usize::from(is_lo));
                nu = nu.wrapping_add(usize::from(is_hi));
                lo_bits = lo_bits.wrapping_add(if is_lo { w.to_bits() } else { 0 });
                hi_bits = hi_bits.wrapping_add(if is_hi { w.to_bits() } else { 0 });
            }
            lo_stake = I32F32::from_bits(lo_bits);
            hi_stake = I32F32::from_bits(hi_bits);
        } else {
            for &(s, w) in &current[..len] {
                let is_lo = lt(s, pivot);
                let is_hi = lt(pivot, s);
                lower[nl] = (s, w);
                upper[nu] = (s, w);
                nl = nl.wrapping_add(usize::from(is_lo));
                nu = nu.wrapping_add(usize::from(is_hi));
                lo_stake = lo_stake.saturating_add(if is_lo { w } else { ZERO });
                hi_stake = hi_stake.saturating_add(if is_hi { w } else { ZERO });
            }
        }
        if minority < lo.saturating_add(lo_stake) && nl > 0 {
            core::mem::swap(current, lower);
            len = nl;
            hi = lo.saturating_add(lo_stake);
        } else if hi.saturating_sub(hi_stake) <= minority && nu > 0 {
            core::mem::swap(current, upper);
            len = nu;
            lo = hi.saturating_sub(hi_stake);
        } else {
            return pivot;
        }
        rounds += 1;
        if rounds > limit {
            return ZERO;
        }
    }
}

/// Column-wise stake-weighted median over dense rows. Validators with positive stake take
/// part; a row that is missing or of the wrong width contributes zero stake and score.
pub fn weighted_median_col(
    stake: &[I32F32],
    score: &[Vec<I32F32>],
    majority: I32F32,
) -> Vec<I32F32> {
    let columns = score.first().map_or(0, Vec::len);
    let mut median = vec![ZERO; columns];
    let mut scratch = MedianScratch::default();
    let mut use_stake = Vec::new();
    let mut use_score = Vec::new();
    for (c, cell) in median.iter_mut().enumerate() {
        use_stake.clear();
        use_score.clear();
        for (r, &st) in stake.iter().enumerate() {
            if st > ZERO {
                match score.get(r) {
                    Some(row) if row.len() == columns => {
                        use_stake.push(st);
                        use_score.push(get_or_zero(row, c));
                    }
                    _ => {
                        use_stake.push(ZERO);
                        use_score.push(ZERO);
                    }
                }
            }
        }
        if !use_stake.is_empty() {
            inplace_normalize(&mut use_stake);
            let stake_sum = sum(&use_stake);
            let minority = stake_sum.saturating_sub(majority);
            scratch.current.clear();
            scratch
                .current
                .extend(use_score.iter().copied().zip(use_stake.iter().copied()));
            *cell = weighted_median_pairs(&mut scratch, minority, ZERO, stake_sum);
        }
    }
    median
}

/// Column-wise stake-weighted median over sparse rows (yuma spec §3.7). Validators with
/// positive stake take part, in uid order; a validator without an entry in a column scores 0
/// there; duplicate entries in a row keep the last one.
pub fn weighted_median_col_sparse(
    stake: &[I32F32],
    score: &[Vec<(u16, I32F32)>],
    columns: u16,
    majority: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|&s| s > ZERO).collect();
    inplace_normalize(&mut use_stake);
    let stake_sum = sum(&use_stake);
    let minority = stake_sum.saturating_sub(majority);
    let voters = use_stake.len();
    let columns = usize::from(columns);
    // Voter-major score table: scores[k * columns + c] for the k-th staked validator. Filling
    // it walks each row's entries (mostly in column order), and reading a column strides by
    // one row, touching the same few cache lines for neighbouring columns.
    let mut scores = vec![ZERO; columns * voters];
    // Columns no staked validator has an entry in: every score there is 0, and the partition
    // search returns 0 for all-equal zero scores whatever the stakes, so they are skipped.
    let mut touched = vec![false; columns];
    let mut voter_rows = scores.chunks_exact_mut(columns.max(1));
    for (&s, row) in stake.iter().zip(score) {
        if s > ZERO {
            let Some(table_row) = voter_rows.next() else {
                break;
            };
            for &(c, v) in row {
                let c = usize::from(c);
                if let (Some(cell), Some(flag)) = (table_row.get_mut(c), touched.get_mut(c)) {
                    *cell = v;
                    *flag = true;
                }
            }
        }
    }
    let bounded = stakes_bounded(use_stake.iter().copied());
    let mut scratch = MedianScratch::default();
    (0..columns)
        .map(|c| {
            if !touched[c] {
                return ZERO;
            }
            scratch.current.clear();
            scratch.current.extend(
                scores
                    .iter()
                    .skip(c)
                    .step_by(columns)
                    .copied()
                    .zip(use_stake.iter().copied()),
            );
            weighted_median_search(&mut scratch, minority, ZERO, stake_sum, bounded)
        })
        .collect()
}

/// Dense `A + ratio × (B − A)`, shaped like `A`; 0 and 1 return a copy of `A` or `B`.
pub fn interpolate(mat1: &[Vec<I32F32>], mat2: &[Vec<I32F32>], ratio: I32F32) -> Vec<Vec<I32F32>> {
    if ratio == ZERO {
        return mat1.to_vec();
    }
    if ratio == ONE {
        return mat2.to_vec();
    }
    let Some(cols) = mat1.first().map(Vec::len).filter(|&c| c > 0) else {
        return vec![Vec::new()];
    };
    let mut result = vec![vec![ZERO; cols]; mat1.len()];
    for ((row1, row2), out) in mat1.iter().zip(mat2).zip(result.iter_mut()) {
        for ((v1, v2), cell) in row1.iter().zip(row2).zip(out.iter_mut()) {
            *cell = v1.saturating_add(ratio.saturating_mul(v2.saturating_sub(*v1)));
        }
    }
    result
}

/// Sparse `A + ratio × (B − A)` over `columns` columns, keeping positive results in column
/// order; 0 and 1 return a copy of `A` or `B`, and a row-count mismatch returns `B`
/// (yuma spec §3.9).
pub fn interpolate_sparse(
    mat1: &[Vec<(u16, I32F32)>],
    mat2: &[Vec<(u16, I32F32)>],
    columns: u16,
    ratio: I32F32,
) -> SparseMatrix {
    if ratio == ZERO {
        return mat1.to_vec();
    }
    if ratio == ONE || mat1.len() != mat2.len() {
        return mat2.to_vec();
    }
    let columns = usize::from(columns);
    let mut row1 = vec![ZERO; columns];
    let mut row2 = vec![ZERO; columns];
    mat1.iter()
        .zip(mat2)
        .map(|(r1, r2)| {
            if r1.is_empty() && r2.is_empty() {
                // Zero everywhere: nothing is strictly positive.
                return Vec::new();
            }
            row1.fill(ZERO);
            row2.fill(ZERO);
            for &(j, v) in r1 {
                if let Some(c) = row1.get_mut(usize::from(j)) {
                    *c = v;
                }
            }
            for &(j, v) in r2 {
                if let Some(c) = row2.get_mut(usize::from(j)) {
                    *c = v;
                }
            }
            let mut out = Vec::new();
            for (j, (v1, v2)) in row1.iter().zip(&row2).enumerate() {
                let value = v1.saturating_add(ratio.saturating_mul(v2.saturating_sub(*v1)));
                if value > ZERO {
                    out.push((column_id(j), value));
                }
            }
            out
        })
        .collect()
}

/// A column index known to be below a `u16` column count.
#[inline]
fn column_id(j: usize) -> u16 {
    u16::try_from(j).unwrap_or(u16::MAX)
}

/// Element-wise product; an overflowing product is 0. Length of the shorter input.
pub fn vec_mul(a: &[I32F32], b: &[I32F32]) -> Vec<I32F32> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.checked_mul(*y).unwrap_or(ZERO))
        .collect()
}

/// [`vec_mul`] of every row with the vector; an empty matrix yields `[[]]`.
pub fn mat_vec_mul(matrix: &[Vec<I32F32>], vector: &[I32F32]) -> Vec<Vec<I32F32>> {
    if matrix.first().is_none_or(|r| r.is_empty()) {
        return vec![Vec::new()];
    }
    matrix.iter().map(|row| vec_mul(row, vector)).collect()
}

/// Sparse `matrix_ij × vector_j` (saturating), dropping entries that become exactly zero or
/// whose column has no vector element.
pub fn mat_vec_mul_sparse(matrix: &[Vec<(u16, I32F32)>], vector: &[I32F32]) -> SparseMatrix {
    matrix
        .iter()
        .map(|row| {
            collect_row(
                row.len(),
                row.iter().filter_map(|&(j, v)| {
                    let x = vector.get(usize::from(j))?;
                    let product = mul_sat(v, *x);
                    (product != ZERO).then_some((j, product))
                }),
            )
        })
        .collect()
}

/// `value.min(high).max(low)`.
#[inline]
pub fn clamp_value(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    value.min(high).max(low)
}

/// Dense EMA `alpha × new + (1 − alpha) × old`; rows and cells stop at the shorter input.
pub fn mat_ema(new: &[Vec<I32F32>], old: &[Vec<I32F32>], alpha: I32F32) -> Vec<Vec<I32F32>> {
    match new.first() {
        None => return vec![Vec::new()],
        Some(r) if r.is_empty() => return vec![Vec::new()],
        Some(_) => {}
    }
    let keep = ONE.saturating_sub(alpha);
    new.iter()
        .zip(old)
        .map(|(nr, or)| {
            nr.iter()
                .zip(or)
                .map(|(&n, &o)| {
                    alpha
                        .saturating_mul(n)
                        .saturating_add(keep.saturating_mul(o))
                })
                .collect()
        })
        .collect()
}

/// Sparse EMA over a square matrix (`new.len()` columns): per row, `alpha × new` then
/// `(1 − alpha) × old` accumulated with saturation, positive results kept in column order
/// (yuma spec §3.10a step 3).
pub fn mat_ema_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: I32F32,
) -> SparseMatrix {
    mat_ema_sparse_summing(new, old, alpha, &mut [])
}

/// [`mat_ema_sparse`] that also adds the result's entries to `col_sums` (see
/// [`add_col_sums`]), saving the separate first pass of a following column normalisation.
pub fn mat_ema_sparse_summing(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: I32F32,
    col_sums: &mut [I32F32],
) -> SparseMatrix {
    let n = new.len();
    let keep = ONE.saturating_sub(alpha);
    let mut acc = vec![ZERO; n];
    let mut result = Vec::with_capacity(n);
    for (i, new_row) in new.iter().enumerate() {
        let old_row = old.get(i).map_or(&[][..], Vec::as_slice);
        if new_row.is_empty() && old_row.is_empty() {
            result.push(Vec::new());
            continue;
        }
        for &(j, v) in new_row {
            if let Some(c) = acc.get_mut(usize::from(j)) {
                *c = sat_add(*c, mul_sat(alpha, v));
            }
        }
        for &(j, v) in old_row {
            if let Some(c) = acc.get_mut(usize::from(j)) {
                *c = sat_add(*c, mul_sat(keep, v));
            }
        }
        let mut out = Vec::with_capacity(new_row.len().max(old_row.len()));
        for (j, c) in acc.iter_mut().enumerate() {
            if c.to_bits() > 0 {
                out.push((column_id(j), *c));
                if let Some(s) = col_sums.get_mut(j) {
                    *s = sat_add(*s, *c);
                }
            }
            *c = ZERO;
        }
        result.push(out);
    }
    result
}

/// Sparse EMA with a per-cell alpha (dense `alpha` rows): old bonds decay by `1 − α`, the new
/// weight adds `max(0, α × w)`, the sum is capped at 1, and only columns present in the new row
/// produce entries, in the new row's order (yuma spec §3.10b, sparse quirk). Mismatched row
/// counts return `new`.
pub fn mat_ema_alpha_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: &[Vec<I32F32>],
) -> SparseMatrix {
    if new.len() != old.len() || new.len() != alpha.len() {
        return new.to_vec();
    }
    let mut decayed = Vec::new();
    new.iter()
        .zip(old)
        .zip(alpha)
        .map(|((new_row, old_row), alpha_row)| {
            ema_alpha_row(new_row, old_row, &mut decayed, alpha_row.len(), |j| {
                alpha_row[j]
            })
        })
        .collect()
}

/// One row of the liquid-alpha EMA. `alpha_of(j)` is only called for `j < width`.
pub(crate) fn ema_alpha_row(
    new_row: &[(u16, I32F32)],
    old_row: &[(u16, I32F32)],
    decayed: &mut Vec<I32F32>,
    width: usize,
    mut alpha_of: impl FnMut(usize) -> I32F32,
) -> Vec<(u16, I32F32)> {
    if new_row.is_empty() {
        return Vec::new();
    }
    decayed.clear();
    decayed.resize(width, ZERO);
    for &(j, v) in old_row {
        let j = usize::from(j);
        if j < width {
            // Assignment, not accumulation: a repeated column keeps its last entry.
            decayed[j] = mul_sat(ONE.saturating_sub(alpha_of(j)), v);
        }
    }
    let mut out = Vec::with_capacity(new_row.len());
    for &(j, w) in new_row {
        let ju = usize::from(j);
        if ju < width {
            let product = mul_sat(alpha_of(ju), w);
            let inc = if lt(product, ZERO) { ZERO } else { product };
            let sum = sat_add(decayed[ju], inc);
            let value = if lt(ONE, sum) { ONE } else { sum };
            if value.to_bits() > 0 {
                out.push((j, value));
            }
        }
    }
    out
}

/// Dense EMA with a per-cell alpha, capped at 1. Degenerate input returns `[[]]`, a row-count
/// mismatch returns `old`, a ragged row returns `new`.
pub fn mat_ema_alpha(
    new: &[Vec<I32F32>],
    old: &[Vec<I32F32>],
    alpha: &[Vec<I32F32>],
) -> Vec<Vec<I32F32>> {
    if new.first().is_none_or(|r| r.is_empty()) {
        return vec![Vec::new()];
    }
    if new.len() != old.len() || new.len() != alpha.len() {
        return old.to_vec();
    }
    let ragged = new
        .iter()
        .zip(old)
        .zip(alpha)
        .any(|((n, o), a)| n.len() != o.len() || n.len() != a.len());
    if ragged {
        return new.to_vec();
    }
    new.iter()
        .zip(old)
        .zip(alpha)
        .map(|((nr, or), ar)| {
            nr.iter()
                .zip(or)
                .zip(ar)
                .map(|((&n, &o), &a)| {
                    let decayed = ONE.saturating_sub(a).saturating_mul(o);
                    let inc = a.saturating_mul(n).max(ZERO);
                    decayed.saturating_add(inc).min(ONE)
                })
                .collect()
        })
        .collect()
}

/// The liquid-alpha coefficient for one cell (yuma spec §3.10c): a sigmoid of how far the
/// weight is above consensus (buying) or the bond above the weight (selling), mapped into
/// `[alpha_low, alpha_high]`.
pub fn alpha_sigmoid(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    alpha_low: I32F32,
    alpha_high: I32F32,
    steepness: I32F32,
) -> I32F32 {
    let diff = if weight >= bond {
        clamp_value(weight.saturating_sub(consensus), ZERO, ONE)
    } else {
        clamp_value(bond.saturating_sub(weight), ZERO, ONE)
    };
    alpha_from_diff(diff, alpha_low, alpha_high, steep_factor(steepness))
}

/// `steepness / -100` (saturating), the slope the sigmoid uses.
#[inline]
pub(crate) fn steep_factor(steepness: I32F32) -> I32F32 {
    steepness.saturating_div(I32F32::from_bits(-100i64 << 32))
}

/// The sigmoid mapping of [`alpha_sigmoid`] once the difference is known.
#[inline]
pub(crate) fn alpha_from_diff(diff: I32F32, low: I32F32, high: I32F32, factor: I32F32) -> I32F32 {
    let e = exp_safe(factor.saturating_mul(diff.saturating_sub(HALF)));
    // 1 + e ≥ 1, so the division is well defined.
    let sigmoid = ONE.saturating_div(ONE.saturating_add(e));
    let alpha = low.saturating_add(sigmoid.saturating_mul(high.saturating_sub(low)));
    clamp_value(alpha, low, high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use substrate_fixed::transcendental::exp;

    fn f(x: f64) -> I32F32 {
        I32F32::from_num(x)
    }

    /// Raw I32F32 bits for the differential tests: the edge values (zero, ±ulp, ±1, half, the
    /// extremes and their neighbours) plus `count` seeded draws of each kind — full-range
    /// values shifted to every magnitude, and integers up to 70 000 (sums of u16 weights).
    fn sample_bits(seed: u64, count: usize) -> Vec<i64> {
        let mut next = xorshift(seed);
        let mut values = vec![
            0i64,
            1,
            -1,
            2,
            3,
            7,
            1 << 31,
            (1 << 31) - 1,
            1 << 32,
            -(1 << 32),
            (1 << 32) + 1,
            3 << 32,
            3 << 40,
            u32::MAX as i64,
            i64::MAX,
            i64::MAX - 1,
            i64::MIN,
            i64::MIN + 1,
        ];
        for _ in 0..count {
            let shift = (next() % 64) as u32;
            values.push((next() as i64) >> shift);
            values.push(((next() % 70_000) as i64) << 32);
        }
        values
    }

    /// A deterministic xorshift64 stream for the differential tests.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn exp_matches_substrate_fixed_bit_for_bit() {
        let mut x: i64 = -25 << 32;
        let step: i64 = 104_729 * 97;
        while x < 25 << 32 {
            let v = I32F32::from_bits(x);
            let ours = exp_taylor(v);
            let theirs: Option<I32F32> = exp::<I32F32, I32F32>(v).ok();
            assert_eq!(ours, theirs, "x = {v}");
            x += step;
        }
        for v in [
            f(0.0),
            f(1.0),
            f(-1.0),
            f(20.0),
            f(-20.0),
            I32F32::from_bits(1),
            I32F32::from_bits(-1),
        ] {
            assert_eq!(exp_taylor(v), exp::<I32F32, I32F32>(v).ok(), "x = {v}");
        }
    }

    #[test]
    fn fast_division_equals_substrate_fixed() {
        let values = sample_bits(0x1234_5678_9abc_def0, 2000);
        for (i, &a) in values.iter().enumerate() {
            for &b in values
                .iter()
                .skip(i % 7)
                .step_by(97)
                .chain(values.iter().take(18))
            {
                let (x, y) = (I32F32::from_bits(a), I32F32::from_bits(b));
                assert_eq!(checked_div_fast(x, y), x.checked_div(y), "{a} / {b}");
            }
        }
    }

    #[test]
    fn raw_saturating_mul_equals_substrate_fixed() {
        let values = sample_bits(0x0fed_cba9_8765_4321, 1500);
        for &a in &values {
            for &b in values.iter().step_by(13) {
                let (x, y) = (I32F32::from_bits(a), I32F32::from_bits(b));
                assert_eq!(mul_sat(x, y), x.saturating_mul(y), "{a} * {b}");
            }
        }
    }

    #[test]
    fn invariant_divisor_equals_substrate_fixed() {
        let numerators = sample_bits(0x5555_aaaa_1234_9876, 2000);
        // Divisors: the sample plus column sums of u16 bonds and small integer-bit values.
        let mut divisors = sample_bits(0x6666_bbbb_2345_a987, 400);
        let mut next = xorshift(0x7777_cccc_3456_ba98);
        for _ in 0..400 {
            divisors.push(((next() % 5_000_000) as i64) << 32);
            divisors.push((next() % 10_000) as i64 + 1);
        }
        for &d in &divisors {
            let divisor = FixedDivisor::new(I32F32::from_bits(d));
            for &a in &numerators {
                let (x, y) = (I32F32::from_bits(a), I32F32::from_bits(d));
                assert_eq!(divisor.checked_div(x), x.checked_div(y), "{a} / {d}");
            }
        }
        assert_eq!(FixedDivisor::new(ZERO).checked_div(ONE), None);
    }

    #[test]
    fn raw_add_and_compare_equal_substrate_fixed() {
        let values = sample_bits(0x9e37_79b9_7f4a_7c15, 1500);
        for &a in &values {
            for &b in values.iter().step_by(11) {
                let (x, y) = (I32F32::from_bits(a), I32F32::from_bits(b));
                assert_eq!(sat_add(x, y), x.saturating_add(y), "{a} + {b}");
                assert_eq!(lt(x, y), x < y, "{a} < {b}");
                assert_eq!(lt(y, x), x > y, "{a} > {b}");
            }
        }
    }

    #[test]
    fn weighted_median_picks_the_larger_weight_on_an_even_split() {
        let stake = [f(0.5), f(0.5)];
        let score = [f(0.2), f(0.8)];
        let kappa = I32F32::from_num(32767) / I32F32::from_num(65535);
        let minority = f(1.0) - kappa;
        assert_eq!(
            weighted_median(&stake, &score, &[0, 1], minority, ZERO, f(1.0)),
            f(0.8)
        );
    }

    #[test]
    fn mask_vector_length_quirk() {
        let mut v = vec![f(1.0), f(1.0)];
        inplace_mask_vector(&[false], &mut v);
        assert_eq!(v, vec![f(1.0), ZERO]);
        let mut w = vec![f(1.0), f(1.0)];
        inplace_mask_vector(&[], &mut w);
        assert_eq!(w, vec![f(1.0), f(1.0)]);
    }
}
