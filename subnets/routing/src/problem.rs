//! Routing problems: a depot, stops with demands, and optionally a vehicle capacity.
//!
//! * **TSP** (`capacity` absent): one vehicle leaves the depot, visits every stop once and
//!   returns; a solution is exactly one route. Demands are ignored.
//! * **CVRP** (`capacity` present): any number of vehicles of the same capacity; each route
//!   starts and ends at the depot and the demands on it sum to at most the capacity. The
//!   fleet size is not limited (the objective is total distance only).
//!
//! Stops are referred to by their index in `stops` (0-based). The depot is not a stop.
//!
//! # Invariants of a [`Problem`] that passed [`Problem::validate`]
//! 1 ≤ stops ≤ the caller's limit, every coordinate within `±COORD_MAX`, and in a CVRP a
//! capacity ≥ 1 with every demand ≤ capacity (so a feasible solution always exists).

use serde::{Deserialize, Serialize};

use crate::geometry::{COORD_MAX, Point, distance};

/// Most stops a problem may have anywhere in this subnet (tasks, synapses, gateway).
pub const MAX_STOPS: usize = 2_000;

/// A stop to visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    /// Horizontal coordinate.
    pub x: i64,
    /// Vertical coordinate.
    pub y: i64,
    /// Load picked up at this stop (CVRP); ignored by a TSP.
    #[serde(default)]
    pub demand: u32,
}

impl Stop {
    /// The stop's location.
    pub const fn point(&self) -> Point {
        Point::new(self.x, self.y)
    }
}

/// The two problem families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Travelling salesman: one closed route through the depot and every stop.
    Tsp,
    /// Capacitated vehicle routing: several depot-to-depot routes within a capacity.
    Cvrp,
}

/// A routing problem (TSP or CVRP, see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Where every route starts and ends.
    pub depot: Point,
    /// The stops, referred to by index.
    pub stops: Vec<Stop>,
    /// Vehicle capacity: present for a CVRP, absent for a TSP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
}

/// Why a problem is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProblemError {
    /// A problem needs at least one stop.
    #[error("the problem has no stops")]
    NoStops,
    /// More stops than the limit in force.
    #[error("too many stops: {got}, at most {max}")]
    TooManyStops {
        /// The limit.
        max: usize,
        /// The number given.
        got: usize,
    },
    /// A coordinate outside `±COORD_MAX`; `stop` is `None` for the depot.
    #[error("coordinate out of range at {}: ({x}, {y}), each must be within ±{COORD_MAX}", location(*stop))]
    CoordinateOutOfRange {
        /// The stop index, or `None` for the depot.
        stop: Option<usize>,
        /// Its x.
        x: i64,
        /// Its y.
        y: i64,
    },
    /// A CVRP with capacity zero.
    #[error("the vehicle capacity must be at least 1")]
    ZeroCapacity,
    /// A stop whose demand no vehicle can carry.
    #[error("stop {stop} has demand {demand}, more than the vehicle capacity {capacity}")]
    DemandExceedsCapacity {
        /// The stop index.
        stop: usize,
        /// Its demand.
        demand: u32,
        /// The capacity.
        capacity: u64,
    },
}

fn location(stop: Option<usize>) -> String {
    match stop {
        Some(i) => format!("stop {i}"),
        None => "the depot".to_owned(),
    }
}

impl Problem {
    /// TSP or CVRP.
    pub const fn kind(&self) -> Kind {
        match self.capacity {
            Some(_) => Kind::Cvrp,
            None => Kind::Tsp,
        }
    }

    /// Number of stops.
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    /// No stops (never true of a validated problem).
    pub fn is_empty(&self) -> bool {
        self.stops.is_empty()
    }

    /// Checks the invariants of the module docs with at most `max_stops` stops.
    pub fn validate(&self, max_stops: usize) -> Result<(), ProblemError> {
        if self.stops.is_empty() {
            return Err(ProblemError::NoStops);
        }
        if self.stops.len() > max_stops {
            return Err(ProblemError::TooManyStops {
                max: max_stops,
                got: self.stops.len(),
            });
        }
        if !self.depot.in_range() {
            return Err(ProblemError::CoordinateOutOfRange {
                stop: None,
                x: self.depot.x,
                y: self.depot.y,
            });
        }
        for (i, s) in self.stops.iter().enumerate() {
            if !s.point().in_range() {
                return Err(ProblemError::CoordinateOutOfRange {
                    stop: Some(i),
                    x: s.x,
                    y: s.y,
                });
            }
        }
        if let Some(capacity) = self.capacity {
            if capacity == 0 {
                return Err(ProblemError::ZeroCapacity);
            }
            if let Some((stop, s)) = self
                .stops
                .iter()
                .enumerate()
                .find(|(_, s)| u64::from(s.demand) > capacity)
            {
                return Err(ProblemError::DemandExceedsCapacity {
                    stop,
                    demand: s.demand,
                    capacity,
                });
            }
        }
        Ok(())
    }

    /// Cost of one depot-to-depot route through `route` (stop indices, assumed known).
    pub fn route_cost(&self, route: &[u32]) -> u64 {
        let mut prev = self.depot;
        let mut total = 0u64;
        for &s in route {
            let p = self.stops[s as usize].point();
            total += distance(prev, p);
            prev = p;
        }
        total + distance(prev, self.depot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(x: i64, y: i64, demand: u32) -> Stop {
        Stop { x, y, demand }
    }

    #[test]
    fn validation_errors() {
        let mut p = Problem {
            depot: Point::new(0, 0),
            stops: vec![],
            capacity: None,
        };
        assert_eq!(p.validate(10), Err(ProblemError::NoStops));
        p.stops = vec![stop(1, 1, 0); 11];
        assert_eq!(
            p.validate(10),
            Err(ProblemError::TooManyStops { max: 10, got: 11 })
        );
        p.stops = vec![stop(1, 1, 5), stop(COORD_MAX + 1, 0, 1)];
        assert_eq!(
            p.validate(10),
            Err(ProblemError::CoordinateOutOfRange {
                stop: Some(1),
                x: COORD_MAX + 1,
                y: 0
            })
        );
        p.stops[1].x = -COORD_MAX;
        assert_eq!(p.validate(10), Ok(()));
        p.depot.y = -COORD_MAX - 1;
        assert!(matches!(
            p.validate(10),
            Err(ProblemError::CoordinateOutOfRange { stop: None, .. })
        ));
        p.depot.y = 0;
        p.capacity = Some(0);
        assert_eq!(p.validate(10), Err(ProblemError::ZeroCapacity));
        p.capacity = Some(4);
        assert_eq!(
            p.validate(10),
            Err(ProblemError::DemandExceedsCapacity {
                stop: 0,
                demand: 5,
                capacity: 4
            })
        );
        p.capacity = Some(5);
        assert_eq!(p.validate(10), Ok(()));
        assert_eq!(p.kind(), Kind::Cvrp);
    }

    #[test]
    fn json_shape() {
        let p: Problem = serde_json::from_str(
            r#"{"depot":{"x":0,"y":0},"stops":[{"x":3,"y":4},{"x":3,"y":0,"demand":2}],"capacity":5}"#,
        )
        .unwrap();
        assert_eq!(p.stops[0].demand, 0);
        assert_eq!(p.route_cost(&[0, 1]), 5 + 4 + 3);
        assert!(
            serde_json::from_str::<Problem>(r#"{"depot":{"x":0,"y":0},"stops":[],"extra":1}"#)
                .is_err()
        );
    }
}
