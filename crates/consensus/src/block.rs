//! The block as the engine sees it: the node's encoded block and the id parsed from it.
//!
//! On the wire and in the engine's archives a block is `varint length ‖ node encoding`.
//! Decoding hands the bytes to [`Chain::parse`](crate::Chain::parse), so a block whose body
//! does not match its header never enters the engine, and its digest is always the node's
//! block hash (BLAKE2b-256 of the header).

use std::fmt;
use std::sync::Arc;

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error as CodecError, Read, ReadExt, Write, varint::UInt};
use commonware_consensus::types::Height;
use commonware_cryptography::{Digestible, sha256};

use crate::chain::{BlockId, Chain, RawBlock};

/// The engine's digest type: a 32-byte array. It holds our BLAKE2b-256 block hashes; the
/// `sha256` name is commonware's, and no SHA-256 is ever computed for a block.
pub type Digest = sha256::Digest;

/// A block in the engine.
#[derive(Clone, PartialEq, Eq)]
pub struct Block(pub(crate) RawBlock);

impl Block {
    /// The node's view of the block.
    pub fn raw(&self) -> &RawBlock {
        &self.0
    }
}

impl fmt::Debug for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Block(#{} {})", self.0.id.height, hex(&self.0.id.hash))
    }
}

/// Decoding configuration: the size bound and the chain's parser.
#[derive(Clone)]
pub struct BlockCodec {
    /// Largest accepted encoded block.
    pub max_size: usize,
    /// The chain, whose [`Chain::parse`] validates and identifies blocks.
    pub chain: Arc<dyn Chain>,
}

impl Write for Block {
    fn write(&self, buf: &mut impl BufMut) {
        let len = u32::try_from(self.0.bytes.len()).unwrap_or(u32::MAX);
        UInt(len).write(buf);
        buf.put_slice(&self.0.bytes);
    }
}

impl EncodeSize for Block {
    fn encode_size(&self) -> usize {
        let len = u32::try_from(self.0.bytes.len()).unwrap_or(u32::MAX);
        UInt(len).encode_size() + self.0.bytes.len()
    }
}

impl Read for Block {
    type Cfg = BlockCodec;

    fn read_cfg(buf: &mut impl Buf, cfg: &BlockCodec) -> Result<Self, CodecError> {
        let len: u32 = UInt::read(buf)?.into();
        let len = usize::try_from(len).map_err(|_| CodecError::Invalid("block", "length"))?;
        if len > cfg.max_size {
            return Err(CodecError::InvalidLength(len));
        }
        if buf.remaining() < len {
            return Err(CodecError::EndOfBuffer);
        }
        let mut bytes = vec![0u8; len];
        buf.copy_to_slice(&mut bytes);
        let id = cfg
            .chain
            .parse(&bytes)
            .ok_or(CodecError::Invalid("block", "rejected by the chain"))?;
        Ok(Block(RawBlock {
            id,
            bytes: Arc::new(bytes),
        }))
    }
}

impl commonware_consensus::BoundedBlock for Block {
    fn max_encode_size(cfg: &BlockCodec) -> usize {
        UInt(u32::MAX).encode_size() + cfg.max_size
    }
}

impl Digestible for Block {
    type Digest = Digest;

    fn digest(&self) -> Digest {
        digest(self.0.id.hash)
    }
}

impl commonware_consensus::Heightable for Block {
    fn height(&self) -> Height {
        Height::new(self.0.id.height)
    }
}

impl commonware_consensus::Block for Block {
    fn parent(&self) -> Digest {
        digest(self.0.id.parent)
    }
}

/// The engine digest holding `hash`.
pub(crate) fn digest(hash: [u8; 32]) -> Digest {
    sha256::Digest(hash)
}

/// Wraps a node block for the engine.
pub(crate) fn from_raw(raw: RawBlock) -> Block {
    Block(raw)
}

/// A block id from bytes the chain accepts.
pub(crate) fn parse(chain: &dyn Chain, bytes: Vec<u8>) -> Option<RawBlock> {
    let id: BlockId = chain.parse(&bytes)?;
    Some(RawBlock {
        id,
        bytes: Arc::new(bytes),
    })
}

pub(crate) fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}
