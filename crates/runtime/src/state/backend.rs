//! The committed-state interface and its in-memory implementation.

use std::collections::BTreeMap;

use super::root::state_root;

/// An ordered map of byte keys to byte values: the committed state a block is applied on.
pub trait Backend {
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemBackend {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemBackend {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a change set: inserts and overwrites values, deletes `None` entries.
    pub fn apply(&mut self, changes: ChangeSet) {
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

    /// The state root: a digest of every entry (see [`state_root`]).
    pub fn root(&self) -> [u8; 32] {
        state_root(
            self.entries
                .iter()
                .map(|(k, v)| (k.as_slice(), v.as_slice())),
        )
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
        Self {
            entries: entries.into_iter().collect(),
        }
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

    fn scan_prefix_from(
        &self,
        prefix: &[u8],
        from: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) {
        let start = if from > prefix { from } else { prefix };
        for (k, v) in self.entries.range(start.to_vec()..) {
            if !k.starts_with(prefix) || !visit(k, v) {
                break;
            }
        }
    }
}
