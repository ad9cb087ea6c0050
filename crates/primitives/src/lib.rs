//! Units, ids and the fixed-point arithmetic of the Bittensor reference chain, with no IO.
//!
//! # Design
//! Everything consensus-relevant in Agora is integer or fixed-point arithmetic whose rounding
//! must match opentensor/subtensor bit for bit. This crate re-exports the fixed-point types the
//! reference uses (from `substrate-fixed` 0.6, the crate and version the reference pins) and
//! the small set of helpers the reference builds on top of them: `safe_div`, the u16
//! proportion conversions, and exact decimal rendering for test vectors and tooling.
//!
//! # Invariants
//! - No function here panics, for any input.
//! - No floating point is used to compute a consensus value.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

pub mod decimal;
pub mod fixed;
pub mod units;

pub use fixed::{I32F32, I64F64, I96F32, SafeDiv, U64F64, U96F32};
