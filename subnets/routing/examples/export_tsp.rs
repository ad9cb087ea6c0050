//! Exports generated TSP instances with each solver's cost as JSON, for an independent
//! cross-check of the gaps against LKH-3 (`tools/lkh_gap.py`; see BENCHMARKS.md).
//!
//! `cargo run --release -p agora-subnet-routing --example export_tsp -- STOPS STRONG_MS`

use std::time::{Duration, Instant};

use agora_subnet_routing::generate::{Distribution, InstanceSpec, generate};
use agora_subnet_routing::problem::Kind;
use agora_subnet_routing::solution::verify;
use agora_subnet_routing::solve::{Budget, Solver, solve};
use anyhow::{Context, Result};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let stops: u32 = args.next().context("STOPS")?.parse()?;
    let ms: u64 = args.next().context("STRONG_MS")?.parse()?;
    let mut out = Vec::new();
    for seed in [1u8, 2, 3] {
        let distribution = Distribution::ALL[usize::from(seed) % 3];
        let p = generate(
            &InstanceSpec {
                kind: Kind::Tsp,
                stops,
                distribution,
            },
            &[seed; 32],
        );
        let mut costs = Vec::new();
        for s in Solver::ALL {
            let budget = Budget::until(Instant::now() + Duration::from_millis(ms));
            let sol = solve(&p, s, &budget, 7);
            costs.push(verify(&p, &sol)?.cost);
        }
        out.push(serde_json::json!({
            "seed": seed,
            "distribution": distribution,
            "solvers": Solver::ALL.iter().map(|s| s.name()).collect::<Vec<_>>(),
            "costs": costs,
            "problem": p,
        }));
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
