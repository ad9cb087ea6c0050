//! Prints each solver's cost and time on generated instances (exploration aid).
use agora_subnet_routing::generate::{Distribution, InstanceSpec, generate};
use agora_subnet_routing::problem::Kind;
use agora_subnet_routing::solution::verify;
use agora_subnet_routing::solve::{Budget, Solver, solve};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let ms: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    for kind in [Kind::Tsp, Kind::Cvrp] {
        for d in Distribution::ALL {
            let p = generate(
                &InstanceSpec {
                    kind,
                    stops: n,
                    distribution: d,
                },
                &[1; 32],
            );
            let mut line = format!("{kind:?} {d:?} n={n}:");
            for s in Solver::ALL {
                let t = Instant::now();
                let sol = solve(
                    &p,
                    s,
                    &Budget::until(Instant::now() + Duration::from_millis(ms)),
                    1,
                );
                let el = t.elapsed();
                let c = verify(&p, &sol).unwrap().cost;
                line += &format!(" {}={} ({:.1}ms)", s.name(), c, el.as_secs_f64() * 1e3);
            }
            println!("{line}");
        }
    }
}
