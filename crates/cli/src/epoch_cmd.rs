//! `agora epoch`: run the Yuma epoch on JSON Lines cases (`shared/spec/epoch-io.md`).
//!
//! Each non-blank input line is a case object with an `input` key or a bare input object;
//! each produces one output line. A malformed line produces no output, an error on standard
//! error naming the line and the field path, and makes the command exit with status 2 once
//! every line has been processed.

use crate::epoch_io::{Variant, decode_case_line, encode_output};
use agora_runtime::epoch::{EpochInput, EpochOutput, run_dense, run_sparse};
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

/// Options of `agora epoch`.
#[derive(Debug, Clone, Copy, Default)]
pub struct EpochOptions {
    /// Run the dense variant instead of the production sparse epoch.
    pub dense: bool,
    /// Include the exact fixed-point intermediates (`fixed`).
    pub fixed: bool,
    /// Run each case this many times and report the median compute time (0 or 1: once, no report).
    pub repeat: u32,
}

/// Exit status when every line was processed.
pub const EXIT_OK: u8 = 0;
/// Exit status when at least one line was malformed.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Runs the command over `reader`, writing results to `out` and errors and timings to `err`.
/// Returns the process exit status.
pub fn run(
    options: EpochOptions,
    reader: impl BufRead,
    mut out: impl Write,
    mut err: impl Write,
) -> std::io::Result<u8> {
    let mut status = EXIT_OK;
    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                writeln!(err, "line {line_no}: cannot read input: {e}")?;
                return Ok(EXIT_BAD_INPUT);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let input = match decode_case_line(&line) {
            Ok(input) => input,
            Err(e) => {
                writeln!(err, "line {line_no}: {e}")?;
                status = EXIT_BAD_INPUT;
                continue;
            }
        };
        let (output, median) = compute(&input, options);
        if let Some(median) = median {
            writeln!(
                err,
                "case={line_no} n={} median_us={}",
                input.n,
                median.as_micros()
            )?;
        }
        let variant = if options.dense {
            Variant::Dense
        } else {
            Variant::Sparse
        };
        let encoded = encode_output(&output, variant, options.fixed);
        serde_json::to_writer(&mut out, &encoded)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(status)
}

/// Runs one case (`repeat` times when asked) and returns the output and the median time.
fn compute(input: &EpochInput, options: EpochOptions) -> (EpochOutput, Option<Duration>) {
    let epoch = if options.dense { run_dense } else { run_sparse };
    if options.repeat <= 1 {
        return (epoch(input), None);
    }
    let mut times = Vec::with_capacity(options.repeat as usize);
    let mut last = None;
    for _ in 0..options.repeat {
        let start = Instant::now();
        let output = epoch(input);
        times.push(start.elapsed());
        last = Some(output);
    }
    times.sort_unstable();
    let median = median_of_sorted(&times);
    (last.unwrap_or_else(|| epoch(input)), Some(median))
}

/// The median of sorted durations (mean of the middle two for an even count).
fn median_of_sorted(times: &[Duration]) -> Duration {
    match times.len() {
        0 => Duration::ZERO,
        len if len % 2 == 1 => times[len / 2],
        len => (times[len / 2 - 1] + times[len / 2]) / 2,
    }
}
