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

/// Lines decoded and computed together; their results are written in input order.
const BATCH_LINES: usize = 256;

/// Runs the command over `reader`, writing results to `out` and errors and timings to `err`.
/// Returns the process exit status.
///
/// Cases are independent, so without `--repeat` each batch of lines is computed on all
/// available cores (the epoch itself is single-threaded); output order always follows input
/// order. With `--repeat` cases run one at a time so the timings are not disturbed.
pub fn run(
    options: EpochOptions,
    reader: impl BufRead,
    mut out: impl Write,
    mut err: impl Write,
) -> std::io::Result<u8> {
    let workers = if options.repeat > 1 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    };
    let mut status = EXIT_OK;
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(BATCH_LINES);
    let mut lines = reader.lines().enumerate();
    loop {
        batch.clear();
        for (index, line) in lines.by_ref() {
            let line_no = index + 1;
            match line {
                Ok(l) if l.trim().is_empty() => {}
                Ok(l) => batch.push((line_no, l)),
                Err(e) => {
                    // Finish what was read, then report the unreadable line.
                    process_batch(options, workers, &batch, &mut out, &mut err)?;
                    writeln!(err, "line {line_no}: cannot read input: {e}")?;
                    out.flush()?;
                    return Ok(EXIT_BAD_INPUT);
                }
            }
            if batch.len() == BATCH_LINES {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        status = status.max(process_batch(options, workers, &batch, &mut out, &mut err)?);
    }
    out.flush()?;
    Ok(status)
}

/// The result of one line: an output object, or an error message.
type LineResult = Result<(String, Option<String>), String>;

/// Decodes and runs a batch of lines (in parallel when `workers > 1`) and writes the results
/// in line order. Returns the batch's exit status.
fn process_batch(
    options: EpochOptions,
    workers: usize,
    batch: &[(usize, String)],
    out: &mut impl Write,
    err: &mut impl Write,
) -> std::io::Result<u8> {
    let results: Vec<LineResult> = if workers <= 1 || batch.len() <= 1 {
        batch
            .iter()
            .map(|(no, line)| process_line(options, *no, line))
            .collect()
    } else {
        let chunk = batch.len().div_ceil(workers);
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(no, line)| process_line(options, *no, line))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![Err("internal error: worker failed".to_owned())])
                })
                .collect()
        })
    };
    let mut status = EXIT_OK;
    for result in results {
        match result {
            Ok((json, timing)) => {
                if let Some(timing) = timing {
                    writeln!(err, "{timing}")?;
                }
                out.write_all(json.as_bytes())?;
                out.write_all(b"\n")?;
            }
            Err(message) => {
                writeln!(err, "{message}")?;
                status = EXIT_BAD_INPUT;
            }
        }
    }
    Ok(status)
}

/// Decodes, runs and encodes one line.
fn process_line(options: EpochOptions, line_no: usize, line: &str) -> LineResult {
    let input = decode_case_line(line).map_err(|e| format!("line {line_no}: {e}"))?;
    let (output, median) = compute(&input, options);
    let timing =
        median.map(|m| format!("case={line_no} n={} median_us={}", input.n, m.as_micros()));
    let variant = if options.dense {
        Variant::Dense
    } else {
        Variant::Sparse
    };
    let json = encode_output(&output, variant, options.fixed).to_string();
    Ok((json, timing))
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
