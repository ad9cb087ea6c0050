//! Post-processing of sweeps for the reproduced studies.
//!
//! [`retention_thresholds`] turns a grid over honest stake `S_H`, honest utility `W_H` and
//! cabal self-weight `W_C` (subtensor `docs/consensus.md`, "Consensus guarantees") into the
//! retention profile: for each `S_H`, the least honest utility at which the honest side's
//! emission share is at least its stake share whatever weight the cabal gives itself.

use std::collections::BTreeMap;

/// One cell of a retention grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetentionPoint {
    /// Honest stake share `S_H`.
    pub honest_stake: f64,
    /// Honest utility `W_H` (the honest miners' share of true quality).
    pub honest_utility: f64,
    /// Cabal self-weight `W_C`.
    pub cabal_self_weight: f64,
    /// Honest emission share `E_H` the epoch gave.
    pub honest_emission: f64,
}

/// Keys floats for grouping (grid values are exact decimal literals).
fn key(x: f64) -> i64 {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "grid values are small decimals"
    )]
    let k = (x * 1e6).round() as i64;
    k
}

/// Honest utility key → (utility, worst honest emission over cabal self-weights).
type ByUtility = BTreeMap<i64, (f64, f64)>;

/// For each honest stake, the smallest honest utility `W_H` such that at `W_H` and at every
/// larger utility in the grid, `E_H ≥ S_H` for every cabal self-weight; `None` if even the
/// largest utility fails. Sorted by honest stake.
pub fn retention_thresholds(points: &[RetentionPoint]) -> Vec<(f64, Option<f64>)> {
    // honest stake → honest utility → worst honest emission over cabal self-weights.
    let mut worst: BTreeMap<i64, (f64, ByUtility)> = BTreeMap::new();
    for p in points {
        let by_stake = worst
            .entry(key(p.honest_stake))
            .or_insert((p.honest_stake, BTreeMap::new()));
        let cell = by_stake
            .1
            .entry(key(p.honest_utility))
            .or_insert((p.honest_utility, f64::INFINITY));
        cell.1 = cell.1.min(p.honest_emission);
    }
    worst
        .into_values()
        .map(|(s_h, by_utility)| {
            let mut threshold = None;
            for (w_h, e_h) in by_utility.values().rev() {
                if *e_h >= s_h {
                    threshold = Some(*w_h);
                } else {
                    break;
                }
            }
            (s_h, threshold)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: f64, w: f64, c: f64, e: f64) -> RetentionPoint {
        RetentionPoint {
            honest_stake: s,
            honest_utility: w,
            cabal_self_weight: c,
            honest_emission: e,
        }
    }

    #[test]
    fn threshold_is_the_least_utility_retained_from_there_up() {
        let pts = [
            p(0.6, 0.5, 0.5, 0.55),
            p(0.6, 0.5, 1.0, 0.50),
            p(0.6, 0.7, 0.5, 0.65),
            p(0.6, 0.7, 1.0, 0.58), // worst case fails at 0.7
            p(0.6, 0.8, 0.5, 0.70),
            p(0.6, 0.8, 1.0, 0.61),
            p(0.6, 0.9, 1.0, 0.66),
            p(0.9, 0.9, 1.0, 0.80),
        ];
        let t = retention_thresholds(&pts);
        assert_eq!(t, vec![(0.6, Some(0.8)), (0.9, None)]);
    }
}
