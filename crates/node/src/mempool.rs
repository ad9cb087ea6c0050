//! The transaction pool: admission checks, per-account nonce order, bounded size with
//! eviction by fee, replacement by a higher fee, per-sender limits and pruning.
//!
//! Admission ([`Mempool::submit`]) checks, in order: size, decoding, signature (against this
//! chain's genesis hash), the nonce window against the account's committed nonce, that the
//! signer can pay the fee and stay alive, duplicates, replacement of the same (sender, nonce),
//! the per-sender limit and the pool limit. Each failure is a [`Rejection`] naming the reason;
//! a rejected extrinsic leaves the pool unchanged.
//!
//! # Invariants
//! - At most one transaction per (sender, nonce); at most `max_per_sender` per sender; at
//!   most `max_txs` transactions and `max_bytes` bytes in total.
//! - [`Mempool::ready`] yields each sender's transactions in ascending nonce order.
//! - Eviction removes the lowest-fee transaction, and only to admit a higher-fee one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use agora_primitives::AccountId;
use agora_runtime::extrinsic::{Extrinsic, MAX_EXTRINSIC_LEN, TxError};
use agora_runtime::state::{Backend, Overlay};
use agora_runtime::storage::NONCES;
use agora_runtime::{balances, fees};
use parity_scale_codec::Encode;

/// Pool limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Most transactions in the pool.
    pub max_txs: usize,
    /// Most bytes of encoded transactions in the pool.
    pub max_bytes: usize,
    /// Most transactions of one sender.
    pub max_per_sender: usize,
    /// How far ahead of the account's nonce a transaction's nonce may be.
    pub max_nonce_gap: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_txs: 50_000,
            max_bytes: 64 * 1024 * 1024,
            max_per_sender: 256,
            max_nonce_gap: 256,
        }
    }
}

/// Why a transaction was not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Longer than the extrinsic size limit.
    #[error("TooLarge: extrinsic of {0} bytes exceeds the limit")]
    TooLarge(usize),
    /// Does not decode.
    #[error("BadEncoding: {0}")]
    BadEncoding(String),
    /// Unknown extrinsic format version.
    #[error("UnsupportedVersion: {0}")]
    UnsupportedVersion(u8),
    /// The signature does not verify for this chain.
    #[error("BadSignature: the signature does not verify for this chain")]
    BadSignature,
    /// Nonce already used.
    #[error("Stale: nonce {got} is below the account's next nonce {expected}")]
    Stale {
        /// The account's next nonce.
        expected: u32,
        /// The transaction's.
        got: u32,
    },
    /// Nonce beyond the window.
    #[error(
        "FutureTooFar: nonce {got} is more than {gap} ahead of the account's next nonce {expected}"
    )]
    FutureTooFar {
        /// The account's next nonce.
        expected: u32,
        /// The transaction's.
        got: u32,
        /// The window.
        gap: u32,
    },
    /// The signer cannot pay the fee and keep the existential deposit.
    #[error("CannotPayFee: the fee of {fee} rao exceeds the spendable balance {spendable}")]
    CannotPayFee {
        /// The fee.
        fee: u64,
        /// What the signer can spend.
        spendable: u64,
    },
    /// Exactly this transaction is already in the pool.
    #[error("AlreadyKnown: the transaction is already in the pool")]
    AlreadyKnown,
    /// A transaction with the same sender and nonce and an equal or higher fee is pooled.
    #[error(
        "ReplacementUnderpriced: a transaction with this nonce and fee {existing} is pooled; pay more to replace it"
    )]
    ReplacementUnderpriced {
        /// The pooled transaction's fee.
        existing: u64,
    },
    /// The sender has too many pooled transactions.
    #[error("SenderLimit: the sender already has {0} pooled transactions")]
    SenderLimit(usize),
    /// The pool is full of transactions paying at least as much.
    #[error("PoolFull: the pool is full and the fee does not beat the lowest pooled fee")]
    PoolFull,
}

impl Rejection {
    /// The reason's name (the part of the message before the colon).
    pub fn name(&self) -> &'static str {
        match self {
            Rejection::TooLarge(_) => "TooLarge",
            Rejection::BadEncoding(_) => "BadEncoding",
            Rejection::UnsupportedVersion(_) => "UnsupportedVersion",
            Rejection::BadSignature => "BadSignature",
            Rejection::Stale { .. } => "Stale",
            Rejection::FutureTooFar { .. } => "FutureTooFar",
            Rejection::CannotPayFee { .. } => "CannotPayFee",
            Rejection::AlreadyKnown => "AlreadyKnown",
            Rejection::ReplacementUnderpriced { .. } => "ReplacementUnderpriced",
            Rejection::SenderLimit(_) => "SenderLimit",
            Rejection::PoolFull => "PoolFull",
        }
    }
}

/// A pooled transaction.
#[derive(Debug)]
pub struct PoolTx {
    /// BLAKE2b-256 of the encoding.
    pub hash: [u8; 32],
    /// The encoding.
    pub bytes: Vec<u8>,
    /// Signer.
    pub signer: AccountId,
    /// Nonce.
    pub nonce: u32,
    /// Fee it pays (its priority).
    pub fee: u64,
    /// Arrival order.
    seq: u64,
}

/// A transaction that left the pool without being included, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Its hash.
    pub hash: [u8; 32],
    /// Why (`Replaced`, `Evicted`, `Stale`, or the runtime's reason it became invalid).
    pub reason: String,
}

/// The pool.
pub struct Mempool {
    limits: Limits,
    genesis_hash: [u8; 32],
    by_hash: HashMap<[u8; 32], Arc<PoolTx>>,
    by_sender: BTreeMap<AccountId, BTreeMap<u32, [u8; 32]>>,
    /// (fee, newest first) for eviction: the first entry is the next to evict.
    by_fee: BTreeSet<(u64, std::cmp::Reverse<u64>, [u8; 32])>,
    bytes: usize,
    seq: u64,
}

/// What [`Mempool::submit`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The new transaction's hash.
    pub hash: [u8; 32],
    /// Transactions it pushed out (replaced or evicted).
    pub removed: Vec<Removed>,
}

impl Mempool {
    /// An empty pool for the chain with `genesis_hash`.
    pub fn new(limits: Limits, genesis_hash: [u8; 32]) -> Self {
        Self {
            limits,
            genesis_hash,
            by_hash: HashMap::new(),
            by_sender: BTreeMap::new(),
            by_fee: BTreeSet::new(),
            bytes: 0,
            seq: 0,
        }
    }

    /// Number of pooled transactions.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// True if the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Bytes of pooled transactions.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// True if a transaction with `hash` is pooled.
    pub fn contains(&self, hash: &[u8; 32]) -> bool {
        self.by_hash.contains_key(hash)
    }

    /// Checks `bytes` against the committed `state` and pools it (see the module docs).
    pub fn submit(&mut self, bytes: Vec<u8>, state: &dyn Backend) -> Result<Admitted, Rejection> {
        let xt = check(&bytes, &self.genesis_hash)?;
        self.admit(xt, bytes, state)
    }

    /// The stateful half of [`Mempool::submit`], for an extrinsic that already passed
    /// [`check`] (so that signatures can be verified without holding the pool).
    pub fn admit(
        &mut self,
        xt: Extrinsic,
        bytes: Vec<u8>,
        state: &dyn Backend,
    ) -> Result<Admitted, Rejection> {
        let st = Overlay::new(state);
        let expected = NONCES.get(&st, &xt.signer);
        if xt.nonce < expected {
            return Err(Rejection::Stale {
                expected,
                got: xt.nonce,
            });
        }
        if xt.nonce - expected > self.limits.max_nonce_gap {
            return Err(Rejection::FutureTooFar {
                expected,
                got: xt.nonce,
                gap: self.limits.max_nonce_gap,
            });
        }
        let fee = fees::fee(&xt.call, bytes.len());
        let spendable = balances::spendable(&st, &xt.signer, true);
        if spendable < fee {
            return Err(Rejection::CannotPayFee { fee, spendable });
        }
        let hash = xt.hash();
        if self.by_hash.contains_key(&hash) {
            return Err(Rejection::AlreadyKnown);
        }
        let mut removed = Vec::new();
        let same_nonce = self
            .by_sender
            .get(&xt.signer)
            .and_then(|m| m.get(&xt.nonce))
            .copied();
        if let Some(old) = same_nonce {
            let existing = self.by_hash.get(&old).map_or(0, |t| t.fee);
            if fee <= existing {
                return Err(Rejection::ReplacementUnderpriced { existing });
            }
        } else {
            let count = self.by_sender.get(&xt.signer).map_or(0, BTreeMap::len);
            if count >= self.limits.max_per_sender {
                return Err(Rejection::SenderLimit(count));
            }
        }
        // Room: the replaced transaction's space counts as freed.
        let freed = same_nonce
            .and_then(|h| self.by_hash.get(&h))
            .map_or((0, 0), |t| (1, t.bytes.len()));
        let mut evict = Vec::new();
        {
            let mut count = self.by_hash.len() - freed.0 + 1;
            let mut size = self.bytes - freed.1 + bytes.len();
            let mut candidates = self.by_fee.iter();
            while count > self.limits.max_txs || size > self.limits.max_bytes {
                let Some((low_fee, _, low)) = candidates.next() else {
                    return Err(Rejection::PoolFull);
                };
                if Some(*low) == same_nonce {
                    continue;
                }
                if *low_fee >= fee {
                    return Err(Rejection::PoolFull);
                }
                let len = self.by_hash.get(low).map_or(0, |t| t.bytes.len());
                evict.push(*low);
                count -= 1;
                size -= len;
            }
        }
        if let Some(old) = same_nonce {
            self.remove(&old);
            removed.push(Removed {
                hash: old,
                reason: "Replaced".into(),
            });
        }
        for h in evict {
            self.remove(&h);
            removed.push(Removed {
                hash: h,
                reason: "Evicted".into(),
            });
        }
        self.seq += 1;
        let tx = Arc::new(PoolTx {
            hash,
            signer: xt.signer,
            nonce: xt.nonce,
            fee,
            seq: self.seq,
            bytes,
        });
        self.bytes += tx.bytes.len();
        self.by_fee.insert((fee, std::cmp::Reverse(tx.seq), hash));
        self.by_sender
            .entry(tx.signer)
            .or_default()
            .insert(tx.nonce, hash);
        self.by_hash.insert(hash, tx);
        Ok(Admitted { hash, removed })
    }

    /// Removes a transaction; returns it if it was pooled.
    pub fn remove(&mut self, hash: &[u8; 32]) -> Option<Arc<PoolTx>> {
        let tx = self.by_hash.remove(hash)?;
        self.bytes -= tx.bytes.len();
        self.by_fee
            .remove(&(tx.fee, std::cmp::Reverse(tx.seq), tx.hash));
        if let Some(m) = self.by_sender.get_mut(&tx.signer) {
            m.remove(&tx.nonce);
            if m.is_empty() {
                self.by_sender.remove(&tx.signer);
            }
        }
        Some(tx)
    }

    /// Transactions for a block: senders in the order their oldest pooled transaction
    /// arrived, each sender's transactions in nonce order.
    pub fn ready(&self) -> Vec<Arc<PoolTx>> {
        let mut senders: Vec<(u64, &BTreeMap<u32, [u8; 32]>)> = self
            .by_sender
            .values()
            .map(|m| {
                let first = m
                    .values()
                    .filter_map(|h| self.by_hash.get(h))
                    .map(|t| t.seq)
                    .min()
                    .unwrap_or(u64::MAX);
                (first, m)
            })
            .collect();
        senders.sort_by_key(|(seq, _)| *seq);
        senders
            .into_iter()
            .flat_map(|(_, m)| m.values().filter_map(|h| self.by_hash.get(h).cloned()))
            .collect()
    }

    /// After a block is committed: drops the included transactions and those whose nonce the
    /// committed `state` has passed. Returns the stale ones (included ones are the caller's).
    pub fn prune(&mut self, included: &[[u8; 32]], state: &dyn Backend) -> Vec<Removed> {
        for h in included {
            self.remove(h);
        }
        let st = Overlay::new(state);
        let mut stale = Vec::new();
        let senders: Vec<AccountId> = self.by_sender.keys().copied().collect();
        for s in senders {
            let next = NONCES.get(&st, &s);
            let old: Vec<[u8; 32]> = self
                .by_sender
                .get(&s)
                .map(|m| m.range(..next).map(|(_, h)| *h).collect())
                .unwrap_or_default();
            for h in old {
                self.remove(&h);
                stale.push(Removed {
                    hash: h,
                    reason: "Stale".into(),
                });
            }
        }
        stale
    }

    /// Removes a transaction the block builder found invalid.
    pub fn reject(&mut self, hash: &[u8; 32], reason: &TxError) -> Option<Removed> {
        self.remove(hash).map(|_| Removed {
            hash: *hash,
            reason: tx_error_name(reason).into(),
        })
    }
}

/// Stateless checks: size, decoding, version and signature for the chain with
/// `genesis_hash`.
pub fn check(bytes: &[u8], genesis_hash: &[u8; 32]) -> Result<Extrinsic, Rejection> {
    if bytes.len() > MAX_EXTRINSIC_LEN {
        return Err(Rejection::TooLarge(bytes.len()));
    }
    let xt = Extrinsic::decode_bytes(bytes).map_err(|e| match e {
        TxError::TooLarge(n) => Rejection::TooLarge(n),
        TxError::UnsupportedVersion(v) => Rejection::UnsupportedVersion(v),
        other => Rejection::BadEncoding(other.to_string()),
    })?;
    // One encoding per extrinsic, so its hash (the pool's, the receipt's and the block
    // index's) is the hash of the submitted bytes.
    if xt.encode() != bytes {
        return Err(Rejection::BadEncoding("non-canonical encoding".into()));
    }
    xt.verify(genesis_hash).map_err(|e| match e {
        TxError::UnsupportedVersion(v) => Rejection::UnsupportedVersion(v),
        _ => Rejection::BadSignature,
    })?;
    Ok(xt)
}

/// The name of a runtime validity error.
pub fn tx_error_name(e: &TxError) -> &'static str {
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
