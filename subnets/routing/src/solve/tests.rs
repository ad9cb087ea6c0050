use super::*;
use crate::exact::optimum;
use crate::generate::{Distribution, InstanceSpec, generate};
use crate::problem::Kind;
use crate::solution::verify;
use proptest::prelude::*;

fn instance(kind: Kind, stops: u32, distribution: Distribution, seed: u8) -> Problem {
    generate(
        &InstanceSpec {
            kind,
            stops,
            distribution,
        },
        &[seed; 32],
    )
}

fn cost(p: &Problem, s: Solver, iterations: u64, seed: u64) -> u64 {
    let sol = solve(p, s, &Budget::iterations(iterations), seed);
    match verify(p, &sol) {
        Ok(v) => v.cost,
        Err(e) => panic!("{} produced an invalid solution: {e}", s.name()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every solver's answer is valid and never better than the exact optimum.
    #[test]
    fn solvers_valid_and_never_below_optimum(
        seed in any::<u8>(),
        n in 1u32..=12,
        cvrp in any::<bool>(),
        d in 0usize..3,
    ) {
        let kind = if cvrp { Kind::Cvrp } else { Kind::Tsp };
        let p = instance(kind, n, Distribution::ALL[d], seed);
        let opt = optimum(&p).unwrap();
        prop_assert_eq!(verify(&p, &opt.solution).unwrap().cost, opt.cost);
        for s in Solver::ALL {
            let c = cost(&p, s, 30, u64::from(seed));
            prop_assert!(c >= opt.cost, "{} {} < optimum {}", s.name(), c, opt.cost);
        }
    }

    /// Larger instances: every solver's answer is valid.
    #[test]
    fn solvers_valid_on_task_sizes(seed in any::<u8>(), n in 20u32..=120, cvrp in any::<bool>(), d in 0usize..3) {
        let kind = if cvrp { Kind::Cvrp } else { Kind::Tsp };
        let p = instance(kind, n, Distribution::ALL[d], seed);
        for s in Solver::ALL {
            cost(&p, s, 20, u64::from(seed));
        }
    }
}

#[test]
fn exact_at_twelve_stops_and_strong_finds_it() {
    for kind in [Kind::Tsp, Kind::Cvrp] {
        let p = instance(kind, 12, Distribution::Uniform, 5);
        let opt = optimum(&p).unwrap();
        let strong = cost(&p, Solver::Strong, 300, 1);
        assert!(strong >= opt.cost);
        // Ruin and recreate on 12 stops reaches the optimum or within 2% of it.
        assert!(
            strong * 100 <= opt.cost * 102,
            "{kind:?}: {strong} vs {}",
            opt.cost
        );
    }
    assert!(optimum(&instance(Kind::Tsp, 13, Distribution::Uniform, 5)).is_err());
}

#[test]
fn deterministic_under_an_iteration_budget() {
    let p = instance(Kind::Cvrp, 150, Distribution::Clustered, 9);
    let a = solve(&p, Solver::Strong, &Budget::iterations(200), 4);
    assert_eq!(a, solve(&p, Solver::Strong, &Budget::iterations(200), 4));
}

#[test]
fn a_passed_deadline_still_gives_a_valid_solution() {
    let p = instance(Kind::Tsp, 300, Distribution::Mixed, 2);
    let past = Budget::until(Instant::now());
    for s in Solver::ALL {
        assert!(verify(&p, &solve(&p, s, &past, 0)).is_ok());
    }
}

/// Quality ordering on fixed seeds: summed over instances, strong ≤ or-opt ≤ two-opt < NN.
#[test]
fn quality_ordering() {
    for kind in [Kind::Tsp, Kind::Cvrp] {
        let mut totals = [0u64; 4];
        for seed in 0..4u8 {
            let p = instance(kind, 150, Distribution::ALL[usize::from(seed % 3)], seed);
            for (i, s) in Solver::ALL.iter().enumerate() {
                totals[i] += cost(&p, *s, 200, u64::from(seed));
            }
        }
        let [nn, two, or, strong] = totals;
        assert!(
            strong <= or && or <= two && two < nn,
            "{kind:?}: {totals:?}"
        );
        // The gaps are substantial, not noise.
        assert!(two * 100 < nn * 95, "{kind:?}: {totals:?}");
        assert!(strong * 1000 < two * 990, "{kind:?}: {totals:?}");
    }
}
