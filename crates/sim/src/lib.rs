//! An incentive simulator that drives the real Agora runtime with scripted miners and
//! validators, and measures who earns what.
//!
//! # Design
//! A [`Scenario`] (TOML, [`scenario`]) describes subnets, miners with a true quality that
//! can drift, jump or churn, and validators with a stake and a behaviour (honest with
//! observation noise, lazy, weight copier, cartel member, self-dealing owner). The
//! [`engine`] builds a genesis from it and runs the runtime block by block through its
//! public entry points ([`chain`]: `BlockBuilder`, dispatch, typed storage reads in
//! [`probe`]): the epoch, the coinbase, commit-reveal and registration are the runtime's
//! own, with no copy of the mechanism. After every epoch it records [`metrics`]; runs can
//! be swept over parameter grids in parallel ([`sweep`]) and written as JSON, CSV or a
//! self-contained HTML report ([`output`], [`report`]).
//!
//! # Invariants
//! - A run is a pure function of its scenario: seeded random streams per agent
//!   ([`rng`]), agents acting in scenario order, no hash-map iteration; the same scenario
//!   gives the same records on one platform (the runtime's part is exact everywhere).
//! - A sweep's results do not depend on the number of threads.
//! - Agents only act through calls the runtime validates; a refused call is counted
//!   (`failed_calls`) and logged, never worked around.

#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        reason = "unit tests: a failed unwrap is a failed test"
    )
)]

pub mod analysis;
pub mod chain;
pub mod engine;
pub mod metrics;
pub mod output;
pub mod probe;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod state;
pub mod stats;
pub mod sweep;

pub use engine::{RunOutput, SimError, run, run_with_progress};
pub use scenario::Scenario;
