//! The redb database: tables, the block commit and read snapshots.

use std::path::Path;
use std::sync::Arc;

use agora_runtime::state::{
    Backend, ChangeSet, MemBackend, Node, NodeKey, NodeSource, TreeChanges,
};
use redb::{
    Database, ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableDefinition,
};

/// State entries: raw key → value.
const STATE: TableDefinition<'_, &[u8], &[u8]> = TableDefinition::new("state");
/// Merkle tree nodes: `NodeKey::encode` → `Node::encode`.
const TREE: TableDefinition<'_, &[u8], &[u8]> = TableDefinition::new("tree");
/// Finalized blocks by number (the node's encoding).
const BLOCKS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("blocks");
/// Block hash → number.
const BLOCK_NUMBERS: TableDefinition<'_, &[u8; 32], u64> = TableDefinition::new("block_numbers");
/// Receipts and events of each block by number (the node's encoding).
const RECEIPTS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("receipts");
/// Extrinsic hash → (block number, index in the block).
const TX_INDEX: TableDefinition<'_, &[u8; 32], (u64, u32)> = TableDefinition::new("tx_index");
/// Chain metadata (see the `META_*` keys).
const META: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("meta");

const META_SCHEMA: &str = "schema";
const META_HEAD: &str = "head";
const META_GENESIS: &str = "genesis";

/// Version of the table layout; a store of another version is refused, not misread.
const SCHEMA_VERSION: u32 = 1;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (IO, corruption, ...).
    #[error("database: {0}")]
    Db(String),
    /// The data directory belongs to another chain or another version.
    #[error("incompatible store: {0}")]
    Incompatible(String),
    /// The block does not extend the head.
    #[error("block {got} does not extend the head (height {head}, hash {head_hash})")]
    NotNext {
        /// The head's height.
        head: u64,
        /// The head's hash, hex.
        head_hash: String,
        /// The offered block's number.
        got: u64,
    },
    /// The store has no genesis yet.
    #[error("the store is not initialised")]
    Empty,
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
db_err!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// The last committed block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Its number (0 = genesis).
    pub number: u64,
    /// Its hash.
    pub hash: [u8; 32],
    /// The state root after it.
    pub state_root: [u8; 32],
}

impl Head {
    fn encode(&self) -> [u8; 72] {
        let mut out = [0u8; 72];
        out[..8].copy_from_slice(&self.number.to_be_bytes());
        out[8..40].copy_from_slice(&self.hash);
        out[40..].copy_from_slice(&self.state_root);
        out
    }

    fn decode(b: &[u8]) -> Option<Self> {
        if b.len() != 72 {
            return None;
        }
        let mut n = [0u8; 8];
        n.copy_from_slice(&b[..8]);
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&b[8..40]);
        let mut state_root = [0u8; 32];
        state_root.copy_from_slice(&b[40..]);
        Some(Self {
            number: u64::from_be_bytes(n),
            hash,
            state_root,
        })
    }
}

/// Where an extrinsic was included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxLocation {
    /// Block number.
    pub block: u64,
    /// Index in the block's body.
    pub index: u32,
}

/// Everything one block commit writes.
pub struct BlockCommit<'a> {
    /// The block's number: the head's plus one.
    pub number: u64,
    /// The block's hash.
    pub hash: [u8; 32],
    /// Its parent's hash: the head's.
    pub parent: [u8; 32],
    /// The block, encoded by the node.
    pub block: &'a [u8],
    /// Its receipts and events, encoded by the node.
    pub receipts: &'a [u8],
    /// Hashes of its extrinsics, in body order.
    pub extrinsics: &'a [[u8; 32]],
    /// The state changes.
    pub changes: &'a ChangeSet,
    /// The tree's node writes for `changes` on the head's state.
    pub tree: &'a TreeChanges,
    /// The state root after the block (the root of the written tree).
    pub state_root: [u8; 32],
}

/// The database. Cheap to clone; all clones share one database.
#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
}

impl Store {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::builder().create(path)?;
        Self::with_db(db)
    }

    /// A database held in memory (ephemeral dev chains, tests).
    pub fn in_memory() -> Result<Self, StoreError> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::with_db(db)
    }

    fn with_db(db: Database) -> Result<Self, StoreError> {
        let tx = db.begin_write()?;
        {
            // Create every table so that readers never see a missing one.
            tx.open_table(STATE)?;
            tx.open_table(TREE)?;
            tx.open_table(BLOCKS)?;
            tx.open_table(BLOCK_NUMBERS)?;
            tx.open_table(RECEIPTS)?;
            tx.open_table(TX_INDEX)?;
            let mut meta = tx.open_table(META)?;
            let schema = meta.get(META_SCHEMA)?.map(|v| v.value().to_vec());
            match schema {
                None => {
                    meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())?;
                }
                Some(v) if v == SCHEMA_VERSION.to_be_bytes() => {}
                Some(v) => {
                    return Err(StoreError::Incompatible(format!(
                        "store schema {v:?}, this node writes {SCHEMA_VERSION}"
                    )));
                }
            }
        }
        tx.commit()?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Writes the genesis state and block 0, or checks that the store already holds this
    /// genesis. Returns the head.
    pub fn init_genesis(
        &self,
        state: &MemBackend,
        genesis_hash: [u8; 32],
        block_hash: [u8; 32],
        block: &[u8],
    ) -> Result<Head, StoreError> {
        if let Some(head) = self.head()? {
            let stored = self.genesis_hash()?;
            if stored != Some(genesis_hash) {
                return Err(StoreError::Incompatible(
                    "the data directory holds another chain (genesis hash differs)".into(),
                ));
            }
            return Ok(head);
        }
        let head = Head {
            number: 0,
            hash: block_hash,
            state_root: state.root(),
        };
        let tx = self.db.begin_write()?;
        {
            let mut st = tx.open_table(STATE)?;
            for (k, v) in state.iter() {
                st.insert(k, v)?;
            }
            let mut tree = tx.open_table(TREE)?;
            for (pos, node) in state.tree().iter() {
                tree.insert(pos.encode().as_slice(), node.encode().as_slice())?;
            }
            tx.open_table(BLOCKS)?.insert(0, block)?;
            tx.open_table(BLOCK_NUMBERS)?.insert(&block_hash, 0)?;
            tx.open_table(RECEIPTS)?.insert(0, [].as_slice())?;
            let mut meta = tx.open_table(META)?;
            meta.insert(META_GENESIS, genesis_hash.as_slice())?;
            meta.insert(META_HEAD, head.encode().as_slice())?;
        }
        tx.commit()?;
        Ok(head)
    }

    /// Commits one block atomically (see the crate docs).
    pub fn commit_block(&self, c: &BlockCommit<'_>) -> Result<Head, StoreError> {
        let tx = self.db.begin_write()?;
        let head = {
            let mut meta = tx.open_table(META)?;
            let head = meta
                .get(META_HEAD)?
                .and_then(|v| Head::decode(v.value()))
                .ok_or(StoreError::Empty)?;
            if c.number != head.number.saturating_add(1) || c.parent != head.hash {
                return Err(StoreError::NotNext {
                    head: head.number,
                    head_hash: hex(&head.hash),
                    got: c.number,
                });
            }
            let mut st = tx.open_table(STATE)?;
            for (k, v) in &c.changes.0 {
                match v {
                    Some(v) => st.insert(k.as_slice(), v.as_slice())?,
                    None => st.remove(k.as_slice())?,
                };
            }
            let mut tree = tx.open_table(TREE)?;
            for (pos, node) in c.tree {
                let key = pos.encode();
                match node {
                    Some(n) => tree.insert(key.as_slice(), n.encode().as_slice())?,
                    None => tree.remove(key.as_slice())?,
                };
            }
            tx.open_table(BLOCKS)?.insert(c.number, c.block)?;
            tx.open_table(BLOCK_NUMBERS)?.insert(&c.hash, c.number)?;
            tx.open_table(RECEIPTS)?.insert(c.number, c.receipts)?;
            let mut idx = tx.open_table(TX_INDEX)?;
            for (i, h) in c.extrinsics.iter().enumerate() {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                idx.insert(h, (c.number, i))?;
            }
            let new = Head {
                number: c.number,
                hash: c.hash,
                state_root: c.state_root,
            };
            meta.insert(META_HEAD, new.encode().as_slice())?;
            new
        };
        tx.commit()?;
        Ok(head)
    }

    /// The last committed block, or `None` before genesis.
    pub fn head(&self) -> Result<Option<Head>, StoreError> {
        let tx = self.db.begin_read()?;
        let meta = tx.open_table(META)?;
        Ok(meta.get(META_HEAD)?.and_then(|v| Head::decode(v.value())))
    }

    /// The genesis hash the store was initialised with.
    pub fn genesis_hash(&self) -> Result<Option<[u8; 32]>, StoreError> {
        let tx = self.db.begin_read()?;
        let meta = tx.open_table(META)?;
        Ok(meta
            .get(META_GENESIS)?
            .and_then(|v| <[u8; 32]>::try_from(v.value()).ok()))
    }

    /// A consistent read view of the head's state and the stored blocks.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let tx = self.db.begin_read()?;
        Ok(Snapshot {
            state: tx.open_table(STATE)?,
            tree: tx.open_table(TREE)?,
            blocks: tx.open_table(BLOCKS)?,
            numbers: tx.open_table(BLOCK_NUMBERS)?,
            receipts: tx.open_table(RECEIPTS)?,
            tx_index: tx.open_table(TX_INDEX)?,
            head: {
                let meta = tx.open_table(META)?;
                meta.get(META_HEAD)?.and_then(|v| Head::decode(v.value()))
            },
            _tx: tx,
        })
    }
}

/// A read view of the store as of one commit (redb MVCC: later commits do not show).
pub struct Snapshot {
    state: ReadOnlyTable<&'static [u8], &'static [u8]>,
    tree: ReadOnlyTable<&'static [u8], &'static [u8]>,
    blocks: ReadOnlyTable<u64, &'static [u8]>,
    numbers: ReadOnlyTable<&'static [u8; 32], u64>,
    receipts: ReadOnlyTable<u64, &'static [u8]>,
    tx_index: ReadOnlyTable<&'static [u8; 32], (u64, u32)>,
    head: Option<Head>,
    _tx: ReadTransaction,
}

impl Snapshot {
    /// The head as of this snapshot.
    pub fn head(&self) -> Option<Head> {
        self.head
    }

    /// The state root as of this snapshot (from the stored tree).
    pub fn root(&self) -> [u8; 32] {
        agora_runtime::state::merkle::root(self)
    }

    /// The encoded block at `number`.
    pub fn block(&self, number: u64) -> Option<Vec<u8>> {
        self.blocks
            .get(number)
            .ok()
            .flatten()
            .map(|v| v.value().to_vec())
    }

    /// The number of the block with `hash`.
    pub fn block_number(&self, hash: &[u8; 32]) -> Option<u64> {
        self.numbers.get(hash).ok().flatten().map(|v| v.value())
    }

    /// The encoded receipts of block `number`.
    pub fn receipts(&self, number: u64) -> Option<Vec<u8>> {
        self.receipts
            .get(number)
            .ok()
            .flatten()
            .map(|v| v.value().to_vec())
    }

    /// Where the extrinsic with `hash` was included.
    pub fn tx_location(&self, hash: &[u8; 32]) -> Option<TxLocation> {
        self.tx_index.get(hash).ok().flatten().map(|v| {
            let (block, index) = v.value();
            TxLocation { block, index }
        })
    }

    /// Number of state entries and tree nodes.
    pub fn sizes(&self) -> (u64, u64) {
        (self.state.len().unwrap_or(0), self.tree.len().unwrap_or(0))
    }
}

impl NodeSource for Snapshot {
    fn node(&self, pos: &NodeKey) -> Option<Node> {
        let v = self.tree.get(pos.encode().as_slice()).ok().flatten()?;
        Node::decode(v.value())
    }
}

impl Backend for Snapshot {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.state
            .get(key)
            .ok()
            .flatten()
            .map(|v| v.value().to_vec())
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) {
        let Ok(range) = self.state.range(prefix..) else {
            return;
        };
        for item in range {
            let Ok((k, v)) = item else { return };
            if !k.value().starts_with(prefix) || !visit(k.value(), v.value()) {
                return;
            }
        }
    }
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}
