//! Parameter sweeps: a scenario's `[sweep]` grid, run in parallel.
//!
//! Each `[[sweep.axis]]` sets one path (or several, together) of the scenario to each of its
//! values; the grid is the Cartesian product of the axes, times `replicates` seeds (the
//! scenario seed, +1, +2, …). A path names keys and array indices from the scenario's root,
//! separated by dots: `subnet.0.commit_reveal`, `subnet.0.validators.1.stake`.
//!
//! Points are independent runs, handed to worker threads from a shared counter and stored
//! by index, so the results are the same for any number of threads.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::engine::{SimError, run};
use crate::metrics::RunSummary;
use crate::scenario::{Scenario, ScenarioError};

/// One run of a sweep.
#[derive(Clone, Debug)]
pub struct GridPoint {
    /// Index of the grid point (replicates share it).
    pub point: usize,
    /// Replicate number (0-based).
    pub replicate: u32,
    /// Axis labels and the values set, rendered as TOML.
    pub axes: Vec<(String, String)>,
    /// The scenario to run (sweep removed, seed set).
    pub scenario: Scenario,
}

/// The result of one run of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct PointResult {
    /// Grid point index.
    pub point: usize,
    /// Replicate.
    pub replicate: u32,
    /// Seed used.
    pub seed: u64,
    /// Axis labels and values.
    pub axes: Vec<(String, String)>,
    /// The run's summary.
    pub summary: RunSummary,
}

fn bad(path: &str, why: &str) -> ScenarioError {
    ScenarioError::Invalid {
        path: format!("sweep path {path:?}"),
        why: why.to_string(),
    }
}

/// Sets `path` in `root` to `value`.
pub fn set_path(
    root: &mut toml::Value,
    path: &str,
    value: toml::Value,
) -> Result<(), ScenarioError> {
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, init)) = parts.split_last() else {
        return Err(bad(path, "empty path"));
    };
    let mut node = root;
    for part in init {
        node = match node {
            toml::Value::Table(t) => t
                .get_mut(*part)
                .ok_or_else(|| bad(path, &format!("no key {part:?}")))?,
            toml::Value::Array(a) => {
                let i: usize = part
                    .parse()
                    .map_err(|_| bad(path, &format!("{part:?} is not an index")))?;
                let len = a.len();
                a.get_mut(i)
                    .ok_or_else(|| bad(path, &format!("index {i} out of {len}")))?
            }
            _ => return Err(bad(path, &format!("{part:?} is not a table or array"))),
        };
    }
    match node {
        toml::Value::Table(t) => {
            t.insert((*last).to_string(), value);
            Ok(())
        }
        toml::Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| bad(path, "last part is not an index"))?;
            let len = a.len();
            let slot = a
                .get_mut(i)
                .ok_or_else(|| bad(path, &format!("index {i} out of {len}")))?;
            *slot = value;
            Ok(())
        }
        _ => Err(bad(path, "parent is not a table or array")),
    }
}

/// Expands a scenario's sweep into its runs (a scenario without a sweep gives one run).
pub fn expand(scenario: &Scenario) -> Result<Vec<GridPoint>, ScenarioError> {
    scenario.validate()?;
    let mut base = scenario.clone();
    let sweep = base.sweep.take().unwrap_or_default();
    let base_value =
        toml::Value::try_from(&base).map_err(|e| ScenarioError::Parse(e.to_string()))?;
    let replicates = sweep.replicates.unwrap_or(1);
    let sizes: Vec<usize> = sweep.axes.iter().map(|a| a.values.len()).collect();
    let total: usize = sizes.iter().product();
    let mut out = Vec::with_capacity(total.saturating_mul(replicates as usize));
    for point in 0..total {
        // Mixed-radix digits: the last axis varies fastest.
        let mut digits = vec![0usize; sizes.len()];
        let mut rest = point;
        for (d, &n) in digits.iter_mut().zip(&sizes).rev() {
            *d = rest % n;
            rest /= n;
        }
        let mut value = base_value.clone();
        let mut axes = Vec::new();
        for (axis, &d) in sweep.axes.iter().zip(&digits) {
            let v = axis.values[d].clone();
            let paths = axis.all_paths();
            if paths.len() == 1 {
                set_path(&mut value, &paths[0], v.clone())?;
            } else {
                let arr = v.as_array().cloned().unwrap_or_default();
                for (p, x) in paths.iter().zip(arr) {
                    set_path(&mut value, p, x)?;
                }
            }
            axes.push((axis.label(), v.to_string()));
        }
        let s: Scenario = value
            .try_into()
            .map_err(|e: toml::de::Error| ScenarioError::Parse(e.to_string()))?;
        s.validate()?;
        for r in 0..replicates {
            let mut sr = s.clone();
            sr.seed = scenario.seed.wrapping_add(u64::from(r));
            out.push(GridPoint {
                point,
                replicate: r,
                axes: axes.clone(),
                scenario: sr,
            });
        }
    }
    Ok(out)
}

/// Runs every point on `threads` worker threads (at least 1), calling `progress(done,
/// total)` after each run. Results come back in grid order.
pub fn run_points(
    points: &[GridPoint],
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<PointResult>, SimError> {
    let total = points.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<PointResult, SimError>>>> =
        (0..total).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, total.max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = points.get(i) else { break };
                    let result = run(&p.scenario).map(|out| PointResult {
                        point: p.point,
                        replicate: p.replicate,
                        seed: p.scenario.seed,
                        axes: p.axes.clone(),
                        summary: out.summary,
                    });
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(d, total);
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}

/// Expands and runs a scenario's sweep.
pub fn run_sweep(
    scenario: &Scenario,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<PointResult>, SimError> {
    let points = expand(scenario)?;
    run_points(&points, threads, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
name = "t"
seed = 5
[duration]
epochs = 2
[[subnet]]
tempo = 10
commit_reveal = 0
weights_rate_limit = 0
[[subnet.miners]]
name = "m"
count = 3
[[subnet.validators]]
name = "v"
count = 2
[sweep]
replicates = 2
[[sweep.axis]]
path = "subnet.0.kappa"
values = [0.4, 0.6]
[[sweep.axis]]
name = "stakes"
paths = ["subnet.0.validators.0.stake", "subnet.0.miners.0.count"]
values = [[10.0, 4], [20.0, 5], [30.0, 6]]
"#;

    #[test]
    fn grid_is_the_product_times_replicates() {
        let s = Scenario::from_toml(BASE).unwrap();
        let pts = expand(&s).unwrap();
        assert_eq!(pts.len(), 2 * 3 * 2);
        let p = &pts[2 * 3]; // point 3: kappa 0.4, third pair; replicate 0
        assert_eq!(p.point, 3);
        assert_eq!(p.scenario.subnets[0].kappa, Some(0.6));
        assert_eq!(p.scenario.subnets[0].miners[0].count, 4);
        assert_eq!(pts[1].scenario.seed, 6);
        assert!(pts.iter().all(|p| p.scenario.sweep.is_none()));
        assert_eq!(
            pts[0].axes[1],
            ("stakes".to_string(), "[10.0, 4]".to_string())
        );
    }

    #[test]
    fn bad_paths_are_named() {
        let s = Scenario::from_toml(&BASE.replace("subnet.0.kappa", "subnet.3.kappa")).unwrap();
        let e = expand(&s).unwrap_err().to_string();
        assert!(e.contains("index 3 out of 1"), "{e}");
        let s = Scenario::from_toml(&BASE.replace("values = [0.4, 0.6]", "values = [0.4, 7.0]"))
            .unwrap();
        let e = expand(&s).unwrap_err().to_string();
        assert!(e.contains("kappa"), "{e}");
    }
}
