//! Conformance of `agora_runtime::epoch::math` with the reference chain's math unit tests.
//!
//! Runs every case of `tests/vectors/math.jsonl` (extracted from opentensor/subtensor
//! `pallets/subtensor/src/tests/math.rs`; format in `tests/vectors/README.md`) against our
//! implementation. Inputs are taken from the raw I32F32 `bits` wherever the vector gives them;
//! floats are only converted where no bits are given, following the README (an `f32` literal is
//! rounded to f32 first, then `from_num`; an `f64` literal goes straight through `from_num`).
//! Each case is compared as its `compare` field says. Failures are collected and reported
//! together, and the test also checks that all 264 cases were executed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use agora_primitives::{I32F32, I64F64, I96F32};
use agora_runtime::epoch::math;
use serde_json::Value;

mod common;
use common::rng::SplitMix64;

/// The number of cases in `math.jsonl`.
const EXPECTED_CASES: usize = 264;

type SparseRow = Vec<(u16, I32F32)>;
type Sparse = Vec<SparseRow>;
type Res<T> = Result<T, String>;

// ---------------------------------------------------------------------------------------------
// JSON access
// ---------------------------------------------------------------------------------------------

fn get<'a>(v: &'a Value, key: &str) -> Res<&'a Value> {
    v.get(key)
        .ok_or_else(|| format!("missing key `{key}` in {}", short(v)))
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

fn arr(v: &Value) -> Res<&Vec<Value>> {
    v.as_array()
        .ok_or_else(|| format!("expected an array, got {}", short(v)))
}

fn as_i64(v: &Value) -> Res<i64> {
    v.as_i64()
        .ok_or_else(|| format!("expected an i64, got {}", short(v)))
}

fn as_u64(v: &Value) -> Res<u64> {
    v.as_u64()
        .ok_or_else(|| format!("expected a u64, got {}", short(v)))
}

fn as_u16(v: &Value) -> Res<u16> {
    u16::try_from(as_u64(v)?).map_err(|e| format!("expected a u16, got {}: {e}", short(v)))
}

fn as_usize(v: &Value) -> Res<usize> {
    usize::try_from(as_u64(v)?).map_err(|e| format!("expected a usize, got {}: {e}", short(v)))
}

fn as_bool(v: &Value) -> Res<bool> {
    v.as_bool()
        .ok_or_else(|| format!("expected a bool, got {}", short(v)))
}

fn as_f64(v: &Value) -> Res<f64> {
    v.as_f64()
        .ok_or_else(|| format!("expected a number, got {}", short(v)))
}

fn as_str(v: &Value) -> Res<&str> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, got {}", short(v)))
}

fn list<T>(v: &Value, f: impl Fn(&Value) -> Res<T>) -> Res<Vec<T>> {
    arr(v)?.iter().map(f).collect()
}

/// Whether a (nested) array holds no scalar at all, e.g. `[]` or `[[], []]`.
fn holds_no_scalar(v: &Value) -> bool {
    match v {
        Value::Array(items) => items.iter().all(holds_no_scalar),
        _ => false,
    }
}

/// The raw-bits node of an I32F32 argument: `{values, bits}` → `bits`. A bare array is only
/// accepted when it holds no number (e.g. an empty matrix), so no float is ever read as bits.
fn bits_node(v: &Value) -> Res<&Value> {
    if let Some(b) = v.get("bits") {
        return Ok(b);
    }
    if holds_no_scalar(v) {
        return Ok(v);
    }
    Err(format!("no `bits` for an I32F32 argument: {}", short(v)))
}

fn fx_bits(v: &Value) -> Res<I32F32> {
    Ok(I32F32::from_bits(as_i64(v)?))
}

fn vec_fx(v: &Value) -> Res<Vec<I32F32>> {
    list(bits_node(v)?, fx_bits)
}

fn mat_fx(v: &Value) -> Res<Vec<Vec<I32F32>>> {
    list(bits_node(v)?, |row| list(row, fx_bits))
}

fn sparse_entry(e: &Value) -> Res<(u16, I32F32)> {
    let pair = arr(e)?;
    match pair.as_slice() {
        [c, b] => Ok((as_u16(c)?, fx_bits(b)?)),
        _ => Err(format!("sparse entry is not [col, bits]: {}", short(e))),
    }
}

fn sparse_fx(v: &Value) -> Res<Sparse> {
    list(bits_node(v)?, |row| list(row, sparse_entry))
}

/// An I32F32 given as raw bits, or as the constant names `I32F32::MAX` / `I32F32::MIN`.
fn fx_const(v: &Value) -> Res<I32F32> {
    match v {
        Value::String(s) if s == "I32F32::MAX" => Ok(I32F32::max_value()),
        Value::String(s) if s == "I32F32::MIN" => Ok(I32F32::min_value()),
        _ => fx_bits(v),
    }
}

/// An integer test literal as I32F32 (`I32F32::from_num(int)`), failing instead of panicking
/// when it does not fit.
fn fx_from_int(v: &Value) -> Res<I32F32> {
    let i = as_i64(v)?;
    I32F32::checked_from_num(i).ok_or_else(|| format!("{i} does not fit in I32F32"))
}

/// An f32 test literal: rounded to f32 first, then `I32F32::from_num` (README conversion rule).
///
/// serde_json hands us an f64; re-parsing its shortest decimal form as f32 rounds the decimal
/// literal directly to f32 (as rustc does), avoiding a double rounding through f64.
fn fx_from_f32_literal(v: &Value) -> Res<I32F32> {
    let x = as_f64(v)?;
    let x32: f32 = x
        .to_string()
        .parse()
        .map_err(|e| format!("cannot read {x} as f32: {e}"))?;
    I32F32::checked_from_num(x32).ok_or_else(|| format!("{x32} does not fit in I32F32"))
}

/// An f64 test literal through `I32F32::from_num`.
fn fx_from_f64_literal(v: &Value) -> Res<I32F32> {
    let x = as_f64(v)?;
    I32F32::checked_from_num(x).ok_or_else(|| format!("{x} does not fit in I32F32"))
}

/// An f64 test literal through `I64F64::from_num`.
fn fx64_from_f64_literal(v: &Value) -> Res<I64F64> {
    let x = as_f64(v)?;
    I64F64::checked_from_num(x).ok_or_else(|| format!("{x} does not fit in I64F64"))
}

/// An I32F32 vector from `bits` if present, otherwise from `values` with the literal rule
/// (`literal` key of the node, f32 when absent).
fn vec_fx_bits_or_values(v: &Value) -> Res<Vec<I32F32>> {
    if v.get("bits").is_some() || holds_no_scalar(v) {
        return vec_fx(v);
    }
    let literal = v.get("literal").and_then(Value::as_str).unwrap_or("f32");
    let values = get(v, "values")?;
    match literal {
        "f32" => list(values, fx_from_f32_literal),
        "f64" => list(values, fx_from_f64_literal),
        "int" => list(values, fx_from_int),
        other => Err(format!("unknown literal kind `{other}`")),
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/// How a case is compared: bit-exact, or |got - expected| <= epsilon (in raw bits).
#[derive(Clone, Copy)]
enum Tol {
    Exact,
    AbsLe(i128),
}

fn tolerance(case: &Value) -> Res<Tol> {
    let cmp = get(case, "compare")?;
    match as_str(get(cmp, "kind")?)? {
        "exact" => Ok(Tol::Exact),
        "abs_le" => Ok(Tol::AbsLe(i128::from(as_i64(get(cmp, "epsilon_bits")?)?))),
        other => Err(format!("compare kind `{other}` not supported for this fn")),
    }
}

fn require_exact(case: &Value) -> Res<()> {
    match tolerance(case)? {
        Tol::Exact => Ok(()),
        Tol::AbsLe(_) => Err("integer/bool output but compare kind is not `exact`".into()),
    }
}

fn show(x: I32F32) -> String {
    format!("{x} (bits {})", x.to_bits())
}

fn close(got: I32F32, exp: I32F32, tol: Tol) -> bool {
    match tol {
        Tol::Exact => got.to_bits() == exp.to_bits(),
        Tol::AbsLe(eps) => (i128::from(got.to_bits()) - i128::from(exp.to_bits())).abs() <= eps,
    }
}

fn tol_text(tol: Tol) -> String {
    match tol {
        Tol::Exact => "exact".into(),
        Tol::AbsLe(eps) => format!("abs_le {eps} bits"),
    }
}

fn cmp_fx(what: &str, got: I32F32, exp: I32F32, tol: Tol) -> Res<()> {
    if close(got, exp, tol) {
        Ok(())
    } else {
        Err(format!(
            "{what}: got {} expected {} ({})",
            show(got),
            show(exp),
            tol_text(tol)
        ))
    }
}

fn cmp_vec(got: &[I32F32], exp: &[I32F32], tol: Tol) -> Res<()> {
    if got.len() != exp.len() {
        return Err(format!(
            "length: got {} expected {}; got {:?} expected {:?}",
            got.len(),
            exp.len(),
            bits_list(got),
            bits_list(exp)
        ));
    }
    for (i, (&g, &e)) in got.iter().zip(exp).enumerate() {
        cmp_fx(&format!("[{i}]"), g, e, tol)?;
    }
    Ok(())
}

fn bits_list(v: &[I32F32]) -> Vec<i64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn cmp_mat(got: &[Vec<I32F32>], exp: &[Vec<I32F32>], tol: Tol) -> Res<()> {
    if got.len() != exp.len() {
        return Err(format!("rows: got {} expected {}", got.len(), exp.len()));
    }
    for (r, (g, e)) in got.iter().zip(exp).enumerate() {
        cmp_vec(g, e, tol).map_err(|m| format!("row {r}: {m}"))?;
    }
    Ok(())
}

fn sparse_row_text(row: &[(u16, I32F32)]) -> String {
    let items: Vec<String> = row
        .iter()
        .map(|(c, v)| format!("({c}, {})", v.to_bits()))
        .collect();
    format!("[{}]", items.join(", "))
}

fn cmp_sparse(got: &[Vec<(u16, I32F32)>], exp: &[Vec<(u16, I32F32)>], tol: Tol) -> Res<()> {
    if got.len() != exp.len() {
        return Err(format!("rows: got {} expected {}", got.len(), exp.len()));
    }
    for (r, (g, e)) in got.iter().zip(exp).enumerate() {
        let row_err = || {
            format!(
                "row {r}: got {} expected {}",
                sparse_row_text(g),
                sparse_row_text(e)
            )
        };
        if g.len() != e.len() {
            return Err(format!("{} (entry count)", row_err()));
        }
        for (&(gc, gv), &(ec, ev)) in g.iter().zip(e) {
            if gc != ec {
                return Err(format!("{} (column ids)", row_err()));
            }
            cmp_fx(&format!("row {r} col {gc}"), gv, ev, tol)?;
        }
    }
    Ok(())
}

fn cmp_eq<T: PartialEq + std::fmt::Debug>(got: &T, exp: &T) -> Res<()> {
    if got == exp {
        Ok(())
    } else {
        Err(format!("got {got:?} expected {exp:?}"))
    }
}

fn exp_vec(case: &Value) -> Res<Vec<I32F32>> {
    vec_fx_bits_or_values(get(case, "expected")?)
}

fn exp_mat(case: &Value) -> Res<Vec<Vec<I32F32>>> {
    mat_fx(get(case, "expected")?)
}

fn exp_sparse(case: &Value) -> Res<Sparse> {
    sparse_fx(get(case, "expected")?)
}

/// An expected single I32F32 given as `{value, bits}` or as a plain integer value.
fn exp_fx_scalar(exp: &Value) -> Res<I32F32> {
    match exp.get("bits") {
        Some(b) => fx_bits(b),
        None => fx_from_int(exp),
    }
}

// ---------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------

/// Runs one case. `None` means the `fn` is not mapped (counted as not executed).
fn run_case(case: &Value) -> Option<Res<()>> {
    let name = case.get("fn").and_then(Value::as_str).unwrap_or("");
    let args = case.get("args").unwrap_or(&Value::Null);
    let result = match name {
        "vec_max_upscale_to_u16" => vec_max_upscale_to_u16(case, args),
        "vec_u16_max_upscale_to_u16" => vec_u16_max_upscale_to_u16(case, args),
        "check_vec_max_limited" => check_vec_max_limited(case, args),
        "alpha = 1 - I32F32(I64F64(bma)/1e6)" => alpha_from_bma(case, args),
        "alpha = 1 - I32F32(I64F64(max_32)/I64F64(max_32))" => alpha_from_ratio(case, args),
        "I64F64 division then I32F32 truncation" => u64_normalization(case, args),
        "sigmoid_safe" => sigmoid_safe(case, args),
        "exp_safe" => exp_safe(case, args),
        "is_topk" => is_topk(case, args),
        "sum" => sum(case, args),
        "normalize" => normalize(case, args, false),
        "inplace_normalize" => normalize(case, args, true),
        "inplace_normalize_64" => inplace_normalize_64(case, args),
        "vecdiv" => vecdiv(case, args),
        "inplace_row_normalize" => dense_inplace(case, args, math::inplace_row_normalize),
        "inplace_col_normalize" => dense_inplace(case, args, math::inplace_col_normalize),
        "inplace_col_max_upscale" => dense_inplace(case, args, math::inplace_col_max_upscale),
        "inplace_mask_diag" => dense_inplace(case, args, math::inplace_mask_diag),
        "inplace_row_normalize_sparse" => inplace_row_normalize_sparse(case, args),
        "inplace_col_normalize_sparse" => {
            sparse_inplace_columns(case, args, math::inplace_col_normalize_sparse)
        }
        "inplace_col_max_upscale_sparse" => {
            sparse_inplace_columns(case, args, math::inplace_col_max_upscale_sparse)
        }
        "inplace_mask_vector" => inplace_mask_vector(case, args),
        "inplace_mask_matrix" => inplace_mask_matrix(case, args),
        "inplace_mask_rows" => inplace_mask_rows(case, args),
        "inplace_mask_diag_except_index" => inplace_mask_diag_except_index(case, args),
        "mask_rows_sparse" => mask_rows_sparse(case, args),
        "mask_diag_sparse" => mask_diag_sparse(case, args),
        "mask_diag_sparse_except_index" => mask_diag_sparse_except_index(case, args),
        "vec_mask_sparse_matrix" => vec_mask_sparse_matrix(case, args),
        "vec_mul" => vec_mul(case, args),
        "mat_vec_mul" => mat_vec_mul(case, args),
        "mat_vec_mul_sparse" => mat_vec_mul_sparse(case, args),
        "row_hadamard" => row_hadamard(case, args),
        "row_hadamard_sparse" => row_hadamard_sparse(case, args),
        "row_sum" => row_sum(case, args),
        "row_sum_sparse" => row_sum_sparse(case, args),
        "matmul" => matmul(case, args),
        "matmul_transpose" => matmul_transpose(case, args),
        "matmul_sparse" => matmul_sparse(case, args),
        "matmul_transpose_sparse" => matmul_transpose_sparse(case, args),
        "inplace_col_clip" => inplace_col_clip(case, args),
        "col_clip_sparse" => col_clip_sparse(case, args),
        "weighted_median" => weighted_median(case, args),
        "weighted_median_col" => weighted_median_col(case, args),
        "weighted_median_col_sparse" => weighted_median_col_sparse(case, args),
        "interpolate" => interpolate(case, args),
        "interpolate_sparse" => interpolate_sparse(case, args),
        "mat_ema_alpha" => mat_ema_alpha(case, args),
        "mat_ema_alpha_sparse" => mat_ema_alpha_sparse(case, args),
        "fixed_to_u16" => fixed_to_u16(case, args),
        "fixed_to_u64" => fixed_to_u64(case, args),
        "fixed64_to_u64" => fixed64_to_u64(case, args),
        "fixed64_to_fixed32" => fixed64_to_fixed32(case, args),
        "u16_to_fixed" => u16_to_fixed(case, args, math::u16_to_fixed),
        "u16_proportion_to_fixed" => u16_to_fixed(case, args, math::u16_proportion_to_fixed),
        "fixed_proportion_to_u16" => fixed_proportion_to_u16(case, args),
        "vec_fixed64_to_fixed32" => vec_fixed64_to_fixed32(case, args),
        "checked_sum" => checked_sum(case, args),
        "I32F32::to_num::<u16>" => i32f32_to_num_u16(case, args),
        "I32F32::to_num::<u64>" => i32f32_to_num_u64(case, args),
        "I96F32::to_num::<u64>" => i96f32_to_num_u64(case, args),
        _ => return None,
    };
    Some(result)
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

fn vec_max_upscale_to_u16(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let v = vec_fx(get(args, "vec")?)?;
    let exp = list(get(case, "expected")?, as_u16)?;
    cmp_eq(&math::vec_max_upscale_to_u16(&v), &exp)
}

fn vec_u16_max_upscale_to_u16(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let v = list(get(args, "vec_u16")?, as_u16)?;
    let exp = list(get(case, "expected")?, as_u16)?;
    cmp_eq(&math::vec_u16_max_upscale_to_u16(&v), &exp)
}

fn check_vec_max_limited(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let v = list(get(args, "vec_u16")?, as_u16)?;
    let limit = as_u16(get(args, "max_limit_u16")?)?;
    let exp = as_bool(get(case, "expected")?)?;
    cmp_eq(&math::check_vec_max_limited(&v, limit), &exp)
}

/// `alpha = I32F32::from_num(1) - I32F32::from_num(I64F64(bma) / I64F64(1_000_000))`.
fn alpha_from_bma(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let bma = as_u64(get(args, "bonds_moving_average")?)?;
    let ratio = I64F64::from_num(bma) / I64F64::from_num(1_000_000);
    let alpha = I32F32::from_num(1) - I32F32::from_num(ratio);
    let exp = fx_bits(get(get(case, "expected")?, "alpha_bits")?)?;
    cmp_fx("alpha", alpha, exp, Tol::Exact)
}

/// `alpha = I32F32::from_num(1) - I32F32::from_num(I64F64(num) / I64F64(den))`.
fn alpha_from_ratio(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let num = fx_const(get(args, "ratio_numerator")?)?;
    let den = fx_const(get(args, "ratio_denominator")?)?;
    let ratio = I64F64::from_num(num) / I64F64::from_num(den);
    let alpha = I32F32::from_num(1) - I32F32::from_num(ratio);
    let exp = fx_bits(get(get(case, "expected")?, "alpha_bits")?)?;
    cmp_fx("alpha", alpha, exp, Tol::Exact)
}

/// `q = I64F64(n) / I64F64(d)` compared with `I64F64::from_num(f64 literal)`, then
/// `I32F32::from_num(q)` (truncating) compared bit for bit.
fn u64_normalization(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let nums = list(get(args, "numerators_u64")?, as_u64)?;
    let den = as_u64(get(args, "denominator_u64")?)?;
    let exp = get(case, "expected")?;
    let exp_q = list(get(exp, "I64F64_quotients")?, fx64_from_f64_literal)?;
    let exp_t = list(get(exp, "I32F32_after_truncation_bits")?, fx_bits)?;
    if nums.len() != exp_q.len() || nums.len() != exp_t.len() {
        return Err("numerators / expectations differ in length".into());
    }
    for (i, &n) in nums.iter().enumerate() {
        let q = I64F64::from_num(n) / I64F64::from_num(den);
        if q != exp_q[i] {
            return Err(format!(
                "[{i}] I64F64 quotient: got {q} (bits {}) expected {} (bits {})",
                q.to_bits(),
                exp_q[i],
                exp_q[i].to_bits()
            ));
        }
        let t = I32F32::from_num(q);
        cmp_fx(&format!("[{i}] I32F32 truncation"), t, exp_t[i], Tol::Exact)?;
    }
    Ok(())
}

fn sigmoid_safe(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let inputs = vec_fx(get(args, "input")?)?;
    let rho = fx_bits(get(args, "rho_bits")?)?;
    let kappa = fx_bits(get(args, "kappa_bits")?)?;
    let got: Vec<I32F32> = inputs
        .iter()
        .map(|&t| math::sigmoid_safe(t, rho, kappa))
        .collect();
    cmp_vec(&got, &exp_vec(case)?, tol)
}

fn exp_safe(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let x = fx_bits(get(args, "input_bits")?)?;
    let exp = fx_bits(get(get(case, "expected")?, "bits")?)?;
    cmp_fx("exp_safe", math::exp_safe(x), exp, tol)
}

fn is_topk(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let v = vec_fx(get(args, "vec")?)?;
    let k = as_usize(get(args, "k")?)?;
    let exp = list(get(case, "expected")?, as_bool)?;
    cmp_eq(&math::is_topk(&v, k), &exp)
}

fn sum(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let v = vec_fx(get(args, "vec")?)?;
    let exp = exp_fx_scalar(get(case, "expected")?)?;
    cmp_fx("sum", math::sum(&v), exp, tol)
}

fn normalize(case: &Value, args: &Value, inplace: bool) -> Res<()> {
    let tol = tolerance(case)?;
    let v = vec_fx(get(args, "vec")?)?;
    let got = if inplace {
        let mut x = v;
        math::inplace_normalize(&mut x);
        x
    } else {
        math::normalize(&v)
    };
    cmp_vec(&got, &exp_vec(case)?, tol)
}

/// I64F64 inputs and expectations are f64 literals; epsilon is `I64F64::from_num(epsilon)`.
fn inplace_normalize_64(case: &Value, args: &Value) -> Res<()> {
    let cmp = get(case, "compare")?;
    if as_str(get(cmp, "kind")?)? != "abs_le" || as_str(get(cmp, "type")?)? != "I64F64" {
        return Err("expected an I64F64 abs_le comparison".into());
    }
    let eps = fx64_from_f64_literal(get(cmp, "epsilon")?)?;
    let mut x = list(get(args, "vec_I64F64")?, fx64_from_f64_literal)?;
    math::inplace_normalize_64(&mut x);
    let exp = list(
        get(get(case, "expected")?, "values")?,
        fx64_from_f64_literal,
    )?;
    if x.len() != exp.len() {
        return Err(format!("length: got {} expected {}", x.len(), exp.len()));
    }
    for (i, (g, e)) in x.iter().zip(&exp).enumerate() {
        let diff = g.to_bits().abs_diff(e.to_bits());
        if diff > eps.to_bits().unsigned_abs() {
            return Err(format!("[{i}]: got {g} expected {e} (abs_le {eps})"));
        }
    }
    Ok(())
}

fn vecdiv(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let x = vec_fx(get(args, "x")?)?;
    let y = vec_fx(get(args, "y")?)?;
    cmp_vec(&math::vecdiv(&x, &y), &exp_vec(case)?, tol)
}

fn dense_inplace(case: &Value, args: &Value, f: fn(&mut [Vec<I32F32>])) -> Res<()> {
    let tol = tolerance(case)?;
    let mut m = mat_fx(get(args, "matrix")?)?;
    f(&mut m);
    cmp_mat(&m, &exp_mat(case)?, tol)
}

fn inplace_row_normalize_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mut m = sparse_fx(get(args, "sparse_matrix")?)?;
    math::inplace_row_normalize_sparse(&mut m);
    cmp_sparse(&m, &exp_sparse(case)?, tol)
}

fn sparse_inplace_columns(case: &Value, args: &Value, f: fn(&mut [SparseRow], u16)) -> Res<()> {
    let tol = tolerance(case)?;
    let mut m = sparse_fx(get(args, "sparse_matrix")?)?;
    let columns = as_u16(get(args, "columns")?)?;
    f(&mut m, columns);
    cmp_sparse(&m, &exp_sparse(case)?, tol)
}

fn inplace_mask_vector(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mask = list(get(args, "mask")?, as_bool)?;
    let mut v = vec_fx(get(args, "vector")?)?;
    math::inplace_mask_vector(&mask, &mut v);
    cmp_vec(&v, &exp_vec(case)?, tol)
}

fn inplace_mask_matrix(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mask = list(get(args, "mask")?, |row| list(row, as_bool))?;
    let mut m = mat_fx(get(args, "matrix")?)?;
    math::inplace_mask_matrix(&mask, &mut m);
    cmp_mat(&m, &exp_mat(case)?, tol)
}

fn inplace_mask_rows(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mask = list(get(args, "mask")?, as_bool)?;
    let mut m = mat_fx(get(args, "matrix")?)?;
    math::inplace_mask_rows(&mask, &mut m);
    cmp_mat(&m, &exp_mat(case)?, tol)
}

fn inplace_mask_diag_except_index(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mut m = mat_fx(get(args, "matrix")?)?;
    let idx = as_u16(get(args, "except_index")?)?;
    math::inplace_mask_diag_except_index(&mut m, idx);
    cmp_mat(&m, &exp_mat(case)?, tol)
}

fn mask_rows_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mask = list(get(args, "mask")?, as_bool)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    cmp_sparse(&math::mask_rows_sparse(&mask, &m), &exp_sparse(case)?, tol)
}

fn mask_diag_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    cmp_sparse(&math::mask_diag_sparse(&m), &exp_sparse(case)?, tol)
}

fn mask_diag_sparse_except_index(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let idx = as_u16(get(args, "except_index")?)?;
    cmp_sparse(
        &math::mask_diag_sparse_except_index(&m, idx),
        &exp_sparse(case)?,
        tol,
    )
}

fn vec_mask_sparse_matrix(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let first = list(get(args, "first_vector")?, as_u64)?;
    let second = list(get(args, "second_vector")?, as_u64)?;
    let obj = args.as_object().ok_or("args is not an object")?;
    let mut fns = obj.iter().filter(|(k, _)| k.starts_with("mask_fn"));
    let (key, expr) = fns.next().ok_or("no mask_fn key")?;
    if fns.next().is_some() || key != "mask_fn(a=first[row], b=second[col])" {
        return Err(format!("unexpected mask_fn key(s), first: {key}"));
    }
    let mask_fn: fn(u64, u64) -> bool = match as_str(expr)? {
        "a == b" => |a, b| a == b,
        "a < b" => |a, b| a < b,
        other => return Err(format!("unmapped mask_fn `{other}`")),
    };
    let got = math::vec_mask_sparse_matrix(&m, &first, &second, mask_fn);
    cmp_sparse(&got, &exp_sparse(case)?, tol)
}

fn vec_mul(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let a = vec_fx(get(args, "a")?)?;
    let b = vec_fx(get(args, "b")?)?;
    cmp_vec(&math::vec_mul(&a, &b), &exp_vec(case)?, tol)
}

fn mat_vec_mul(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = mat_fx(get(args, "matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_mat(&math::mat_vec_mul(&m, &v), &exp_mat(case)?, tol)
}

fn mat_vec_mul_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_sparse(&math::mat_vec_mul_sparse(&m, &v), &exp_sparse(case)?, tol)
}

fn row_hadamard(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = mat_fx(get(args, "matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_mat(&math::row_hadamard(&m, &v), &exp_mat(case)?, tol)
}

fn row_hadamard_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_sparse(&math::row_hadamard_sparse(&m, &v), &exp_sparse(case)?, tol)
}

fn row_sum(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = mat_fx(get(args, "matrix")?)?;
    cmp_vec(&math::row_sum(&m), &exp_vec(case)?, tol)
}

fn row_sum_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    cmp_vec(&math::row_sum_sparse(&m), &exp_vec(case)?, tol)
}

fn matmul(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = mat_fx(get(args, "matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_vec(&math::matmul(&m, &v), &exp_vec(case)?, tol)
}

fn matmul_transpose(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = mat_fx(get(args, "matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_vec(&math::matmul_transpose(&m, &v), &exp_vec(case)?, tol)
}

fn matmul_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    let columns = as_u16(get(args, "columns")?)?;
    cmp_vec(&math::matmul_sparse(&m, &v, columns), &exp_vec(case)?, tol)
}

fn matmul_transpose_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let v = vec_fx(get(args, "vector")?)?;
    cmp_vec(&math::matmul_transpose_sparse(&m, &v), &exp_vec(case)?, tol)
}

fn inplace_col_clip(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let mut m = mat_fx(get(args, "matrix")?)?;
    let th = vec_fx(get(args, "col_threshold")?)?;
    math::inplace_col_clip(&mut m, &th);
    cmp_mat(&m, &exp_mat(case)?, tol)
}

fn col_clip_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let m = sparse_fx(get(args, "sparse_matrix")?)?;
    let th = vec_fx(get(args, "col_threshold")?)?;
    cmp_sparse(&math::col_clip_sparse(&m, &th), &exp_sparse(case)?, tol)
}

fn weighted_median(case: &Value, args: &Value) -> Res<()> {
    let kind = as_str(get(get(case, "compare")?, "kind")?)?;
    if kind == "property" {
        return weighted_median_property(case, args);
    }
    let tol = tolerance(case)?;
    let stake_node = get(args, "stake")?;
    let stake = vec_fx(stake_node)?;
    let score = vec_fx(get(args, "score")?)?;
    let idx = list(get(args, "partition_idx")?, as_usize)?;
    let minority = fx_bits(get(args, "minority_bits")?)?;
    let lo = fx_from_int(get(args, "partition_lo")?)?;
    let hi = fx_bits(get(args, "partition_hi_bits")?)?;

    // Consistency of the vector with the expressions the test writes (not a result check).
    if as_str(get(args, "minority")?)? != "1 - 0.51 (f32)"
        || minority != I32F32::from_num(1) - I32F32::from_num(0.51f32)
    {
        return Err(format!(
            "vector inconsistency: minority_bits {}",
            minority.to_bits()
        ));
    }
    if as_str(get(args, "partition_hi")?)? != "sum(stake)" || hi != math::sum(&stake) {
        return Err(format!(
            "vector inconsistency: partition_hi_bits {}",
            hi.to_bits()
        ));
    }
    if as_bool(get(stake_node, "normalized_first")?)? {
        let raw = list(get(stake_node, "values")?, fx_from_f32_literal)?;
        cmp_vec(&math::normalize(&raw), &stake, Tol::Exact)
            .map_err(|m| format!("vector inconsistency: normalised stake: {m}"))?;
    }

    let got = math::weighted_median(&stake, &score, &idx, minority, lo, hi);
    let exp = exp_vec(case)?;
    match exp.as_slice() {
        [e] => cmp_fx("median", got, *e, tol),
        _ => Err("expected a single median".into()),
    }
}

/// What the randomised median test draws from the shared SplitMix64 generator, which stands
/// in for the reference test's unseeded `rand`.
trait Draws {
    fn coin(&mut self) -> bool;

    /// Uniform in `0..bound` (bound > 0), by rejection so there is no modulo bias.
    fn uniform_below(&mut self, bound: usize) -> usize;

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.uniform_below(i + 1);
            v.swap(i, j);
        }
    }
}

impl Draws for SplitMix64 {
    fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    fn uniform_below(&mut self, bound: usize) -> usize {
        let bound = u64::try_from(bound).unwrap_or(u64::MAX);
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let x = self.next_u64();
            if x < zone {
                return usize::try_from(x % bound).unwrap_or(0);
            }
        }
    }
}

/// The randomised part of `test_math_weighted_median`, reproduced with a seeded generator: for
/// each majority and both stake shapes, the median must be one of the scores whose cumulative
/// (sorted) stake first reaches the minority, and stay so under random permutations.
fn weighted_median_property(case: &Value, args: &Value) -> Res<()> {
    let expected = as_str(get(case, "expected")?)?;
    if !expected.starts_with("result must be one of the scores whose cumulative (sorted) stake") {
        return Err(format!("unrecognised property: {expected}"));
    }
    let n = as_usize(get(args, "n")?)?;
    let majorities = list(get(args, "majority_values")?, fx_from_f32_literal)?;
    let zero = I32F32::from_num(0);
    let one = I32F32::from_num(1);
    let mut rng = SplitMix64(0x5EED_0F3E_D1A7);
    // The reference runs the whole test body 100 times.
    for round in 0..100 {
        for &majority in &majorities {
            for allow_equal in [false, true] {
                let mut stake: Vec<I32F32> = Vec::with_capacity(n);
                let mut score: Vec<I32F32> = Vec::with_capacity(n);
                let mut last_score = zero;
                for i in 0..n {
                    if allow_equal {
                        stake.push(if rng.coin() { one } else { zero });
                        if rng.coin() {
                            last_score += one;
                        }
                        score.push(last_score);
                    } else {
                        stake.push(one);
                        score.push(I32F32::from_num(i));
                    }
                }
                math::inplace_normalize(&mut stake);
                let total_stake = math::sum(&stake);
                let mut minority = total_stake - majority;
                if minority < zero {
                    minority = zero;
                }
                let mut medians: Vec<I32F32> = vec![];
                let mut median_stake = zero;
                let mut median_set = false;
                let mut stake_sum = zero;
                for i in 0..n {
                    stake_sum += stake[i];
                    if !median_set && stake_sum >= minority {
                        median_stake = stake_sum;
                        median_set = true;
                    }
                    if median_set {
                        if median_stake < stake_sum {
                            if median_stake == minority && !medians.contains(&score[i]) {
                                medians.push(score[i]);
                            }
                            break;
                        }
                        if !medians.contains(&score[i]) {
                            medians.push(score[i]);
                        }
                    }
                }
                if medians.is_empty() {
                    medians.push(zero);
                }
                let stake_idx: Vec<usize> = (0..stake.len()).collect();
                let ctx = |p: usize, result: I32F32| {
                    format!(
                        "round {round}, majority {majority}, allow_equal {allow_equal}, \
                         permutation {p}: median {} not among {:?}",
                        show(result),
                        medians.iter().map(|m| m.to_string()).collect::<Vec<_>>()
                    )
                };
                let result =
                    math::weighted_median(&stake, &score, &stake_idx, minority, zero, total_stake);
                if !medians.contains(&result) {
                    return Err(ctx(0, result));
                }
                for p in 1..=10 {
                    let mut permuted: Vec<usize> = (0..n).collect();
                    rng.shuffle(&mut permuted);
                    stake = permuted.iter().map(|&i| stake[i]).collect();
                    score = permuted.iter().map(|&i| score[i]).collect();
                    let result = math::weighted_median(
                        &stake,
                        &score,
                        &stake_idx,
                        minority,
                        zero,
                        total_stake,
                    );
                    if !medians.contains(&result) {
                        return Err(ctx(p, result));
                    }
                }
            }
        }
    }
    Ok(())
}

fn weighted_median_col(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let stake = vec_fx(get(args, "stake")?)?;
    let score = mat_fx(get(args, "score")?)?;
    let majority = fx_bits(get(args, "majority_bits")?)?;
    cmp_vec(
        &math::weighted_median_col(&stake, &score, majority),
        &exp_vec(case)?,
        tol,
    )
}

fn weighted_median_col_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let stake = vec_fx(get(args, "stake")?)?;
    let score = sparse_fx(get(args, "score")?)?;
    let columns = as_u16(get(args, "columns")?)?;
    let majority = fx_bits(get(args, "majority_bits")?)?;
    let got = math::weighted_median_col_sparse(&stake, &score, columns, majority);
    cmp_vec(&got, &exp_vec(case)?, tol)
}

fn interpolate(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let a = mat_fx(get(args, "mat1")?)?;
    let b = mat_fx(get(args, "mat2")?)?;
    let ratio = fx_bits(get(args, "ratio_bits")?)?;
    cmp_mat(&math::interpolate(&a, &b, ratio), &exp_mat(case)?, tol)
}

fn interpolate_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let a = sparse_fx(get(args, "mat1")?)?;
    let b = sparse_fx(get(args, "mat2")?)?;
    let columns = as_u16(get(args, "columns")?)?;
    let ratio = fx_bits(get(args, "ratio_bits")?)?;
    cmp_sparse(
        &math::interpolate_sparse(&a, &b, columns, ratio),
        &exp_sparse(case)?,
        tol,
    )
}

fn mat_ema_alpha(case: &Value, args: &Value) -> Res<()> {
    let new = mat_fx(get(args, "new")?)?;
    let old = mat_fx(get(args, "old")?)?;
    let alpha = mat_fx(get(args, "alpha")?)?;
    let got = math::mat_ema_alpha(&new, &old, &alpha);
    let kind = as_str(get(get(case, "compare")?, "kind")?)?;
    if kind == "partial" {
        // Only `result[0][0] == old[0][0]` is asserted (value given in `expected`).
        let exp = get(case, "expected")?;
        let value = get(exp, "result[0][0] == old[0][0]")?;
        let g = got
            .first()
            .and_then(|r| r.first())
            .copied()
            .ok_or("result has no [0][0]")?;
        let o = old
            .first()
            .and_then(|r| r.first())
            .copied()
            .ok_or("old has no [0][0]")?;
        cmp_fx("result[0][0] vs old[0][0]", g, o, Tol::Exact)?;
        return cmp_fx(
            "result[0][0] vs stated value",
            g,
            fx_from_f32_literal(value)?,
            Tol::Exact,
        );
    }
    let tol = tolerance(case)?;
    cmp_mat(&got, &exp_mat(case)?, tol)
}

fn mat_ema_alpha_sparse(case: &Value, args: &Value) -> Res<()> {
    let tol = tolerance(case)?;
    let new = sparse_fx(get(args, "new")?)?;
    let old = sparse_fx(get(args, "old")?)?;
    let alpha = mat_fx(get(args, "alpha(dense)")?)?;
    cmp_sparse(
        &math::mat_ema_alpha_sparse(&new, &old, &alpha),
        &exp_sparse(case)?,
        tol,
    )
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".into()
    }
}

fn fixed_to_u16(case: &Value, args: &Value) -> Res<()> {
    let cmp = get(case, "compare")?;
    if as_str(get(cmp, "kind")?)? == "should_panic" {
        // `#[should_panic(expected = "overflow")]`: `fixed_to_u16(I32F32::from_num(u32::MAX))`.
        let wanted = as_str(get(cmp, "expected")?)?;
        let x = u32::try_from(as_u64(get(args, "x")?)?).map_err(|e| e.to_string())?;
        let outcome = catch_unwind(AssertUnwindSafe(|| math::fixed_to_u16(I32F32::from_num(x))));
        return match outcome {
            Ok(v) => Err(format!(
                "expected a panic containing `{wanted}`, returned {v}"
            )),
            Err(payload) => {
                let msg = panic_message(payload.as_ref());
                if msg.contains(wanted) {
                    Ok(())
                } else {
                    Err(format!(
                        "panicked with `{msg}`, expected it to contain `{wanted}`"
                    ))
                }
            }
        };
    }
    require_exact(case)?;
    let x = fx_from_int(get(args, "x")?)?;
    let exp = as_u16(get(case, "expected")?)?;
    cmp_eq(&math::fixed_to_u16(x), &exp)
}

fn fixed_to_u64(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = fx_from_int(get(args, "x")?)?;
    let exp = as_u64(get(case, "expected")?)?;
    cmp_eq(&math::fixed_to_u64(x), &exp)
}

fn fx64_from_int(v: &Value) -> Res<I64F64> {
    let i = as_i64(v)?;
    I64F64::checked_from_num(i).ok_or_else(|| format!("{i} does not fit in I64F64"))
}

fn fixed64_to_u64(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = fx64_from_int(get(args, "x_I64F64_from_int")?)?;
    let exp = as_u64(get(case, "expected")?)?;
    cmp_eq(&math::fixed64_to_u64(x), &exp)
}

fn fixed64_to_fixed32(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = fx64_from_int(get(args, "x_I64F64_from_int")?)?;
    let exp = exp_fx_scalar(get(case, "expected")?)?;
    cmp_fx(
        "fixed64_to_fixed32",
        math::fixed64_to_fixed32(x),
        exp,
        Tol::Exact,
    )
}

fn u16_to_fixed(case: &Value, args: &Value, f: fn(u16) -> I32F32) -> Res<()> {
    require_exact(case)?;
    let x = as_u16(get(args, "x")?)?;
    let exp = exp_fx_scalar(get(case, "expected")?)?;
    cmp_fx("result", f(x), exp, Tol::Exact)
}

fn fixed_proportion_to_u16(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = fx_from_int(get(args, "x")?)?;
    let exp = as_u16(get(case, "expected")?)?;
    cmp_eq(&math::fixed_proportion_to_u16(x), &exp)
}

fn vec_fixed64_to_fixed32(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = list(get(args, "x_I64F64_from_int")?, fx64_from_int)?;
    let exp_node = get(case, "expected")?;
    let exp = if exp_node.get("bits").is_some() {
        vec_fx(exp_node)?
    } else {
        list(exp_node, fx_from_int)?
    };
    cmp_vec(&math::vec_fixed64_to_fixed32(&x), &exp, Tol::Exact)
}

fn checked_sum(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    if as_str(get(args, "type")?)? != "u64 (u16 for the empty case)" {
        return Err("unrecognised checked_sum element type".into());
    }
    let x = list(get(args, "x")?, as_u64)?;
    let exp = get(case, "expected")?;
    if x.is_empty() {
        let exp: Option<u16> = if exp.is_null() {
            None
        } else {
            Some(as_u16(exp)?)
        };
        cmp_eq(&math::checked_sum::<u16>(&[]), &exp)
    } else {
        let exp: Option<u64> = if exp.is_null() {
            None
        } else {
            Some(as_u64(exp)?)
        };
        cmp_eq(&math::checked_sum(&x), &exp)
    }
}

fn i32f32_to_num_u16(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = fx_bits(get(args, "x_bits")?)?;
    let exp = as_u16(get(case, "expected")?)?;
    cmp_eq(&x.to_num::<u16>(), &exp)
}

fn i32f32_to_num_u64(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = fx_bits(get(args, "x_bits")?)?;
    let exp = as_u64(get(case, "expected")?)?;
    let got = x.to_num::<u64>();
    // The test also asserts that repeating the conversion is stable.
    let again: Vec<u64> = vec![x; 1000].iter().map(|e| e.to_num::<u64>()).collect();
    if again.iter().any(|&r| r != got) {
        return Err("repeated conversion is not stable".into());
    }
    cmp_eq(&got, &exp)
}

fn i96f32_to_num_u64(case: &Value, args: &Value) -> Res<()> {
    require_exact(case)?;
    let x = match as_str(get(args, "x")?)? {
        "I96F32::from_num(u64::MAX)" => I96F32::from_num(u64::MAX),
        other => return Err(format!("unmapped I96F32 expression `{other}`")),
    };
    let exp = as_u64(get(case, "expected")?)?;
    cmp_eq(&x.to_num::<u64>(), &exp)
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

#[test]
fn math_vectors_match_reference() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/math.jsonl");
    let text = std::fs::read_to_string(path).expect("read math.jsonl");
    let mut executed = 0usize;
    let mut lines = 0usize;
    let mut failures: Vec<String> = Vec::new();
    for (lineno, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let case: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("line {}: invalid JSON: {e}", lineno + 1));
                continue;
            }
        };
        let label = format!(
            "{} case {} fn `{}` (line {})",
            case.get("test").and_then(Value::as_str).unwrap_or("?"),
            case.get("case")
                .map_or_else(|| "?".to_string(), Value::to_string),
            case.get("fn").and_then(Value::as_str).unwrap_or("?"),
            lineno + 1
        );
        match run_case(&case) {
            None => failures.push(format!("{label}: fn not mapped, case NOT executed")),
            Some(result) => {
                executed += 1;
                if let Err(msg) = result {
                    failures.push(format!("{label}: {msg}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {lines} math vector cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        lines, EXPECTED_CASES,
        "math.jsonl should hold {EXPECTED_CASES} cases"
    );
    assert_eq!(executed, EXPECTED_CASES, "every case must be executed");
}
