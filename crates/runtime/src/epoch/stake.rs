//! Stake, emission and quantisation steps shared by the sparse and dense epochs.

use super::input::EpochInput;
use super::math::{
    fixed_proportion_to_u16, inplace_normalize, inplace_normalize_64, inplace_normalize_using_sum,
    is_zero, sum, vec_fixed64_to_fixed32,
};
use super::output::{EpochOutput, FixedTrace};
use agora_primitives::fixed::fixed64_to_u64;
use agora_primitives::{I32F32, I64F64, I96F32, SafeDiv, U96F32};

/// Total stake per uid: `alpha + tao × TaoWeight/u64::MAX` in I64F64, saturating (yuma
/// spec §3.3 step 1).
pub(crate) fn total_stake(input: &EpochInput) -> Vec<I64F64> {
    let weight = U96F32::saturating_from_num(input.tao_weight)
        .safe_div(U96F32::saturating_from_num(u64::MAX));
    let weight = I64F64::saturating_from_num(weight);
    (0..usize::from(input.n))
        .map(|i| {
            let alpha = I64F64::saturating_from_num(input.alpha_stake.get(i).copied().unwrap_or(0));
            let tao = I64F64::saturating_from_num(input.tao_stake.get(i).copied().unwrap_or(0));
            alpha.saturating_add(tao.saturating_mul(weight))
        })
        .collect()
}

/// Threshold filter (owner exempt when `owner` is given), I64F64 normalisation, truncation
/// to I32F32 (yuma spec §3.3 steps 2–4).
pub(crate) fn normalized_stake(
    total: &[I64F64],
    threshold: u64,
    owner: Option<u16>,
) -> Vec<I32F32> {
    let mut filtered: Vec<I64F64> = total
        .iter()
        .enumerate()
        .map(|(uid, &s)| {
            let is_owner = owner.is_some_and(|o| usize::from(o) == uid);
            if !is_owner && fixed64_to_u64(s) < threshold {
                I64F64::from_bits(0)
            } else {
                s
            }
        })
        .collect();
    inplace_normalize_64(&mut filtered);
    vec_fixed64_to_fixed32(&filtered)
}

/// Active stake: stake masked by inactivity and missing permits, renormalised (§3.5).
pub(crate) fn active_stake(stake: &[I32F32], inactive: &[bool], forbids: &[bool]) -> Vec<I32F32> {
    let mut active = stake.to_vec();
    super::math::inplace_mask_vector(inactive, &mut active);
    super::math::inplace_mask_vector(forbids, &mut active);
    inplace_normalize(&mut active);
    active
}

/// The plain EMA coefficient `1 − I32F32(I64F64(bma) / 10^6)` (yuma spec §3.10).
pub(crate) fn ema_alpha(bonds_moving_average: u64) -> I32F32 {
    let bma = I64F64::saturating_from_num(bonds_moving_average)
        .safe_div(I64F64::saturating_from_num(1_000_000u32));
    I32F32::from_bits(1 << 32).saturating_sub(I32F32::saturating_from_num(bma))
}

/// Everything computed before the emission split, in the shape both paths share.
pub(crate) struct Terms {
    pub total_stake: Vec<I64F64>,
    pub stake: Vec<I32F32>,
    pub active_stake: Vec<I32F32>,
    pub active: Vec<bool>,
    pub new_permits: Vec<bool>,
    pub consensus: Vec<I32F32>,
    pub validator_trust: Vec<I32F32>,
    pub incentive: Vec<I32F32>,
    pub dividends: Vec<I32F32>,
}

/// Emission split and quantisation (yuma spec §3.11–§3.12); bonds are filled in by the caller.
pub(crate) fn finish(input: &EpochInput, t: Terms) -> EpochOutput {
    let n = usize::from(input.n);
    let combined: Vec<I32F32> = t
        .incentive
        .iter()
        .zip(&t.dividends)
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let emission_sum = sum(&combined);
    let mut server = t.incentive.clone();
    let mut validator = t.dividends.clone();
    let mut combined_share = combined;
    inplace_normalize_using_sum(&mut server, emission_sum);
    inplace_normalize_using_sum(&mut validator, emission_sum);
    inplace_normalize(&mut combined_share);
    if emission_sum == I32F32::from_bits(0) {
        // No usable weights: pay validators by active stake, or by raw stake when no one is
        // active (yuma spec §3.11 step 3).
        let fallback = if is_zero(&t.active_stake) {
            &t.stake
        } else {
            &t.active_stake
        };
        validator.clone_from(fallback);
        combined_share.clone_from(fallback);
    }
    let rao = I96F32::saturating_from_num(input.rao_emission);
    let amounts = |shares: &[I32F32]| -> Vec<u64> {
        (0..n)
            .map(|i| {
                shares.get(i).map_or(0, |s| {
                    I96F32::saturating_from_num(*s)
                        .saturating_mul(rao)
                        .saturating_to_num::<u64>()
                })
            })
            .collect()
    };
    let quantised = |v: &[I32F32]| -> Vec<u16> {
        (0..n)
            .map(|i| v.get(i).map_or(0, |x| fixed_proportion_to_u16(*x)))
            .collect()
    };
    let flags =
        |v: &[bool]| -> Vec<bool> { (0..n).map(|i| v.get(i).copied().unwrap_or(false)).collect() };
    EpochOutput {
        activity_cutoff_blocks: input.activity_cutoff_blocks(),
        last_tempo: input.last_tempo(),
        active: flags(&t.active),
        stake: (0..n)
            .map(|i| {
                t.total_stake
                    .get(i)
                    .map_or(0, |s| s.saturating_to_num::<u64>())
            })
            .collect(),
        stake_weight: quantised(&t.stake),
        consensus: quantised(&t.consensus),
        incentive: quantised(&t.incentive),
        dividends: quantised(&t.dividends),
        validator_trust: quantised(&t.validator_trust),
        validator_permit: flags(&t.new_permits),
        server_emission: amounts(&server),
        validator_emission: amounts(&validator),
        emission: amounts(&combined_share),
        bonds: Vec::new(),
        fixed: FixedTrace {
            total_stake: t.total_stake,
            stake: t.stake,
            active_stake: t.active_stake,
            consensus: t.consensus,
            validator_trust: t.validator_trust,
            incentive: t.incentive,
            dividends: t.dividends,
            normalized_server_emission: server,
            normalized_validator_emission: validator,
            normalized_combined_emission: combined_share,
            ema_bonds: Vec::new(),
        },
    }
}
