//! The state root: one 32-byte digest committing to every entry of the state.
//!
//! The root is BLAKE2b-256 over the entries in key order, each framed as
//! `u32 LE key length ‖ key ‖ u32 LE value length ‖ value`, after the domain tag
//! `agora-state-v1`. Framing makes the encoding injective, so two different states never
//! hash the same input. It is a flat commitment (no inclusion proofs); see
//! `docs/runtime.md` for why and for its cost.

use agora_primitives::hashing::Blake2b256;

/// Incremental computation of [`state_root`] for stores that stream their entries.
pub struct StateHasher(Blake2b256);

impl StateHasher {
    /// Starts a root computation.
    pub fn new() -> Self {
        let mut h = Blake2b256::new();
        h.update(b"agora-state-v1");
        Self(h)
    }

    /// Adds the next entry; entries must come in ascending key order.
    pub fn entry(&mut self, key: &[u8], value: &[u8]) {
        for part in [key, value] {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            self.0.update(&len.to_le_bytes());
            self.0.update(part);
        }
    }

    /// The root.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize()
    }
}

impl Default for StateHasher {
    fn default() -> Self {
        Self::new()
    }
}

/// The root of the given entries, which must be in ascending key order.
pub fn state_root<'a>(entries: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> [u8; 32] {
    let mut h = StateHasher::new();
    for (k, v) in entries {
        h.entry(k, v);
    }
    h.finish()
}
