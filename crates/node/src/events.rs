//! Notifications: new and finalized heads, block events, and the status of watched
//! transactions.

use std::collections::HashMap;
use std::sync::Mutex;

use parity_scale_codec::Encode;
use serde::Serialize;
use tokio::sync::{broadcast, mpsc};

use crate::block::Header;
use crate::chain::hex32;
use crate::receipts::StoredReceipts;

/// A block header as RPC shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HeadInfo {
    /// Block hash.
    pub hash: String,
    /// Height.
    pub number: u64,
    /// Parent hash.
    pub parent_hash: String,
    /// State root after the block.
    pub state_root: String,
    /// Extrinsics root.
    pub extrinsics_root: String,
    /// Proposer's timestamp (ms since the Unix epoch).
    pub timestamp: u64,
    /// Proposer account (SS58).
    pub proposer: String,
}

impl HeadInfo {
    /// From a header and its hash.
    pub fn of(h: &Header, hash: [u8; 32]) -> Self {
        Self {
            hash: hex32(&hash),
            number: h.number,
            parent_hash: hex32(&h.parent_hash),
            state_root: hex32(&h.state_root),
            extrinsics_root: hex32(&h.extrinsics_root),
            timestamp: h.timestamp_ms,
            proposer: h.proposer.to_string(),
        }
    }
}

/// One event as RPC shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventInfo {
    /// `"initialization"` or the extrinsic's index in the block.
    pub phase: serde_json::Value,
    /// Pallet (the reference's name), e.g. `SubtensorModule`.
    pub pallet: String,
    /// Event name, e.g. `NeuronRegistered`.
    pub name: String,
    /// The event's fields, as Rust debug text.
    pub fields: String,
    /// SCALE encoding, hex.
    pub scale: String,
}

impl EventInfo {
    /// Describes `e` in `phase`.
    pub fn of(e: &agora_runtime::Event, phase: serde_json::Value) -> Self {
        let debug = format!("{e:?}");
        // `Pallet(Name { fields })` or `Pallet(Name(fields))` or `Pallet(Name)`.
        let (pallet, rest) = debug.split_once('(').unwrap_or((debug.as_str(), ""));
        let rest = rest.strip_suffix(')').unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, fields) = rest.split_at(end);
        Self {
            phase,
            pallet: pallet.to_string(),
            name: name.to_string(),
            fields: fields.trim().to_string(),
            scale: format!("0x{}", crate::chain::hex(&e.encode())),
        }
    }
}

/// A finalized block's events.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockEvents {
    /// The block.
    pub block: HeadInfo,
    /// Its events in order.
    pub events: Vec<EventInfo>,
}

impl BlockEvents {
    /// Lists the events of `receipts`.
    pub fn of(block: HeadInfo, receipts: &StoredReceipts) -> Self {
        let mut events: Vec<EventInfo> = receipts
            .initialize_events
            .iter()
            .map(|e| EventInfo::of(e, serde_json::json!("initialization")))
            .collect();
        for (i, r) in receipts.receipts.iter().enumerate() {
            for e in &r.events {
                events.push(EventInfo::of(e, serde_json::json!({ "extrinsic": i })));
            }
        }
        Self { block, events }
    }
}

/// Broadcast channels of the node.
pub struct Events {
    /// Blocks executed (proposed or verified), not yet final.
    pub new_heads: broadcast::Sender<HeadInfo>,
    /// Committed (finalized) blocks.
    pub finalized_heads: broadcast::Sender<HeadInfo>,
    /// Events of committed blocks.
    pub events: broadcast::Sender<BlockEvents>,
}

impl Events {
    /// Channels with room for 1024 messages each (slow subscribers skip ahead).
    pub fn new() -> Self {
        Self {
            new_heads: broadcast::channel(1024).0,
            finalized_heads: broadcast::channel(1024).0,
            events: broadcast::channel(1024).0,
        }
    }
}

impl Default for Events {
    fn default() -> Self {
        Self::new()
    }
}

/// The status of a watched transaction.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum TxStatus {
    /// In the pool.
    Ready,
    /// In an executed block that is not final yet.
    InBlock {
        /// Block hash.
        block: String,
        /// Height.
        number: u64,
        /// Index in the body.
        index: u32,
    },
    /// In a finalized block, and its call succeeded.
    Finalized {
        /// Block hash.
        block: String,
        /// Height.
        number: u64,
        /// Index in the body.
        index: u32,
    },
    /// In a finalized block, and its call failed (the fee and nonce are spent).
    Failed {
        /// Block hash.
        block: String,
        /// Height.
        number: u64,
        /// Index in the body.
        index: u32,
        /// The runtime error's name.
        error: String,
    },
    /// Left the pool without being included.
    Dropped {
        /// Why: `Replaced`, `Evicted`, `Stale` or the reason it became invalid.
        reason: String,
    },
}

impl TxStatus {
    /// True for statuses after which nothing more is reported.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TxStatus::Finalized { .. } | TxStatus::Failed { .. } | TxStatus::Dropped { .. }
        )
    }
}

/// Watchers of transactions by hash.
#[derive(Default)]
pub struct Watchers {
    inner: Mutex<HashMap<[u8; 32], Vec<mpsc::UnboundedSender<TxStatus>>>>,
}

impl Watchers {
    /// Watches `hash`.
    pub fn watch(&self, hash: [u8; 32]) -> mpsc::UnboundedReceiver<TxStatus> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().entry(hash).or_default().push(tx);
        rx
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Vec<mpsc::UnboundedSender<TxStatus>>>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reports `status`; a final status also ends the watch.
    pub fn notify(&self, hash: &[u8; 32], status: TxStatus) {
        if status.is_final() {
            return self.notify_final(hash, status);
        }
        let mut map = self.lock();
        if let Some(list) = map.get_mut(hash) {
            list.retain(|tx| tx.send(status.clone()).is_ok());
            if list.is_empty() {
                map.remove(hash);
            }
        }
    }

    /// Reports a final status and drops the watchers.
    pub fn notify_final(&self, hash: &[u8; 32], status: TxStatus) {
        if let Some(list) = self.lock().remove(hash) {
            for tx in list {
                let _ = tx.send(status.clone());
            }
        }
    }

    /// Number of watched transactions.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True if nothing is watched.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}
