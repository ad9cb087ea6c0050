//! JSON shapes of the node's RPC results and notifications (docs/rpc.md).
//!
//! Hashes and byte strings are `0x`-prefixed lower-case hex; accounts are SS58 (prefix 42);
//! field names are camelCase. Every type deserializes as well as serializes, so the SDK reads
//! exactly what the node writes.

use agora_primitives::hex;
use parity_scale_codec::Encode;
use serde::{Deserialize, Serialize};

/// A block header as the RPC shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeadInfo {
    /// Block hash.
    pub hash: String,
    /// Height (0 = genesis).
    pub number: u64,
    /// Parent hash.
    pub parent_hash: String,
    /// State root after the block.
    pub state_root: String,
    /// Extrinsics root.
    pub extrinsics_root: String,
    /// The proposer's timestamp (ms since the Unix epoch).
    pub timestamp: u64,
    /// Proposer account (SS58).
    pub proposer: String,
}

/// Where in a block an event was emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// `on_initialize` (epochs, emission, registration bookkeeping). JSON `"initialization"`.
    Initialization,
    /// The extrinsic at this index of the block body. JSON `{"extrinsic": i}`.
    Extrinsic(u32),
}

/// One event as the RPC shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventInfo {
    /// Where it was emitted.
    pub phase: Phase,
    /// Module, with the reference's pallet name (`SubtensorModule`, `Balances`, …).
    pub pallet: String,
    /// Event name, e.g. `NeuronRegistered`.
    pub name: String,
    /// The event's fields as readable text.
    pub fields: String,
    /// SCALE encoding of the `agora_runtime::Event`, hex: decode it for typed access.
    pub scale: String,
}

impl EventInfo {
    /// Describes `event` emitted in `phase`.
    pub fn of(event: &agora_runtime::Event, phase: Phase) -> Self {
        let (pallet, name, fields) = split_event_debug(&format!("{event:?}"));
        Self {
            phase,
            pallet,
            name,
            fields,
            scale: hex::encode(&event.encode()),
        }
    }

    /// Decodes [`EventInfo::scale`] back into the runtime's event.
    pub fn decode(&self) -> Option<agora_runtime::Event> {
        use parity_scale_codec::DecodeLimit as _;
        let bytes = decode_hex(&self.scale, 1 << 20).ok()?;
        agora_runtime::Event::decode_all_with_depth_limit(16, &mut &bytes[..]).ok()
    }
}

/// Splits `Module(Name { fields })`, `Module(Name(fields))` or `Module(Name)` (the derived
/// `Debug` of the runtime's two-level event enums) into its three parts.
fn split_event_debug(debug: &str) -> (String, String, String) {
    let (module, rest) = debug.split_once('(').unwrap_or((debug, ""));
    let rest = rest.strip_suffix(')').unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, fields) = rest.split_at(end);
    let pallet = match module {
        // Hyperparameter events belong to AdminUtils in the reference's naming.
        "Params" => "AdminUtils",
        other => other,
    };
    (
        pallet.to_string(),
        name.to_string(),
        fields.trim().to_string(),
    )
}

/// The committed head and the best executed block (`chain_getHead`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainHead {
    /// The committed (final) head.
    pub finalized: HeadInfo,
    /// The highest executed block (equal to the head when nothing is pending).
    pub best: BlockRef,
}

/// A block's number and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockRef {
    /// Height.
    pub number: u64,
    /// Hash.
    pub hash: String,
}

/// One extrinsic's outcome in a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptInfo {
    /// The extrinsic's hash.
    pub hash: String,
    /// Index in the block body.
    pub index: u32,
    /// Signer (SS58).
    pub signer: String,
    /// Nonce used.
    pub nonce: u32,
    /// Fee charged (rao).
    pub fee: u64,
    /// Whether the call succeeded (fee and nonce are spent either way).
    pub success: bool,
    /// The runtime error's name if it failed.
    pub error: Option<String>,
    /// The events it emitted (fee included).
    pub events: Vec<EventInfo>,
}

/// A committed block (`chain_getBlock`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockInfo {
    /// Its header.
    pub header: HeadInfo,
    /// Encoded extrinsics, hex.
    pub extrinsics: Vec<String>,
    /// One receipt per extrinsic.
    pub receipts: Vec<ReceiptInfo>,
    /// Every event: `on_initialize` first, then each extrinsic's.
    pub events: Vec<EventInfo>,
}

/// The status of a watched transaction (`author_submitAndWatchExtrinsic` notifications).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        /// The runtime error's name (`agora_runtime::Error::name`).
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

/// Static facts about the chain (`system_info`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainInfo {
    /// The genesis file's chain id (`agora-dev`, `agora-local`, …).
    pub chain_id: String,
    /// The runtime genesis hash bound into signatures, hex.
    pub genesis_hash: String,
    /// Hash of block 0, hex.
    pub genesis_block_hash: String,
    /// SS58 address prefix (42).
    pub ss58_format: u16,
    /// Target block time in milliseconds.
    pub block_time_ms: u64,
    /// Number of validators.
    pub validators: usize,
    /// Node software version.
    pub version: String,
    /// True for a development chain.
    pub dev: bool,
}

impl ChainInfo {
    /// The genesis hash as bytes, if well formed.
    pub fn genesis_hash_bytes(&self) -> Result<[u8; 32], hex::HexError> {
        hex::decode_fixed::<32>(&self.genesis_hash)
    }
}

/// Why a hex string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HexDecodeError {
    /// Missing `0x`, odd length or a non-hex digit.
    #[error("expected 0x followed by an even number of hex digits")]
    Malformed,
    /// Longer than allowed.
    #[error("hex data of {0} bytes exceeds the limit of {1}")]
    TooLong(usize, usize),
}

/// Parses `0x`-prefixed hex of at most `max_bytes` bytes.
pub fn decode_hex(s: &str, max_bytes: usize) -> Result<Vec<u8>, HexDecodeError> {
    let digits = s
        .strip_prefix("0x")
        .ok_or(HexDecodeError::Malformed)?
        .as_bytes();
    if digits.len() % 2 != 0 {
        return Err(HexDecodeError::Malformed);
    }
    let n = digits.len() / 2;
    if n > max_bytes {
        return Err(HexDecodeError::TooLong(n, max_bytes));
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    digits
        .chunks_exact(2)
        .map(|p| match (nibble(p[0]), nibble(p[1])) {
            (Some(hi), Some(lo)) => Ok((hi << 4) | lo),
            _ => Err(HexDecodeError::Malformed),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn phase_json_forms() {
        assert_eq!(
            serde_json::to_string(&Phase::Initialization).unwrap(),
            "\"initialization\""
        );
        assert_eq!(
            serde_json::to_string(&Phase::Extrinsic(3)).unwrap(),
            "{\"extrinsic\":3}"
        );
        let p: Phase = serde_json::from_str("{\"extrinsic\":7}").unwrap();
        assert_eq!(p, Phase::Extrinsic(7));
    }

    #[test]
    fn tx_status_round_trips_with_its_tag() {
        let s = TxStatus::Failed {
            block: "0x00".into(),
            number: 4,
            index: 1,
            error: "NotEnoughBalanceToStake".into(),
        };
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(j["status"], "failed");
        assert_eq!(j["error"], "NotEnoughBalanceToStake");
        assert_eq!(serde_json::from_value::<TxStatus>(j).unwrap(), s);
        let r: TxStatus = serde_json::from_str("{\"status\":\"ready\"}").unwrap();
        assert_eq!(r, TxStatus::Ready);
        assert!(!r.is_final());
    }

    #[test]
    fn events_split_and_decode() {
        use agora_runtime::event::{BalancesEvent, Event};
        let e = Event::Balances(BalancesEvent::Transfer {
            from: agora_primitives::AccountId([1; 32]),
            to: agora_primitives::AccountId([2; 32]),
            amount: 5,
        });
        let info = EventInfo::of(&e, Phase::Extrinsic(0));
        assert_eq!(info.pallet, "Balances");
        assert_eq!(info.name, "Transfer");
        assert!(info.fields.starts_with('{'), "{}", info.fields);
        assert_eq!(info.decode(), Some(e));
        let (p, n, f) = split_event_debug("Params(TempoSet(1, 10))");
        assert_eq!(
            (p.as_str(), n.as_str(), f.as_str()),
            ("AdminUtils", "TempoSet", "(1, 10)")
        );
    }

    #[test]
    fn hex_is_bounded_and_strict() {
        assert_eq!(decode_hex("0x00ff", 2).unwrap(), vec![0, 255]);
        assert_eq!(decode_hex("0xABcd", 2).unwrap(), vec![0xab, 0xcd]);
        assert_eq!(decode_hex("0x", 0).unwrap(), Vec::<u8>::new());
        assert_eq!(decode_hex("00ff", 2), Err(HexDecodeError::Malformed));
        assert_eq!(decode_hex("0x0", 2), Err(HexDecodeError::Malformed));
        assert_eq!(decode_hex("0xzz", 2), Err(HexDecodeError::Malformed));
        assert_eq!(
            decode_hex("0x000000", 2),
            Err(HexDecodeError::TooLong(3, 2))
        );
    }
}
