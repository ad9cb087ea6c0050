//! The committed-state interface and its in-memory implementation.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use super::merkle::{self, MemTree, Node, NodeKey, NodeSource, TreeChanges};

/// An ordered map of byte keys to byte values, with the nodes of its Merkle tree
/// ([`NodeSource`], see [`merkle`]): the committed state a block is applied on.
pub trait Backend: NodeSource {
    /// The value stored under `key`, if any.
    fn get(&self, key: &[u8]) -> Option<Vec<u8>>;

    /// Calls `visit` for every entry whose key starts with `prefix`, in ascending key order,
    /// until `visit` returns `false`.
    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool);

    /// Like [`Backend::scan_prefix`], but starting at the first key `≥ from` (keys below `from`
    /// are not visited). The default skips them; ordered stores override it with a seek.
    fn scan_prefix_from(
        &self,
        prefix: &[u8],
        from: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) {
        self.scan_prefix(prefix, &mut |k, v| k < from || visit(k, v));
    }
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
///
/// Values live in a hash map, so a point read costs one hash of the key rather than a
/// descent through a B-tree of long, prefix-sharing keys (the runtime's reads are mostly
/// point reads: a block at mainnet scale does tens of thousands). The keys are also kept in
/// an ordered set, which is what every scan, the root and [`MemBackend::iter`] walk: nothing
/// ever iterates the hash map, so its order cannot leak into any result.
#[derive(Clone, Default)]
pub struct MemBackend {
    values: HashMap<Vec<u8>, Vec<u8>>,
    keys: BTreeSet<Vec<u8>>,
    tree: MemTree,
}

impl std::fmt::Debug for MemBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for MemBackend {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Eq for MemBackend {}

impl MemBackend {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    fn insert(&mut self, key: Vec<u8>, value: Vec<u8>) {
        if !self.values.contains_key(&key) {
            self.keys.insert(key.clone());
        }
        self.values.insert(key, value);
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
                Some(v) => self.insert(key, v),
                None => {
                    if self.values.remove(&key).is_some() {
                        self.keys.remove(&key);
                    }
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
        self.keys.len()
    }

    /// True if the state holds nothing.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.keys
            .iter()
            .filter_map(|k| self.values.get(k).map(|v| (k.as_slice(), v.as_slice())))
    }

    /// Builds a state from entries (e.g. loaded from disk).
    pub fn from_entries(entries: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Self {
        let mut state = Self::new();
        state.apply(ChangeSet(
            entries.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        ));
        state
    }

    /// Visits the entries with keys in `[start, ..)` that start with `prefix`, in key order.
    fn scan_range(&self, prefix: &[u8], start: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) {
        for k in self
            .keys
            .range::<[u8], _>((Bound::Included(start), Bound::Unbounded))
        {
            if !k.starts_with(prefix) {
                break;
            }
            if let Some(v) = self.values.get(k)
                && !visit(k, v)
            {
                break;
            }
        }
    }
}

impl NodeSource for MemBackend {
    fn node(&self, pos: &NodeKey) -> Option<Node> {
        self.tree.node(pos)
    }
}

impl Backend for MemBackend {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.values.get(key).cloned()
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) {
        self.scan_range(prefix, prefix, visit);
    }

    fn scan_prefix_from(
        &self,
        prefix: &[u8],
        from: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) {
        let start = if from > prefix { from } else { prefix };
        self.scan_range(prefix, start, visit);
    }
}
