//! JSON-RPC 2.0 method names, error codes and limits (docs/rpc.md).
//!
//! Names follow Substrate's where the meaning is the same (sdk.md §4.3), so tooling that knows
//! `chain_getHead` or `author_submitAndWatchExtrinsic` recognises them; parameters and results
//! are Agora's (see [`crate::types`]).

/// `system_chainInfo() -> ChainInfo`.
pub const SYSTEM_CHAIN_INFO: &str = "system_chainInfo";
/// `system_accountNextIndex(ss58: String) -> u32`: the next nonce to sign with, counting the
/// account's transactions already in the pool.
pub const SYSTEM_ACCOUNT_NEXT_INDEX: &str = "system_accountNextIndex";
/// `chain_getHead() -> HeadInfo`: the committed (final) head.
pub const CHAIN_GET_HEAD: &str = "chain_getHead";
/// `chain_getHeader(number: u64) -> Option<HeadInfo>`.
pub const CHAIN_GET_HEADER: &str = "chain_getHeader";
/// `chain_getBlockEvents(number: u64) -> Option<BlockEvents>`.
pub const CHAIN_GET_BLOCK_EVENTS: &str = "chain_getBlockEvents";
/// Subscription to committed heads: notifications are `HeadInfo`.
pub const CHAIN_SUBSCRIBE_FINALIZED_HEADS: &str = "chain_subscribeFinalizedHeads";
/// Notification method name of [`CHAIN_SUBSCRIBE_FINALIZED_HEADS`].
pub const CHAIN_FINALIZED_HEAD_NOTIFICATION: &str = "chain_finalizedHead";
/// Ends a [`CHAIN_SUBSCRIBE_FINALIZED_HEADS`] subscription.
pub const CHAIN_UNSUBSCRIBE_FINALIZED_HEADS: &str = "chain_unsubscribeFinalizedHeads";
/// `author_submitExtrinsic(hex: String) -> String` (the extrinsic's hash, hex).
pub const AUTHOR_SUBMIT_EXTRINSIC: &str = "author_submitExtrinsic";
/// Subscription: submits an extrinsic and reports its `TxStatus` until a final one.
pub const AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC: &str = "author_submitAndWatchExtrinsic";
/// Notification method name of [`AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC`].
pub const AUTHOR_EXTRINSIC_UPDATE_NOTIFICATION: &str = "author_extrinsicUpdate";
/// Ends an [`AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC`] subscription.
pub const AUTHOR_UNWATCH_EXTRINSIC: &str = "author_unwatchExtrinsic";
/// `state_call(method: String, data: hex String, at: Option<u64>) -> hex String`: a
/// runtime-API call ([`crate::runtime_api`]) on the committed state at block `at` (default:
/// the head).
pub const STATE_CALL: &str = "state_call";

/// JSON-RPC error codes beyond the standard ones (-32700 … -32603).
pub mod codes {
    /// The transaction is invalid (bad encoding or signature, stale nonce, cannot pay the
    /// fee); `data.reason` names the reason (`Stale`, `CannotPayFee`, …).
    pub const INVALID_TRANSACTION: i32 = 1010;
    /// The pool refused a valid transaction (`AlreadyKnown`, `PoolFull`, …); `data.reason`.
    pub const POOL_REJECTED: i32 = 1012;
    /// The requested block is not known (pruned or in the future).
    pub const UNKNOWN_BLOCK: i32 = 4001;
    /// The runtime-API method is unknown or its arguments do not decode.
    pub const RUNTIME_API: i32 = 4002;
    /// The node is shutting down or its store is unavailable.
    pub const UNAVAILABLE: i32 = 4003;
}

/// Largest JSON-RPC request the node accepts (an extrinsic is at most 512 KiB, 1 MiB in hex).
pub const MAX_REQUEST_BYTES: u32 = 2 * 1024 * 1024;
/// Largest response a client accepts (a 256-uid full metagraph is ≈ 1 MiB in hex).
pub const MAX_RESPONSE_BYTES: u32 = 32 * 1024 * 1024;
/// Largest SCALE argument blob of a runtime-API call.
pub const MAX_CALL_ARGS_BYTES: usize = 64 * 1024;
/// The default RPC port of a dev node (Substrate's).
pub const DEFAULT_RPC_PORT: u16 = 9944;
