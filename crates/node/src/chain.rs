//! The application side of consensus: propose a block from the mempool, verify a proposal by
//! executing it, and commit finalized blocks.
//!
//! Blocks that consensus has seen but not finalized are executed on the committed state plus
//! the outputs of their pending ancestors ([`agora_storage::Layered`]) and kept in memory;
//! when a block is finalized its cached output is committed in one store transaction, so a
//! block is executed once per node. Only finalized blocks reach the store.
//!
//! # Invariants
//! - The store's head is the last finalized block; heights are committed in order, and a
//!   redelivered finalized block (after a restart) is recognised by its hash and skipped.
//! - A verified block matches its header: parent, height, proposer, timestamp window,
//!   extrinsics root (checked on decoding) and state root after execution.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use agora_consensus::{BlockId, Chain, RawBlock, Round};
use agora_primitives::AccountId;
use agora_primitives::hashing::blake2_256;
use agora_runtime::chain::{BlockBuilder, BlockOutput, execute_block};
use agora_storage::{BlockCommit, Head, Layered, Snapshot, Store};
use parity_scale_codec::Encode;
use tokio::sync::broadcast;
use tracing::{debug, info, warn};

use crate::block::{Block, Header, MAX_BLOCK_EXTRINSICS, MAX_BLOCK_SIZE, extrinsics_root};
use crate::events::{Events, HeadInfo, TxStatus, Watchers};
use crate::mempool::{Mempool, Removed};
use crate::metrics::Metrics;
use crate::receipts::{StoredReceipt, StoredReceipts};

/// How far ahead of the verifier's clock a block's timestamp may be.
pub const MAX_CLOCK_DRIFT_MS: u64 = 2_000;

/// A validator: its consensus key and the account its blocks credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validator {
    /// ed25519 consensus public key.
    pub consensus_key: [u8; 32],
    /// Account that receives the fees of its blocks.
    pub account: AccountId,
}

/// Limits on the blocks this node builds.
#[derive(Clone, Debug)]
pub struct BuildLimits {
    /// Most extrinsics per block.
    pub max_extrinsics: usize,
    /// Most body bytes per block.
    pub max_bytes: usize,
    /// Time budget for filling a block.
    pub budget: Duration,
}

impl BuildLimits {
    /// Limits for a block time: half of it for building.
    pub fn for_block_time(block_time: Duration) -> Self {
        Self {
            max_extrinsics: MAX_BLOCK_EXTRINSICS,
            max_bytes: MAX_BLOCK_SIZE - 64 * 1024,
            budget: block_time / 2,
        }
    }
}

/// A block executed but not (yet) committed.
pub struct Executed {
    /// The block.
    pub block: Block,
    /// Its hash.
    pub hash: [u8; 32],
    /// Its encoding.
    pub bytes: Arc<Vec<u8>>,
    /// What executing it produced.
    pub output: BlockOutput,
}

/// The node's chain: store, pending blocks, mempool and notifications.
pub struct NodeChain {
    store: Store,
    genesis_hash: [u8; 32],
    validators: Vec<Validator>,
    limits: BuildLimits,
    pending: Mutex<HashMap<[u8; 32], Arc<Executed>>>,
    /// Serialises commits (finalization is sequential anyway).
    commit_lock: Mutex<()>,
    mempool: Mutex<Mempool>,
    /// Notification channels.
    pub events: Events,
    /// Transaction watchers.
    pub watchers: Watchers,
    /// Metrics.
    pub metrics: Arc<Metrics>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl NodeChain {
    /// A chain over an initialised store.
    pub fn new(
        store: Store,
        genesis_hash: [u8; 32],
        validators: Vec<Validator>,
        limits: BuildLimits,
        mempool: Mempool,
        metrics: Arc<Metrics>,
    ) -> Self {
        let chain = Self {
            store,
            genesis_hash,
            validators,
            limits,
            pending: Mutex::new(HashMap::new()),
            commit_lock: Mutex::new(()),
            mempool: Mutex::new(mempool),
            events: Events::new(),
            watchers: Watchers::default(),
            metrics,
        };
        if let Ok(Some(head)) = chain.store.head() {
            chain.metrics.set_heights(head.number, head.number);
        }
        chain
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The runtime genesis hash (bound into signatures).
    pub fn genesis_hash(&self) -> [u8; 32] {
        self.genesis_hash
    }

    /// The committed head.
    pub fn head(&self) -> Result<Head, String> {
        self.store
            .head()
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "store not initialised".to_string())
    }

    /// Best (highest executed) pending block, if any is above the committed head.
    pub fn best(&self) -> Option<(u64, [u8; 32])> {
        lock(&self.pending)
            .values()
            .map(|e| (e.block.header.number, e.hash))
            .max()
    }

    /// Submits an extrinsic to the mempool, checked against the committed state.
    pub fn submit(&self, bytes: Vec<u8>) -> Result<[u8; 32], crate::mempool::Rejection> {
        let snap = self.store.snapshot().map_err(|e| {
            crate::mempool::Rejection::BadEncoding(format!("store unavailable: {e}"))
        })?;
        // Decoding and the signature are checked before taking the pool's lock.
        let result = crate::mempool::check(&bytes, &self.genesis_hash)
            .and_then(|xt| lock(&self.mempool).admit(xt, bytes, &snap));
        match &result {
            Ok(admitted) => {
                self.metrics.tx_admitted();
                for r in &admitted.removed {
                    self.watchers.notify(
                        &r.hash,
                        TxStatus::Dropped {
                            reason: r.reason.clone(),
                        },
                    );
                }
                self.watchers.notify(&admitted.hash, TxStatus::Ready);
            }
            Err(r) => self.metrics.tx_rejected(r.name()),
        }
        self.metrics.set_mempool(lock(&self.mempool).len());
        result.map(|a| a.hash)
    }

    /// True if the pool holds `hash`.
    pub fn pooled(&self, hash: &[u8; 32]) -> bool {
        lock(&self.mempool).contains(hash)
    }

    /// Number of pooled transactions.
    pub fn mempool_len(&self) -> usize {
        lock(&self.mempool).len()
    }

    fn account_of(&self, consensus_key: &[u8; 32]) -> Option<AccountId> {
        self.validators
            .iter()
            .find(|v| &v.consensus_key == consensus_key)
            .map(|v| v.account)
    }

    /// The committed snapshot and the pending blocks from its head up to `parent` (oldest
    /// first), or an error if `parent` does not descend from the committed head.
    fn base(&self, parent: &[u8; 32]) -> Result<(Snapshot, Vec<Arc<Executed>>), String> {
        // The snapshot and the pending set must agree: take both under the pending lock,
        // which commits also hold while they swap a block from pending to committed.
        let pending = lock(&self.pending);
        let snap = self.store.snapshot().map_err(|e| e.to_string())?;
        let head = snap.head().ok_or("store not initialised")?;
        let mut chain = Vec::new();
        let mut h = *parent;
        while h != head.hash {
            let e = pending
                .get(&h)
                .ok_or_else(|| format!("parent 0x{} is not known", hex(&h)))?;
            h = e.block.header.parent_hash;
            chain.push(e.clone());
            if chain.len() > 10_000 {
                return Err("pending chain too long".into());
            }
        }
        chain.reverse();
        Ok((snap, chain))
    }

    fn parent_header(
        &self,
        parent: &[u8; 32],
        base: &[Arc<Executed>],
        snap: &Snapshot,
    ) -> Option<Header> {
        if let Some(e) = base.last() {
            return Some(e.block.header.clone());
        }
        let number = snap.block_number(parent)?;
        let bytes = snap.block(number)?;
        Block::decode_bounded(&bytes).ok().map(|b| b.header)
    }

    /// Executes `block` on its parent and checks its header; caches and returns the result.
    fn execute(&self, bytes: Arc<Vec<u8>>) -> Result<Arc<Executed>, String> {
        let block = Block::decode_bounded(&bytes).map_err(|e| e.to_string())?;
        let hash = block.hash();
        if let Some(e) = lock(&self.pending).get(&hash) {
            return Ok(e.clone());
        }
        let started = Instant::now();
        let h = &block.header;
        let (snap, chain) = self.base(&h.parent_hash)?;
        let parent = self
            .parent_header(&h.parent_hash, &chain, &snap)
            .ok_or("parent header unavailable")?;
        if h.number != parent.number + 1 {
            return Err(format!(
                "height {} does not follow {}",
                h.number, parent.number
            ));
        }
        if h.timestamp_ms <= parent.timestamp_ms {
            return Err("timestamp not after the parent's".into());
        }
        let layers: Vec<_> = chain
            .iter()
            .map(|e| (&e.output.changes, &e.output.tree))
            .collect();
        let state = Layered::new(&snap, layers);
        let output = execute_block(&state, h.number, Some(h.proposer), &block.extrinsics)
            .map_err(|(i, e)| format!("extrinsic {i} is invalid: {e}"))?;
        if output.state_root != h.state_root {
            return Err("state root mismatch".into());
        }
        let executed = Arc::new(Executed {
            block,
            hash,
            bytes,
            output,
        });
        lock(&self.pending).insert(hash, executed.clone());
        self.metrics.observe_import(started.elapsed());
        Ok(executed)
    }

    fn ensure_ancestors(&self, ancestors: &[RawBlock]) -> bool {
        for a in ancestors {
            if self.knows(&a.id.hash) {
                continue;
            }
            if let Err(e) = self.execute(a.bytes.clone()) {
                warn!(height = a.id.height, error = %e, "an ancestor does not execute");
                return false;
            }
        }
        true
    }

    /// Builds a block on `parent` from the mempool.
    fn build(
        &self,
        parent_raw: &RawBlock,
        proposer: AccountId,
        now_ms: u64,
    ) -> Result<Arc<Executed>, String> {
        let started = Instant::now();
        let (snap, chain) = self.base(&parent_raw.id.hash)?;
        let parent = self
            .parent_header(&parent_raw.id.hash, &chain, &snap)
            .ok_or("parent header unavailable")?;
        let layers: Vec<_> = chain
            .iter()
            .map(|e| (&e.output.changes, &e.output.tree))
            .collect();
        let state = Layered::new(&snap, layers);
        let number = parent.number + 1;
        let mut builder = BlockBuilder::new(&state, number, Some(proposer));
        let candidates = lock(&self.mempool).ready();
        let mut extrinsics = Vec::new();
        let mut bytes = 0usize;
        let mut invalid: Vec<([u8; 32], agora_runtime::TxError)> = Vec::new();
        let mut blocked: std::collections::HashSet<AccountId> = std::collections::HashSet::new();
        for tx in candidates {
            if extrinsics.len() >= self.limits.max_extrinsics
                || bytes + tx.bytes.len() > self.limits.max_bytes
                || started.elapsed() > self.limits.budget
            {
                break;
            }
            if blocked.contains(&tx.signer) {
                continue;
            }
            // The mempool verified the signature of these exact bytes at admission.
            match builder.apply_preverified(&tx.bytes) {
                Ok(_) => {
                    bytes += tx.bytes.len();
                    extrinsics.push(tx.bytes.clone());
                }
                // Included by a pending ancestor: keep it pooled until that finalizes.
                Err(agora_runtime::TxError::Stale { .. }) => {}
                // A gap before it: its sender's later nonces wait too.
                Err(agora_runtime::TxError::Future { .. }) => {
                    blocked.insert(tx.signer);
                }
                Err(e) => {
                    blocked.insert(tx.signer);
                    invalid.push((tx.hash, e));
                }
            }
        }
        let output = builder.finish();
        if !invalid.is_empty() {
            let mut pool = lock(&self.mempool);
            for (h, e) in &invalid {
                if let Some(r) = pool.reject(h, e) {
                    self.watchers
                        .notify(&r.hash, TxStatus::Dropped { reason: r.reason });
                }
            }
        }
        let block = Block {
            header: Header {
                parent_hash: parent_raw.id.hash,
                number,
                state_root: output.state_root,
                extrinsics_root: extrinsics_root(&extrinsics),
                timestamp_ms: now_ms.max(parent.timestamp_ms + 1),
                proposer,
            },
            extrinsics,
        };
        let hash = block.hash();
        let encoded = Arc::new(block.encode());
        let executed = Arc::new(Executed {
            block,
            hash,
            bytes: encoded,
            output,
        });
        lock(&self.pending).insert(hash, executed.clone());
        self.metrics.observe_build(started.elapsed());
        Ok(executed)
    }

    /// Announces an executed pending block (new head, "in block" statuses).
    fn announce(&self, e: &Executed) {
        self.metrics.set_best(e.block.header.number);
        for (i, x) in e.block.extrinsics.iter().enumerate() {
            let h = blake2_256(x);
            self.watchers.notify(
                &h,
                TxStatus::InBlock {
                    block: hex32(&e.hash),
                    number: e.block.header.number,
                    index: u32::try_from(i).unwrap_or(u32::MAX),
                },
            );
        }
        let _ = self
            .events
            .new_heads
            .send(HeadInfo::of(&e.block.header, e.hash));
    }

    /// Commits a finalized block (see [`Chain::finalized`]).
    fn commit(&self, raw: &RawBlock) -> Result<(), String> {
        let _serial = lock(&self.commit_lock);
        let head = self.head()?;
        if raw.id.height <= head.number {
            let snap = self.store.snapshot().map_err(|e| e.to_string())?;
            return match snap.block_number(&raw.id.hash) {
                Some(n) if n == raw.id.height => Ok(()),
                _ => Err(format!(
                    "finalized block {} at height {} conflicts with the committed chain",
                    hex(&raw.id.hash),
                    raw.id.height
                )),
            };
        }
        if raw.id.height != head.number + 1 || raw.id.parent != head.hash {
            return Err(format!(
                "finalized block at height {} does not extend the head {}",
                raw.id.height, head.number
            ));
        }
        let executed = self.execute(raw.bytes.clone())?;
        let started = Instant::now();
        let receipts = StoredReceipts::from_output(&executed.output);
        let tx_hashes: Vec<[u8; 32]> = executed
            .block
            .extrinsics
            .iter()
            .map(|x| blake2_256(x))
            .collect();
        let encoded_receipts = receipts.encode();
        {
            // Swap pending → committed atomically with respect to `base`.
            let mut pending = lock(&self.pending);
            self.store
                .commit_block(&BlockCommit {
                    number: executed.block.header.number,
                    hash: executed.hash,
                    parent: executed.block.header.parent_hash,
                    block: &executed.bytes,
                    receipts: &encoded_receipts,
                    extrinsics: &tx_hashes,
                    changes: &executed.output.changes,
                    tree: &executed.output.tree,
                    state_root: executed.output.state_root,
                })
                .map_err(|e| e.to_string())?;
            let height = executed.block.header.number;
            pending.retain(|_, e| e.block.header.number > height);
        }
        self.metrics.observe_commit(started.elapsed());
        self.after_commit(&executed, &receipts, &tx_hashes, head.number);
        Ok(())
    }

    fn after_commit(
        &self,
        e: &Executed,
        receipts: &StoredReceipts,
        tx_hashes: &[[u8; 32]],
        prev: u64,
    ) {
        let h = &e.block.header;
        info!(
            number = h.number,
            hash = %hex(&e.hash),
            extrinsics = e.block.extrinsics.len(),
            "finalized"
        );
        self.metrics
            .finalized_block(h.number, h.timestamp_ms, e.block.extrinsics.len());
        debug!(prev, "committed");
        for (i, (hash, r)) in tx_hashes.iter().zip(&receipts.receipts).enumerate() {
            let block = hex32(&e.hash);
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            let status = match &r.error {
                None => TxStatus::Finalized {
                    block,
                    number: h.number,
                    index,
                },
                Some(err) => TxStatus::Failed {
                    block,
                    number: h.number,
                    index,
                    error: err.clone(),
                },
            };
            self.watchers.notify_final(hash, status);
        }
        let stale: Vec<Removed> = match self.store.snapshot() {
            Ok(snap) => lock(&self.mempool).prune(tx_hashes, &snap),
            Err(_) => Vec::new(),
        };
        for r in stale {
            self.watchers
                .notify_final(&r.hash, TxStatus::Dropped { reason: r.reason });
        }
        self.metrics.set_mempool(lock(&self.mempool).len());
        let info = HeadInfo::of(h, e.hash);
        let _ = self.events.finalized_heads.send(info.clone());
        let _ = self
            .events
            .events
            .send(crate::events::BlockEvents::of(info, receipts));
    }

    /// Subscribes to finalized heads.
    pub fn subscribe_finalized(&self) -> broadcast::Receiver<HeadInfo> {
        self.events.finalized_heads.subscribe()
    }
}

impl Chain for NodeChain {
    fn parse(&self, bytes: &[u8]) -> Option<BlockId> {
        let b = Block::decode_bounded(bytes).ok()?;
        Some(BlockId {
            hash: b.hash(),
            parent: b.header.parent_hash,
            height: b.header.number,
            timestamp_ms: b.header.timestamp_ms,
        })
    }

    fn knows(&self, hash: &[u8; 32]) -> bool {
        if lock(&self.pending).contains_key(hash) {
            return true;
        }
        self.store
            .snapshot()
            .ok()
            .and_then(|s| s.block_number(hash))
            .is_some()
    }

    fn propose(&self, ancestors: &[RawBlock], parent: &RawBlock, round: &Round) -> Option<Vec<u8>> {
        if !self.ensure_ancestors(ancestors) {
            return None;
        }
        if !self.knows(&parent.id.hash) && !self.ensure_ancestors(std::slice::from_ref(parent)) {
            return None;
        }
        let proposer = self.account_of(&round.leader)?;
        match self.build(parent, proposer, round.now_ms) {
            Ok(e) => {
                self.announce(&e);
                Some(e.bytes.to_vec())
            }
            Err(err) => {
                warn!(error = %err, "could not build a block");
                None
            }
        }
    }

    fn verify(&self, ancestors: &[RawBlock], block: &RawBlock, round: &Round) -> bool {
        if !self.ensure_ancestors(ancestors) {
            return false;
        }
        let Ok(decoded) = Block::decode_bounded(&block.bytes) else {
            return false;
        };
        if self.account_of(&round.leader) != Some(decoded.header.proposer) {
            warn!("proposal names a proposer other than the round's leader");
            return false;
        }
        if decoded.header.timestamp_ms > round.now_ms + MAX_CLOCK_DRIFT_MS {
            warn!("proposal timestamp is in the future");
            return false;
        }
        match self.execute(block.bytes.clone()) {
            Ok(e) => {
                self.announce(&e);
                true
            }
            Err(err) => {
                warn!(height = block.id.height, error = %err, "rejecting a proposal");
                false
            }
        }
    }

    fn finalized(&self, block: &RawBlock) -> Result<(), String> {
        self.commit(block)
    }
}

/// Hex of bytes, without prefix.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 * b.len());
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

/// `0x`-prefixed hex of a 32-byte hash.
pub fn hex32(b: &[u8; 32]) -> String {
    format!("0x{}", hex(b))
}

impl StoredReceipts {
    /// The receipts of an executed block.
    pub fn from_output(out: &BlockOutput) -> Self {
        Self {
            initialize_events: out.initialize_events.clone(),
            receipts: out
                .receipts
                .iter()
                .map(|r| StoredReceipt {
                    hash: r.hash,
                    signer: r.signer,
                    nonce: r.nonce,
                    fee: r.fee,
                    error: r.result.err().map(|e| e.name().to_string()),
                    events: r.events.clone(),
                })
                .collect(),
        }
    }
}
