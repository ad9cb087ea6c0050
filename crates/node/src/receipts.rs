//! What the store keeps per block besides the block: events and one receipt per extrinsic.

use agora_primitives::AccountId;
use agora_runtime::Event;
use parity_scale_codec::{Decode, Encode};

/// One extrinsic's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StoredReceipt {
    /// Extrinsic hash.
    pub hash: [u8; 32],
    /// Signer.
    pub signer: AccountId,
    /// Nonce used.
    pub nonce: u32,
    /// Fee charged (rao).
    pub fee: u64,
    /// The call's error name, if it failed (fee and nonce are spent either way).
    pub error: Option<String>,
    /// Events it emitted.
    pub events: Vec<Event>,
}

/// A block's events and receipts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct StoredReceipts {
    /// Events of `on_initialize`.
    pub initialize_events: Vec<Event>,
    /// Receipts in body order.
    pub receipts: Vec<StoredReceipt>,
}

impl StoredReceipts {
    /// Decodes stored receipts; `None` if corrupt. An empty record (genesis) is no receipts.
    pub fn decode_stored(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() {
            return Some(Self::default());
        }
        Self::decode(&mut &bytes[..]).ok()
    }
}
