//! Terminal output: aligned tables, a spinner while waiting for the chain, confirmations, and
//! the lines that report a transaction's outcome.
//!
//! Human output goes to standard output; the spinner and prompts go to standard error and
//! appear only on a terminal, so piping a command never mixes them into its output. With
//! `--json` every command prints exactly one JSON document on standard output.

use std::io::{IsTerminal as _, Write};
use std::time::Duration;

use agora_sdk::chain::TxOutcome;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::exit::{Exit, fail};

/// A table with a header row; columns are padded to their widest cell.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

impl Table {
    /// A table with these column headers (all left-aligned).
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            right: vec![false; headers.len()],
            rows: Vec::new(),
        }
    }

    /// Right-aligns columns `cols` (numbers).
    pub fn right(mut self, cols: &[usize]) -> Self {
        for &c in cols {
            if let Some(r) = self.right.get_mut(c) {
                *r = true;
            }
        }
        self
    }

    /// Adds a row (missing cells are blank, extra ones dropped).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Renders the table.
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().take(n).enumerate() {
                widths[i] = widths[i].max(width(c));
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let mut s = String::new();
            for (i, (w, right)) in widths.iter().zip(&self.right).enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = w.saturating_sub(width(c));
                if i > 0 {
                    s.push_str("  ");
                }
                if *right {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < n {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&self.headers, &mut out);
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        line(&rule, &mut out);
        for r in &self.rows {
            line(r, &mut out);
        }
        out
    }
}

/// A spinner on standard error while something is pending; invisible when standard error
/// is not a terminal or in JSON mode.
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// Starts a spinner showing `message`.
    pub fn start(message: &str, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Self { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner())
                .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
        );
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(80));
        Self { bar: Some(bar) }
    }

    /// Removes the spinner.
    pub fn stop(self) {
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }
}

/// Asks `question` unless `yes`; declining (or no terminal to ask on) is [`Exit::Aborted`].
pub fn confirm(question: &str, yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return fail(
            Exit::Aborted,
            format!("{question} — confirmation needed; pass --yes to proceed without asking"),
        );
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
        Ok(())
    } else {
        fail(Exit::Aborted, "aborted")
    }
}

/// Shortens a hash or address for tables: `0x1234…abcd`.
pub fn short(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 14 {
        return s.to_string();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A `u16` proportion as a decimal in `[0, 1]` with four places.
pub fn proportion(x: u16) -> String {
    format!("{:.4}", f64::from(x) / f64::from(u16::MAX))
}

/// The JSON form of an outcome.
pub fn outcome_json(what: &str, o: &TxOutcome) -> Value {
    let (number, block, index) = o
        .block
        .clone()
        .map_or((None, None, None), |(n, b, i)| (Some(n), Some(b), Some(i)));
    json!({
        "action": what,
        "hash": o.hash_hex(),
        "nonce": o.nonce,
        "block": number,
        "blockHash": block,
        "index": index,
        "success": o.result.is_ok(),
        "error": o.result.as_ref().err().map(|f| f.error.clone()),
        "explanation": o.result.as_ref().err().map(|f| f.explanation.clone()),
        "fee": o.fee,
        "events": o.events.iter().map(|e| json!({
            "pallet": e.pallet, "name": e.name, "fields": e.fields
        })).collect::<Vec<_>>(),
    })
}

/// The human line for an outcome: `✓ <what>: included in block #12 (0x…), fee τ…; events …`
/// or `✗ <what>: failed in block #12: Name — explanation`.
pub fn outcome_line(what: &str, o: &TxOutcome) -> String {
    let Some((number, block, index)) = &o.block else {
        return format!("→ {what}: submitted as {}", short(&o.hash_hex()));
    };
    let place = format!("block #{number} ({}), extrinsic {index}", short(block));
    match &o.result {
        Ok(()) => {
            let events: Vec<String> = o
                .events
                .iter()
                .filter(|e| e.name != "TransactionFeePaid")
                .map(|e| format!("{}.{}", e.pallet, e.name))
                .collect();
            let mut line = format!("✓ {what}: included in {place}");
            if o.fee > 0 {
                line.push_str(&format!(
                    ", fee {}",
                    agora_sdk::chain::units::Amount::tao(o.fee)
                ));
            }
            if !events.is_empty() {
                line.push_str(&format!("; events: {}", events.join(", ")));
            }
            line
        }
        Err(f) => format!(
            "✗ {what}: failed in {place}: {} — {} (the fee and nonce are spent; nothing else changed)",
            f.error, f.explanation
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn tables_align() {
        let mut t = Table::new(&["uid", "hotkey", "stake"]).right(&[0, 2]);
        t.row(vec!["0".into(), "5Grw…utQY".into(), "τ1.0000".into()]);
        t.row(vec!["12".into(), "5Fh".into(), "τ100.5000".into()]);
        let s = t.render();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "uid  hotkey         stake");
        assert_eq!(lines[2], "  0  5Grw…utQY    τ1.0000");
        assert_eq!(lines[3], " 12  5Fh        τ100.5000");
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn shortening() {
        assert_eq!(short("0x0123456789abcdef0123"), "0x0123…0123");
        assert_eq!(short("abc"), "abc");
        assert_eq!(proportion(u16::MAX), "1.0000");
        assert_eq!(proportion(0), "0.0000");
    }

    #[test]
    fn confirmation_without_a_terminal_is_aborted() {
        // Test processes have no terminal on standard input.
        if std::io::stdin().is_terminal() {
            return;
        }
        let e = confirm("Transfer?", false).unwrap_err();
        assert_eq!(crate::exit::code_of(&e), Exit::Aborted);
        assert!(confirm("Transfer?", true).is_ok());
    }
}
