//! Replays the reference chain's epoch log vectors (`tests/vectors/epoch_logs/*.json`, from
//! subtensor's `pallets/subtensor/src/tests/epoch_logs.rs`).
//!
//! The reference tests capture the trace/debug log of `epoch_mechanism` and assert substrings
//! of it (a leading `!` means the substring must NOT appear). We build the input each file
//! describes, run our sparse epoch, and rebuild the same log lines, in the order of
//! `run_epoch.rs` (lines ~566-1076) and `get_stake_weights_for_network`, with the reference's
//! own formatting: `{:?}` on vectors of substrate-fixed numbers (whose `Debug` is the same
//! code as `Display`, checked in `fixed_debug_equals_display`), `AlphaBalance(n)` for
//! balances, and the `math error:` lines the reference's math functions log on length
//! mismatches.
//!
//! Lines come from three sources, listed in [`LINE_SOURCES`]: our outputs and `FixedTrace`,
//! echoes of the input (nothing of ours to check there, but the substring is still matched),
//! and intermediates we do not expose (masked weights, bond matrices), which are recomputed
//! from `agora_runtime::epoch::math` following the reference step order and cross-checked
//! against our outputs wherever an output depends on them.
//!
//! Mechanism files run one epoch per mechanism, each modelled as its own `EpochInput` with that
//! mechanism's weights. `reference_outputs_not_asserted` figures are compared in separate tests
//! (`mod reference_outputs`).

use std::collections::BTreeSet;
use std::fmt::Debug;

use agora_primitives::{I32F32, I64F64, SafeDiv, U96F32};
use agora_runtime::epoch::math::{
    col_clip_sparse, fixed_to_fixed_u16_proportion, fixed64_to_u64, inplace_col_max_upscale_sparse,
    inplace_col_normalize_sparse, inplace_normalize, inplace_row_normalize_sparse,
    interpolate_sparse, mask_diag_sparse, mask_diag_sparse_except_index, mask_rows_sparse,
    mat_ema_sparse, mat_vec_mul_sparse, matmul_transpose_sparse, row_hadamard_sparse,
    row_sum_sparse, scalar_vec_mask_sparse_matrix, u16_proportion_to_fixed, u16_to_fixed,
    vec_mask_sparse_matrix, vec_mul, weighted_median_col_sparse,
};
use agora_runtime::epoch::{EpochInput, EpochOutput, run_sparse};
use serde_json::Value;

mod common;
use common::{
    VectorDir, apply_all_hyperparameters, arr, as_bool, as_str, as_u16, as_u64, assert_known_keys,
    assert_no_problems, bool_list, field, obj, rows_by_uid, u64_list,
};

const LOG_VECTORS: VectorDir = VectorDir(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/epoch_logs"
));

type Sparse = Vec<Vec<(u16, I32F32)>>;

/// Where each reconstructed log line comes from (for the report; every asserted substring is
/// matched against the reconstructed text, whatever its source).
const LINE_SOURCES: &[(&str, &str)] = &[
    ("Number of Neurons in Network", "input (n)"),
    (
        "current_block / tempo / activity_cutoff",
        "input; activity_cutoff also equals EpochOutput::activity_cutoff_blocks",
    ),
    (
        "Last update",
        "input, padded with zeros to n like get_last_update",
    ),
    (
        "Inactive",
        "EpochOutput::active (negated), cross-checked against the input",
    ),
    ("Block at registration", "input"),
    (
        "tao_weight / alpha_stake / tao_stake",
        "input (get_stake_weights_for_network)",
    ),
    ("total_stake", "FixedTrace::total_stake"),
    (
        "Filtered stake",
        "FixedTrace::total_stake with the stake-threshold/owner filter re-applied",
    ),
    ("Normalised Stake", "FixedTrace::stake"),
    (
        "validator_permits / max_allowed_validators",
        "input (owner permit forced)",
    ),
    ("new_validator_permits", "EpochOutput::validator_permit"),
    (
        "math error: inplace_mask_vector",
        "input lengths, as the reference's length check",
    ),
    ("Active Stake", "FixedTrace::active_stake"),
    (
        "Weights / (permit) / (permit+diag) / (permit+diag+outdate) / (mask+norm)",
        "recomputed with math::{mask_rows_sparse, mask_diag_sparse*, vec_mask_sparse_matrix, \
         inplace_row_normalize_sparse}; cross-checked: weighted_median_col_sparse of the result \
         equals FixedTrace::consensus",
    ),
    ("Consensus", "FixedTrace::consensus"),
    (
        "Clipped Weights",
        "recomputed (col_clip_sparse); cross-checked: row sums equal FixedTrace::validator_trust",
    ),
    ("Validator Trust", "FixedTrace::validator_trust"),
    ("Incentive (=Rank)", "FixedTrace::incentive"),
    (
        "B / B (outdatedmask) / B (mask+norm) / ΔB / ΔB (norm) / Exponential Moving Average Bonds",
        "recomputed (original Yuma branch); cross-checked: the dividends they give equal \
         FixedTrace::dividends and their column max-upscale equals FixedTrace::ema_bonds",
    ),
    (
        "Bonds / Bonds: (mask) / weights_for_bonds / emaB / emaB norm / total_bonds_per_validator",
        "Yuma3 branch: emaB is FixedTrace::ema_bonds (cross-checked against mat_ema_sparse when \
         liquid alpha is off); the rest recomputed; cross-checked: the dividends they give equal \
         FixedTrace::dividends",
    ),
    ("Dividends", "FixedTrace::dividends"),
    (
        "Normalized Server/Validator/Combined Emission",
        "FixedTrace::normalized_{server,validator,combined}_emission",
    ),
    (
        "Server/Validator/Combined Emission",
        "EpochOutput::{server,validator}_emission, EpochOutput::emission",
    ),
];

/// The 13 files.
const FILES: &[&str] = &[
    "epoch_mechanism_reads_weights_per_mechanism.json",
    "epoch_mechanism_three_mechanisms_separate_state.json",
    "epoch_original_yuma_bonds_pipeline.json",
    "epoch_topk_validator_permits.json",
    "epoch_uses_active_stake_when_nonzero_active.json",
    "epoch_yuma3_bonds_pipeline.json",
    "test_bad_permit_vector.json",
    "test_inactive_mask_zeroes_active_stake.json",
    "test_simple.json",
    "test_validator_permit_masks_active_stake.json",
    "test_validator_splits_weight_across_two_servers.json",
    "test_validators_weight_two_distinct_servers.json",
    "yuma_emergency_mode.json",
];

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

/// One epoch call of a file: the input, the asserted substrings, the reference figures.
struct Case {
    label: String,
    input: EpochInput,
    asserted: Vec<String>,
    reference: Option<Value>,
}

const HP_KEYS: &[&str] = &[
    "tempo",
    "activity_cutoff_factor_milli",
    "activity_cutoff_blocks",
    "legacy_ActivityCutoff_storage",
    "kappa_u16",
    "bonds_penalty_u16",
    "bonds_moving_average",
    "max_allowed_validators",
    "stake_threshold",
    "tao_weight",
    "yuma3",
    "liquid_alpha",
    "owner_uid",
    "last_mechanism_step_block",
    "commit_reveal_enabled",
    "rao_emission",
];

const NEURONS_KEY: &str =
    "neurons(uid, hotkey, validator_permit, alpha_stake, registration_block, last_update)";

/// The shared part of every case in a file (everything but the weights and the emission).
fn base_input(doc: &Value, file: &str) -> EpochInput {
    let hp = field(doc, "hyperparameters");
    assert_known_keys(hp, HP_KEYS, file);
    let inputs = field(doc, "inputs");
    assert_known_keys(
        inputs,
        &[
            "current_block",
            NEURONS_KEY,
            "validator_permits",
            "weights_stored_u16",
            "ValidatorPermit_override",
            "Yuma3On",
            "MaxAllowedValidators",
        ],
        file,
    );
    let neurons = arr(field(inputs, NEURONS_KEY), "neurons");
    let n = u16::try_from(neurons.len()).expect("n");
    let mut permits_from_neurons = Vec::new();
    let mut input = EpochInput {
        n,
        current_block: as_u64(field(inputs, "current_block"), "current_block"),
        ..EpochInput::default()
    };
    for (i, neuron) in neurons.iter().enumerate() {
        let f = arr(neuron, "neuron");
        assert_eq!(f.len(), 6, "{file}: neuron {neuron}");
        assert_eq!(
            as_u64(&f[0], "uid"),
            u64::try_from(i).expect("u64"),
            "{file}: uids must be 0..n in order"
        );
        // f[1] is the hotkey: the epoch output is keyed by hotkey but every figure is by uid.
        permits_from_neurons.push(as_bool(&f[2], "validator"));
        input.alpha_stake.push(as_u64(&f[3], "alpha_stake"));
        input.tao_stake.push(0);
        input
            .block_at_registration
            .push(as_u64(&f[4], "registration_block"));
        input.last_update.push(as_u64(&f[5], "last_update"));
    }
    // ValidatorPermit: setup_epoch writes the neurons' flags; some tests overwrite it.
    input.validator_permit = match inputs.get("ValidatorPermit_override") {
        Some(o) => bool_list(o, "ValidatorPermit_override"),
        None => permits_from_neurons,
    };
    // Every one of HP_KEYS is given. Two are the log files' own: `legacy_ActivityCutoff_storage`
    // is written by setup_epoch but not read by the epoch, and commit-reveal is set below; the
    // others are read like the epoch vectors' hyperparameters (the derived cutoff checked).
    assert_eq!(
        obj(hp, file).len(),
        HP_KEYS.len(),
        "{file}: hyperparameters"
    );
    as_u64(field(hp, "legacy_ActivityCutoff_storage"), "legacy");
    let mut usual = obj(hp, file).clone();
    usual.remove("legacy_ActivityCutoff_storage");
    usual.remove("commit_reveal_enabled");
    apply_all_hyperparameters(&mut input, &Value::Object(usual), file);
    // Commit-reveal: on by default with no commits (every uid "no active commit" = u64::MAX, the
    // mask removes nothing), or explicitly disabled.
    input.commit_blocks = match field(hp, "commit_reveal_enabled") {
        Value::Bool(false) => None,
        Value::String(s) if s.starts_with("true by default (no commits exist") => {
            Some(vec![u64::MAX; usize::from(n)])
        }
        other => panic!("{file}: unsupported commit_reveal_enabled {other}"),
    };
    assert_echo(
        inputs,
        "validator_permits",
        bool_list,
        &input.validator_permit,
        file,
    );
    assert_echo(
        inputs,
        "MaxAllowedValidators",
        as_u16,
        &input.max_allowed_validators,
        file,
    );
    assert_echo(inputs, "Yuma3On", as_bool, &input.yuma3_enabled, file);
    input
}

/// An input key that repeats a value set elsewhere must, where present, agree with it.
fn assert_echo<T: PartialEq + Debug>(
    inputs: &Value,
    key: &str,
    read: fn(&Value, &str) -> T,
    ours: &T,
    file: &str,
) {
    if let Some(v) = inputs.get(key) {
        assert_eq!(&read(v, key), ours, "{file}: {key}");
    }
}

fn substrings(v: &Value, what: &str) -> Vec<String> {
    arr(v, what)
        .iter()
        .map(|s| as_str(s, what).to_owned())
        .collect()
}

fn cases(file: &str) -> (Value, Vec<Case>) {
    let doc = LOG_VECTORS.load_known(
        file,
        &[
            "source",
            "variant",
            "setup_notes",
            "hyperparameters",
            "inputs",
            "asserted_log_substrings",
            "compare",
            "reference_outputs_not_asserted",
            "notes",
            "per_mechanism",
            "also_asserted",
        ],
    );
    let cmp = field(&doc, "compare");
    assert_known_keys(cmp, &["kind", "note"], file);
    assert_eq!(
        as_str(field(cmp, "kind"), "kind"),
        "log_substring",
        "{file}"
    );
    let variant = as_str(field(&doc, "variant"), "variant");
    assert!(
        variant.starts_with("sparse epoch_mechanism"),
        "{file}: variant {variant}"
    );
    let base = base_input(&doc, file);
    let inputs = field(&doc, "inputs");
    let mut out = Vec::new();
    if let Some(mechs) = doc.get("per_mechanism") {
        assert!(
            doc.get("asserted_log_substrings").is_none()
                && inputs.get("weights_stored_u16").is_none()
        );
        for (k, mech) in arr(mechs, "per_mechanism").iter().enumerate() {
            let mecid = as_u64(field(mech, "mecid"), "mecid");
            assert_eq!(
                mecid,
                u64::try_from(k).expect("u64"),
                "{file}: mechanisms in order"
            );
            let mut weights = None;
            for (key, v) in obj(mech, "mechanism") {
                match key.as_str() {
                    "mecid"
                    | "rao_emission"
                    | "asserted_log_substrings"
                    | "reference_outputs_not_asserted" => {}
                    k if k.starts_with("weights_stored_u16") => weights = Some(v),
                    other => panic!("{file}: unknown mechanism key `{other}`"),
                }
            }
            // Each mechanism reads its own Weights (and Bonds, empty here) with the shared
            // stake, permits, registration and LastUpdate (written for every mechanism).
            let input = EpochInput {
                weights: rows_by_uid(weights.expect("mechanism weights"), base.n, "weights"),
                rao_emission: as_u64(field(mech, "rao_emission"), "rao_emission"),
                ..base.clone()
            };
            out.push(Case {
                label: format!("mecid {mecid}"),
                input,
                asserted: substrings(field(mech, "asserted_log_substrings"), file),
                reference: mech.get("reference_outputs_not_asserted").cloned(),
            });
        }
        let also = as_str(field(&doc, "also_asserted"), "also_asserted");
        assert!(
            also.contains("differ") || also.contains("different"),
            "{file}: {also}"
        );
    } else {
        assert!(doc.get("also_asserted").is_none());
        let input = EpochInput {
            weights: rows_by_uid(field(inputs, "weights_stored_u16"), base.n, "weights"),
            ..base
        };
        out.push(Case {
            label: "epoch".to_owned(),
            input,
            asserted: substrings(field(&doc, "asserted_log_substrings"), file),
            reference: doc.get("reference_outputs_not_asserted").cloned(),
        });
    }
    (doc, out)
}

// ---------------------------------------------------------------------------------------------
// Log reconstruction
// ---------------------------------------------------------------------------------------------

/// `AlphaBalance` as the reference's `Debug` prints it (`AlphaBalance(n)`).
struct AlphaBalance(u64);

impl Debug for AlphaBalance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlphaBalance({})", self.0)
    }
}

fn balances(v: &[u64]) -> Vec<AlphaBalance> {
    v.iter().map(|&x| AlphaBalance(x)).collect()
}

struct Log(Vec<String>);

impl Log {
    fn line(&mut self, s: String) {
        self.0.push(s);
    }

    fn dbg<T: Debug + ?Sized>(&mut self, label: &str, v: &T) {
        self.0.push(format!("{label}: {v:?}"));
    }

    /// `inplace_mask_vector`'s length check.
    fn mask_vector_check(&mut self, mask_len: usize, vector_len: usize) {
        if mask_len != vector_len {
            self.line(format!("math error: inplace_mask_vector input lengths are not equal: {mask_len:?} != {vector_len:?}"));
        }
    }
}

/// `get_weights_sparse`: rows `0..n`, entries with column `< n`, values as I32F32 integers.
fn stored_weights(input: &EpochInput) -> Sparse {
    let n = input.n;
    (0..usize::from(n))
        .map(|i| {
            input.weights.get(i).map_or_else(Vec::new, |row| {
                row.iter()
                    .filter(|&&(j, _)| j < n)
                    .map(|&(j, w)| (j, I32F32::saturating_from_num(w)))
                    .collect()
            })
        })
        .collect()
}

/// `get_bonds_sparse`: rows `0..n`, every entry.
fn stored_bonds(input: &EpochInput) -> Sparse {
    (0..usize::from(input.n))
        .map(|i| {
            input.bonds.get(i).map_or_else(Vec::new, |row| {
                row.iter().map(|&(j, b)| (j, u16_to_fixed(b))).collect()
            })
        })
        .collect()
}

/// `1 - bonds_moving_average / 10^6` as `compute_ema_bonds_normal_sparse` computes it.
fn ema_alpha(bma: u64) -> I32F32 {
    let bma = I64F64::saturating_from_num(bma).safe_div(I64F64::saturating_from_num(1_000_000));
    I32F32::saturating_from_num(1).saturating_sub(I32F32::saturating_from_num(bma))
}

/// Rebuilds the trace of one sparse `epoch_mechanism` call from our output, following
/// `run_epoch.rs`. Panics if a recomputed intermediate is inconsistent with our output.
fn reconstruct_log(input: &EpochInput, out: &EpochOutput) -> String {
    let n = input.n;
    let nu = usize::from(n);
    let fx = &out.fixed;
    let mut log = Log(Vec::new());

    log.line(format!("Number of Neurons in Network: {n:?}"));
    log.line(format!("current_block: {:?}", input.current_block));
    log.line(format!("tempo:\n{:?}\n", u64::from(input.tempo)));
    assert_eq!(out.activity_cutoff_blocks, input.activity_cutoff_blocks());
    log.line(format!("activity_cutoff: {:?}", out.activity_cutoff_blocks));
    // get_last_update pads a shorter vector with zeros; a longer one is used as is.
    let mut last_update = input.last_update.clone();
    if last_update.len() < nu {
        last_update.resize(nu, 0);
    }
    log.dbg("Last update", &last_update);
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|&u| u.saturating_add(out.activity_cutoff_blocks) < input.current_block)
        .collect();
    let ours: Vec<bool> = out.active.iter().map(|&a| !a).collect();
    assert_eq!(
        &inactive[..nu.min(inactive.len())],
        &ours[..],
        "Inactive vs EpochOutput::active"
    );
    log.dbg("Inactive", &inactive);
    let registered: Vec<u64> = (0..nu)
        .map(|i| input.block_at_registration.get(i).copied().unwrap_or(0))
        .collect();
    log.dbg("Block at registration", &registered);

    // get_stake_weights_for_network
    let tao_weight = I64F64::saturating_from_num(
        U96F32::saturating_from_num(input.tao_weight)
            .safe_div(U96F32::saturating_from_num(u64::MAX)),
    );
    log.dbg("tao_weight", &tao_weight);
    let alpha: Vec<I64F64> = (0..nu)
        .map(|i| I64F64::saturating_from_num(input.alpha_stake.get(i).copied().unwrap_or(0)))
        .collect();
    log.dbg("alpha_stake", &alpha);
    let tao: Vec<I64F64> = (0..nu)
        .map(|i| I64F64::saturating_from_num(input.tao_stake.get(i).copied().unwrap_or(0)))
        .collect();
    log.dbg("tao_stake", &tao);
    log.dbg("total_stake", &fx.total_stake);

    let filtered: Vec<I64F64> = fx
        .total_stake
        .iter()
        .enumerate()
        .map(|(uid, &s)| {
            let is_owner = input.owner_uid.is_some_and(|o| usize::from(o) == uid);
            if !is_owner && fixed64_to_u64(s) < input.stake_threshold {
                I64F64::from_num(0)
            } else {
                s
            }
        })
        .collect();
    log.dbg("Filtered stake", &filtered);
    log.dbg("Normalised Stake", &fx.stake);

    let mut permits = input.validator_permit.clone();
    if let Some(cell) = input
        .owner_uid
        .and_then(|o| permits.get_mut(usize::from(o)))
    {
        *cell = true;
    }
    log.dbg("validator_permits", &permits);
    let forbids: Vec<bool> = permits.iter().map(|&p| !p).collect();
    log.dbg("max_allowed_validators", &input.max_allowed_validators);
    log.dbg("new_validator_permits", &out.validator_permit);

    // Active stake: the two masks check their lengths against the stake vector.
    log.mask_vector_check(inactive.len(), fx.stake.len());
    log.mask_vector_check(forbids.len(), fx.stake.len());
    log.dbg("Active Stake", &fx.active_stake);

    // Weights.
    let mut weights = stored_weights(input);
    log.dbg("Weights", &weights);
    weights = mask_rows_sparse(&forbids, &weights);
    log.dbg("Weights (permit)", &weights);
    weights = match input.owner_uid {
        Some(o) => mask_diag_sparse_except_index(&weights, o),
        None => mask_diag_sparse(&weights),
    };
    log.dbg("Weights (permit+diag)", &weights);
    weights = vec_mask_sparse_matrix(&weights, &last_update, &registered, |u, r| u <= r);
    log.dbg("Weights (permit+diag+outdate)", &weights);
    if let Some(commit_blocks) = &input.commit_blocks {
        let mut blocks = vec![u64::MAX; nu];
        for (b, c) in blocks.iter_mut().zip(commit_blocks) {
            *b = *c;
        }
        weights = vec_mask_sparse_matrix(&weights, &blocks, &registered, |c, r| c < r);
        log.line(format!(
            "Commit-reveal column mask applied ({} masked rows)",
            blocks.iter().filter(|&&c| c != u64::MAX).count()
        ));
    }
    inplace_row_normalize_sparse(&mut weights);
    log.dbg("Weights (mask+norm)", &weights);

    let kappa = u16_proportion_to_fixed(input.kappa);
    assert_eq!(
        weighted_median_col_sparse(&fx.active_stake, &weights, n, kappa),
        fx.consensus,
        "recomputed weights vs consensus"
    );
    log.dbg("Consensus", &fx.consensus);
    let clipped = col_clip_sparse(&weights, &fx.consensus);
    log.dbg("Clipped Weights", &clipped);
    assert_eq!(
        row_sum_sparse(&clipped),
        fx.validator_trust,
        "recomputed clipped weights vs validator trust"
    );
    log.dbg("Validator Trust", &fx.validator_trust);
    log.dbg("Incentive (=Rank)", &fx.incentive);

    let penalty = u16_proportion_to_fixed(input.bonds_penalty);
    if weights.len() != clipped.len()
        && penalty != I32F32::from_num(0)
        && penalty != I32F32::from_num(1)
    {
        log.line(format!(
            "math error: interpolate_sparse: mat1.len() != mat2.len(): {:?} != {:?}",
            weights.len(),
            clipped.len()
        ));
    }
    let weights_for_bonds = interpolate_sparse(&weights, &clipped, n, penalty);
    let last_tempo = input.last_tempo();
    assert_eq!(out.last_tempo, last_tempo);
    if input.yuma3_enabled {
        let mut bonds = stored_bonds(input);
        for row in &mut bonds {
            for (_, b) in row.iter_mut() {
                *b = fixed_to_fixed_u16_proportion(*b);
            }
        }
        log.dbg("Bonds", &bonds);
        let bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, &registered, |lt, r| lt <= r);
        log.line(format!("Bonds: (mask) {bonds:?}"));
        log.dbg("weights_for_bonds", &weights_for_bonds);
        if weights_for_bonds.len() != bonds.len() {
            let (new, old) = (weights_for_bonds.len(), bonds.len());
            log.line(if input.liquid_alpha_enabled {
                format!("math error: compute_liquid_alpha_values_sparse: weights and bonds have different lengths: {new:?} != {old:?}")
            } else {
                format!("math error: mat_ema_sparse: new.len() == old.len(): {new:?} != {old:?}")
            });
        }
        let liquid =
            input.liquid_alpha_enabled && fx.consensus.iter().any(|&c| c != I32F32::from_num(0));
        let ema = fx.ema_bonds.clone();
        if !liquid {
            assert_eq!(
                mat_ema_sparse(
                    &weights_for_bonds,
                    &bonds,
                    ema_alpha(input.bonds_moving_average)
                ),
                ema,
                "emaB"
            );
        }
        log.dbg("emaB", &ema);
        let mut ema_norm = ema;
        inplace_col_normalize_sparse(&mut ema_norm, n);
        log.dbg("emaB norm", &ema_norm);
        let total = row_sum_sparse(&mat_vec_mul_sparse(&ema_norm, &fx.incentive));
        log.dbg("total_bonds_per_validator", &total);
        let mut dividends = vec_mul(&total, &fx.active_stake);
        inplace_normalize(&mut dividends);
        assert_eq!(
            dividends, fx.dividends,
            "recomputed Yuma3 bonds vs dividends"
        );
    } else {
        let bonds = stored_bonds(input);
        log.dbg("B", &bonds);
        let mut bonds =
            scalar_vec_mask_sparse_matrix(&bonds, last_tempo, &registered, |lt, r| lt <= r);
        log.dbg("B (outdatedmask)", &bonds);
        inplace_col_normalize_sparse(&mut bonds, n);
        log.dbg("B (mask+norm)", &bonds);
        let mut delta = row_hadamard_sparse(&weights_for_bonds, &fx.active_stake);
        log.dbg("ΔB", &delta);
        inplace_col_normalize_sparse(&mut delta, n);
        log.dbg("ΔB (norm)", &delta);
        if delta.len() != bonds.len() {
            log.line(format!(
                "math error: mat_ema_sparse: new.len() == old.len(): {:?} != {:?}",
                delta.len(),
                bonds.len()
            ));
        }
        let mut ema = mat_ema_sparse(&delta, &bonds, ema_alpha(input.bonds_moving_average));
        log.dbg("Exponential Moving Average Bonds Normal", &ema);
        inplace_col_normalize_sparse(&mut ema, n);
        log.dbg("Exponential Moving Average Bonds", &ema);
        let mut dividends = matmul_transpose_sparse(&ema, &fx.incentive);
        inplace_normalize(&mut dividends);
        assert_eq!(dividends, fx.dividends, "recomputed bonds vs dividends");
        inplace_col_max_upscale_sparse(&mut ema, n);
        assert_eq!(
            ema, fx.ema_bonds,
            "recomputed EMA bonds vs FixedTrace::ema_bonds"
        );
    }
    log.dbg("Dividends", &fx.dividends);

    log.dbg("Normalized Server Emission", &fx.normalized_server_emission);
    log.dbg("Server Emission", &balances(&out.server_emission));
    log.dbg(
        "Normalized Validator Emission",
        &fx.normalized_validator_emission,
    );
    log.dbg("Validator Emission", &balances(&out.validator_emission));
    log.dbg(
        "Normalized Combined Emission",
        &fx.normalized_combined_emission,
    );
    log.dbg("Combined Emission", &balances(&out.emission));
    log.0.join("\n")
}

/// Checks every asserted substring against the reconstructed log; returns the failures.
fn check_substrings(log: &str, asserted: &[String], what: &str) -> Vec<String> {
    asserted
        .iter()
        .filter_map(|s| match s.strip_prefix('!') {
            Some(absent) => log
                .contains(absent)
                .then(|| format!("{what}: `{absent}` must not appear")),
            None => (!log.contains(s.as_str())).then(|| format!("{what}: `{s}` not found")),
        })
        .collect()
}

fn check_file(file: &str) {
    let (_, cases) = cases(file);
    let mut failures = Vec::new();
    let mut logs = Vec::new();
    for case in &cases {
        let out = run_sparse(&case.input);
        let log = reconstruct_log(&case.input, &out);
        let what = format!("{file} {}", case.label);
        let f = check_substrings(&log, &case.asserted, &what);
        if !f.is_empty() {
            failures.extend(f);
            failures.push(format!("reconstructed log of {what}:\n{log}"));
        }
        logs.push(log);
    }
    assert!(
        cases.iter().all(|c| !c.asserted.is_empty()),
        "{file}: nothing asserted"
    );
    // also_asserted: the per-mechanism logs are pairwise different.
    for (i, a) in logs.iter().enumerate() {
        for b in &logs[i + 1..] {
            assert_ne!(a, b, "{file}: mechanism logs must differ");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_file_reference(file: &str) {
    let (_, cases) = cases(file);
    let mut diffs = Vec::new();
    let mut compared = 0usize;
    for case in &cases {
        let out = run_sparse(&case.input);
        let what = format!("{file} {}", case.label);
        let refs = case
            .reference
            .as_ref()
            .unwrap_or_else(|| panic!("{what}: no reference outputs"));
        for (k, v) in obj(refs, &what) {
            compared += 1;
            let ok = match k.as_str() {
                "incentive_u16" => same_u64(out.incentive.iter().map(|&x| u64::from(x)), v),
                "dividends_u16" => same_u64(out.dividends.iter().map(|&x| u64::from(x)), v),
                "consensus_u16" => same_u64(out.consensus.iter().map(|&x| u64::from(x)), v),
                "emission" => same_u64(out.emission.iter().copied(), v),
                "server_emission" => same_u64(out.server_emission.iter().copied(), v),
                "validator_emission" => same_u64(out.validator_emission.iter().copied(), v),
                "new_validator_permits" => bool_list(v, k) == out.validator_permit,
                other => panic!("{what}: unknown reference output `{other}`"),
            };
            if !ok {
                diffs.push(format!(
                    "{what}: {k}: reference {v}, ours {}",
                    ours_text(&out, k)
                ));
            }
        }
    }
    assert!(compared > 0);
    assert_no_problems("secondary evidence disagrees", &diffs);
}

fn same_u64(got: impl Iterator<Item = u64>, want: &Value) -> bool {
    got.collect::<Vec<_>>() == u64_list(want, "reference")
}

fn ours_text(out: &EpochOutput, key: &str) -> String {
    match key {
        "incentive_u16" => format!("{:?}", out.incentive),
        "dividends_u16" => format!("{:?}", out.dividends),
        "consensus_u16" => format!("{:?}", out.consensus),
        "emission" => format!("{:?}", out.emission),
        "server_emission" => format!("{:?}", out.server_emission),
        "validator_emission" => format!("{:?}", out.validator_emission),
        _ => format!("{:?}", out.validator_permit),
    }
}

macro_rules! log_files {
    ($($name:ident),* $(,)?) => {
        /// Asserted log substrings, one test per file.
        mod asserted {
            $(
                #[test]
                fn $name() {
                    super::check_file(concat!(stringify!($name), ".json"));
                }
            )*
        }

        /// `reference_outputs_not_asserted`, one test per file.
        mod reference_outputs {
            $(
                #[test]
                fn $name() {
                    super::check_file_reference(concat!(stringify!($name), ".json"));
                }
            )*
        }

        /// The files the macro generated tests for.
        const TESTED: &[&str] = &[$(concat!(stringify!($name), ".json")),*];
    };
}

log_files!(
    epoch_mechanism_reads_weights_per_mechanism,
    epoch_mechanism_three_mechanisms_separate_state,
    epoch_original_yuma_bonds_pipeline,
    epoch_topk_validator_permits,
    epoch_uses_active_stake_when_nonzero_active,
    epoch_yuma3_bonds_pipeline,
    test_bad_permit_vector,
    test_inactive_mask_zeroes_active_stake,
    test_simple,
    test_validator_permit_masks_active_stake,
    test_validator_splits_weight_across_two_servers,
    test_validators_weight_two_distinct_servers,
    yuma_emergency_mode,
);

#[test]
fn every_log_file_is_tested() {
    let on_disk = LOG_VECTORS.json_files();
    let listed: BTreeSet<String> = FILES.iter().map(|s| (*s).to_owned()).collect();
    let tested: BTreeSet<String> = TESTED.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(on_disk, listed);
    assert_eq!(listed, tested);
    assert_eq!(on_disk.len(), 13);
    for (line, source) in LINE_SOURCES {
        println!("{line}: {source}");
    }
}

#[test]
fn fixed_debug_equals_display() {
    // The reference logs vectors with `{:?}`; substrate-fixed's Debug and Display share fmt_dec.
    for bits in [
        0i64,
        1,
        -1,
        1 << 31,
        1 << 32,
        3 << 30,
        1_431_655_765,
        i64::MAX,
        i64::MIN,
        123_456_789_012,
    ] {
        let x = I32F32::from_bits(bits);
        assert_eq!(format!("{x:?}"), format!("{x}"));
        let y = I64F64::from_bits(i128::from(bits) << 17);
        assert_eq!(format!("{y:?}"), format!("{y}"));
    }
    assert_eq!(
        format!("{:?}", vec![I32F32::from_num(0.5), I32F32::from_num(0)]),
        "[0.5, 0]"
    );
    assert_eq!(
        format!("{:?}", I32F32::from_num(1) / I32F32::from_num(3)),
        "0.3333333333"
    );
    assert_eq!(
        format!("{:?}", balances(&[5, 0])),
        "[AlphaBalance(5), AlphaBalance(0)]"
    );
    assert_eq!(
        format!("{:?}", vec![vec![(3u16, I32F32::from_num(65535))], vec![]]),
        "[[(3, 65535)], []]"
    );
}
