//! From verified answers to weights: per-round rewards, EMA smoothing, and a sharpening that
//! turns smoothed scores into `u16` weights. All integer arithmetic (scores in ppm), so two
//! validators with the same answers compute the same weights.
//!
//! # Round reward
//! `best` = the least cost among the validator's own baseline and every valid answer. A valid
//! answer of cost `c` earns `reward = floor(best · 10⁶ / c)` ppm (so 10⁶ for the best answer,
//! `10⁶/(1+gap)` otherwise; a cost of 0 can only be the best and earns 10⁶). An invalid, late
//! or missing answer earns 0.
//!
//! # Smoothing
//! `score ← round((α·reward + (10⁶ − α)·score) / 10⁶)`, α in ppm (default 0.1, the subnet
//! template's `moving_average_alpha`). A uid whose hotkey changed starts again from 0.
//!
//! # Sharpening
//! `x = score / max score` (the best miner gets 1), `w = x^P` with `P` = [`Sharpening::exponent`]
//! (default 8), and the `u16` weight is `round(65535 · w)`; zero weights are left out. With
//! P = 8 a miner 5% behind the best keeps 66% of the best's weight, 10% behind 43%, 20%
//! behind 17%, and a lazy miner at 30% of the best's quality ≈ 0. The power keeps the order
//! of the scores (so the ranks of incentive follow quality) while making a small quality lead
//! a large reward lead. `x` is computed in 32-bit binary fixed point and powered by repeated
//! squaring with round-to-nearest at every step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// 1 in parts per million.
pub const PPM: u64 = 1_000_000;

/// How one miner's answer in a round ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A verified solution of this cost, in time.
    Valid {
        /// Its cost.
        cost: u64,
    },
    /// A solution the verifier rejected, or a malformed response.
    Invalid,
    /// No answer within the time limit.
    Late,
    /// No answer at all (unreachable, error status).
    Missing,
}

/// The reward of each answer (see the module docs); `baseline` is the validator's own cost.
pub fn round_rewards(baseline: Option<u64>, answers: &[(u16, Answer)]) -> Vec<(u16, u64)> {
    let best = answers
        .iter()
        .filter_map(|(_, a)| match a {
            Answer::Valid { cost } => Some(*cost),
            _ => None,
        })
        .chain(baseline)
        .min();
    answers
        .iter()
        .map(|&(uid, a)| {
            let reward = match (a, best) {
                (Answer::Valid { cost: 0 }, _) => PPM,
                (Answer::Valid { cost }, Some(best)) => {
                    let r = u128::from(best) * u128::from(PPM) / u128::from(cost);
                    u64::try_from(r).unwrap_or(PPM).min(PPM)
                }
                _ => 0,
            };
            (uid, reward)
        })
        .collect()
}

/// One EMA step (see the module docs); `alpha` in ppm, at most 10⁶.
pub fn ema(score: u64, reward: u64, alpha: u64) -> u64 {
    let alpha = u128::from(alpha.min(PPM));
    let v = (alpha * u128::from(reward.min(PPM))
        + (u128::from(PPM) - alpha) * u128::from(score.min(PPM))
        + u128::from(PPM / 2))
        / u128::from(PPM);
    u64::try_from(v).unwrap_or(PPM)
}

/// A miner's smoothed score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The hotkey the score belongs to (SS58).
    pub hotkey: String,
    /// Smoothed score in ppm.
    pub score: u64,
}

/// Smoothed scores by uid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreBook {
    /// Entries by uid.
    pub entries: BTreeMap<u16, Entry>,
}

impl ScoreBook {
    /// Folds a round's rewards in. `hotkey_of(uid)` gives the uid's current hotkey; a changed
    /// hotkey resets the score first. Uids not in `rewards` keep their score.
    pub fn apply(&mut self, rewards: &[(u16, u64)], alpha: u64, hotkey_of: impl Fn(u16) -> String) {
        for &(uid, reward) in rewards {
            let hotkey = hotkey_of(uid);
            let entry = self.entries.entry(uid).or_insert_with(|| Entry {
                hotkey: hotkey.clone(),
                score: 0,
            });
            if entry.hotkey != hotkey {
                *entry = Entry { hotkey, score: 0 };
            }
            entry.score = ema(entry.score, reward, alpha);
        }
    }

    /// Forgets uids whose hotkey is no longer `hotkey_of(uid)` (`None`: uid gone).
    pub fn retain_current(&mut self, hotkey_of: impl Fn(u16) -> Option<String>) {
        self.entries
            .retain(|uid, e| hotkey_of(*uid).is_some_and(|h| h == e.hotkey));
    }
}

/// The score-to-weight sharpening (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharpening {
    /// The power `P`; 1 is proportional weights.
    pub exponent: u32,
}

impl Default for Sharpening {
    fn default() -> Self {
        Self { exponent: 8 }
    }
}

const FRAC: u32 = 32;
const FIX_ONE: u128 = 1 << FRAC;

fn mul_round(a: u128, b: u128) -> u128 {
    (a * b + (FIX_ONE >> 1)) >> FRAC
}

fn pow_fixed(mut base: u128, mut exp: u32) -> u128 {
    let mut acc = FIX_ONE;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul_round(acc, base);
        }
        base = mul_round(base, base);
        exp >>= 1;
    }
    acc
}

impl Sharpening {
    /// `u16` weights for `scores` (uid, ppm), uids ascending, zero weights left out. Empty if
    /// every score is 0.
    pub fn weights(&self, scores: &[(u16, u64)]) -> Vec<(u16, u16)> {
        let max = scores.iter().map(|s| s.1).max().unwrap_or(0);
        if max == 0 {
            return Vec::new();
        }
        let mut out: Vec<(u16, u16)> = scores
            .iter()
            .filter_map(|&(uid, s)| {
                let x = (u128::from(s.min(max)) << FRAC) / u128::from(max);
                let w = pow_fixed(x, self.exponent);
                let v = (w * 65_535 + (FIX_ONE >> 1)) >> FRAC;
                let v = u16::try_from(v).unwrap_or(u16::MAX);
                (v > 0).then_some((uid, v))
            })
            .collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rewards_against_the_best_known() {
        let answers = [
            (0, Answer::Valid { cost: 1000 }),
            (1, Answer::Valid { cost: 1250 }),
            (2, Answer::Invalid),
            (3, Answer::Late),
            (4, Answer::Missing),
        ];
        assert_eq!(
            round_rewards(Some(1100), &answers),
            vec![(0, PPM), (1, 800_000), (2, 0), (3, 0), (4, 0)]
        );
        // The baseline is better than everyone: nobody gets the full reward.
        assert_eq!(
            round_rewards(Some(500), &answers[..2]),
            vec![(0, 500_000), (1, 400_000)]
        );
        // No valid answer and no baseline: all zero.
        assert_eq!(round_rewards(None, &answers[2..3]), vec![(2, 0)]);
        assert_eq!(
            round_rewards(Some(0), &[(9, Answer::Valid { cost: 0 })]),
            vec![(9, PPM)]
        );
    }

    #[test]
    fn ema_steps() {
        assert_eq!(ema(0, PPM, 100_000), 100_000);
        assert_eq!(ema(100_000, PPM, 100_000), 190_000);
        assert_eq!(ema(PPM, 0, 100_000), 900_000);
        assert_eq!(ema(5, 5, 100_000), 5);
        // Rounds to nearest: 0.1 * 1 + 0.9 * 0 = 0.1 -> 0; 0.1 * 5 = 0.5 -> 1.
        assert_eq!(ema(0, 1, 100_000), 0);
        assert_eq!(ema(0, 5, 100_000), 1);
    }

    #[test]
    fn score_book_resets_replaced_hotkeys() {
        let mut book = ScoreBook::default();
        book.apply(&[(1, PPM), (2, PPM)], 500_000, |u| format!("hk{u}"));
        assert_eq!(book.entries[&1].score, 500_000);
        book.apply(&[(1, PPM)], 500_000, |u| format!("new{u}"));
        assert_eq!(book.entries[&1].score, 500_000);
        assert_eq!(book.entries[&1].hotkey, "new1");
        assert_eq!(book.entries[&2].score, 500_000);
        book.retain_current(|u| (u == 1).then(|| "new1".to_owned()));
        assert_eq!(book.entries.keys().copied().collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn sharpening_figures() {
        let s = Sharpening::default();
        let w = s.weights(&[
            (0, 1_000_000),
            (1, 950_000),
            (2, 800_000),
            (3, 300_000),
            (4, 0),
        ]);
        // 0.95^8 = 0.6634, 0.8^8 = 0.1678, 0.3^8 = 0.0000656
        assert_eq!(w, vec![(0, 65_535), (1, 43_477), (2, 10_995), (3, 4)]);
        assert_eq!(
            Sharpening { exponent: 1 }.weights(&[(0, 500), (1, 250)]),
            vec![(0, 65_535), (1, 32_768)]
        );
        assert!(s.weights(&[(0, 0), (1, 0)]).is_empty());
        assert!(s.weights(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn ema_stays_between_score_and_reward(s in 0..=PPM, r in 0..=PPM, a in 0..=PPM) {
            let e = ema(s, r, a);
            prop_assert!(e >= s.min(r) && e <= s.max(r));
        }

        #[test]
        fn reward_is_bounded_and_monotone(best in 1u64..1_000_000_000, extra1 in 0u64..1_000_000_000, extra2 in 0u64..1_000_000_000) {
            let (a, b) = (best + extra1.min(extra2), best + extra1.max(extra2));
            let r = round_rewards(Some(best), &[(0, Answer::Valid { cost: a }), (1, Answer::Valid { cost: b })]);
            prop_assert!(r[0].1 <= PPM && r[1].1 <= r[0].1);
        }

        /// Sharpening keeps the order of scores, gives the best 65535, and (for P > 1) widens
        /// every gap relative to proportional weights.
        #[test]
        fn sharpening_is_monotone_and_sharper(scores in proptest::collection::vec(0..=PPM, 1..40), p in 1u32..16) {
            let input: Vec<(u16, u64)> = scores.iter().enumerate().map(|(i, &s)| (i as u16, s)).collect();
            let w: BTreeMap<u16, u16> = Sharpening { exponent: p }.weights(&input).into_iter().collect();
            let lin: BTreeMap<u16, u16> = Sharpening { exponent: 1 }.weights(&input).into_iter().collect();
            let get = |m: &BTreeMap<u16, u16>, u: u16| m.get(&u).copied().unwrap_or(0);
            if input.iter().any(|s| s.1 > 0) {
                prop_assert_eq!(w.values().copied().max(), Some(65_535));
            }
            for a in &input {
                for b in &input {
                    if a.1 >= b.1 {
                        prop_assert!(get(&w, a.0) >= get(&w, b.0));
                    }
                }
                prop_assert!(get(&w, a.0) <= get(&lin, a.0));
            }
        }
    }
}
