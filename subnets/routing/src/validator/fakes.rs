//! In-process fakes of the network for tests: miners that run a strategy locally, and a
//! chain that keeps blocks, epochs and weight extrinsics in memory with the commit-reveal
//! rules (commit in epoch `e`, reveal exactly in `e + period`, rate limit on commits and
//! sets). Deterministic: the strong solver runs on an iteration budget.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use super::{Chain, ChainError, MinerClient, Neuron, QueryFailure, QueryResult, WeightSchedule};
use crate::bad::{Faulty, faulty, lazy};
use crate::miner::Strategy;
use crate::protocol::SolveRoutes;
use crate::score_file::PendingCommit;
use crate::solve::{Budget, solve};

/// Miners by uid, each with a strategy.
pub struct FakeMiners {
    /// Strategy of each uid.
    pub strategies: BTreeMap<u16, Strategy>,
    /// Iterations given to the strong solver.
    pub strong_iterations: u64,
}

impl MinerClient for FakeMiners {
    async fn query(
        &self,
        targets: &[Neuron],
        request: &SolveRoutes,
        timeout: Duration,
    ) -> Vec<QueryResult> {
        targets
            .iter()
            .map(|t| {
                let seed = u64::from(t.uid) ^ request.problem.stops.len() as u64;
                let response = match self.strategies.get(&t.uid) {
                    None => Err(QueryFailure::Status(503)),
                    Some(Strategy::Solver(s)) => Ok(solve(
                        &request.problem,
                        *s,
                        &Budget::iterations(self.strong_iterations),
                        seed,
                    )),
                    Some(Strategy::Lazy) => Ok(lazy(&request.problem)),
                    Some(Strategy::Faulty) => match faulty(&request.problem, seed) {
                        Faulty::Invalid(s) => Ok(s),
                        Faulty::Stall => Err(QueryFailure::Timeout),
                    },
                };
                let elapsed = if response == Err(QueryFailure::Timeout) {
                    timeout
                } else {
                    Duration::from_millis(1)
                };
                QueryResult {
                    uid: t.uid,
                    response: response.map(|s| SolveRoutes {
                        solution: Some(s),
                        ..request.clone()
                    }),
                    elapsed,
                }
            })
            .collect()
    }
}

/// The fake chain's state.
#[derive(Debug, Default)]
pub struct ChainState {
    /// Current block.
    pub block: u64,
    /// Blocks per epoch.
    pub tempo: u64,
    /// Commit-reveal on.
    pub commit_reveal: bool,
    /// Reveal period in epochs.
    pub reveal_period: u64,
    /// Weights rate limit in blocks.
    pub rate_limit: u64,
    /// The validator's last update.
    pub last_update: Option<u64>,
    /// The subnet's neurons.
    pub neurons: Vec<Neuron>,
    /// Commits on chain: (epoch, commit).
    pub commits: Vec<(u64, PendingCommit)>,
    /// Weights in force: by uid.
    pub weights: BTreeMap<u16, u16>,
    /// Every successful weight extrinsic: (block, name).
    pub log: Vec<(u64, &'static str)>,
}

/// A chain in memory.
#[derive(Debug, Default)]
pub struct FakeChain {
    /// Its state.
    pub state: Mutex<ChainState>,
}

impl FakeChain {
    fn with<T>(&self, f: impl FnOnce(&mut ChainState) -> T) -> T {
        let mut g = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut g)
    }

    /// Advances the chain by `blocks`.
    pub fn advance(&self, blocks: u64) {
        self.with(|s| s.block += blocks);
    }
}

fn epoch(s: &ChainState) -> u64 {
    s.block / s.tempo.max(1)
}

fn rate_check(s: &ChainState) -> Result<(), ChainError> {
    match s.last_update {
        Some(l) if s.block - l < s.rate_limit => Err(ChainError("SettingWeightsTooFast".into())),
        _ => Ok(()),
    }
}

impl Chain for FakeChain {
    async fn neurons(&self) -> Result<Vec<Neuron>, ChainError> {
        Ok(self.with(|s| s.neurons.clone()))
    }

    async fn schedule(&self) -> Result<WeightSchedule, ChainError> {
        Ok(self.with(|s| WeightSchedule {
            block: s.block,
            epoch: epoch(s),
            commit_reveal: s.commit_reveal,
            reveal_period: s.reveal_period,
            rate_limit: s.rate_limit,
            last_update: s.last_update,
        }))
    }

    async fn set_weights(
        &self,
        uids: &[u16],
        values: &[u16],
        _version_key: u64,
    ) -> Result<(), ChainError> {
        self.with(|s| {
            if s.commit_reveal {
                return Err(ChainError("CommitRevealEnabled".into()));
            }
            rate_check(s)?;
            s.weights = uids.iter().copied().zip(values.iter().copied()).collect();
            s.last_update = Some(s.block);
            s.log.push((s.block, "set_weights"));
            Ok(())
        })
    }

    async fn commit_weights(&self, commit: &PendingCommit) -> Result<(), ChainError> {
        self.with(|s| {
            if !s.commit_reveal {
                return Err(ChainError("CommitRevealDisabled".into()));
            }
            rate_check(s)?;
            let e = epoch(s);
            s.commits.push((e, commit.clone()));
            s.last_update = Some(s.block);
            s.log.push((s.block, "commit_weights"));
            Ok(())
        })
    }

    async fn reveal_weights(&self, commit: &PendingCommit) -> Result<(), ChainError> {
        self.with(|s| {
            let e = epoch(s);
            let period = s.reveal_period;
            let Some(i) = s
                .commits
                .iter()
                .position(|(ce, c)| c == commit && ce + period == e)
            else {
                return Err(ChainError("NoWeightsCommitFound".into()));
            };
            s.commits.remove(i);
            s.weights = commit
                .uids
                .iter()
                .copied()
                .zip(commit.values.iter().copied())
                .collect();
            s.log.push((s.block, "reveal_weights"));
            Ok(())
        })
    }
}
