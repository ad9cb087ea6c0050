//! The routing subnet: verifiable route optimisation (TSP and capacitated VRP), its solvers,
//! scoring and buyer gateway.
//!
//! # Design
//!
//! A validator makes a fresh instance from a secret per-round seed ([`generate`]), sends the
//! same instance to every miner, checks every returned route exactly ([`solution::verify`])
//! and scores it by its cost against the best cost it knows ([`scoring`]). Because the cost
//! function is integer ([`geometry`]) the check is exact and the same everywhere, and because
//! the instance is new every round there is nothing to memorise: the only way to score well
//! is to solve well. Buyers reach the same miners through the [`gateway`].
//!
//! Layers, pure first:
//! * `geometry`, `problem`, `solution`, `rng`, `generate`, `solve`, `exact`, `scoring`,
//!   `protocol`: no IO (the only clock read is a solver's optional deadline, see
//!   [`solve::Budget`]);
//! * `durable`, `score_file`: crash-safe files;
//! * `miner`, `validator`: the neurons' loop logic behind small traits (transport, chain);
//! * `gateway`: the buyer HTTP service (axum);
//! * `network`, `chain`: the SDK's axon, dendrite and chain client behind those traits.
//!
//! # Invariants
//! * A verified cost is a pure function of problem and solution.
//! * Generation is a pure function of spec and seed.
//! * A score is 0 for any invalid or late answer, and at most 1 (in ppm, 10⁶) for a valid one.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]
// Tests unwrap and cast freely: a failure there is a failed test.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )
)]
#![forbid(unsafe_code)]

pub mod bad;
pub mod chain;
pub mod durable;
pub mod exact;
pub mod gateway;
pub mod generate;
pub mod geometry;
pub mod miner;
pub mod network;
pub mod problem;
pub mod protocol;
pub mod rng;
pub mod score_file;
pub mod scoring;
pub mod solution;
pub mod solve;
pub mod validator;
