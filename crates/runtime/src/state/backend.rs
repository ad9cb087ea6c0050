//! The committed-state interface and its in-memory implementation.

use std::collections::BTreeMap;

use super::merkle::{self, MemTree, Node, NodeKey, NodeSource, TreeChanges};

/// An ordered map of byte keys to byte values, with the nodes of its Merkle tree
/// ([`NodeSource`], see [`merkle`]): the committed state a block is applied on.
pub trait Backend: NodeSource {
    /// The value stored under `key`, if any.
    fn get(&self, key: &[u8]) -> Option<Vec<u8>>;

    /// Calls `visit` for every entry whose key starts with `prefix`, in ascending key order,
    /// until `visit` returns `false`.
    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool);
}

/// The net effect of a block: for each touched key its new value, or `None` if deleted.
///
/// Keys are sorted, so applying a change set is deterministic whatever the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet(pub BTreeMap<Vec<u8>, Option<Vec<u8>>>);

impl ChangeSet {
    /// Number of touched keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if nothing changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A [`Backend`] held entirely in memory (tests, the simulator and the node's working copy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemBackend {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
    tree: MemTree,
}

impl MemBackend {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a change set: inserts and overwrites values, deletes `None` entries, and
    /// updates the Merkle tree.
    pub fn apply(&mut self, changes: ChangeSet) {
        let tree = merkle::update(&self.tree, &changes).nodes;
        self.apply_with_tree(changes, tree);
    }

    /// Applies a change set whose tree update is already known (from
    /// [`BlockOutput`](crate::chain::BlockOutput)); `tree` must be
    /// `merkle::update(self, &changes).nodes`.
    pub fn apply_with_tree(&mut self, changes: ChangeSet, tree: TreeChanges) {
        self.tree.apply(tree);
        for (key, value) in changes.0 {
            match value {
                Some(v) => {
                    self.entries.insert(key, v);
                }
                None => {
                    self.entries.remove(&key);
                }
            }
        }
    }

    /// The state root (see [`merkle`]).
    pub fn root(&self) -> [u8; 32] {
        merkle::root(&self.tree)
    }

    /// The Merkle tree's stored nodes.
    pub fn tree(&self) -> &MemTree {
        &self.tree
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the state holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.entries
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
    }

    /// Builds a state from entries (e.g. loaded from disk).
    pub fn from_entries(entries: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Self {
        let mut state = Self::new();
        state.apply(ChangeSet(
            entries.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        ));
        state
    }
}

impl NodeSource for MemBackend {
    fn node(&self, pos: &NodeKey) -> Option<Node> {
        self.tree.node(pos)
    }
}

impl Backend for MemBackend {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.entries.get(key).cloned()
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) {
        for (k, v) in self.entries.range(prefix.to_vec()..) {
            if !k.starts_with(prefix) || !visit(k, v) {
                break;
            }
        }
    }
}
