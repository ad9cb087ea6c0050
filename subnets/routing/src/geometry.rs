//! Integer geometry and the cost function: the one definition of distance that miners,
//! validators and buyers all use.
//!
//! # Cost function (normative)
//!
//! Points have integer coordinates `x, y` with `|x|, |y| <= COORD_MAX` (10⁹). The cost of an
//! edge between `a` and `b` is the Euclidean distance **rounded to the nearest integer**
//! (TSPLIB's `EUC_2D` "nint"):
//!
//! ```text
//! d(a, b) = round(sqrt((ax - bx)² + (ay - by)²))
//! ```
//!
//! computed exactly in integers: `s = (ax-bx)² + (ay-by)²` fits in `u64` (at most 8·10¹⁸),
//! `f = isqrt(s)` (floor), and the result is `f + 1` if `s - f² > f`, else `f`. (The square
//! root is never exactly `f + ½` for an integer `s`, so no tie rule is needed.) A route's cost
//! is the sum of its edge costs in `u64`. The result is the same on every platform and in
//! every language that implements these three lines; floating point is used only as a first
//! guess for `isqrt`, which is then corrected exactly.
//!
//! Rounding each edge means `d` can break the triangle inequality by at most one unit; nothing
//! in verification or scoring depends on it.

use serde::{Deserialize, Serialize};

/// Largest absolute coordinate accepted (10⁹). Keeps every squared distance in `u64`.
pub const COORD_MAX: i64 = 1_000_000_000;

/// A point in the plane with integer coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal coordinate, `|x| <= COORD_MAX`.
    pub x: i64,
    /// Vertical coordinate, `|y| <= COORD_MAX`.
    pub y: i64,
}

impl Point {
    /// A point; callers validate the range with [`Point::in_range`].
    pub const fn new(x: i64, y: i64) -> Self {
        Self { x, y }
    }

    /// Both coordinates are within `±COORD_MAX`.
    pub const fn in_range(&self) -> bool {
        self.x.abs() <= COORD_MAX && self.y.abs() <= COORD_MAX
    }
}

/// Squared Euclidean distance. Exact for points in range (at most 8·10¹⁸ < 2⁶⁴).
#[inline]
pub fn squared_distance(a: Point, b: Point) -> u64 {
    let dx = a.x.abs_diff(b.x);
    let dy = a.y.abs_diff(b.y);
    dx.wrapping_mul(dx).wrapping_add(dy.wrapping_mul(dy))
}

/// `floor(sqrt(s))`, exact for every `u64`.
#[inline]
pub fn isqrt(s: u64) -> u64 {
    // The f64 square root is within a few units of the answer for any u64; the two loops make
    // it exact (they run at most a couple of times). Comparisons in u128 cannot overflow.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative guess below 2^32; corrected exactly below"
    )]
    let mut r = (s as f64).sqrt() as u64;
    while u128::from(r) * u128::from(r) > u128::from(s) {
        r -= 1;
    }
    while u128::from(r + 1) * u128::from(r + 1) <= u128::from(s) {
        r += 1;
    }
    r
}

/// `round(sqrt(s))` (see the module docs).
#[inline]
pub fn round_sqrt(s: u64) -> u64 {
    let f = isqrt(s);
    if s - f * f > f { f + 1 } else { f }
}

/// The edge cost `d(a, b)` of the module docs.
#[inline]
pub fn distance(a: Point, b: Point) -> u64 {
    round_sqrt(squared_distance(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_distances() {
        assert_eq!(distance(Point::new(0, 0), Point::new(3, 4)), 5);
        assert_eq!(distance(Point::new(0, 0), Point::new(1, 1)), 1); // 1.414
        assert_eq!(distance(Point::new(0, 0), Point::new(1, 2)), 2); // 2.236
        assert_eq!(distance(Point::new(0, 0), Point::new(2, 3)), 4); // 3.606
        assert_eq!(distance(Point::new(5, 5), Point::new(5, 5)), 0);
        let far = distance(
            Point::new(-COORD_MAX, -COORD_MAX),
            Point::new(COORD_MAX, COORD_MAX),
        );
        // 2e9 * sqrt(2) = 2828427124.746...
        assert_eq!(far, 2_828_427_125);
    }

    #[test]
    fn isqrt_edges() {
        for s in 0..10_000u64 {
            let r = isqrt(s);
            assert!(r * r <= s && (r + 1) * (r + 1) > s, "{s}");
        }
        assert_eq!(isqrt(u64::MAX), u64::from(u32::MAX));
        assert_eq!(isqrt((1 << 62) - 1), (1 << 31) - 1);
    }

    proptest! {
        #[test]
        fn isqrt_is_floor(s in any::<u64>()) {
            let r = u128::from(isqrt(s));
            prop_assert!(r * r <= u128::from(s));
            prop_assert!((r + 1) * (r + 1) > u128::from(s));
        }

        #[test]
        fn round_sqrt_is_nearest(s in 0u64..8_000_000_000_000_000_000) {
            let r = round_sqrt(s);
            // |r - sqrt(s)| < 1/2  <=>  (2r - 1)^2 < 4s < (2r + 1)^2
            let four_s = 4 * u128::from(s);
            let lo = (2 * u128::from(r)).saturating_sub(1);
            prop_assert!(r == 0 || lo * lo < four_s);
            prop_assert!(four_s < (2 * u128::from(r) + 1).pow(2));
        }

        #[test]
        fn distance_is_symmetric(ax in -COORD_MAX..=COORD_MAX, ay in -COORD_MAX..=COORD_MAX,
                                 bx in -COORD_MAX..=COORD_MAX, by in -COORD_MAX..=COORD_MAX) {
            let (a, b) = (Point::new(ax, ay), Point::new(bx, by));
            prop_assert_eq!(distance(a, b), distance(b, a));
        }
    }
}
