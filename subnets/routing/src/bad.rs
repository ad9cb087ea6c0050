//! The two bad actors the issue asks for, to show the incentives punish them.
//!
//! * **lazy**: returns a trivial route at once — the stops in index order (a CVRP starts a
//!   new route whenever the next stop does not fit). Always valid, usually terrible.
//! * **faulty**: answers with an invalid solution (a duplicated, a dropped or an unknown stop,
//!   or a route over capacity) or stalls past the deadline, chosen by the seed.

use crate::problem::Problem;
use crate::rng::Rng;
use crate::solution::Solution;

/// The lazy miner's answer.
pub fn lazy(problem: &Problem) -> Solution {
    let mut routes: Vec<Vec<u32>> = Vec::new();
    let mut route = Vec::new();
    let mut load = 0u64;
    for (i, s) in problem.stops.iter().enumerate() {
        let demand = u64::from(s.demand);
        if let Some(capacity) = problem.capacity
            && load + demand > capacity
            && !route.is_empty()
        {
            routes.push(std::mem::take(&mut route));
            load = 0;
        }
        #[expect(clippy::cast_possible_truncation, reason = "stop counts fit u32")]
        route.push(i as u32);
        load += demand;
    }
    routes.push(route);
    Solution { routes }
}

/// What the faulty miner does with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Faulty {
    /// Answer with this invalid solution.
    Invalid(Solution),
    /// Do not answer before the deadline.
    Stall,
}

/// The faulty miner's behaviour for a valid `problem` and `seed`: one of five faults, each
/// with probability 1/5.
pub fn faulty(problem: &Problem, seed: u64) -> Faulty {
    let mut rng = Rng::new(seed);
    let mut s = lazy(problem);
    #[expect(clippy::cast_possible_truncation, reason = "stop counts fit u32")]
    let n = problem.stops.len() as u32;
    match rng.below(5) {
        0 => Faulty::Stall,
        1 => {
            // Visit a stop twice.
            let dup = s.routes[0][0];
            s.routes[0].push(dup);
            Faulty::Invalid(s)
        }
        2 => {
            // Drop a stop (and the route, if it was the only stop of a CVRP route).
            s.routes[0].remove(0);
            if s.routes[0].is_empty() && s.routes.len() > 1 {
                s.routes.remove(0);
            }
            Faulty::Invalid(s)
        }
        3 => {
            // An index past the last stop.
            s.routes[0].push(n);
            Faulty::Invalid(s)
        }
        _ => {
            // Everything on one route: over capacity for a CVRP whose demand needs more than
            // one vehicle; otherwise (a TSP, or a CVRP that fits in one) a stop is dropped.
            let mut all: Vec<u32> = (0..n).collect();
            let total: u64 = problem.stops.iter().map(|s| u64::from(s.demand)).sum();
            if problem.capacity.is_none_or(|c| total <= c) {
                all.pop();
            }
            Faulty::Invalid(Solution { routes: vec![all] })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Distribution, InstanceSpec, generate};
    use crate::problem::Kind;
    use crate::solution::verify;

    #[test]
    fn lazy_is_valid_and_faulty_never_is() {
        for kind in [Kind::Tsp, Kind::Cvrp] {
            for n in [1, 2, 20, 150] {
                let p = generate(
                    &InstanceSpec {
                        kind,
                        stops: n,
                        distribution: Distribution::Mixed,
                    },
                    &[3; 32],
                );
                assert!(verify(&p, &lazy(&p)).is_ok());
                let mut stalls = 0;
                for seed in 0..50 {
                    match faulty(&p, seed) {
                        Faulty::Stall => stalls += 1,
                        Faulty::Invalid(s) => {
                            assert!(verify(&p, &s).is_err(), "{kind:?} n={n} seed={seed}")
                        }
                    }
                }
                assert!((3..25).contains(&stalls), "{stalls}");
            }
        }
    }
}
