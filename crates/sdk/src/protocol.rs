//! Request authentication of the 10.x protocol, shared by the axon and the dendrite: the
//! header names (sdk spec §1.2), the signed message (§1.5), and the nonce rules (§1.6).
//!
//! # Invariants
//! - [`NonceStore::check_and_record`] records a nonce only for a request whose signature
//!   verified, and rejects any nonce at or below the last one recorded for the same
//!   `hotkey:uuid` (so a captured request cannot be replayed while its entry is kept).
//! - Entries are pruned only once they are older than the widest first-contact window the
//!   store accepts (`4 s + max_timeout`), so a pruned entry's nonces are rejected as too old:
//!   pruning never re-opens a replay. (The reference never prunes and lets the unsigned
//!   `timeout` header widen the window without bound; we cap it.)

use std::collections::HashMap;
use std::sync::Mutex;

use agora_primitives::crypto::verify;
use agora_primitives::{AccountId, Signature};

use crate::synapse::TerminalInfo;

/// Prefix of the caller's TerminalInfo headers.
pub const DENDRITE_PREFIX: &str = "bt_header_dendrite_";
/// Prefix of the callee's TerminalInfo headers.
pub const AXON_PREFIX: &str = "bt_header_axon_";
/// Prefix of the headers carrying an empty value of each required field.
pub const INPUT_OBJ_PREFIX: &str = "bt_header_input_obj_";
/// The body hash header.
pub const BODY_HASH_HEADER: &str = "computed_body_hash";

/// Nonce freshness window of first contact: 4 s (`ALLOWED_DELTA`, §1.6).
pub const ALLOWED_DELTA_NS: i64 = 4_000_000_000;
/// The first version whose nonces are wall-clock nanoseconds (7.2.0, §1.13).
pub const V_7_2_0: i64 = 7_002_000;

/// The message a dendrite signs with its hotkey (§1.5):
/// `{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}`.
pub fn request_message(
    nonce: i64,
    dendrite_hotkey: &str,
    axon_hotkey: &str,
    uuid: &str,
    body_hash: &str,
) -> String {
    format!("{nonce}.{dendrite_hotkey}.{axon_hotkey}.{uuid}.{body_hash}")
}

/// Whether `sig` signs `message` for `signer`, directly or wrapped in `<Bytes>…</Bytes>` as
/// polkadot.js signs (btwallet accepts both, §1.5).
pub fn verify_message(signer: &AccountId, message: &[u8], sig: &Signature) -> bool {
    if verify(signer, message, sig) {
        return true;
    }
    let mut wrapped = Vec::with_capacity(message.len() + 15);
    wrapped.extend_from_slice(b"<Bytes>");
    wrapped.extend_from_slice(message);
    wrapped.extend_from_slice(b"</Bytes>");
    verify(signer, &wrapped, sig)
}

/// The metadata a request carries in its headers (§1.2).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestHeaders {
    /// `name`.
    pub name: Option<String>,
    /// `timeout`, seconds.
    pub timeout: Option<f64>,
    /// `bt_header_dendrite_*`.
    pub dendrite: TerminalInfo,
    /// `bt_header_axon_*`.
    pub axon: TerminalInfo,
    /// `computed_body_hash`.
    pub body_hash: Option<String>,
    /// `bt_header_input_obj_*`: field name and the base64 text.
    pub input_obj: Vec<(String, String)>,
}

impl RequestHeaders {
    /// Collects the protocol headers from `(name, value)` pairs (names compared in lower
    /// case, as HTTP header names are case-insensitive).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut h = Self::default();
        for (name, value) in pairs {
            let lower = name.to_ascii_lowercase();
            if let Some(field) = lower.strip_prefix(DENDRITE_PREFIX) {
                h.dendrite.set_from_header(field, value);
            } else if let Some(field) = lower.strip_prefix(AXON_PREFIX) {
                h.axon.set_from_header(field, value);
            } else if let Some(field) = lower.strip_prefix(INPUT_OBJ_PREFIX) {
                h.input_obj.push((field.to_owned(), value.to_owned()));
            } else {
                match lower.as_str() {
                    "name" => h.name = Some(value.to_owned()),
                    "timeout" => h.timeout = value.trim().parse().ok(),
                    BODY_HASH_HEADER => h.body_hash = Some(value.to_owned()),
                    _ => {}
                }
            }
        }
        h
    }
}

/// Why a request failed verification. `Display` is the reference's exception text, which
/// the axon reports as `Not Verified with error: {text}` with status 401.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    /// No (or an unreadable) caller hotkey.
    #[error("No SS58 formatted address or public key provided.")]
    NoHotkey,
    /// The hotkey header is not an SS58 address.
    #[error("Invalid SS58 address: {0}")]
    BadHotkey(String),
    /// No nonce header.
    #[error("Missing Nonce")]
    MissingNonce,
    /// First contact with a nonce older than the window.
    #[error(
        "Nonce is too old: acceptable delta is {allowed_s:.2} seconds but request was {age_s:.2} seconds old"
    )]
    NonceTooOld {
        /// Window in seconds.
        allowed_s: f64,
        /// Age of the nonce in seconds.
        age_s: f64,
    },
    /// A nonce at or below the last one accepted for this hotkey and uuid.
    #[error("Nonce is too old, a newer one was last processed")]
    NonceNotIncreasing,
    /// No signature header.
    #[error("Missing Signature")]
    MissingSignature,
    /// The signature does not verify.
    #[error("Signature mismatch with {message} and {signature}")]
    SignatureMismatch {
        /// The message that was checked.
        message: String,
        /// The signature header.
        signature: String,
    },
}

/// Per-`hotkey:uuid` nonce memory of an axon (§1.6), with bounded retention.
#[derive(Debug)]
pub struct NonceStore {
    max_timeout_s: f64,
    inner: Mutex<NonceInner>,
}

#[derive(Debug, Default)]
struct NonceInner {
    last: HashMap<String, i64>,
    /// Prune when the map reaches this size (doubles when pruning frees too little).
    prune_at: usize,
}

/// A verified caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The authenticated hotkey.
    pub hotkey: AccountId,
}

impl NonceStore {
    /// A store whose first-contact window uses at most `max_timeout_s` of the request's
    /// timeout.
    pub fn new(max_timeout_s: f64) -> Self {
        Self {
            max_timeout_s,
            inner: Mutex::new(NonceInner {
                last: HashMap::new(),
                prune_at: 4096,
            }),
        }
    }

    fn window_ns(&self, timeout_s: Option<f64>) -> i64 {
        let t = timeout_s.unwrap_or(0.0).clamp(0.0, self.max_timeout_s);
        #[expect(clippy::cast_possible_truncation, reason = "bounded by max_timeout")]
        let t_ns = (t * 1e9) as i64;
        ALLOWED_DELTA_NS.saturating_add(t_ns)
    }

    /// The reference's `default_verify` (§1.5–1.6) for a request addressed to `own_hotkey`
    /// received at `now_ns`, in the reference's order of checks, except that the freshness
    /// window applies whatever version the caller claims (the version header is not signed,
    /// so dropping it must not skip the check) and that the timeout widening the window is
    /// capped.
    pub fn check_and_record(
        &self,
        headers: &RequestHeaders,
        own_hotkey: &str,
        now_ns: i64,
    ) -> Result<Verified, VerifyError> {
        let d = &headers.dendrite;
        let hotkey_text = d.hotkey.as_deref().ok_or(VerifyError::NoHotkey)?;
        let (hotkey, _) =
            AccountId::from_ss58(hotkey_text).map_err(|e| VerifyError::BadHotkey(e.to_string()))?;
        let uuid = d.uuid.as_deref().unwrap_or("None");
        let body_hash = headers.body_hash.as_deref().unwrap_or("None");
        let nonce = d.nonce.ok_or(VerifyError::MissingNonce)?;
        let message = request_message(nonce, hotkey_text, own_hotkey, uuid, body_hash);
        let key = format!("{hotkey_text}:{uuid}");
        let window = self.window_ns(headers.timeout);
        {
            let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            match inner.last.get(&key) {
                None if nonce <= now_ns.saturating_sub(window) => {
                    #[expect(clippy::cast_precision_loss, reason = "display only")]
                    return Err(VerifyError::NonceTooOld {
                        allowed_s: window as f64 / 1e9,
                        age_s: (now_ns.saturating_sub(nonce)) as f64 / 1e9,
                    });
                }
                Some(&last) if nonce <= last => return Err(VerifyError::NonceNotIncreasing),
                _ => {}
            }
        }
        let signature_text = d
            .signature
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or(VerifyError::MissingSignature)?;
        let ok = signature_text
            .parse::<Signature>()
            .is_ok_and(|sig| verify_message(&hotkey, message.as_bytes(), &sig));
        if !ok {
            return Err(VerifyError::SignatureMismatch {
                message,
                signature: signature_text.to_owned(),
            });
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // Two requests with the same key may verify concurrently: only a strictly newer nonce
        // wins the slot, the other is a replay.
        match inner.last.get(&key) {
            Some(&last) if nonce <= last => return Err(VerifyError::NonceNotIncreasing),
            _ => {}
        }
        inner.last.insert(key, nonce);
        if inner.last.len() >= inner.prune_at {
            let horizon = now_ns.saturating_sub(self.window_ns(Some(self.max_timeout_s)));
            inner.last.retain(|_, &mut n| n > horizon);
            let len = inner.last.len();
            inner.prune_at = (len.saturating_mul(2)).max(4096);
        }
        Ok(Verified { hotkey })
    }

    /// Number of `hotkey:uuid` entries kept.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last
            .len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_primitives::Keypair;

    const NOW: i64 = 1_800_000_000_000_000_000;

    fn signed(kp: &Keypair, axon: &str, nonce: i64, uuid: &str, hash: &str) -> RequestHeaders {
        let hk = kp.public().to_string();
        let msg = request_message(nonce, &hk, axon, uuid, hash);
        RequestHeaders {
            timeout: Some(12.0),
            dendrite: TerminalInfo {
                hotkey: Some(hk),
                nonce: Some(nonce),
                uuid: Some(uuid.into()),
                version: Some(10_005_000),
                signature: Some(kp.sign(msg.as_bytes()).to_string()),
                ..TerminalInfo::default()
            },
            body_hash: Some(hash.into()),
            ..RequestHeaders::default()
        }
    }

    #[test]
    fn accepts_fresh_rejects_replay_and_old() {
        let kp = Keypair::from_uri("//Alice").expect("uri");
        let axon = Keypair::from_uri("//Bob")
            .expect("uri")
            .public()
            .to_string();
        let store = NonceStore::new(60.0);
        let h = signed(&kp, &axon, NOW - 1_000, "u1", "abc");
        assert!(store.check_and_record(&h, &axon, NOW).is_ok());
        assert_eq!(
            store.check_and_record(&h, &axon, NOW),
            Err(VerifyError::NonceNotIncreasing)
        );
        // Newer nonce on the same key: fine.
        let h2 = signed(&kp, &axon, NOW, "u1", "abc");
        assert!(store.check_and_record(&h2, &axon, NOW).is_ok());
        // First contact with an old nonce (window 4 s + 12 s).
        let old = signed(&kp, &axon, NOW - 17_000_000_000, "u2", "abc");
        let err = store.check_and_record(&old, &axon, NOW).expect_err("old");
        assert_eq!(
            err.to_string(),
            "Nonce is too old: acceptable delta is 16.00 seconds but request was 17.00 seconds old"
        );
        // A huge unsigned timeout does not widen the window past the cap.
        let mut wide = signed(&kp, &axon, NOW - 100_000_000_000, "u3", "abc");
        wide.timeout = Some(1e12);
        assert!(matches!(
            store.check_and_record(&wide, &axon, NOW),
            Err(VerifyError::NonceTooOld { .. })
        ));
        // Dropping the version header does not skip freshness.
        let mut nov = signed(&kp, &axon, NOW - 100_000_000_000, "u4", "abc");
        nov.dendrite.version = None;
        assert!(matches!(
            store.check_and_record(&nov, &axon, NOW),
            Err(VerifyError::NonceTooOld { .. })
        ));
    }

    #[test]
    fn signature_errors_in_reference_order() {
        let kp = Keypair::from_uri("//Alice").expect("uri");
        let axon = Keypair::from_uri("//Bob")
            .expect("uri")
            .public()
            .to_string();
        let store = NonceStore::new(60.0);
        assert_eq!(
            store.check_and_record(&RequestHeaders::default(), &axon, NOW),
            Err(VerifyError::NoHotkey)
        );
        let mut h = signed(&kp, &axon, NOW, "u", "abc");
        h.dendrite.nonce = None;
        assert_eq!(
            store.check_and_record(&h, &axon, NOW),
            Err(VerifyError::MissingNonce)
        );
        let mut h = signed(&kp, &axon, NOW, "u", "abc");
        h.dendrite.signature = None;
        assert_eq!(
            store.check_and_record(&h, &axon, NOW),
            Err(VerifyError::MissingSignature)
        );
        // Tampered hash header: mismatch, and the nonce is not recorded.
        let mut h = signed(&kp, &axon, NOW, "u", "abc");
        h.body_hash = Some("abd".into());
        let err = store
            .check_and_record(&h, &axon, NOW)
            .expect_err("mismatch");
        assert!(err.to_string().starts_with(&format!(
            "Signature mismatch with {NOW}.{}.{axon}.u.abd and 0x",
            kp.public()
        )));
        assert!(store.is_empty());
        // Addressed to another axon.
        let h = signed(&kp, "5Other", NOW, "u", "abc");
        assert!(matches!(
            store.check_and_record(&h, &axon, NOW),
            Err(VerifyError::SignatureMismatch { .. })
        ));
        // Polkadot.js-style wrapped signature is accepted.
        let hk = kp.public().to_string();
        let msg = request_message(NOW, &hk, &axon, "w", "abc");
        let mut h = signed(&kp, &axon, NOW, "w", "abc");
        h.dendrite.signature = Some(
            kp.sign(format!("<Bytes>{msg}</Bytes>").as_bytes())
                .to_string(),
        );
        assert!(store.check_and_record(&h, &axon, NOW).is_ok());
    }

    #[test]
    fn pruning_keeps_recent_entries_only() {
        let kp = Keypair::from_uri("//Alice").expect("uri");
        let axon = "5Axon";
        let store = NonceStore::new(1.0);
        for i in 0..4096 {
            let uuid = format!("u{i}");
            // Old entries, then a burst that triggers pruning at a later time.
            let h = signed(&kp, axon, NOW, &uuid, "h");
            assert!(store.check_and_record(&h, axon, NOW + 1).is_ok());
        }
        // The 4096th insert pruned nothing (all recent).
        assert_eq!(store.len(), 4096);
        let later = NOW + 10_000_000_000;
        // Insert at `later` until a prune happens: then only the later entries remain.
        let mut added = 0;
        loop {
            let h = signed(&kp, axon, later, &format!("v{added}"), "h");
            assert!(store.check_and_record(&h, axon, later).is_ok());
            added += 1;
            if store.len() < 4096 + added {
                break;
            }
            assert!(added < 10_000, "no prune happened");
        }
        assert_eq!(store.len(), added);
        // A pruned key's old nonce is still rejected (as too old).
        let replay = signed(&kp, axon, NOW, "u1", "h");
        assert!(matches!(
            store.check_and_record(&replay, axon, later),
            Err(VerifyError::NonceTooOld { .. })
        ));
    }

    #[test]
    fn headers_from_pairs() {
        let h = RequestHeaders::from_pairs([
            ("name", "Dummy"),
            ("timeout", "12.0"),
            ("Bt_Header_Dendrite_Nonce", "5"),
            ("bt_header_axon_hotkey", "5X"),
            ("bt_header_input_obj_dummy_input", "MA=="),
            ("computed_body_hash", "h"),
            ("other", "x"),
        ]);
        assert_eq!(h.name.as_deref(), Some("Dummy"));
        assert_eq!(h.timeout, Some(12.0));
        assert_eq!(h.dendrite.nonce, Some(5));
        assert_eq!(h.axon.hotkey.as_deref(), Some("5X"));
        assert_eq!(h.input_obj, vec![("dummy_input".into(), "MA==".into())]);
        assert_eq!(h.body_hash.as_deref(), Some("h"));
    }
}
