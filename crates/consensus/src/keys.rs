//! Validator consensus keys (ed25519) as plain bytes, so the node handles them without
//! commonware types.

use commonware_codec::{DecodeExt, Encode};
use commonware_cryptography::{Signer, ed25519};

/// A validator's secret consensus key (32 bytes).
#[derive(Clone)]
pub struct ValidatorKey(ed25519::PrivateKey);

impl ValidatorKey {
    /// From the 32 secret bytes; `None` if they are not a valid key.
    pub fn from_bytes(secret: &[u8; 32]) -> Option<Self> {
        ed25519::PrivateKey::decode(bytes::Bytes::copy_from_slice(secret))
            .ok()
            .map(Self)
    }

    /// The well-known key of dev validator `i` (derived from the seed `i`; never use it on a
    /// real network).
    pub fn dev(i: u64) -> Self {
        Self(ed25519::PrivateKey::from_seed(i))
    }

    /// The secret bytes.
    pub fn secret(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let enc = self.0.encode();
        let n = enc.len().min(32);
        out[..n].copy_from_slice(&enc[..n]);
        out
    }

    /// The public key.
    pub fn public(&self) -> [u8; 32] {
        public_bytes(&self.0.public_key())
    }

    pub(crate) fn inner(&self) -> &ed25519::PrivateKey {
        &self.0
    }
}

pub(crate) fn public_bytes(pk: &ed25519::PublicKey) -> [u8; 32] {
    let mut out = [0u8; 32];
    let b: &[u8] = pk.as_ref();
    let n = b.len().min(32);
    out[..n].copy_from_slice(&b[..n]);
    out
}

/// Parses a 32-byte public key.
pub(crate) fn public_key(bytes: &[u8; 32]) -> Option<ed25519::PublicKey> {
    ed25519::PublicKey::decode(bytes::Bytes::copy_from_slice(bytes)).ok()
}
