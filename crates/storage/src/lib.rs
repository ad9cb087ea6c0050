//! The node's persistent store: the runtime's state with its Merkle tree, the finalized
//! blocks, their receipts and the chain's metadata, in one redb database.
//!
//! # Design
//! The runtime is pure and never sees this crate: it reads through
//! [`agora_runtime::state::Backend`], which [`Snapshot`] implements over a redb read
//! transaction, and hands back a [`ChangeSet`] plus the Merkle tree's node writes
//! ([`agora_runtime::state::TreeChanges`]). [`Store::commit_block`] writes all of it, the block,
//! its receipts, the extrinsic index and the new head in **one** write transaction: redb's
//! commit is atomic and durable (copy-on-write pages, checksummed roots, `fsync` before it
//! returns), so after a crash at any instant the store holds either the previous block or the
//! new one, never a mix.
//!
//! Blocks and receipts are opaque bytes here (their format belongs to `agora-node`); this
//! crate only indexes them by number, hash and extrinsic hash.
//!
//! # Invariants
//! - The stored tree nodes are always those of the stored entries, so [`Snapshot::root`] is
//!   the state root of the head block (the runtime's `merkle` module computes both).
//! - Heights are contiguous from 0 (genesis); [`Store::commit_block`] accepts only the block
//!   after the head, built on the head's hash.
//! - A failed commit changes nothing.

mod layered;
mod store;

pub use layered::Layered;
pub use store::{BlockCommit, Head, Snapshot, Store, StoreError, TxLocation};

pub use agora_runtime::state::{Backend, ChangeSet, TreeChanges};
