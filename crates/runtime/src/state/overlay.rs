//! Layered, discardable writes over a [`Backend`].

use std::collections::BTreeMap;

use super::backend::{Backend, ChangeSet};
use super::merkle::{self, TreeUpdate};

type Layer = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A stack of change layers over a read-only backend.
///
/// The bottom layer always exists (the block's changes). [`Overlay::begin`] opens a layer for
/// one extrinsic; [`Overlay::commit`] merges it into the layer below and
/// [`Overlay::rollback`] drops it.
pub struct Overlay<'a> {
    base: &'a dyn Backend,
    layers: Vec<Layer>,
}

impl<'a> Overlay<'a> {
    /// An overlay with one empty layer over `base`.
    pub fn new(base: &'a dyn Backend) -> Self {
        Self {
            base,
            layers: vec![Layer::new()],
        }
    }

    /// Number of open layers (at least 1).
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Opens a new layer.
    pub fn begin(&mut self) {
        self.layers.push(Layer::new());
    }

    /// Merges the top layer into the one below. The bottom layer is never merged away.
    pub fn commit(&mut self) {
        if self.layers.len() < 2 {
            return;
        }
        if let Some(top) = self.layers.pop()
            && let Some(below) = self.layers.last_mut()
        {
            below.extend(top);
        }
    }

    /// Drops the top layer and everything written in it. The bottom layer is cleared instead
    /// of removed.
    pub fn rollback(&mut self) {
        if self.layers.len() < 2 {
            if let Some(l) = self.layers.last_mut() {
                l.clear();
            }
            return;
        }
        self.layers.pop();
    }

    /// The current value under `key`.
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        for layer in self.layers.iter().rev() {
            if let Some(v) = layer.get(key) {
                return v.clone();
            }
        }
        self.base.get(key)
    }

    /// True if a value is stored under `key`.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Writes `value` under `key` in the top layer.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.top().insert(key, Some(value));
    }

    /// Deletes `key` in the top layer.
    pub fn delete(&mut self, key: Vec<u8>) {
        self.top().insert(key, None);
    }

    /// Every live entry whose key starts with `prefix`, in ascending key order.
    pub fn scan_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        self.base.scan_prefix(prefix, &mut |k, v| {
            merged.insert(k.to_vec(), Some(v.to_vec()));
            true
        });
        for layer in &self.layers {
            for (k, v) in layer.range(prefix.to_vec()..) {
                if !k.starts_with(prefix) {
                    break;
                }
                merged.insert(k.clone(), v.clone());
            }
        }
        merged
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }

    /// The first `limit` live entries whose key starts with `prefix` and is strictly greater
    /// than `after` (or from the start of the prefix if `after` is `None`), in ascending key
    /// order, without scanning the rest of the prefix.
    ///
    /// Why this is exact: a key among the first `limit` live keys of the merged view is, in
    /// the layer it comes from (the backend or one overlay layer), among that source's first
    /// `limit` keys that are live in the merged view. So taking that many from each source,
    /// merging and cutting to `limit` gives the right answer.
    pub fn scan_prefix_after(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Vec<(Vec<u8>, Vec<u8>)> {
        if limit == 0 {
            return Vec::new();
        }
        let past = |k: &[u8]| after.is_none_or(|a| k > a);
        let start: Vec<u8> = match after {
            Some(a) if a > prefix => a.to_vec(),
            _ => prefix.to_vec(),
        };
        let mut found: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        // From the backend: entries not overridden by a layer, until `limit` are live.
        let mut live = 0usize;
        self.base.scan_prefix_from(prefix, &start, &mut |k, v| {
            if !past(k) {
                return true;
            }
            match self.layer_value(k) {
                Some(Some(nv)) => {
                    found.insert(k.to_vec(), nv.clone());
                    live += 1;
                }
                Some(None) => {}
                None => {
                    found.insert(k.to_vec(), v.to_vec());
                    live += 1;
                }
            }
            live < limit
        });
        // From each layer: keys whose merged value is live.
        for layer in &self.layers {
            let mut live = 0usize;
            for (k, _) in layer.range(start.clone()..) {
                if !k.starts_with(prefix) || live >= limit {
                    break;
                }
                if !past(k) {
                    continue;
                }
                if let Some(v) = self.get(k) {
                    found.insert(k.clone(), v);
                    live += 1;
                }
            }
        }
        found.into_iter().take(limit).collect()
    }

    /// The newest layer's value for `key`: `Some(Some(v))` written, `Some(None)` deleted,
    /// `None` untouched by every layer.
    fn layer_value(&self, key: &[u8]) -> Option<&Option<Vec<u8>>> {
        self.layers.iter().rev().find_map(|l| l.get(key))
    }

    /// Every live key starting with `prefix`, in ascending order.
    pub fn keys_with_prefix(&self, prefix: &[u8]) -> Vec<Vec<u8>> {
        self.scan_prefix(prefix)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    /// Deletes every key starting with `prefix`.
    pub fn delete_prefix(&mut self, prefix: &[u8]) {
        for k in self.keys_with_prefix(prefix) {
            self.delete(k);
        }
    }

    /// All changes of all open layers, flattened, with writes that restore the backend's
    /// value dropped.
    pub fn into_changes(mut self) -> ChangeSet {
        while self.layers.len() > 1 {
            self.commit();
        }
        let bottom = self.layers.pop().unwrap_or_default();
        let base = self.base;
        ChangeSet(
            bottom
                .into_iter()
                .filter(|(k, v)| base.get(k) != *v)
                .collect(),
        )
    }

    /// The changes of all open layers without consuming the overlay.
    pub fn changes(&self) -> ChangeSet {
        let mut flat = Layer::new();
        for layer in &self.layers {
            flat.extend(layer.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        ChangeSet(
            flat.into_iter()
                .filter(|(k, v)| self.base.get(k) != *v)
                .collect(),
        )
    }

    /// The root the backend would have after applying [`Overlay::changes`].
    pub fn root(&self) -> [u8; 32] {
        merkle::update(self.base, &self.changes()).root
    }

    /// [`Overlay::into_changes`] together with the Merkle tree update they cause.
    pub fn into_commit(self) -> (ChangeSet, TreeUpdate) {
        let base = self.base;
        let changes = self.into_changes();
        let tree = merkle::update(base, &changes);
        (changes, tree)
    }

    fn top(&mut self) -> &mut Layer {
        if self.layers.is_empty() {
            self.layers.push(Layer::new());
        }
        let last = self.layers.len() - 1;
        &mut self.layers[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemBackend;

    fn base() -> MemBackend {
        MemBackend::from_entries([
            (b"a1".to_vec(), b"x".to_vec()),
            (b"a2".to_vec(), b"y".to_vec()),
        ])
    }

    #[test]
    fn rollback_discards_only_the_top_layer() {
        let b = base();
        let mut o = Overlay::new(&b);
        o.put(b"a3".to_vec(), b"z".to_vec());
        o.begin();
        o.delete(b"a1".to_vec());
        o.put(b"a2".to_vec(), b"w".to_vec());
        assert_eq!(o.get(b"a1"), None);
        o.rollback();
        assert_eq!(o.get(b"a1"), Some(b"x".to_vec()));
        assert_eq!(o.get(b"a2"), Some(b"y".to_vec()));
        assert_eq!(o.get(b"a3"), Some(b"z".to_vec()));
    }

    #[test]
    fn commit_merges_and_scan_sees_merged_view() {
        let b = base();
        let mut o = Overlay::new(&b);
        o.begin();
        o.delete(b"a1".to_vec());
        o.put(b"a0".to_vec(), b"q".to_vec());
        o.put(b"b0".to_vec(), b"r".to_vec());
        o.commit();
        let keys: Vec<_> = o.keys_with_prefix(b"a");
        assert_eq!(keys, vec![b"a0".to_vec(), b"a2".to_vec()]);
        let mut applied = b.clone();
        let root = o.root();
        applied.apply(o.into_changes());
        assert_eq!(applied.root(), root);
        assert_eq!(applied.len(), 3);
    }

    #[test]
    fn scan_after_pages_through_the_merged_view() {
        let b = MemBackend::from_entries((0u8..10).map(|i| (vec![b'p', i], vec![i])));
        let mut o = Overlay::new(&b);
        o.delete(vec![b'p', 2]);
        o.begin();
        o.put(vec![b'p', 3], vec![33]);
        o.put(vec![b'p', 20], vec![20]);
        o.delete(vec![b'p', 4]);
        o.put(vec![b'q', 0], vec![0]);
        let keys = |after: Option<&[u8]>, n| -> Vec<u8> {
            o.scan_prefix_after(b"p", after, n)
                .into_iter()
                .map(|(k, _)| k[1])
                .collect()
        };
        assert_eq!(keys(None, 3), vec![0, 1, 3]);
        assert_eq!(keys(Some(&[b'p', 1]), 3), vec![3, 5, 6]);
        assert_eq!(keys(Some(&[b'p', 8]), 5), vec![9, 20]);
        assert_eq!(keys(Some(&[b'p', 20]), 5), Vec::<u8>::new());
        assert_eq!(
            o.scan_prefix_after(b"p", Some(&[b'p', 2]), 1),
            vec![(vec![b'p', 3], vec![33])]
        );
        // Every page agrees with the full scan.
        let all: Vec<Vec<u8>> = o.keys_with_prefix(b"p");
        let mut paged = Vec::new();
        let mut cursor: Option<Vec<u8>> = None;
        loop {
            let page = o.scan_prefix_after(b"p", cursor.as_deref(), 2);
            if page.is_empty() {
                break;
            }
            cursor = page.last().map(|(k, _)| k.clone());
            paged.extend(page.into_iter().map(|(k, _)| k));
        }
        assert_eq!(paged, all);
    }

    #[test]
    fn writes_that_restore_the_base_are_not_changes() {
        let b = base();
        let mut o = Overlay::new(&b);
        o.put(b"a1".to_vec(), b"changed".to_vec());
        o.put(b"a1".to_vec(), b"x".to_vec());
        assert!(o.into_changes().is_empty());
    }
}
