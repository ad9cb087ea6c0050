//! Owner rate limits of the hyperparameter setters (`ST/utils/rate_limiting.rs`,
//! `ensure_sn_owner_or_root_with_limits` and `record_owner_rl` in `ST/utils/misc.rs:38-105`),
//! and the few storage items and constants the setters need that `storage.rs` lacks.
//!
//! Invariants:
//! - Root is never rate limited by these checks; only a signed subnet owner is, and only the
//!   owner's successful calls record a last block.
//! - A last block of 0 means "never", so the first set always passes, and a set passes once
//!   `now − last ≥ limit` (`check_passes_rate_limit`).
//! - Ordinary hyperparameters are keyed by `(netuid, Hyperparameter id)` in
//!   [`LAST_HYPERPARAM_SET`], with the reference's `Hyperparameter` discriminants as ids. The
//!   weights-version-key and mechanism limits are keyed as in the reference by
//!   `(owner coldkey, netuid, TransactionType id)` in [`TRANSACTION_KEY_LAST_BLOCK`], so a new
//!   owner starts with a fresh limit for those.

use agora_primitives::AccountId;

use crate::ctx::ensure;
use crate::error::Error;
use crate::state::{Map, Overlay, Value};
use crate::storage::{
    LAST_HYPERPARAM_SET, NetUid, OWNER_HYPERPARAM_RATE_LIMIT, TEMPO, WEIGHTS_VERSION_KEY_RATE_LIMIT,
};
use crate::types::Origin;

use super::ensure_subnet_owner_or_root;

/// `(coldkey, netuid, transaction type)` → last block (`TransactionKeyLastBlock`).
pub const TRANSACTION_KEY_LAST_BLOCK: Map<(AccountId, NetUid, u16), u64> =
    Map::new("TransactionKeyLastBlock", || 0);
/// Floor of the vestigial absolute activity cutoff (`MinActivityCutoff`, default 360).
pub const MIN_ACTIVITY_CUTOFF: Value<u16> = Value::new("MinActivityCutoff", || 360);
/// TAO-flow cutoff, I64F64 bits (`TaoFlowCutoff`, default 0; inert at this commit).
pub const TAO_FLOW_CUTOFF: Value<i128> = Value::new("TaoFlowCutoff", || 0);
/// TAO-flow normalisation exponent, U64F64 bits (`FlowNormExponent`, default 1; inert).
pub const FLOW_NORM_EXPONENT: Value<u128> = Value::new("FlowNormExponent", || U64F64_ONE);
/// TAO-flow EMA smoothing factor (`FlowEmaSmoothingFactor`; inert).
pub const FLOW_EMA_SMOOTHING_FACTOR: Value<u64> =
    Value::new("FlowEmaSmoothingFactor", || 29_597_889_189_277);
/// Net TAO-flow switch (`NetTaoFlowEnabled`, default true; inert).
pub const NET_TAO_FLOW_ENABLED: Value<bool> = Value::new("NetTaoFlowEnabled", || true);

/// 1.0 as U64F64 bits.
pub const U64F64_ONE: u128 = 1 << 64;
/// Owner rate limit of `sudo_set_mechanism_count` (`MechanismCountSetRateLimit`).
pub const MECHANISM_COUNT_SET_RATE_LIMIT: u64 = 7_200;
/// Owner rate limit of `sudo_set_mechanism_emission_split` (`MechanismEmissionRateLimit`).
pub const MECHANISM_EMISSION_RATE_LIMIT: u64 = 7_200;
/// Blocks between owner-hotkey changes, for owner and root (`DefaultSetSNOwnerHotkeyRateLimit`).
pub const SET_SN_OWNER_HOTKEY_RATE_LIMIT: u64 = 50_400;

/// The reference's `Hyperparameter` enum; the discriminant is the rate-limit key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs, reason = "each variant names the hyperparameter it keys")]
pub enum Hyperparameter {
    ServingRateLimit = 1,
    MaxDifficulty = 2,
    AdjustmentAlpha = 3,
    ImmunityPeriod = 5,
    MinAllowedWeights = 6,
    Rho = 8,
    ActivityCutoff = 9,
    MinBurn = 11,
    MaxBurn = 12,
    BondsMovingAverage = 13,
    BondsPenalty = 14,
    CommitRevealEnabled = 15,
    LiquidAlphaEnabled = 16,
    AlphaValues = 17,
    WeightCommitInterval = 18,
    TransferEnabled = 19,
    AlphaSigmoidSteepness = 20,
    Yuma3Enabled = 21,
    BondsResetEnabled = 22,
    ImmuneNeuronLimit = 23,
    RecycleOrBurn = 24,
    MaxAllowedUids = 25,
    BurnHalfLife = 26,
    BurnIncreaseMult = 27,
    MinChildkeyTake = 29,
}

impl Hyperparameter {
    /// The stable id used as the second key part of [`LAST_HYPERPARAM_SET`].
    pub fn id(self) -> u16 {
        self as u16
    }
}

/// Which owner rate limit a setter is subject to (`TransactionType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerLimit {
    /// `OwnerHyperparamUpdate(h)`: `OwnerHyperparamRateLimit × Tempo` blocks.
    Hyper(Hyperparameter),
    /// `SetWeightsVersionKey`: `WeightsVersionKeyRateLimit × Tempo` blocks.
    WeightsVersionKey,
    /// `MechanismCountUpdate`: 7 200 blocks.
    MechanismCount,
    /// `MechanismEmission`: 7 200 blocks.
    MechanismEmission,
}

impl From<Hyperparameter> for OwnerLimit {
    fn from(h: Hyperparameter) -> Self {
        OwnerLimit::Hyper(h)
    }
}

impl OwnerLimit {
    /// The limit in blocks on `netuid` (`rate_limit_on_subnet`).
    pub fn blocks(self, st: &Overlay<'_>, netuid: NetUid) -> u64 {
        let tempo = u64::from(TEMPO.get(st, &netuid));
        match self {
            OwnerLimit::Hyper(_) => {
                tempo.saturating_mul(u64::from(OWNER_HYPERPARAM_RATE_LIMIT.get(st)))
            }
            OwnerLimit::WeightsVersionKey => {
                tempo.saturating_mul(WEIGHTS_VERSION_KEY_RATE_LIMIT.get(st))
            }
            OwnerLimit::MechanismCount => MECHANISM_COUNT_SET_RATE_LIMIT,
            OwnerLimit::MechanismEmission => MECHANISM_EMISSION_RATE_LIMIT,
        }
    }

    /// The reference's `TransactionType` id for the account-keyed limits.
    fn tx_type(self) -> Option<u16> {
        match self {
            OwnerLimit::Hyper(_) => None,
            OwnerLimit::WeightsVersionKey => Some(4),
            OwnerLimit::MechanismCount => Some(7),
            OwnerLimit::MechanismEmission => Some(8),
        }
    }

    /// Block of `who`'s last set on `netuid` (0 = never).
    pub fn last_block(self, st: &Overlay<'_>, who: &AccountId, netuid: NetUid) -> u64 {
        match (self, self.tx_type()) {
            (OwnerLimit::Hyper(h), _) => LAST_HYPERPARAM_SET.get(st, &(netuid, h.id())),
            (_, Some(tx)) => TRANSACTION_KEY_LAST_BLOCK.get(st, &(*who, netuid, tx)),
            (_, None) => 0,
        }
    }

    /// Records `now` as `who`'s last set on `netuid`.
    pub fn record(self, st: &mut Overlay<'_>, who: &AccountId, netuid: NetUid, now: u64) {
        match (self, self.tx_type()) {
            (OwnerLimit::Hyper(h), _) => LAST_HYPERPARAM_SET.insert(st, &(netuid, h.id()), &now),
            (_, Some(tx)) => TRANSACTION_KEY_LAST_BLOCK.insert(st, &(*who, netuid, tx), &now),
            (_, None) => {}
        }
    }
}

/// `check_passes_rate_limit`: the first set (last = 0) passes, later ones once `limit` blocks
/// have passed.
pub fn passes_rate_limit(limit: u64, now: u64, last: u64) -> bool {
    last == 0 || now.saturating_sub(last) >= limit
}

/// `ensure_sn_owner_or_root_with_limits`: root passes unlimited (`None`); the subnet owner
/// passes if `limit` allows (else `TxRateLimitExceeded`); anyone else is `BadOrigin`.
pub fn ensure_owner_or_root_with_limit(
    st: &Overlay<'_>,
    origin: Origin,
    netuid: NetUid,
    limit: OwnerLimit,
    now: u64,
) -> Result<Option<AccountId>, Error> {
    let maybe_owner = ensure_subnet_owner_or_root(st, origin, netuid)?;
    if let Some(who) = &maybe_owner {
        let last = limit.last_block(st, who, netuid);
        ensure(
            passes_rate_limit(limit.blocks(st, netuid), now, last),
            Error::TxRateLimitExceeded,
        )?;
    }
    Ok(maybe_owner)
}

/// `record_owner_rl`: records the set for the owner; nothing for root.
pub fn record_owner_rl(
    st: &mut Overlay<'_>,
    maybe_owner: Option<AccountId>,
    netuid: NetUid,
    limit: OwnerLimit,
    now: u64,
) {
    if let Some(who) = maybe_owner {
        limit.record(st, &who, netuid, now);
    }
}
