//! The subnet on a real chain: the validator's [`Chain`] and the gateway's [`MinerPool`]
//! over `agora_sdk::chain`, so `agora subnet routing validator|gateway` run against any
//! Agora node (or the SDK's in-process `LocalChain` in tests).
//!
//! * [`SdkChain`] reads the subnet's metagraph for the neurons and the weight schedule and
//!   the hotkey's weight commits for the commit-reveal epoch, and submits `set_weights`,
//!   `commit_weights` and `reveal_weights` signed by the validator's hotkey, waiting until
//!   the block is final so a failed call is reported with the chain's error name.
//! * [`MetagraphPool`] gives the gateway the serving miners ranked by incentive, from a
//!   metagraph it re-reads at most every `refresh` (a buyer request never waits on more than
//!   one metagraph read).
//!
//! The commit hash is the reference's (`agora_sdk::chain::weights::PendingCommit`): BLAKE2b
//! of the validator's hotkey, the netuid, uids, values, salt and version key, so a commit
//! made here reveals with the same preimage after a restart (the preimage is in the
//! validator's state file).

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_primitives::Keypair;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_sdk::chain::weights::PendingCommit as ChainCommit;
use agora_sdk::chain::{Chain as SdkClient, ChainClient, Metagraph, Wait};
use agora_sdk::dendrite::Dendrite;
use tokio::sync::Mutex;

use crate::gateway::pool::{MinerPool, PoolMiner};
use crate::network::{DendritePool, KnownMiner};
use crate::protocol::SolveRoutes;
use crate::score_file::PendingCommit;
use crate::validator::{Chain, ChainError, Endpoint, Neuron, QueryFailure, WeightSchedule};

/// The mechanism the routing subnet sets weights on (the subnet's only one).
const MECHID: u8 = 0;

fn chain_err(e: impl std::fmt::Display) -> ChainError {
    ChainError(e.to_string())
}

/// The routing validator's view of one subnet on a chain, acting as one hotkey.
pub struct SdkChain<C> {
    chain: Arc<SdkClient<C>>,
    netuid: u16,
    hotkey: Keypair,
}

impl<C: ChainClient> SdkChain<C> {
    /// The subnet `netuid` on `chain`, signing with `hotkey`.
    pub fn new(chain: Arc<SdkClient<C>>, netuid: u16, hotkey: Keypair) -> Self {
        Self {
            chain,
            netuid,
            hotkey,
        }
    }

    /// The subnet's metagraph now (lite: no weights or bonds).
    pub async fn metagraph(&self) -> Result<Metagraph, ChainError> {
        self.chain
            .metagraph(self.netuid, MECHID, true)
            .await
            .map_err(chain_err)?
            .ok_or_else(|| ChainError(format!("subnet {} does not exist", self.netuid)))
    }

    /// The chain's commit for `commit`, bound to this hotkey and subnet.
    fn chain_commit(&self, commit: &PendingCommit) -> ChainCommit {
        ChainCommit::with_salt(
            &self.hotkey.public(),
            self.netuid,
            MECHID,
            commit.uids.clone(),
            commit.values.clone(),
            commit.salt.clone(),
            commit.version_key,
        )
    }

    /// Submits `call` and waits until it is final; a failed call is an error naming the
    /// chain's reason.
    async fn submit(&self, what: &str, call: Call) -> Result<(), ChainError> {
        let out = self
            .chain
            .submit(&self.hotkey, call, Wait::Finalized)
            .await
            .map_err(|e| ChainError(format!("{what}: {e}")))?;
        out.result
            .map_err(|f| ChainError(format!("{what} failed: {f}")))
    }
}

/// The neurons of `m` other than `me`, with their served axons.
pub fn neurons_of(m: &Metagraph, me: Option<u16>) -> Vec<Neuron> {
    (0..m.n)
        .filter(|&uid| Some(uid) != me)
        .filter_map(|uid| {
            let hotkey = m.hotkeys.get(usize::from(uid))?.to_string();
            let axon = m.axon_target(uid).map(|t| Endpoint {
                ip: t.ip,
                port: t.port,
            });
            Some(Neuron { uid, hotkey, axon })
        })
        .collect()
}

impl<C: ChainClient> Chain for SdkChain<C> {
    async fn neurons(&self) -> Result<Vec<Neuron>, ChainError> {
        let m = self.metagraph().await?;
        // A validator does not query (or weight) itself.
        Ok(neurons_of(&m, m.uid_of(&self.hotkey.public())))
    }

    async fn schedule(&self) -> Result<WeightSchedule, ChainError> {
        let m = self.metagraph().await?;
        let me = self.hotkey.public();
        let wc = self
            .chain
            .weight_commits(self.netuid, MECHID, &me)
            .await
            .map_err(chain_err)?;
        // `LastUpdate` is 0 for a neuron that never set weights (and registration does not
        // count as an update here): no rate limit applies to its first call.
        let last_update = m
            .uid_of(&me)
            .and_then(|uid| m.last_update.get(usize::from(uid)).copied())
            .filter(|&b| b > 0);
        Ok(WeightSchedule {
            // The call lands in the next block: the rate limit and the epoch are the ones
            // that block sees (`next_block_epoch` applies the reference's lookahead).
            block: m.block.saturating_add(1),
            epoch: wc.next_block_epoch,
            commit_reveal: m.info.commit_reveal_weights_enabled,
            reveal_period: wc.reveal_period_epochs,
            rate_limit: m.info.weights_rate_limit,
            last_update,
        })
    }

    async fn set_weights(
        &self,
        uids: &[u16],
        values: &[u16],
        version_key: u64,
    ) -> Result<(), ChainError> {
        let call = Call::SubtensorModule(SubtensorCall::set_weights {
            netuid: self.netuid,
            dests: uids.to_vec(),
            weights: values.to_vec(),
            version_key,
        });
        self.submit("set_weights", call).await
    }

    async fn commit_weights(&self, commit: &PendingCommit) -> Result<(), ChainError> {
        let call = self.chain_commit(commit).commit_call();
        self.submit("commit_weights", call).await
    }

    async fn reveal_weights(&self, commit: &PendingCommit) -> Result<(), ChainError> {
        let call = self.chain_commit(commit).reveal_call();
        self.submit("reveal_weights", call).await
    }
}

/// The serving miners of `m` as the gateway's pool sees them (validators, which hold a
/// permit and serve no `SolveRoutes` axon, are left out by having no axon).
pub fn known_miners(m: &Metagraph) -> Vec<KnownMiner> {
    (0..m.n)
        .filter_map(|uid| {
            let t = m.axon_target(uid)?;
            Some(KnownMiner {
                uid,
                hotkey: t.hotkey,
                ip: t.ip,
                port: t.port,
                incentive: m.incentive.get(usize::from(uid)).copied().unwrap_or(0),
            })
        })
        .collect()
}

struct Snapshot {
    at: Option<Instant>,
    pool: Arc<DendritePool>,
}

/// The gateway's miners from the subnet's metagraph, re-read at most every `refresh`.
pub struct MetagraphPool<C> {
    chain: Arc<SdkClient<C>>,
    netuid: u16,
    dendrite: Dendrite,
    refresh: Duration,
    current: Mutex<Snapshot>,
}

impl<C: ChainClient> MetagraphPool<C> {
    /// A pool over subnet `netuid`, querying with `dendrite`.
    pub fn new(
        chain: Arc<SdkClient<C>>,
        netuid: u16,
        dendrite: Dendrite,
        refresh: Duration,
    ) -> Self {
        let pool = Arc::new(DendritePool::new(dendrite.clone(), Vec::new()));
        Self {
            chain,
            netuid,
            dendrite,
            refresh,
            current: Mutex::new(Snapshot { at: None, pool }),
        }
    }

    /// The pool as of the latest metagraph read; re-reads when it is older than `refresh`.
    /// A failed read keeps serving the last good list (and retries on the next request).
    async fn pool(&self) -> Arc<DendritePool> {
        let mut cur = self.current.lock().await;
        let stale = cur.at.is_none_or(|t| t.elapsed() >= self.refresh);
        if stale && let Ok(Some(m)) = self.chain.metagraph(self.netuid, MECHID, true).await {
            cur.pool = Arc::new(DendritePool::new(self.dendrite.clone(), known_miners(&m)));
            cur.at = Some(Instant::now());
        }
        Arc::clone(&cur.pool)
    }
}

impl<C: ChainClient> MinerPool for MetagraphPool<C> {
    async fn top_miners(&self, k: usize) -> Vec<PoolMiner> {
        self.pool().await.top_miners(k).await
    }

    async fn solve(
        &self,
        miner: &PoolMiner,
        request: &SolveRoutes,
        timeout: Duration,
    ) -> Result<SolveRoutes, QueryFailure> {
        let pool = Arc::clone(&self.current.lock().await.pool);
        pool.solve(miner, request, timeout).await
    }
}

#[cfg(test)]
mod tests;
