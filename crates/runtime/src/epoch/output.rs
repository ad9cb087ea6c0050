//! What an epoch stores (`shared/spec/epoch-io.md`, yuma spec §3.12).

use agora_primitives::{I32F32, I64F64};

/// The values the chain stores after an epoch, per uid `0..n`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EpochOutput {
    /// The activity cutoff in blocks.
    pub activity_cutoff_blocks: u64,
    /// The recently-registered threshold block for bonds.
    pub last_tempo: u64,
    /// `Active`.
    pub active: Vec<bool>,
    /// `EpochTerms.stake`: floor of the total stake (alpha + weighted TAO).
    pub stake: Vec<u64>,
    /// `StakeWeight`.
    pub stake_weight: Vec<u16>,
    /// `Consensus`.
    pub consensus: Vec<u16>,
    /// `Incentive`.
    pub incentive: Vec<u16>,
    /// `Dividends`.
    pub dividends: Vec<u16>,
    /// `ValidatorTrust`.
    pub validator_trust: Vec<u16>,
    /// The new `ValidatorPermit`.
    pub validator_permit: Vec<bool>,
    /// Miner emission in alpha rao.
    pub server_emission: Vec<u64>,
    /// Validator emission in alpha rao.
    pub validator_emission: Vec<u64>,
    /// `Emission` (combined) in alpha rao.
    pub emission: Vec<u64>,
    /// `Bonds` rows for uids `0..n` after the epoch.
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// The exact fixed-point intermediates.
    pub fixed: FixedTrace,
}

/// Exact fixed-point intermediates of an epoch, for debugging and conformance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixedTrace {
    /// Stake before normalisation (alpha + TAO × tao weight).
    pub total_stake: Vec<I64F64>,
    /// Stake after the threshold filter and normalisation.
    pub stake: Vec<I32F32>,
    /// Stake of active, permitted validators, renormalised.
    pub active_stake: Vec<I32F32>,
    /// Consensus weight per uid.
    pub consensus: Vec<I32F32>,
    /// Validator trust per uid.
    pub validator_trust: Vec<I32F32>,
    /// Incentive (normalised rank) per uid.
    pub incentive: Vec<I32F32>,
    /// Dividends per uid.
    pub dividends: Vec<I32F32>,
    /// Server emission share.
    pub normalized_server_emission: Vec<I32F32>,
    /// Validator emission share.
    pub normalized_validator_emission: Vec<I32F32>,
    /// Combined emission share.
    pub normalized_combined_emission: Vec<I32F32>,
    /// Bonds just before u16 quantisation, every row (zero cells omitted on the dense path).
    pub ema_bonds: Vec<Vec<(u16, I32F32)>>,
}
