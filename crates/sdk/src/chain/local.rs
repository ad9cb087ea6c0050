//! [`LocalChain`]: the real runtime in this process behind [`ChainClient`], for tests and tools
//! that need a chain but no node.
//!
//! It keeps the head state in memory and produces blocks with the runtime's `BlockBuilder`,
//! exactly as a node does, but without consensus, persistence or networking: a block is sealed
//! on every submission ([`Sealing::Instant`]) or when [`LocalChain::seal`] is called
//! ([`Sealing::Manual`]). Headers are Agora-shaped (hash over number, parent, state root,
//! extrinsics root and timestamp); timestamps are logical (`number × block_time`), so runs
//! are deterministic. Only the head state is kept: `state_call` at an older block is an
//! `UNKNOWN_BLOCK` error, as a pruned node would answer.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use agora_api::methods::codes;
use agora_api::runtime_api;
use agora_api::{BlockInfo, ChainInfo, EventInfo, HeadInfo, Phase, ReceiptInfo, TxStatus};
use agora_primitives::hashing::blake2_256;
use agora_primitives::{AccountId, hex};
use agora_runtime::BlockBuilder;
use agora_runtime::extrinsic::{Extrinsic, TxError};
use agora_runtime::genesis::{self, GenesisConfig};
use agora_runtime::state::{MemBackend, Overlay};
use agora_runtime::storage::NONCES;
use parity_scale_codec::Encode;
use tokio::sync::{broadcast, mpsc};

use super::{ChainClient, ChainError, Watch};

/// When [`LocalChain`] produces blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sealing {
    /// One block per submitted extrinsic, at once ("instant seal").
    Instant,
    /// Only when [`LocalChain::seal`] or [`LocalChain::advance`] is called.
    Manual,
}

/// Most blocks whose headers and events are kept.
const RETAINED_BLOCKS: u64 = 4096;

/// An in-process chain. Cloning shares it.
#[derive(Clone)]
pub struct LocalChain {
    shared: Arc<Shared>,
}

struct Shared {
    sealing: Sealing,
    info: ChainInfo,
    genesis_hash: [u8; 32],
    heads: broadcast::Sender<HeadInfo>,
    local: Mutex<Local>,
}

struct Pooled {
    hash: [u8; 32],
    bytes: Vec<u8>,
}

struct Local {
    backend: MemBackend,
    head: HeadInfo,
    blocks: BTreeMap<u64, BlockInfo>,
    pool: Vec<Pooled>,
    watchers: BTreeMap<[u8; 32], mpsc::Sender<Result<TxStatus, ChainError>>>,
    author: Option<AccountId>,
}

impl std::fmt::Debug for LocalChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalChain")
            .field("chain_id", &self.shared.info.chain_id)
            .field("sealing", &self.shared.sealing)
            .finish()
    }
}

fn tx_error_name(e: &TxError) -> &'static str {
    match e {
        TxError::BadEncoding(_) => "BadEncoding",
        TxError::TooLarge(_) => "TooLarge",
        TxError::UnsupportedVersion(_) => "UnsupportedVersion",
        TxError::BadSignature => "BadSignature",
        TxError::Stale { .. } => "Stale",
        TxError::Future { .. } => "Future",
        TxError::CannotPayFee(_) => "CannotPayFee",
    }
}

fn rejected(e: &TxError) -> ChainError {
    let reason = tx_error_name(e).to_string();
    ChainError::Rejected {
        message: format!("{reason}: {e}"),
        reason,
    }
}

impl LocalChain {
    /// A chain from `genesis` with the given sealing and (logical) block time.
    pub fn new(
        genesis: &GenesisConfig,
        sealing: Sealing,
        block_time_ms: u64,
    ) -> Result<Self, genesis::GenesisError> {
        let backend = genesis::build(genesis)?;
        let genesis_hash = genesis::genesis_hash(&backend);
        let head = HeadInfo {
            hash: hex::encode(&genesis_hash),
            number: 0,
            parent_hash: hex::encode(&[0; 32]),
            state_root: hex::encode(&backend.root()),
            extrinsics_root: hex::encode(&blake2_256(&[])),
            timestamp: 0,
            proposer: AccountId::default().to_string(),
        };
        let info = ChainInfo {
            chain_id: genesis.chain_id.clone(),
            genesis_hash: hex::encode(&genesis_hash),
            genesis_block_hash: head.hash.clone(),
            ss58_format: agora_primitives::account::SS58_PREFIX,
            block_time_ms,
            validators: 0,
            version: format!("agora-sdk LocalChain {}", env!("CARGO_PKG_VERSION")),
            dev: true,
        };
        let mut blocks = BTreeMap::new();
        blocks.insert(
            0,
            BlockInfo {
                header: head.clone(),
                extrinsics: Vec::new(),
                receipts: Vec::new(),
                events: Vec::new(),
            },
        );
        Ok(Self {
            shared: Arc::new(Shared {
                sealing,
                info,
                genesis_hash,
                heads: broadcast::channel(256).0,
                local: Mutex::new(Local {
                    backend,
                    head,
                    blocks,
                    pool: Vec::new(),
                    watchers: BTreeMap::new(),
                    author: None,
                }),
            }),
        })
    }

    /// The runtime's dev genesis (Alice is sudo; the six dev accounts hold 1 000 000 TAO),
    /// sealing instantly.
    pub fn dev() -> Self {
        #[allow(clippy::expect_used, reason = "the built-in dev genesis is valid")]
        Self::new(
            &agora_runtime::testing::dev_genesis(),
            Sealing::Instant,
            250,
        )
        .expect("the dev genesis is valid")
    }

    fn lock(&self) -> MutexGuard<'_, Local> {
        self.shared
            .local
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sets the account credited with fees of the blocks produced from now on.
    pub fn set_author(&self, author: Option<AccountId>) {
        self.lock().author = author;
    }

    /// The genesis hash.
    pub fn genesis_hash(&self) -> [u8; 32] {
        self.shared.genesis_hash
    }

    /// Height of the head.
    pub fn head_number(&self) -> u64 {
        self.lock().head.number
    }

    /// Reads the head state (for tests that check what a call did).
    pub fn read<R>(&self, f: impl FnOnce(&Overlay<'_>) -> R) -> R {
        let local = self.lock();
        f(&Overlay::new(&local.backend))
    }

    /// Seals one block with the pooled extrinsics; returns its header.
    pub fn seal(&self) -> HeadInfo {
        let mut local = self.lock();
        let head = seal_block(&mut local, &self.shared.info);
        drop(local);
        let _ = self.shared.heads.send(head.clone());
        head
    }

    /// Seals `n` blocks.
    pub fn advance(&self, n: u64) -> HeadInfo {
        let mut head = self.lock().head.clone();
        for _ in 0..n {
            head = self.seal();
        }
        head
    }

    /// Seals blocks until the head is at least `number`.
    pub fn advance_to(&self, number: u64) -> HeadInfo {
        let now = self.head_number();
        self.advance(number.saturating_sub(now))
    }

    /// Checks `bytes` against the head state with the pool applied first.
    fn validate(local: &Local, bytes: &[u8]) -> Result<Extrinsic, TxError> {
        let number = local.head.number.saturating_add(1);
        let mut b = BlockBuilder::new(&local.backend, number, local.author);
        for p in &local.pool {
            let _ = b.apply(&p.bytes);
        }
        b.apply(bytes)?;
        Extrinsic::decode_bytes(bytes)
    }

    fn admit(
        &self,
        bytes: Vec<u8>,
        watcher: Option<mpsc::Sender<Result<TxStatus, ChainError>>>,
    ) -> Result<[u8; 32], ChainError> {
        let mut local = self.lock();
        let xt = Self::validate(&local, &bytes).map_err(|e| rejected(&e))?;
        let hash = xt.hash();
        if local.pool.iter().any(|p| p.hash == hash) {
            return Err(ChainError::Rejected {
                reason: "AlreadyKnown".into(),
                message: "AlreadyKnown: the transaction is already in the pool".into(),
            });
        }
        if let Some(w) = watcher {
            let _ = w.try_send(Ok(TxStatus::Ready));
            local.watchers.insert(hash, w);
        }
        local.pool.push(Pooled { hash, bytes });
        if self.shared.sealing == Sealing::Instant {
            let head = seal_block(&mut local, &self.shared.info);
            drop(local);
            let _ = self.shared.heads.send(head);
        }
        Ok(hash)
    }
}

fn seal_block(local: &mut Local, info: &ChainInfo) -> HeadInfo {
    let number = local.head.number.saturating_add(1);
    let pool = std::mem::take(&mut local.pool);
    let (out, included, dropped) = {
        let mut b = BlockBuilder::new(&local.backend, number, local.author);
        let mut included = Vec::new();
        let mut dropped = Vec::new();
        for p in pool {
            match b.apply(&p.bytes) {
                Ok(_) => included.push(p),
                Err(e) => dropped.push((p, e)),
            }
        }
        (b.finish(), included, dropped)
    };
    local.backend.apply(out.changes.clone());
    let mut xt_hashes = Vec::with_capacity(included.len() * 32);
    for p in &included {
        xt_hashes.extend_from_slice(&p.hash);
    }
    let extrinsics_root = blake2_256(&xt_hashes);
    let parent = local.head.hash.clone();
    let timestamp = number.saturating_mul(info.block_time_ms);
    let parent_bytes = hex::decode_fixed::<32>(&parent).unwrap_or([0; 32]);
    let hash = blake2_256(
        &(
            number,
            parent_bytes,
            out.state_root,
            extrinsics_root,
            timestamp,
        )
            .encode(),
    );
    let head = HeadInfo {
        hash: hex::encode(&hash),
        number,
        parent_hash: parent,
        state_root: hex::encode(&out.state_root),
        extrinsics_root: hex::encode(&extrinsics_root),
        timestamp,
        proposer: local.author.unwrap_or_default().to_string(),
    };
    let mut events: Vec<EventInfo> = out
        .initialize_events
        .iter()
        .map(|e| EventInfo::of(e, Phase::Initialization))
        .collect();
    let mut receipts = Vec::with_capacity(out.receipts.len());
    for (i, r) in out.receipts.iter().enumerate() {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let mine: Vec<EventInfo> = r
            .events
            .iter()
            .map(|e| EventInfo::of(e, Phase::Extrinsic(index)))
            .collect();
        events.extend(mine.iter().cloned());
        receipts.push(ReceiptInfo {
            hash: hex::encode(&r.hash),
            index,
            signer: r.signer.to_string(),
            nonce: r.nonce,
            fee: r.fee,
            success: r.result.is_ok(),
            error: r.result.err().map(|e| e.name().to_string()),
            events: mine,
        });
    }
    local.blocks.insert(
        number,
        BlockInfo {
            header: head.clone(),
            extrinsics: included.iter().map(|p| hex::encode(&p.bytes)).collect(),
            receipts,
            events,
        },
    );
    if number > RETAINED_BLOCKS {
        let cutoff = number - RETAINED_BLOCKS;
        local.blocks.retain(|n, _| *n > cutoff);
    }
    local.head = head.clone();
    for (i, (p, r)) in included.iter().zip(&out.receipts).enumerate() {
        if let Some(w) = local.watchers.remove(&p.hash) {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            let _ = w.try_send(Ok(TxStatus::InBlock {
                block: head.hash.clone(),
                number,
                index,
            }));
            let last = match r.result {
                Ok(()) => TxStatus::Finalized {
                    block: head.hash.clone(),
                    number,
                    index,
                },
                Err(e) => TxStatus::Failed {
                    block: head.hash.clone(),
                    number,
                    index,
                    error: e.name().to_string(),
                },
            };
            let _ = w.try_send(Ok(last));
        }
    }
    for (p, e) in dropped {
        if let Some(w) = local.watchers.remove(&p.hash) {
            let _ = w.try_send(Ok(TxStatus::Dropped {
                reason: tx_error_name(&e).to_string(),
            }));
        }
    }
    head
}

impl ChainClient for LocalChain {
    async fn chain_info(&self) -> Result<ChainInfo, ChainError> {
        Ok(self.shared.info.clone())
    }

    async fn head(&self) -> Result<HeadInfo, ChainError> {
        Ok(self.lock().head.clone())
    }

    async fn header(&self, number: u64) -> Result<Option<HeadInfo>, ChainError> {
        Ok(self.lock().blocks.get(&number).map(|b| b.header.clone()))
    }

    async fn block(&self, number: u64) -> Result<Option<BlockInfo>, ChainError> {
        Ok(self.lock().blocks.get(&number).cloned())
    }

    async fn next_nonce(&self, who: &AccountId) -> Result<u32, ChainError> {
        let local = self.lock();
        Ok(NONCES.get(&Overlay::new(&local.backend), who))
    }

    async fn state_call(
        &self,
        method: &str,
        args: Vec<u8>,
        at: Option<u64>,
    ) -> Result<Vec<u8>, ChainError> {
        let local = self.lock();
        if let Some(n) = at.filter(|n| *n != local.head.number) {
            return Err(ChainError::Rpc {
                code: codes::UNKNOWN_BLOCK,
                message: format!(
                    "state of block {n} is not kept (head is {})",
                    local.head.number
                ),
            });
        }
        runtime_api::call(&Overlay::new(&local.backend), method, &args).map_err(|e| {
            ChainError::Rpc {
                code: codes::RUNTIME_API,
                message: e.to_string(),
            }
        })
    }

    async fn submit(&self, xt: Vec<u8>) -> Result<[u8; 32], ChainError> {
        self.admit(xt, None)
    }

    async fn submit_and_watch(&self, xt: Vec<u8>) -> Result<Watch<TxStatus>, ChainError> {
        let (tx, rx) = mpsc::channel(8);
        self.admit(xt, Some(tx))?;
        Ok(Watch::new(rx))
    }

    async fn subscribe_heads(&self) -> Result<Watch<HeadInfo>, ChainError> {
        let mut heads = self.shared.heads.subscribe();
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tx.closed() => break,
                    h = heads.recv() => match h {
                        Ok(h) => {
                            if tx.send(Ok(h)).await.is_err() {
                                break;
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => break,
                    }
                }
            }
        });
        Ok(Watch::new(rx))
    }
}
