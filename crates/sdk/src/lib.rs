//! Bittensor-compatible wallets, axon, dendrite, synapses, btauth/1, chain client and
//! metagraph for Agora.
//!
//! # Design
//! - [`synapse`], [`protocol`]: the 10.x wire format (sdk spec §1) as pure functions: the
//!   body and its Python-`str()` hash, headers, the signed message, nonce rules.
//! - [`axon`] (server, axum) and [`dendrite`] (client, hyper) put it on HTTP/1.1, plain
//!   text, as the reference does; [`btauth`] is bittensor 11's header scheme as a layer for
//!   any HTTP service.
//! - [`wallet`]: the Bittensor wallet directory and keyfiles, `$NACL` encryption.
//! - [`chain`]: a `ChainClient` trait and the metagraph.
//!
//! # Invariants
//! - Every network input is bounded (body size, JSON depth, header parsing) and validated;
//!   no handler sees an unauthenticated request.
//! - Secret key material is zeroised when dropped and never printed.
//! - Key files are written atomically with mode 0600.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

pub mod axon;
pub mod btauth;
pub mod dendrite;
pub mod protocol;
pub mod synapse;
pub mod template;
pub mod util;
pub mod wallet;
