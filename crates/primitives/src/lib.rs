//! Units, ids, accounts, signatures, hashes and the fixed-point arithmetic of the Bittensor
//! reference chain, with no IO beyond OS randomness for signing.
//!
//! # Design
//! Everything consensus-relevant in Agora is integer or fixed-point arithmetic whose rounding
//! must match opentensor/subtensor bit for bit. This crate re-exports the fixed-point types the
//! reference uses (from `substrate-fixed` 0.6, the crate and version the reference pins) and
//! the small set of helpers the reference builds on top of them: `safe_div`, the u16
//! proportion conversions, and exact decimal rendering for test vectors and tooling.
//!
//! Accounts are the reference's `AccountId32` (32-byte sr25519 public keys, SS58 prefix 42 in
//! text) and signatures are sr25519 under the `substrate` context, made with `schnorrkel`
//! directly rather than `sp-core` (stack spec §3): [`account`], [`crypto`], [`hashing`].
//!
//! # Invariants
//! - No function here panics, for any input, except that the functions drawing OS randomness
//!   panic (inside schnorrkel) if the operating system cannot supply it.
//! - The only IO is that OS randomness, drawn by [`Keypair::sign`], by soft key derivation
//!   ([`Keypair::derive`], [`Keypair::from_uri`]) for the derived key's nonce seed, and by
//!   [`crypto::generate_phrase`]. Nothing consensus-relevant depends on it.
//! - No floating point is used to compute a consensus value.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

pub mod account;
pub mod crypto;
pub mod decimal;
pub mod fixed;
pub mod hashing;
pub mod hex;
pub mod safe_float;
pub mod units;
pub mod wide;

pub use account::{AccountId, SS58_PREFIX, Ss58Error};
pub use crypto::{KeyError, Keypair, Signature};
pub use fixed::{I32F32, I64F64, I96F32, SafeDiv, U64F64, U96F32};
pub use hashing::H256;
pub use safe_float::SafeFloat;
