//! `agora sim`: run a scenario, or sweep it over its grid, and write the results.
//!
//! `run` writes `run.json`, `epochs.csv`, `groups.csv`, `teams.csv` and `report.html` into
//! the output directory; `sweep` writes `sweep.json`, `sweep.csv` and `report.html`. Every
//! file is written to a temporary name, synced and renamed, so an interrupted run never
//! leaves a truncated file under the final name. Progress goes to standard error (hidden
//! when it is not a terminal); a one-line summary goes to standard output.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use agora_sim::{Scenario, output, report, sweep};
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> anyhow::Result<Scenario> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Scenario::from_toml(&text).with_context(|| format!("in {}", path.display()))
}

/// Writes `contents` to `dir/name` atomically (temporary file, fsync, rename).
pub fn write_atomic(dir: &Path, name: &str, contents: &str) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
    }
    fs::rename(&tmp, &target)
        .with_context(|| format!("cannot move {} into place", target.display()))?;
    Ok(target)
}

fn bar(total: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(what.to_string());
    pb
}

/// `agora sim run`: runs `scenario` (ignoring any sweep) and writes the outputs to `out`.
pub fn run(scenario: &Scenario, out: &Path, mut stdout: impl Write) -> anyhow::Result<()> {
    let mut single = scenario.clone();
    single.sweep = None;
    let pb = bar(0, "blocks");
    let result = agora_sim::run_with_progress(&single, &mut |done, total| {
        pb.set_length(total.max(done));
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    write_atomic(out, "run.json", &output::json(&result))?;
    write_atomic(out, "epochs.csv", &output::epochs_csv(&result))?;
    write_atomic(out, "groups.csv", &output::groups_csv(&result))?;
    write_atomic(out, "teams.csv", &output::teams_csv(&result))?;
    let html = write_atomic(out, "report.html", &report::run_report(&result))?;
    for s in &result.summary.subnets {
        let rdr: Vec<String> = s
            .relative_dividend_rate
            .iter()
            .map(|(g, v)| format!("{g}={}", v.map_or("-".to_string(), |x| format!("{x:.3}"))))
            .collect();
        writeln!(
            stdout,
            "{}: {} epochs, incentive~quality {}, relative dividend rate {}",
            s.name,
            s.epochs,
            s.incentive_quality_pearson
                .map_or("-".to_string(), |x| format!("{x:.3}")),
            rdr.join(" ")
        )?;
    }
    writeln!(
        stdout,
        "{} blocks; report: {}",
        result.summary.blocks,
        html.display()
    )?;
    Ok(())
}

/// `agora sim sweep`: runs every grid point on `threads` threads and writes the outputs.
pub fn sweep(
    scenario: &Scenario,
    out: &Path,
    threads: usize,
    mut stdout: impl Write,
) -> anyhow::Result<()> {
    let points = sweep::expand(scenario)?;
    let pb = Mutex::new(bar(points.len() as u64, "runs"));
    let results = sweep::run_points(&points, threads, &|done, _| {
        if let Ok(pb) = pb.lock() {
            pb.set_position(done as u64);
        }
    })?;
    if let Ok(pb) = pb.lock() {
        pb.finish_and_clear();
    }
    write_atomic(out, "sweep.json", &serde_json::to_string_pretty(&results)?)?;
    write_atomic(out, "sweep.csv", &output::sweep_csv(&results))?;
    let html = write_atomic(
        out,
        "report.html",
        &report::sweep_report(scenario, &results),
    )?;
    writeln!(
        stdout,
        "{} runs on {threads} threads; report: {}",
        results.len(),
        html.display()
    )?;
    Ok(())
}

/// `agora sim check`: validates a scenario and prints what a run or sweep would do.
pub fn check(scenario: &Scenario, mut stdout: impl Write) -> anyhow::Result<()> {
    let points = sweep::expand(scenario)?;
    let agents: usize = scenario.subnets.iter().map(|s| s.agents()).sum();
    writeln!(
        stdout,
        "{}: {} subnet(s), {agents} uids, {} run(s) in the sweep",
        scenario.name,
        scenario.subnets.len(),
        points.len()
    )?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test: a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("agora-sim-cli-{}", std::process::id()));
        let p = write_atomic(&dir, "a.txt", "one").unwrap();
        write_atomic(&dir, "a.txt", "two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert!(!dir.join(".a.txt.tmp").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
