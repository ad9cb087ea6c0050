//! The dense epoch the reference keeps for tests (`epoch_dense_mechanism`; yuma spec §4).
//!
//! Same mechanism on full n × n matrices, with the differences the reference has: no owner
//! exceptions (the threshold applies to the owner, its permit is not forced, and the whole
//! diagonal is masked), no commit-reveal mask, masking by zeroing cells, and full-length bond
//! rows written for every uid with a new permit.

use super::input::EpochInput;
use super::math::{
    alpha_sigmoid, inplace_col_clip, inplace_col_max_upscale, inplace_col_normalize,
    inplace_mask_cols, inplace_mask_diag, inplace_mask_diag_except_index, inplace_mask_matrix,
    inplace_mask_rows, inplace_normalize, inplace_row_normalize, interpolate, is_topk_nonzero,
    mat_ema, mat_ema_alpha, mat_vec_mul, matmul, matmul_transpose, row_hadamard, row_sum,
    u16_proportion_to_fixed, u16_to_fixed, vec_mul, weighted_median_col,
};
use super::output::EpochOutput;
use super::stake::{self, Terms};
use agora_primitives::I32F32;
use agora_primitives::fixed::{fixed_proportion_to_u16, fixed_to_fixed_u16_proportion};

type Dense = Vec<Vec<I32F32>>;

const ZERO: I32F32 = I32F32::from_bits(0);

/// Runs the dense epoch on `input` and returns what the reference's dense variant stores.
/// `stake` in the output is filled for convenience; the reference's dense variant does not
/// report it. `input.commit_blocks` is ignored, as in the reference.
pub fn run_dense(input: &EpochInput) -> EpochOutput {
    let n = input.n;
    let nu = usize::from(n);
    let current_block = input.current_block;

    let cutoff = input.activity_cutoff_blocks();
    let last_update = input.padded_last_update();
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|&u| u.saturating_add(cutoff) < current_block)
        .collect();
    let active: Vec<bool> = inactive.iter().map(|&b| !b).collect();
    let registered = input.registration_blocks();
    let outdated: Vec<Vec<bool>> = last_update
        .iter()
        .map(|&u| registered.iter().map(|&r| u <= r).collect())
        .collect();
    let last_tempo = input.last_tempo();
    let recently_registered: Vec<bool> = registered.iter().map(|&r| last_tempo <= r).collect();

    let total_stake = stake::total_stake(input);
    let stake = stake::normalized_stake(&total_stake, input.stake_threshold, None);

    let permits = input.validator_permit.clone();
    let forbids: Vec<bool> = permits.iter().map(|&p| !p).collect();
    let new_permits = is_topk_nonzero(&stake, usize::from(input.max_allowed_validators));
    let active_stake = stake::active_stake(&stake, &inactive, &forbids);

    let mut weights = dense_matrix(&input.weights, n, u16_to_fixed);
    inplace_mask_rows(&forbids, &mut weights);
    match input.owner_uid {
        Some(o) => inplace_mask_diag_except_index(&mut weights, o),
        None => inplace_mask_diag(&mut weights),
    }
    // The reference masks the whole diagonal a second time, so the owner loses its
    // self-weight on this path (yuma spec §4 item 1).
    inplace_mask_diag(&mut weights);
    inplace_mask_matrix(&outdated, &mut weights);
    inplace_row_normalize(&mut weights);

    let kappa = u16_proportion_to_fixed(input.kappa);
    let consensus = weighted_median_col(&active_stake, &weights, kappa);
    let mut clipped = weights.clone();
    inplace_col_clip(&mut clipped, &consensus);
    let validator_trust = row_sum(&clipped);
    let mut incentive = matmul(&clipped, &active_stake);
    inplace_normalize(&mut incentive);

    let penalty = u16_proportion_to_fixed(input.bonds_penalty);
    let weights_for_bonds = interpolate(&weights, &clipped, penalty);

    let (dividends, ema_bonds) = if input.yuma3_enabled {
        let mut bonds = dense_matrix(&input.bonds, n, |b| {
            fixed_to_fixed_u16_proportion(u16_to_fixed(b))
        });
        inplace_mask_cols(&recently_registered, &mut bonds);
        let ema = compute_bonds_dense(input, &weights_for_bonds, &bonds, &consensus);
        let mut ema_norm = ema.clone();
        inplace_col_normalize(&mut ema_norm);
        let per_validator = row_sum(&mat_vec_mul(&ema_norm, &incentive));
        let mut dividends = vec_mul(&per_validator, &active_stake);
        inplace_normalize(&mut dividends);
        (dividends, ema)
    } else {
        let mut bonds = dense_matrix(&input.bonds, n, u16_to_fixed);
        inplace_mask_cols(&recently_registered, &mut bonds);
        inplace_col_normalize(&mut bonds);
        let mut delta = row_hadamard(&weights_for_bonds, &active_stake);
        inplace_col_normalize(&mut delta);
        let mut ema = mat_ema(&delta, &bonds, stake::ema_alpha(input.bonds_moving_average));
        inplace_col_normalize(&mut ema);
        let mut dividends = matmul_transpose(&ema, &incentive);
        inplace_normalize(&mut dividends);
        inplace_col_max_upscale(&mut ema);
        (dividends, ema)
    };

    let mut out = stake::finish(
        input,
        Terms {
            total_stake,
            stake,
            active_stake,
            active: active.clone(),
            new_permits: new_permits.clone(),
            consensus,
            validator_trust,
            incentive,
            dividends,
        },
    );

    // Stored bonds: the reference walks (new permit, old permit, EMA row) together, so rows the
    // walk does not reach, and rows with neither permit, keep their stored value.
    let mut bonds: Vec<Vec<(u16, u16)>> = (0..nu)
        .map(|i| input.bonds.get(i).cloned().unwrap_or_default())
        .collect();
    for (i, ((&new_permit, &old_permit), ema_row)) in
        new_permits.iter().zip(&permits).zip(&ema_bonds).enumerate()
    {
        let Some(slot) = bonds.get_mut(i) else { break };
        if new_permit {
            *slot = (0..n)
                .zip(ema_row.iter())
                .map(|(j, &b)| (j, fixed_proportion_to_u16(b)))
                .collect();
        } else if old_permit {
            slot.clear();
        }
    }
    out.bonds = bonds;
    // The dense variant stores the whole activity vector, one flag per `LastUpdate` entry,
    // which is longer than `n` when `LastUpdate` is.
    out.active = active;
    out.fixed.ema_bonds = ema_bonds
        .iter()
        .map(|row| {
            (0..n)
                .zip(row.iter())
                .filter(|(_, b)| **b != ZERO)
                .map(|(j, &b)| (j, b))
                .collect()
        })
        .collect();
    out
}

/// An n × n matrix from stored rows: rows and columns at or beyond `n` are ignored and a
/// repeated column keeps its last value.
fn dense_matrix(rows: &[Vec<(u16, u16)>], n: u16, value: impl Fn(u16) -> I32F32) -> Dense {
    let nu = usize::from(n);
    let mut m = vec![vec![ZERO; nu]; nu];
    for (row_in, row_out) in rows.iter().zip(m.iter_mut()) {
        for &(j, v) in row_in {
            if let Some(cell) = row_out.get_mut(usize::from(j)) {
                *cell = value(v);
            }
        }
    }
    m
}

/// The dense Yuma3 bond EMA, the reference's `compute_bonds` (yuma spec §3.10b–c): liquid
/// alpha for every cell when `input.liquid_alpha_enabled` and some consensus is non-zero,
/// else the plain EMA with `1 − bonds_moving_average / 10^6`. Only the hyperparameters of
/// `input` are read.
pub fn compute_bonds_dense(
    input: &EpochInput,
    weights: &Dense,
    bonds: &Dense,
    consensus: &[I32F32],
) -> Dense {
    let liquid = input.liquid_alpha_enabled && consensus.iter().any(|&c| c != ZERO);
    if !liquid {
        return mat_ema(weights, bonds, stake::ema_alpha(input.bonds_moving_average));
    }
    let alphas: Dense = if weights.len() == bonds.len() {
        let low = u16_proportion_to_fixed(input.alpha_low);
        let high = u16_proportion_to_fixed(input.alpha_high);
        let steep = I32F32::from_num(input.alpha_sigmoid_steepness);
        weights
            .iter()
            .zip(bonds)
            .map(|(w_row, b_row)| {
                w_row
                    .iter()
                    .zip(b_row)
                    .zip(consensus)
                    .map(|((&w, &b), &c)| alpha_sigmoid(c, w, b, low, high, steep))
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    mat_ema_alpha(weights, bonds, &alphas)
}
