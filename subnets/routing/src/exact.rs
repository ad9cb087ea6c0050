//! Exact optima for small instances, the yardstick for the heuristics' tests and benchmarks.
//!
//! * TSP: Held–Karp dynamic programming over subsets, `O(2ⁿ·n²)`, for up to
//!   [`MAX_EXACT_STOPS`] stops.
//! * CVRP: Held–Karp gives the cheapest route through every subset at once; a second dynamic
//!   programme partitions the stops into capacity-feasible subsets of least total cost
//!   (`O(3ⁿ)`, each partition counted once by fixing the lowest stop's subset).
//!
//! Both use the exact cost function, so a heuristic can never beat them, and their solutions
//! pass the verifier.

use crate::geometry::distance;
use crate::problem::Problem;
use crate::solution::Solution;

/// Largest instance solved exactly (13 nodes with the depot).
pub const MAX_EXACT_STOPS: usize = 12;

/// An optimal solution and its cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Optimum {
    /// The optimal cost.
    pub cost: u64,
    /// A solution with that cost.
    pub solution: Solution,
}

/// The instance is too large for exact solving.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("exact solving supports at most {MAX_EXACT_STOPS} stops, got {0}")]
pub struct TooLarge(pub usize);

const INF: u64 = u64::MAX / 4;

/// Held–Karp table: `dp[mask * n + j]` = cheapest path from the depot through exactly the
/// stops of `mask`, ending at stop `j ∈ mask`, and the predecessor for reconstruction.
struct HeldKarp {
    n: usize,
    dp: Vec<u64>,
    parent: Vec<u8>,
    back: Vec<u64>,
}

impl HeldKarp {
    fn new(problem: &Problem) -> Self {
        let n = problem.stops.len();
        let pts: Vec<_> = problem.stops.iter().map(|s| s.point()).collect();
        let d = |a: usize, b: usize| distance(pts[a], pts[b]);
        let full = 1usize << n;
        let mut dp = vec![INF; full * n];
        let mut parent = vec![u8::MAX; full * n];
        for j in 0..n {
            dp[(1 << j) * n + j] = distance(problem.depot, pts[j]);
        }
        for mask in 1..full {
            for j in 0..n {
                let cur = dp[mask * n + j];
                if mask & (1 << j) == 0 || cur >= INF {
                    continue;
                }
                for k in 0..n {
                    if mask & (1 << k) != 0 {
                        continue;
                    }
                    let next = mask | (1 << k);
                    let cand = cur + d(j, k);
                    if cand < dp[next * n + k] {
                        dp[next * n + k] = cand;
                        #[expect(clippy::cast_possible_truncation, reason = "j < 12")]
                        let pj = j as u8;
                        parent[next * n + k] = pj;
                    }
                }
            }
        }
        let back = pts.iter().map(|&p| distance(p, problem.depot)).collect();
        Self {
            n,
            dp,
            parent,
            back,
        }
    }

    /// Cheapest closed route through exactly `mask`, and its last stop.
    fn closed(&self, mask: usize) -> (u64, usize) {
        (0..self.n)
            .filter(|&j| mask & (1 << j) != 0)
            .map(|j| (self.dp[mask * self.n + j] + self.back[j], j))
            .min()
            .unwrap_or((0, 0))
    }

    fn route(&self, mut mask: usize, mut last: usize) -> Vec<u32> {
        let mut out = Vec::new();
        while mask != 0 {
            #[expect(clippy::cast_possible_truncation, reason = "last < 12")]
            out.push(last as u32);
            let p = self.parent[mask * self.n + last];
            mask &= !(1 << last);
            last = usize::from(p);
        }
        out.reverse();
        out
    }
}

/// The optimum of a valid problem with at most [`MAX_EXACT_STOPS`] stops.
pub fn optimum(problem: &Problem) -> Result<Optimum, TooLarge> {
    let n = problem.stops.len();
    if n > MAX_EXACT_STOPS {
        return Err(TooLarge(n));
    }
    if n == 0 {
        return Ok(Optimum {
            cost: 0,
            solution: Solution::default(),
        });
    }
    let hk = HeldKarp::new(problem);
    let full = (1usize << n) - 1;
    let Some(capacity) = problem.capacity else {
        let (cost, last) = hk.closed(full);
        return Ok(Optimum {
            cost,
            solution: Solution {
                routes: vec![hk.route(full, last)],
            },
        });
    };
    // Route cost of every feasible subset.
    let demand: Vec<u64> = problem.stops.iter().map(|s| u64::from(s.demand)).collect();
    let mut route_cost = vec![INF; full + 1];
    for (mask, slot) in route_cost.iter_mut().enumerate().skip(1) {
        let load: u64 = (0..n)
            .filter(|&j| mask & (1 << j) != 0)
            .map(|j| demand[j])
            .sum();
        if load <= capacity {
            *slot = hk.closed(mask).0;
        }
    }
    // best[S] = min over T ⊆ S containing S's lowest stop of route_cost[T] + best[S \ T].
    let mut best = vec![INF; full + 1];
    let mut choice = vec![0usize; full + 1];
    best[0] = 0;
    for s in 1..=full {
        let low = s & s.wrapping_neg();
        let rest = s & !low;
        // Enumerate subsets of `rest`, each joined with `low`.
        let mut sub = rest;
        loop {
            let t = sub | low;
            let c = route_cost[t];
            if c < INF {
                let total = c + best[s & !t];
                if total < best[s] {
                    best[s] = total;
                    choice[s] = t;
                }
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
    }
    let mut routes = Vec::new();
    let mut s = full;
    while s != 0 {
        let t = choice[s];
        let (_, last) = hk.closed(t);
        routes.push(hk.route(t, last));
        s &= !t;
    }
    Ok(Optimum {
        cost: best[full],
        solution: Solution { routes },
    })
}
