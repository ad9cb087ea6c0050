//! Deterministic simulation: N validators on commonware's deterministic runtime (seeded
//! scheduler, simulated time and storage) over the simulated network (latency, jitter, loss).
//! The same seed gives the same run, which [`Outcome::auditor`] fingerprints.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use commonware_cryptography::{Signer as _, ed25519};
use commonware_p2p::simulated::{self, Link, Network};
use commonware_runtime::{Clock, Quota, Runner, Supervisor as _, deterministic};
use commonware_utils::Probability;

use crate::block;
use crate::chain::Chain;
use crate::engine::{Channels, EngineConfig, channel, participants, start_validator};
use crate::keys::ValidatorKey;

/// A simulated network's shape.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Scheduler seed.
    pub seed: u64,
    /// Engine settings (the partition is suffixed per validator).
    pub engine: EngineConfig,
    /// One-way latency of every link.
    pub latency: Duration,
    /// Jitter of every link.
    pub jitter: Duration,
    /// Probability that a message is delivered, in parts per million.
    pub delivery_ppm: u32,
    /// Validators that are never started (crash faults).
    pub offline: Vec<usize>,
    /// Give up after this much simulated time.
    pub timeout: Duration,
}

/// What a simulation run produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The runtime's auditor digest: equal for equal runs.
    pub auditor: String,
    /// Simulated time elapsed until the stop condition held.
    pub elapsed: Duration,
}

/// The consensus key of simulated validator `i`: the dev key of seed `i`.
pub fn validator_key(i: usize) -> ValidatorKey {
    ValidatorKey::dev(u64::try_from(i).unwrap_or(u64::MAX))
}

/// Runs one validator per entry of `chains` (validator `i` uses [`validator_key`]`(i)`) until
/// `done` returns true, checked every 50 ms of simulated time. `genesis` is the encoded
/// genesis block every chain shares.
pub fn simulate(
    cfg: &SimConfig,
    chains: Vec<Arc<dyn Chain>>,
    genesis: Vec<u8>,
    done: impl Fn() -> bool + Send + 'static,
) -> Result<Outcome, String> {
    let runner = deterministic::Runner::new(
        deterministic::Config::new()
            .with_seed(cfg.seed)
            .with_timeout(Some(cfg.timeout)),
    );
    let cfg = cfg.clone();
    runner.start(|context| async move {
        let keys: Vec<ed25519::PrivateKey> = (0..chains.len())
            .map(|i| validator_key(i).inner().clone())
            .collect();
        let publics: Vec<ed25519::PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let validators = participants(&publics).ok_or("duplicate validator keys")?;
        let n = NonZeroUsize::new(publics.len()).ok_or("no validators")?;
        let (network, oracle) = Network::new_with_peers(
            context.child("network"),
            simulated::Config {
                max_size: u32::try_from(cfg.engine.max_block_size + 1024).unwrap_or(u32::MAX),
                max_peers_per_set: n,
                disconnect_on_block: true,
                tracked_peer_sets: NonZeroUsize::MIN,
            },
            publics.clone(),
        )
        .await;
        network.start();
        let link = Link {
            latency: cfg.latency,
            jitter: cfg.jitter,
            success_rate: Probability::new(u64::from(cfg.delivery_ppm), 1_000_000)
                .ok_or("bad delivery probability")?,
        };
        for a in &publics {
            for b in &publics {
                if a != b {
                    oracle
                        .add_link(a.clone(), b.clone(), link.clone())
                        .await
                        .map_err(|e| format!("link: {e}"))?;
                }
            }
        }
        let quota = Quota::per_second(std::num::NonZeroU32::new(10_000).ok_or("quota")?);
        let start = context.current();
        for (i, (key, chain)) in keys.into_iter().zip(chains).enumerate() {
            if cfg.offline.contains(&i) {
                continue;
            }
            let control = oracle.control(key.public_key());
            let mut regs = Vec::new();
            for ch in [
                channel::VOTES,
                channel::CERTIFICATES,
                channel::RESOLVER,
                channel::BACKFILL,
                channel::BROADCAST,
            ] {
                regs.push(
                    control
                        .register(ch, quota)
                        .await
                        .map_err(|e| format!("register: {e}"))?,
                );
            }
            let mut regs = regs.into_iter();
            let mut next = || regs.next().ok_or("channel");
            let channels = Channels {
                votes: next()?,
                certificates: next()?,
                resolver: next()?,
                backfill: next()?,
                broadcast: next()?,
            };
            let genesis_raw =
                block::parse(&*chain, genesis.clone()).ok_or("the chain rejects its genesis")?;
            let mut engine = cfg.engine.clone();
            engine.partition = format!("{}-v{i}", engine.partition);
            start_validator(
                context.child("validator").with_attribute("index", i),
                &engine,
                chain,
                genesis_raw,
                key,
                validators.clone(),
                channels,
                oracle.manager(),
                control,
            )
            .await?;
        }
        while !done() {
            context.sleep(Duration::from_millis(50)).await;
        }
        let elapsed = context.current().duration_since(start).unwrap_or_default();
        Ok(Outcome {
            auditor: context.auditor().state(),
            elapsed,
        })
    })
}
