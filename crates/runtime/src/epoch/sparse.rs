//! The production epoch on sparse rows (`epoch_mechanism`; yuma spec §3).

use super::input::EpochInput;
use super::math::{
    self, SparseMatrix, collect_row, inplace_normalize, interpolate_sparse, is_topk_nonzero,
    u16_proportion_to_fixed, u16_to_fixed, vec_mul, weighted_median_col_sparse,
};
use super::output::EpochOutput;
use super::stake::{self, Terms};
use agora_primitives::I32F32;
use agora_primitives::fixed::fixed_proportion_to_u16;

/// Runs the production (sparse) epoch on `input` and returns what the chain stores.
///
/// Follows `epoch_mechanism` step by step (yuma spec §3.1–§3.12), with the subnet-owner
/// exceptions (forced permit, stake-threshold exemption, kept self-weight) and the optional
/// commit-reveal mask.
pub fn run_sparse(input: &EpochInput) -> EpochOutput {
    let n = input.n;
    let nu = usize::from(n);
    let current_block = input.current_block;

    // §3.1 activity.
    let cutoff = input.activity_cutoff_blocks();
    let last_update = input.padded_last_update();
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|&u| u.saturating_add(cutoff) < current_block)
        .collect();
    let active: Vec<bool> = inactive.iter().map(|&b| !b).collect();
    // §3.2 registration blocks.
    let registered = input.registration_blocks();

    // §3.3 stake, with the owner exempt from the threshold.
    let total_stake = stake::total_stake(input);
    let owner = input.owner_uid;
    let stake = stake::normalized_stake(&total_stake, input.stake_threshold, owner);

    // §3.4 permits: the stored ones (owner forced) mask this epoch; top-k decides the next.
    let mut permits = input.validator_permit.clone();
    if let Some(cell) = owner.and_then(|o| permits.get_mut(usize::from(o))) {
        *cell = true;
    }
    let forbids: Vec<bool> = permits.iter().map(|&p| !p).collect();
    let mut new_permits = is_topk_nonzero(&stake, usize::from(input.max_allowed_validators));
    if let Some(cell) = owner.and_then(|o| new_permits.get_mut(usize::from(o))) {
        *cell = true;
    }

    // §3.5 active stake.
    let active_stake = stake::active_stake(&stake, &inactive, &forbids);

    // §3.6 weights: W1 permitted rows, W2 diagonal, W3 outdated, W4 commit-reveal, W5 rows.
    let commit_blocks = input.commit_blocks.as_ref().map(|blocks| {
        (0..nu)
            .map(|i| blocks.get(i).copied().unwrap_or(u64::MAX))
            .collect::<Vec<u64>>()
    });
    let weights = masked_weights(
        input,
        &forbids,
        &last_update,
        &registered,
        commit_blocks.as_deref(),
    );

    // §3.7 consensus; §3.8 clipping, validator trust, incentive.
    let kappa = u16_proportion_to_fixed(input.kappa);
    let consensus = weighted_median_col_sparse(&active_stake, &weights, n, kappa);
    let (clipped, validator_trust, mut incentive) =
        clip_trust_ranks(&weights, &consensus, &active_stake, nu);
    inplace_normalize(&mut incentive);

    // §3.9 weights for bonds.
    let penalty = u16_proportion_to_fixed(input.bonds_penalty);
    // Penalty 0 and 1 select a matrix unchanged (the reference returns a copy), so borrow it.
    let interpolated;
    let weights_for_bonds: &SparseMatrix = if penalty == I32F32::from_bits(0) {
        &weights
    } else if penalty == I32F32::from_bits(1 << 32) {
        &clipped
    } else {
        interpolated = interpolate_sparse(&weights, &clipped, n, penalty);
        &interpolated
    };

    // §3.10 bonds and dividends.
    let last_tempo = input.last_tempo();
    let (dividends, ema_bonds) = if input.yuma3_enabled {
        // Stored Yuma3 bonds are absolute proportions: b / 65535.
        let bonds = read_bonds(
            input,
            last_tempo,
            &registered,
            u16_proportion_to_fixed,
            &mut [],
        );
        let mut sums = vec![I32F32::from_bits(0); nu];
        let ema = yuma3_ema(input, weights_for_bonds, &bonds, &consensus, &mut sums);
        // D_i = A_i × Σ_j (B'_ij / Σ_k B'_kj) × I_j. The reference normalises a copy of B',
        // multiplies by I dropping exactly-zero products, and sums each row (wrapping); a zero
        // term cannot change a sum, so the row sums are taken directly.
        let divisors: Vec<math::FixedDivisor> =
            sums.iter().map(|&d| math::FixedDivisor::new(d)).collect();
        let per_validator: Vec<I32F32> = ema
            .iter()
            .map(|row| {
                let mut acc: i64 = 0;
                for &(j, b) in row {
                    let ju = usize::from(j);
                    let normalized = match divisors.get(ju) {
                        Some(d) if d.divisor().to_bits() != 0 => d.safe_div(b),
                        _ => b,
                    };
                    if let Some(&inc) = incentive.get(ju) {
                        acc = acc.wrapping_add(math::mul_sat(normalized, inc).to_bits());
                    }
                }
                I32F32::from_bits(acc)
            })
            .collect();
        let mut dividends = vec_mul(&per_validator, &active_stake);
        inplace_normalize(&mut dividends);
        (dividends, ema)
    } else {
        original_yuma_bonds(
            input,
            weights_for_bonds,
            &active_stake,
            &incentive,
            last_tempo,
            &registered,
        )
    };

    // §3.11–§3.12 emission and what is stored.
    let mut out = stake::finish(
        input,
        Terms {
            total_stake,
            stake,
            active_stake,
            active,
            new_permits: new_permits.clone(),
            consensus,
            validator_trust,
            incentive,
            dividends,
        },
    );
    out.bonds = (0..nu)
        .map(|uid| {
            if new_permits.get(uid).copied().unwrap_or(false) {
                ema_bonds
                    .get(uid)
                    .map(|row| {
                        row.iter()
                            .map(|&(j, b)| (j, fixed_proportion_to_u16(b)))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                Vec::new()
            }
        })
        .collect();
    out.fixed.ema_bonds = ema_bonds;
    out
}

/// Clipping at consensus, validator trust and ranks (yuma spec §3.8) in one pass over the
/// weights: each clipped row is produced as `col_clip_sparse` would, its (wrapping) sum is the
/// validator's trust as in `row_sum_sparse`, and its entries are added to the ranks in the
/// same row-major order as `matmul_sparse`.
fn clip_trust_ranks(
    weights: &SparseMatrix,
    consensus: &[I32F32],
    active_stake: &[I32F32],
    columns: usize,
) -> (SparseMatrix, Vec<I32F32>, Vec<I32F32>) {
    let zero = I32F32::from_bits(0);
    let mut ranks = vec![zero; columns];
    let mut trust = Vec::with_capacity(weights.len());
    let clipped = weights
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let scale = active_stake.get(i).copied().unwrap_or(zero);
            let mut out = Vec::with_capacity(row.len());
            let mut sum: i64 = 0;
            for &(j, v) in row {
                let ju = usize::from(j);
                let threshold = consensus.get(ju).copied().unwrap_or(zero);
                let kept = if math::lt(threshold, v) {
                    // Clipped down to consensus, or dropped when consensus is not positive.
                    if threshold.to_bits() > 0 {
                        threshold
                    } else {
                        continue;
                    }
                } else {
                    v
                };
                out.push((j, kept));
                sum = sum.wrapping_add(kept.to_bits());
                if let Some(r) = ranks.get_mut(ju) {
                    *r = math::sat_add(*r, math::mul_sat(scale, kept));
                }
            }
            trust.push(I32F32::from_bits(sum));
            out
        })
        .collect();
    (clipped, trust, ranks)
}

/// `Weights` rows `0..n` (entries for uids `< n`, values as I32F32 integers) after the masks
/// W1–W4 of yuma spec §3.6, applied in one pass, and row-normalised (W5). Each mask only drops whole rows or single
/// entries, so fusing them gives the same matrix as applying them one after another:
/// W1 rows of uids without a stored permit (or beyond the permit vector) are emptied;
/// W2 self-weights are dropped except the owner's; W3 weights set no later than the target's
/// registration are dropped (`last_update ≤ registered`); W4, with commit-reveal on, weights on
/// uids registered after the validator's earliest live commit are dropped.
fn masked_weights(
    input: &EpochInput,
    forbids: &[bool],
    last_update: &[u64],
    registered: &[u64],
    commit_blocks: Option<&[u64]>,
) -> SparseMatrix {
    let n = input.n;
    (0..usize::from(n))
        .map(|i| {
            let Some(row) = input.weights.get(i) else {
                return Vec::new();
            };
            if forbids.get(i).copied().unwrap_or(true) {
                return Vec::new();
            }
            let keeps_self = input.owner_uid.is_some_and(|o| usize::from(o) == i);
            let updated = last_update.get(i).copied().unwrap_or(0);
            let committed = commit_blocks.map(|c| c.get(i).copied().unwrap_or(u64::MAX));
            let mut row = collect_row(
                row.len(),
                row.iter()
                    .filter(|&&(j, _)| {
                        let ju = usize::from(j);
                        let reg = registered.get(ju).copied().unwrap_or(0);
                        j < n
                            && (ju != i || keeps_self)
                            && updated > reg
                            && committed.is_none_or(|c| c >= reg)
                    })
                    .map(|&(j, w)| (j, u16_to_fixed(w))),
            );
            // W5: divide the row by its (wrapping) sum where that sum is positive, as
            // `inplace_row_normalize_sparse` does, while the row is still in cache.
            let total = I32F32::from_bits(
                row.iter()
                    .fold(0i64, |acc, &(_, w)| acc.wrapping_add(w.to_bits())),
            );
            if total > I32F32::from_bits(0) {
                let divisor = math::FixedDivisor::new(total);
                for (_, w) in row.iter_mut() {
                    *w = divisor.safe_div(*w);
                }
            }
            row
        })
        .collect()
}

/// `Bonds` rows `0..n` with each stored u16 converted by `value`, without the entries of
/// recently registered columns (`last_tempo ≤ registered`, yuma spec §3.10), adding every
/// entry to `col_sums` (row-major order, see `math::add_col_sums`). The reference
/// does not filter bond columns `≥ n` here; their registration block reads as 0.
fn read_bonds(
    input: &EpochInput,
    last_tempo: u64,
    registered: &[u64],
    value: impl Fn(u16) -> I32F32,
    col_sums: &mut [I32F32],
) -> SparseMatrix {
    (0..usize::from(input.n))
        .map(|i| {
            input.bonds.get(i).map_or_else(Vec::new, |row| {
                let row = collect_row(
                    row.len(),
                    row.iter()
                        .filter(|&&(j, _)| {
                            last_tempo > registered.get(usize::from(j)).copied().unwrap_or(0)
                        })
                        .map(|&(j, b)| (j, value(b))),
                );
                math::add_col_sums(col_sums, &row);
                row
            })
        })
        .collect()
}

/// Original Yuma bonds and dividends (yuma spec §3.10a), returning the dividends and the
/// column max-upscaled EMA bonds.
///
/// The reference builds ΔB and normalises it and B by columns before the EMA, then normalises
/// B' and computes dividends and column maxima in separate passes. Here the column sums of B
/// and ΔB are taken first, the divisions happen inside the EMA loop where each value is used
/// (ΔB's entries are recomputed there rather than stored), and B''s normalisation, the
/// dividends' dot products and the column maxima share one pass. Every value is computed by
/// the same operations in the same order as in the reference, so the results are identical.
fn original_yuma_bonds(
    input: &EpochInput,
    weights_for_bonds: &SparseMatrix,
    active_stake: &[I32F32],
    incentive: &[I32F32],
    last_tempo: u64,
    registered: &[u64],
) -> (Vec<I32F32>, SparseMatrix) {
    let zero = I32F32::from_bits(0);
    let nu = usize::from(input.n);

    // B: stored bonds as integers without recently registered columns, and their column sums.
    let mut bond_sums = vec![zero; nu];
    let bonds = read_bonds(input, last_tempo, registered, u16_to_fixed, &mut bond_sums);
    // ΔB = W_b ⊙ A by row: its column sums now; the entries are recomputed where used.
    let mut delta_sums = vec![zero; nu];
    for (row, &scale) in weights_for_bonds.iter().zip(active_stake) {
        for &(j, v) in row {
            if let Some(s) = delta_sums.get_mut(usize::from(j)) {
                *s = math::sat_add(*s, math::mul_sat(v, scale));
            }
        }
    }
    let bond_divisors: Vec<math::FixedDivisor> = bond_sums
        .iter()
        .map(|&d| math::FixedDivisor::new(d))
        .collect();
    let delta_divisors: Vec<math::FixedDivisor> = delta_sums
        .iter()
        .map(|&d| math::FixedDivisor::new(d))
        .collect();
    let normalized = |divisors: &[math::FixedDivisor], j: usize, x: I32F32| match divisors.get(j) {
        Some(d) if d.divisor().to_bits() != 0 => d.safe_div(x),
        _ => x,
    };

    // B' = EMA(ΔB normalised, B normalised): `mat_ema_sparse` over rows the width of ΔB (one
    // per row of W_b that has a stake), accumulating B''s column sums as rows are emitted.
    let alpha = stake::ema_alpha(input.bonds_moving_average);
    let keep = I32F32::from_bits(1 << 32).saturating_sub(alpha);
    let rows = weights_for_bonds.len().min(active_stake.len());
    let mut acc = vec![zero; rows];
    let mut sums = vec![zero; nu];
    let mut ema: SparseMatrix = Vec::with_capacity(rows);
    for (i, (new_row, &scale)) in weights_for_bonds.iter().zip(active_stake).enumerate() {
        let old_row = bonds.get(i).map_or(&[][..], Vec::as_slice);
        if new_row.is_empty() && old_row.is_empty() {
            ema.push(Vec::new());
            continue;
        }
        for &(j, v) in new_row {
            let ju = usize::from(j);
            let delta = normalized(&delta_divisors, ju, math::mul_sat(v, scale));
            if let Some(c) = acc.get_mut(ju) {
                *c = math::sat_add(*c, math::mul_sat(alpha, delta));
            }
        }
        for &(j, b) in old_row {
            let ju = usize::from(j);
            if let Some(c) = acc.get_mut(ju) {
                *c = math::sat_add(*c, math::mul_sat(keep, normalized(&bond_divisors, ju, b)));
            }
        }
        let mut out = Vec::with_capacity(new_row.len().max(old_row.len()));
        for (j, c) in acc.iter_mut().enumerate() {
            if c.to_bits() > 0 {
                out.push((u16::try_from(j).unwrap_or(u16::MAX), *c));
                if let Some(s) = sums.get_mut(j) {
                    *s = math::sat_add(*s, *c);
                }
            }
            *c = zero;
        }
        ema.push(out);
    }

    // B' column-normalised; D_i = Σ_j B'_ij I_j; column maxima for storage.
    let divisors: Vec<math::FixedDivisor> =
        sums.iter().map(|&d| math::FixedDivisor::new(d)).collect();
    let mut col_max = vec![I32F32::from_bits(0); nu];
    let mut dividends = Vec::with_capacity(ema.len());
    for row in &mut ema {
        let mut acc = I32F32::from_bits(0);
        for (j, v) in row.iter_mut() {
            let ju = usize::from(*j);
            if let Some(d) = divisors.get(ju)
                && d.divisor().to_bits() != 0
            {
                *v = d.safe_div(*v);
            }
            acc = math::sat_add(
                acc,
                math::mul_sat(incentive.get(ju).copied().unwrap_or_default(), *v),
            );
            if let Some(m) = col_max.get_mut(ju)
                && math::lt(*m, *v)
            {
                *m = *v;
            }
        }
        dividends.push(acc);
    }
    inplace_normalize(&mut dividends);
    math::divide_cols_sparse(&mut ema, &col_max);
    (dividends, ema)
}

/// The Yuma3 bond EMA (yuma spec §3.10b): liquid alpha when enabled and consensus is not all
/// zero, the plain EMA otherwise. Adds the result's entries to `col_sums` (row-major order).
fn yuma3_ema(
    input: &EpochInput,
    weights: &SparseMatrix,
    bonds: &SparseMatrix,
    consensus: &[I32F32],
    col_sums: &mut [I32F32],
) -> SparseMatrix {
    let liquid = input.liquid_alpha_enabled && consensus.iter().any(|&c| c != I32F32::from_bits(0));
    if !liquid {
        return math::mat_ema_sparse_summing(
            weights,
            bonds,
            stake::ema_alpha(input.bonds_moving_average),
            col_sums,
        );
    }
    let ema = super::liquid::liquid_alpha_ema_sparse(input, weights, bonds, consensus);
    for row in &ema {
        math::add_col_sums(col_sums, row);
    }
    ema
}
