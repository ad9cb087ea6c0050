//! The subnet state one epoch reads (`shared/spec/epoch-io.md`, yuma spec §2).

/// Everything the epoch reads, as the reference stores it.
///
/// Vectors indexed by uid are expected to have `n` elements; the epoch tolerates other
/// lengths exactly as the reference does (a short `last_update` is padded with zeros, a
/// short `validator_permit` masks the uids it does not cover, missing per-uid stake or
/// registration blocks count as zero, rows and columns at or beyond `n` are ignored where the
/// reference ignores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochInput {
    /// `SubnetworkN`: uids are `0..n`.
    pub n: u16,
    /// The block the epoch runs in.
    pub current_block: u64,
    /// `Tempo`.
    pub tempo: u16,
    /// `ActivityCutoffFactorMilli`: the activity cutoff is `max(1, factor × tempo / 1000)`.
    pub activity_cutoff_factor_milli: u32,
    /// `LastMechansimStepBlock`: the block of the previous successful epoch (0 if none).
    pub last_mechanism_step_block: u64,
    /// `LastUpdate` as stored.
    pub last_update: Vec<u64>,
    /// `BlockAtRegistration` per uid.
    pub block_at_registration: Vec<u64>,
    /// Alpha stake per uid after child/parent inheritance, in rao.
    pub alpha_stake: Vec<u64>,
    /// Root TAO stake per uid after inheritance, in rao.
    pub tao_stake: Vec<u64>,
    /// `TaoWeight`, as a fraction of `u64::MAX`.
    pub tao_weight: u64,
    /// `StakeThreshold`, in rao of total (alpha + weighted TAO) stake.
    pub stake_threshold: u64,
    /// The uid of the subnet owner's hotkey, if registered.
    pub owner_uid: Option<u16>,
    /// `ValidatorPermit` before the epoch.
    pub validator_permit: Vec<bool>,
    /// `MaxAllowedValidators`.
    pub max_allowed_validators: u16,
    /// `Weights` rows by uid, `(uid, value)` in stored order, values max-upscaled u16.
    pub weights: Vec<Vec<(u16, u16)>>,
    /// `Bonds` rows by uid, `(uid, value)` in stored order.
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// `Kappa` (÷ 65535).
    pub kappa: u16,
    /// `BondsPenalty` (÷ 65535).
    pub bonds_penalty: u16,
    /// `BondsMovingAverage` in parts per million.
    pub bonds_moving_average: u64,
    /// `LiquidAlphaOn` (only used with Yuma3).
    pub liquid_alpha_enabled: bool,
    /// `AlphaValues.0` (÷ 65535).
    pub alpha_low: u16,
    /// `AlphaValues.1` (÷ 65535).
    pub alpha_high: u16,
    /// `AlphaSigmoidSteepness`.
    pub alpha_sigmoid_steepness: i16,
    /// `Yuma3On`.
    pub yuma3_enabled: bool,
    /// The emission to distribute, in alpha rao.
    pub rao_emission: u64,
    /// The commit-reveal column mask (yuma spec §3.6 W4): `Some` when commit-reveal is
    /// enabled, holding for each uid the block of its earliest commit that has not expired
    /// (`u64::MAX` for none). Sparse path only; the dense variant has no such mask.
    pub commit_blocks: Option<Vec<u64>>,
}

impl Default for EpochInput {
    /// An empty subnet with the reference's defaults for a new subnet.
    fn default() -> Self {
        Self {
            n: 0,
            current_block: 0,
            tempo: 360,
            activity_cutoff_factor_milli: 13_889,
            last_mechanism_step_block: 0,
            last_update: Vec::new(),
            block_at_registration: Vec::new(),
            alpha_stake: Vec::new(),
            tao_stake: Vec::new(),
            tao_weight: 0,
            stake_threshold: 0,
            owner_uid: None,
            validator_permit: Vec::new(),
            max_allowed_validators: 64,
            weights: Vec::new(),
            bonds: Vec::new(),
            kappa: 32_767,
            bonds_penalty: 65_535,
            bonds_moving_average: 900_000,
            liquid_alpha_enabled: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1000,
            yuma3_enabled: true,
            rao_emission: 0,
            commit_blocks: None,
        }
    }
}

impl EpochInput {
    /// Blocks without a weight update after which a uid is inactive (yuma spec §3.1).
    pub fn activity_cutoff_blocks(&self) -> u64 {
        (u64::from(self.activity_cutoff_factor_milli) * u64::from(self.tempo) / 1000).max(1)
    }

    /// The first block of the current tempo for the recently-registered bond mask
    /// (yuma spec §3.10).
    pub fn last_tempo(&self) -> u64 {
        if self.last_mechanism_step_block == 0 {
            self.current_block.saturating_sub(u64::from(self.tempo))
        } else {
            self.last_mechanism_step_block.saturating_add(1)
        }
    }

    /// `LastUpdate` as the reference's getter returns it: padded with zeros up to `n`.
    pub(crate) fn padded_last_update(&self) -> Vec<u64> {
        let mut v = self.last_update.clone();
        if v.len() < usize::from(self.n) {
            v.resize(usize::from(self.n), 0);
        }
        v
    }

    /// `BlockAtRegistration` for uids `0..n` (0 where missing).
    pub(crate) fn registration_blocks(&self) -> Vec<u64> {
        (0..usize::from(self.n))
            .map(|i| self.block_at_registration.get(i).copied().unwrap_or(0))
            .collect()
    }
}
