//! Mutation fuzzing of the epoch-case decoder, run as a property test so it runs in CI.
//!
//! Starting from real oracle cases, lines are corrupted the ways hand-edited or truncated files
//! are (byte flips, truncation, deleted or duplicated spans, numbers replaced by extreme or
//! wrongly typed values). For every mutant the decoder must return without panicking, an error
//! must name a field path, and anything that decodes must run through both epoch variants
//! without panicking and with per-uid outputs of length `n`.

use agora_cli::epoch_io::decode_case_line;
use agora_runtime::epoch::{run_dense, run_sparse};
use proptest::prelude::*;

const EDGE: &str = include_str!("../../runtime/tests/vectors/oracle/edge.jsonl");

/// Short oracle lines (small n keeps each mutant cheap to run).
fn seeds() -> Vec<&'static str> {
    EDGE.lines().filter(|l| l.len() < 6000).collect()
}

/// Replacement values for a number token.
const REPLACEMENTS: &[&str] = &[
    "0",
    "-1",
    "65536",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "1e400",
    "0.5",
    "\"7\"",
    "null",
    "true",
    "[]",
    "{}",
    "[[0,1,2]]",
];

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte { at: usize, byte: u8 },
    Truncate { at: usize },
    DeleteSpan { at: usize, len: usize },
    DuplicateSpan { at: usize, len: usize },
    ReplaceNumber { nth: usize, with: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::FlipByte { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::DeleteSpan { at, len }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::DuplicateSpan { at, len }),
        (any::<usize>(), 0..REPLACEMENTS.len())
            .prop_map(|(nth, with)| Mutation::ReplaceNumber { nth, with }),
    ]
}

fn apply(line: &str, m: &Mutation) -> Vec<u8> {
    let mut bytes = line.as_bytes().to_vec();
    let len = bytes.len().max(1);
    match *m {
        Mutation::FlipByte { at, byte } => {
            let i = at % len;
            if let Some(b) = bytes.get_mut(i) {
                *b = byte;
            }
        }
        Mutation::Truncate { at } => bytes.truncate(at % len),
        Mutation::DeleteSpan { at, len: span } => {
            let start = at % len;
            let end = (start + span).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::DuplicateSpan { at, len: span } => {
            let start = at % len;
            let end = (start + span).min(bytes.len());
            let copy: Vec<u8> = bytes[start..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Mutation::ReplaceNumber { nth, with } => {
            let numbers: Vec<(usize, usize)> = number_spans(&bytes);
            if !numbers.is_empty() {
                let (s, e) = numbers[nth % numbers.len()];
                bytes.splice(s..e, REPLACEMENTS[with].bytes());
            }
        }
    }
    bytes
}

/// Byte spans of the unsigned integer tokens in a JSON text.
fn number_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_lines_never_panic(seed in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..4)) {
        let lines = seeds();
        let line = lines[seed % lines.len()];
        let mut text = line.to_owned();
        for m in &mutations {
            text = String::from_utf8_lossy(&apply(&text, m)).into_owned();
        }
        match decode_case_line(&text) {
            Err(e) => {
                // Every error names where it is: a JSON path starting at the root.
                prop_assert!(e.path.starts_with('$') || e.path.starts_with("input"), "{e}");
                prop_assert!(!e.message.is_empty());
            }
            Ok(input) => {
                let n = usize::from(input.n);
                for out in [run_sparse(&input), run_dense(&input)] {
                    prop_assert_eq!(out.incentive.len(), n);
                    prop_assert_eq!(out.dividends.len(), n);
                    prop_assert_eq!(out.emission.len(), n);
                    prop_assert_eq!(out.bonds.len(), n);
                }
            }
        }
    }
}

#[test]
fn mutation_operators_change_lines() {
    let line = seeds()[0];
    let truncated = apply(line, &Mutation::Truncate { at: 10 });
    assert_eq!(truncated.len(), 10);
    assert!(decode_case_line(&String::from_utf8_lossy(&truncated)).is_err());
    let replaced = apply(line, &Mutation::ReplaceNumber { nth: 0, with: 8 });
    assert_ne!(replaced, line.as_bytes());
    assert!(!number_spans(line.as_bytes()).is_empty());
    // Replacing a number by 0 keeps most lines decodable, so the property above also reaches
    // the epochs with mutated (still well-typed) state, not only the decoder's error paths.
    let decodable = seeds()
        .iter()
        .flat_map(|l| (0..20).map(move |nth| apply(l, &Mutation::ReplaceNumber { nth, with: 0 })))
        .filter(|m| decode_case_line(&String::from_utf8_lossy(m)).is_ok())
        .count();
    assert!(decodable > 500, "only {decodable} decodable mutants");
}
