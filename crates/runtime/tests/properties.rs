//! Property tests for the Yuma Consensus epoch (`agora_runtime::epoch`; yuma spec §3, §4, §13).
//!
//! Two input generators:
//!
//! * [`realistic`]: a subnet as the chain would hold it. `n` in `1..=24`; validators (stake up
//!   to 1e15 rao, permits mostly set) and miners (little or no stake); weight rows max-upscaled
//!   the way `set_weights` stores them (row maximum 65535, explicit zero entries, uids `< n`, no
//!   duplicates, sorted or not); bond rows; `last_update` and `block_at_registration`
//!   consistent with `current_block`; hyperparameters in their valid ranges; `rao_emission` up
//!   to 1e12; sometimes an owner uid and a commit-reveal mask.
//! * [`malformed`]: every vector of arbitrary length (shorter or longer than `n`), out-of-range
//!   uids, rows beyond `n`, `n = 0`, extreme `u64`/`u16` values, hyperparameters outside their
//!   valid ranges.
//!
//! Properties (one proptest each, sparse and dense paths unless said otherwise):
//!
//! 1. [`determinism`]: two runs give identical outputs, fixed-point trace included.
//! 2. [`malformed_input_does_not_panic`]: no panic on malformed input, per-uid outputs have `n`
//!    entries (the dense `active` has `max(n, last_update.len())`).
//! 3. [`incentive_and_dividends_are_normalised`]: the exact shares sum to one within a few ulps
//!    (or are all zero), and the stored u16 sums are within the floor-quantisation bound.
//! 4. [`emission_is_conserved`]: amounts are `floor(share × rao_emission)`, never add up to more
//!    than `rao_emission`, and fall short by no more than the rounding can lose.
//! 5. [`zero_stake_earns_no_dividends`]: a uid without stake earns no dividends and no validator
//!    emission (with the one exception the reference has: old bonds on the original Yuma path).
//! 6. [`permutation_equivariance`]: relabelling uids relabels every output.
//! 7. [`no_stake_from_nowhere`]: a uid without alpha or TAO stake gets no stake weight and no
//!    permit (the sparse owner excepted).
//! 8. [`sparse_and_dense_agree`]: on inputs where yuma spec §4 says the paths agree, every
//!    output and the exact trace are equal.
//!
//! Each property was seen to fail when its assertion is tightened or one of its input
//! restrictions is dropped (for 5, 6 and 8 every documented exception or restriction is needed).
//! Cases per property: 128, with proptest's random seed (set `PROPTEST_RNG_SEED` to replay a
//! run); a failure prints the shrunk input and nothing is written to disk.
//!
//! Fixed-point notation in the comments: a share `x` is an I32F32 with raw bits `x·2^32`; an
//! "ulp" is one raw bit (2^-32).

use std::collections::BTreeSet;
use std::fmt::Debug;

use agora_primitives::I32F32;
use agora_runtime::epoch::math::vec_u16_max_upscale_to_u16;
use agora_runtime::epoch::{EpochInput, EpochOutput, run_dense, run_sparse};
use proptest::collection::vec;
use proptest::prelude::*;

/// Largest subnet the realistic generator builds.
const MAX_N: u16 = 24;
/// Largest per-uid stake the realistic generator uses, in rao (1e6 TAO).
const MAX_STAKE: u64 = 1_000_000_000_000_000;
/// Largest `rao_emission` the realistic generator uses.
const MAX_RAO_EMISSION: u64 = 1_000_000_000_000;
/// Mainnet `TaoWeight` (yuma spec §12).
const MAINNET_TAO_WEIGHT: u64 = 971_718_665_099_567_868;

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(128);
    // Keep proptest from writing a `proptest-regressions/` directory next to this file; a
    // failure prints the shrunk input instead.
    config.failure_persistence = None;
    config
}

fn uid(i: usize) -> u16 {
    u16::try_from(i).expect("uids of a generated subnet fit in u16")
}

// ---------------------------------------------------------------------------------------------
// Realistic inputs
// ---------------------------------------------------------------------------------------------

/// Per-uid randomness of [`realistic`].
#[derive(Debug, Clone)]
struct UidSeed {
    validator: bool,
    validator_alpha: u64,
    miner_alpha: u64,
    tao: u64,
    /// Validators: lost their permit; others: hold a stale one.
    permit_flip: bool,
    /// `last_update = current_block − cutoff × permille / 1000` (over 1000 is inactive).
    update_permille: u64,
    /// `block_at_registration = last_update − registered_back`.
    registered_back: u64,
    /// A non-validator that still has a weight row.
    miner_sets_weights: bool,
    /// Per target uid: (listed, raw value before max-upscaling, order key).
    weights: Vec<(bool, u16, u32)>,
    weights_sorted: bool,
    /// Per target uid: (present, stored bond).
    bonds: Vec<(bool, u16)>,
    /// With commit-reveal on: the earliest live commit is this many blocks back (None: none).
    commit_back: Option<u64>,
}

fn uid_seed(n: usize) -> impl Strategy<Value = UidSeed> {
    (
        prop::bool::weighted(0.5),
        prop_oneof![
            1 => Just(0u64),
            5 => 1..=MAX_STAKE,
            // Equal stakes happen (tests, round numbers); they exercise top-k ties.
            2 => prop::sample::select(vec![
                1_000_000_000_000u64,
                2_000_000_000_000,
                3_000_000_000_000,
            ]),
        ],
        prop_oneof![3 => Just(0u64), 2 => 1..=1_000_000_000u64, 1 => 1..=MAX_STAKE],
        prop_oneof![3 => Just(0u64), 1 => 1..=MAX_STAKE],
        prop::bool::weighted(0.15),
        0u64..=1500,
        prop_oneof![Just(0u64), 0..=1_000u64, 0..=200_000u64],
        prop::bool::weighted(0.15),
        vec(
            (
                prop::bool::weighted(0.6),
                prop_oneof![1 => Just(0u16), 4 => any::<u16>()],
                any::<u32>(),
            ),
            n,
        ),
        any::<bool>(),
        vec((prop::bool::weighted(0.4), any::<u16>()), n),
        prop::option::weighted(0.7, 0u64..=100_000),
    )
        .prop_map(
            |(
                validator,
                validator_alpha,
                miner_alpha,
                tao,
                permit_flip,
                update_permille,
                registered_back,
                miner_sets_weights,
                weights,
                weights_sorted,
                bonds,
                commit_back,
            )| UidSeed {
                validator,
                validator_alpha,
                miner_alpha,
                tao,
                permit_flip,
                update_permille,
                registered_back,
                miner_sets_weights,
                weights,
                weights_sorted,
                bonds,
                commit_back,
            },
        )
}

/// Subnet-wide randomness of [`realistic`].
#[derive(Debug, Clone)]
struct HyperSeed {
    current_block: u64,
    tempo: u16,
    cutoff_factor_milli: u32,
    mechanism_step_back: Option<u64>,
    tao_weight: u64,
    stake_threshold: u64,
    owner: Option<u16>,
    max_allowed_validators: u16,
    kappa: u16,
    bonds_penalty: u16,
    bonds_moving_average: u64,
    yuma3: bool,
    liquid_alpha: bool,
    alpha_values: (u16, u16),
    steepness: i16,
    rao_emission: u64,
    commit_reveal: bool,
}

fn hyper_seed() -> impl Strategy<Value = HyperSeed> {
    (
        (
            prop_oneof![0u64..=2_000, 0u64..=10_000_000],
            prop_oneof![1u16..=400, Just(360u16), 360u16..=50_400],
            prop_oneof![Just(13_889u32), 1_000u32..=50_000],
            prop::option::weighted(0.5, 0u64..=2_000),
            prop_oneof![Just(0u64), Just(MAINNET_TAO_WEIGHT), any::<u64>()],
            prop_oneof![3 => Just(0u64), 1 => 0u64..=10_000_000_000_000],
            prop::option::weighted(0.3, any::<u16>()),
            prop_oneof![Just(64u16), 0u16..=30],
        ),
        (
            prop_oneof![Just(32_767u16), any::<u16>()],
            prop_oneof![Just(65_535u16), Just(0u16), any::<u16>()],
            prop_oneof![Just(900_000u64), 0u64..=975_000],
            any::<bool>(),
            any::<bool>(),
            // AlphaValues setter: 1638 ≤ low ≤ high (yuma spec §3.10c); sorted below.
            (1_638u16..=65_535, 1_638u16..=65_535),
            prop_oneof![Just(1_000i16), 0i16..=3_000, any::<i16>()],
            prop_oneof![Just(1_000_000_000u64), 0..=MAX_RAO_EMISSION],
            prop::bool::weighted(0.25),
        ),
    )
        .prop_map(
            |(
                (
                    current_block,
                    tempo,
                    cutoff_factor_milli,
                    mechanism_step_back,
                    tao_weight,
                    stake_threshold,
                    owner,
                    max_allowed_validators,
                ),
                (
                    kappa,
                    bonds_penalty,
                    bonds_moving_average,
                    yuma3,
                    liquid_alpha,
                    (a, b),
                    steepness,
                    rao_emission,
                    commit_reveal,
                ),
            )| HyperSeed {
                current_block,
                tempo,
                cutoff_factor_milli,
                mechanism_step_back,
                tao_weight,
                stake_threshold,
                owner,
                max_allowed_validators,
                kappa,
                bonds_penalty,
                bonds_moving_average,
                yuma3,
                liquid_alpha,
                alpha_values: (a.min(b), a.max(b)),
                steepness,
                rao_emission,
                commit_reveal,
            },
        )
}

/// A realistic subnet (see the module doc).
fn realistic() -> impl Strategy<Value = EpochInput> {
    (1..=MAX_N)
        .prop_flat_map(|n| {
            let nu = usize::from(n);
            (Just(n), vec(uid_seed(nu), nu), hyper_seed())
        })
        .prop_map(|(n, uids, h)| build(n, &uids, &h))
}

fn build(n: u16, uids: &[UidSeed], h: &HyperSeed) -> EpochInput {
    let mut input = EpochInput {
        n,
        current_block: h.current_block,
        tempo: h.tempo,
        activity_cutoff_factor_milli: h.cutoff_factor_milli,
        last_mechanism_step_block: h
            .mechanism_step_back
            .map_or(0, |back| h.current_block.saturating_sub(back)),
        tao_weight: h.tao_weight,
        stake_threshold: h.stake_threshold,
        owner_uid: h.owner.map(|o| o % n),
        max_allowed_validators: h.max_allowed_validators,
        kappa: h.kappa,
        bonds_penalty: h.bonds_penalty,
        bonds_moving_average: h.bonds_moving_average,
        liquid_alpha_enabled: h.liquid_alpha,
        alpha_low: h.alpha_values.0,
        alpha_high: h.alpha_values.1,
        alpha_sigmoid_steepness: h.steepness,
        yuma3_enabled: h.yuma3,
        rao_emission: h.rao_emission,
        ..EpochInput::default()
    };
    let cutoff = input.activity_cutoff_blocks();
    let mut commit_blocks = Vec::new();
    for u in uids {
        let last_update = h
            .current_block
            .saturating_sub(cutoff.saturating_mul(u.update_permille) / 1000);
        input.last_update.push(last_update);
        input
            .block_at_registration
            .push(last_update.saturating_sub(u.registered_back));
        input.alpha_stake.push(if u.validator {
            u.validator_alpha
        } else {
            u.miner_alpha
        });
        input.tao_stake.push(u.tao);
        input.validator_permit.push(u.validator != u.permit_flip);
        let mut row = Vec::new();
        if u.validator || u.miner_sets_weights {
            let listed: Vec<(u16, u16, u32)> = u
                .weights
                .iter()
                .enumerate()
                .filter(|(_, w)| w.0)
                .map(|(j, &(_, value, key))| (uid(j), value, key))
                .collect();
            let raw: Vec<u16> = listed.iter().map(|e| e.1).collect();
            // Stored weights are max-upscaled like set_weights does (yuma spec §10).
            let scaled = vec_u16_max_upscale_to_u16(&raw);
            let mut entries: Vec<(u16, u16, u32)> = listed
                .iter()
                .zip(scaled)
                .map(|(&(j, _, key), v)| (j, v, key))
                .collect();
            if !u.weights_sorted {
                entries.sort_by_key(|&(j, _, key)| (key, j));
            }
            row = entries.into_iter().map(|(j, v, _)| (j, v)).collect();
        }
        input.weights.push(row);
        input.bonds.push(
            u.bonds
                .iter()
                .enumerate()
                .filter(|(_, b)| b.0)
                .map(|(j, &(_, b))| (uid(j), b))
                .collect(),
        );
        commit_blocks.push(
            u.commit_back
                .map_or(u64::MAX, |back| h.current_block.saturating_sub(back)),
        );
    }
    if h.commit_reveal {
        input.commit_blocks = Some(commit_blocks);
    }
    input
}

// ---------------------------------------------------------------------------------------------
// Malformed inputs
// ---------------------------------------------------------------------------------------------

fn extreme_u64() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![
        Just(0u64),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(1u64 << 63),
        0u64..1_000,
        any::<u64>(),
    ]
}

fn any_uid() -> impl Strategy<Value = u16> + Clone {
    prop_oneof![6 => 0u16..40, 1 => Just(u16::MAX), 1 => any::<u16>()]
}

fn any_rows() -> impl Strategy<Value = Vec<Vec<(u16, u16)>>> {
    vec(
        vec(
            (
                any_uid(),
                prop_oneof![Just(0u16), Just(u16::MAX), any::<u16>()],
            ),
            0..8,
        ),
        0..36,
    )
}

/// Any shapes and values (see the module doc).
fn malformed() -> impl Strategy<Value = EpochInput> {
    let len = 0usize..36;
    (
        (
            prop_oneof![8 => 0u16..=32, 1 => Just(0u16), 1 => 100u16..=300],
            extreme_u64(),
            any::<u16>(),
            prop_oneof![any::<u32>(), Just(u32::MAX), Just(0u32)],
            extreme_u64(),
            vec(extreme_u64(), len.clone()),
            vec(extreme_u64(), len.clone()),
            vec(extreme_u64(), len.clone()),
            vec(extreme_u64(), len.clone()),
            extreme_u64(),
            extreme_u64(),
        ),
        (
            prop::option::of(any_uid()),
            vec(any::<bool>(), len.clone()),
            prop_oneof![any::<u16>(), 0u16..40],
            any_rows(),
            any_rows(),
            any::<u16>(),
            any::<u16>(),
            extreme_u64(),
            any::<bool>(),
            any::<u16>(),
            any::<u16>(),
            any::<i16>(),
        ),
        (
            any::<bool>(),
            extreme_u64(),
            prop::option::of(vec(extreme_u64(), len)),
        ),
    )
        .prop_map(
            |(
                (
                    n,
                    current_block,
                    tempo,
                    activity_cutoff_factor_milli,
                    last_mechanism_step_block,
                    last_update,
                    block_at_registration,
                    alpha_stake,
                    tao_stake,
                    tao_weight,
                    stake_threshold,
                ),
                (
                    owner_uid,
                    validator_permit,
                    max_allowed_validators,
                    weights,
                    bonds,
                    kappa,
                    bonds_penalty,
                    bonds_moving_average,
                    liquid_alpha_enabled,
                    alpha_low,
                    alpha_high,
                    alpha_sigmoid_steepness,
                ),
                (yuma3_enabled, rao_emission, commit_blocks),
            )| EpochInput {
                n,
                current_block,
                tempo,
                activity_cutoff_factor_milli,
                last_mechanism_step_block,
                last_update,
                block_at_registration,
                alpha_stake,
                tao_stake,
                tao_weight,
                stake_threshold,
                owner_uid,
                validator_permit,
                max_allowed_validators,
                weights,
                bonds,
                kappa,
                bonds_penalty,
                bonds_moving_average,
                liquid_alpha_enabled,
                alpha_low,
                alpha_high,
                alpha_sigmoid_steepness,
                yuma3_enabled,
                rao_emission,
                commit_blocks,
            },
        )
}

fn any_input() -> impl Strategy<Value = EpochInput> {
    prop_oneof![realistic(), malformed()]
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Run = fn(&EpochInput) -> EpochOutput;
const PATHS: [(&str, Run); 2] = [("sparse", run_sparse), ("dense", run_dense)];

fn count_nonzero(v: &[I32F32]) -> u128 {
    let count = v.iter().filter(|x| x.to_bits() != 0).count();
    u128::try_from(count).expect("usize fits in u128")
}

/// Raw bits of a share that must be non-negative.
fn share_bits(name: &str, i: usize, x: I32F32) -> Result<u128, TestCaseError> {
    u128::try_from(x.to_bits())
        .map_err(|_| TestCaseError::fail(format!("{name}[{i}] = {x} is negative")))
}

/// Sum of the raw bits of a non-negative share vector.
fn share_sum(name: &str, v: &[I32F32]) -> Result<u128, TestCaseError> {
    let mut total = 0u128;
    for (i, &x) in v.iter().enumerate() {
        total += share_bits(name, i, x)?;
    }
    Ok(total)
}

/// `floor(share × rao)` the way the epoch computes it: I96F32 product (exact, as `rao` is an
/// integer) floored to u64, saturating.
fn amount(share_bits: u128, rao: u64) -> u64 {
    u64::try_from((share_bits * u128::from(rao)) >> 32).unwrap_or(u64::MAX)
}

fn sum_u64(v: &[u64]) -> u128 {
    v.iter().map(|&x| u128::from(x)).sum()
}

fn sum_u16(v: &[u16]) -> u128 {
    v.iter().map(|&x| u128::from(x)).sum()
}

/// For every listed field: `$check(name, &$a.field, &$b.field[, $extra])?`, where `name` is
/// `$prefix` followed by the field name.
macro_rules! check_fields {
    ($check:ident($prefix:literal, $a:expr, $b:expr, $extra:expr): $($field:ident),+ $(,)?) => {
        $($check(concat!($prefix, stringify!($field)), &$a.$field, &$b.$field, $extra)?;)+
    };
    ($check:ident($prefix:literal, $a:expr, $b:expr): $($field:ident),+ $(,)?) => {
        $($check(concat!($prefix, stringify!($field)), &$a.$field, &$b.$field)?;)+
    };
}

/// [`check_fields`] on every per-uid vector of two outputs and of their exact traces (named
/// `fixed.<field>`); bonds and EMA bonds are left to the caller.
macro_rules! check_per_uid_outputs {
    ($check:ident($a:expr, $b:expr $(, $extra:expr)?)) => {
        check_fields!($check("", $a, $b $(, $extra)?):
            active,
            stake,
            stake_weight,
            consensus,
            incentive,
            dividends,
            validator_trust,
            validator_permit,
            server_emission,
            validator_emission,
            emission,
        );
        check_fields!($check("fixed.", $a.fixed, $b.fixed $(, $extra)?):
            total_stake,
            stake,
            active_stake,
            consensus,
            validator_trust,
            incentive,
            dividends,
            normalized_server_emission,
            normalized_validator_emission,
            normalized_combined_emission,
        );
    };
}

/// `a == b`, reported under `name`.
fn check_equal<T: PartialEq + Debug>(name: &str, a: &T, b: &T) -> Result<(), TestCaseError> {
    prop_assert_eq!(a, b, "{}", name);
    Ok(())
}

/// `out[perm[i]] == orig[i]` for every uid.
fn check_permuted<T: PartialEq + Debug>(
    name: &str,
    orig: &[T],
    permuted: &[T],
    perm: &[u16],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(orig.len(), perm.len(), "{} length", name);
    prop_assert_eq!(permuted.len(), perm.len(), "{} length (permuted)", name);
    for (i, value) in orig.iter().enumerate() {
        let p = usize::from(perm[i]);
        prop_assert_eq!(value, &permuted[p], "{} of uid {} (now uid {})", name, i, p);
    }
    Ok(())
}

/// Sparse rows as sets of (column, value), compared like [`check_permuted`] after renaming the
/// columns of `orig`.
fn check_rows_permuted<V: Ord + Copy + Debug>(
    name: &str,
    orig: &[Vec<(u16, V)>],
    permuted: &[Vec<(u16, V)>],
    perm: &[u16],
) -> Result<(), TestCaseError> {
    let mut renamed = Vec::with_capacity(orig.len());
    for (i, row) in orig.iter().enumerate() {
        let set: BTreeSet<(u16, V)> = row
            .iter()
            .map(|&(j, v)| (perm[usize::from(j)], v))
            .collect();
        prop_assert_eq!(row.len(), set.len(), "{} row {} has duplicates", name, i);
        renamed.push(set);
    }
    let got: Vec<BTreeSet<(u16, V)>> = permuted
        .iter()
        .map(|row| row.iter().copied().collect())
        .collect();
    check_permuted(name, &renamed, &got, perm)
}

fn sorted_rows(rows: &[Vec<(u16, u16)>]) -> Vec<Vec<(u16, u16)>> {
    rows.iter()
        .map(|row| {
            let mut row = row.clone();
            row.sort_unstable();
            row
        })
        .collect()
}

/// The input with uid `i` renamed `perm[i]`: every per-uid vector is scattered, rows move and
/// the uids inside them are renamed (keeping the stored entry order), the owner is renamed.
/// Expects the realistic shapes (every per-uid vector of length `n`).
fn permute_input(input: &EpochInput, perm: &[u16]) -> EpochInput {
    fn scatter<T: Clone>(v: &[T], perm: &[u16]) -> Vec<T> {
        let mut out = v.to_vec();
        for (i, x) in v.iter().enumerate() {
            out[usize::from(perm[i])] = x.clone();
        }
        out
    }
    let rows = |rows: &[Vec<(u16, u16)>]| -> Vec<Vec<(u16, u16)>> {
        let renamed: Vec<Vec<(u16, u16)>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&(j, v)| (perm[usize::from(j)], v))
                    .collect()
            })
            .collect();
        scatter(&renamed, perm)
    };
    EpochInput {
        last_update: scatter(&input.last_update, perm),
        block_at_registration: scatter(&input.block_at_registration, perm),
        alpha_stake: scatter(&input.alpha_stake, perm),
        tao_stake: scatter(&input.tao_stake, perm),
        owner_uid: input.owner_uid.map(|o| perm[usize::from(o)]),
        validator_permit: scatter(&input.validator_permit, perm),
        weights: rows(&input.weights),
        bonds: rows(&input.bonds),
        commit_blocks: input.commit_blocks.as_ref().map(|c| scatter(c, perm)),
        ..input.clone()
    }
}

/// Every per-uid output (and trace vector) relabelled, bonds compared as sets per row.
fn check_output_permuted(
    out: &EpochOutput,
    permuted: &EpochOutput,
    perm: &[u16],
) -> Result<(), TestCaseError> {
    check_per_uid_outputs!(check_permuted(out, permuted, perm));
    check_rows_permuted("bonds", &out.bonds, &permuted.bonds, perm)?;
    check_rows_permuted(
        "fixed.ema_bonds",
        &out.fixed.ema_bonds,
        &permuted.fixed.ema_bonds,
        perm,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Property bodies
// ---------------------------------------------------------------------------------------------

/// Property 3 for one share vector and its stored u16 quantisation.
///
/// `normalize` divides each element by the exact sum `Σ` of the non-negative raw values:
/// `x_j = floor(r_j·2^32 / Σ)`. The exact quotients add up to `2^32`; flooring loses less than
/// one ulp per non-zero element and nothing on a zero one, and the loss is an integer, so with
/// `k ≥ 1` non-zero elements `2^32 − (k − 1) ≤ Σ x_j ≤ 2^32`. If all inputs are zero the
/// vector is left all zero.
///
/// The stored u16 is `floor(x_j·65535 / 2^32)` (the I32F32 product with the integer 65535 is
/// exact, then floored). Summing, `Σ y_j = 65535·Σx/2^32 ≥ 65535 − 65535(k − 1)/2^32 >
/// 65535 − 1` (for `k ≤ 65536`), and flooring `k` values loses less than `k`, so
/// `65535 − k − 1 < Σ u16 ≤ 65535`, i.e. `Σ u16 ∈ [65535 − k, 65535]` with `k ≤ n`.
fn check_normalised(name: &str, fixed: &[I32F32], stored: &[u16]) -> Result<(), TestCaseError> {
    prop_assert_eq!(fixed.len(), stored.len(), "{} lengths", name);
    for (j, (&x, &q)) in fixed.iter().zip(stored).enumerate() {
        let b = share_bits(name, j, x)?;
        prop_assert!(b <= 1 << 32, "{}[{}] = {} exceeds one", name, j, x);
        prop_assert_eq!(
            u128::from(q),
            (b * 65_535) >> 32,
            "{}[{}]: stored u16 is not floor(x·65535) of {}",
            name,
            j,
            x
        );
    }
    let k = count_nonzero(fixed);
    let total = share_sum(name, fixed)?;
    let stored_total = sum_u16(stored);
    if k == 0 {
        prop_assert_eq!(stored_total, 0);
        return Ok(());
    }
    prop_assert!(
        total <= 1 << 32 && (1 << 32) - total < k,
        "{}: Σ = {} ulps, {} non-zero entries",
        name,
        total,
        k
    );
    prop_assert!(
        stored_total <= 65_535 && stored_total + k >= 65_535,
        "{}: stored Σ = {}, {} non-zero entries",
        name,
        stored_total,
        k
    );
    Ok(())
}

/// Property 4 for one output.
///
/// Every amount is `a_i = floor(s_i·R / 2^32)` for its share `s_i` (raw bits) and
/// `R = rao_emission`; this is checked exactly. For a share vector with `Σ s ≤ 2^32` this gives
/// `Σ a ≤ R`: no emission from nowhere. Writing `D = 2^32 − Σ s` (the share deficit) and `k'`
/// for the number of non-zero shares, `a_i = s_i·R/2^32 − φ_i` with `0 ≤ φ_i < 1` and
/// `φ_i = 0` when `s_i = 0`, so the shortfall `R − Σ a = R·D/2^32 + Σ φ_i < R·D/2^32 + k'`
/// (if `k' ≥ 1`).
///
/// The deficit itself is bounded by how the shares were made (see [`check_normalised`]):
/// * combined, when `E = I + D` is not all zero: `normalize(E)`, so `D ≤ nnz(E) − 1`;
/// * server + validator, in that case: `I_i/Σ` and `D_i/Σ` with `Σ = Σ(I + D)`, i.e. one
///   normalisation of the `2n` numerators: `D ≤ nnz(I) + nnz(D) − 1`;
/// * fallback (`Σ(I + D) = 0`): validator = combined = active stake `A` (normalised:
///   `D ≤ nnz(A) − 1`) or, if `A` is all zero, the stake `S`. `S` is an I64F64 normalisation
///   (deficit ≤ `k − 1` in 2^-64 units) truncated to I32F32 (less than one ulp lost per non-zero
///   element), so `Σ S > 2^32 − k − 1` i.e. `D ≤ k` with `k = nnz(total stake) ≤ n`.
///
/// So the shortfall is below `R·(2n − 1)/2^32 + 2n` at worst (server + validator) and below
/// `R·n/2^32 + n` for the combined emission. If all stake is zero nothing is emitted at all.
fn check_emission(input: &EpochInput, out: &EpochOutput) -> Result<(), TestCaseError> {
    let n = usize::from(input.n);
    let rao = input.rao_emission;
    let f = &out.fixed;
    let vectors = [
        (
            "server",
            &f.normalized_server_emission,
            &out.server_emission,
        ),
        (
            "validator",
            &f.normalized_validator_emission,
            &out.validator_emission,
        ),
        ("combined", &f.normalized_combined_emission, &out.emission),
    ];
    for (name, shares, amounts) in vectors {
        prop_assert_eq!(shares.len(), n, "{} share length", name);
        prop_assert_eq!(amounts.len(), n, "{} amount length", name);
        for i in 0..n {
            let s = share_bits(name, i, shares[i])?;
            prop_assert_eq!(amounts[i], amount(s, rao), "{} amount of uid {}", name, i);
        }
    }
    let server = share_sum("server", &f.normalized_server_emission)?;
    let validator = share_sum("validator", &f.normalized_validator_emission)?;
    let combined = share_sum("combined", &f.normalized_combined_emission)?;
    prop_assert!(combined <= 1 << 32, "combined shares sum to {}", combined);
    prop_assert!(
        server + validator <= 1 << 32,
        "server + validator shares sum to {}",
        server + validator
    );
    let rao128 = u128::from(rao);
    let emitted = sum_u64(&out.emission);
    let split = sum_u64(&out.server_emission) + sum_u64(&out.validator_emission);
    prop_assert!(emitted <= rao128, "Σ emission {} > {}", emitted, rao);
    prop_assert!(split <= rao128, "Σ server + validator {} > {}", split, rao);

    if f.stake.iter().all(|s| s.to_bits() == 0) {
        // No stake: no incentive, no dividends, no fallback. Nothing is emitted.
        prop_assert_eq!(emitted, 0);
        prop_assert_eq!(split, 0);
        return Ok(());
    }
    let combined_e: Vec<I32F32> = f
        .incentive
        .iter()
        .zip(&f.dividends)
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let fallback = combined_e.iter().all(|e| e.to_bits() == 0);
    let (combined_bound, split_bound) = if !fallback {
        let parts = count_nonzero(&f.incentive) + count_nonzero(&f.dividends);
        (count_nonzero(&combined_e) - 1, parts - 1)
    } else if f.active_stake.iter().any(|a| a.to_bits() != 0) {
        let b = count_nonzero(&f.active_stake) - 1;
        (b, b)
    } else {
        let k = u128::try_from(f.total_stake.iter().filter(|s| s.to_bits() != 0).count())
            .expect("usize fits in u128");
        (k, k)
    };
    let combined_deficit = (1u128 << 32) - combined;
    let split_deficit = (1u128 << 32) - server - validator;
    prop_assert!(
        combined_deficit <= combined_bound,
        "combined share deficit {} > {}",
        combined_deficit,
        combined_bound
    );
    prop_assert!(
        split_deficit <= split_bound,
        "server + validator share deficit {} > {}",
        split_deficit,
        split_bound
    );
    let nonzero_combined = count_nonzero(&f.normalized_combined_emission);
    let nonzero_split = count_nonzero(&f.normalized_server_emission)
        + count_nonzero(&f.normalized_validator_emission);
    prop_assert!(nonzero_combined >= 1 && nonzero_split >= 1);
    let short_combined = rao128 - emitted;
    let short_split = rao128 - split;
    prop_assert!(
        short_combined << 32 < rao128 * combined_deficit + (nonzero_combined << 32),
        "combined shortfall {} too large (deficit {}, {} non-zero shares)",
        short_combined,
        combined_deficit,
        nonzero_combined
    );
    prop_assert!(
        short_split << 32 < rao128 * split_deficit + (nonzero_split << 32),
        "server + validator shortfall {} too large (deficit {}, {} non-zero shares)",
        short_split,
        split_deficit,
        nonzero_split
    );
    // The resulting plain bounds: shortfall < R·n/2^32 + n (combined) and
    // < R·(2n − 1)/2^32 + 2n (server + validator).
    let n128 = u128::try_from(n).expect("usize fits in u128");
    prop_assert!(short_combined << 32 < rao128 * n128 + (n128 << 32));
    prop_assert!(short_split << 32 < rao128 * (2 * n128 - 1) + ((2 * n128) << 32));
    // Per uid: combined_i = floor((I_i + D_i)/Σ) is the floor of the sum of the two exact
    // quotients whose floors are server_i and validator_i, so it lies between their sum and
    // their sum + 1 ulp (equal in the fallback, where server is 0 and validator = combined).
    // On amounts: e_i ≥ s_i + v_i, and e_i < s_i + v_i + 2 + R/2^32.
    for i in 0..n {
        let c = share_bits("combined", i, f.normalized_combined_emission[i])?;
        let s = share_bits("server", i, f.normalized_server_emission[i])?;
        let v = share_bits("validator", i, f.normalized_validator_emission[i])?;
        prop_assert!(
            s + v <= c && c <= s + v + 1,
            "uid {}: shares {} {} {}",
            i,
            s,
            v,
            c
        );
        let (e, se, ve) = (
            u128::from(out.emission[i]),
            u128::from(out.server_emission[i]),
            u128::from(out.validator_emission[i]),
        );
        prop_assert!(
            se + ve <= e && e << 32 < ((se + ve + 2) << 32) + rao128,
            "uid {}: amounts {} + {} vs {}",
            i,
            se,
            ve,
            e
        );
    }
    Ok(())
}

/// Property 5 for one output (see [`zero_stake_earns_no_dividends`]).
fn check_zero_stake(input: &EpochInput, out: &EpochOutput) -> Result<(), TestCaseError> {
    let n = usize::from(input.n);
    let f = &out.fixed;
    let last_tempo = input.last_tempo();
    let registered = |j: u16| input.block_at_registration.get(usize::from(j)).copied();
    let fallback_to_stake = f
        .incentive
        .iter()
        .chain(&f.dividends)
        .all(|x| x.to_bits() == 0)
        && f.active_stake.iter().all(|a| a.to_bits() == 0);
    for i in 0..n {
        // A bond of row i that reaches the EMA: positive, in range, not recently registered.
        let surviving_bond = input.bonds.get(i).is_some_and(|row| {
            row.iter()
                .any(|&(j, b)| b > 0 && j < input.n && last_tempo > registered(j).unwrap_or(0))
        });
        let zero_stake = f.stake[i].to_bits() == 0;
        let zero_active = f.active_stake[i].to_bits() == 0;
        if zero_stake && (input.yuma3_enabled || !surviving_bond) {
            prop_assert_eq!(
                f.dividends[i].to_bits(),
                0,
                "dividend of zero-stake uid {}",
                i
            );
            prop_assert_eq!(out.dividends[i], 0);
            prop_assert_eq!(
                out.validator_emission[i],
                0,
                "validator emission of zero-stake uid {}",
                i
            );
        }
        if zero_active && input.yuma3_enabled {
            // Yuma3 dividends are tb_i × A_i: nothing without active stake. Validator emission
            // follows dividends, or in the fallback the active stake, or (when no one has
            // active stake) the raw stake S_i.
            prop_assert_eq!(
                f.dividends[i].to_bits(),
                0,
                "dividend of inactive uid {}",
                i
            );
            if !fallback_to_stake {
                prop_assert_eq!(out.validator_emission[i], 0, "inactive uid {}", i);
            }
        }
    }
    Ok(())
}

/// Property 2: every per-uid output has `n` entries (dense `active`: see the caller).
fn check_lengths(out: &EpochOutput, n: usize, active_len: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(out.active.len(), active_len, "active");
    for (name, len) in [
        ("stake", out.stake.len()),
        ("stake_weight", out.stake_weight.len()),
        ("consensus", out.consensus.len()),
        ("incentive", out.incentive.len()),
        ("dividends", out.dividends.len()),
        ("validator_trust", out.validator_trust.len()),
        ("validator_permit", out.validator_permit.len()),
        ("server_emission", out.server_emission.len()),
        ("validator_emission", out.validator_emission.len()),
        ("emission", out.emission.len()),
        ("bonds", out.bonds.len()),
    ] {
        prop_assert_eq!(len, n, "{} has {} entries for n = {}", name, len, n);
    }
    Ok(())
}

/// Makes a realistic input one on which yuma spec §4 says sparse and dense agree (see
/// [`sparse_and_dense_agree`]).
fn make_agreeable(mut input: EpochInput, zero_penalty: bool) -> EpochInput {
    let n = usize::from(input.n);
    // The owner exceptions and the commit-reveal mask exist only on the sparse path.
    input.owner_uid = None;
    input.commit_blocks = None;
    if input.yuma3_enabled && input.liquid_alpha_enabled {
        // The sparse liquid-alpha EMA looks cells up with a merge walk that assumes rows sorted
        // by uid (yuma spec §13.10); the dense path indexes cells directly.
        input.weights = sorted_rows(&input.weights);
        input.bonds = sorted_rows(&input.bonds);
        // It also emits only the columns of each row of the weights-for-bonds matrix W^b, where
        // the dense path decays every bond (§3.10b, §13.9). So keep only bonds whose column is
        // certain to be in W^b row i: with BondsPenalty = 0, W^b = W after the masks, whose
        // row i is empty without a stored permit (W1) and otherwise holds the stored entries
        // (explicit zeros included) minus the diagonal (W2, no owner) and minus outdated
        // columns (W3: last_update_i ≤ registered_j). With any other penalty W^b keeps only
        // positive values, so drop all bonds.
        if zero_penalty {
            input.bonds_penalty = 0;
        }
        for i in 0..n {
            let permitted = input.validator_permit.get(i).copied().unwrap_or(false);
            let updated = input.last_update[i];
            let listed: BTreeSet<u16> = input.weights[i].iter().map(|e| e.0).collect();
            let keep = |j: u16| {
                input.bonds_penalty == 0
                    && permitted
                    && usize::from(j) != i
                    && listed.contains(&j)
                    && updated > input.block_at_registration[usize::from(j)]
            };
            let row: Vec<(u16, u16)> = input.bonds[i]
                .iter()
                .copied()
                .filter(|&(j, _)| keep(j))
                .collect();
            input.bonds[i] = row;
        }
    }
    input
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Property 1: the epoch is a pure function; two runs on the same input (realistic or
    /// malformed) give identical outputs, fixed-point trace included, on both paths.
    #[test]
    fn determinism(input in any_input()) {
        for (path, run) in PATHS {
            let first = run(&input);
            let second = run(&input.clone());
            prop_assert_eq!(first, second, "{} path", path);
        }
    }

    /// Property 2: whatever the shapes and values, neither path panics (proptest reports a
    /// panic as a failure), and every per-uid output has exactly `n` entries. The one
    /// exception is the dense `active`, which is computed from `LastUpdate` padded to `n` and
    /// stored whole, so it has `max(n, last_update.len())` entries (`run_dense` assigns
    /// `out.active = active`; the reference's dense variant stores that vector as is).
    #[test]
    fn malformed_input_does_not_panic(input in malformed()) {
        let n = usize::from(input.n);
        check_lengths(&run_sparse(&input), n, n)?;
        check_lengths(&run_dense(&input), n, n.max(input.last_update.len()))?;
    }

    /// Property 3: incentive and dividends are normalised. The exact values lie in [0, 1] and
    /// sum to one within `k − 1` ulps (k = number of non-zero entries ≤ n), or are all zero;
    /// each stored u16 is `floor(x·65535)` and the stored sum is in `[65535 − k, 65535]`
    /// when non-zero (derivation at [`check_normalised`]).
    #[test]
    fn incentive_and_dividends_are_normalised(input in realistic()) {
        for (path, run) in PATHS {
            let out = run(&input);
            check_normalised(&format!("{path} incentive"), &out.fixed.incentive, &out.incentive)?;
            check_normalised(&format!("{path} dividends"), &out.fixed.dividends, &out.dividends)?;
        }
    }

    /// Property 4: emission is conserved. Each amount is `floor(share × rao_emission)`;
    /// Σ emission ≤ rao_emission and Σ server + Σ validator ≤ rao_emission; the shortfall is
    /// below `rao·D/2^32 + k'` where `D` is the share deficit (itself bounded by the number of
    /// non-zero normalised terms) and `k'` the number of non-zero shares, hence below
    /// `n + rao·n·2^-32` for the combined emission (derivation at [`check_emission`]).
    #[test]
    fn emission_is_conserved(input in realistic()) {
        for (_, run) in PATHS {
            check_emission(&input, &run(&input))?;
        }
    }

    /// Property 5: a uid whose (threshold-filtered, normalised) stake `S_i` is zero earns no
    /// dividends and no validator emission. Its active stake `A_i` is zero too, so on the
    /// Yuma3 path `D_i = tb_i × A_i = 0`; in the fallback (no incentive and no dividends)
    /// validator emission follows `A`, or `S` when `A` is all zero, both zero at `i`.
    ///
    /// The exact property differs on the original Yuma path (Yuma3 off), as in the reference
    /// (`RE` `epoch_mechanism`, `else` branch): `D_i = Σ_j B'_ij I_j` where the bond EMA
    /// `B' = α ΔB + (1 − α) B` keeps `(1 − α) × B_ij` of the old bonds even though the stake
    /// scaled delta `ΔB_i = W^b_i × A_i` is zero. A validator that unstaked keeps earning on
    /// its old bonds while they decay. So there the claim is restricted to uids with no bond
    /// reaching the EMA (positive, column `< n`, column not recently registered).
    ///
    /// Also checked, Yuma3 only: `A_i = 0` (inactive or no stored permit) already implies
    /// `D_i = 0`, and no validator emission unless the fallback pays raw stake.
    #[test]
    fn zero_stake_earns_no_dividends(input in realistic()) {
        for (_, run) in PATHS {
            check_zero_stake(&input, &run(&input))?;
        }
    }

    /// Property 6: relabelling uids by a permutation π (per-uid vectors, row order, the uids
    /// inside weight and bond rows, the owner, the commit mask) relabels every output: all
    /// u16/u64/bool vectors and the exact trace by π, bond rows as sets of `(π(j), value)`.
    ///
    /// What depends on uid order, and how the input is restricted so the property must hold:
    /// * Top-k permits (§3.4) stable-sort the stake ascending, so equal stakes at the cut-off
    ///   go to the higher uid. When `max_allowed_validators ≥ n` nothing is cut; otherwise the
    ///   case is discarded if two non-zero normalised stakes are equal (zero stakes never get
    ///   a permit, so their ties do not matter).
    /// * The sparse liquid-alpha EMA (§3.10c, §13.10) finds each cell's weight and bond with a
    ///   merge walk that assumes rows sorted by uid, and relabelling unsorts them; so with
    ///   Yuma3 and liquid alpha both inputs get their weight and bond rows sorted by uid
    ///   (the weights-for-bonds rows then come out sorted for any penalty). Otherwise stored
    ///   row order is kept: nothing else reads it except the order of entries in output rows,
    ///   which is why rows are compared as sets.
    /// * The weighted median (§3.7) takes its pivot by position in uid order, but with exact
    ///   fixed-point sums it returns the unique score `v` with `F(< v) ≤ minority < F(≤ v)`
    ///   (or the extreme score when `minority` is outside `[0, Σ)`), which depends only on the
    ///   multiset of (score, stake): no restriction needed.
    /// * Everything else is a per-uid map, an exact sum of non-negative values that cannot
    ///   saturate (shares ≤ 1, n ≤ 24, stakes ≤ 1e15), or a maximum: order-free.
    #[test]
    fn permutation_equivariance(
        (input, perm) in realistic().prop_flat_map(|input| {
            let identity: Vec<u16> = (0..input.n).collect();
            (Just(input), Just(identity).prop_shuffle())
        })
    ) {
        let sparse = run_sparse(&input);
        let k = usize::from(input.max_allowed_validators);
        if k < usize::from(input.n) {
            let mut nonzero: Vec<i64> = sparse
                .fixed
                .stake
                .iter()
                .map(|s| s.to_bits())
                .filter(|&b| b != 0)
                .collect();
            let count = nonzero.len();
            nonzero.sort_unstable();
            nonzero.dedup();
            prop_assume!(nonzero.len() == count, "tied stakes decide top-k by uid");
        }
        let base = if input.yuma3_enabled && input.liquid_alpha_enabled {
            EpochInput {
                weights: sorted_rows(&input.weights),
                bonds: sorted_rows(&input.bonds),
                ..input.clone()
            }
        } else {
            input.clone()
        };
        let mut permuted = permute_input(&base, &perm);
        if base.yuma3_enabled && base.liquid_alpha_enabled {
            permuted.weights = sorted_rows(&permuted.weights);
            permuted.bonds = sorted_rows(&permuted.bonds);
        }
        for (path, run) in PATHS {
            let out = run(&base);
            let out_permuted = run(&permuted);
            check_output_permuted(&out, &out_permuted, &perm).map_err(|e| match e {
                TestCaseError::Fail(reason) => {
                    TestCaseError::fail(format!("{path} path: {}", reason.message()))
                }
                other => other,
            })?;
        }
    }

    /// Property 7: stake never comes from nowhere. A uid with zero alpha and zero TAO stake
    /// (missing entries count as zero) has raw stake 0, normalised stake 0, stake weight 0 and
    /// no new validator permit, on any input, realistic or malformed. The sparse path forces
    /// the owner's permit (§3.4), so the owner is exempt there; the dense path has no owner
    /// exception (§4 item 1).
    #[test]
    fn no_stake_from_nowhere(input in any_input()) {
        for (path, run) in PATHS {
            let out = run(&input);
            for i in 0..usize::from(input.n) {
                let alpha = input.alpha_stake.get(i).copied().unwrap_or(0);
                let tao = input.tao_stake.get(i).copied().unwrap_or(0);
                if alpha != 0 || tao != 0 {
                    continue;
                }
                prop_assert_eq!(out.stake[i], 0, "{} stake of uid {}", path, i);
                prop_assert_eq!(out.fixed.stake[i].to_bits(), 0, "{} S of uid {}", path, i);
                prop_assert_eq!(out.stake_weight[i], 0, "{} stake weight of uid {}", path, i);
                let owner = path == "sparse" && input.owner_uid.map(usize::from) == Some(i);
                if !owner {
                    prop_assert!(!out.validator_permit[i], "{} permit of uid {}", path, i);
                }
            }
        }
    }

    /// Property 8: sparse and dense agree where yuma spec §4 says they do. Conditions, from the
    /// code of both paths:
    /// * no owner (owner exceptions are sparse-only, §4 item 1) and no commit-reveal mask
    ///   (§4 item 2);
    /// * every vector of length `n` and uids `< n` (the realistic generator);
    /// * masking by removing entries (sparse) versus zeroing cells (dense), clipping that drops
    ///   entries whose consensus is zero versus `min(w, 0) = 0`, and interpolation that keeps
    ///   only positive values versus all cells give the same values everywhere, because an
    ///   absent entry and an explicit zero are read identically by the median, the row and
    ///   column normalisations, the products and the plain EMA (which densifies each row);
    /// * except in the Yuma3 liquid-alpha EMA, which reads stored row order and drops bonds on
    ///   columns absent from W^b (§13.9, §13.10, §4 item 4): there rows are sorted and bonds
    ///   kept only where W^b certainly has the column (see [`make_agreeable`]).
    ///
    /// Compared exactly: every per-uid output (stake, stake weight, active, consensus,
    /// incentive, dividends, validator trust, permits, the three emissions), the whole exact
    /// trace (zero EMA bonds omitted on both sides), and the stored bonds of new-permit rows
    /// as their positive entries (the dense path writes full rows with explicit zeros; the
    /// other rows are dense-specific: cleared if the uid had a permit, else left as stored).
    #[test]
    fn sparse_and_dense_agree(
        input in (realistic(), any::<bool>()).prop_map(|(i, z)| make_agreeable(i, z))
    ) {
        let sparse = run_sparse(&input);
        let dense = run_dense(&input);
        check_per_uid_outputs!(check_equal(sparse, dense));
        let (s, d) = (&sparse.fixed, &dense.fixed);
        prop_assert_eq!(s.ema_bonds.len(), d.ema_bonds.len());
        for (i, (srow, drow)) in s.ema_bonds.iter().zip(&d.ema_bonds).enumerate() {
            let srow: BTreeSet<_> = srow.iter().copied().collect();
            let drow: BTreeSet<_> = drow.iter().copied().collect();
            prop_assert_eq!(srow, drow, "EMA bonds of uid {}", i);
        }
        for i in 0..usize::from(input.n) {
            let positive = |row: &[(u16, u16)]| -> BTreeSet<(u16, u16)> {
                row.iter().copied().filter(|e| e.1 > 0).collect()
            };
            if sparse.validator_permit[i] {
                prop_assert_eq!(
                    positive(&sparse.bonds[i]),
                    positive(&dense.bonds[i]),
                    "stored bonds of uid {}",
                    i
                );
            } else {
                prop_assert!(sparse.bonds[i].is_empty());
                if input.validator_permit[i] {
                    prop_assert!(dense.bonds[i].is_empty());
                } else {
                    prop_assert_eq!(&dense.bonds[i], &input.bonds[i]);
                }
            }
        }
    }
}

/// Guards the generator: the shares the properties rely on are actually produced (some inputs
/// have incentive, dividends, fallbacks and zero-stake validators), so the properties above do
/// not pass vacuously.
#[test]
fn realistic_generator_covers_the_interesting_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = realistic();
    let (mut incentive, mut dividends, mut fallback, mut zero_stake_validator) = (0, 0, 0, 0);
    for _ in 0..200 {
        let input = strategy
            .new_tree(&mut runner)
            .expect("the generator does not reject")
            .current();
        let out = run_sparse(&input);
        let f = &out.fixed;
        if f.incentive.iter().any(|x| x.to_bits() != 0) {
            incentive += 1;
        } else if f.stake.iter().any(|x| x.to_bits() != 0) {
            fallback += 1;
        }
        if f.dividends.iter().any(|x| x.to_bits() != 0) {
            dividends += 1;
        }
        if (0..usize::from(input.n)).any(|i| {
            input.validator_permit[i] && f.stake[i].to_bits() == 0 && !input.bonds[i].is_empty()
        }) {
            zero_stake_validator += 1;
        }
    }
    assert!(
        incentive >= 40,
        "only {incentive} of 200 inputs have incentive"
    );
    assert!(
        dividends >= 40,
        "only {dividends} of 200 inputs have dividends"
    );
    assert!(
        fallback >= 5,
        "only {fallback} of 200 inputs fall back to stake"
    );
    assert!(
        zero_stake_validator >= 10,
        "only {zero_stake_validator} of 200 inputs have a zero-stake validator with bonds"
    );
}
