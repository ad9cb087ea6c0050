//! Deterministic instance generation from a secret seed.
//!
//! A validator draws a fresh 32-byte seed per round (from its secret, see
//! [`crate::validator`]); [`plan`] turns it into an [`InstanceSpec`] (kind, size,
//! distribution) within the validator's [`TaskConfig`], and [`generate`] turns spec and seed
//! into the [`Problem`] every miner of that round receives. The same inputs give the same
//! problem on every platform ([`crate::rng`] is defined here, coordinates are integers).
//!
//! Coordinates lie on a `GRID × GRID` square (10⁶). Distributions follow the families of
//! Uchoa et al. (2017) for CVRP benchmarks:
//! * **uniform**: stops uniform on the square;
//! * **clustered**: 3–8 centres uniform on the inner 80% of the square, each stop a centre
//!   plus an approximately normal offset (sum of four uniforms, σ ≈ GRID/30), clamped;
//! * **mixed**: each stop independently uniform or clustered with probability ½.
//!
//! The depot is at the centre, in a corner or at a uniform point (chosen by the seed). CVRP
//! demands are uniform in 1..=10 or 1..=100 (chosen by the seed), and the capacity is set so
//! that a route holds on average `r` stops, `r` uniform in 6..=25:
//! `capacity = max(max demand, ceil(r · total demand / stops))`.

use blake2::{Blake2b512, Digest};
use serde::{Deserialize, Serialize};

use crate::geometry::Point;
use crate::problem::{Kind, MAX_STOPS, Problem, Stop};
use crate::rng::Rng;

/// Side of the square generated coordinates lie on.
pub const GRID: i64 = 1_000_000;

/// Smallest task size validators send (issue 8: 20 to 2,000 stops).
pub const MIN_TASK_STOPS: u32 = 20;

/// How stops are spread over the square.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    /// Uniform on the square.
    Uniform,
    /// Around a few centres.
    Clustered,
    /// Half uniform, half clustered.
    Mixed,
}

impl Distribution {
    /// Every distribution, in a fixed order.
    pub const ALL: [Self; 3] = [Self::Uniform, Self::Clustered, Self::Mixed];
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceSpec {
    /// TSP or CVRP.
    pub kind: Kind,
    /// Number of stops (1..=MAX_STOPS; tasks use MIN_TASK_STOPS..=MAX_STOPS).
    pub stops: u32,
    /// Spatial distribution.
    pub distribution: Distribution,
}

/// The range of tasks a validator sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskConfig {
    /// Kinds to draw from (uniformly).
    pub kinds: Vec<Kind>,
    /// Distributions to draw from (uniformly).
    pub distributions: Vec<Distribution>,
    /// Smallest size.
    pub min_stops: u32,
    /// Largest size.
    pub max_stops: u32,
}

impl Default for TaskConfig {
    fn default() -> Self {
        Self {
            kinds: vec![Kind::Tsp, Kind::Cvrp],
            distributions: Distribution::ALL.to_vec(),
            min_stops: MIN_TASK_STOPS,
            #[expect(clippy::cast_possible_truncation, reason = "MAX_STOPS is 2000")]
            max_stops: MAX_STOPS as u32,
        }
    }
}

/// An unusable [`TaskConfig`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskConfigError {
    /// No kinds or no distributions to choose from.
    #[error("a task configuration needs at least one kind and one distribution")]
    Empty,
    /// Sizes outside MIN_TASK_STOPS..=MAX_STOPS or min > max.
    #[error(
        "task sizes must satisfy {MIN_TASK_STOPS} <= min ({min}) <= max ({max}) <= {MAX_STOPS}"
    )]
    BadSizes {
        /// The minimum given.
        min: u32,
        /// The maximum given.
        max: u32,
    },
}

impl TaskConfig {
    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), TaskConfigError> {
        if self.kinds.is_empty() || self.distributions.is_empty() {
            return Err(TaskConfigError::Empty);
        }
        if self.min_stops < MIN_TASK_STOPS
            || self.min_stops > self.max_stops
            || self.max_stops as usize > MAX_STOPS
        {
            return Err(TaskConfigError::BadSizes {
                min: self.min_stops,
                max: self.max_stops,
            });
        }
        Ok(())
    }
}

/// Domain-separated 64-bit seed for one use of a round seed.
fn derive(domain: &[u8], seed: &[u8; 32], extra: &[u8]) -> u64 {
    let mut h = Blake2b512::new();
    h.update(domain);
    h.update(seed);
    h.update(extra);
    let out = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&out[..8]);
    u64::from_le_bytes(b)
}

/// The task of a round: kind, size (uniform in the configured range) and distribution.
pub fn plan(config: &TaskConfig, seed: &[u8; 32]) -> Result<InstanceSpec, TaskConfigError> {
    config.validate()?;
    let mut rng = Rng::new(derive(b"_AGORA_ROUTING_PLAN", seed, &[]));
    let kind = config.kinds[rng.index(config.kinds.len())];
    let distribution = config.distributions[rng.index(config.distributions.len())];
    let span = u64::from(config.max_stops - config.min_stops) + 1;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "below span, which fits u32"
    )]
    let stops = config.min_stops + rng.below(span) as u32;
    Ok(InstanceSpec {
        kind,
        stops,
        distribution,
    })
}

/// A point approximately normal around `c` (sum of four uniforms in ±sigma·√3/2 each has
/// standard deviation sigma), clamped to the square.
fn around(rng: &mut Rng, c: Point, sigma: i64) -> Point {
    let half = sigma * 866 / 1000;
    let off = |rng: &mut Rng| (0..4).map(|_| rng.range_i64(-half, half)).sum::<i64>();
    let x = (c.x + off(rng)).clamp(0, GRID);
    let y = (c.y + off(rng)).clamp(0, GRID);
    Point::new(x, y)
}

fn uniform(rng: &mut Rng) -> Point {
    Point::new(rng.range_i64(0, GRID), rng.range_i64(0, GRID))
}

/// The problem for `spec` and `seed` (see the module docs). `spec.stops` is clamped to
/// 1..=MAX_STOPS.
pub fn generate(spec: &InstanceSpec, seed: &[u8; 32]) -> Problem {
    #[expect(clippy::cast_possible_truncation, reason = "MAX_STOPS is 2000")]
    let n = spec.stops.clamp(1, MAX_STOPS as u32);
    let extra = [
        match spec.kind {
            Kind::Tsp => 0u8,
            Kind::Cvrp => 1,
        },
        match spec.distribution {
            Distribution::Uniform => 0u8,
            Distribution::Clustered => 1,
            Distribution::Mixed => 2,
        },
    ];
    let mut key = extra.to_vec();
    key.extend_from_slice(&n.to_le_bytes());
    let mut rng = Rng::new(derive(b"_AGORA_ROUTING_INSTANCE", seed, &key));

    let centres: Vec<Point> = (0..3 + rng.index(6))
        .map(|_| {
            Point::new(
                rng.range_i64(GRID / 10, GRID * 9 / 10),
                rng.range_i64(GRID / 10, GRID * 9 / 10),
            )
        })
        .collect();
    let sigma = GRID / 30;
    let mut points = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let clustered = match spec.distribution {
            Distribution::Uniform => false,
            Distribution::Clustered => true,
            Distribution::Mixed => rng.chance(1, 2),
        };
        points.push(if clustered {
            let c = centres[rng.index(centres.len())];
            around(&mut rng, c, sigma)
        } else {
            uniform(&mut rng)
        });
    }
    let depot = match rng.index(3) {
        0 => Point::new(GRID / 2, GRID / 2),
        1 => Point::new(0, 0),
        _ => uniform(&mut rng),
    };
    let (demands, capacity) = match spec.kind {
        Kind::Tsp => (vec![0u32; n as usize], None),
        Kind::Cvrp => {
            let max_demand = if rng.chance(1, 2) { 10 } else { 100 };
            #[expect(clippy::cast_possible_truncation, reason = "at most 100")]
            let demands: Vec<u32> = (0..n).map(|_| 1 + rng.below(max_demand) as u32).collect();
            let total: u64 = demands.iter().map(|&d| u64::from(d)).sum();
            let per_route = 6 + rng.below(20);
            let largest = demands.iter().copied().max().map_or(1, u64::from);
            let capacity = (per_route * total).div_ceil(u64::from(n)).max(largest);
            (demands, Some(capacity))
        }
    };
    Problem {
        depot,
        stops: points
            .into_iter()
            .zip(demands)
            .map(|(p, demand)| Stop {
                x: p.x,
                y: p.y,
                demand,
            })
            .collect(),
        capacity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: Kind, stops: u32, distribution: Distribution) -> InstanceSpec {
        InstanceSpec {
            kind,
            stops,
            distribution,
        }
    }

    #[test]
    fn deterministic_and_seed_sensitive() {
        let s = spec(Kind::Cvrp, 200, Distribution::Mixed);
        let a = generate(&s, &[7; 32]);
        assert_eq!(a, generate(&s, &[7; 32]));
        assert_ne!(a, generate(&s, &[8; 32]));
        assert_ne!(
            a,
            generate(&spec(Kind::Cvrp, 200, Distribution::Uniform), &[7; 32])
        );
        assert_eq!(a.len(), 200);
        a.validate(MAX_STOPS).unwrap();
    }

    #[test]
    fn every_kind_and_distribution_is_valid() {
        for kind in [Kind::Tsp, Kind::Cvrp] {
            for d in Distribution::ALL {
                for n in [1, 20, 2000] {
                    let p = generate(&spec(kind, n, d), &[n as u8; 32]);
                    assert_eq!(p.len(), n as usize);
                    p.validate(MAX_STOPS).unwrap();
                    assert_eq!(p.kind(), kind);
                    assert!(
                        p.stops
                            .iter()
                            .all(|s| (0..=GRID).contains(&s.x) && (0..=GRID).contains(&s.y))
                    );
                }
            }
        }
    }

    #[test]
    fn clustered_is_more_concentrated_than_uniform() {
        // Mean nearest-centre spread: compare the mean squared distance to the centroid of the
        // 20 nearest neighbours, a cheap clustering statistic.
        let spread = |p: &Problem| {
            let pts: Vec<Point> = p.stops.iter().map(Stop::point).collect();
            let mut total = 0u64;
            for a in &pts[..100] {
                let mut d: Vec<u64> = pts
                    .iter()
                    .map(|b| crate::geometry::squared_distance(*a, *b))
                    .collect();
                d.sort_unstable();
                total += d[10] / 1_000_000;
            }
            total
        };
        let u = generate(&spec(Kind::Tsp, 500, Distribution::Uniform), &[1; 32]);
        let c = generate(&spec(Kind::Tsp, 500, Distribution::Clustered), &[1; 32]);
        assert!(
            spread(&c) * 2 < spread(&u),
            "{} vs {}",
            spread(&c),
            spread(&u)
        );
    }

    #[test]
    fn plan_respects_config() {
        let config = TaskConfig {
            kinds: vec![Kind::Cvrp],
            distributions: vec![Distribution::Clustered],
            min_stops: 50,
            max_stops: 60,
        };
        let mut sizes = std::collections::BTreeSet::new();
        for i in 0..200u8 {
            let s = plan(&config, &[i; 32]).unwrap();
            assert_eq!(s.kind, Kind::Cvrp);
            assert_eq!(s.distribution, Distribution::Clustered);
            assert!((50..=60).contains(&s.stops));
            sizes.insert(s.stops);
        }
        assert_eq!(sizes.len(), 11);
        assert_eq!(
            plan(
                &TaskConfig {
                    min_stops: 10,
                    ..TaskConfig::default()
                },
                &[0; 32]
            ),
            Err(TaskConfigError::BadSizes { min: 10, max: 2000 })
        );
        assert_eq!(
            plan(
                &TaskConfig {
                    kinds: vec![],
                    ..TaskConfig::default()
                },
                &[0; 32]
            ),
            Err(TaskConfigError::Empty)
        );
    }
}
