//! Blocks: a header and a body of signed extrinsics, SCALE-encoded, hashed with BLAKE2b-256.
//!
//! ```text
//! Header = parent_hash: [u8; 32] ‖ number: u64 ‖ state_root: [u8; 32]
//!        ‖ extrinsics_root: [u8; 32] ‖ timestamp_ms: u64 ‖ proposer: [u8; 32]
//! Block  = header ‖ extrinsics: Vec<Vec<u8>>          (SCALE)
//! hash(block)      = BLAKE2b-256(SCALE(header))
//! extrinsics_root  = binary Merkle root of BLAKE2b-256(extrinsic) (see [`extrinsics_root`])
//! ```
//!
//! # Invariants
//! - [`Block::decode_bounded`] accepts only canonical encodings within the size limits, and
//!   only bodies that match their header's extrinsics root, so a block's hash commits to all
//!   of it.

use agora_primitives::AccountId;
use agora_primitives::hashing::{Blake2b256, blake2_256};
use agora_runtime::extrinsic::MAX_EXTRINSIC_LEN;
use parity_scale_codec::{Decode, DecodeLimit, Encode};

/// Largest encoded block the node builds or accepts.
pub const MAX_BLOCK_SIZE: usize = 8 * 1024 * 1024;
/// Most extrinsics in one block.
pub const MAX_BLOCK_EXTRINSICS: usize = 20_000;

/// A block header.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Header {
    /// Hash of the parent block (zero for genesis).
    pub parent_hash: [u8; 32],
    /// Height (0 = genesis).
    pub number: u64,
    /// State root after the block.
    pub state_root: [u8; 32],
    /// Merkle root of the body's extrinsic hashes.
    pub extrinsics_root: [u8; 32],
    /// Proposer's clock, milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Account of the proposing validator (receives the fees).
    pub proposer: AccountId,
}

impl Header {
    /// The block hash.
    pub fn hash(&self) -> [u8; 32] {
        blake2_256(&self.encode())
    }
}

/// A block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// Encoded signed extrinsics, in execution order.
    pub extrinsics: Vec<Vec<u8>>,
}

/// Why bytes are not an acceptable block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// Larger than [`MAX_BLOCK_SIZE`].
    #[error("block of {0} bytes exceeds the limit")]
    TooLarge(usize),
    /// Not a canonical SCALE block.
    #[error("malformed block: {0}")]
    Malformed(String),
    /// More than [`MAX_BLOCK_EXTRINSICS`] extrinsics, or one over the extrinsic size limit.
    #[error("block body exceeds the limits")]
    BodyLimits,
    /// The body does not match the header's extrinsics root.
    #[error("extrinsics root mismatch")]
    ExtrinsicsRoot,
}

impl Block {
    /// The block hash (of the header).
    pub fn hash(&self) -> [u8; 32] {
        self.header.hash()
    }

    /// Decodes and checks a block (see the module invariants).
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, BlockError> {
        if bytes.len() > MAX_BLOCK_SIZE {
            return Err(BlockError::TooLarge(bytes.len()));
        }
        let block = Self::decode_all_with_depth_limit(8, &mut &bytes[..])
            .map_err(|e| BlockError::Malformed(e.to_string()))?;
        if block.encode() != bytes {
            return Err(BlockError::Malformed("non-canonical encoding".into()));
        }
        if block.extrinsics.len() > MAX_BLOCK_EXTRINSICS
            || block.extrinsics.iter().any(|x| x.len() > MAX_EXTRINSIC_LEN)
        {
            return Err(BlockError::BodyLimits);
        }
        if extrinsics_root(&block.extrinsics) != block.header.extrinsics_root {
            return Err(BlockError::ExtrinsicsRoot);
        }
        Ok(block)
    }

    /// The genesis block of a chain whose genesis state has `state_root`.
    pub fn genesis(state_root: [u8; 32]) -> Self {
        Self {
            header: Header {
                parent_hash: [0; 32],
                number: 0,
                state_root,
                extrinsics_root: extrinsics_root(&[]),
                timestamp_ms: 0,
                proposer: AccountId::default(),
            },
            extrinsics: Vec::new(),
        }
    }
}

/// Binary Merkle root over the extrinsics' hashes: leaves are `BLAKE2b-256(extrinsic)`, a
/// level pairs neighbours as `BLAKE2b-256(0x01 ‖ left ‖ right)` and carries an odd last node
/// up unchanged; the root of an empty body is 32 zero bytes, of one extrinsic its hash.
pub fn extrinsics_root(extrinsics: &[Vec<u8>]) -> [u8; 32] {
    let mut level: Vec<[u8; 32]> = extrinsics.iter().map(|x| blake2_256(x)).collect();
    if level.is_empty() {
        return [0; 32];
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => {
                    let mut h = Blake2b256::new();
                    h.update(&[1]);
                    h.update(l);
                    h.update(r);
                    h.finalize()
                }
                [single] => *single,
                _ => [0; 32],
            })
            .collect();
    }
    level[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(xts: Vec<Vec<u8>>) -> Block {
        let mut b = Block::genesis([7; 32]);
        b.header.number = 3;
        b.header.extrinsics_root = extrinsics_root(&xts);
        b.extrinsics = xts;
        b
    }

    #[test]
    fn round_trip_and_integrity() {
        let b = block(vec![vec![1, 2], vec![3], vec![4, 5, 6]]);
        let bytes = b.encode();
        assert_eq!(Block::decode_bounded(&bytes), Ok(b.clone()));
        // A tampered body no longer matches the header.
        let mut t = b.clone();
        t.extrinsics[1] = vec![9];
        assert_eq!(
            Block::decode_bounded(&t.encode()),
            Err(BlockError::ExtrinsicsRoot)
        );
        // Trailing bytes and truncation are malformed.
        let mut long = bytes.clone();
        long.push(0);
        assert!(matches!(
            Block::decode_bounded(&long),
            Err(BlockError::Malformed(_))
        ));
        assert!(matches!(
            Block::decode_bounded(&bytes[..bytes.len() - 1]),
            Err(BlockError::Malformed(_))
        ));
    }

    #[test]
    fn extrinsics_root_commits_to_order_and_count() {
        let a = vec![vec![1u8], vec![2u8], vec![3u8]];
        let mut b = a.clone();
        b.swap(0, 1);
        assert_ne!(extrinsics_root(&a), extrinsics_root(&b));
        assert_ne!(extrinsics_root(&a), extrinsics_root(&a[..2]));
        assert_eq!(extrinsics_root(&a[..1]), blake2_256(&[1u8]));
        assert_eq!(extrinsics_root(&[]), [0; 32]);
    }
}
