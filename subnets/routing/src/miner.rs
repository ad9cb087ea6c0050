//! The miner's request handling, independent of the transport: validate the request, pick
//! the strategy, solve within the time the request allows.
//!
//! The axon's forward hook calls [`handle`] on a blocking thread with the instant the request
//! arrived; the answer is due `time_limit_ms` after that, and the miner keeps
//! [`MinerConfig::margin_ms`] of it for serialisation and the network.

use std::str::FromStr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::bad::{Faulty, faulty, lazy};
use crate::problem::MAX_STOPS;
use crate::protocol::{RequestError, SolveRoutes};
use crate::solution::Solution;
use crate::solve::{Budget, Solver, solve};

/// What a miner runs (the `--strategy` flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// An honest solver.
    Solver(Solver),
    /// The lazy bad actor ([`crate::bad::lazy`]).
    Lazy,
    /// The faulty bad actor ([`crate::bad::faulty`]).
    Faulty,
}

impl Strategy {
    /// Every strategy: the honest solvers weakest first, then the bad actors.
    pub const ALL: [Self; 6] = [
        Self::Solver(Solver::NearestNeighbour),
        Self::Solver(Solver::TwoOpt),
        Self::Solver(Solver::OrOpt),
        Self::Solver(Solver::Strong),
        Self::Lazy,
        Self::Faulty,
    ];

    /// The flag spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Solver(s) => s.name(),
            Self::Lazy => "lazy",
            Self::Faulty => "faulty",
        }
    }
}

/// An unknown strategy name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown strategy {0:?}: expected one of nearest-neighbour, two-opt, or-opt, strong, lazy, faulty"
)]
pub struct UnknownStrategy(pub String);

impl FromStr for Strategy {
    type Err = UnknownStrategy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| UnknownStrategy(s.to_owned()))
    }
}

/// Miner settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinerConfig {
    /// The strategy.
    pub strategy: Strategy,
    /// Time kept back from the request's limit for the reply (ms).
    pub margin_ms: u64,
    /// Largest problem accepted.
    pub max_stops: usize,
    /// Most iterations the strong solver runs per request, besides the time limit (a
    /// machine shared by many miners, as a localnet, caps it to leave CPU for the others).
    pub iterations: u64,
}

impl Default for MinerConfig {
    fn default() -> Self {
        Self {
            strategy: Strategy::Solver(Solver::Strong),
            margin_ms: 150,
            max_stops: MAX_STOPS,
            iterations: u64::MAX,
        }
    }
}

/// What to send back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Answer with this solution.
    Answer(Solution),
    /// Hold the request past its deadline (the faulty miner's timeout).
    Stall,
}

/// Handles one request received at `received`; `seed` randomises the strong solver and the
/// faulty miner's choice.
pub fn handle(
    config: &MinerConfig,
    request: &SolveRoutes,
    received: Instant,
    seed: u64,
) -> Result<Reply, RequestError> {
    request.validate(config.max_stops)?;
    let allowed = Duration::from_millis(request.time_limit_ms.saturating_sub(config.margin_ms));
    let deadline = received + allowed;
    Ok(match config.strategy {
        Strategy::Solver(s) => {
            let budget = Budget {
                iterations: config.iterations,
                deadline: Some(deadline),
            };
            Reply::Answer(solve(&request.problem, s, &budget, seed))
        }
        Strategy::Lazy => Reply::Answer(lazy(&request.problem)),
        Strategy::Faulty => match faulty(&request.problem, seed) {
            Faulty::Invalid(s) => Reply::Answer(s),
            Faulty::Stall => Reply::Stall,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Distribution, InstanceSpec, generate};
    use crate::problem::Kind;
    use crate::solution::verify;

    #[test]
    fn names_round_trip() {
        for s in Strategy::ALL {
            assert_eq!(s.name().parse::<Strategy>(), Ok(s));
        }
        assert!("best".parse::<Strategy>().is_err());
    }

    #[test]
    fn honest_answers_are_valid_and_in_time() {
        let p = generate(
            &InstanceSpec {
                kind: Kind::Cvrp,
                stops: 100,
                distribution: Distribution::Mixed,
            },
            &[1; 32],
        );
        let req = SolveRoutes::request(p.clone(), 300);
        for s in Strategy::ALL.into_iter().take(5) {
            let config = MinerConfig {
                strategy: s,
                ..MinerConfig::default()
            };
            let t = Instant::now();
            let Ok(Reply::Answer(sol)) = handle(&config, &req, t, 1) else {
                panic!("{} did not answer", s.name());
            };
            assert!(t.elapsed() < Duration::from_millis(300), "{}", s.name());
            assert!(verify(&p, &sol).is_ok());
        }
    }

    #[test]
    fn bad_requests_are_refused() {
        let p = generate(
            &InstanceSpec {
                kind: Kind::Tsp,
                stops: 30,
                distribution: Distribution::Uniform,
            },
            &[1; 32],
        );
        let config = MinerConfig {
            max_stops: 20,
            ..MinerConfig::default()
        };
        assert!(matches!(
            handle(
                &config,
                &SolveRoutes::request(p.clone(), 1000),
                Instant::now(),
                0
            ),
            Err(RequestError::Problem(_))
        ));
        assert_eq!(
            handle(
                &MinerConfig::default(),
                &SolveRoutes::request(p, 10),
                Instant::now(),
                0
            ),
            Err(RequestError::TimeLimit(10))
        );
    }
}
