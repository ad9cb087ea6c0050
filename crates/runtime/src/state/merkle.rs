//! The state root: a binary sparse Merkle tree over the hashes of the state's keys, updated
//! incrementally, block by block.
//!
//! # Shape
//! Every entry `(key, value)` is a leaf at the path `BLAKE2b-256(key)` (256 bits, most
//! significant bit first). The tree is *compressed*: a subtree that holds exactly one leaf is
//! stored as that leaf at the subtree's top, and an empty subtree is not stored at all. A
//! subtree with two or more leaves is a branch with the hashes of its two halves. So the shape,
//! and with it the root, depends only on the set of entries, never on the order in which they
//! were written (the runtime's invariant "same state, same root").
//!
//! ```text
//! empty  = 32 zero bytes
//! leaf   = BLAKE2b-256(0x00 ‖ BLAKE2b-256(key) ‖ BLAKE2b-256(value))
//! branch = BLAKE2b-256(0x01 ‖ left ‖ right)
//! root   = hash of the node at depth 0 (empty for an empty state)
//! ```
//!
//! Leaves commit to the full key hash, so a leaf lifted to any depth is unambiguous, and the
//! 0x00 / 0x01 tags keep leaves and branches apart (no second-preimage between the two).
//!
//! # Cost
//! A block that changes `k` of `n` entries reads and rewrites about `k · log2(n / k)` + `k`
//! nodes: the cost is proportional to what the block touched, not to the state's size, which
//! is what lets the root scale to a mainnet-size state. The nodes live wherever the state
//! lives ([`Backend::tree_node`](super::Backend::tree_node)): a map in memory, a redb table on
//! disk. [`update`] is the only code that computes them, so memory and disk always agree.
//!
//! # Invariants
//! - [`update`] is a pure function of the stored nodes and the changes.
//! - The nodes of a state are exactly those [`update`] produces from the empty tree with all
//!   of its entries inserted, whatever sequence of change sets led to the state.
//! - A [`Proof`] from [`prove`] verifies against the root for the key's current value (or its
//!   absence) and for nothing else.

use std::collections::BTreeMap;

use agora_primitives::hashing::{Blake2b256, blake2_256};

use super::backend::ChangeSet;

/// A 32-byte node hash.
pub type Hash = [u8; 32];

/// The hash of an empty subtree (and the root of an empty state).
pub const EMPTY: Hash = [0; 32];

/// Depth of a leaf that shares all 255 leading bits with another (the deepest a node can sit).
const MAX_DEPTH: u16 = 256;

/// The position of a node: its depth (0 = root) and the first `depth` bits of the paths below
/// it (the remaining bits are zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeKey {
    depth: u16,
    path: [u8; 32],
}

impl NodeKey {
    /// The root position.
    pub const ROOT: NodeKey = NodeKey {
        depth: 0,
        path: [0; 32],
    };

    /// The position at `depth` on the way to `path` (bits at and beyond `depth` are cleared).
    pub fn new(depth: u16, path: &Hash) -> Self {
        let depth = depth.min(MAX_DEPTH);
        let mut p = *path;
        for (i, byte) in p.iter_mut().enumerate() {
            let start = i * 8;
            let keep = usize::from(depth).saturating_sub(start).min(8);
            // keep the `keep` most significant bits of this byte
            *byte &= if keep == 0 { 0 } else { 0xffu8 << (8 - keep) };
        }
        Self { depth, path: p }
    }

    /// Depth (0 = root).
    pub fn depth(&self) -> u16 {
        self.depth
    }

    /// The child on side `bit` (false = left).
    fn child(&self, bit: bool) -> Self {
        let mut path = self.path;
        if bit {
            set_bit(&mut path, self.depth);
        }
        Self {
            depth: self.depth.saturating_add(1).min(MAX_DEPTH),
            path,
        }
    }

    /// Storage encoding: depth (u16 big-endian) followed by the `ceil(depth / 8)` path bytes
    /// that hold its bits. Injective, and short for the many shallow nodes.
    pub fn encode(&self) -> Vec<u8> {
        let bytes = usize::from(self.depth).div_ceil(8);
        let mut out = Vec::with_capacity(2 + bytes);
        out.extend_from_slice(&self.depth.to_be_bytes());
        out.extend_from_slice(&self.path[..bytes]);
        out
    }

    /// Inverse of [`NodeKey::encode`]; `None` for anything it would not produce.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let (d, rest) = bytes.split_first_chunk::<2>()?;
        let depth = u16::from_be_bytes(*d);
        if depth > MAX_DEPTH || rest.len() != usize::from(depth).div_ceil(8) {
            return None;
        }
        let mut path = [0u8; 32];
        path[..rest.len()].copy_from_slice(rest);
        let key = Self::new(depth, &path);
        (key.path == path).then_some(key)
    }
}

/// A stored node of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// The only entry of its subtree.
    Leaf {
        /// BLAKE2b-256 of the entry's key (its path).
        key: Hash,
        /// BLAKE2b-256 of the entry's value.
        value: Hash,
    },
    /// A subtree with at least two entries.
    Branch {
        /// Hash of the left half (next bit 0).
        left: Hash,
        /// Hash of the right half (next bit 1).
        right: Hash,
    },
}

impl Node {
    /// The node's hash (see the module docs).
    pub fn hash(&self) -> Hash {
        let mut h = Blake2b256::new();
        match self {
            Node::Leaf { key, value } => {
                h.update(&[0]);
                h.update(key);
                h.update(value);
            }
            Node::Branch { left, right } => {
                h.update(&[1]);
                h.update(left);
                h.update(right);
            }
        }
        h.finalize()
    }

    /// Storage encoding: a tag byte (0 leaf, 1 branch) and the two 32-byte hashes.
    pub fn encode(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        let (tag, a, b) = match self {
            Node::Leaf { key, value } => (0, key, value),
            Node::Branch { left, right } => (1, left, right),
        };
        out[0] = tag;
        out[1..33].copy_from_slice(a);
        out[33..].copy_from_slice(b);
        out
    }

    /// Inverse of [`Node::encode`].
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let (tag, rest) = bytes.split_first()?;
        if rest.len() != 64 {
            return None;
        }
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        a.copy_from_slice(&rest[..32]);
        b.copy_from_slice(&rest[32..]);
        match tag {
            0 => Some(Node::Leaf { key: a, value: b }),
            1 => Some(Node::Branch { left: a, right: b }),
            _ => None,
        }
    }
}

/// Read access to the stored nodes of a tree.
pub trait NodeSource {
    /// The node at `pos`, or `None` if that subtree is empty (or `pos` is below a leaf).
    fn node(&self, pos: &NodeKey) -> Option<Node>;
}

/// Node writes of one update: the new node at each position, or `None` to delete it.
pub type TreeChanges = BTreeMap<NodeKey, Option<Node>>;

/// The result of [`update`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeUpdate {
    /// The root after the update.
    pub root: Hash,
    /// The node writes that turn the old tree into the new one.
    pub nodes: TreeChanges,
}

/// The root of the tree stored in `source`.
pub fn root(source: &dyn NodeSource) -> Hash {
    source.node(&NodeKey::ROOT).map_or(EMPTY, |n| n.hash())
}

/// The tree update for applying `changes` to the state whose tree is in `source`.
pub fn update(source: &dyn NodeSource, changes: &ChangeSet) -> TreeUpdate {
    let mut ops: Vec<Op> = changes
        .0
        .iter()
        .map(|(k, v)| (blake2_256(k), v.as_deref().map(blake2_256)))
        .collect();
    ops.sort_by_key(|op| op.0);
    // Two raw keys with one BLAKE2b-256 hash cannot be found; if they were, the last wins
    // rather than corrupting the tree.
    ops.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = later.1;
            true
        } else {
            false
        }
    });
    let mut u = Updater {
        source,
        writes: TreeChanges::new(),
    };
    let existing = if ops.is_empty() {
        None
    } else {
        source.node(&NodeKey::ROOT)
    };
    let root = if ops.is_empty() {
        root(source)
    } else {
        u.apply(NodeKey::ROOT, existing, ops).hash()
    };
    TreeUpdate {
        root,
        nodes: u.writes,
    }
}

/// A change to one leaf: key hash and new value hash (`None` = delete).
type Op = (Hash, Option<Hash>);

/// What a rewritten subtree turned into.
#[derive(Clone, Copy)]
enum Sub {
    Empty,
    Leaf(Hash, Hash),
    Branch(Hash),
    /// A subtree the update did not touch, known by hash only (its node is still stored).
    Untouched(Hash),
}

impl Sub {
    fn hash(&self) -> Hash {
        match *self {
            Sub::Empty => EMPTY,
            Sub::Leaf(key, value) => Node::Leaf { key, value }.hash(),
            Sub::Branch(h) | Sub::Untouched(h) => h,
        }
    }
}

struct Updater<'a> {
    source: &'a dyn NodeSource,
    writes: TreeChanges,
}

impl Updater<'_> {
    /// The current node at `pos`: this update's write if any, else the stored one.
    fn read(&self, pos: &NodeKey) -> Option<Node> {
        match self.writes.get(pos) {
            Some(w) => *w,
            None => self.source.node(pos),
        }
    }

    /// Rewrites the subtree at `pos`, currently `existing`, with `ops` (sorted, non-empty,
    /// every path inside the subtree) and records the node writes.
    fn apply(&mut self, pos: NodeKey, existing: Option<Node>, mut ops: Vec<Op>) -> Sub {
        match existing {
            Some(Node::Branch { left, right }) => {
                let split = ops.partition_point(|(k, _)| !bit(k, pos.depth));
                let right_ops = ops.split_off(split);
                let l = self.side(pos.child(false), left, ops);
                let r = self.side(pos.child(true), right, right_ops);
                self.combine(pos, l, r)
            }
            Some(Node::Leaf { key, value }) => {
                // The lone entry joins the ops unless they rewrite it; then rebuild as if empty.
                if let Err(at) = ops.binary_search_by(|(k, _)| k.cmp(&key)) {
                    ops.insert(at, (key, Some(value)));
                }
                self.build(pos, ops)
            }
            None => self.build(pos, ops),
        }
    }

    /// One half of a branch: untouched if no op falls in it, else rewritten.
    fn side(&mut self, pos: NodeKey, hash: Hash, ops: Vec<Op>) -> Sub {
        if ops.is_empty() {
            return if hash == EMPTY {
                Sub::Empty
            } else {
                Sub::Untouched(hash)
            };
        }
        let existing = if hash == EMPTY { None } else { self.read(&pos) };
        self.apply(pos, existing, ops)
    }

    /// Builds the subtree at `pos` from `ops` alone (no stored node below it counts).
    fn build(&mut self, pos: NodeKey, mut ops: Vec<Op>) -> Sub {
        ops.retain(|(_, v)| v.is_some());
        match ops.as_slice() {
            [] => {
                self.writes.insert(pos, None);
                Sub::Empty
            }
            [(key, Some(value))] => {
                self.writes.insert(
                    pos,
                    Some(Node::Leaf {
                        key: *key,
                        value: *value,
                    }),
                );
                Sub::Leaf(*key, *value)
            }
            _ if pos.depth >= MAX_DEPTH => {
                // Unreachable without a hash collision (see `update`); keep the last entry.
                let last = ops.len() - 1;
                let rest = ops.split_off(last);
                self.build(pos, rest)
            }
            _ => {
                let split = ops.partition_point(|(k, _)| !bit(k, pos.depth));
                let right_ops = ops.split_off(split);
                let l = self.build_side(pos.child(false), ops);
                let r = self.build_side(pos.child(true), right_ops);
                self.combine(pos, l, r)
            }
        }
    }

    fn build_side(&mut self, pos: NodeKey, ops: Vec<Op>) -> Sub {
        if ops.is_empty() {
            // Nothing is stored below an empty subtree or a leaf.
            Sub::Empty
        } else {
            self.build(pos, ops)
        }
    }

    /// Joins two rewritten halves into the node at `pos`, lifting a lone leaf.
    fn combine(&mut self, pos: NodeKey, l: Sub, r: Sub) -> Sub {
        let (lone, lone_pos) = match (l, r) {
            (Sub::Empty, Sub::Empty) => {
                self.writes.insert(pos, None);
                return Sub::Empty;
            }
            (Sub::Empty, other) => (other, pos.child(true)),
            (other, Sub::Empty) => (other, pos.child(false)),
            (l, r) => {
                let node = Node::Branch {
                    left: l.hash(),
                    right: r.hash(),
                };
                self.writes.insert(pos, Some(node));
                return Sub::Branch(node.hash());
            }
        };
        // One half is empty: if the other holds a single leaf, it moves up to `pos`.
        let leaf = match lone {
            Sub::Leaf(k, v) => Some((k, v)),
            Sub::Untouched(_) => match self.read(&lone_pos) {
                Some(Node::Leaf { key, value }) => Some((key, value)),
                _ => None,
            },
            Sub::Branch(_) | Sub::Empty => None,
        };
        match leaf {
            Some((key, value)) => {
                self.writes.insert(lone_pos, None);
                self.writes.insert(pos, Some(Node::Leaf { key, value }));
                Sub::Leaf(key, value)
            }
            None => {
                let (left, right) = if lone_pos == pos.child(false) {
                    (lone.hash(), EMPTY)
                } else {
                    (EMPTY, lone.hash())
                };
                let node = Node::Branch { left, right };
                self.writes.insert(pos, Some(node));
                Sub::Branch(node.hash())
            }
        }
    }
}

/// Bit `i` of `path` (most significant first).
fn bit(path: &Hash, i: u16) -> bool {
    let i = usize::from(i);
    i < 256 && path[i / 8] & (0x80 >> (i % 8)) != 0
}

fn set_bit(path: &mut Hash, i: u16) {
    let i = usize::from(i);
    if i < 256 {
        path[i / 8] |= 0x80 >> (i % 8);
    }
}

/// A proof of a key's value, or of its absence, against a root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// Sibling hashes from the root down to where the key's path ends.
    pub siblings: Vec<Hash>,
    /// The leaf where the path ends (the key's own, or another key's, proving absence), or
    /// `None` if it ends in an empty subtree.
    pub leaf: Option<(Hash, Hash)>,
}

/// The proof for `key` in the tree stored in `source`.
pub fn prove(source: &dyn NodeSource, key: &[u8]) -> Proof {
    let path = blake2_256(key);
    let mut siblings = Vec::new();
    let mut pos = NodeKey::ROOT;
    loop {
        match source.node(&pos) {
            None => {
                return Proof {
                    siblings,
                    leaf: None,
                };
            }
            Some(Node::Leaf { key, value }) => {
                return Proof {
                    siblings,
                    leaf: Some((key, value)),
                };
            }
            Some(Node::Branch { left, right }) => {
                let b = bit(&path, pos.depth);
                let (next, sibling) = if b { (right, left) } else { (left, right) };
                siblings.push(sibling);
                if next == EMPTY {
                    return Proof {
                        siblings,
                        leaf: None,
                    };
                }
                pos = pos.child(b);
            }
        }
    }
}

impl Proof {
    /// True if the proof shows that `key` holds `value` (`None` = absent) under `root`.
    pub fn verify(&self, root: &Hash, key: &[u8], value: Option<&[u8]>) -> bool {
        let path = blake2_256(key);
        let matches = match (&self.leaf, value) {
            (Some((k, v)), Some(value)) => *k == path && *v == blake2_256(value),
            (Some((k, _)), None) => *k != path,
            (None, None) => true,
            (None, Some(_)) => false,
        };
        if !matches || self.siblings.len() > usize::from(MAX_DEPTH) {
            return false;
        }
        // A leaf of another key must sit where our path leaves the branches, i.e. share the
        // proof's prefix with our path.
        if let Some((k, _)) = &self.leaf {
            for (i, _) in self.siblings.iter().enumerate() {
                let depth = u16::try_from(i).unwrap_or(MAX_DEPTH);
                if bit(k, depth) != bit(&path, depth) {
                    return false;
                }
            }
        }
        let mut h = match &self.leaf {
            Some((key, value)) => Node::Leaf {
                key: *key,
                value: *value,
            }
            .hash(),
            None => EMPTY,
        };
        for (i, sibling) in self.siblings.iter().enumerate().rev() {
            let depth = u16::try_from(i).unwrap_or(MAX_DEPTH);
            let node = if bit(&path, depth) {
                Node::Branch {
                    left: *sibling,
                    right: h,
                }
            } else {
                Node::Branch {
                    left: h,
                    right: *sibling,
                }
            };
            h = node.hash();
        }
        h == *root
    }
}

/// Nodes held in memory (the in-memory backend's tree).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemTree {
    nodes: BTreeMap<NodeKey, Node>,
}

impl MemTree {
    /// Applies the node writes of an update.
    pub fn apply(&mut self, changes: TreeChanges) {
        for (pos, node) in changes {
            match node {
                Some(n) => {
                    self.nodes.insert(pos, n);
                }
                None => {
                    self.nodes.remove(&pos);
                }
            }
        }
    }

    /// Number of stored nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True if no node is stored (the empty tree).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every stored node in position order.
    pub fn iter(&self) -> impl Iterator<Item = (&NodeKey, &Node)> {
        self.nodes.iter()
    }
}

impl NodeSource for MemTree {
    fn node(&self, pos: &NodeKey) -> Option<Node> {
        self.nodes.get(pos).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(items: &[(&[u8], Option<&[u8]>)]) -> ChangeSet {
        ChangeSet(
            items
                .iter()
                .map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec)))
                .collect(),
        )
    }

    fn applied(tree: &mut MemTree, c: &ChangeSet) -> Hash {
        let u = update(tree, c);
        tree.apply(u.nodes);
        assert_eq!(root(tree), u.root);
        u.root
    }

    #[test]
    fn empty_and_single_leaf() {
        let mut t = MemTree::default();
        assert_eq!(root(&t), EMPTY);
        let r = applied(&mut t, &changes(&[(b"k", Some(b"v"))]));
        let leaf = Node::Leaf {
            key: blake2_256(b"k"),
            value: blake2_256(b"v"),
        };
        assert_eq!(r, leaf.hash());
        assert_eq!(t.len(), 1);
        let r = applied(&mut t, &changes(&[(b"k", None)]));
        assert_eq!(r, EMPTY);
        assert!(t.is_empty());
    }

    #[test]
    fn deleting_back_restores_the_same_nodes() {
        let mut t = MemTree::default();
        applied(&mut t, &changes(&[(b"a", Some(b"1")), (b"b", Some(b"2"))]));
        let before = t.clone();
        applied(&mut t, &changes(&[(b"c", Some(b"3")), (b"d", Some(b"4"))]));
        applied(&mut t, &changes(&[(b"c", None), (b"d", None)]));
        assert_eq!(t, before);
    }

    #[test]
    fn node_key_encoding_round_trips() {
        let path = blake2_256(b"x");
        for depth in [0u16, 1, 7, 8, 9, 100, 255, 256] {
            let k = NodeKey::new(depth, &path);
            assert_eq!(NodeKey::decode(&k.encode()), Some(k));
        }
        // bits set beyond the depth are not a valid encoding
        assert_eq!(NodeKey::decode(&[0, 1, 0x40]), None);
        assert_eq!(NodeKey::decode(&[1, 1]), None);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Small keys so that sequences often overwrite and delete what they wrote before.
    fn change_set() -> impl Strategy<Value = ChangeSet> {
        proptest::collection::btree_map(
            proptest::collection::vec(0u8..4, 0..3),
            proptest::option::weighted(0.7, proptest::collection::vec(any::<u8>(), 0..3)),
            0..12,
        )
        .prop_map(ChangeSet)
    }

    proptest! {
        #[test]
        fn incremental_tree_equals_tree_built_from_scratch(
            steps in proptest::collection::vec(change_set(), 1..8)
        ) {
            let mut tree = MemTree::default();
            let mut entries: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
            for step in &steps {
                let u = update(&tree, step);
                tree.apply(u.nodes);
                prop_assert_eq!(root(&tree), u.root);
                for (k, v) in &step.0 {
                    match v {
                        Some(v) => { entries.insert(k.clone(), v.clone()); }
                        None => { entries.remove(k); }
                    }
                }
                let all = ChangeSet(entries.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect());
                let mut fresh = MemTree::default();
                fresh.apply(update(&fresh, &all).nodes);
                prop_assert_eq!(&fresh, &tree);
                // Proofs: every present key proves its value, absent keys prove absence,
                // and no proof verifies a wrong value.
                for k in (0u8..4).flat_map(|a| (0u8..4).map(move |b| vec![a, b])) {
                    let p = prove(&tree, &k);
                    let v = entries.get(&k).map(Vec::as_slice);
                    prop_assert!(p.verify(&u.root, &k, v));
                    prop_assert!(!p.verify(&u.root, &k, Some(b"not-a-value")));
                    if v.is_some() {
                        prop_assert!(!p.verify(&u.root, &k, None));
                    }
                }
            }
        }
    }
}
