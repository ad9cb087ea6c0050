//! Helpers shared by the integration tests, included with `mod common;`: reading the JSON
//! vector files (every accessor panics with what it was reading), building an [`EpochInput`]
//! from them, reporting collected disagreements, and a seeded generator ([`rng`]).

// Every test binary compiles its own copy of this module and uses only part of it.
#![allow(dead_code)]

pub(crate) mod rng;

use std::collections::BTreeSet;

use agora_runtime::epoch::EpochInput;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Vector files
// ---------------------------------------------------------------------------------------------

/// A directory of JSON vector files.
pub(crate) struct VectorDir(pub(crate) &'static str);

impl VectorDir {
    pub(crate) fn load(&self, file: &str) -> Value {
        let path = format!("{}/{file}", self.0);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {path}: {e}"))
    }

    /// [`Self::load`], checking that the top-level object has no key outside `known`.
    pub(crate) fn load_known(&self, file: &str, known: &[&str]) -> Value {
        let doc = self.load(file);
        assert_known_keys(&doc, known, file);
        doc
    }

    /// The names of the `.json` files in the directory.
    pub(crate) fn json_files(&self) -> BTreeSet<String> {
        std::fs::read_dir(self.0)
            .expect("vector directory")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .into_string()
                    .expect("utf-8 name")
            })
            .filter(|name| name.ends_with(".json"))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// JSON access
// ---------------------------------------------------------------------------------------------

pub(crate) fn obj<'a>(v: &'a Value, what: &str) -> &'a Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{what}: expected an object, got {v}"))
}

pub(crate) fn arr<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what}: expected an array, got {v}"))
}

pub(crate) fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key)
        .unwrap_or_else(|| panic!("missing key `{key}` in {v}"))
}

pub(crate) fn as_u64(v: &Value, what: &str) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("{what}: expected an unsigned integer, got {v}"))
}

pub(crate) fn as_u16(v: &Value, what: &str) -> u16 {
    u16::try_from(as_u64(v, what)).unwrap_or_else(|_| panic!("{what}: {v} does not fit u16"))
}

pub(crate) fn as_usize(v: &Value, what: &str) -> usize {
    usize::try_from(as_u64(v, what)).expect("usize")
}

pub(crate) fn as_bool(v: &Value, what: &str) -> bool {
    v.as_bool()
        .unwrap_or_else(|| panic!("{what}: expected a bool, got {v}"))
}

pub(crate) fn as_str<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what}: expected a string, got {v}"))
}

pub(crate) fn u64_list(v: &Value, what: &str) -> Vec<u64> {
    arr(v, what).iter().map(|x| as_u64(x, what)).collect()
}

pub(crate) fn u16_list(v: &Value, what: &str) -> Vec<u16> {
    arr(v, what).iter().map(|x| as_u16(x, what)).collect()
}

pub(crate) fn bool_list(v: &Value, what: &str) -> Vec<bool> {
    arr(v, what).iter().map(|x| as_bool(x, what)).collect()
}

/// A JSON number read as the `f32` literal the reference test writes (decimal → nearest f32).
pub(crate) fn as_f32_literal(v: &Value, what: &str) -> f32 {
    assert!(v.is_number(), "{what}: expected a number, got {v}");
    v.to_string()
        .parse::<f32>()
        .unwrap_or_else(|e| panic!("{what}: {v}: {e}"))
}

/// One sparse row `[[col, value], ...]`.
pub(crate) fn sparse_row(v: &Value, what: &str) -> Vec<(u16, u16)> {
    arr(v, what)
        .iter()
        .map(|pair| {
            let p = arr(pair, what);
            assert_eq!(p.len(), 2, "{what}: entry {pair} is not a pair");
            (as_u16(&p[0], what), as_u16(&p[1], what))
        })
        .collect()
}

/// Rows keyed by uid (`{"0": [[col, value], ...], ...}`), as a vector with at least `n` rows.
pub(crate) fn rows_by_uid(v: &Value, n: u16, what: &str) -> Vec<Vec<(u16, u16)>> {
    let mut rows: Vec<Vec<(u16, u16)>> = vec![Vec::new(); usize::from(n)];
    for (k, row) in obj(v, what) {
        let uid: usize = k
            .parse()
            .unwrap_or_else(|_| panic!("{what}: row key `{k}` is not a uid"));
        if uid >= rows.len() {
            rows.resize(uid + 1, Vec::new());
        }
        rows[uid] = sparse_row(row, what);
    }
    rows
}

pub(crate) fn assert_known_keys(v: &Value, known: &[&str], what: &str) {
    for k in obj(v, what).keys() {
        assert!(
            known.contains(&k.as_str()),
            "{what}: unknown key `{k}` (would be silently ignored)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Building inputs
// ---------------------------------------------------------------------------------------------

/// Applies a `hyperparameters` object. Keys whose value is `"per sub-case"` are returned for
/// the caller to set. Checks the derived `activity_cutoff_blocks` against ours. Sets
/// `commit_blocks` from `commit_reveal_mask_active` (so `input.n` must be set already).
pub(crate) fn apply_hyperparameters(input: &mut EpochInput, hp: &Value, what: &str) -> Vec<String> {
    let mut deferred = Vec::new();
    let mut cutoff: Option<u64> = None;
    let mut commit_reveal = false;
    for (k, v) in obj(hp, what) {
        if v.as_str() == Some("per sub-case") {
            deferred.push(k.clone());
            continue;
        }
        let w = format!("{what}.{k}");
        match k.as_str() {
            "kappa_u16" => input.kappa = as_u16(v, &w),
            "bonds_penalty_u16" => input.bonds_penalty = as_u16(v, &w),
            "bonds_moving_average" => input.bonds_moving_average = as_u64(v, &w),
            "activity_cutoff_factor_milli" => {
                input.activity_cutoff_factor_milli = u32::try_from(as_u64(v, &w)).expect("u32");
            }
            "stake_threshold" => input.stake_threshold = as_u64(v, &w),
            "tao_weight" => input.tao_weight = as_u64(v, &w),
            "liquid_alpha" => input.liquid_alpha_enabled = as_bool(v, &w),
            "alpha_values_u16" => {
                let a = u16_list(v, &w);
                assert_eq!(a.len(), 2, "{w}");
                input.alpha_low = a[0];
                input.alpha_high = a[1];
            }
            "alpha_sigmoid_steepness" => {
                let s = v.as_i64().unwrap_or_else(|| panic!("{w}: not an integer"));
                input.alpha_sigmoid_steepness = i16::try_from(s).expect("i16");
            }
            "last_mechanism_step_block" => input.last_mechanism_step_block = as_u64(v, &w),
            "owner_uid" => {
                input.owner_uid = if v.is_null() {
                    None
                } else {
                    Some(as_u16(v, &w))
                }
            }
            "commit_reveal_mask_active" => commit_reveal = as_bool(v, &w),
            "tempo" => input.tempo = as_u16(v, &w),
            "max_allowed_validators" => input.max_allowed_validators = as_u16(v, &w),
            "yuma3" => input.yuma3_enabled = as_bool(v, &w),
            "rao_emission" => input.rao_emission = as_u64(v, &w),
            "activity_cutoff_blocks" => cutoff = Some(as_u64(v, &w)),
            other => panic!("{what}: unknown hyperparameter `{other}` (would be silently ignored)"),
        }
    }
    // Commit-reveal enabled but no commits: every uid has "no active commit" (u64::MAX), so
    // the column mask removes nothing (run_epoch.rs 731-777).
    input.commit_blocks = commit_reveal.then(|| vec![u64::MAX; usize::from(input.n)]);
    if let Some(c) = cutoff {
        assert_eq!(
            input.activity_cutoff_blocks(),
            c,
            "{what}: derived activity_cutoff_blocks"
        );
    }
    deferred
}

/// [`apply_hyperparameters`] where every hyperparameter must be given (none deferred).
pub(crate) fn apply_all_hyperparameters(input: &mut EpochInput, hp: &Value, what: &str) {
    let deferred = apply_hyperparameters(input, hp, what);
    assert!(
        deferred.is_empty(),
        "{what}: unresolved hyperparameters {deferred:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

/// Fails, listing every problem under `heading`, if there is any.
pub(crate) fn assert_no_problems(heading: &str, problems: &[String]) {
    assert!(problems.is_empty(), "{heading}:\n{}", problems.join("\n"));
}
