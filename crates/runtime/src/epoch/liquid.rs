//! Liquid alpha on the sparse path (yuma spec §3.10c).
//!
//! The reference builds a dense n × n matrix of alphas (one fixed-point `exp` per cell) and
//! then reads only the cells whose column appears in each validator's weight row. We compute
//! exactly those cells, with the same column lookup: the reference finds a cell's weight and
//! bond by walking each row in increasing column order, which assumes sorted rows; we replay
//! that walk so unsorted rows give the same (quirky) result (yuma spec §13 item 10).

use super::input::EpochInput;
use super::math::{
    SparseMatrix, alpha_from_diff, clamp_value, ema_alpha_row, steep_factor,
    u16_proportion_to_fixed,
};
use agora_primitives::I32F32;

const ZERO: I32F32 = I32F32::from_bits(0);
const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// Sparse EMA of bonds with per-cell liquid alphas.
pub(crate) fn liquid_alpha_ema_sparse(
    input: &EpochInput,
    weights: &SparseMatrix,
    bonds: &SparseMatrix,
    consensus: &[I32F32],
) -> SparseMatrix {
    if weights.len() != bonds.len() {
        // The reference computes no alphas and the EMA returns the weights unchanged.
        return weights.clone();
    }
    let low = u16_proportion_to_fixed(input.alpha_low);
    let high = u16_proportion_to_fixed(input.alpha_high);
    let factor = steep_factor(I32F32::from_num(input.alpha_sigmoid_steepness));
    let width = consensus.len();
    let mut needed = vec![false; width];
    let mut alphas = vec![ZERO; width];
    let mut decayed = Vec::new();
    weights
        .iter()
        .zip(bonds)
        .map(|(w_row, b_row)| {
            if w_row.is_empty() {
                return Vec::new();
            }
            for &(j, _) in w_row {
                if let Some(flag) = needed.get_mut(usize::from(j)) {
                    *flag = true;
                }
            }
            walk_row(
                w_row,
                b_row,
                consensus,
                &mut needed,
                |j, weight, bond, c| {
                    let diff = if weight >= bond {
                        clamp_value(weight.saturating_sub(c), ZERO, ONE)
                    } else {
                        clamp_value(bond.saturating_sub(weight), ZERO, ONE)
                    };
                    alphas[j] = alpha_from_diff(diff, low, high, factor);
                },
            );
            // Columns of the old row that the new row lacks are decayed but never read, so the
            // alpha used for them does not matter.
            ema_alpha_row(w_row, b_row, &mut decayed, width, |j| alphas[j])
        })
        .collect()
}

/// Replays the reference's merge walk over columns `0..consensus.len()`, calling `visit` for
/// each column flagged in `needed` (and clearing the flag) with the weight and bond the walk
/// finds there.
fn walk_row(
    w_row: &[(u16, I32F32)],
    b_row: &[(u16, I32F32)],
    consensus: &[I32F32],
    needed: &mut [bool],
    mut visit: impl FnMut(usize, I32F32, I32F32, I32F32),
) {
    let (mut wp, mut bp) = (0usize, 0usize);
    for (j, (&c, flag)) in consensus.iter().zip(needed.iter_mut()).enumerate() {
        let weight = lookup(w_row, &mut wp, j);
        let bond = lookup(b_row, &mut bp, j);
        if *flag {
            *flag = false;
            visit(j, weight, bond, c);
        }
    }
}

/// One step of the merge walk: skip entries with a smaller column, then take the value if the
/// next entry is at column `j`.
#[inline]
fn lookup(row: &[(u16, I32F32)], pos: &mut usize, j: usize) -> I32F32 {
    while let Some(&(col, value)) = row.get(*pos) {
        let col = usize::from(col);
        if col < j {
            *pos += 1;
        } else {
            return if col == j { value } else { ZERO };
        }
    }
    ZERO
}
