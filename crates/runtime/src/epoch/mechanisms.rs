//! Several incentive mechanisms in one subnet, and the bonds reset (yuma spec §8, §3.10d).
//!
//! A subnet can run up to `MaxMechanismCount` independent epochs ("mechanisms"), each with its
//! own weights, bonds and `LastUpdate` but sharing stake and validator permits. The subnet's
//! emission is split between them, each runs the sparse epoch on its share, and the per-uid
//! results are combined into the subnet-level values the chain stores (`epoch_with_mechanisms`
//! and `split_emissions` in the reference's `subnets/mechanism.rs`).

use super::input::EpochInput;
use super::output::EpochOutput;
use super::sparse::run_sparse;
use agora_primitives::{SafeDiv, U64F64};

/// Splits `total` between `count` mechanisms (yuma spec §8, `split_emissions`).
///
/// Without a split each gets `floor(total / count)`; with one, mechanism `k` gets
/// `floor(total × split[k] / 65535)` (the split is cut or zero-padded to `count` entries). What
/// rounding leaves over goes to mechanism 0.
pub fn split_emissions(total: u64, count: usize, split: Option<&[u16]>) -> Vec<u64> {
    let mut shares: Vec<u64> = match split {
        Some(split) => split
            .iter()
            .map(|&s| {
                let share = u128::from(total).saturating_mul(u128::from(s)) / u128::from(u16::MAX);
                // At most `total`, since s ≤ 65535.
                u64::try_from(share).unwrap_or(u64::MAX)
            })
            .collect(),
        None => {
            let per = u64::try_from(count).map_or(0, |c| total.safe_div(c));
            vec![per; count]
        }
    };
    shares.resize(count, 0);
    // The reference sums with `Iterator::sum`, which wraps in its release build.
    let distributed = shares.iter().fold(0u64, |acc, &s| acc.wrapping_add(s));
    if let Some(first) = shares.first_mut() {
        *first = first.saturating_add(total.saturating_sub(distributed));
    }
    shares
}

/// The subnet-level values stored after all mechanisms ran, per uid (yuma spec §8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubnetTerms {
    /// `Active`: active in any mechanism.
    pub active: Vec<bool>,
    /// `Emission`: combined emission, weighted by each mechanism's share of the emission.
    pub emission: Vec<u64>,
    /// `Consensus`, weighted.
    pub consensus: Vec<u16>,
    /// `Dividends`, weighted.
    pub dividends: Vec<u16>,
    /// `ValidatorTrust`, weighted.
    pub validator_trust: Vec<u16>,
    /// `ValidatorPermit`: permitted in any mechanism.
    pub validator_permit: Vec<bool>,
    /// `StakeWeight`, weighted.
    pub stake_weight: Vec<u16>,
    /// Server emission, summed over mechanisms (what the coinbase pays miners).
    pub server_emission: Vec<u64>,
    /// Validator emission, summed over mechanisms (what the coinbase pays validators).
    pub validator_emission: Vec<u64>,
    /// Incentive weighted by the first mechanism's share only, as the reference aggregates it
    /// (per-mechanism incentive is what the chain stores; see [`MechanismsOutput::mechanisms`]).
    pub incentive: Vec<u16>,
    /// Raw stake, summed over mechanisms (saturating).
    pub stake: Vec<u64>,
}

/// Everything one subnet epoch with mechanisms produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MechanismsOutput {
    /// The emission each mechanism was given.
    pub emissions: Vec<u64>,
    /// Each mechanism's own epoch output (its `Incentive` and `Bonds` are stored per mechanism).
    pub mechanisms: Vec<EpochOutput>,
    /// The combined per-uid values stored for the subnet.
    pub subnet: SubnetTerms,
}

/// Runs every mechanism of a subnet and combines their results (`epoch_with_mechanisms`).
///
/// `inputs[k]` is mechanism `k`'s state (its weights, bonds and `LastUpdate`; stake, permits and
/// hyperparameters shared); its `rao_emission` is replaced by the mechanism's share of
/// `total_emission` under `split`. Per uid of the subnet (`inputs[0].n`), server and validator
/// emission and stake are summed; dividends, stake weight, consensus, validator trust and
/// combined emission are summed weighted by `share_k / total_emission` (U64F64, floored; with
/// zero emission mechanism 0 weighs 1 and the others 0); `active` and the permit are OR-ed;
/// incentive is weighted by the first mechanism only. A uid a mechanism does not have (its `n`
/// is smaller) is skipped for that mechanism.
pub fn run_mechanisms(
    inputs: &[EpochInput],
    total_emission: u64,
    split: Option<&[u16]>,
) -> MechanismsOutput {
    let emissions = split_emissions(total_emission, inputs.len(), split);
    let mechanisms: Vec<EpochOutput> = inputs
        .iter()
        .zip(&emissions)
        .map(|(input, &share)| {
            let mut input = input.clone();
            input.rao_emission = share;
            run_sparse(&input)
        })
        .collect();
    let n = inputs.first().map_or(0, |i| usize::from(i.n));
    let total = U64F64::saturating_from_num(total_emission);
    let mut acc: Vec<Option<Terms>> = vec![None; n];
    for (k, (out, &share)) in mechanisms.iter().zip(&emissions).enumerate() {
        let fallback = U64F64::saturating_from_num(u8::from(k == 0));
        let weight = U64F64::saturating_from_num(share)
            .checked_div(total)
            .unwrap_or(fallback);
        for (uid, slot) in acc.iter_mut().enumerate() {
            if uid >= out.stake_weight.len() {
                continue;
            }
            let terms = Terms::of(out, uid);
            match slot {
                None => *slot = Some(Terms::first(&terms, weight)),
                Some(a) => a.add(&terms, weight),
            }
        }
    }
    let mut subnet = SubnetTerms::default();
    for a in acc.into_iter().map(Option::unwrap_or_default) {
        subnet.active.push(a.active);
        subnet.emission.push(a.emission);
        subnet.consensus.push(a.consensus);
        subnet.dividends.push(a.dividends);
        subnet.validator_trust.push(a.validator_trust);
        subnet.validator_permit.push(a.validator_permit);
        subnet.stake_weight.push(a.stake_weight);
        subnet.server_emission.push(a.server_emission);
        subnet.validator_emission.push(a.validator_emission);
        subnet.incentive.push(a.incentive);
        subnet.stake.push(a.stake);
    }
    MechanismsOutput {
        emissions,
        mechanisms,
        subnet,
    }
}

/// One uid's values: from one mechanism's epoch, or combined over mechanisms.
#[derive(Debug, Clone, Copy, Default)]
struct Terms {
    active: bool,
    emission: u64,
    consensus: u16,
    dividends: u16,
    validator_trust: u16,
    validator_permit: bool,
    stake_weight: u16,
    server_emission: u64,
    validator_emission: u64,
    incentive: u16,
    stake: u64,
}

impl Terms {
    fn of(out: &EpochOutput, uid: usize) -> Self {
        fn at<T: Copy + Default>(v: &[T], i: usize) -> T {
            v.get(i).copied().unwrap_or_default()
        }
        Self {
            active: at(&out.active, uid),
            emission: at(&out.emission, uid),
            consensus: at(&out.consensus, uid),
            dividends: at(&out.dividends, uid),
            validator_trust: at(&out.validator_trust, uid),
            validator_permit: at(&out.validator_permit, uid),
            stake_weight: at(&out.stake_weight, uid),
            server_emission: at(&out.server_emission, uid),
            validator_emission: at(&out.validator_emission, uid),
            incentive: at(&out.incentive, uid),
            stake: at(&out.stake, uid),
        }
    }
}

/// `floor(existing + added × weight)` in U64F64, saturating (the reference's `weighted_acc_*`).
fn weighted(existing: u64, added: u64, weight: U64F64) -> U64F64 {
    U64F64::saturating_from_num(existing)
        .saturating_add(U64F64::saturating_from_num(added).saturating_mul(weight))
}

fn weighted_u16(existing: u16, added: u16, weight: U64F64) -> u16 {
    weighted(u64::from(existing), u64::from(added), weight).saturating_to_num::<u16>()
}

fn weighted_u64(existing: u64, added: u64, weight: U64F64) -> u64 {
    weighted(existing, added, weight).saturating_to_num::<u64>()
}

impl Terms {
    /// The combination after the first mechanism that has this uid.
    fn first(t: &Self, w: U64F64) -> Self {
        Self {
            active: t.active,
            emission: weighted_u64(0, t.emission, w),
            consensus: weighted_u16(0, t.consensus, w),
            dividends: weighted_u16(0, t.dividends, w),
            validator_trust: weighted_u16(0, t.validator_trust, w),
            validator_permit: t.validator_permit,
            stake_weight: weighted_u16(0, t.stake_weight, w),
            server_emission: t.server_emission,
            validator_emission: t.validator_emission,
            incentive: weighted_u16(0, t.incentive, w),
            stake: t.stake,
        }
    }

    /// Adds a further mechanism's values.
    fn add(&mut self, t: &Self, w: U64F64) {
        self.validator_emission = self.validator_emission.saturating_add(t.validator_emission);
        self.server_emission = self.server_emission.saturating_add(t.server_emission);
        self.dividends = weighted_u16(self.dividends, t.dividends, w);
        self.stake_weight = weighted_u16(self.stake_weight, t.stake_weight, w);
        self.active |= t.active;
        self.emission = weighted_u64(self.emission, t.emission, w);
        self.consensus = weighted_u16(self.consensus, t.consensus, w);
        self.validator_trust = weighted_u16(self.validator_trust, t.validator_trust, w);
        self.validator_permit |= t.validator_permit;
        self.stake = self.stake.saturating_add(t.stake);
    }
}

/// Removes every bond on `uid` from stored bond rows (yuma spec §3.10d, `do_reset_bonds`).
///
/// The chain does this for every mechanism when `BondsResetOn` is set for the subnet and the
/// hotkey at `uid` publishes a metadata commitment; the epoch then sees the reset bonds.
pub fn reset_bonds(bonds: &mut [Vec<(u16, u16)>], uid: u16) {
    for row in bonds {
        row.retain(|&(j, _)| j != uid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_split_credits_the_remainder_to_mechanism_zero() {
        assert_eq!(split_emissions(10, 3, None), vec![4, 3, 3]);
        assert_eq!(split_emissions(9, 3, None), vec![3, 3, 3]);
        assert_eq!(split_emissions(0, 2, None), vec![0, 0]);
        assert_eq!(split_emissions(u64::MAX, 1, None), vec![u64::MAX]);
        assert!(split_emissions(5, 0, None).is_empty());
    }

    #[test]
    fn explicit_split_floors_each_share_and_pads() {
        // 65535 = 21845 × 3: thirds, floored, remainder to mechanism 0.
        assert_eq!(
            split_emissions(1000, 3, Some(&[21845, 21845, 21845])),
            vec![334, 333, 333]
        );
        // A short split is padded with zero shares; a long one is cut.
        assert_eq!(split_emissions(1000, 3, Some(&[65535])), vec![1000, 0, 0]);
        assert_eq!(split_emissions(1000, 1, Some(&[32768, 32767])), vec![1000]);
        // Shares summing above the total leave no remainder (saturating).
        assert_eq!(
            split_emissions(100, 2, Some(&[65535, 65535])),
            vec![100, 100]
        );
    }

    fn subnet(weights: Vec<Vec<(u16, u16)>>) -> EpochInput {
        EpochInput {
            n: 4,
            current_block: 1000,
            last_update: vec![990; 4],
            block_at_registration: vec![0; 4],
            alpha_stake: vec![600, 400, 0, 0],
            tao_stake: vec![0; 4],
            validator_permit: vec![true, true, false, false],
            weights,
            bonds: vec![Vec::new(); 4],
            rao_emission: 0,
            ..EpochInput::default()
        }
    }

    #[test]
    fn one_mechanism_stores_its_own_values() {
        let input = subnet(vec![
            vec![(2, 65535), (3, 20000)],
            vec![(2, 10000), (3, 65535)],
            vec![],
            vec![],
        ]);
        let out = run_mechanisms(std::slice::from_ref(&input), 1_000_000_000, None);
        let mut direct_input = input;
        direct_input.rao_emission = 1_000_000_000;
        let direct = run_sparse(&direct_input);
        assert_eq!(out.emissions, vec![1_000_000_000]);
        assert_eq!(out.mechanisms, vec![direct.clone()]);
        assert_eq!(out.subnet.dividends, direct.dividends);
        assert_eq!(out.subnet.consensus, direct.consensus);
        assert_eq!(out.subnet.validator_trust, direct.validator_trust);
        assert_eq!(out.subnet.stake_weight, direct.stake_weight);
        assert_eq!(out.subnet.incentive, direct.incentive);
        assert_eq!(out.subnet.emission, direct.emission);
        assert_eq!(out.subnet.server_emission, direct.server_emission);
        assert_eq!(out.subnet.validator_emission, direct.validator_emission);
        assert_eq!(out.subnet.validator_permit, direct.validator_permit);
        assert_eq!(out.subnet.active, direct.active);
        assert_eq!(out.subnet.stake, direct.stake);
    }

    #[test]
    fn two_mechanisms_combine_as_the_reference() {
        // Mechanism 0 rewards uid 2, mechanism 1 rewards uid 3.
        let m0 = subnet(vec![vec![(2, 65535)], vec![(2, 65535)], vec![], vec![]]);
        let m1 = subnet(vec![vec![(3, 65535)], vec![(3, 65535)], vec![], vec![]]);
        let total = 1_000_000;
        let out = run_mechanisms(&[m0, m1], total, Some(&[49151, 16384]));
        // floor(1e6 × 49151 / 65535) = 749_996, floor(1e6 × 16384 / 65535) = 250_003, and
        // the remainder 1 goes to mechanism 0.
        assert_eq!(out.emissions, vec![749_997, 250_003]);
        let (a, b) = (&out.mechanisms[0], &out.mechanisms[1]);
        // Emissions are summed per uid.
        for uid in 0..4 {
            assert_eq!(
                out.subnet.server_emission[uid],
                a.server_emission[uid] + b.server_emission[uid]
            );
            assert_eq!(
                out.subnet.validator_emission[uid],
                a.validator_emission[uid] + b.validator_emission[uid]
            );
        }
        assert!(out.subnet.server_emission[2] > out.subnet.server_emission[3]);
        // Shares are weighted by each mechanism's share of the emission, floored.
        let w0 = U64F64::from_num(749_997u64) / U64F64::from_num(total);
        let w1 = U64F64::from_num(250_003u64) / U64F64::from_num(total);
        let expect = |x: u16, y: u16| {
            let first = (U64F64::from_num(x) * w0).to_num::<u16>();
            (U64F64::from_num(first) + U64F64::from_num(y) * w1).to_num::<u16>()
        };
        for uid in 0..4 {
            assert_eq!(
                out.subnet.consensus[uid],
                expect(a.consensus[uid], b.consensus[uid])
            );
            assert_eq!(
                out.subnet.dividends[uid],
                expect(a.dividends[uid], b.dividends[uid])
            );
            assert_eq!(
                out.subnet.stake_weight[uid],
                expect(a.stake_weight[uid], b.stake_weight[uid])
            );
            // Incentive: only the first mechanism's, weighted.
            assert_eq!(
                out.subnet.incentive[uid],
                (U64F64::from_num(a.incentive[uid]) * w0).to_num::<u16>()
            );
            assert_eq!(out.subnet.stake[uid], a.stake[uid] + b.stake[uid]);
            assert_eq!(
                out.subnet.validator_permit[uid],
                a.validator_permit[uid] || b.validator_permit[uid]
            );
        }
    }

    #[test]
    fn zero_emission_weighs_mechanism_zero_fully() {
        let m0 = subnet(vec![vec![(2, 65535)], vec![(2, 65535)], vec![], vec![]]);
        let m1 = subnet(vec![vec![(3, 65535)], vec![(3, 65535)], vec![], vec![]]);
        let out = run_mechanisms(&[m0, m1], 0, None);
        assert_eq!(out.emissions, vec![0, 0]);
        assert_eq!(out.subnet.consensus, out.mechanisms[0].consensus);
        assert_eq!(out.subnet.dividends, out.mechanisms[0].dividends);
    }

    #[test]
    fn reset_removes_the_column_from_every_row() {
        let mut bonds = vec![vec![(3, 100), (4, 200)], vec![(4, 5)], vec![(3, 7)], vec![]];
        reset_bonds(&mut bonds, 3);
        assert_eq!(bonds, vec![vec![(4, 200)], vec![(4, 5)], vec![], vec![]]);
    }
}
