//! The deterministic Agora state machine; for now the Yuma Consensus epoch, bit-exact with subtensor.
//!
//! # Design
//! The runtime is a pure function of its inputs: no IO, no clock, no threads, no floating
//! point in consensus math, and no iteration over hash maps. The epoch ([`epoch`]) takes a
//! plain description of the subnet state it reads and returns everything the reference chain
//! would store afterwards.
//!
//! # Invariants
//! - The same input always gives the same output, bit for bit, on every platform.
//! - No public function panics, for any input (malformed lengths included).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::panic, clippy::expect_used)
)]

pub mod epoch;
