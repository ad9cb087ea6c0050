//! The Agora node's API surface, shared by the node (server) and the SDK (client) so neither
//! depends on the other's internals.
//!
//! - [`methods`]: JSON-RPC method names, error codes and size limits.
//! - [`types`]: the JSON shapes of heads, events, transaction statuses and chain info.
//! - [`runtime_api`]: the `state_call` table: the reference's runtime-API names
//!   (`NeuronInfoRuntimeApi_get_neurons_lite`, …, sdk.md §4.4) plus Agora's own (`AgoraApi_*`),
//!   each a typed [`runtime_api::ApiMethod`] with SCALE arguments and result, and one
//!   dispatcher ([`runtime_api::call`]) over a state snapshot. The node answers `state_call`
//!   with it and the SDK's in-process chain uses the same function, so both give byte-identical
//!   answers.
//!
//! # Invariants
//! - Everything here is pure: no IO, no clock. Decoding of network input is bounded
//!   ([`methods::MAX_CALL_ARGS_BYTES`], [`types::decode_hex`]).
//! - Runtime-API results are SCALE encodings of `agora_runtime::info` structs, which are the
//!   reference's byte for byte; Agora's own methods are documented where they are declared.

pub mod methods;
pub mod runtime_api;
pub mod types;

pub use runtime_api::{ApiError, ApiMethod};
pub use types::{
    BlockInfo, BlockRef, ChainHead, ChainInfo, EventInfo, HeadInfo, Phase, ReceiptInfo, TxStatus,
};
