//! Yuma Consensus: the per-subnet epoch that turns stake and weights into consensus,
//! incentive, dividends, bonds and emission (`shared/spec/yuma.md` §1–§12).
//!
//! [`run_sparse`] is the production path (`epoch_mechanism` in the reference); [`run_dense`]
//! is the full-matrix variant the reference keeps for tests (`epoch_dense_mechanism`, yuma
//! spec §4). Both take an [`EpochInput`] and return an [`EpochOutput`] holding the values the
//! chain stores, plus the exact fixed-point intermediates for inspection. [`run_mechanisms`]
//! runs a subnet's several incentive mechanisms and combines them (yuma spec §8), and
//! [`reset_bonds`] is the bonds reset of §3.10d.
//!
//! # Invariants
//! - Pure and deterministic; never panics, whatever the shapes of the input vectors.
//! - Every stored figure equals the reference chain's bit for bit (checked against the
//!   reference's own test vectors and an oracle built from its source).

mod dense;
mod input;
mod liquid;
pub mod math;
mod mechanisms;
mod output;
mod sparse;
mod stake;

pub use dense::{compute_bonds_dense, run_dense};
pub use input::EpochInput;
pub use mechanisms::{MechanismsOutput, SubnetTerms, reset_bonds, run_mechanisms, split_emissions};
pub use output::{EpochOutput, FixedTrace};
pub use sparse::run_sparse;
