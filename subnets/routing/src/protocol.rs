//! The subnet's wire protocol: one synapse, `SolveRoutes`.
//!
//! The validator (or the gateway) fills `problem` and `time_limit_ms`; the miner returns the
//! same object with `solution` set. JSON field names are snake_case like the Python synapse
//! classes' fields, so a Python miner can declare
//! `class SolveRoutes(bt.Synapse): problem: dict; time_limit_ms: int; solution: Optional[dict] = None`
//! and interoperate through the SDK's axon/dendrite (which add `name`, `timeout`, `dendrite`,
//! `axon`, … around these fields). `problem` is the hash field; it is compared by the
//! verifier anyway, and the miner's answer is checked against the validator's own copy of the
//! problem, never against what the miner echoes back.

use serde::{Deserialize, Serialize};

use crate::problem::{MAX_STOPS, Problem, ProblemError};
use crate::solution::Solution;

/// The synapse name (the axon route is `POST /SolveRoutes`).
pub const SYNAPSE_NAME: &str = "SolveRoutes";

/// Shortest time limit a request may set.
pub const MIN_TIME_LIMIT_MS: u64 = 100;
/// Longest time limit a request may set.
pub const MAX_TIME_LIMIT_MS: u64 = 60_000;

/// The synapse body (the subnet's fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SolveRoutes {
    /// The problem to solve.
    pub problem: Problem,
    /// How long the caller waits, in milliseconds (the miner must answer within it).
    pub time_limit_ms: u64,
    /// The miner's answer.
    #[serde(default)]
    pub solution: Option<Solution>,
}

/// A request a miner refuses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The problem is invalid.
    #[error("invalid problem: {0}")]
    Problem(#[from] ProblemError),
    /// The time limit is outside the accepted range.
    #[error("time_limit_ms must be within {MIN_TIME_LIMIT_MS}..={MAX_TIME_LIMIT_MS}, got {0}")]
    TimeLimit(u64),
}

impl SolveRoutes {
    /// A request (no solution yet).
    pub fn request(problem: Problem, time_limit_ms: u64) -> Self {
        Self {
            problem,
            time_limit_ms,
            solution: None,
        }
    }

    /// Checks a request against the subnet's limits (`max_stops` at most [`MAX_STOPS`]).
    pub fn validate(&self, max_stops: usize) -> Result<(), RequestError> {
        self.problem.validate(max_stops.min(MAX_STOPS))?;
        if !(MIN_TIME_LIMIT_MS..=MAX_TIME_LIMIT_MS).contains(&self.time_limit_ms) {
            return Err(RequestError::TimeLimit(self.time_limit_ms));
        }
        Ok(())
    }
}
