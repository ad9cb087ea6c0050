//! The miners the gateway can ask, behind [`MinerPool`], and the fan-out that picks the best
//! verified answer.
//!
//! The production pool reads the metagraph (uids, hotkeys, axons, incentive) and calls
//! miners through the SDK's dendrite; tests use in-process pools. The fan-out asks the top
//! `k` miners by incentive concurrently with the same request, verifies every answer against
//! the buyer's problem, and returns the cheapest valid one (ties: the miner ranked higher).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::protocol::SolveRoutes;
use crate::solution::{Solution, verify};
use crate::validator::QueryFailure;

/// A miner the pool can reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PoolMiner {
    /// Its uid.
    pub uid: u16,
    /// Its hotkey (SS58).
    pub hotkey: String,
    /// Its incentive (u16 proportion, as the metagraph stores it).
    pub incentive: u16,
}

/// Where the gateway finds miners.
pub trait MinerPool: Send + Sync + 'static {
    /// Up to `k` serving miners, highest incentive first.
    fn top_miners(&self, k: usize) -> impl Future<Output = Vec<PoolMiner>> + Send;
    /// Sends `request` to `miner`; the caller bounds the wait with its own timeout too.
    fn solve(
        &self,
        miner: &PoolMiner,
        request: &SolveRoutes,
        timeout: Duration,
    ) -> impl Future<Output = Result<SolveRoutes, QueryFailure>> + Send;
}

/// The best answer of a fan-out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Best {
    /// The winning miner.
    pub miner: PoolMiner,
    /// Its solution.
    pub solution: Solution,
    /// Its verified cost.
    pub cost: u64,
}

/// What a fan-out found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FanOut {
    /// Miners asked.
    pub queried: usize,
    /// Valid answers.
    pub valid: usize,
    /// The best valid answer.
    pub best: Option<Best>,
}

/// Asks `miners` concurrently and keeps the cheapest verified answer.
pub async fn fan_out<P: MinerPool>(
    pool: &Arc<P>,
    miners: Vec<PoolMiner>,
    request: &SolveRoutes,
    timeout: Duration,
) -> FanOut {
    let mut tasks = tokio::task::JoinSet::new();
    for (rank, miner) in miners.iter().cloned().enumerate() {
        let pool = Arc::clone(pool);
        let request = request.clone();
        tasks.spawn(async move {
            let answer = tokio::time::timeout(timeout, pool.solve(&miner, &request, timeout)).await;
            (rank, miner, answer)
        });
    }
    let mut valid = 0;
    let mut best: Option<(u64, usize, Best)> = None;
    while let Some(joined) = tasks.join_next().await {
        let Ok((rank, miner, Ok(Ok(response)))) = joined else {
            continue;
        };
        let Some(solution) = response.solution else {
            continue;
        };
        let Ok(v) = verify(&request.problem, &solution) else {
            continue;
        };
        valid += 1;
        if best
            .as_ref()
            .is_none_or(|(c, r, _)| (v.cost, rank) < (*c, *r))
        {
            best = Some((
                v.cost,
                rank,
                Best {
                    miner,
                    solution,
                    cost: v.cost,
                },
            ));
        }
    }
    FanOut {
        queried: miners.len(),
        valid,
        best: best.map(|b| b.2),
    }
}
