//! Scenario files: what to simulate, in TOML (documented in `docs/sim.md`).
//!
//! A scenario names a seed, a duration, chain-wide parameters, and one or more subnets. Each
//! subnet lists its hyperparameters (left unset, a hyperparameter keeps the runtime's value
//! for a new subnet), groups of miners with a true quality process, and groups of validators
//! with a stake and a behaviour. An optional `[sweep]` varies parameters over a grid
//! ([`crate::sweep`]).
//!
//! Parsing is strict: unknown keys are errors, and [`Scenario::validate`] checks every value
//! the runtime would otherwise clamp or reject, so a typo never silently changes a result.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// A problem in a scenario file.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Not valid TOML for [`Scenario`].
    #[error("scenario: {0}")]
    Parse(String),
    /// A value is out of range or inconsistent.
    #[error("scenario: {path}: {why}")]
    Invalid {
        /// Where in the scenario (e.g. `subnet[0].kappa`).
        path: String,
        /// What is wrong.
        why: String,
    },
}

fn invalid(path: impl Into<String>, why: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        path: path.into(),
        why: why.into(),
    }
}

/// How agents' calls reach the runtime.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Submission {
    /// Each call is dispatched from its signed origin inside a real block, without an
    /// extrinsic envelope (no signature, fee or nonce): the fast default.
    #[default]
    Dispatch,
    /// Each call is a real sr25519-signed extrinsic with fee and nonce.
    Signed,
}

/// How long to run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// Number of epochs of the first subnet.
    #[serde(default)]
    pub epochs: Option<u64>,
    /// Number of blocks.
    #[serde(default)]
    pub blocks: Option<u64>,
}

/// Chain-wide parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainParams {
    /// Subnet owner cut as a fraction (runtime default 11 796 / 65 535 ≈ 0.18).
    #[serde(default)]
    pub owner_cut: Option<f64>,
    /// Minimum stake weight to set weights and to count in the epoch, in TAO.
    #[serde(default)]
    pub stake_threshold: Option<f64>,
    /// `TaoWeight` as a fraction: the weight of root stake against alpha stake (runtime
    /// default 971 718 665 099 567 868 / 2^64 ≈ 0.0527).
    #[serde(default)]
    pub tao_weight: Option<f64>,
}

/// A scalar, or a distribution to draw one value per agent from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Dist {
    /// Every agent gets this value.
    Fixed(f64),
    /// A normal distribution, clamped to `min` (default 0).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Lower clamp.
        #[serde(default)]
        min: Option<f64>,
    },
}

impl Dist {
    /// Draws one value.
    pub fn sample(&self, rng: &mut crate::rng::Rng) -> f64 {
        match *self {
            Dist::Fixed(x) => x,
            Dist::Normal { mean, sd, min } => rng.gauss(mean, sd).max(min.unwrap_or(0.0)),
        }
    }

    fn check(&self, path: &str) -> Result<(), ScenarioError> {
        let ok = |x: f64| x.is_finite();
        match *self {
            Dist::Fixed(x) if ok(x) && x >= 0.0 => Ok(()),
            Dist::Normal { mean, sd, min }
                if ok(mean) && ok(sd) && sd >= 0.0 && min.is_none_or(|m| ok(m) && m >= 0.0) =>
            {
                Ok(())
            }
            _ => Err(invalid(
                path,
                "must be a non-negative number or { mean, sd, min }",
            )),
        }
    }
}

/// Liquid alpha settings; present means enabled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiquidAlpha {
    /// Enabled (default true when the table is present).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Lower alpha bound as a fraction (runtime default ≈ 0.7).
    #[serde(default)]
    pub alpha_low: Option<f64>,
    /// Upper alpha bound as a fraction (runtime default ≈ 0.9).
    #[serde(default)]
    pub alpha_high: Option<f64>,
    /// Sigmoid steepness (runtime default 1000).
    #[serde(default)]
    pub steepness: Option<i16>,
}

fn yes() -> bool {
    true
}

/// One subnet and its agents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `Tempo` in blocks (runtime default 360).
    #[serde(default)]
    pub tempo: Option<u16>,
    /// `MaxAllowedUids` (default 256; must hold the owner and every agent).
    #[serde(default)]
    pub max_uids: Option<u16>,
    /// `MaxAllowedValidators` (default 64).
    #[serde(default)]
    pub max_validators: Option<u16>,
    /// 2 = original Yuma, 3 = Yuma3 (`Yuma3On`; the default for new subnets).
    #[serde(default)]
    pub yuma: Option<u8>,
    /// `Kappa` as a fraction (default 32 767 / 65 535).
    #[serde(default)]
    pub kappa: Option<f64>,
    /// `BondsMovingAverage` as a fraction (default 0.9).
    #[serde(default)]
    pub bonds_moving_average: Option<f64>,
    /// `BondsPenalty` as a fraction (default 1).
    #[serde(default)]
    pub bonds_penalty: Option<f64>,
    /// Liquid alpha (off unless given).
    #[serde(default)]
    pub liquid_alpha: Option<LiquidAlpha>,
    /// Commit-reveal: 0 = off, n ≥ 1 = on with `RevealPeriodEpochs = n` (default: on, 1).
    #[serde(default)]
    pub commit_reveal: Option<u64>,
    /// `WeightsSetRateLimit` in blocks (default 100).
    #[serde(default)]
    pub weights_rate_limit: Option<u64>,
    /// `ImmunityPeriod` in blocks (default 5000).
    #[serde(default)]
    pub immunity_period: Option<u16>,
    /// Registration burn in TAO (default 1).
    #[serde(default)]
    pub burn: Option<f64>,
    /// `MaxRegistrationsPerBlock` (default 1).
    #[serde(default)]
    pub max_registrations_per_block: Option<u16>,
    /// Spot price of alpha at genesis, TAO per alpha (default 1): the pool holds
    /// `pool_alpha` alpha and `price · pool_alpha` TAO.
    #[serde(default)]
    pub price: Option<f64>,
    /// Alpha in the pool at genesis (default: the subnet's genesis alpha stake, at least
    /// 1 000 alpha), so that staking and selling move the price by realistic amounts.
    #[serde(default)]
    pub pool_alpha: Option<f64>,
    /// `SubnetMovingPrice` at genesis, TAO per alpha (default: `price`, capped at 1 as the
    /// EMA caps it; 0 is a fresh chain's value, under which the block emission is recycled
    /// until the EMA has moved).
    #[serde(default)]
    pub moving_price: Option<f64>,
    /// Miner groups.
    #[serde(default)]
    pub miners: Vec<MinerGroup>,
    /// Validator groups.
    #[serde(default)]
    pub validators: Vec<ValidatorGroup>,
}

/// A group of miners with a common true-quality process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinerGroup {
    /// Group name (unique within the subnet).
    pub name: String,
    /// Number of miners.
    pub count: u16,
    /// True quality per miner, drawn at start and on every jump.
    #[serde(default = "one")]
    pub quality: Dist,
    /// If set, the members' qualities are rescaled to sum to this (the group's share of
    /// utility, as in subtensor's consensus analysis).
    #[serde(default)]
    pub total_quality: Option<f64>,
    /// Standard deviation of the per-epoch random-walk step of quality (relative to the
    /// quality's mean).
    #[serde(default)]
    pub drift: f64,
    /// Per-epoch probability that a miner's quality is redrawn.
    #[serde(default)]
    pub jump: f64,
    /// Per-epoch probability that a miner quits (stops serving) and a new miner registers.
    #[serde(default)]
    pub churn: f64,
    /// All members serve one output (one operator behind many identities): they share one
    /// quality process.
    #[serde(default)]
    pub sybil: bool,
    /// The team (cartel or `owner`) that controls these miners, for team metrics and for
    /// cartel validators to boost.
    #[serde(default)]
    pub team: Option<String>,
}

fn one() -> Dist {
    Dist::Fixed(1.0)
}

/// What a validator does each epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Behaviour {
    /// Observes every miner's true quality with multiplicative noise and weights by it.
    #[default]
    Honest,
    /// Observes honestly only every `refresh_epochs` epochs and resubmits stale weights in
    /// between.
    Lazy,
    /// Copies the last revealed consensus (or the visible weights), without observing.
    Copier,
    /// Observes honestly but puts `self_weight` of its weight on its team's miners.
    Cartel,
    /// The subnet owner's validator (owner coldkey), self-dealing to the `owner` team's
    /// miners like a cartel.
    Owner,
}

impl Behaviour {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Behaviour::Honest => "honest",
            Behaviour::Lazy => "lazy",
            Behaviour::Copier => "copier",
            Behaviour::Cartel => "cartel",
            Behaviour::Owner => "owner",
        }
    }
}

/// What a copier copies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopySource {
    /// The `Consensus` vector the last epoch stored.
    #[default]
    Consensus,
    /// The stake-weighted mean of the weight rows visible on chain.
    Weights,
}

/// Stake delegated to a validator by other coldkeys: each nominator is a funded coldkey
/// that stakes TAO to the validator's hotkey with a real `add_stake` in block 1 (bought
/// through the subnet's pool).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nominators {
    /// Number of nominators per validator.
    pub count: u16,
    /// TAO each nominator stakes.
    pub stake: Dist,
}

/// How a validator's own stake is created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StakeVia {
    /// Alpha staked at genesis (no TAO changes hands; the price is untouched).
    #[default]
    Genesis,
    /// The coldkey is funded with `stake` TAO and buys its alpha with `add_stake` in
    /// block 1, through the pool.
    AddStake,
}

/// A group of validators with one behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorGroup {
    /// Group name (unique within the subnet).
    pub name: String,
    /// Number of validators.
    pub count: u16,
    /// Own stake per validator: alpha at genesis, or TAO to stake in block 1 with
    /// `stake_via = "add_stake"`.
    #[serde(default = "thousand")]
    pub stake: Dist,
    /// How the own stake is created (default: genesis alpha).
    #[serde(default)]
    pub stake_via: StakeVia,
    /// TAO each validator stakes on the root subnet (netuid 0) to its hotkey with a real
    /// `add_stake` in block 1 (default none).
    #[serde(default)]
    pub root_stake: Option<Dist>,
    /// If set, the members' stakes are rescaled to sum to this many TAO.
    #[serde(default)]
    pub total_stake: Option<f64>,
    /// Behaviour.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// Observation noise: each observed quality is `q · max(0, 1 + noise · N(0,1))`.
    #[serde(default)]
    pub noise: f64,
    /// Lazy: epochs between observations (default 10).
    #[serde(default)]
    pub refresh_epochs: Option<u32>,
    /// Copier: what to copy.
    #[serde(default)]
    pub copy: CopySource,
    /// Cartel: the team whose miners it boosts (owner validators: `owner`).
    #[serde(default)]
    pub team: Option<String>,
    /// Cartel and owner: fraction of the weight put on the team's miners (default 1).
    #[serde(default)]
    pub self_weight: Option<f64>,
    /// Delegate take as a fraction, at most the runtime's `MaxDelegateTake` (11 796 / 65 535
    /// ≈ 0.18, also every hotkey's default); set with the real `decrease_take`.
    #[serde(default)]
    pub take: Option<f64>,
    /// Nominators staking to each validator of the group.
    #[serde(default)]
    pub nominators: Option<Nominators>,
}

fn thousand() -> Dist {
    Dist::Fixed(1000.0)
}

/// One axis of a sweep: a parameter path and its values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Name for reports (default: the first path).
    #[serde(default)]
    pub name: Option<String>,
    /// One path (`subnet.0.commit_reveal`) …
    #[serde(default)]
    pub path: Option<String>,
    /// … or several paths set together; then each value is an array with one entry per path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The values.
    pub values: Vec<toml::Value>,
}

/// A parameter grid over the scenario.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sweep {
    /// The axes; the grid is their Cartesian product.
    #[serde(default, rename = "axis")]
    pub axes: Vec<Axis>,
    /// Runs per grid point with different seeds (default 1).
    #[serde(default)]
    pub replicates: Option<u32>,
}

/// A whole scenario file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// What it shows.
    #[serde(default)]
    pub description: String,
    /// Seed of every random draw.
    #[serde(default)]
    pub seed: u64,
    /// How calls reach the runtime.
    #[serde(default)]
    pub submission: Submission,
    /// Duration.
    pub duration: Duration,
    /// Epochs excluded from the run summary's averages (start-up transients).
    #[serde(default)]
    pub warmup_epochs: u64,
    /// Chain-wide parameters.
    #[serde(default)]
    pub chain: ChainParams,
    /// Subnets (netuid 1, 2, … in order).
    #[serde(rename = "subnet")]
    pub subnets: Vec<SubnetSpec>,
    /// Optional parameter grid.
    #[serde(default)]
    pub sweep: Option<Sweep>,
}

/// The subnet owner's team name.
pub const OWNER_TEAM: &str = "owner";

/// The runtime's default `MaxDelegateTake` (and every hotkey's default take).
pub const MAX_DELEGATE_TAKE: u16 = 11_796;

/// Most nominators per validator a scenario may ask for.
pub const MAX_NOMINATORS: u16 = 1_000;

fn fraction(path: &str, v: Option<f64>) -> Result<(), ScenarioError> {
    match v {
        Some(x) if !(0.0..=1.0).contains(&x) => Err(invalid(path, "must be in [0, 1]")),
        _ => Ok(()),
    }
}

impl Scenario {
    /// Parses and validates a scenario.
    pub fn from_toml(text: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = toml::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        s.validate()?;
        Ok(s)
    }

    /// The scenario as TOML (for reports and sweeps).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks every value; the error names the offending key.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        match (self.duration.epochs, self.duration.blocks) {
            (Some(e), None) if e > 0 => {}
            (None, Some(b)) if b > 0 => {}
            _ => {
                return Err(invalid(
                    "duration",
                    "give exactly one of epochs or blocks, > 0",
                ));
            }
        }
        if self.subnets.is_empty() {
            return Err(invalid("subnet", "at least one subnet"));
        }
        if self.subnets.len() > 64 {
            return Err(invalid("subnet", "at most 64 subnets"));
        }
        fraction("chain.owner_cut", self.chain.owner_cut)?;
        fraction("chain.tao_weight", self.chain.tao_weight)?;
        if let Some(t) = self.chain.stake_threshold
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(invalid("chain.stake_threshold", "must be ≥ 0"));
        }
        for (i, sn) in self.subnets.iter().enumerate() {
            sn.validate(&format!("subnet[{i}]"))?;
        }
        if let Some(sw) = &self.sweep {
            for (i, a) in sw.axes.iter().enumerate() {
                let p = format!("sweep.axis[{i}]");
                let paths = a.all_paths();
                if paths.is_empty() {
                    return Err(invalid(p, "needs path or paths"));
                }
                if a.values.is_empty() {
                    return Err(invalid(p, "needs at least one value"));
                }
                if paths.len() > 1
                    && a.values.iter().any(|v| {
                        v.as_array()
                            .is_none_or(|arr: &Vec<toml::Value>| arr.len() != paths.len())
                    })
                {
                    return Err(invalid(
                        p,
                        "with several paths every value is an array with one entry per path",
                    ));
                }
            }
            if sw.replicates == Some(0) {
                return Err(invalid("sweep.replicates", "must be ≥ 1"));
            }
        }
        Ok(())
    }
}

impl Axis {
    /// Every path this axis sets.
    pub fn all_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self.path.iter().cloned().collect();
        out.extend(self.paths.iter().cloned());
        out
    }

    /// Display name.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.all_paths().into_iter().next())
            .unwrap_or_default()
    }
}

impl SubnetSpec {
    /// Number of uids the agents need (owner included).
    pub fn agents(&self) -> usize {
        1 + self
            .miners
            .iter()
            .map(|g| usize::from(g.count))
            .sum::<usize>()
            + self
                .validators
                .iter()
                .map(|g| usize::from(g.count))
                .sum::<usize>()
    }

    fn validate(&self, path: &str) -> Result<(), ScenarioError> {
        if self.tempo == Some(0) {
            return Err(invalid(format!("{path}.tempo"), "must be ≥ 1"));
        }
        let max_uids = self.max_uids.unwrap_or(256);
        if max_uids == 0 || max_uids > 256 {
            return Err(invalid(format!("{path}.max_uids"), "must be in 1..=256"));
        }
        if self.agents() > usize::from(max_uids) {
            return Err(invalid(
                path,
                format!(
                    "{} uids needed (owner + agents) but max_uids is {max_uids}",
                    self.agents()
                ),
            ));
        }
        let (tempo, rate) = (
            self.tempo.unwrap_or(360),
            self.weights_rate_limit.unwrap_or(100),
        );
        if rate > u64::from(tempo) {
            return Err(invalid(
                format!("{path}.weights_rate_limit"),
                format!(
                    "{rate} blocks (100 if unset) exceeds the tempo {tempo}: validators act once \
                     per epoch and would be refused; set weights_rate_limit ≤ tempo"
                ),
            ));
        }
        if let Some(y) = self.yuma
            && y != 2
            && y != 3
        {
            return Err(invalid(format!("{path}.yuma"), "2 (original) or 3 (Yuma3)"));
        }
        fraction(&format!("{path}.kappa"), self.kappa)?;
        fraction(
            &format!("{path}.bonds_moving_average"),
            self.bonds_moving_average,
        )?;
        fraction(&format!("{path}.bonds_penalty"), self.bonds_penalty)?;
        if let Some(la) = &self.liquid_alpha {
            fraction(&format!("{path}.liquid_alpha.alpha_low"), la.alpha_low)?;
            fraction(&format!("{path}.liquid_alpha.alpha_high"), la.alpha_high)?;
        }
        if let Some(cr) = self.commit_reveal
            && cr > 100
        {
            return Err(invalid(
                format!("{path}.commit_reveal"),
                "0 (off) or a reveal period of 1..=100 epochs",
            ));
        }
        if let Some(b) = self.burn
            && !(b.is_finite() && b >= 0.0)
        {
            return Err(invalid(format!("{path}.burn"), "must be ≥ 0"));
        }
        if let Some(p) = self.price
            && !(p.is_finite() && p > 0.0 && p <= 1e6)
        {
            return Err(invalid(format!("{path}.price"), "must be in (0, 1e6] TAO"));
        }
        if let Some(a) = self.pool_alpha
            && !(a.is_finite() && (1.0..=1e9).contains(&a))
        {
            return Err(invalid(
                format!("{path}.pool_alpha"),
                "must be in [1, 1e9] alpha",
            ));
        }
        if let Some(m) = self.moving_price
            && !(m.is_finite() && (0.0..=1.0).contains(&m))
        {
            return Err(invalid(
                format!("{path}.moving_price"),
                "must be in [0, 1] (the EMA caps the spot price at 1)",
            ));
        }
        let mut names = BTreeSet::new();
        let mut teams = BTreeSet::new();
        for (i, g) in self.miners.iter().enumerate() {
            let p = format!("{path}.miners[{i}]");
            if !names.insert(g.name.clone()) {
                return Err(invalid(p, format!("duplicate group name {:?}", g.name)));
            }
            if g.count == 0 {
                return Err(invalid(format!("{p}.count"), "must be ≥ 1"));
            }
            g.quality.check(&format!("{p}.quality"))?;
            if let Some(t) = g.total_quality
                && !(t.is_finite() && t >= 0.0)
            {
                return Err(invalid(format!("{p}.total_quality"), "must be ≥ 0"));
            }
            if !(g.drift.is_finite() && g.drift >= 0.0) {
                return Err(invalid(format!("{p}.drift"), "must be ≥ 0"));
            }
            fraction(&format!("{p}.jump"), Some(g.jump))?;
            fraction(&format!("{p}.churn"), Some(g.churn))?;
            if let Some(t) = &g.team {
                teams.insert(t.clone());
            }
        }
        for (i, g) in self.validators.iter().enumerate() {
            let p = format!("{path}.validators[{i}]");
            if !names.insert(g.name.clone()) {
                return Err(invalid(p, format!("duplicate group name {:?}", g.name)));
            }
            if g.count == 0 {
                return Err(invalid(format!("{p}.count"), "must be ≥ 1"));
            }
            g.stake.check(&format!("{p}.stake"))?;
            if let Some(t) = g.total_stake
                && !(t.is_finite() && t > 0.0)
            {
                return Err(invalid(format!("{p}.total_stake"), "must be > 0"));
            }
            if !(g.noise.is_finite() && g.noise >= 0.0) {
                return Err(invalid(format!("{p}.noise"), "must be ≥ 0"));
            }
            fraction(&format!("{p}.self_weight"), g.self_weight)?;
            fraction(&format!("{p}.take"), g.take)?;
            if g.refresh_epochs == Some(0) {
                return Err(invalid(format!("{p}.refresh_epochs"), "must be ≥ 1"));
            }
            match g.behaviour {
                Behaviour::Cartel if g.team.is_none() => {
                    return Err(invalid(
                        format!("{p}.team"),
                        "a cartel validator needs a team",
                    ));
                }
                Behaviour::Owner if g.team.as_deref().is_some_and(|t| t != OWNER_TEAM) => {
                    return Err(invalid(
                        format!("{p}.team"),
                        "owner validators belong to the owner team",
                    ));
                }
                _ => {}
            }
            if let Some(t) = g.take
                && crate::probe::to_u16_fraction(t) > MAX_DELEGATE_TAKE
            {
                return Err(invalid(
                    format!("{p}.take"),
                    "at most 0.18 (the runtime's MaxDelegateTake, 11 796 / 65 535)",
                ));
            }
            if let Some(r) = &g.root_stake {
                r.check(&format!("{p}.root_stake"))?;
            }
            if let Some(n) = &g.nominators {
                if n.count == 0 || n.count > MAX_NOMINATORS {
                    return Err(invalid(
                        format!("{p}.nominators.count"),
                        format!("must be in 1..={MAX_NOMINATORS}"),
                    ));
                }
                n.stake.check(&format!("{p}.nominators.stake"))?;
            }
        }
        let _ = teams;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "t"
[duration]
epochs = 3
[[subnet]]
tempo = 10
weights_rate_limit = 5
[[subnet.miners]]
name = "m"
count = 4
quality = { mean = 1.0, sd = 0.2 }
[[subnet.validators]]
name = "v"
count = 2
"#;

    #[test]
    fn parses_with_defaults() {
        let s = Scenario::from_toml(MINIMAL).unwrap();
        assert_eq!(s.subnets[0].agents(), 7);
        assert_eq!(s.subnets[0].validators[0].behaviour, Behaviour::Honest);
        assert_eq!(s.subnets[0].validators[0].stake, Dist::Fixed(1000.0));
        assert_eq!(s.submission, Submission::Dispatch);
        let again = Scenario::from_toml(&s.to_toml()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn rejects_bad_values_with_their_path() {
        let cases = [
            (MINIMAL.replace("epochs = 3", "epochs = 0"), "duration"),
            (
                MINIMAL.replace("tempo = 10", "tempo = 10\nkappa = 1.5"),
                "subnet[0].kappa",
            ),
            (
                MINIMAL.replace("count = 4", "count = 300"),
                "max_uids is 256",
            ),
            (
                MINIMAL.replace("name = \"v\"", "name = \"v\"\nbehaviour = \"cartel\""),
                "needs a team",
            ),
            (
                MINIMAL.replace("name = \"v\"", "name = \"m\""),
                "duplicate group",
            ),
            (
                MINIMAL.replace("tempo = 10", "tempo = 10\nbogus = 1"),
                "bogus",
            ),
        ];
        for (text, needle) in cases {
            let err = Scenario::from_toml(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "{err:?} should mention {needle:?}");
        }
    }
}
