//! JSON Lines codec for epoch cases (`shared/spec/epoch-io.md`).
//!
//! Decoding is strict about types and ranges and reports the JSON path of the first offending
//! field (`input.weights[2][0][1]: expected an integer in 0..=65535, got 70000`); it is lenient
//! about vector lengths, which the epoch itself handles as the reference chain does. Integers
//! are read and written as exact u64 (values above 2^53 round-trip).

use agora_primitives::decimal::to_exact_decimal;
use agora_runtime::epoch::{EpochInput, EpochOutput, FixedTrace};
use serde_json::{Map, Value};

/// A decoding error with the JSON path of the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    /// Path of the offending field, e.g. `input.weights[2][0][1]`.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn describe(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 40 {
        format!("{}…", &text[..text.floor_char_boundary(40)])
    } else {
        text
    }
}

fn field<'a>(obj: &'a Map<String, Value>, path: &str, key: &str) -> Result<&'a Value, FieldError> {
    obj.get(key)
        .ok_or_else(|| err(&format!("{path}.{key}"), "missing field"))
}

fn as_uint(v: &Value, path: &str, max: u64) -> Result<u64, FieldError> {
    match v.as_u64() {
        Some(x) if x <= max => Ok(x),
        _ => Err(err(
            path,
            format!("expected an integer in 0..={max}, got {}", describe(v)),
        )),
    }
}

fn as_u16(v: &Value, path: &str) -> Result<u16, FieldError> {
    as_uint(v, path, u64::from(u16::MAX)).map(|x| u16::try_from(x).unwrap_or(u16::MAX))
}

fn as_u32(v: &Value, path: &str) -> Result<u32, FieldError> {
    as_uint(v, path, u64::from(u32::MAX)).map(|x| u32::try_from(x).unwrap_or(u32::MAX))
}

fn as_u64(v: &Value, path: &str) -> Result<u64, FieldError> {
    as_uint(v, path, u64::MAX)
}

fn as_i16(v: &Value, path: &str) -> Result<i16, FieldError> {
    v.as_i64()
        .and_then(|x| i16::try_from(x).ok())
        .ok_or_else(|| {
            err(
                path,
                format!("expected an integer in -32768..=32767, got {}", describe(v)),
            )
        })
}

fn as_bool(v: &Value, path: &str) -> Result<bool, FieldError> {
    v.as_bool()
        .ok_or_else(|| err(path, format!("expected true or false, got {}", describe(v))))
}

fn as_array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, FieldError> {
    v.as_array()
        .ok_or_else(|| err(path, format!("expected an array, got {}", describe(v))))
}

fn vec_of<T>(
    v: &Value,
    path: &str,
    each: impl Fn(&Value, &str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    as_array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, x)| each(x, &format!("{path}[{i}]")))
        .collect()
}

fn sparse_rows(v: &Value, path: &str) -> Result<Vec<Vec<(u16, u16)>>, FieldError> {
    vec_of(v, path, |row, rpath| {
        vec_of(row, rpath, |pair, ppath| {
            let items = as_array(pair, ppath)?;
            if items.len() != 2 {
                return Err(err(
                    ppath,
                    format!("expected a [uid, value] pair, got {}", describe(pair)),
                ));
            }
            Ok((
                as_u16(&items[0], &format!("{ppath}[0]"))?,
                as_u16(&items[1], &format!("{ppath}[1]"))?,
            ))
        })
    })
}

/// Decodes one line: a case object with an `input` key, or a bare input object.
pub fn decode_case_line(line: &str) -> Result<EpochInput, FieldError> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| err("$", format!("invalid JSON: {e}")))?;
    let Value::Object(obj) = &value else {
        return Err(err(
            "$",
            format!("expected a JSON object, got {}", describe(&value)),
        ));
    };
    match obj.get("input") {
        Some(Value::Object(input)) => decode_input(input, "input"),
        Some(other) => Err(err(
            "input",
            format!("expected an object, got {}", describe(other)),
        )),
        None => decode_input(obj, "$"),
    }
}

/// Decodes an `input` object of the epoch case schema.
pub fn decode_input(obj: &Map<String, Value>, path: &str) -> Result<EpochInput, FieldError> {
    let p = |key: &str| format!("{path}.{key}");
    let get = |key: &str| field(obj, path, key);
    let owner_uid = match get("owner_uid")? {
        Value::Null => None,
        v => Some(as_u16(v, &p("owner_uid"))?),
    };
    let commit_blocks = match obj.get("commit_blocks") {
        None | Some(Value::Null) => None,
        Some(v) => Some(vec_of(v, &p("commit_blocks"), as_u64)?),
    };
    Ok(EpochInput {
        n: as_u16(get("n")?, &p("n"))?,
        current_block: as_u64(get("current_block")?, &p("current_block"))?,
        tempo: as_u16(get("tempo")?, &p("tempo"))?,
        activity_cutoff_factor_milli: as_u32(
            get("activity_cutoff_factor_milli")?,
            &p("activity_cutoff_factor_milli"),
        )?,
        last_mechanism_step_block: as_u64(
            get("last_mechanism_step_block")?,
            &p("last_mechanism_step_block"),
        )?,
        last_update: vec_of(get("last_update")?, &p("last_update"), as_u64)?,
        block_at_registration: vec_of(
            get("block_at_registration")?,
            &p("block_at_registration"),
            as_u64,
        )?,
        alpha_stake: vec_of(get("alpha_stake")?, &p("alpha_stake"), as_u64)?,
        tao_stake: vec_of(get("tao_stake")?, &p("tao_stake"), as_u64)?,
        tao_weight: as_u64(get("tao_weight")?, &p("tao_weight"))?,
        stake_threshold: as_u64(get("stake_threshold")?, &p("stake_threshold"))?,
        owner_uid,
        validator_permit: vec_of(get("validator_permit")?, &p("validator_permit"), as_bool)?,
        max_allowed_validators: as_u16(
            get("max_allowed_validators")?,
            &p("max_allowed_validators"),
        )?,
        weights: sparse_rows(get("weights")?, &p("weights"))?,
        bonds: sparse_rows(get("bonds")?, &p("bonds"))?,
        kappa: as_u16(get("kappa")?, &p("kappa"))?,
        bonds_penalty: as_u16(get("bonds_penalty")?, &p("bonds_penalty"))?,
        bonds_moving_average: as_u64(get("bonds_moving_average")?, &p("bonds_moving_average"))?,
        liquid_alpha_enabled: as_bool(get("liquid_alpha_enabled")?, &p("liquid_alpha_enabled"))?,
        alpha_low: as_u16(get("alpha_low")?, &p("alpha_low"))?,
        alpha_high: as_u16(get("alpha_high")?, &p("alpha_high"))?,
        alpha_sigmoid_steepness: as_i16(
            get("alpha_sigmoid_steepness")?,
            &p("alpha_sigmoid_steepness"),
        )?,
        yuma3_enabled: as_bool(get("yuma3_enabled")?, &p("yuma3_enabled"))?,
        rao_emission: as_u64(get("rao_emission")?, &p("rao_emission"))?,
        commit_blocks,
    })
}

/// Which epoch produced an output: the dense variant does not report `stake`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The production (sparse) epoch.
    Sparse,
    /// The dense test variant.
    Dense,
}

fn ints<T: Into<Value> + Copy>(v: &[T]) -> Value {
    Value::Array(v.iter().map(|&x| x.into()).collect())
}

fn rows<T: Copy>(rows: &[Vec<(u16, T)>], cell: impl Fn(T) -> Value) -> Value {
    Value::Array(
        rows.iter()
            .map(|row| {
                Value::Array(
                    row.iter()
                        .map(|&(j, x)| Value::Array(vec![j.into(), cell(x)]))
                        .collect(),
                )
            })
            .collect(),
    )
}

fn decimals32(v: &[agora_primitives::I32F32]) -> Value {
    Value::Array(
        v.iter()
            .map(|x| Value::String(to_exact_decimal(i128::from(x.to_bits()), 32)))
            .collect(),
    )
}

fn encode_fixed(f: &FixedTrace, include_ema_bonds: bool) -> Value {
    let mut m = Map::new();
    m.insert(
        "total_stake".into(),
        Value::Array(
            f.total_stake
                .iter()
                .map(|x| Value::String(to_exact_decimal(x.to_bits(), 64)))
                .collect(),
        ),
    );
    m.insert("stake".into(), decimals32(&f.stake));
    m.insert("active_stake".into(), decimals32(&f.active_stake));
    m.insert("consensus".into(), decimals32(&f.consensus));
    m.insert("validator_trust".into(), decimals32(&f.validator_trust));
    m.insert("incentive".into(), decimals32(&f.incentive));
    m.insert("dividends".into(), decimals32(&f.dividends));
    m.insert(
        "normalized_server_emission".into(),
        decimals32(&f.normalized_server_emission),
    );
    m.insert(
        "normalized_validator_emission".into(),
        decimals32(&f.normalized_validator_emission),
    );
    m.insert(
        "normalized_combined_emission".into(),
        decimals32(&f.normalized_combined_emission),
    );
    if include_ema_bonds {
        m.insert(
            "ema_bonds".into(),
            rows(&f.ema_bonds, |x: agora_primitives::I32F32| {
                Value::String(to_exact_decimal(i128::from(x.to_bits()), 32))
            }),
        );
    }
    Value::Object(m)
}

/// Encodes an output object of the epoch case schema. `fixed` adds the exact intermediates
/// (with `ema_bonds` only when `n ≤ 64`, as in the schema).
pub fn encode_output(out: &EpochOutput, variant: Variant, fixed: bool) -> Value {
    let mut m = Map::new();
    m.insert(
        "activity_cutoff_blocks".into(),
        out.activity_cutoff_blocks.into(),
    );
    m.insert("last_tempo".into(), out.last_tempo.into());
    m.insert("active".into(), ints(&out.active));
    if variant == Variant::Sparse {
        m.insert("stake".into(), ints(&out.stake));
    }
    m.insert("stake_weight".into(), ints(&out.stake_weight));
    m.insert("consensus".into(), ints(&out.consensus));
    m.insert("incentive".into(), ints(&out.incentive));
    m.insert("dividends".into(), ints(&out.dividends));
    m.insert("validator_trust".into(), ints(&out.validator_trust));
    m.insert("validator_permit".into(), ints(&out.validator_permit));
    m.insert("server_emission".into(), ints(&out.server_emission));
    m.insert("validator_emission".into(), ints(&out.validator_emission));
    m.insert("emission".into(), ints(&out.emission));
    m.insert("bonds".into(), rows(&out.bonds, Value::from));
    if fixed {
        m.insert(
            "fixed".into(),
            encode_fixed(&out.fixed, out.active.len() <= 64),
        );
    }
    Value::Object(m)
}
