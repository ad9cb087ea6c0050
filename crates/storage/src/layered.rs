//! A state made of a committed base and the changes of blocks not yet committed on it.
//!
//! Consensus may ask for a block on a parent that is notarized but not yet finalized, so the
//! node executes blocks on the committed state plus the outputs of the pending blocks between
//! the two. Each layer is one block's [`ChangeSet`] with its tree node writes; newer layers
//! shadow older ones and the base.

use std::collections::BTreeMap;

use agora_runtime::state::{Backend, ChangeSet, Node, NodeKey, NodeSource, TreeChanges};

/// The base state with block layers on top (oldest first).
pub struct Layered<'a> {
    base: &'a dyn Backend,
    layers: Vec<(&'a ChangeSet, &'a TreeChanges)>,
}

impl<'a> Layered<'a> {
    /// `base` with `layers` applied in order (oldest first).
    pub fn new(base: &'a dyn Backend, layers: Vec<(&'a ChangeSet, &'a TreeChanges)>) -> Self {
        Self { base, layers }
    }
}

impl NodeSource for Layered<'_> {
    fn node(&self, pos: &NodeKey) -> Option<Node> {
        for (_, tree) in self.layers.iter().rev() {
            if let Some(n) = tree.get(pos) {
                return *n;
            }
        }
        self.base.node(pos)
    }
}

impl Backend for Layered<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        for (changes, _) in self.layers.iter().rev() {
            if let Some(v) = changes.0.get(key) {
                return v.clone();
            }
        }
        self.base.get(key)
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) {
        if self.layers.is_empty() {
            return self.base.scan_prefix(prefix, visit);
        }
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        self.base.scan_prefix(prefix, &mut |k, v| {
            merged.insert(k.to_vec(), Some(v.to_vec()));
            true
        });
        for (changes, _) in &self.layers {
            for (k, v) in changes.0.range(prefix.to_vec()..) {
                if !k.starts_with(prefix) {
                    break;
                }
                merged.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in &merged {
            if let Some(v) = v
                && !visit(k, v)
            {
                return;
            }
        }
    }
}
