//! The interface between the engine and the chain: plain Rust, no commonware types, so the
//! node implements it without compiling against the engine's generics.

use std::sync::Arc;

/// A 32-byte hash (the node's BLAKE2b-256 block hash).
pub type Hash = [u8; 32];

/// What the engine must know about a block: its identity and place in the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockId {
    /// The block's hash (what consensus votes on).
    pub hash: Hash,
    /// The parent's hash.
    pub parent: Hash,
    /// Height (0 = genesis).
    pub height: u64,
    /// Proposer's timestamp, milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
}

/// A block as the engine carries it: the node's encoding and the id parsed from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawBlock {
    /// Parsed identity.
    pub id: BlockId,
    /// The node's encoding.
    pub bytes: Arc<Vec<u8>>,
}

/// The consensus round a proposal or verification belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// Consensus view.
    pub view: u64,
    /// The round leader's consensus (ed25519) public key.
    pub leader: [u8; 32],
    /// The engine's clock, milliseconds since the Unix epoch.
    pub now_ms: u64,
}

/// The chain side of consensus, implemented by the node.
///
/// Calls may block (block execution, database commits); the engine runs them on a blocking
/// pool. `ancestors` lists the blocks between what the chain has executed and the parent,
/// oldest first, ending with the parent; it is empty when the parent is already known.
pub trait Chain: Send + Sync + 'static {
    /// Parses an encoded block, checking everything its encoding alone can prove (the body
    /// matches the header's commitments); `None` if it is not a well-formed block.
    fn parse(&self, bytes: &[u8]) -> Option<BlockId>;

    /// True if the chain has executed the block with this hash (committed or pending).
    fn knows(&self, hash: &Hash) -> bool;

    /// Builds a block on `parent` for `round`; `None` to skip the slot.
    fn propose(&self, ancestors: &[RawBlock], parent: &RawBlock, round: &Round) -> Option<Vec<u8>>;

    /// Executes a proposed block on its parent; true if valid in every respect.
    fn verify(&self, ancestors: &[RawBlock], block: &RawBlock, round: &Round) -> bool;

    /// A finalized block. Blocks arrive in height order, at least once (again after a
    /// restart); the chain must have committed the block durably when this returns `Ok`.
    fn finalized(&self, block: &RawBlock) -> Result<(), String>;
}
