//! Solver benchmarks: solution quality (gap to the optimum or the best known cost) and time
//! per solver at several sizes.
//!
//! `cargo bench -p agora-subnet-routing --bench solvers` prints the quality table first
//! (fixed seeds; the strong solver on a time budget), then criterion's timings.
//! `ROUTING_QUALITY=0` skips the table (about three minutes).

use std::hint::black_box;
use std::time::{Duration, Instant};

use agora_subnet_routing::exact::optimum;
use agora_subnet_routing::generate::{Distribution, InstanceSpec, generate};
use agora_subnet_routing::problem::{Kind, Problem};
use agora_subnet_routing::solution::verify;
use agora_subnet_routing::solve::{Budget, Solver, solve};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [u32; 4] = [12, 100, 500, 2000];
const SEEDS: [u8; 3] = [1, 2, 3]; // times below divide by 3
/// The strong solver's time budget in the quality table (a miner's typical 2 s request minus
/// its margin, rounded).
const STRONG_MS: u64 = 1_500;

fn instance(kind: Kind, n: u32, seed: u8) -> Problem {
    let distribution = Distribution::ALL[usize::from(seed) % 3];
    generate(
        &InstanceSpec {
            kind,
            stops: n,
            distribution,
        },
        &[seed; 32],
    )
}

fn cost(p: &Problem, s: Solver, budget: &Budget) -> (u64, Duration) {
    let t = Instant::now();
    let sol = solve(p, s, budget, 7);
    let el = t.elapsed();
    (
        verify(p, &sol)
            .expect("solvers return valid solutions")
            .cost,
        el,
    )
}

fn quality_table() {
    println!("\n## Solution quality: mean gap to the reference cost (and mean time)\n");
    println!(
        "Reference: the exact optimum at 12 stops; elsewhere the best cost found by any solver, including a strong run with 4x the budget."
    );
    println!(
        "Strong solver budget: {STRONG_MS} ms. Instances: seeds {SEEDS:?} (uniform, clustered, mixed).\n"
    );
    println!("| kind | stops | nearest-neighbour | two-opt | or-opt | strong ({STRONG_MS} ms) |");
    println!("|---|---|---|---|---|---|");
    for kind in [Kind::Tsp, Kind::Cvrp] {
        for n in SIZES {
            let mut gaps = [0f64; 4];
            let mut times = [Duration::ZERO; 4];
            for seed in SEEDS {
                let p = instance(kind, n, seed);
                let budget = Budget::until(Instant::now() + Duration::from_millis(STRONG_MS));
                let results: Vec<(u64, Duration)> = Solver::ALL
                    .iter()
                    .map(|&s| {
                        let b = if s == Solver::Strong {
                            Budget::until(Instant::now() + Duration::from_millis(STRONG_MS))
                        } else {
                            budget
                        };
                        cost(&p, s, &b)
                    })
                    .collect();
                let reference = if n <= 12 {
                    optimum(&p).expect("small").cost
                } else {
                    let long = cost(
                        &p,
                        Solver::Strong,
                        &Budget::until(Instant::now() + Duration::from_millis(4 * STRONG_MS)),
                    )
                    .0;
                    results.iter().map(|r| r.0).min().unwrap_or(long).min(long)
                };
                for (i, (c, t)) in results.iter().enumerate() {
                    gaps[i] += (*c as f64 / reference as f64 - 1.0) * 100.0 / SEEDS.len() as f64;
                    times[i] += *t / 3;
                }
            }
            let cell =
                |i: usize| format!("{:.2}% ({:.1} ms)", gaps[i], times[i].as_secs_f64() * 1e3);
            println!(
                "| {kind:?} | {n} | {} | {} | {} | {} |",
                cell(0),
                cell(1),
                cell(2),
                cell(3)
            );
        }
    }
    println!();
}

fn bench(c: &mut Criterion) {
    if std::env::var("ROUTING_QUALITY").as_deref() != Ok("0") {
        quality_table();
    }
    let mut g = c.benchmark_group("solve");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for kind in [Kind::Tsp, Kind::Cvrp] {
        for n in [100u32, 500, 2000] {
            let p = instance(kind, n, 2);
            for s in [Solver::NearestNeighbour, Solver::TwoOpt, Solver::OrOpt] {
                g.bench_with_input(
                    BenchmarkId::new(format!("{kind:?}/{}", s.name()), n),
                    &p,
                    |b, p| {
                        b.iter(|| black_box(solve(p, s, &Budget::iterations(0), 0)));
                    },
                );
            }
            // The strong solver is budget-bound; this measures 200 of its iterations (plus
            // the or-opt start).
            g.bench_with_input(
                BenchmarkId::new(format!("{kind:?}/strong-200-iterations"), n),
                &p,
                |b, p| {
                    b.iter(|| black_box(solve(p, Solver::Strong, &Budget::iterations(200), 0)));
                },
            );
        }
    }
    g.finish();
    let mut v = c.benchmark_group("verify");
    for n in [100u32, 2000] {
        let p = instance(Kind::Cvrp, n, 1);
        let sol = solve(&p, Solver::OrOpt, &Budget::iterations(0), 0);
        v.bench_with_input(BenchmarkId::from_parameter(n), &(p, sol), |b, (p, s)| {
            b.iter(|| black_box(verify(p, s)));
        });
    }
    v.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
