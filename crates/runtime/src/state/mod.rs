//! Runtime state behind a small ordered key-value interface.
//!
//! # Design
//! The runtime never talks to a database. It reads committed state through [`Backend`] (an
//! ordered map of byte keys to byte values) and writes through an [`Overlay`], a stack of
//! change layers on top of that backend. A block opens the bottom layer; each extrinsic opens
//! one more, which is merged down on success and dropped on failure, so a failed call leaves
//! no trace. When the block is done, [`Overlay::into_changes`] yields a [`ChangeSet`] that the
//! node applies to its store atomically (the in-memory [`MemBackend`] here, an embedded
//! database in `agora-storage`).
//!
//! Typed access ([`typed`]) sits on top: every storage item has a unique name, an
//! order-preserving key encoding and a SCALE-encoded value.
//!
//! # Invariants
//! - Reads see exactly the writes of the open layers over the backend, newest first.
//! - Iteration order is the byte order of keys, the same for every backend.
//! - The state root ([`merkle`]) depends only on the set of entries, never on how they were
//!   written; every backend stores the nodes [`merkle::update`] computes, so a state has one
//!   root in memory and on disk.

mod backend;
pub mod merkle;
mod overlay;
pub mod typed;

pub use backend::{Backend, ChangeSet, MemBackend};
pub use merkle::{Node, NodeKey, NodeSource, TreeChanges, TreeUpdate};
pub use overlay::Overlay;
pub use typed::{KeyPart, Map, Value};

/// The root of a state holding exactly `entries`, computed from scratch (for tests and
/// tools; a backend maintains its root incrementally).
pub fn state_root<'a>(entries: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> [u8; 32] {
    let changes = ChangeSet(
        entries
            .map(|(k, v)| (k.to_vec(), Some(v.to_vec())))
            .collect(),
    );
    merkle::update(&merkle::MemTree::default(), &changes).root
}
