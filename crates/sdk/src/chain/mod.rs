//! The chain client: talk to an Agora node, sign and submit extrinsics, read the metagraph.
//!
//! # Layers
//! - [`ChainClient`]: the transport, one method per node RPC (`agora_api::methods`). Two
//!   implementations: [`RpcClient`] (JSON-RPC over HTTP, with a WebSocket for watching
//!   transactions and heads) and [`LocalChain`] (the real runtime in process, for tests and
//!   tools that need no node).
//! - [`Chain`]: typed reads over any client (balances, subnets, hyperparameters, neurons,
//!   stake, delegates, prices; `agora_api::runtime_api` methods decoded into the runtime's
//!   info structs), signing with nonce tracking, and submission that waits for the outcome
//!   ([`TxOutcome`]: block, events, or the chain's error name and explanation).
//! - [`Metagraph`]: every field of the Python SDK's metagraph (sdk.md §3) from one call.
//!
//! # Invariants
//! - Every response is bounded ([`agora_api::methods::MAX_RESPONSE_BYTES`]) and decoded
//!   strictly (no trailing bytes, bounded nesting); a malformed answer is an error, never a
//!   panic.
//! - A failed call never leaves a wrong nonce cached: the next submission re-reads it.

mod client;
mod local;
mod metagraph;
mod rpc;
pub mod units;
pub mod weights;

use std::future::Future;

use agora_api::{BlockInfo, ChainInfo, HeadInfo, TxStatus};
use agora_primitives::AccountId;
use tokio::sync::mpsc;

pub use client::{CallFailure, Chain, TxOutcome, Wait};
pub use local::{LocalChain, Sealing};
pub use metagraph::{Metagraph, axon_address};
pub use rpc::{Endpoint, RpcClient};

/// Why a chain request failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// No node answers at the endpoint.
    #[error(
        "cannot reach the node at {endpoint}: {why} (is `agora node --dev` or `agora localnet` running?)"
    )]
    Unreachable {
        /// The endpoint tried.
        endpoint: String,
        /// What the connection attempt said.
        why: String,
    },
    /// The node did not answer in time.
    #[error("the node did not answer within {0:?}")]
    Timeout(std::time::Duration),
    /// The node refused the transaction before including it (it pays no fee).
    #[error("transaction rejected: {message}")]
    Rejected {
        /// The reason's name (`Stale`, `Future`, `CannotPayFee`, `BadSignature`, `PoolFull`…).
        reason: String,
        /// The node's message.
        message: String,
    },
    /// The node answered with an error.
    #[error("node error {code}: {message}")]
    Rpc {
        /// JSON-RPC error code.
        code: i32,
        /// Its message.
        message: String,
    },
    /// The node's answer does not decode.
    #[error("malformed answer from the node: {0}")]
    Malformed(String),
    /// A subscription ended before its final notification.
    #[error("the node closed the subscription")]
    Closed,
    /// Waiting for an outcome took longer than allowed.
    #[error("no final status after {0:?}")]
    WaitTimeout(std::time::Duration),
}

/// A stream of notifications (heads, transaction statuses); dropping it unsubscribes.
#[derive(Debug)]
pub struct Watch<T> {
    rx: mpsc::Receiver<Result<T, ChainError>>,
}

impl<T> Watch<T> {
    /// A watch fed by `rx`.
    pub(crate) fn new(rx: mpsc::Receiver<Result<T, ChainError>>) -> Self {
        Self { rx }
    }

    /// The next notification; `None` once the subscription has ended.
    pub async fn next(&mut self) -> Option<Result<T, ChainError>> {
        self.rx.recv().await
    }
}

/// The node's RPC as async methods (docs/rpc.md). Implementations must be cheap to share
/// (`Arc` inside) and safe to call concurrently.
pub trait ChainClient: Send + Sync + 'static {
    /// `system_info`.
    fn chain_info(&self) -> impl Future<Output = Result<ChainInfo, ChainError>> + Send;
    /// `chain_getHead`: the committed head.
    fn head(&self) -> impl Future<Output = Result<HeadInfo, ChainError>> + Send;
    /// `chain_getHeader(number)`.
    fn header(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<HeadInfo>, ChainError>> + Send;
    /// `chain_getBlock(number)`: header, extrinsics, receipts and events.
    fn block(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<BlockInfo>, ChainError>> + Send;
    /// `state_getNonce`: the account's next nonce on chain.
    fn next_nonce(&self, who: &AccountId) -> impl Future<Output = Result<u32, ChainError>> + Send;
    /// `state_call`: a runtime-API call with SCALE arguments; returns the SCALE result.
    fn state_call(
        &self,
        method: &str,
        args: Vec<u8>,
        at: Option<u64>,
    ) -> impl Future<Output = Result<Vec<u8>, ChainError>> + Send;
    /// `author_submitExtrinsic`: returns the extrinsic's hash.
    fn submit(&self, xt: Vec<u8>) -> impl Future<Output = Result<[u8; 32], ChainError>> + Send;
    /// `author_submitAndWatchExtrinsic`: statuses until a final one.
    fn submit_and_watch(
        &self,
        xt: Vec<u8>,
    ) -> impl Future<Output = Result<Watch<TxStatus>, ChainError>> + Send;
    /// `chain_subscribeFinalizedHeads`.
    fn subscribe_heads(&self) -> impl Future<Output = Result<Watch<HeadInfo>, ChainError>> + Send;
}

/// Maps a runtime error name to its one-line explanation (`agora_runtime::Error`), if known.
pub fn explain_error(name: &str) -> Option<String> {
    agora_runtime::Error::ALL
        .iter()
        .find(|e| e.name() == name)
        .map(ToString::to_string)
}

/// Explains a transaction rejection reason (the node's pool and validity checks).
pub fn explain_rejection(reason: &str) -> &'static str {
    match reason {
        "Stale" => "the nonce was already used (another transaction from this key got in first)",
        "Future" | "FutureTooFar" => "the nonce is ahead of the account's next nonce",
        "CannotPayFee" => {
            "the signer cannot pay the transaction fee and keep the existential deposit"
        }
        "BadSignature" => {
            "the signature does not verify for this chain (wrong genesis hash or key)"
        }
        "BadEncoding" => "the bytes are not a valid extrinsic",
        "TooLarge" => "the extrinsic exceeds the size limit",
        "UnsupportedVersion" => "the extrinsic format version is not supported by this node",
        "AlreadyKnown" => "the same transaction is already in the pool",
        "ReplacementUnderpriced" => {
            "a transaction with this nonce is pooled with an equal or higher fee"
        }
        "SenderLimit" => "the sender has too many transactions in the pool",
        "PoolFull" => "the transaction pool is full",
        _ => "the node refused the transaction",
    }
}
