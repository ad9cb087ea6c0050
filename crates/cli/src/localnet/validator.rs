//! A localnet validator: on every few blocks it queries the miners through the subnet's round,
//! keeps an exponential moving average of their scores (α = 0.1, the subnet template's
//! `moving_average_alpha`), and sets weights whenever the chain's weights rate limit allows —
//! or, with commit-reveal on, commits them and reveals each commit in its reveal epoch.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use agora_sdk::chain::weights::{PendingCommit, max_upscale};
use agora_sdk::chain::{Chain, ChainClient as _, RpcClient, Wait};
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use tokio::sync::watch;

use super::setup::Member;
use super::subnet::LocalSubnet;

/// Moving-average weight of a new score (the template's `--neuron.moving_average_alpha`).
const ALPHA: f64 = 0.1;
/// Blocks between validation rounds.
const ROUND_EVERY: u64 = 2;
/// Lines kept in the activity log.
const LOG_LINES: usize = 8;

/// A bounded, shared activity log shown under the dashboard.
#[derive(Clone, Default)]
pub struct Activity(Arc<Mutex<VecDeque<String>>>);

impl Activity {
    /// Adds a line, dropping the oldest beyond [`LOG_LINES`].
    pub fn push(&self, line: String) {
        let mut q = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if q.len() == LOG_LINES {
            q.pop_front();
        }
        q.push_back(line);
    }

    /// The lines, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

/// Everything a validator task needs.
pub struct Validator {
    /// Its wallet.
    pub member: Member,
    /// The chain.
    pub chain: Arc<Chain<RpcClient>>,
    /// The subnet.
    pub netuid: u16,
    /// What it validates.
    pub subnet: Arc<dyn LocalSubnet>,
    /// Commits made in an earlier run, not yet revealed.
    pub pending: Vec<PendingCommit>,
    /// The activity log.
    pub log: Activity,
}

/// What a validator hands back when it stops: its unrevealed commits.
pub type Leftover = Vec<PendingCommit>;

impl Validator {
    /// Runs until `stop` turns true; returns the commits still to reveal.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> Leftover {
        let dendrite = Dendrite::new(self.member.hotkey.clone());
        let mut heads = match self.chain.client().subscribe_heads().await {
            Ok(h) => h,
            Err(e) => {
                self.log
                    .push(format!("{}: cannot follow heads: {e}", self.member.name));
                return self.pending;
            }
        };
        let mut scores: BTreeMap<u16, f64> = BTreeMap::new();
        let mut rounds = 0u64;
        let mut last_round = 0u64;
        let mut backoff_until = 0u64;
        loop {
            let head = tokio::select! {
                _ = stop.changed() => break,
                h = heads.next() => match h {
                    Some(Ok(h)) => h,
                    _ => break,
                },
            };
            if *stop.borrow() {
                break;
            }
            let now = head.number;
            if now < last_round + ROUND_EVERY {
                continue;
            }
            last_round = now;
            if let Err(e) = self
                .step(now, &dendrite, &mut scores, &mut rounds, &mut backoff_until)
                .await
            {
                self.log.push(format!("#{now} {}: {e}", self.member.name));
            }
        }
        self.pending
    }

    async fn step(
        &mut self,
        now: u64,
        dendrite: &Dendrite,
        scores: &mut BTreeMap<u16, f64>,
        rounds: &mut u64,
        backoff_until: &mut u64,
    ) -> anyhow::Result<()> {
        let Some(m) = self.chain.metagraph(self.netuid, 0, true).await? else {
            return Ok(());
        };
        let me = self.member.hotkey.public();
        let Some(my_uid) = m.uid_of(&me) else {
            return Ok(());
        };
        let miners: Vec<(u16, AxonTarget)> = (0..m.n)
            .filter(|&u| u != my_uid)
            .filter_map(|u| m.axon_target(u).map(|t| (u, t)))
            .collect();
        if miners.is_empty() {
            return Ok(());
        }
        *rounds += 1;
        for (uid, s) in self.subnet.round(dendrite, &miners, *rounds).await {
            let e = scores.entry(uid).or_insert(0.0);
            *e = ALPHA * s + (1.0 - ALPHA) * *e;
        }
        // Scores of uids that left (or were replaced) are dropped.
        scores.retain(|u, _| miners.iter().any(|(m, _)| m == u));

        self.reveal_due(now).await?;

        let i = usize::from(my_uid);
        let rate = m.info.weights_rate_limit;
        let last = m.last_update.get(i).copied().unwrap_or(0);
        if !m.validator_permit.get(i).copied().unwrap_or(false)
            || now < last.saturating_add(rate).saturating_add(1)
            || now < *backoff_until
        {
            return Ok(());
        }
        let uids: Vec<u16> = scores.keys().copied().collect();
        let ws: Vec<f64> = scores.values().copied().collect();
        let Ok((uids, values)) = max_upscale(&uids, &ws) else {
            return Ok(()); // nothing scored above zero yet
        };
        let name = self.member.name.clone();
        if m.info.commit_reveal_weights_enabled {
            let c = PendingCommit::new(&me, self.netuid, 0, uids, values, m.info.weights_version);
            let out = self
                .chain
                .submit(&self.member.hotkey, c.commit_call(), Wait::Finalized)
                .await?;
            match out.result {
                Ok(()) => {
                    self.log.push(format!(
                        "#{} {name} committed weights for {} miners",
                        out.block.map_or(now, |b| b.0),
                        c.uids.len()
                    ));
                    self.pending.push(c);
                }
                Err(f) => {
                    *backoff_until = now.saturating_add(u64::from(m.info.tempo));
                    self.log.push(format!("#{now} {name}: commit failed: {f}"));
                }
            }
        } else {
            let n = uids.len();
            let call = agora_runtime::Call::SubtensorModule(
                agora_runtime::call::SubtensorCall::set_weights {
                    netuid: self.netuid,
                    dests: uids,
                    weights: values,
                    version_key: m.info.weights_version,
                },
            );
            let out = self
                .chain
                .submit(&self.member.hotkey, call, Wait::Finalized)
                .await?;
            match out.result {
                Ok(()) => self.log.push(format!(
                    "#{} {name} set weights on {n} miners",
                    out.block.map_or(now, |b| b.0)
                )),
                Err(f) => {
                    *backoff_until = now.saturating_add(u64::from(m.info.tempo));
                    self.log
                        .push(format!("#{now} {name}: set weights failed: {f}"));
                }
            }
        }
        Ok(())
    }

    /// Reveals every pending commit whose reveal epoch is the next block's; forgets commits
    /// the chain no longer holds (revealed or expired).
    async fn reveal_due(&mut self, now: u64) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let me = self.member.hotkey.public();
        let wc = self.chain.weight_commits(self.netuid, 0, &me).await?;
        self.pending
            .retain(|p| wc.commits.iter().any(|c| c.hash == p.hash_bytes()));
        let due: Vec<PendingCommit> = self
            .pending
            .iter()
            .filter(|p| {
                wc.commits.iter().any(|c| {
                    c.hash == p.hash_bytes()
                        && wc.next_block_epoch
                            == c.commit_epoch.saturating_add(wc.reveal_period_epochs)
                })
            })
            .cloned()
            .collect();
        for p in due {
            let out = self
                .chain
                .submit(&self.member.hotkey, p.reveal_call(), Wait::Finalized)
                .await?;
            let name = &self.member.name;
            match out.result {
                Ok(()) => {
                    self.log.push(format!(
                        "#{} {name} revealed weights committed earlier",
                        out.block.map_or(now, |b| b.0)
                    ));
                    self.pending.retain(|q| q.hash != p.hash);
                }
                Err(f) => self.log.push(format!("#{now} {name}: reveal failed: {f}")),
            }
        }
        Ok(())
    }
}
