//! End-to-end tests of `agora epoch` (`shared/spec/epoch-io.md`).
//!
//! The expected outputs come only from the oracle conformance files
//! (`crates/runtime/tests/vectors/oracle/{upstream_replay,edge}.jsonl`) or from an independent run
//! of the binary on the same cases; nothing is hard-coded.
//!
//! * `oracle_conformance_*`: the binary, sparse and dense, with and without `--fixed`, against
//!   every case's `output` / `output_dense`, field by field (key order does not matter).
//! * `library_codec_matches_oracle`: the same comparison through the library
//!   (`decode_case_line` → `run_sparse` / `run_dense` → `encode_output`), so that a failure
//!   tells the codec apart from the binary's plumbing.
//! * `bare_input_objects_*`, `u64_values_*`, `malformed_*`, `repeat_*`, `stdin_*`,
//!   `epoch_help_*`: the remaining promises of the command (bare input lines, exact u64,
//!   per-line errors with exit status 2, `--repeat` timings, standard input, `--help`).
//!   The u64 test also feeds `rao_emission` values that f64 cannot hold and checks each rao
//!   amount against `floor(share · rao_emission)` computed from the run's own exact shares.
//! * `comparison_helpers_are_strict`: the comparison helpers catch what they must (a u64 off by
//!   one above 2^53, a float in place of an integer, missing and extra fields).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use agora_cli::epoch_io::{Variant, decode_case_line, encode_output};
use agora_runtime::epoch::{run_dense, run_sparse};
use serde_json::{Map, Value};

/// The oracle conformance files.
const ORACLE_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../runtime/tests/vectors/oracle"
);

/// The conformance files and their number of cases (documented in the oracle README).
const ORACLE_FILES: [(&str, usize); 2] = [("upstream_replay.jsonl", 177), ("edge.jsonl", 102)];

/// The per-uid (and scalar) output fields that hold u64 values.
const U64_FIELDS: [&str; 6] = [
    "stake",
    "server_emission",
    "validator_emission",
    "emission",
    "activity_cutoff_blocks",
    "last_tempo",
];

/// How many mismatches to print before summarising.
const MAX_REPORTED: usize = 40;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// One case of a conformance file.
#[derive(Debug, Clone)]
struct Case {
    /// 1-based physical line number in its file.
    line_no: usize,
    /// The case's `id`.
    id: String,
    /// The line exactly as in the file.
    raw: String,
    /// The parsed line.
    value: Value,
}

impl Case {
    fn input(&self) -> &Value {
        self.value
            .get("input")
            .unwrap_or_else(|| panic!("{}: no `input`", self.id))
    }

    /// The expected output of `variant`, or `None` for a null `output_dense`.
    fn expected(&self, variant: Variant) -> Option<&Value> {
        let key = match variant {
            Variant::Sparse => "output",
            Variant::Dense => "output_dense",
        };
        match self.value.get(key) {
            Some(Value::Null) if variant == Variant::Dense => None,
            Some(v @ Value::Object(_)) => Some(v),
            other => panic!("{}: `{key}` is not an object: {other:?}", self.id),
        }
    }

    fn n(&self) -> u64 {
        self.input()
            .get("n")
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("{}: input.n is not an integer", self.id))
    }
}

fn oracle_path(file: &str) -> PathBuf {
    PathBuf::from(ORACLE_DIR).join(file)
}

/// Loads a conformance file and checks its case count.
fn load_cases(file: &str, expected_count: usize) -> Vec<Case> {
    let path = oracle_path(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let cases: Vec<Case> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{file}:{}: invalid JSON: {e}", i + 1));
            let id = value
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{file}:{}: no string `id`", i + 1))
                .to_owned();
            Case {
                line_no: i + 1,
                id,
                raw: line.to_owned(),
                value,
            }
        })
        .collect();
    assert_eq!(
        cases.len(),
        expected_count,
        "{file}: expected {expected_count} cases"
    );
    cases
}

/// Runs `agora` with `args`, feeding `stdin` (or nothing) to its standard input.
fn agora(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
    command
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("cannot spawn agora");
    let writer = stdin.map(|data| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let data = data.to_vec();
        std::thread::spawn(move || pipe.write_all(&data))
    });
    let output = child.wait_with_output().expect("cannot wait for agora");
    if let Some(writer) = writer {
        writer
            .join()
            .expect("stdin writer panicked")
            .expect("cannot write agora's standard input");
    }
    output
}

fn text(bytes: &[u8], what: &str) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("{what} is not UTF-8: {e}"))
}

/// Runs `agora epoch <flags> <file>`, requires exit status 0 and an empty standard error, and
/// returns the parsed output lines.
fn run_epoch_ok(flags: &[&str], file: &std::path::Path) -> Vec<Value> {
    let mut args = vec!["epoch"];
    args.extend_from_slice(flags);
    let file = file.to_str().expect("UTF-8 path");
    args.push(file);
    let output = agora(&args, None);
    let stderr = text(&output.stderr, "stderr");
    assert_eq!(
        output.status.code(),
        Some(0),
        "agora {args:?} failed; stderr:\n{stderr}"
    );
    assert!(
        stderr.is_empty(),
        "agora {args:?} wrote to stderr:\n{stderr}"
    );
    parse_lines(&output.stdout, &format!("stdout of agora {args:?}"))
}

/// Parses JSON Lines output (every line, including a trailing newline check).
fn parse_lines(stdout: &[u8], what: &str) -> Vec<Value> {
    let out = text(stdout, what);
    if !out.is_empty() {
        assert!(out.ends_with('\n'), "{what}: last line is not terminated");
    }
    out.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{what}: line {} is not JSON ({e}): {line}", i + 1))
        })
        .collect()
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

/// The path of the first difference between two JSON values, with both sides.
fn first_diff(path: &str, expected: &Value, got: &Value) -> Option<String> {
    match (expected, got) {
        (Value::Array(e), Value::Array(g)) => {
            for (i, (ev, gv)) in e.iter().zip(g).enumerate() {
                if let Some(d) = first_diff(&format!("{path}[{i}]"), ev, gv) {
                    return Some(d);
                }
            }
            (e.len() != g.len()).then(|| {
                format!(
                    "{path}: length {} expected, got {} (expected {}, got {})",
                    e.len(),
                    g.len(),
                    short(expected),
                    short(got)
                )
            })
        }
        (Value::Object(e), Value::Object(g)) => {
            for (k, ev) in e {
                match g.get(k) {
                    None => return Some(format!("{path}.{k}: missing")),
                    Some(gv) => {
                        if let Some(d) = first_diff(&format!("{path}.{k}"), ev, gv) {
                            return Some(d);
                        }
                    }
                }
            }
            g.keys()
                .find(|k| !e.contains_key(*k))
                .map(|k| format!("{path}.{k}: unexpected key"))
        }
        _ => (expected != got)
            .then(|| format!("{path}: expected {}, got {}", short(expected), short(got))),
    }
}

/// Compares one output line with the expected object field by field (by key), recording every
/// differing field. Our line must have exactly the expected keys.
fn compare_output(
    what: &str,
    expected: &Value,
    got: &Value,
    mismatches: &mut Vec<String>,
) -> usize {
    let Value::Object(expected) = expected else {
        panic!("{what}: expected output is not an object");
    };
    let Value::Object(got) = got else {
        mismatches.push(format!("{what}: our line is not an object: {}", short(got)));
        return 1;
    };
    let before = mismatches.len();
    for (key, e) in expected {
        match got.get(key) {
            None => mismatches.push(format!("{what}: field `{key}` missing")),
            Some(g) => {
                if let Some(d) = first_diff(key, e, g) {
                    mismatches.push(format!("{what}: field `{key}` differs: {d}"));
                }
            }
        }
    }
    for key in got.keys().filter(|k| !expected.contains_key(*k)) {
        mismatches.push(format!("{what}: unexpected field `{key}`"));
    }
    mismatches.len() - before
}

fn assert_no_mismatches(context: &str, compared: usize, mismatches: &[String]) {
    if mismatches.is_empty() {
        return;
    }
    let shown: Vec<&str> = mismatches
        .iter()
        .take(MAX_REPORTED)
        .map(String::as_str)
        .collect();
    panic!(
        "{context}: {} mismatching fields over {compared} compared cases (first {}):\n{}",
        mismatches.len(),
        shown.len(),
        shown.join("\n")
    );
}

fn variant_flags(variant: Variant, fixed: bool) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if variant == Variant::Dense {
        flags.push("--dense");
    }
    if fixed {
        flags.push("--fixed");
    }
    flags
}

fn variant_name(variant: Variant) -> &'static str {
    match variant {
        Variant::Sparse => "sparse",
        Variant::Dense => "dense",
    }
}

/// A scratch file under the target's test directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover file in the target directory is harmless.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes a scratch file unique to `name` and this process.
fn scratch_file(name: &str, content: &str) -> Scratch {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("agora_cli_epoch_cli");
    std::fs::create_dir_all(&dir).expect("cannot create scratch directory");
    let path = dir.join(format!("{name}.{}.jsonl", std::process::id()));
    std::fs::write(&path, content).expect("cannot write scratch file");
    Scratch(path)
}

/// Joins lines into JSON Lines text (each line terminated).
fn join_lines<S: AsRef<str>>(lines: &[S]) -> String {
    let mut s = String::new();
    for line in lines {
        s.push_str(line.as_ref());
        s.push('\n');
    }
    s
}

fn without_fixed(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("fixed");
    }
    v
}

// ---------------------------------------------------------------------------------------------
// 1. Oracle conformance
// ---------------------------------------------------------------------------------------------

/// Runs the binary on `file` with `variant` and `--fixed`, and compares every case; then runs it
/// without `--fixed` and checks that only `fixed` disappears.
fn check_binary_conformance(file: &str, count: usize, variant: Variant) {
    let cases = load_cases(file, count);
    let path = oracle_path(file);
    let name = variant_name(variant);

    let with_fixed = run_epoch_ok(&variant_flags(variant, true), &path);
    assert_eq!(
        with_fixed.len(),
        cases.len(),
        "{file} {name} --fixed: one output line per case"
    );
    let mut mismatches = Vec::new();
    let mut compared = 0;
    let mut null_expected = Vec::new();
    for (case, got) in cases.iter().zip(&with_fixed) {
        match case.expected(variant) {
            Some(expected) => {
                assert!(
                    expected.get("fixed").is_some(),
                    "{}: the expected {name} output has no `fixed`",
                    case.id
                );
                compared += 1;
                compare_output(
                    &format!("{} ({file}:{} {name} --fixed)", case.id, case.line_no),
                    expected,
                    got,
                    &mut mismatches,
                );
            }
            None => null_expected.push(case.id.clone()),
        }
    }
    assert_no_mismatches(&format!("{file} {name} --fixed"), compared, &mismatches);
    // A null `output_dense` is allowed by the schema only for n > 64; none of these files has
    // such a case, so every case must have been compared.
    assert!(
        null_expected.is_empty(),
        "{file} {name}: cases without an expected output (not compared): {null_expected:?}"
    );
    assert_eq!(compared, cases.len());

    let plain = run_epoch_ok(&variant_flags(variant, false), &path);
    assert_eq!(
        plain.len(),
        cases.len(),
        "{file} {name}: one output line per case"
    );
    let mut mismatches = Vec::new();
    for ((case, fixed_line), plain_line) in cases.iter().zip(&with_fixed).zip(&plain) {
        let what = format!("{} ({file}:{} {name}, no --fixed)", case.id, case.line_no);
        if plain_line.get("fixed").is_some() {
            mismatches.push(format!("{what}: has a `fixed` key without --fixed"));
        }
        compare_output(
            &what,
            &without_fixed(fixed_line),
            plain_line,
            &mut mismatches,
        );
        if let Some(expected) = case.expected(variant) {
            compare_output(&what, &without_fixed(expected), plain_line, &mut mismatches);
        }
    }
    assert_no_mismatches(
        &format!("{file} {name} (no --fixed)"),
        cases.len(),
        &mismatches,
    );
}

#[test]
fn oracle_conformance_upstream_replay_sparse() {
    let (file, count) = ORACLE_FILES[0];
    check_binary_conformance(file, count, Variant::Sparse);
}

#[test]
fn oracle_conformance_upstream_replay_dense() {
    let (file, count) = ORACLE_FILES[0];
    check_binary_conformance(file, count, Variant::Dense);
}

#[test]
fn oracle_conformance_edge_sparse() {
    let (file, count) = ORACLE_FILES[1];
    check_binary_conformance(file, count, Variant::Sparse);
}

#[test]
fn oracle_conformance_edge_dense() {
    let (file, count) = ORACLE_FILES[1];
    check_binary_conformance(file, count, Variant::Dense);
}

/// The library path alone: `decode_case_line` → `run_sparse` / `run_dense` → `encode_output`.
/// A failure here and not in the binary tests (or the reverse) pinpoints codec vs plumbing.
#[test]
fn library_codec_matches_oracle() {
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (file, count) in ORACLE_FILES {
        for case in load_cases(file, count) {
            let input = decode_case_line(&case.raw).unwrap_or_else(|e| {
                panic!("{} ({file}:{}): decode failed: {e}", case.id, case.line_no)
            });
            let bare = decode_case_line(&case.input().to_string()).unwrap_or_else(|e| {
                panic!(
                    "{} ({file}:{}): decode of the bare input failed: {e}",
                    case.id, case.line_no
                )
            });
            assert_eq!(
                bare, input,
                "{} ({file}:{}): bare input decodes differently from the full case",
                case.id, case.line_no
            );
            for variant in [Variant::Sparse, Variant::Dense] {
                let Some(expected) = case.expected(variant) else {
                    panic!(
                        "{} ({file}:{}): no expected {} output",
                        case.id,
                        case.line_no,
                        variant_name(variant)
                    );
                };
                let output = match variant {
                    Variant::Sparse => run_sparse(&input),
                    Variant::Dense => run_dense(&input),
                };
                let what = format!(
                    "{} ({file}:{} {}, library)",
                    case.id,
                    case.line_no,
                    variant_name(variant)
                );
                compared += 1;
                compare_output(
                    &what,
                    expected,
                    &encode_output(&output, variant, true),
                    &mut mismatches,
                );
                compare_output(
                    &format!("{what} without fixed"),
                    &without_fixed(expected),
                    &encode_output(&output, variant, false),
                    &mut mismatches,
                );
            }
        }
    }
    assert_no_mismatches("library", compared, &mismatches);
    assert_eq!(
        compared,
        2 * ORACLE_FILES.iter().map(|(_, c)| c).sum::<usize>()
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Bare input objects
// ---------------------------------------------------------------------------------------------

#[test]
fn bare_input_objects_give_the_same_output_as_full_cases() {
    for (file, count) in ORACLE_FILES {
        let cases = load_cases(file, count);
        let bare: Vec<String> = cases.iter().map(|c| c.input().to_string()).collect();
        let bare_path = scratch_file(&format!("bare_{file}"), &join_lines(&bare));
        for variant in [Variant::Sparse, Variant::Dense] {
            let flags = variant_flags(variant, true);
            let full_out = run_epoch_ok(&flags, &oracle_path(file));
            let bare_out = run_epoch_ok(&flags, bare_path.path());
            assert_eq!(
                bare_out.len(),
                cases.len(),
                "{file}: one line per bare input"
            );
            let mut mismatches = Vec::new();
            for ((case, full), bare) in cases.iter().zip(&full_out).zip(&bare_out) {
                let what = format!(
                    "{} ({file}:{} {}, bare input)",
                    case.id,
                    case.line_no,
                    variant_name(variant)
                );
                compare_output(&what, full, bare, &mut mismatches);
                if let Some(expected) = case.expected(variant) {
                    compare_output(&what, expected, bare, &mut mismatches);
                }
            }
            assert_no_mismatches(
                &format!("{file} {} bare inputs", variant_name(variant)),
                cases.len(),
                &mismatches,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. u64 exactness
// ---------------------------------------------------------------------------------------------

const TWO_POW_53: u64 = 1 << 53;

/// The I32F32 bits of an exact decimal string in `[0, 1]` (as written in `fixed`).
fn i32f32_bits(decimal: &str) -> u128 {
    let (int_part, frac_part) = decimal.split_once('.').unwrap_or((decimal, ""));
    let int: u128 = int_part
        .parse()
        .unwrap_or_else(|e| panic!("bad decimal {decimal:?}: {e}"));
    let k = u32::try_from(frac_part.len()).expect("short fraction");
    assert!(k <= 32, "{decimal:?}: more than 32 fraction digits");
    let frac: u128 = if frac_part.is_empty() {
        0
    } else {
        frac_part
            .parse()
            .unwrap_or_else(|e| panic!("bad decimal {decimal:?}: {e}"))
    };
    // frac / 10^k = bits / 2^32  =>  bits = frac * 2^(32-k) / 5^k, exact for an I32F32 value.
    let scaled = frac << (32 - k);
    let five_k = 5u128.pow(k);
    assert_eq!(
        scaled % five_k,
        0,
        "{decimal:?} is not an exact I32F32 value"
    );
    (int << 32) + scaled / five_k
}

/// `saturating_to_num::<u64>(I96F32(x) · I96F32(rao))` for an I32F32 `x` in `[0, 1]`.
fn rao_share(x: &str, rao: u64) -> u64 {
    let product = (i32f32_bits(x) * u128::from(rao)) >> 32;
    u64::try_from(product).unwrap_or(u64::MAX)
}

fn u64_array<'a>(what: &str, output: &'a Value, field: &str) -> Vec<&'a Value> {
    match output.get(field) {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => panic!("{what}: no `{field}`"),
    }
}

/// Checks that every u64 field of `got` is a JSON integer equal, as u64, to `expected`'s.
fn check_u64_fields(what: &str, expected: &Value, got: &Value, variant: Variant) -> usize {
    let mut above_2_53 = 0;
    for field in U64_FIELDS {
        if field == "stake" && variant == Variant::Dense {
            assert!(
                got.get("stake").is_none(),
                "{what}: dense output has `stake`"
            );
            continue;
        }
        let e = u64_array(what, expected, field);
        let g = u64_array(what, got, field);
        assert_eq!(e.len(), g.len(), "{what}: `{field}` length");
        for (i, (ev, gv)) in e.iter().zip(&g).enumerate() {
            let ev = ev
                .as_u64()
                .unwrap_or_else(|| panic!("{what}: expected {field}[{i}] is not a u64: {ev}"));
            let gv = gv.as_u64().unwrap_or_else(|| {
                panic!("{what}: our {field}[{i}] is not an exact integer: {gv}")
            });
            assert_eq!(gv, ev, "{what}: {field}[{i}]");
            if gv > TWO_POW_53 {
                above_2_53 += 1;
            }
        }
    }
    above_2_53
}

/// Checks every rao amount against `floor(share · rao_emission)` computed from our own `fixed`.
fn check_rao_shares(what: &str, got: &Value, rao: u64) {
    let fixed = got
        .get("fixed")
        .unwrap_or_else(|| panic!("{what}: no `fixed`"));
    for (amount, share) in [
        ("emission", "normalized_combined_emission"),
        ("server_emission", "normalized_server_emission"),
        ("validator_emission", "normalized_validator_emission"),
    ] {
        let amounts = u64_array(what, got, amount);
        let shares = u64_array(what, fixed, share);
        assert_eq!(amounts.len(), shares.len(), "{what}: {amount} length");
        for (i, (a, s)) in amounts.iter().zip(&shares).enumerate() {
            let s = s
                .as_str()
                .unwrap_or_else(|| panic!("{what}: fixed.{share}[{i}] is not a string"));
            let a = a
                .as_u64()
                .unwrap_or_else(|| panic!("{what}: {amount}[{i}] is not an exact integer: {a}"));
            assert_eq!(
                a,
                rao_share(s, rao),
                "{what}: {amount}[{i}] != floor({s} · {rao})"
            );
        }
    }
}

#[test]
fn u64_values_above_2_pow_53_round_trip_exactly() {
    let (file, count) = ORACLE_FILES[1];
    let cases = load_cases(file, count);
    let prefixes = [
        "edge/emission_u64_max/",
        "edge/tao_weight_max/",
        "edge/stake_saturation/",
    ];
    let chosen: Vec<&Case> = cases
        .iter()
        .filter(|c| prefixes.iter().any(|p| c.id.starts_with(p)))
        .collect();
    for p in prefixes {
        assert!(
            chosen.iter().any(|c| c.id.starts_with(p)),
            "no case {p}* in {file}"
        );
    }
    // The inputs really exceed 2^53 somewhere.
    for case in &chosen {
        let input = case.input();
        let mut big = Vec::new();
        for key in ["rao_emission", "tao_weight", "alpha_stake", "tao_stake"] {
            for v in u64_array(&case.id, input, key) {
                let v = v.as_u64().expect("u64 input");
                if v > TWO_POW_53 {
                    big.push(key);
                }
            }
        }
        assert!(
            !big.is_empty(),
            "{}: no input value above 2^53; the test would be vacuous",
            case.id
        );
    }

    // Synthetic variants: the u64::MAX emission case with other rao_emission values that f64
    // cannot hold, each checked against floor(share · rao) from our own fixed shares.
    let template = chosen
        .iter()
        .find(|c| c.id.starts_with("edge/emission_u64_max/"))
        .expect("emission_u64_max case");
    let raos = [
        TWO_POW_53 + 1,
        TWO_POW_53 + 7,
        u64::MAX - 1,
        u64::MAX - 2,
        12_345_678_901_234_567_891,
    ];
    let mut lines: Vec<String> = chosen.iter().map(|c| c.raw.clone()).collect();
    for rao in raos {
        let mut input = template.input().clone();
        input["rao_emission"] = Value::from(rao);
        lines.push(input.to_string());
    }
    let path = scratch_file("u64_exact", &join_lines(&lines));

    for variant in [Variant::Sparse, Variant::Dense] {
        let name = variant_name(variant);
        let out = run_epoch_ok(&variant_flags(variant, true), path.path());
        assert_eq!(out.len(), lines.len(), "{name}: one line per case");
        let mut above = 0;
        for (case, got) in chosen.iter().zip(&out) {
            let what = format!("{} ({name})", case.id);
            let expected = case.expected(variant).expect("expected output");
            above += check_u64_fields(&what, expected, got, variant);
            let rao = case.input()["rao_emission"].as_u64().expect("u64");
            check_rao_shares(&what, got, rao);
        }
        assert!(above > 0, "{name}: no output value above 2^53 was compared");
        let template_out = &out[chosen
            .iter()
            .position(|c| c.id == template.id)
            .expect("template in chosen")];
        for (rao, got) in raos.iter().zip(&out[chosen.len()..]) {
            let what = format!("{} with rao_emission={rao} ({name})", template.id);
            // The shares do not depend on rao_emission.
            assert_eq!(
                got["fixed"], template_out["fixed"],
                "{what}: fixed shares changed with rao_emission"
            );
            check_rao_shares(&what, got, *rao);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Malformed input
// ---------------------------------------------------------------------------------------------

/// One line of the mixed file.
enum MixLine {
    /// A good line.
    Good(String),
    /// A blank (or whitespace-only) line.
    Blank(&'static str),
    /// A bad line and the path its error must name (`None`: only the line number is required,
    /// for lines that are not an object at all).
    Bad(String, Option<String>),
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '$')
}

/// Whether `hay` contains `needle` not directly preceded or followed by a path character.
fn contains_token(hay: &str, needle: &str, allow_prefix: bool) -> bool {
    hay.match_indices(needle).any(|(at, _)| {
        let before_ok = allow_prefix || !hay[..at].chars().next_back().is_some_and(is_path_char);
        let after_ok = !hay[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(is_path_char);
        before_ok && after_ok
    })
}

/// The line number an error line reports: the first `line <digits>` in it (later ones may come
/// from a JSON parser's own position, e.g. `at line 1 column 35`).
fn reported_line(err_line: &str) -> Option<usize> {
    err_line.match_indices("line ").find_map(|(at, m)| {
        let rest = &err_line[at + m.len()..];
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        rest[..end].parse().ok()
    })
}

/// Whether an error line reports line `k`.
fn names_line(err_line: &str, k: usize) -> bool {
    reported_line(err_line) == Some(k)
}

fn mutated(case: &Case, edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut value = case.value.clone();
    let Some(Value::Object(input)) = value.get_mut("input") else {
        panic!("{}: input is not an object", case.id);
    };
    edit(input);
    value.to_string()
}

fn rows_mut<'a>(input: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    input
        .get_mut(key)
        .and_then(Value::as_array_mut)
        .expect("rows array")
}

/// Builds the mixed file: good, blank and bad lines.
fn mixed_lines(cases: &[Case]) -> Vec<MixLine> {
    // A template with at least two weight rows, the first two non-empty, and two uids.
    let template = cases
        .iter()
        .find(|c| {
            let w = c.input()["weights"].as_array().expect("weights");
            w.len() >= 2
                && w[0].as_array().is_some_and(|r| !r.is_empty())
                && w[1].as_array().is_some_and(|r| !r.is_empty())
                && c.input()["alpha_stake"]
                    .as_array()
                    .is_some_and(|a| a.len() >= 2)
        })
        .expect("a case with two non-empty weight rows");
    let other = cases
        .iter()
        .find(|c| c.id != template.id)
        .expect("a second case");
    let bond_rows = template.input()["bonds"].as_array().expect("bonds").len();
    let third = cases
        .iter()
        .rev()
        .find(|c| c.id != template.id && c.id != other.id)
        .expect("a third case");

    vec![
        MixLine::Good(other.raw.clone()),
        MixLine::Bad(r#"{"id": "broken", "input": {"n": 3,"#.to_owned(), None),
        MixLine::Blank(""),
        MixLine::Bad(
            mutated(template, |i| {
                i.remove("tempo");
            }),
            Some("input.tempo".to_owned()),
        ),
        MixLine::Good(third.input().to_string()),
        MixLine::Bad(
            mutated(template, |i| {
                i.insert("n".into(), Value::from("3"));
            }),
            Some("input.n".to_owned()),
        ),
        MixLine::Bad(
            mutated(template, |i| {
                rows_mut(i, "weights")[1][0][1] = Value::from(70000);
            }),
            Some("input.weights[1][0][1]".to_owned()),
        ),
        MixLine::Blank("   \t "),
        MixLine::Bad(
            mutated(template, |i| {
                i["alpha_stake"][1] = Value::from(-5);
            }),
            Some("input.alpha_stake[1]".to_owned()),
        ),
        MixLine::Bad(
            mutated(template, |i| {
                rows_mut(i, "weights")[0][0] = serde_json::json!([0]);
            }),
            Some("input.weights[0][0]".to_owned()),
        ),
        MixLine::Bad(
            mutated(template, |i| {
                rows_mut(i, "bonds").push(serde_json::json!([[1, 2, 3]]));
            }),
            Some(format!("input.bonds[{bond_rows}][0]")),
        ),
        MixLine::Bad(
            r#"{"id": "x", "input": [1, 2, 3]}"#.to_owned(),
            Some("input".to_owned()),
        ),
        MixLine::Bad("[1, 2, 3]".to_owned(), None),
        MixLine::Bad(
            mutated(template, |i| {
                // 2^64: not a u64.
                i.insert(
                    "rao_emission".into(),
                    serde_json::from_str("18446744073709551616").expect("number"),
                );
            }),
            Some("input.rao_emission".to_owned()),
        ),
        MixLine::Bad(
            mutated(template, |i| {
                i.insert("current_block".into(), Value::from(-1));
            }),
            Some("input.current_block".to_owned()),
        ),
        MixLine::Good(template.raw.clone()),
        MixLine::Bad("\"just a string\"".to_owned(), None),
    ]
}

#[test]
fn malformed_lines_get_errors_exit_2_and_no_output() {
    let (file, count) = ORACLE_FILES[1];
    let cases = load_cases(file, count);
    let lines = mixed_lines(&cases);

    let raw: Vec<&str> = lines
        .iter()
        .map(|l| match l {
            MixLine::Good(s) | MixLine::Bad(s, _) => s.as_str(),
            MixLine::Blank(s) => s,
        })
        .collect();
    let good: Vec<&str> = lines
        .iter()
        .filter_map(|l| match l {
            MixLine::Good(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let mixed_text = join_lines(&raw);
    let mixed_path = scratch_file("malformed_mix", &mixed_text);
    let good_path = scratch_file("malformed_good_only", &join_lines(&good));

    for variant in [Variant::Sparse, Variant::Dense] {
        let name = variant_name(variant);
        let flags = variant_flags(variant, true);

        // The good lines on their own: exit 0, no stderr.
        let alone = run_epoch_ok(&flags, good_path.path());
        assert_eq!(alone.len(), good.len(), "{name}: good lines alone");

        let mut args = vec!["epoch"];
        args.extend_from_slice(&flags);
        args.push(mixed_path.path().to_str().expect("UTF-8 path"));
        let output = agora(&args, None);
        let stderr = text(&output.stderr, "stderr");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name}: exit status with malformed lines; stderr:\n{stderr}"
        );
        let out = parse_lines(&output.stdout, &format!("{name} mixed stdout"));
        assert_eq!(
            out, alone,
            "{name}: output of the mixed file != output of its good lines alone"
        );

        let err_lines: Vec<&str> = stderr.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let k = i + 1;
            let naming: Vec<&&str> = err_lines.iter().filter(|e| names_line(e, k)).collect();
            match line {
                MixLine::Good(_) | MixLine::Blank(_) => assert!(
                    naming.is_empty(),
                    "{name}: line {k} is fine but has an error: {naming:?}"
                ),
                MixLine::Bad(text, path) => {
                    assert!(
                        !naming.is_empty(),
                        "{name}: no error naming line {k} ({text}); stderr:\n{stderr}"
                    );
                    if let Some(path) = path {
                        assert!(
                            naming.iter().any(|e| contains_token(e, path, false)),
                            "{name}: the error for line {k} does not name `{path}`: {naming:?}"
                        );
                    }
                }
            }
        }
        let reported: BTreeSet<usize> = (1..=lines.len())
            .filter(|k| err_lines.iter().any(|e| names_line(e, *k)))
            .collect();
        let bad: BTreeSet<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, MixLine::Bad(..)))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(reported, bad, "{name}: lines with errors");

        // The same content on standard input gives the same result.
        let piped = agora(&args[..args.len() - 1], Some(mixed_text.as_bytes()));
        assert_eq!(piped.status.code(), Some(2), "{name}: stdin exit status");
        assert_eq!(piped.stdout, output.stdout, "{name}: stdin stdout");
        assert_eq!(piped.stderr, output.stderr, "{name}: stdin stderr");
    }
}

/// A bare input line with a bad field names the field too.
#[test]
fn malformed_bare_input_names_the_field() {
    let (file, count) = ORACLE_FILES[1];
    let cases = load_cases(file, count);
    let case = &cases[0];
    let mut input = case.input().clone();
    input["kappa"] = Value::from(65536);
    let mut missing = case.input().clone();
    missing
        .as_object_mut()
        .expect("object")
        .remove("yuma3_enabled");
    let lines = [
        input.to_string(),
        case.input().to_string(),
        missing.to_string(),
    ];
    let path = scratch_file("malformed_bare", &join_lines(&lines));
    let output = agora(&["epoch", path.path().to_str().expect("UTF-8 path")], None);
    let stderr = text(&output.stderr, "stderr");
    assert_eq!(output.status.code(), Some(2), "stderr:\n{stderr}");
    let out = parse_lines(&output.stdout, "stdout");
    assert_eq!(out.len(), 1, "only the good line has output");
    let mut mismatches = Vec::new();
    compare_output(
        &case.id,
        &without_fixed(case.expected(Variant::Sparse).expect("output")),
        &out[0],
        &mut mismatches,
    );
    assert_no_mismatches("bare good line", 1, &mismatches);
    for (k, field) in [(1, "kappa"), (3, "yuma3_enabled")] {
        assert!(
            stderr
                .lines()
                .any(|e| names_line(e, k) && contains_token(e, field, true)),
            "no error naming line {k} and `{field}`; stderr:\n{stderr}"
        );
    }
    assert!(
        !stderr.lines().any(|e| names_line(e, 2)),
        "line 2 is fine; stderr:\n{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. --repeat
// ---------------------------------------------------------------------------------------------

/// Parses `case=<d> n=<d> median_us=<d>` exactly.
fn parse_timing(line: &str) -> Option<(usize, u64, u64)> {
    fn digits(s: &str) -> Option<&str> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
    }
    let rest = line.strip_prefix("case=")?;
    let (case, rest) = rest.split_once(" n=")?;
    let (n, median) = rest.split_once(" median_us=")?;
    Some((
        digits(case)?.parse().ok()?,
        digits(n)?.parse().ok()?,
        digits(median)?.parse().ok()?,
    ))
}

#[test]
fn repeat_reports_one_timing_line_per_case() {
    let (file, count) = ORACLE_FILES[1];
    let cases = load_cases(file, count);
    // Blank lines between cases, so that line numbers differ from case indices.
    let mut text_lines = Vec::new();
    let mut expected = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        if i % 10 == 3 {
            text_lines.push(String::new());
        }
        text_lines.push(case.raw.clone());
        expected.push((text_lines.len(), case.n()));
    }
    let path = scratch_file("repeat", &join_lines(&text_lines));
    let path_str = path.path().to_str().expect("UTF-8 path");

    for flags in [vec!["--fixed"], vec!["--dense"]] {
        let mut args = vec!["epoch"];
        args.extend_from_slice(&flags);
        args.push(path_str);
        let normal = agora(&args, None);
        assert_eq!(normal.status.code(), Some(0), "{args:?}");
        assert!(
            normal.stderr.is_empty(),
            "{args:?}: stderr without --repeat"
        );

        let mut repeat_args = vec!["epoch", "--repeat", "3"];
        repeat_args.extend_from_slice(&flags);
        repeat_args.push(path_str);
        let repeated = agora(&repeat_args, None);
        let stderr = text(&repeated.stderr, "stderr");
        assert_eq!(
            repeated.status.code(),
            Some(0),
            "{repeat_args:?}; stderr:\n{stderr}"
        );
        assert_eq!(
            repeated.stdout, normal.stdout,
            "{repeat_args:?}: stdout differs from a normal run"
        );
        let timings: Vec<(usize, u64)> = stderr
            .lines()
            .map(|l| {
                let (case, n, _median) = parse_timing(l)
                    .unwrap_or_else(|| panic!("{repeat_args:?}: bad timing line {l:?}"));
                (case, n)
            })
            .collect();
        assert_eq!(
            timings, expected,
            "{repeat_args:?}: timing lines (line number, n)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Standard input
// ---------------------------------------------------------------------------------------------

#[test]
fn stdin_gives_the_same_result_as_the_file() {
    for (file, _) in ORACLE_FILES {
        let path = oracle_path(file);
        let content = std::fs::read(&path).expect("read oracle file");
        for flags in [vec!["--fixed"], vec!["--dense", "--fixed"], vec![]] {
            let mut args = vec!["epoch"];
            args.extend_from_slice(&flags);
            let mut file_args = args.clone();
            file_args.push(path.to_str().expect("UTF-8 path"));
            let from_file = agora(&file_args, None);
            assert_eq!(from_file.status.code(), Some(0), "{file_args:?}");
            assert!(!from_file.stdout.is_empty(), "{file_args:?}: no output");

            let implicit = agora(&args, Some(&content));
            let mut dash_args = args.clone();
            dash_args.push("-");
            let dash = agora(&dash_args, Some(&content));
            for (what, run) in [("no FILE", &implicit), ("FILE = -", &dash)] {
                assert_eq!(
                    run.status.code(),
                    Some(0),
                    "{file} {flags:?} {what}: status; stderr:\n{}",
                    String::from_utf8_lossy(&run.stderr)
                );
                assert_eq!(
                    run.stdout, from_file.stdout,
                    "{file} {flags:?} {what}: stdout differs from reading the file"
                );
                assert_eq!(
                    run.stderr, from_file.stderr,
                    "{file} {flags:?} {what}: stderr"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 7. --help
// ---------------------------------------------------------------------------------------------

#[test]
fn epoch_help_mentions_the_options() {
    let output = agora(&["epoch", "--help"], None);
    assert_eq!(output.status.code(), Some(0));
    let help = text(&output.stdout, "help");
    for option in ["--dense", "--fixed", "--repeat", "FILE"] {
        assert!(
            help.contains(option),
            "help does not mention {option}:\n{help}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The comparison helpers themselves
// ---------------------------------------------------------------------------------------------

/// The comparison used above ignores key order but nothing else: it catches a u64 off by one
/// above 2^53, a missing or extra field, and a changed `fixed` string.
#[test]
fn comparison_helpers_are_strict() {
    let expected: Value = serde_json::from_str(
        r#"{"emission":[18446744073709551615,9007199254740993],"bonds":[[[0,1]]],
            "fixed":{"stake":["0.5"],"ema_bonds":[[[0,"0.25"]]]}}"#,
    )
    .expect("JSON");
    let reordered: Value = serde_json::from_str(
        r#"{"fixed":{"ema_bonds":[[[0,"0.25"]]],"stake":["0.5"]},"bonds":[[[0,1]]],
            "emission":[18446744073709551615,9007199254740993]}"#,
    )
    .expect("JSON");
    let mut mismatches = Vec::new();
    assert_eq!(
        compare_output("same", &expected, &reordered, &mut mismatches),
        0
    );

    let mut off_by_one = expected.clone();
    off_by_one["emission"][1] = Value::from(9_007_199_254_740_992_u64);
    let mut fixed_changed = expected.clone();
    fixed_changed["fixed"]["ema_bonds"][0][0][1] = Value::from("0.25000001");
    let mut missing = expected.clone();
    missing.as_object_mut().expect("object").remove("bonds");
    let mut extra = expected.clone();
    extra["stake"] = Value::from(vec![1_u64]);
    let mut float = expected.clone();
    float["emission"][0] = Value::from(18_446_744_073_709_551_615_f64);
    for (what, got) in [
        ("off by one", off_by_one),
        ("fixed changed", fixed_changed),
        ("missing", missing),
        ("extra", extra),
        ("float", float),
    ] {
        assert_eq!(
            compare_output(what, &expected, &got, &mut mismatches),
            1,
            "{what}"
        );
    }
    assert_eq!(
        i32f32_bits("0.5"),
        1 << 31,
        "I32F32 bits of an exact decimal"
    );
    assert_eq!(i32f32_bits("1"), 1 << 32);
    assert_eq!(i32f32_bits("0.00000000023283064365386962890625"), 1);
    assert_eq!(rao_share("1", u64::MAX), u64::MAX);
    assert_eq!(rao_share("0.5", TWO_POW_53 + 3), (TWO_POW_53 + 3) / 2);
    assert_eq!(
        reported_line("line 12: $: EOF at line 1 column 3"),
        Some(12)
    );
    assert!(!names_line("line 12: x", 1));
    assert!(contains_token("line 3: input.n: bad", "input.n", false));
    assert!(!contains_token("line 3: input.n_x: bad", "input.n", false));
    assert!(!contains_token(
        "line 3: input.weights[1][0][1]: bad",
        "input.weights[1][0]",
        false
    ));
    assert_eq!(parse_timing("case=4 n=8 median_us=12"), Some((4, 8, 12)));
    assert_eq!(parse_timing("case=4 n=8 median_us=12 "), None);
    assert_eq!(parse_timing("case=4 n=8 median_us=1.5"), None);
}
