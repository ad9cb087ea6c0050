//! The validator's loop logic behind two small traits, [`MinerClient`] (the dendrite) and
//! [`Chain`] (metagraph and weight extrinsics), so it runs the same against the real network
//! and against in-process fakes.
//!
//! One round:
//! 1. `seed = BLAKE2b-256("_AGORA_ROUTING_ROUND" ‖ secret ‖ round)`; the task and the
//!    problem follow from it ([`crate::generate`]). Miners cannot predict it: the secret never
//!    leaves the validator's state file.
//! 2. Query the serving miners (at most `sample_size`, a seed-chosen sample) with the same
//!    request and the same time limit.
//! 3. Verify every answer against the validator's own copy of the problem; an answer after
//!    the time limit is late. Compute the baseline with the validator's own fast solver.
//! 4. Rewards, EMA ([`crate::scoring`]); save the state file.
//! 5. Weights on the chain's schedule ([`Validator::decide`]): at most once per epoch; with
//!    commit-reveal on, commit in epoch `e` and reveal in epoch `e + RevealPeriodEpochs`
//!    (the reference's hash commit-reveal v2, which is what Agora's chain implements), with
//!    the pending commits kept in the state file so a restart can still reveal them.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use blake2::{Blake2b512, Digest};

use crate::generate::{InstanceSpec, TaskConfig, TaskConfigError, generate, plan};
use crate::protocol::SolveRoutes;
use crate::rng::Rng;
use crate::score_file::{self, PendingCommit, StateFileError, ValidatorState};
use crate::scoring::{Answer, ScoreBook, Sharpening, round_rewards};
use crate::solution::verify;
use crate::solve::{Budget, Solver, solve};

/// Most unrevealed commits the chain keeps per hotkey (the reference's limit).
pub const MAX_PENDING_COMMITS: usize = 10;

/// Validator settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorConfig {
    /// The tasks to send.
    pub tasks: TaskConfig,
    /// Time limit given to miners (ms).
    pub time_limit_ms: u64,
    /// Extra time for the network before an answer counts as late (ms).
    pub grace_ms: u64,
    /// EMA α in ppm.
    pub alpha_ppm: u64,
    /// Scores-to-weights sharpening.
    pub sharpening: Sharpening,
    /// Most miners queried per round.
    pub sample_size: usize,
    /// The weights `version_key`.
    pub version_key: u64,
    /// The validator's own baseline solver.
    pub baseline: Solver,
}

impl Default for ValidatorConfig {
    fn default() -> Self {
        Self {
            tasks: TaskConfig::default(),
            time_limit_ms: 2_000,
            grace_ms: 500,
            alpha_ppm: 100_000,
            sharpening: Sharpening::default(),
            sample_size: 64,
            version_key: 0,
            baseline: Solver::OrOpt,
        }
    }
}

/// Where an axon listens (the metagraph's `AxonInfo` ip and port).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Endpoint {
    /// IP address or host name.
    pub ip: String,
    /// Port.
    pub port: u16,
}

/// A neuron as the validator needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neuron {
    /// Its uid.
    pub uid: u16,
    /// Its hotkey (SS58).
    pub hotkey: String,
    /// Its axon, if it serves one.
    pub axon: Option<Endpoint>,
}

/// Why a query produced no response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryFailure {
    /// No response within the timeout.
    Timeout,
    /// The axon answered with an error status.
    Status(u16),
    /// The response body was not a `SolveRoutes`.
    Malformed,
}

/// One miner's response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryResult {
    /// The miner.
    pub uid: u16,
    /// What came back.
    pub response: Result<SolveRoutes, QueryFailure>,
    /// How long it took.
    pub elapsed: Duration,
}

/// The dendrite side: send one request to many miners concurrently.
pub trait MinerClient {
    /// Queries every target with `request`; one result per target, in any order.
    fn query(
        &self,
        targets: &[Neuron],
        request: &SolveRoutes,
        timeout: Duration,
    ) -> impl Future<Output = Vec<QueryResult>> + Send;
}

/// What the chain says about weight setting now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeightSchedule {
    /// Current block.
    pub block: u64,
    /// The subnet's epoch a call in this block belongs to (with the reference's lookahead).
    pub epoch: u64,
    /// Commit-reveal is on for the subnet.
    pub commit_reveal: bool,
    /// `RevealPeriodEpochs`.
    pub reveal_period: u64,
    /// `WeightsSetRateLimit` in blocks.
    pub rate_limit: u64,
    /// This validator's `LastUpdate` block, if any.
    pub last_update: Option<u64>,
}

/// A chain error, as text (the chain client owns the detail).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("chain: {0}")]
pub struct ChainError(pub String);

/// The chain side.
pub trait Chain {
    /// The subnet's neurons.
    fn neurons(&self) -> impl Future<Output = Result<Vec<Neuron>, ChainError>> + Send;
    /// The weight schedule now.
    fn schedule(&self) -> impl Future<Output = Result<WeightSchedule, ChainError>> + Send;
    /// `set_weights`.
    fn set_weights(
        &self,
        uids: &[u16],
        values: &[u16],
        version_key: u64,
    ) -> impl Future<Output = Result<(), ChainError>> + Send;
    /// `commit_weights` with the hash of `commit` (the client computes the reference's
    /// commit hash from its own hotkey and the netuid).
    fn commit_weights(
        &self,
        commit: &PendingCommit,
    ) -> impl Future<Output = Result<(), ChainError>> + Send;
    /// `reveal_weights` of `commit`.
    fn reveal_weights(
        &self,
        commit: &PendingCommit,
    ) -> impl Future<Output = Result<(), ChainError>> + Send;
}

/// A round's task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundPlan {
    /// The round number.
    pub round: u64,
    /// The round seed.
    pub seed: [u8; 32],
    /// The task.
    pub spec: InstanceSpec,
    /// The request every miner gets.
    pub request: SolveRoutes,
}

/// What a round found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundReport {
    /// The round number.
    pub round: u64,
    /// Each queried miner's answer.
    pub answers: Vec<(u16, Answer)>,
    /// Each queried miner's reward (ppm).
    pub rewards: Vec<(u16, u64)>,
    /// The validator's own baseline cost.
    pub baseline: u64,
    /// The weight calls made on chain after the round ([`run_round`]), in order.
    pub weights: Vec<WeightAction>,
}

/// What to do about weights now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeightAction {
    /// Nothing this time.
    Nothing,
    /// `set_weights` (commit-reveal off).
    Set {
        /// The uids.
        uids: Vec<u16>,
        /// Their weights.
        values: Vec<u16>,
        /// The epoch.
        epoch: u64,
    },
    /// Commit these weights.
    Commit(PendingCommit),
    /// Reveal this earlier commit.
    Reveal(PendingCommit),
}

/// A validator error.
#[derive(Debug, thiserror::Error)]
pub enum ValidatorError {
    /// Bad task configuration.
    #[error(transparent)]
    Config(#[from] TaskConfigError),
    /// The state file.
    #[error(transparent)]
    State(#[from] StateFileError),
    /// The chain.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The state file's secret is not 64 hex digits.
    #[error("the state file's secret is not 32 bytes of hex")]
    BadSecret,
}

fn hash(domain: &[u8], secret: &[u8; 32], extra: &[u8]) -> [u8; 32] {
    let mut h = Blake2b512::new();
    h.update(domain);
    h.update(secret);
    h.update(extra);
    let out = h.finalize();
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&out[..32]);
    seed
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The validator core: configuration, persisted state and the pure steps of a round.
pub struct Validator {
    config: ValidatorConfig,
    state: ValidatorState,
    secret: [u8; 32],
    path: Option<PathBuf>,
}

impl Validator {
    /// A validator with `state`; `path` is where it is saved after every change.
    pub fn new(
        config: ValidatorConfig,
        state: ValidatorState,
        path: Option<PathBuf>,
    ) -> Result<Self, ValidatorError> {
        config.tasks.validate()?;
        let secret = unhex32(&state.secret).ok_or(ValidatorError::BadSecret)?;
        Ok(Self {
            config,
            state,
            secret,
            path,
        })
    }

    /// Loads the state at `path`, or starts a fresh one with `fresh_secret` (which the caller
    /// draws from the OS) if there is none.
    pub fn open(
        config: ValidatorConfig,
        path: &Path,
        fresh_secret: [u8; 32],
    ) -> Result<Self, ValidatorError> {
        let state = match score_file::load(path)? {
            Some(s) => s,
            None => ValidatorState {
                round: 0,
                secret: hex(&fresh_secret),
                scores: ScoreBook::default(),
                pending: Vec::new(),
                last_weights_epoch: None,
            },
        };
        Self::new(config, state, Some(path.to_owned()))
    }

    /// The persisted state.
    pub fn state(&self) -> &ValidatorState {
        &self.state
    }

    fn save(&self) -> Result<(), ValidatorError> {
        if let Some(p) = &self.path {
            score_file::save(p, &self.state)?;
        }
        Ok(())
    }

    /// The next round's task.
    pub fn plan_round(&self) -> Result<RoundPlan, ValidatorError> {
        let round = self.state.round;
        let seed = hash(b"_AGORA_ROUTING_ROUND", &self.secret, &round.to_le_bytes());
        let spec = plan(&self.config.tasks, &seed)?;
        let problem = generate(&spec, &seed);
        Ok(RoundPlan {
            round,
            seed,
            spec,
            request: SolveRoutes::request(problem, self.config.time_limit_ms),
        })
    }

    /// The miners to query: serving neurons, a seed-chosen sample of at most `sample_size`,
    /// in uid order.
    pub fn targets(&self, neurons: &[Neuron], plan: &RoundPlan) -> Vec<Neuron> {
        let mut serving: Vec<Neuron> = neurons
            .iter()
            .filter(|n| n.axon.is_some())
            .cloned()
            .collect();
        if serving.len() > self.config.sample_size {
            let mut rng = Rng::from_bytes(&hash(b"_AGORA_ROUTING_SAMPLE", &plan.seed, &[]));
            rng.shuffle(&mut serving);
            serving.truncate(self.config.sample_size);
        }
        serving.sort_by_key(|n| n.uid);
        serving
    }

    /// The cost of the validator's own baseline solution for a round (CPU-bound: the async
    /// driver runs it on a blocking thread).
    pub fn baseline(&self, plan: &RoundPlan) -> u64 {
        baseline_cost(&plan.request.problem, self.config.baseline)
    }

    /// Verifies and scores a round's results, folds them into the scores and advances the
    /// round counter (not yet saved; see [`Validator::finish_round`]).
    pub fn score_round(
        &mut self,
        plan: &RoundPlan,
        results: &[QueryResult],
        neurons: &[Neuron],
    ) -> RoundReport {
        let baseline = self.baseline(plan);
        self.score_round_against(plan, results, neurons, baseline)
    }

    /// [`Validator::score_round`] with the baseline cost already computed.
    pub fn score_round_against(
        &mut self,
        plan: &RoundPlan,
        results: &[QueryResult],
        neurons: &[Neuron],
        baseline: u64,
    ) -> RoundReport {
        let problem = &plan.request.problem;
        let limit = Duration::from_millis(self.config.time_limit_ms + self.config.grace_ms);
        let mut answers: Vec<(u16, Answer)> = results
            .iter()
            .map(|r| {
                let answer = match &r.response {
                    _ if r.elapsed > limit => Answer::Late,
                    Ok(resp) => match &resp.solution {
                        Some(sol) => match verify(problem, sol) {
                            Ok(v) => Answer::Valid { cost: v.cost },
                            Err(_) => Answer::Invalid,
                        },
                        None => Answer::Invalid,
                    },
                    Err(QueryFailure::Timeout) => Answer::Late,
                    Err(QueryFailure::Malformed) => Answer::Invalid,
                    Err(QueryFailure::Status(_)) => Answer::Missing,
                };
                (r.uid, answer)
            })
            .collect();
        answers.sort_by_key(|a| a.0);
        answers.dedup_by_key(|a| a.0);
        let rewards = round_rewards(Some(baseline), &answers);
        let hotkey_of = |uid: u16| {
            neurons
                .iter()
                .find(|n| n.uid == uid)
                .map(|n| n.hotkey.clone())
        };
        self.state.scores.retain_current(hotkey_of);
        self.state
            .scores
            .apply(&rewards, self.config.alpha_ppm, |uid| {
                hotkey_of(uid).unwrap_or_default()
            });
        self.state.round += 1;
        RoundReport {
            round: plan.round,
            answers,
            rewards,
            baseline,
            weights: Vec::new(),
        }
    }

    /// Saves the state after a round.
    pub fn finish_round(&self) -> Result<(), ValidatorError> {
        self.save()
    }

    /// The weights the scores give now.
    pub fn weights(&self) -> Vec<(u16, u16)> {
        let scores: Vec<(u16, u64)> = self
            .state
            .scores
            .entries
            .iter()
            .map(|(&uid, e)| (uid, e.score))
            .collect();
        self.config.sharpening.weights(&scores)
    }

    /// What to do about weights under `schedule` (pure; see the module docs).
    pub fn decide(&self, schedule: &WeightSchedule) -> WeightAction {
        let epoch = schedule.epoch;
        let rate_ok = schedule
            .last_update
            .is_none_or(|last| schedule.block.saturating_sub(last) >= schedule.rate_limit);
        let done_this_epoch = self.state.last_weights_epoch == Some(epoch);
        if schedule.commit_reveal
            && let Some(p) = self
                .state
                .pending
                .iter()
                .find(|p| p.epoch.saturating_add(schedule.reveal_period) == epoch)
        {
            return WeightAction::Reveal(p.clone());
        }
        let weights = self.weights();
        if done_this_epoch || !rate_ok || weights.is_empty() {
            return WeightAction::Nothing;
        }
        let (uids, values): (Vec<u16>, Vec<u16>) = weights.into_iter().unzip();
        if !schedule.commit_reveal {
            return WeightAction::Set {
                uids,
                values,
                epoch,
            };
        }
        let live = self
            .state
            .pending
            .iter()
            .filter(|p| p.epoch.saturating_add(schedule.reveal_period) >= epoch)
            .count();
        if live >= MAX_PENDING_COMMITS {
            return WeightAction::Nothing;
        }
        let salt_bytes = hash(b"_AGORA_ROUTING_SALT", &self.secret, &epoch.to_le_bytes());
        let salt = salt_bytes
            .chunks(2)
            .take(8)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        WeightAction::Commit(PendingCommit {
            epoch,
            uids,
            values,
            salt,
            version_key: self.config.version_key,
        })
    }

    /// Records that `action` succeeded on chain under `schedule`, drops expired commits and
    /// saves the state.
    pub fn record(
        &mut self,
        action: &WeightAction,
        schedule: &WeightSchedule,
    ) -> Result<(), ValidatorError> {
        match action {
            WeightAction::Nothing => {}
            WeightAction::Set { epoch, .. } => self.state.last_weights_epoch = Some(*epoch),
            WeightAction::Commit(c) => {
                self.state.last_weights_epoch = Some(c.epoch);
                self.state.pending.push(c.clone());
            }
            WeightAction::Reveal(c) => self.state.pending.retain(|p| p != c),
        }
        let (epoch, period) = (schedule.epoch, schedule.reveal_period);
        self.state
            .pending
            .retain(|p| p.epoch.saturating_add(period) >= epoch);
        self.save()
    }
}

/// The cost of `solver`'s solution (deterministic: no deadline); `u64::MAX` if it is
/// somehow invalid.
pub fn baseline_cost(problem: &crate::problem::Problem, solver: Solver) -> u64 {
    let solution = solve(problem, solver, &Budget::iterations(0), 0);
    verify(problem, &solution).map_or(u64::MAX, |v| v.cost)
}

/// Runs one full round against a chain and miners, then acts on the weight schedule
/// (possibly twice: a reveal, then a new commit).
pub async fn run_round<C: Chain, M: MinerClient>(
    v: &mut Validator,
    chain: &C,
    miners: &M,
) -> Result<RoundReport, ValidatorError> {
    let neurons = chain.neurons().await?;
    let plan = v.plan_round()?;
    let targets = v.targets(&neurons, &plan);
    let timeout = Duration::from_millis(v.config.time_limit_ms + v.config.grace_ms);
    let results = miners.query(&targets, &plan.request, timeout).await;
    let (problem, solver) = (plan.request.problem.clone(), v.config.baseline);
    let baseline = tokio::task::spawn_blocking(move || baseline_cost(&problem, solver))
        .await
        .unwrap_or(u64::MAX);
    let mut report = v.score_round_against(&plan, &results, &neurons, baseline);
    v.finish_round()?;
    for _ in 0..2 {
        let schedule = chain.schedule().await?;
        let action = v.decide(&schedule);
        match &action {
            WeightAction::Nothing => break,
            WeightAction::Set { uids, values, .. } => {
                chain
                    .set_weights(uids, values, v.config.version_key)
                    .await?;
            }
            WeightAction::Commit(c) => chain.commit_weights(c).await?,
            WeightAction::Reveal(c) => chain.reveal_weights(c).await?,
        }
        v.record(&action, &schedule)?;
        report.weights.push(action);
    }
    Ok(report)
}

#[cfg(any(test, feature = "test-utils"))]
pub mod fakes;

#[cfg(test)]
mod tests;
