//! The simulator's committed-state store: the runtime's [`Backend`] contract, tuned for
//! millions of small blocks.
//!
//! Like the runtime's `MemBackend`, `SimState` answers point reads from a hash map and keeps
//! a sorted key set beside it for prefix scans, which must come in key order. It differs in
//! two ways that matter at simulation speed: the hasher is a fixed multiplicative hash
//! (FxHash, fine here because the keys are the simulator's own, with no adversary to flood
//! it) instead of SipHash, and it keeps no Merkle tree (the simulator never computes a state
//! root, see [`NodeSource`] below). The hash map is never iterated, so nothing that reaches
//! the runtime depends on its order: scans go through the sorted set.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use agora_runtime::state::{Backend, ChangeSet, MemBackend, Node, NodeKey, NodeSource};

/// FxHash: rotate, xor, multiply per 8-byte word.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap = HashMap<Box<[u8]>, Vec<u8>, BuildHasherDefault<FxHasher>>;

/// A committed state with hashed point reads and ordered scans.
#[derive(Default, Clone)]
pub struct SimState {
    values: FastMap,
    keys: BTreeSet<Box<[u8]>>,
}

impl SimState {
    /// The same entries as `mem`.
    pub fn from_mem(mem: &MemBackend) -> Self {
        let mut s = Self::default();
        for (k, v) in mem.iter() {
            s.values.insert(k.into(), v.to_vec());
            s.keys.insert(k.into());
        }
        s
    }

    /// Applies a block's changes.
    pub fn apply(&mut self, changes: ChangeSet) {
        for (key, value) in changes.0 {
            match value {
                Some(v) => {
                    if let Some(slot) = self.values.get_mut(key.as_slice()) {
                        *slot = v;
                    } else {
                        let k: Box<[u8]> = key.into_boxed_slice();
                        self.keys.insert(k.clone());
                        self.values.insert(k, v);
                    }
                }
                None => {
                    if self.values.remove(key.as_slice()).is_some() {
                        self.keys.remove(key.as_slice());
                    }
                }
            }
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.keys
            .iter()
            .filter_map(|k| self.values.get(k).map(|v| (&k[..], v.as_slice())))
    }
}

/// `SimState` keeps no Merkle tree: the simulator ends every block with
/// `BlockBuilder::finish_unrooted`, which never reads a node, so maintaining one (hashing
/// every changed path per block) would be pure cost. A rooted `finish` over this store
/// would see an empty tree; [`crate::chain::SimChain`] never calls it.
impl NodeSource for SimState {
    fn node(&self, _pos: &NodeKey) -> Option<Node> {
        None
    }
}

impl Backend for SimState {
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
        self.scan_range(prefix, from.max(prefix), visit);
    }
}

impl SimState {
    /// Visits the entries with keys `≥ start` that start with `prefix`, in key order.
    fn scan_range(&self, prefix: &[u8], start: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) {
        use std::ops::Bound;
        for k in self
            .keys
            .range::<[u8], _>((Bound::Included(start), Bound::Unbounded))
        {
            if !k.starts_with(prefix) {
                break;
            }
            let Some(v) = self.values.get(k) else {
                continue;
            };
            if !visit(k, v) {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_mem_backend() {
        let mut mem = MemBackend::new();
        let mut changes = BTreeMap::new();
        for i in 0u32..200 {
            let k = format!("item{}\0{:04}", i % 7, i).into_bytes();
            changes.insert(k, Some(i.to_le_bytes().to_vec()));
        }
        mem.apply(ChangeSet(changes.clone()));
        let mut sim = SimState::from_mem(&MemBackend::new());
        sim.apply(ChangeSet(changes));
        let mut del = BTreeMap::new();
        del.insert(b"item3\0".to_vec(), None);
        for i in (0u32..200).step_by(3) {
            let k = format!("item{}\0{:04}", i % 7, i).into_bytes();
            del.insert(k.clone(), if i % 2 == 0 { None } else { Some(vec![9]) });
        }
        mem.apply(ChangeSet(del.clone()));
        sim.apply(ChangeSet(del));
        assert_eq!(sim.len(), mem.len());
        assert!(sim.iter().eq(mem.iter()));
        for p in [&b"item2"[..], b"item", b"x", b""] {
            let mut a = Vec::new();
            let mut b = Vec::new();
            mem.scan_prefix(p, &mut |k, v| {
                a.push((k.to_vec(), v.to_vec()));
                true
            });
            sim.scan_prefix(p, &mut |k, v| {
                b.push((k.to_vec(), v.to_vec()));
                true
            });
            assert_eq!(a, b);
            for from in [&b"item2\x000010"[..], b"item", b"item9", b"a", b"zz"] {
                let mut a = Vec::new();
                let mut b = Vec::new();
                mem.scan_prefix_from(p, from, &mut |k, _| {
                    a.push(k.to_vec());
                    true
                });
                sim.scan_prefix_from(p, from, &mut |k, _| {
                    b.push(k.to_vec());
                    true
                });
                assert_eq!(a, b);
            }
        }
        assert_eq!(sim.get(b"item1\x000001"), mem.get(b"item1\x000001"));
        assert!(sim.get(b"item1\x000001").is_some());
        assert_eq!(sim.get(b"nope"), None);
    }
}
