//! What a simulation measures: one [`EpochRecord`] per subnet and epoch, and a
//! [`RunSummary`] of averages over the run after its warm-up.
//!
//! Definitions (docs/sim.md has the long form):
//! - *earned*: growth of a hotkey's stake since the previous epoch record — everything the
//!   chain paid it (incentive, dividends, owner cut);
//! - *dividends* of a validator: its alpha dividends of this epoch before its delegate take
//!   (the chain records the part after the take, `AlphaDividendsPerSubnet`; the take goes
//!   to the validator's coldkey);
//! - *dividend yield* of a validator group: dividends paid by this epoch over the group's
//!   stake at the previous record; *staker yield*: the same after the take, what every
//!   unit staked to the hotkey earns; *nominator yield* and *owner yield*: the measured
//!   growth of the nominators' and of the validators' own positions over their size at the
//!   previous record;
//! - *relative dividend rate* of a group: its yield over the median yield of the honest
//!   validators (1 = as good as honest validation);
//! - *return on stake* of a team: everything its validators and miners earned over their
//!   stake at the previous record; *relative return*: that over the honest validators';
//! - concentration: Gini over validator stakes and over per-uid emission, Nakamoto
//!   coefficient (fewest entities with more than half) where an entity is a team or, for
//!   independent agents, one coldkey.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::stats::mean_defined;

/// Per-group figures of one epoch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    /// Group name.
    pub name: String,
    /// `miner` or `validator`.
    pub role: String,
    /// Behaviour (validators) or empty.
    pub behaviour: String,
    /// Team, if any.
    pub team: Option<String>,
    /// Members currently registered.
    pub members: u32,
    /// Stake at this record (TAO-denominated alpha).
    pub stake: f64,
    /// Alpha dividends of this epoch before the delegate take (validators).
    pub dividends: f64,
    /// Root dividends of this epoch before the take (validators with root stake): alpha
    /// made claimable by the hotkey's root stakers.
    pub root_dividends: f64,
    /// TAO staked on root to the members' hotkeys.
    pub root_stake: f64,
    /// Nominator positions on the members' hotkeys.
    pub nominators: u32,
    /// Alpha of those positions.
    pub nominator_stake: f64,
    /// Stake growth since the previous record.
    pub earned: f64,
    /// Share of this epoch's emission.
    pub emission_share: f64,
    /// Dividends over stake at the previous record.
    pub dividend_yield: Option<f64>,
    /// Yield over the honest validators' median yield.
    pub relative_dividend_rate: Option<f64>,
    /// Dividends after the take over stake at the previous record (what each staked unit
    /// earns).
    pub staker_yield: Option<f64>,
    /// Growth of the nominators' positions over their alpha at the previous record.
    pub nominator_yield: Option<f64>,
    /// Growth of the validators' own positions over their alpha at the previous record.
    pub owner_yield: Option<f64>,
    /// Mean true quality of the members (miners).
    pub mean_quality: Option<f64>,
}

/// Per-team figures of one epoch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamRecord {
    /// Team name.
    pub team: String,
    /// Share of all validator stake held by the team's validators.
    pub stake_share: f64,
    /// Share of this epoch's emission.
    pub emission_share: f64,
    /// Earned over stake at the previous record.
    pub return_on_stake: Option<f64>,
    /// Return on stake over the honest validators'.
    pub relative_return: Option<f64>,
}

/// One subnet's figures after one epoch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Subnet index in the scenario.
    pub subnet: usize,
    /// Its netuid.
    pub netuid: u16,
    /// Epoch number within the run (1 = first).
    pub epoch: u64,
    /// Block the epoch ran in.
    pub block: u64,
    /// Pearson correlation of miner incentive with true quality.
    pub incentive_quality_pearson: Option<f64>,
    /// Spearman correlation of miner incentive with true quality.
    pub incentive_quality_spearman: Option<f64>,
    /// Alpha this epoch distributed (sum of `Emission`), in alpha.
    pub emission: f64,
    /// Spot price of alpha in TAO.
    pub price: f64,
    /// `SubnetMovingPrice` (the EMA the emission shares use), TAO per alpha.
    pub moving_price: f64,
    /// TAO the coinbase put into the pool since the previous record (injection and chain
    /// buys).
    pub tao_emission: f64,
    /// TAO in the pool (`SubnetTAO`).
    pub tao_reserve: f64,
    /// Alpha in the pool (`SubnetAlphaIn`).
    pub alpha_reserve: f64,
    /// Alpha outside the pool (`SubnetAlphaOut`: stakes, protocol alpha, pending).
    pub alpha_outstanding: f64,
    /// `RootProp`: the root proportion the coinbase used.
    pub root_proportion: f64,
    /// Gini of validator stakes.
    pub stake_gini: Option<f64>,
    /// Nakamoto coefficient of validator stake over entities.
    pub stake_nakamoto: Option<usize>,
    /// Gini of per-uid emission.
    pub reward_gini: Option<f64>,
    /// Nakamoto coefficient of emission over entities.
    pub reward_nakamoto: Option<usize>,
    /// Share of the emission to agents outside every team.
    pub independent_emission_share: f64,
    /// Share of validator stake held by agents outside every team.
    pub independent_stake_share: f64,
    /// Groups, in scenario order (miners then validators).
    pub groups: Vec<GroupRecord>,
    /// Teams, by name.
    pub teams: Vec<TeamRecord>,
    /// Agent calls that failed since the previous record.
    pub failed_calls: u32,
    /// Replacement miners registered since the previous record.
    pub registrations: u32,
}

/// Averages of one subnet's records after the warm-up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubnetSummary {
    /// Subnet index.
    pub subnet: usize,
    /// Name.
    pub name: String,
    /// Epochs averaged.
    pub epochs: u64,
    /// Mean Pearson correlation of incentive and quality.
    pub incentive_quality_pearson: Option<f64>,
    /// Mean Spearman correlation.
    pub incentive_quality_spearman: Option<f64>,
    /// Total emission over the averaged epochs (alpha).
    pub emission: f64,
    /// Last price.
    pub price: f64,
    /// Last moving price.
    pub moving_price: f64,
    /// TAO the coinbase put into the pool over the averaged epochs.
    pub tao_emission: f64,
    /// Mean stake Gini.
    pub stake_gini: Option<f64>,
    /// Mean reward Gini.
    pub reward_gini: Option<f64>,
    /// Last stake Nakamoto coefficient.
    pub stake_nakamoto: Option<usize>,
    /// Mean independent emission share.
    pub independent_emission_share: Option<f64>,
    /// Mean relative dividend rate per validator group.
    pub relative_dividend_rate: BTreeMap<String, Option<f64>>,
    /// Mean dividend yield per validator group.
    pub dividend_yield: BTreeMap<String, Option<f64>>,
    /// Mean staker yield (after the take) per validator group.
    pub staker_yield: BTreeMap<String, Option<f64>>,
    /// Mean nominator yield per validator group (groups with nominators).
    pub nominator_yield: BTreeMap<String, Option<f64>>,
    /// Mean owner yield per validator group.
    pub owner_yield: BTreeMap<String, Option<f64>>,
    /// Mean return on stake per team.
    pub team_return_on_stake: BTreeMap<String, Option<f64>>,
    /// Mean relative return per team.
    pub team_relative_return: BTreeMap<String, Option<f64>>,
    /// Mean emission share per team.
    pub team_emission_share: BTreeMap<String, Option<f64>>,
    /// Failed agent calls over the whole run.
    pub failed_calls: u64,
}

/// Summary of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Blocks produced.
    pub blocks: u64,
    /// Per subnet.
    pub subnets: Vec<SubnetSummary>,
}

/// Averages `records` (one subnet's, in order) after skipping `warmup` epochs.
pub fn summarize(
    subnet: usize,
    name: &str,
    records: &[&EpochRecord],
    warmup: u64,
) -> SubnetSummary {
    let failed_calls = records.iter().map(|r| u64::from(r.failed_calls)).sum();
    let kept: Vec<&EpochRecord> = records
        .iter()
        .copied()
        .filter(|r| r.epoch > warmup)
        .collect();
    let mean = |f: &dyn Fn(&EpochRecord) -> Option<f64>| mean_defined(kept.iter().map(|r| f(r)));
    let mut s = SubnetSummary {
        subnet,
        name: name.to_string(),
        epochs: kept.len() as u64,
        incentive_quality_pearson: mean(&|r| r.incentive_quality_pearson),
        incentive_quality_spearman: mean(&|r| r.incentive_quality_spearman),
        emission: kept.iter().map(|r| r.emission).sum(),
        price: kept.last().map_or(0.0, |r| r.price),
        moving_price: kept.last().map_or(0.0, |r| r.moving_price),
        tao_emission: kept.iter().map(|r| r.tao_emission).sum(),
        stake_gini: mean(&|r| r.stake_gini),
        reward_gini: mean(&|r| r.reward_gini),
        stake_nakamoto: kept.last().and_then(|r| r.stake_nakamoto),
        independent_emission_share: mean(&|r| Some(r.independent_emission_share)),
        failed_calls,
        ..SubnetSummary::default()
    };
    let Some(first) = kept.first() else {
        return s;
    };
    for g in first.groups.iter().filter(|g| g.role == "validator") {
        let pick = |f: &dyn Fn(&GroupRecord) -> Option<f64>| {
            mean_defined(
                kept.iter()
                    .map(|r| r.groups.iter().find(|x| x.name == g.name).and_then(f)),
            )
        };
        s.relative_dividend_rate
            .insert(g.name.clone(), pick(&|x| x.relative_dividend_rate));
        s.dividend_yield
            .insert(g.name.clone(), pick(&|x| x.dividend_yield));
        s.staker_yield
            .insert(g.name.clone(), pick(&|x| x.staker_yield));
        s.owner_yield
            .insert(g.name.clone(), pick(&|x| x.owner_yield));
        if g.nominators > 0 {
            s.nominator_yield
                .insert(g.name.clone(), pick(&|x| x.nominator_yield));
        }
    }
    for t in &first.teams {
        let pick = |f: &dyn Fn(&TeamRecord) -> Option<f64>| {
            mean_defined(
                kept.iter()
                    .map(|r| r.teams.iter().find(|x| x.team == t.team).and_then(f)),
            )
        };
        s.team_return_on_stake
            .insert(t.team.clone(), pick(&|x| x.return_on_stake));
        s.team_relative_return
            .insert(t.team.clone(), pick(&|x| x.relative_return));
        s.team_emission_share
            .insert(t.team.clone(), pick(&|x| Some(x.emission_share)));
    }
    s
}
