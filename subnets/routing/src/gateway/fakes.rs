//! An in-process [`MinerPool`] for tests and benchmarks: miners that run a strategy locally,
//! with the faulty miner's stall done as a real sleep past the timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::pool::{MinerPool, PoolMiner};
use crate::miner::{MinerConfig, Reply, Strategy, handle};
use crate::protocol::SolveRoutes;
use crate::validator::QueryFailure;

/// A pool of local miners.
pub struct FakePool {
    /// Miners with their strategies, in any order.
    pub miners: Vec<(PoolMiner, Strategy)>,
    /// Requests served, for assertions.
    pub calls: Arc<AtomicUsize>,
}

impl FakePool {
    /// A pool of `strategies`, uid i+1, incentive descending in list order.
    pub fn new(strategies: &[Strategy]) -> Self {
        let miners = strategies
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let uid = u16::try_from(i + 1).unwrap_or(u16::MAX);
                let incentive = u16::MAX.saturating_sub(uid.saturating_mul(100));
                (
                    PoolMiner {
                        uid,
                        hotkey: format!("5Miner{uid}"),
                        incentive,
                    },
                    *s,
                )
            })
            .collect();
        Self {
            miners,
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl MinerPool for FakePool {
    async fn top_miners(&self, k: usize) -> Vec<PoolMiner> {
        let mut m: Vec<PoolMiner> = self.miners.iter().map(|(m, _)| m.clone()).collect();
        m.sort_by(|a, b| b.incentive.cmp(&a.incentive).then(a.uid.cmp(&b.uid)));
        m.truncate(k);
        m
    }

    async fn solve(
        &self,
        miner: &PoolMiner,
        request: &SolveRoutes,
        timeout: Duration,
    ) -> Result<SolveRoutes, QueryFailure> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let Some((_, strategy)) = self.miners.iter().find(|(m, _)| m.uid == miner.uid) else {
            return Err(QueryFailure::Status(404));
        };
        let config = MinerConfig {
            strategy: *strategy,
            ..MinerConfig::default()
        };
        let request_copy = request.clone();
        let seed = u64::from(miner.uid);
        let reply = tokio::task::spawn_blocking(move || {
            handle(&config, &request_copy, Instant::now(), seed)
        })
        .await
        .map_err(|_| QueryFailure::Status(500))?;
        match reply {
            Ok(Reply::Answer(solution)) => Ok(SolveRoutes {
                solution: Some(solution),
                ..request.clone()
            }),
            Ok(Reply::Stall) => {
                tokio::time::sleep(timeout + Duration::from_secs(1)).await;
                Err(QueryFailure::Timeout)
            }
            Err(_) => Err(QueryFailure::Status(400)),
        }
    }
}
