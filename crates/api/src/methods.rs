//! JSON-RPC 2.0 method names, error codes and limits (docs/rpc.md).
//!
//! These are the node's methods (branch `node`, `crates/node/src/rpc.rs`), plus `state_call`,
//! which serves [`crate::runtime_api`]. Names follow Substrate's where the meaning is the same
//! (sdk.md §4.3), so tooling that knows `chain_getHead` or `author_submitAndWatchExtrinsic`
//! recognises them; parameters and results are Agora's ([`crate::types`]). A block id
//! parameter is a number, a `0x` hash, or absent/`null` for the committed head.

/// `system_info() -> ChainInfo`.
pub const SYSTEM_INFO: &str = "system_info";
/// `chain_getHead() -> ChainHead`.
pub const CHAIN_GET_HEAD: &str = "chain_getHead";
/// `chain_getHeader(id?) -> Option<HeadInfo>`.
pub const CHAIN_GET_HEADER: &str = "chain_getHeader";
/// `chain_getBlock(id?) -> Option<BlockInfo>`.
pub const CHAIN_GET_BLOCK: &str = "chain_getBlock";
/// `chain_getBlockHash(number) -> Option<String>`.
pub const CHAIN_GET_BLOCK_HASH: &str = "chain_getBlockHash";
/// `state_getNonce(account) -> u32`: the account's next nonce on chain (pooled transactions
/// not counted).
pub const STATE_GET_NONCE: &str = "state_getNonce";
/// `state_call(method, data_hex, at?) -> String`: a runtime-API call
/// ([`crate::runtime_api`]) on the committed state at block `at` (default the head), SCALE
/// arguments in, SCALE result out, both `0x` hex.
pub const STATE_CALL: &str = "state_call";
/// `author_submitExtrinsic(hex) -> String` (the extrinsic's hash).
pub const AUTHOR_SUBMIT_EXTRINSIC: &str = "author_submitExtrinsic";
/// Subscription: submits an extrinsic and reports `TxStatus` until a final one.
pub const AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC: &str = "author_submitAndWatchExtrinsic";
/// Notification method of [`AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC`].
pub const AUTHOR_EXTRINSIC_UPDATE: &str = "author_extrinsicUpdate";
/// Ends an [`AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC`] subscription.
pub const AUTHOR_UNWATCH_EXTRINSIC: &str = "author_unwatchExtrinsic";
/// Subscription to committed heads (`HeadInfo`).
pub const CHAIN_SUBSCRIBE_FINALIZED_HEADS: &str = "chain_subscribeFinalizedHeads";
/// Notification method of [`CHAIN_SUBSCRIBE_FINALIZED_HEADS`].
pub const CHAIN_FINALIZED_HEAD: &str = "chain_finalizedHead";
/// Ends a [`CHAIN_SUBSCRIBE_FINALIZED_HEADS`] subscription.
pub const CHAIN_UNSUBSCRIBE_FINALIZED_HEADS: &str = "chain_unsubscribeFinalizedHeads";

/// JSON-RPC error codes of the node (the standard ones are -32700 … -32603).
pub mod codes {
    /// The extrinsic was refused (invalid, or not admitted to the pool); `data.reason` names
    /// the reason (`Stale`, `CannotPayFee`, `PoolFull`, …).
    pub const REJECTED: i32 = 1010;
    /// A parameter is malformed.
    pub const BAD_PARAM: i32 = -32602;
    /// The node failed internally (database unavailable).
    pub const INTERNAL: i32 = -32603;
    /// `state_call`: the requested block's state is not available.
    pub const UNKNOWN_BLOCK: i32 = 4001;
    /// `state_call`: unknown runtime-API method, or arguments that do not decode.
    pub const RUNTIME_API: i32 = 4002;
}

/// Largest JSON-RPC request the node accepts (an extrinsic is at most 512 KiB, 1 MiB in hex).
pub const MAX_REQUEST_BYTES: u32 = 2 * 1024 * 1024;
/// Largest response a client accepts (a 256-uid full metagraph is about 1 MiB in hex).
pub const MAX_RESPONSE_BYTES: u32 = 32 * 1024 * 1024;
/// Largest SCALE argument blob of a runtime-API call.
pub const MAX_CALL_ARGS_BYTES: usize = 64 * 1024;
/// The default RPC port of a dev node (Substrate's).
pub const DEFAULT_RPC_PORT: u16 = 9944;
