//! The consensus adapter: the only crate that uses commonware.
//!
//! It runs commonware's simplex BFT consensus with marshal (ordered delivery of finalized
//! blocks, block dissemination and backfill), on commonware's tokio runtime with
//! authenticated p2p for real nodes and on its deterministic runtime with the simulated
//! network for tests. The node plugs in through [`Chain`], a plain trait object: the engine's
//! generics are instantiated here once, so the node and the runtime never compile against
//! commonware and editing them does not re-monomorphize the engine.
//!
//! A dev chain is the same engine with a validator set of one (simplex's quorum of one
//! participant is one); there is no second block producer.
//!
//! # Invariants
//! - Blocks enter the engine only through [`Chain::parse`], so the engine's digest of a block
//!   is always the node's block hash.
//! - [`Chain::finalized`] sees every finalized block in height order, at least once, and a
//!   block is acknowledged to marshal only after the chain committed it.

mod application;
mod block;
mod chain;
pub mod engine;
mod keys;
pub mod node;
pub mod simulation;

pub use application::Scheme;
pub use block::{Block, BlockCodec, Digest};
pub use chain::{BlockId, Chain, Hash, RawBlock, Round};
pub use engine::{Channels, EngineConfig, NAMESPACE, start_validator};
pub use keys::ValidatorKey;
pub use node::{EngineMetrics, NodeConfig, Services, run};
