//! The Agora node: blocks, the mempool, block production and import through the consensus
//! engine (`agora-consensus`), persistent state (`agora-storage`), JSON-RPC over HTTP and
//! WebSocket, and Prometheus metrics.
//!
//! # Design
//! The runtime is pure and knows nothing of this crate. [`chain::NodeChain`] is the
//! application side of consensus: it builds blocks from the [`mempool`], executes proposals
//! to verify them, and commits finalized blocks to the store, implementing the engine's
//! `Chain` trait object. The RPC server ([`rpc`]) reads committed state through store
//! snapshots and drives the chain through the mempool.
//!
//! # Invariants
//! - Only the consensus engine produces blocks; a dev chain is the same engine with one
//!   validator.
//! - Every network input (RPC requests, blocks, extrinsics) is size-bounded and validated
//!   before use.

pub mod block;
pub mod chain;
pub mod config;
pub mod events;
pub mod mempool;
pub mod metrics;
pub mod reads;
pub mod receipts;
pub mod rpc;
pub mod service;
