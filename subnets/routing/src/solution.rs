//! Solutions and the verifier: the exact, cheap check every validator and the gateway run on
//! every answer before it counts.
//!
//! A solution lists routes; each route is the sequence of stop indices a vehicle visits
//! between leaving and returning to the depot (the depot itself is not written). The verifier
//! accepts a solution iff it is well formed for the problem's kind (TSP: exactly one route;
//! CVRP: at least one route, none empty), every index is a known stop, every stop appears
//! exactly once, and (CVRP) every route's demand is within the capacity. It then returns the
//! exact cost (see [`crate::geometry`]).
//!
//! Checks run in a fixed order — route count, then each route in order (empty, unknown stop,
//! duplicate), then missing stops, then capacity — so the error for a given input is
//! deterministic.

use serde::{Deserialize, Serialize};

use crate::problem::{Kind, Problem};

/// Routes as stop indices (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    /// One entry per vehicle.
    pub routes: Vec<Vec<u32>>,
}

/// A solution the verifier accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Total cost (sum of the routes' costs).
    pub cost: u64,
    /// The load of each route (sum of its demands; zeros for a TSP).
    pub loads: Vec<u64>,
}

/// Why a solution is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A TSP solution must have exactly one route.
    #[error("a TSP solution has exactly one route, got {got}")]
    NotOneRoute {
        /// The number of routes given.
        got: usize,
    },
    /// A CVRP solution must have at least one route.
    #[error("the solution has no routes")]
    NoRoutes,
    /// A route that visits nothing.
    #[error("route {route} is empty")]
    EmptyRoute {
        /// The route index.
        route: usize,
    },
    /// An index that is not a stop of the problem.
    #[error(
        "route {route} position {position}: unknown stop {stop} (the problem has {stops} stops)"
    )]
    UnknownStop {
        /// The route index.
        route: usize,
        /// The position in the route.
        position: usize,
        /// The index given.
        stop: u32,
        /// The number of stops.
        stops: usize,
    },
    /// A stop visited twice.
    #[error(
        "stop {stop} is visited twice: route {first_route} and route {route} position {position}"
    )]
    DuplicateStop {
        /// The stop index.
        stop: u32,
        /// The route of its first visit.
        first_route: usize,
        /// The route of the second visit.
        route: usize,
        /// The position of the second visit.
        position: usize,
    },
    /// A stop no route visits (the lowest such index).
    #[error("stop {stop} is not visited ({missing} stops missing)")]
    MissingStop {
        /// The lowest missing stop index.
        stop: u32,
        /// How many stops are missing.
        missing: usize,
    },
    /// A route carrying more than the vehicle capacity.
    #[error("route {route} carries {load}, more than the capacity {capacity}")]
    CapacityExceeded {
        /// The route index.
        route: usize,
        /// Its load.
        load: u64,
        /// The capacity.
        capacity: u64,
    },
}

/// Verifies `solution` for `problem` (see the module docs); `problem` must be valid.
pub fn verify(problem: &Problem, solution: &Solution) -> Result<Verified, VerifyError> {
    let n = problem.stops.len();
    match problem.kind() {
        Kind::Tsp if solution.routes.len() != 1 => {
            return Err(VerifyError::NotOneRoute {
                got: solution.routes.len(),
            });
        }
        Kind::Cvrp if solution.routes.is_empty() => return Err(VerifyError::NoRoutes),
        _ => {}
    }
    // seen[s] = route index + 1 of the first visit.
    let mut seen = vec![0usize; n];
    for (r, route) in solution.routes.iter().enumerate() {
        if route.is_empty() {
            return Err(VerifyError::EmptyRoute { route: r });
        }
        for (position, &stop) in route.iter().enumerate() {
            let Some(slot) = seen.get_mut(stop as usize) else {
                return Err(VerifyError::UnknownStop {
                    route: r,
                    position,
                    stop,
                    stops: n,
                });
            };
            if *slot != 0 {
                return Err(VerifyError::DuplicateStop {
                    stop,
                    first_route: *slot - 1,
                    route: r,
                    position,
                });
            }
            *slot = r + 1;
        }
    }
    let missing = seen.iter().filter(|&&s| s == 0).count();
    if let Some(stop) = seen.iter().position(|&s| s == 0) {
        return Err(VerifyError::MissingStop {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "stop counts are bounded by MAX_STOPS"
            )]
            stop: stop as u32,
            missing,
        });
    }
    let mut loads = Vec::with_capacity(solution.routes.len());
    for (r, route) in solution.routes.iter().enumerate() {
        let load = match problem.capacity {
            Some(capacity) => {
                let load: u64 = route
                    .iter()
                    .map(|&s| u64::from(problem.stops[s as usize].demand))
                    .sum();
                if load > capacity {
                    return Err(VerifyError::CapacityExceeded {
                        route: r,
                        load,
                        capacity,
                    });
                }
                load
            }
            None => 0,
        };
        loads.push(load);
    }
    let cost = solution.routes.iter().map(|r| problem.route_cost(r)).sum();
    Ok(Verified { cost, loads })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;
    use crate::problem::Stop;

    /// Four stops on the corners of a 3-4-5 box, depot at the origin.
    fn problem(capacity: Option<u64>) -> Problem {
        let s = |x, y, demand| Stop { x, y, demand };
        Problem {
            depot: Point::new(0, 0),
            stops: vec![s(3, 0, 2), s(3, 4, 3), s(0, 4, 2), s(6, 0, 1)],
            capacity,
        }
    }

    fn sol(routes: &[&[u32]]) -> Solution {
        Solution {
            routes: routes.iter().map(|r| r.to_vec()).collect(),
        }
    }

    #[test]
    fn valid_tsp_with_exact_cost() {
        // 0 -> (3,0) -> (6,0) -> (3,4) -> (0,4) -> 0 = 3 + 3 + 5 + 3 + 4
        let v = verify(&problem(None), &sol(&[&[0, 3, 1, 2]])).unwrap();
        assert_eq!(v.cost, 18);
        assert_eq!(v.loads, vec![0]);
    }

    #[test]
    fn valid_cvrp_with_loads() {
        let v = verify(&problem(Some(5)), &sol(&[&[0, 3], &[1, 2]])).unwrap();
        // (3 + 3 + 6) + (5 + 3 + 4)
        assert_eq!(v.cost, 24);
        assert_eq!(v.loads, vec![3, 5]);
    }

    #[test]
    fn duplicate_stop() {
        assert_eq!(
            verify(&problem(None), &sol(&[&[0, 3, 1, 3, 2]])),
            Err(VerifyError::DuplicateStop {
                stop: 3,
                first_route: 0,
                route: 0,
                position: 3
            })
        );
        assert_eq!(
            verify(&problem(Some(10)), &sol(&[&[0, 1], &[2, 3, 0]])),
            Err(VerifyError::DuplicateStop {
                stop: 0,
                first_route: 0,
                route: 1,
                position: 2
            })
        );
    }

    #[test]
    fn missing_stop() {
        assert_eq!(
            verify(&problem(None), &sol(&[&[0, 2]])),
            Err(VerifyError::MissingStop {
                stop: 1,
                missing: 2
            })
        );
    }

    #[test]
    fn unknown_stop() {
        assert_eq!(
            verify(&problem(None), &sol(&[&[0, 1, 2, 3, 4]])),
            Err(VerifyError::UnknownStop {
                route: 0,
                position: 4,
                stop: 4,
                stops: 4
            })
        );
        assert!(matches!(
            verify(&problem(Some(9)), &sol(&[&[u32::MAX]])),
            Err(VerifyError::UnknownStop { stop: u32::MAX, .. })
        ));
    }

    #[test]
    fn capacity_exceeded() {
        // Loads 2 + 3 = 5 and 2 + 1 = 3 against a capacity of 4.
        assert_eq!(
            verify(&problem(Some(4)), &sol(&[&[0, 1], &[2, 3]])),
            Err(VerifyError::CapacityExceeded {
                route: 0,
                load: 5,
                capacity: 4
            })
        );
        // Exactly at capacity is fine.
        assert!(verify(&problem(Some(5)), &sol(&[&[0, 1], &[2, 3]])).is_ok());
        // A TSP ignores demands.
        assert!(verify(&problem(None), &sol(&[&[0, 1, 2, 3]])).is_ok());
    }

    #[test]
    fn malformed_routes() {
        assert_eq!(
            verify(&problem(None), &sol(&[&[0, 1], &[2, 3]])),
            Err(VerifyError::NotOneRoute { got: 2 })
        );
        assert_eq!(
            verify(&problem(None), &sol(&[])),
            Err(VerifyError::NotOneRoute { got: 0 })
        );
        assert_eq!(
            verify(&problem(Some(9)), &sol(&[])),
            Err(VerifyError::NoRoutes)
        );
        assert_eq!(
            verify(&problem(Some(9)), &sol(&[&[0, 1, 2, 3], &[]])),
            Err(VerifyError::EmptyRoute { route: 1 })
        );
    }
}
