//! Solvers of genuinely different quality, for miners to choose from (and for validators'
//! baselines).
//!
//! | solver | construction | improvement | typical gap |
//! |---|---|---|---|
//! | `nearest-neighbour` | nearest neighbour | none | ~25% |
//! | `two-opt` | Clarke–Wright savings | 2-opt (+ 2-opt\* between routes) to a local optimum | see BENCHMARKS.md |
//! | `or-opt` | as `two-opt` | 2-opt, 2-opt\*, Or-opt (chains of 1–3), swap to a local optimum | |
//! | `strong` | as `or-opt` | then iterated local search with ruin and recreate until the budget ends | |
//!
//! Every solver returns a valid solution of a valid problem, always: construction is never
//! interrupted, and improvement only ever replaces a valid solution by a cheaper valid one.
//! All searches use neighbour lists (10 nearest stops), so they scale to 2,000 stops.
//!
//! **Budgets.** A [`Budget`] caps the strong solver's iterations and, optionally, sets a
//! deadline for every solver's improvement phase (the time a request allows, minus the
//! network margin the miner keeps). With only an iteration cap the result is a pure
//! function of `(problem, solver, budget, seed)` — that is what the tests use. The deadline
//! is the library's only clock read.

mod construct;
mod ils;
mod inst;
mod local;
mod routes;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::problem::Problem;
use crate::rng::Rng;
use crate::solution::Solution;

use inst::{Inst, Neighbours};
use local::{Moves, Queue};
use routes::Routes;

/// Neighbour-list length used by every search.
const NEIGHBOURS: usize = 10;

/// The honest solvers (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Solver {
    /// Nearest neighbour construction only.
    NearestNeighbour,
    /// Savings + 2-opt.
    TwoOpt,
    /// Savings + 2-opt + Or-opt + swap.
    OrOpt,
    /// Or-opt's local optimum, then ruin-and-recreate iterated local search.
    Strong,
}

impl Solver {
    /// Every solver, weakest first.
    pub const ALL: [Self; 4] = [
        Self::NearestNeighbour,
        Self::TwoOpt,
        Self::OrOpt,
        Self::Strong,
    ];

    /// The flag spelling (`nearest-neighbour`, `two-opt`, `or-opt`, `strong`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::NearestNeighbour => "nearest-neighbour",
            Self::TwoOpt => "two-opt",
            Self::OrOpt => "or-opt",
            Self::Strong => "strong",
        }
    }
}

/// How long a solver may improve (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Most ruin-and-recreate iterations of the strong solver.
    pub iterations: u64,
    /// Stop improving at this instant.
    pub deadline: Option<Instant>,
}

impl Budget {
    /// A deterministic budget of `iterations` strong-solver iterations, no deadline.
    pub const fn iterations(iterations: u64) -> Self {
        Self {
            iterations,
            deadline: None,
        }
    }

    /// Improve until `deadline` (no iteration cap).
    pub const fn until(deadline: Instant) -> Self {
        Self {
            iterations: u64::MAX,
            deadline: Some(deadline),
        }
    }

    fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Solves a valid `problem` (see [`Problem::validate`]) with `solver`. `seed` drives the
/// strong solver's randomisation.
pub fn solve(problem: &Problem, solver: Solver, budget: &Budget, seed: u64) -> Solution {
    let inst = Inst::new(problem);
    if inst.n == 0 {
        return Solution {
            routes: vec![Vec::new()],
        };
    }
    let nearest = Neighbours::new(&inst, NEIGHBOURS);
    let initial = match solver {
        Solver::NearestNeighbour => construct::nearest_neighbour(&inst, &nearest),
        _ => construct::savings(&inst, &nearest),
    };
    let mut st = Routes::new(&inst, initial);
    if solver == Solver::NearestNeighbour {
        return st.into_solution();
    }
    // Savings merges along nearest pairs; the searches also use quadrant neighbours.
    drop(nearest);
    let nb = Neighbours::with_quadrants(&inst, NEIGHBOURS);
    let moves = match solver {
        Solver::TwoOpt => Moves {
            two_opt: true,
            or_opt: false,
            swap: false,
        },
        _ => Moves {
            two_opt: true,
            or_opt: true,
            swap: true,
        },
    };
    let mut queue = Queue::new(inst.n);
    #[expect(clippy::cast_possible_truncation, reason = "node ids fit u32")]
    for v in 1..=inst.n as u32 {
        queue.push(v);
    }
    let mut stop = || budget.expired();
    let finished = local::search(&inst, &nb, &mut st, moves, &mut queue, &mut stop);
    if solver == Solver::Strong && finished {
        return strong(&inst, &nb, st, &mut queue, budget, seed);
    }
    st.into_solution()
}

/// The strong solver's iterated local search (see [`ils`]) with simulated-annealing
/// acceptance: an iteration may worsen the current solution by up to `−T·ln U`, `U` uniform
/// in (0, 1], with `T` cooling exponentially from [`START_TEMPERATURE`] to
/// [`END_TEMPERATURE`] average edge costs as the budget (iterations or time, whichever is
/// further along) runs out. The best solution seen is returned. (Floating point is fine
/// here: a solver's output is checked, not reproduced, and under an iteration budget it is
/// still deterministic on a given platform.)
fn strong(
    inst: &Inst,
    nb: &Neighbours,
    mut st: Routes,
    queue: &mut Queue,
    budget: &Budget,
    seed: u64,
) -> Solution {
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut best = (st.cost, st.routes.clone());
    #[expect(clippy::cast_precision_loss, reason = "a temperature scale")]
    let average_edge = st.cost as f64 / (inst.n + st.routes.len()) as f64;
    let (t_start, t_end) = (
        average_edge * START_TEMPERATURE,
        average_edge * END_TEMPERATURE,
    );
    let mut stop = || budget.expired();
    let mut iterations = 0u64;
    while iterations < budget.iterations && !budget.expired() {
        #[expect(clippy::cast_precision_loss, reason = "a fraction")]
        let by_count = if budget.iterations == u64::MAX {
            0.0
        } else {
            iterations as f64 / budget.iterations as f64
        };
        let by_time = budget.deadline.map_or(0.0, |d| {
            let total = d.saturating_duration_since(started).as_secs_f64();
            if total > 0.0 {
                started.elapsed().as_secs_f64() / total
            } else {
                1.0
            }
        });
        let progress = by_count.max(by_time).min(1.0);
        let temperature = t_start * (t_end / t_start).powf(progress);
        // Simulated-annealing acceptance: worsen by at most T * -ln(U), U uniform in (0, 1].
        #[expect(clippy::cast_precision_loss, reason = "53 random bits")]
        let u = ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a small non-negative allowance"
        )]
        let allowance = (-temperature * u.ln()) as i64;
        ils::iterate(inst, nb, &mut st, &mut rng, queue, allowance, &mut stop);
        debug_assert!(st.consistent(inst), "solver state diverged");
        if st.cost < best.0 {
            best = (st.cost, st.routes.clone());
        }
        iterations += 1;
        if iterations.is_multiple_of(512) {
            st.compact();
        }
    }
    Routes::new(inst, best.1).into_solution()
}

/// Starting temperature of the strong solver, in average edge costs.
const START_TEMPERATURE: f64 = 0.3;
/// Final temperature of the strong solver, in average edge costs.
const END_TEMPERATURE: f64 = 0.003;

#[cfg(test)]
mod tests;
