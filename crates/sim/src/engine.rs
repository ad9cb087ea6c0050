//! The simulation loop: genesis from a scenario, then block after block of the real
//! runtime, with agents acting after every epoch and metrics read after every epoch.
//!
//! # Timeline
//! - Genesis: every subnet of the scenario with its owner, validators (with their stake)
//!   and miners registered, emission started; hyperparameters the genesis format has are set
//!   there, the others (liquid-alpha bounds and steepness, registration limits, takes) by
//!   real calls in block 1.
//! - After each block, the simulator checks `LastMechansimStepBlock` of every subnet; if an
//!   epoch ran, it records metrics, moves the miners' true qualities one step (drift,
//!   jumps, churn), and queues each validator's calls for the next block: `set_weights`, or
//!   with commit-reveal its due `reveal_weights` and a new `commit_weights`. Replacement
//!   miners register with `burned_register` (one per block and subnet, retried while the
//!   runtime's registration limits refuse them); the runtime decides which uid is pruned.
//!
//! # Determinism
//! Every random draw comes from a per-agent [`Rng`] stream derived from the scenario seed;
//! agents act in scenario order; maps are `BTreeMap`s. The same scenario gives the same
//! records, bit for bit, on one platform.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use agora_primitives::AccountId;
use agora_runtime::call::Call;
use agora_runtime::genesis::{GenesisConfig, GenesisError, GenesisNeuron, GenesisSubnet};
use agora_runtime::governance::AdminCall;
use agora_runtime::state::Overlay;
use agora_runtime::storage::{ALPHA_VALUES, ROOT_NETUID};

use crate::chain::{Accounts, CallResult, Sender, SimChain};
use crate::metrics::{EpochRecord, GroupRecord, RunSummary, TeamRecord, summarize};
use crate::probe::{self, RAO};
use crate::rng::Rng;
use crate::scenario::{
    Behaviour, CopySource, Dist, OWNER_TEAM, Scenario, ScenarioError, StakeVia, SubnetSpec,
};
use crate::stats::{gini, median, nakamoto, pearson, spearman};

/// A run that could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The scenario is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The genesis built from it was refused by the runtime.
    #[error("genesis: {0}")]
    Genesis(#[from] GenesisError),
}

/// Everything a run produced.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunOutput {
    /// The scenario as run.
    pub scenario: Scenario,
    /// One record per subnet and epoch, in order.
    pub records: Vec<EpochRecord>,
    /// Averages after the warm-up.
    pub summary: RunSummary,
    /// Notable events (first failures of each kind), for diagnosis.
    pub log: Vec<String>,
}

/// Runs `scenario` to the end.
pub fn run(scenario: &Scenario) -> Result<RunOutput, SimError> {
    run_with_progress(scenario, &mut |_, _| {})
}

/// Runs `scenario`, calling `progress(done, total)` every few thousand blocks.
pub fn run_with_progress(
    scenario: &Scenario,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<RunOutput, SimError> {
    scenario.validate()?;
    let mut sim = Simulation::new(scenario)?;
    sim.run(progress);
    Ok(sim.finish())
}

const MAX_LOG: usize = 50;
const REGISTRATION_TRIES: u32 = 1_000;

#[derive(Clone, Debug)]
struct Commit {
    epoch: u64,
    uids: Vec<u16>,
    values: Vec<u16>,
    salt: Vec<u16>,
}

struct Miner {
    group: usize,
    hotkey: AccountId,
    coldkey: AccountId,
    quality: f64,
    rng: Rng,
    quit: bool,
    uid: Option<u16>,
    /// Was registered once and then pruned: never comes back.
    gone: bool,
}

struct Validator {
    group: usize,
    hotkey: AccountId,
    coldkey: AccountId,
    rng: Rng,
    uid: Option<u16>,
    last: Option<(Vec<u16>, Vec<u16>)>,
    since_observation: u32,
    commits: Vec<Commit>,
    /// Coldkeys staking to this validator's hotkey (besides its own).
    nominators: Vec<AccountId>,
}

/// TAO a funded account keeps beyond what it stakes (fees, existential deposit).
const FUNDING_MARGIN: u64 = 1_000_000_000;

/// A staking call of block 1.
struct StakeCall {
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    tao: u64,
}

struct MinerGroupState {
    rng: Rng,
    /// Multiplier applied to draws from the group's distribution (`total_quality`).
    scale: f64,
    /// Typical quality, the unit of `drift`.
    unit: f64,
    /// The shared quality of a sybil group.
    latent: f64,
    registrar: AccountId,
    spawned: u32,
}

struct SubnetSim {
    index: usize,
    netuid: u16,
    spec: SubnetSpec,
    name: String,
    owner_hotkey: AccountId,
    owner_coldkey: AccountId,
    miners: Vec<Miner>,
    validators: Vec<Validator>,
    groups: Vec<MinerGroupState>,
    prev_stake: BTreeMap<AccountId, u64>,
    /// Alpha of each (hotkey, coldkey) position of the validators at the previous record.
    prev_positions: BTreeMap<(AccountId, AccountId), u64>,
    /// TAO the coinbase put into the pool since the previous record.
    tao_emitted: u64,
    epochs: u64,
    failed: u32,
    registered: u32,
    registrations: VecDeque<(usize, u32)>,
}

enum Tag {
    Setup,
    Stake(usize),
    Weights(usize),
    Reveal(usize),
    Commit(usize, usize, Commit),
    Register(usize, usize, u32),
}

impl Tag {
    fn subnet(&self) -> Option<usize> {
        match self {
            Tag::Setup => None,
            Tag::Stake(s)
            | Tag::Weights(s)
            | Tag::Reveal(s)
            | Tag::Commit(s, ..)
            | Tag::Register(s, ..) => Some(*s),
        }
    }
}

struct Simulation {
    scenario: Scenario,
    chain: SimChain,
    subnets: Vec<SubnetSim>,
    queue: Vec<(Sender, Call, Tag)>,
    records: Vec<EpochRecord>,
    log: Vec<String>,
    logged: BTreeSet<String>,
    /// Block-1 staking calls per subnet (own stake, root stake, nominations).
    stake_calls: Vec<Vec<StakeCall>>,
}

fn label(subnet: usize, parts: &str) -> String {
    format!("subnet {subnet}/{parts}")
}

fn dist_unit(d: &Dist) -> f64 {
    match *d {
        Dist::Fixed(x) => x,
        Dist::Normal { mean, .. } => mean,
    }
}

/// Samples `count` values from `dist` and rescales them to sum to `total` if given.
fn sample_group(dist: &Dist, count: u16, total: Option<f64>, rngs: &mut [Rng]) -> (Vec<f64>, f64) {
    let raw: Vec<f64> = rngs
        .iter_mut()
        .take(usize::from(count))
        .map(|r| dist.sample(r))
        .collect();
    let sum: f64 = raw.iter().sum();
    let scale = match total {
        Some(t) if sum > 0.0 => t / sum,
        Some(_) => 0.0,
        None => 1.0,
    };
    (raw.iter().map(|x| x * scale).collect(), scale)
}

impl Simulation {
    fn new(scn: &Scenario) -> Result<Self, SimError> {
        let mut accounts = Accounts::new(scn.submission);
        let sudo = accounts.account("sudo");
        let mut params = BTreeMap::new();
        // Hyperparameters are set by real calls in block 1; the freeze window before an
        // epoch would refuse them on short tempos.
        params.insert("AdminFreezeWindow".to_string(), 0);
        if let Some(c) = scn.chain.owner_cut {
            params.insert(
                "SubnetOwnerCut".to_string(),
                u64::from(probe::to_u16_fraction(c)),
            );
        }
        if let Some(t) = scn.chain.stake_threshold {
            params.insert("StakeThreshold".to_string(), probe::to_rao(t));
        }
        if let Some(w) = scn.chain.tao_weight {
            params.insert("TaoWeight".to_string(), probe::to_u64_fraction(w));
        }
        let mut balances = Vec::new();
        let mut gen_subnets = Vec::new();
        let mut subnets = Vec::new();
        let mut stake_calls = Vec::new();
        for (i, spec) in scn.subnets.iter().enumerate() {
            let netuid = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let owner_coldkey = accounts.account(&label(i, "owner/coldkey"));
            let owner_hotkey = accounts.account(&label(i, "owner/hotkey"));
            let mut neurons = Vec::new();
            let mut validators = Vec::new();
            let mut calls = Vec::new();
            let mut genesis_alpha = 0u64;
            let mut staked_tao = 0u64;
            for (g, group) in spec.validators.iter().enumerate() {
                let mut rngs: Vec<Rng> = (0..group.count)
                    .map(|k| {
                        Rng::stream(
                            scn.seed,
                            &label(i, &format!("validator/{}/{k}", group.name)),
                        )
                    })
                    .collect();
                let (stakes, _) =
                    sample_group(&group.stake, group.count, group.total_stake, &mut rngs);
                for (k, (rng, stake)) in rngs.into_iter().zip(stakes).enumerate() {
                    let hotkey = accounts
                        .account(&label(i, &format!("validator/{}/{k}/hotkey", group.name)));
                    let coldkey = if group.behaviour == Behaviour::Owner {
                        owner_coldkey
                    } else {
                        accounts
                            .account(&label(i, &format!("validator/{}/{k}/coldkey", group.name)))
                    };
                    let agent = format!("validator/{}/{k}", group.name);
                    let own = probe::to_rao(stake);
                    let mut funding = 0u64;
                    let genesis_stake = match group.stake_via {
                        StakeVia::Genesis => own,
                        StakeVia::AddStake => {
                            funding = funding.saturating_add(own);
                            staked_tao = staked_tao.saturating_add(own);
                            calls.push(StakeCall {
                                coldkey,
                                hotkey,
                                netuid,
                                tao: own,
                            });
                            0
                        }
                    };
                    genesis_alpha = genesis_alpha.saturating_add(genesis_stake);
                    if let Some(root) = &group.root_stake {
                        let mut rng = Rng::stream(scn.seed, &label(i, &format!("{agent}/root")));
                        let tao = probe::to_rao(root.sample(&mut rng));
                        funding = funding.saturating_add(tao);
                        calls.push(StakeCall {
                            coldkey,
                            hotkey,
                            netuid: ROOT_NETUID,
                            tao,
                        });
                    }
                    if funding > 0 {
                        balances.push((coldkey.to_hex(), funding.saturating_add(FUNDING_MARGIN)));
                    }
                    let mut nominators = Vec::new();
                    if let Some(n) = &group.nominators {
                        for j in 0..n.count {
                            let who = format!("{agent}/nominator/{j}");
                            let nominator = accounts.account(&label(i, &format!("{who}/coldkey")));
                            let mut rng = Rng::stream(scn.seed, &label(i, &who));
                            let tao = probe::to_rao(n.stake.sample(&mut rng));
                            balances.push((nominator.to_hex(), tao.saturating_add(FUNDING_MARGIN)));
                            calls.push(StakeCall {
                                coldkey: nominator,
                                hotkey,
                                netuid,
                                tao,
                            });
                            nominators.push(nominator);
                        }
                    }
                    neurons.push(GenesisNeuron {
                        hotkey: hotkey.to_hex(),
                        coldkey: coldkey.to_hex(),
                        stake: genesis_stake,
                    });
                    validators.push(Validator {
                        group: g,
                        hotkey,
                        coldkey,
                        rng,
                        uid: None,
                        last: None,
                        since_observation: 0,
                        commits: Vec::new(),
                        nominators,
                    });
                }
            }
            let mut miners = Vec::new();
            let mut groups = Vec::new();
            for (g, group) in spec.miners.iter().enumerate() {
                let mut rngs: Vec<Rng> = (0..group.count)
                    .map(|k| Rng::stream(scn.seed, &label(i, &format!("miner/{}/{k}", group.name))))
                    .collect();
                let mut group_rng =
                    Rng::stream(scn.seed, &label(i, &format!("miner group/{}", group.name)));
                let (qualities, scale) = if group.sybil {
                    let (q, s) = sample_group(
                        &group.quality,
                        1,
                        group.total_quality.map(|t| t / f64::from(group.count)),
                        std::slice::from_mut(&mut group_rng),
                    );
                    (vec![q[0]; usize::from(group.count)], s)
                } else {
                    sample_group(&group.quality, group.count, group.total_quality, &mut rngs)
                };
                let registrar =
                    accounts.account(&label(i, &format!("miner/{}/registrar", group.name)));
                if group.churn > 0.0 {
                    balances.push((registrar.to_hex(), 100_000 * 1_000_000_000u64));
                }
                groups.push(MinerGroupState {
                    rng: group_rng,
                    scale,
                    unit: dist_unit(&group.quality) * scale,
                    latent: qualities.first().copied().unwrap_or(0.0),
                    registrar,
                    spawned: 0,
                });
                for (k, (rng, quality)) in rngs.into_iter().zip(qualities).enumerate() {
                    let hotkey =
                        accounts.account(&label(i, &format!("miner/{}/{k}/hotkey", group.name)));
                    let coldkey = if group.sybil {
                        accounts.account(&label(i, &format!("miner/{}/coldkey", group.name)))
                    } else {
                        accounts.account(&label(i, &format!("miner/{}/{k}/coldkey", group.name)))
                    };
                    neurons.push(GenesisNeuron {
                        hotkey: hotkey.to_hex(),
                        coldkey: coldkey.to_hex(),
                        stake: 0,
                    });
                    miners.push(Miner {
                        group: g,
                        hotkey,
                        coldkey,
                        quality,
                        rng,
                        quit: false,
                        uid: None,
                        gone: false,
                    });
                }
            }
            let pool = pool_of(spec, genesis_alpha, staked_tao);
            let mut params = subnet_params(spec);
            params.insert("SubnetMovingPrice".to_string(), pool.moving_price);
            gen_subnets.push(GenesisSubnet {
                netuid,
                owner_coldkey: owner_coldkey.to_hex(),
                owner_hotkey: owner_hotkey.to_hex(),
                started: true,
                params,
                neurons,
                pool_tao: Some(pool.tao),
                pool_alpha: Some(pool.alpha),
            });
            stake_calls.push(calls);
            subnets.push(SubnetSim {
                index: i,
                netuid,
                name: spec
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("subnet {netuid}")),
                spec: spec.clone(),
                owner_hotkey,
                owner_coldkey,
                miners,
                validators,
                groups,
                prev_stake: BTreeMap::new(),
                prev_positions: BTreeMap::new(),
                tao_emitted: 0,
                epochs: 0,
                failed: 0,
                registered: 0,
                registrations: VecDeque::new(),
            });
        }
        let cfg = GenesisConfig {
            chain_id: format!("agora-sim/{}", scn.name),
            sudo: Some(sudo.to_hex()),
            balances,
            params,
            subnets: gen_subnets,
        };
        let chain = SimChain::new(&cfg, accounts, sudo)?;
        let mut sim = Self {
            scenario: scn.clone(),
            chain,
            subnets,
            queue: Vec::new(),
            records: Vec::new(),
            log: Vec::new(),
            logged: BTreeSet::new(),
            stake_calls,
        };
        for s in &mut sim.subnets {
            sim.chain.read(|st| {
                snapshot(s, st);
                refresh_uids(s, st);
            });
        }
        sim.queue_setup();
        Ok(sim)
    }

    /// Block 1: the hyperparameters the genesis format lacks, and delegate takes.
    fn queue_setup(&mut self) {
        let mut calls = Vec::new();
        for s in &self.subnets {
            let netuid = s.netuid;
            if let Some(la) = &s.spec.liquid_alpha
                && la.enabled
            {
                if la.alpha_low.is_some() || la.alpha_high.is_some() {
                    let (low0, high0) = self.chain.read(|st| ALPHA_VALUES.get(st, &netuid));
                    calls.push(AdminCall::sudo_set_alpha_values {
                        netuid,
                        alpha_low: la.alpha_low.map_or(low0, probe::to_u16_fraction),
                        alpha_high: la.alpha_high.map_or(high0, probe::to_u16_fraction),
                    });
                }
                if let Some(steepness) = la.steepness {
                    calls.push(AdminCall::sudo_set_alpha_sigmoid_steepness { netuid, steepness });
                }
            }
            if let Some(m) = s.spec.max_registrations_per_block {
                calls.push(AdminCall::sudo_set_max_registrations_per_block {
                    netuid,
                    max_registrations_per_block: m,
                });
            }
        }
        // A fresh chain has staking on root switched off (mainnet's was switched on by a
        // migration, protocol.md §5.2); scenarios with root stake switch it on.
        let roots = self
            .stake_calls
            .iter()
            .flatten()
            .any(|c| c.netuid == ROOT_NETUID);
        if roots {
            calls.insert(
                0,
                AdminCall::sudo_set_subtoken_enabled {
                    netuid: ROOT_NETUID,
                    subtoken_enabled: true,
                },
            );
        }
        for c in calls {
            self.queue
                .push((Sender::Root, Call::AdminUtils(c), Tag::Setup));
        }
        for s in &self.subnets {
            for v in &s.validators {
                if let Some(take) = s.spec.validators[v.group].take {
                    let take = probe::to_u16_fraction(take);
                    // Every hotkey starts at the maximum take; only a lower one needs a call.
                    if take < self.chain.read(|st| probe::take(st, &v.hotkey)) {
                        self.queue.push((
                            Sender::Account(v.coldkey),
                            probe::decrease_take_call(v.hotkey, take),
                            Tag::Setup,
                        ));
                    }
                }
            }
        }
        for (i, calls) in std::mem::take(&mut self.stake_calls)
            .into_iter()
            .enumerate()
        {
            for c in calls {
                self.queue.push((
                    Sender::Account(c.coldkey),
                    probe::add_stake_call(c.hotkey, c.netuid, c.tao),
                    Tag::Stake(i),
                ));
            }
        }
    }

    fn target_blocks(&self) -> u64 {
        match (self.scenario.duration.epochs, self.scenario.duration.blocks) {
            (_, Some(b)) => b,
            (Some(e), None) => {
                let tempo = u64::from(self.scenario.subnets[0].tempo.unwrap_or(360));
                e.saturating_add(1).saturating_mul(tempo.saturating_add(1))
            }
            (None, None) => 0,
        }
    }

    fn done(&self) -> bool {
        match (self.scenario.duration.epochs, self.scenario.duration.blocks) {
            (_, Some(b)) => self.chain.block() >= b,
            (Some(e), None) => {
                self.subnets[0].epochs >= e || self.chain.block() >= self.target_blocks()
            }
            (None, None) => true,
        }
    }

    fn run(&mut self, progress: &mut dyn FnMut(u64, u64)) {
        let total = self.target_blocks();
        while !self.done() {
            self.queue_registrations();
            let queued = std::mem::take(&mut self.queue);
            let (calls, tags): (Vec<(Sender, Call)>, Vec<Tag>) =
                queued.into_iter().map(|(s, c, t)| ((s, c), t)).unzip();
            let results = if calls.is_empty() {
                self.chain.next_block(Vec::new())
            } else {
                self.chain.next_block(calls)
            };
            for (tag, result) in tags.into_iter().zip(results) {
                self.on_result(tag, &result);
            }
            let block = self.chain.block();
            for i in 0..self.subnets.len() {
                let netuid = self.subnets[i].netuid;
                let (epoch, tao) = self.chain.read(|st| {
                    (
                        probe::last_epoch_block(st, netuid) == block,
                        probe::block_tao_emission(st, netuid),
                    )
                });
                let s = &mut self.subnets[i];
                s.tao_emitted = s.tao_emitted.saturating_add(tao);
                if epoch {
                    self.on_epoch(i);
                } else if block == 1 {
                    // Block 1 staked and nominated: yields are measured from here.
                    let s = &mut self.subnets[i];
                    self.chain.read(|st| snapshot(s, st));
                }
            }
            if block.is_multiple_of(4096) {
                progress(block, total);
            }
        }
        progress(self.chain.block(), total);
    }

    fn note(&mut self, kind: String, detail: String) {
        if self.log.len() < MAX_LOG && self.logged.insert(kind) {
            self.log.push(detail);
        }
    }

    fn on_result(&mut self, tag: Tag, result: &CallResult) {
        let block = self.chain.block();
        let ok = result.is_ok();
        if !ok {
            let what = match &tag {
                Tag::Setup => "setup call",
                Tag::Stake(_) => "add_stake",
                Tag::Weights(_) => "set_weights",
                Tag::Reveal(_) => "reveal_weights",
                Tag::Commit(..) => "commit_weights",
                Tag::Register(..) => "burned_register",
            };
            let why = match result {
                CallResult::Done(Err(e)) => format!("{e:?}"),
                CallResult::Invalid(e) => format!("invalid extrinsic: {e}"),
                CallResult::Done(Ok(())) => String::new(),
            };
            let retry = matches!(tag, Tag::Register(..)) && why.contains("TooManyRegistrations");
            if !retry {
                if let Some(s) = tag.subnet() {
                    self.subnets[s].failed = self.subnets[s].failed.saturating_add(1);
                }
                self.note(
                    format!("{what}/{why}"),
                    format!("block {block}: {what} failed: {why}"),
                );
            }
        }
        match tag {
            Tag::Commit(s, v, mut commit) if ok => {
                let sub = &mut self.subnets[s];
                let hotkey = sub.validators[v].hotkey;
                let netuid = sub.netuid;
                if let Some(e) = self
                    .chain
                    .read(|st| probe::newest_commit_epoch(st, netuid, &hotkey))
                {
                    commit.epoch = e;
                    sub.validators[v].commits.push(commit);
                }
            }
            Tag::Register(s, _, _) if ok => {
                self.subnets[s].registered += 1;
            }
            Tag::Register(s, m, tries) if !ok && tries < REGISTRATION_TRIES => {
                self.subnets[s].registrations.push_back((m, tries + 1));
            }
            _ => {}
        }
    }

    fn queue_registrations(&mut self) {
        for (i, s) in self.subnets.iter_mut().enumerate() {
            let per_block = usize::from(s.spec.max_registrations_per_block.unwrap_or(1).max(1));
            for _ in 0..per_block {
                let Some((m, tries)) = s.registrations.pop_front() else {
                    break;
                };
                let miner = &s.miners[m];
                let registrar = s.groups[miner.group].registrar;
                self.queue.push((
                    Sender::Account(registrar),
                    probe::register_call(s.netuid, miner.hotkey),
                    Tag::Register(i, m, tries),
                ));
            }
        }
    }

    fn on_epoch(&mut self, i: usize) {
        let block = self.chain.block();
        let next = block + 1;
        let chain = &self.chain;
        let s = &mut self.subnets[i];
        s.epochs += 1;
        let record = chain.read(|st| {
            refresh_uids(s, st);
            measure(s, st, block)
        });
        self.records.push(record);
        let s = &mut self.subnets[i];
        evolve(s);
        let calls = chain.read(|st| act(s, st, next));
        for (sender, call, tag) in calls {
            self.queue.push((sender, call, tag));
        }
    }

    fn finish(self) -> RunOutput {
        let warmup = self.scenario.warmup_epochs;
        let subnets = self
            .subnets
            .iter()
            .map(|s| {
                let recs: Vec<&EpochRecord> = self
                    .records
                    .iter()
                    .filter(|r| r.subnet == s.index)
                    .collect();
                summarize(s.index, &s.name, &recs, warmup)
            })
            .collect();
        RunOutput {
            summary: RunSummary {
                blocks: self.chain.block(),
                subnets,
            },
            scenario: self.scenario,
            records: self.records,
            log: self.log,
        }
    }
}

/// A subnet's pool at genesis.
struct Pool {
    tao: u64,
    alpha: u64,
    /// `SubnetMovingPrice` in rao per alpha.
    moving_price: u64,
}

/// The smallest default pool: 1 000 alpha.
const MIN_POOL_ALPHA: u64 = 1_000_000_000_000;

/// The genesis pool of `spec`: `pool_alpha` alpha (default: the validators' own stake in
/// alpha, genesis alpha plus `add_stake` TAO at the genesis price, at least 1 000) and
/// `price · pool_alpha` TAO; the moving price starts at `moving_price` (default the price,
/// capped at 1 like the EMA).
fn pool_of(spec: &SubnetSpec, genesis_alpha: u64, staked_tao: u64) -> Pool {
    let price = spec.price.unwrap_or(1.0);
    let alpha = spec.pool_alpha.map_or_else(
        || {
            let bought = probe::to_rao(staked_tao as f64 / RAO / price);
            genesis_alpha.saturating_add(bought).max(MIN_POOL_ALPHA)
        },
        probe::to_rao,
    );
    Pool {
        tao: probe::to_rao(alpha as f64 / RAO * price),
        alpha,
        moving_price: probe::to_rao(spec.moving_price.unwrap_or(price.min(1.0))),
    }
}

/// Records every stake and validator position as the base of the next record's yields.
fn snapshot(s: &mut SubnetSim, st: &Overlay<'_>) {
    let netuid = s.netuid;
    s.prev_stake = s
        .validators
        .iter()
        .map(|v| v.hotkey)
        .chain(s.miners.iter().map(|m| m.hotkey))
        .chain(std::iter::once(s.owner_hotkey))
        .map(|h| (h, probe::stake_of(st, netuid, &h)))
        .collect();
    s.prev_positions = positions(s, st);
}

/// Alpha of every validator's own and nominated positions.
fn positions(s: &SubnetSim, st: &Overlay<'_>) -> BTreeMap<(AccountId, AccountId), u64> {
    let mut out = BTreeMap::new();
    for v in &s.validators {
        for c in std::iter::once(&v.coldkey).chain(&v.nominators) {
            out.insert((v.hotkey, *c), probe::position(st, s.netuid, &v.hotkey, c));
        }
    }
    out
}

/// Genesis parameters of a subnet (names of docs/genesis.md).
fn subnet_params(spec: &SubnetSpec) -> BTreeMap<String, u64> {
    let mut p = BTreeMap::new();
    let mut set = |k: &str, v: Option<u64>| {
        if let Some(v) = v {
            p.insert(k.to_string(), v);
        }
    };
    set("Tempo", spec.tempo.map(u64::from));
    set("MaxAllowedUids", spec.max_uids.map(u64::from));
    set("MaxAllowedValidators", spec.max_validators.map(u64::from));
    set("Yuma3On", spec.yuma.map(|y| u64::from(y == 3)));
    set(
        "Kappa",
        spec.kappa.map(|k| u64::from(probe::to_u16_fraction(k))),
    );
    set(
        "BondsMovingAverage",
        spec.bonds_moving_average.map(probe::to_ppm),
    );
    set(
        "BondsPenalty",
        spec.bonds_penalty
            .map(|b| u64::from(probe::to_u16_fraction(b))),
    );
    set(
        "LiquidAlphaOn",
        spec.liquid_alpha.as_ref().map(|l| u64::from(l.enabled)),
    );
    if let Some(cr) = spec.commit_reveal {
        set("CommitRevealWeightsEnabled", Some(u64::from(cr > 0)));
        if cr > 0 {
            set("RevealPeriodEpochs", Some(cr));
        }
    }
    set("WeightsSetRateLimit", spec.weights_rate_limit);
    set("ImmunityPeriod", spec.immunity_period.map(u64::from));
    set("Burn", spec.burn.map(probe::to_rao));
    p
}

fn refresh_uids(s: &mut SubnetSim, st: &Overlay<'_>) {
    for v in &mut s.validators {
        v.uid = probe::uid_of(st, s.netuid, &v.hotkey);
    }
    for m in &mut s.miners {
        let uid = probe::uid_of(st, s.netuid, &m.hotkey);
        if m.uid.is_some() && uid.is_none() {
            m.gone = true;
        }
        m.uid = uid;
    }
}

fn tao(rao: u64) -> f64 {
    rao as f64 / RAO
}

/// Entity of an agent for the Nakamoto coefficient: its team, or its coldkey.
fn entity(team: Option<&String>, coldkey: &AccountId) -> String {
    team.map_or_else(|| coldkey.to_hex(), |t| format!("team:{t}"))
}

fn measure(s: &mut SubnetSim, st: &Overlay<'_>, block: u64) -> EpochRecord {
    let netuid = s.netuid;
    let market = probe::market(st, netuid);
    let out = probe::epoch_outputs(st, netuid);
    let total_emission: u64 = out.emission.iter().copied().fold(0u64, u64::saturating_add);
    let share = |uid: Option<u16>| -> f64 {
        match uid {
            Some(u) if total_emission > 0 => out
                .emission
                .get(usize::from(u))
                .copied()
                .map_or(0.0, |e| e as f64 / total_emission as f64),
            _ => 0.0,
        }
    };
    let incentive = |uid: u16| -> f64 {
        out.incentive
            .get(usize::from(uid))
            .map_or(0.0, |&x| f64::from(x) / f64::from(u16::MAX))
    };
    let mut stake_now = BTreeMap::new();
    for h in s
        .validators
        .iter()
        .map(|v| v.hotkey)
        .chain(s.miners.iter().map(|m| m.hotkey))
        .chain(std::iter::once(s.owner_hotkey))
    {
        stake_now.insert(h, probe::stake_of(st, netuid, &h));
    }
    let prev = |h: &AccountId| s.prev_stake.get(h).copied().unwrap_or(0);
    let now = |h: &AccountId| stake_now.get(h).copied().unwrap_or(0);
    let earned = |h: &AccountId| tao(now(h).saturating_sub(prev(h)));
    // Dividends before the take: the chain records the stakers' part.
    let before_take = |h: &AccountId, after: u64| -> f64 {
        let kept = 1.0 - f64::from(probe::take(st, h)) / f64::from(u16::MAX);
        if kept > 0.0 { tao(after) / kept } else { 0.0 }
    };
    let gross = |h: &AccountId| before_take(h, probe::dividends_of(st, netuid, h));
    let positions_now = positions(s, st);
    let position_growth = |keys: &mut dyn Iterator<Item = (AccountId, AccountId)>| {
        let (mut before, mut after) = (0u64, 0u64);
        for k in keys {
            before = before.saturating_add(s.prev_positions.get(&k).copied().unwrap_or(0));
            after = after.saturating_add(positions_now.get(&k).copied().unwrap_or(0));
        }
        (before, after)
    };
    let growth_rate = |(before, after): (u64, u64)| {
        (before > 0).then(|| (tao(after) - tao(before)) / tao(before))
    };

    // Correlation of incentive with true quality over registered miners.
    let (mut qs, mut is) = (Vec::new(), Vec::new());
    for m in s.miners.iter().filter(|m| m.uid.is_some()) {
        qs.push(current_quality(s, m));
        is.push(incentive(m.uid.unwrap_or(0)));
    }

    // Validator yields.
    let mut honest_yields = Vec::new();
    let mut honest_earned = 0.0;
    let mut honest_prev = 0.0;
    for v in s.validators.iter().filter(|v| v.uid.is_some()) {
        let b = s.spec.validators[v.group].behaviour;
        if b == Behaviour::Honest {
            let p = tao(prev(&v.hotkey));
            if p > 0.0 {
                honest_yields.push(gross(&v.hotkey) / p);
            }
            honest_earned += earned(&v.hotkey);
            honest_prev += p;
        }
    }
    let honest_median = median(&honest_yields);
    let honest_ros = (honest_prev > 0.0).then(|| honest_earned / honest_prev);

    let mut groups = Vec::new();
    for (g, spec) in s.spec.miners.iter().enumerate() {
        let members: Vec<&Miner> = s
            .miners
            .iter()
            .filter(|m| m.group == g && m.uid.is_some())
            .collect();
        let qualities: Vec<f64> = members.iter().map(|m| current_quality(s, m)).collect();
        groups.push(GroupRecord {
            name: spec.name.clone(),
            role: "miner".into(),
            behaviour: String::new(),
            team: spec.team.clone(),
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
            stake: members.iter().map(|m| tao(now(&m.hotkey))).sum(),
            dividends: 0.0,
            earned: members.iter().map(|m| earned(&m.hotkey)).sum(),
            emission_share: members.iter().map(|m| share(m.uid)).sum(),
            dividend_yield: None,
            relative_dividend_rate: None,
            mean_quality: (!qualities.is_empty())
                .then(|| qualities.iter().sum::<f64>() / qualities.len() as f64),
            ..GroupRecord::default()
        });
    }
    let total_validator_stake: f64 = s
        .validators
        .iter()
        .filter(|v| v.uid.is_some())
        .map(|v| tao(now(&v.hotkey)))
        .sum();
    for (g, spec) in s.spec.validators.iter().enumerate() {
        let members: Vec<&Validator> = s
            .validators
            .iter()
            .filter(|v| v.group == g && v.uid.is_some())
            .collect();
        let dividends: f64 = members.iter().map(|v| gross(&v.hotkey)).sum();
        let after_take: f64 = members
            .iter()
            .map(|v| tao(probe::dividends_of(st, netuid, &v.hotkey)))
            .sum();
        let root_dividends: f64 = members
            .iter()
            .map(|v| before_take(&v.hotkey, probe::root_dividends_of(st, netuid, &v.hotkey)))
            .sum();
        let prev_stake: f64 = members.iter().map(|v| tao(prev(&v.hotkey))).sum();
        let yld = (prev_stake > 0.0).then(|| dividends / prev_stake);
        let nominated = position_growth(
            &mut members
                .iter()
                .flat_map(|v| v.nominators.iter().map(|c| (v.hotkey, *c))),
        );
        let own = position_growth(&mut members.iter().map(|v| (v.hotkey, v.coldkey)));
        groups.push(GroupRecord {
            name: spec.name.clone(),
            role: "validator".into(),
            behaviour: spec.behaviour.name().into(),
            team: team_of_validator(spec),
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
            stake: members.iter().map(|v| tao(now(&v.hotkey))).sum(),
            dividends,
            root_dividends,
            root_stake: members
                .iter()
                .map(|v| tao(probe::root_stake_of(st, &v.hotkey)))
                .sum(),
            nominators: u32::try_from(members.iter().map(|v| v.nominators.len()).sum::<usize>())
                .unwrap_or(u32::MAX),
            nominator_stake: tao(nominated.1),
            earned: members.iter().map(|v| earned(&v.hotkey)).sum(),
            emission_share: members.iter().map(|v| share(v.uid)).sum(),
            dividend_yield: yld,
            relative_dividend_rate: match (yld, honest_median) {
                (Some(y), Some(h)) if h > 0.0 => Some(y / h),
                _ => None,
            },
            staker_yield: (prev_stake > 0.0).then(|| after_take / prev_stake),
            nominator_yield: growth_rate(nominated),
            owner_yield: growth_rate(own),
            mean_quality: None,
        });
    }

    // Teams.
    let mut team_names: BTreeSet<String> = BTreeSet::new();
    for g in &s.spec.miners {
        team_names.extend(g.team.clone());
    }
    for g in &s.spec.validators {
        team_names.extend(team_of_validator(g));
    }
    let mut teams = Vec::new();
    for t in &team_names {
        let mut hotkeys: Vec<(AccountId, Option<u16>, bool)> = Vec::new();
        for v in s.validators.iter().filter(|v| v.uid.is_some()) {
            if team_of_validator(&s.spec.validators[v.group]).as_ref() == Some(t) {
                hotkeys.push((v.hotkey, v.uid, true));
            }
        }
        for m in s.miners.iter().filter(|m| m.uid.is_some()) {
            if s.spec.miners[m.group].team.as_ref() == Some(t) {
                hotkeys.push((m.hotkey, m.uid, false));
            }
        }
        if t == OWNER_TEAM {
            hotkeys.push((s.owner_hotkey, Some(0), false));
        }
        let stake: f64 = hotkeys.iter().filter(|x| x.2).map(|x| tao(now(&x.0))).sum();
        let earned_sum: f64 = hotkeys.iter().map(|x| earned(&x.0)).sum();
        let prev_sum: f64 = hotkeys.iter().map(|x| tao(prev(&x.0))).sum();
        let ros = (prev_sum > 0.0).then(|| earned_sum / prev_sum);
        teams.push(TeamRecord {
            team: t.clone(),
            stake_share: if total_validator_stake > 0.0 {
                stake / total_validator_stake
            } else {
                0.0
            },
            emission_share: hotkeys.iter().map(|x| share(x.1)).sum(),
            return_on_stake: ros,
            relative_return: match (ros, honest_ros) {
                (Some(r), Some(h)) if h > 0.0 => Some(r / h),
                _ => None,
            },
        });
    }

    // Independent agents and concentration.
    let mut independent_emission = 0.0;
    let mut independent_stake = 0.0;
    let mut validator_stakes = Vec::new();
    let mut stake_by_entity: BTreeMap<String, f64> = BTreeMap::new();
    let mut reward_by_entity: BTreeMap<String, f64> = BTreeMap::new();
    for v in s.validators.iter().filter(|v| v.uid.is_some()) {
        let team = team_of_validator(&s.spec.validators[v.group]);
        let st_v = tao(now(&v.hotkey));
        validator_stakes.push(st_v);
        let e = entity(team.as_ref(), &v.coldkey);
        *stake_by_entity.entry(e.clone()).or_default() += st_v;
        *reward_by_entity.entry(e).or_default() += share(v.uid);
        if team.is_none() {
            independent_emission += share(v.uid);
            independent_stake += st_v;
        }
    }
    for m in s.miners.iter().filter(|m| m.uid.is_some()) {
        let team = s.spec.miners[m.group].team.as_ref();
        *reward_by_entity
            .entry(entity(team, &m.coldkey))
            .or_default() += share(m.uid);
        if team.is_none() {
            independent_emission += share(m.uid);
        }
    }
    let owner_entity = if team_names.contains(OWNER_TEAM) {
        format!("team:{OWNER_TEAM}")
    } else {
        s.owner_coldkey.to_hex()
    };
    *reward_by_entity.entry(owner_entity).or_default() += share(Some(0));
    let uid_emission: Vec<f64> = out.emission.iter().map(|&e| e as f64).collect();
    let stake_entities: Vec<f64> = stake_by_entity.values().copied().collect();
    let reward_entities: Vec<f64> = reward_by_entity.values().copied().collect();

    let record = EpochRecord {
        subnet: s.index,
        netuid,
        epoch: s.epochs,
        block,
        incentive_quality_pearson: pearson(&qs, &is),
        incentive_quality_spearman: spearman(&qs, &is),
        emission: tao(total_emission),
        price: probe::price(st, netuid),
        moving_price: market.moving_price,
        tao_emission: tao(s.tao_emitted),
        tao_reserve: tao(market.tao_reserve),
        alpha_reserve: tao(market.alpha_reserve),
        alpha_outstanding: tao(market.alpha_outstanding),
        root_proportion: market.root_proportion,
        stake_gini: gini(&validator_stakes),
        stake_nakamoto: nakamoto(&stake_entities, 0.5),
        reward_gini: gini(&uid_emission),
        reward_nakamoto: nakamoto(&reward_entities, 0.5),
        independent_emission_share: independent_emission,
        independent_stake_share: if total_validator_stake > 0.0 {
            independent_stake / total_validator_stake
        } else {
            0.0
        },
        groups,
        teams,
        failed_calls: s.failed,
        registrations: s.registered,
    };
    s.failed = 0;
    s.registered = 0;
    s.tao_emitted = 0;
    s.prev_stake = stake_now;
    s.prev_positions = positions_now;
    record
}

fn team_of_validator(spec: &crate::scenario::ValidatorGroup) -> Option<String> {
    match spec.behaviour {
        Behaviour::Owner => Some(OWNER_TEAM.to_string()),
        _ => spec.team.clone(),
    }
}

fn current_quality(s: &SubnetSim, m: &Miner) -> f64 {
    if m.quit {
        0.0
    } else if s.spec.miners[m.group].sybil {
        s.groups[m.group].latent
    } else {
        m.quality
    }
}

/// One epoch of the miners' true-quality processes.
fn evolve(s: &mut SubnetSim) {
    for (g, spec) in s.spec.miners.iter().enumerate() {
        let state = &mut s.groups[g];
        if spec.sybil {
            if state.rng.chance(spec.jump) {
                state.latent = spec.quality.sample(&mut state.rng) * state.scale;
            } else if spec.drift > 0.0 {
                state.latent =
                    (state.latent + spec.drift * state.unit * state.rng.normal()).max(0.0);
            }
        }
    }
    let mut spawn = Vec::new();
    for (k, m) in s.miners.iter_mut().enumerate() {
        let spec = &s.spec.miners[m.group];
        if m.quit || m.gone || m.uid.is_none() {
            continue;
        }
        let state = &s.groups[m.group];
        if !spec.sybil {
            if m.rng.chance(spec.jump) {
                m.quality = spec.quality.sample(&mut m.rng) * state.scale;
            } else if spec.drift > 0.0 {
                m.quality = (m.quality + spec.drift * state.unit * m.rng.normal()).max(0.0);
            }
        }
        if m.rng.chance(spec.churn) {
            m.quit = true;
            spawn.push((k, m.group));
        }
    }
    for (_, g) in spawn {
        let spec = &s.spec.miners[g];
        let state = &mut s.groups[g];
        state.spawned += 1;
        let mut rng = Rng::stream(state.rng.next_u64(), &format!("spawn {}", state.spawned));
        let quality = spec.quality.sample(&mut rng) * state.scale;
        // The replacement's keys are derived from its own label; in signed mode the key
        // ring would need it, but churned miners only register, signed by the registrar.
        let seed = agora_primitives::hashing::blake2_256(
            format!(
                "agora-sim/subnet {}/miner/{}/spawn {}",
                s.index, spec.name, state.spawned
            )
            .as_bytes(),
        );
        let hotkey = AccountId(seed);
        s.miners.push(Miner {
            group: g,
            hotkey,
            coldkey: state.registrar,
            quality,
            rng,
            quit: false,
            uid: None,
            gone: false,
        });
        s.registrations.push_back((s.miners.len() - 1, 0));
    }
}

/// Observed quality of every registered miner: `q · max(0, 1 + noise · N(0, 1))`.
fn observe(s: &SubnetSim, rng: &mut Rng, noise: f64) -> Vec<(u16, f64)> {
    let mut out: Vec<(u16, f64)> = s
        .miners
        .iter()
        .filter_map(|m| {
            let uid = m.uid?;
            let q = current_quality(s, m);
            let factor = if noise > 0.0 {
                (1.0 + noise * rng.normal()).max(0.0)
            } else {
                1.0
            };
            Some((uid, q * factor))
        })
        .collect();
    out.sort_by_key(|x| x.0);
    out
}

/// Scales weights so the largest is 65 535, drops zeros; `None` if nothing is left.
fn quantize(mut w: Vec<(u16, f64)>) -> Option<(Vec<u16>, Vec<u16>)> {
    w.sort_by_key(|x| x.0);
    let max = w.iter().map(|x| x.1).fold(0.0f64, f64::max);
    if max <= 0.0 || !max.is_finite() {
        return None;
    }
    let (uids, values): (Vec<u16>, Vec<u16>) = w
        .into_iter()
        .map(|(u, x)| (u, probe::to_u16_fraction(x / max)))
        .filter(|x| x.1 > 0)
        .unzip();
    (!uids.is_empty()).then_some((uids, values))
}

/// A cartel's weights: `self_weight` of the mass on the team's miners (spread by noisy
/// sampling, regardless of quality, as in subtensor's consensus analysis), the rest on the
/// others by observed quality.
fn cartel_weights(
    s: &SubnetSim,
    rng: &mut Rng,
    noise: f64,
    team: &str,
    self_weight: f64,
) -> Vec<(u16, f64)> {
    let team_uids: BTreeSet<u16> = s
        .miners
        .iter()
        .filter(|m| s.spec.miners[m.group].team.as_deref() == Some(team))
        .filter_map(|m| m.uid)
        .collect();
    let obs = observe(s, rng, noise);
    let mut own: Vec<(u16, f64)> = Vec::new();
    let mut others: Vec<(u16, f64)> = Vec::new();
    for (uid, x) in obs {
        if team_uids.contains(&uid) {
            let f = if noise > 0.0 {
                (1.0 + noise * rng.normal()).max(0.0)
            } else {
                1.0
            };
            own.push((uid, f));
        } else {
            others.push((uid, x));
        }
    }
    let own_sum: f64 = own.iter().map(|x| x.1).sum();
    let other_sum: f64 = others.iter().map(|x| x.1).sum();
    let mut out = Vec::new();
    if own_sum > 0.0 {
        out.extend(own.into_iter().map(|(u, x)| (u, self_weight * x / own_sum)));
    }
    if other_sum > 0.0 {
        out.extend(
            others
                .into_iter()
                .map(|(u, x)| (u, (1.0 - self_weight) * x / other_sum)),
        );
    }
    out
}

/// The weights a copier sets: the stored consensus, or the stake-weighted mean of the
/// visible weight rows, excluding itself.
fn copied_weights(
    s: &SubnetSim,
    st: &Overlay<'_>,
    source: CopySource,
    own: u16,
) -> Vec<(u16, f64)> {
    let out = probe::epoch_outputs(st, s.netuid);
    match source {
        CopySource::Consensus => out
            .consensus
            .iter()
            .enumerate()
            .filter_map(|(j, &c)| {
                let j = u16::try_from(j).ok()?;
                (j != own && c > 0).then_some((j, f64::from(c)))
            })
            .collect(),
        CopySource::Weights => {
            let mut acc: BTreeMap<u16, f64> = BTreeMap::new();
            for (i, &sw) in out.stake_weight.iter().enumerate() {
                let Ok(i) = u16::try_from(i) else { continue };
                if i == own || sw == 0 || !out.permit.get(usize::from(i)).copied().unwrap_or(false)
                {
                    continue;
                }
                let row = probe::weights_row(st, s.netuid, i);
                let sum: f64 = row.iter().map(|x| f64::from(x.1)).sum();
                if sum <= 0.0 {
                    continue;
                }
                for (j, w) in row {
                    if j != own {
                        *acc.entry(j).or_default() += f64::from(sw) * f64::from(w) / sum;
                    }
                }
            }
            acc.into_iter().collect()
        }
    }
}

/// The calls every validator makes in block `next`.
fn act(s: &mut SubnetSim, st: &Overlay<'_>, next: u64) -> Vec<(Sender, Call, Tag)> {
    let netuid = s.netuid;
    let out = probe::epoch_outputs(st, netuid);
    let cr = agora_runtime::weights::checks::commit_reveal_enabled(st, netuid);
    let mut calls = Vec::new();
    for vi in 0..s.validators.len() {
        let Some(uid) = s.validators[vi].uid else {
            continue;
        };
        if !out.permit.get(usize::from(uid)).copied().unwrap_or(false) {
            continue;
        }
        let spec = s.spec.validators[s.validators[vi].group].clone();
        let mut rng = s.validators[vi].rng.clone();
        let weights: Option<(Vec<u16>, Vec<u16>)> = match spec.behaviour {
            Behaviour::Honest => quantize(observe(s, &mut rng, spec.noise)),
            Behaviour::Lazy => {
                let refresh = spec.refresh_epochs.unwrap_or(10);
                let stale = s.validators[vi].last.is_some()
                    && s.validators[vi].since_observation + 1 < refresh;
                if stale {
                    s.validators[vi].since_observation += 1;
                    s.validators[vi].last.clone()
                } else {
                    s.validators[vi].since_observation = 0;
                    quantize(observe(s, &mut rng, spec.noise))
                }
            }
            Behaviour::Copier => quantize(copied_weights(s, st, spec.copy, uid)),
            Behaviour::Cartel | Behaviour::Owner => {
                let team = team_of_validator(&spec).unwrap_or_default();
                quantize(cartel_weights(
                    s,
                    &mut rng,
                    spec.noise,
                    &team,
                    spec.self_weight.unwrap_or(1.0),
                ))
            }
        };
        let v = &mut s.validators[vi];
        let sender = Sender::Account(v.hotkey);
        if cr {
            let mut keep = Vec::new();
            for c in std::mem::take(&mut v.commits) {
                if probe::is_reveal_epoch(st, netuid, c.epoch, next) {
                    calls.push((
                        sender,
                        probe::reveal_call(netuid, c.uids, c.values, c.salt),
                        Tag::Reveal(s.index),
                    ));
                } else if !probe::is_commit_expired(st, netuid, c.epoch, next) {
                    keep.push(c);
                }
            }
            v.commits = keep;
            if let Some((uids, values)) = &weights {
                let salt: Vec<u16> = (0..8)
                    .map(|_| u16::try_from(rng.next_u64() >> 48).unwrap_or(0))
                    .collect();
                let hash = probe::commit_hash(&v.hotkey, netuid, uids, values, &salt);
                let commit = Commit {
                    epoch: 0,
                    uids: uids.clone(),
                    values: values.clone(),
                    salt,
                };
                calls.push((
                    sender,
                    probe::commit_call(netuid, hash),
                    Tag::Commit(s.index, vi, commit),
                ));
            }
        } else if let Some((uids, values)) = &weights {
            calls.push((
                sender,
                probe::set_weights_call(netuid, uids.clone(), values.clone()),
                Tag::Weights(s.index),
            ));
        }
        if weights.is_some() {
            v.last = weights;
        }
        v.rng = rng;
    }
    calls
}
