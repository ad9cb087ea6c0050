//! Weights for the chain: the Python SDK's max-upscaling to `u16`
//! (`convert_weights_and_uids_for_emit`, sdk.md §4.6) and hash commit-reveal records.
//!
//! A [`PendingCommit`] holds everything a reveal needs (uids, values, salt, version key) and
//! the hash committed, which is the runtime's own `commit_hash`, so what is revealed is
//! exactly what was committed.

use agora_primitives::AccountId;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_runtime::storage::netuid_index;
use agora_runtime::weights::commit_reveal::commit_hash;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

/// Why weights cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// Different numbers of uids and weights.
    #[error("{0} uids but {1} weights")]
    Length(usize, usize),
    /// A weight is negative, infinite or not a number.
    #[error("weight {0} is not a finite non-negative number")]
    Bad(String),
    /// Every weight is zero.
    #[error("all weights are zero")]
    AllZero,
    /// A uid appears twice.
    #[error("uid {0} appears twice")]
    Duplicate(u16),
}

/// Scales weights so the largest is `u16::MAX` and rounds (the Python SDK's rule); zero
/// weights are dropped with their uids.
pub fn max_upscale(uids: &[u16], weights: &[f64]) -> Result<(Vec<u16>, Vec<u16>), WeightsError> {
    if uids.len() != weights.len() {
        return Err(WeightsError::Length(uids.len(), weights.len()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for u in uids {
        if !seen.insert(*u) {
            return Err(WeightsError::Duplicate(*u));
        }
    }
    if let Some(w) = weights.iter().find(|w| !w.is_finite() || **w < 0.0) {
        return Err(WeightsError::Bad(w.to_string()));
    }
    let max = weights.iter().copied().fold(0.0f64, f64::max);
    if max <= 0.0 {
        return Err(WeightsError::AllZero);
    }
    let mut out_uids = Vec::with_capacity(uids.len());
    let mut out_vals = Vec::with_capacity(uids.len());
    for (u, w) in uids.iter().zip(weights) {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "w / max lies in [0, 1], so the product lies in [0, 65535]"
        )]
        let v = (w / max * f64::from(u16::MAX)).round() as u16;
        if v > 0 {
            out_uids.push(*u);
            out_vals.push(v);
        }
    }
    Ok((out_uids, out_vals))
}

/// A random salt of eight `u16`s (what btcli uses).
pub fn random_salt() -> Vec<u16> {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b.chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// A weight commit not yet revealed: the preimage and its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCommit {
    /// Subnet.
    pub netuid: u16,
    /// Mechanism.
    pub mechid: u8,
    /// Target uids.
    pub uids: Vec<u16>,
    /// Their `u16` weights.
    pub values: Vec<u16>,
    /// The salt.
    pub salt: Vec<u16>,
    /// The version key.
    pub version_key: u64,
    /// The committed hash, `0x` hex.
    pub hash: String,
}

impl PendingCommit {
    /// A commit by `hotkey` of `values` for `uids` with a fresh salt.
    pub fn new(
        hotkey: &AccountId,
        netuid: u16,
        mechid: u8,
        uids: Vec<u16>,
        values: Vec<u16>,
        version_key: u64,
    ) -> Self {
        let salt = random_salt();
        Self::with_salt(hotkey, netuid, mechid, uids, values, salt, version_key)
    }

    /// A commit with a given salt.
    pub fn with_salt(
        hotkey: &AccountId,
        netuid: u16,
        mechid: u8,
        uids: Vec<u16>,
        values: Vec<u16>,
        salt: Vec<u16>,
        version_key: u64,
    ) -> Self {
        let h = commit_hash(
            hotkey,
            netuid_index(netuid, mechid),
            &uids,
            &values,
            &salt,
            version_key,
        );
        Self {
            netuid,
            mechid,
            uids,
            values,
            salt,
            version_key,
            hash: agora_primitives::hex::encode(&h),
        }
    }

    /// The hash as bytes.
    pub fn hash_bytes(&self) -> [u8; 32] {
        agora_primitives::hex::decode_fixed::<32>(&self.hash).unwrap_or([0; 32])
    }

    /// The commit call.
    pub fn commit_call(&self) -> Call {
        let commit_hash = self.hash_bytes();
        Call::SubtensorModule(if self.mechid == 0 {
            SubtensorCall::commit_weights {
                netuid: self.netuid,
                commit_hash,
            }
        } else {
            SubtensorCall::commit_mechanism_weights {
                netuid: self.netuid,
                mecid: self.mechid,
                commit_hash,
            }
        })
    }

    /// The reveal call.
    pub fn reveal_call(&self) -> Call {
        Call::SubtensorModule(if self.mechid == 0 {
            SubtensorCall::reveal_weights {
                netuid: self.netuid,
                uids: self.uids.clone(),
                values: self.values.clone(),
                salt: self.salt.clone(),
                version_key: self.version_key,
            }
        } else {
            SubtensorCall::reveal_mechanism_weights {
                netuid: self.netuid,
                mecid: self.mechid,
                uids: self.uids.clone(),
                values: self.values.clone(),
                salt: self.salt.clone(),
                version_key: self.version_key,
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn upscaling_matches_the_python_rule() {
        let (u, v) = max_upscale(&[0, 1, 2], &[0.5, 0.25, 0.0]).unwrap();
        assert_eq!(u, vec![0, 1]);
        assert_eq!(v, vec![65535, 32768]);
        assert_eq!(max_upscale(&[1], &[1.0]), Ok((vec![1], vec![65535])));
        assert_eq!(
            max_upscale(&[1, 2], &[1.0]),
            Err(WeightsError::Length(2, 1))
        );
        assert_eq!(
            max_upscale(&[1, 1], &[1.0, 1.0]),
            Err(WeightsError::Duplicate(1))
        );
        assert_eq!(max_upscale(&[1], &[0.0]), Err(WeightsError::AllZero));
        assert!(matches!(
            max_upscale(&[1], &[-1.0]),
            Err(WeightsError::Bad(_))
        ));
        assert!(matches!(
            max_upscale(&[1], &[f64::NAN]),
            Err(WeightsError::Bad(_))
        ));
    }

    #[test]
    fn commits_hash_what_they_reveal() {
        let hk = AccountId([7; 32]);
        let c = PendingCommit::with_salt(&hk, 3, 0, vec![1, 2], vec![10, 20], vec![9; 8], 4);
        let want = commit_hash(&hk, 3, &[1, 2], &[10, 20], &[9; 8], 4);
        assert_eq!(c.hash_bytes(), want);
        let c1 = PendingCommit::with_salt(&hk, 3, 1, vec![1, 2], vec![10, 20], vec![9; 8], 4);
        assert_ne!(c1.hash_bytes(), want, "the mechanism is part of the hash");
        assert_ne!(random_salt(), random_salt());
        let j = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<PendingCommit>(&j).unwrap(), c);
    }
}
