//! The subnet on the real network through `agora-sdk`: the `SolveRoutes` synapse, the
//! miner's axon, the validator's dendrite client, the gateway's dendrite pool and its
//! `btauth/1` verifier.
//!
//! The chain side (metagraph, weights, the gateway's metagraph-backed pool) is
//! [`crate::chain`]; [`DendritePool`] is also the gateway's pool over a fixed list of miners.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use agora_primitives::Keypair;
use agora_sdk::axon::{Axon, AxonBuilder, AxonConfig, Caller, ForwardError};
use agora_sdk::btauth::Verifier;
use agora_sdk::dendrite::{AxonTarget, Dendrite, DendriteResponse};
use agora_sdk::synapse::Synapse;
use axum::http::{HeaderMap, Method, Uri};
use serde::{Deserialize, Serialize};

use crate::gateway::SignatureAuth;
use crate::gateway::pool::{MinerPool, PoolMiner};
use crate::miner::{MinerConfig, Reply, handle};
use crate::protocol::{SYNAPSE_NAME, SolveRoutes};
use crate::validator::{Endpoint, MinerClient, Neuron, QueryFailure, QueryResult};

impl Synapse for SolveRoutes {
    const NAME: &'static str = SYNAPSE_NAME;
    // The body hash covers the task, so a request cannot be altered in flight without
    // breaking the signature; the answer is checked by the verifier, not by a hash.
    const HASH_FIELDS: &'static [&'static str] = &["problem", "time_limit_ms"];
    const REQUIRED_FIELDS: &'static [(&'static str, &'static str)] =
        &[("problem", "{}"), ("time_limit_ms", "0")];
}

/// Axon settings of a miner.
#[derive(Clone, Debug, Default)]
pub struct MinerNetConfig {
    /// Request handling.
    pub miner: MinerConfig,
    /// The axon's bounds.
    pub axon: AxonConfig,
    /// If set, only these hotkeys (SS58) may query; others get the reference's 403. (Until
    /// the metagraph is available this is how a miner limits itself to validators.)
    pub allow: Option<Vec<String>>,
}

/// The miner's axon: serves `SolveRoutes` with the configured strategy, solving on a
/// blocking thread within the smaller of the request's time limit and the dendrite's
/// timeout. A faulty miner's stall holds the request past the timeout (the axon answers 408).
pub fn miner_axon(keypair: Keypair, config: MinerNetConfig) -> Axon {
    let counter = Arc::new(AtomicU64::new(0));
    let miner = config.miner;
    let mut builder = AxonBuilder::new(keypair).config(config.axon).forward(
        move |caller: Caller, request: SolveRoutes| {
            let received = Instant::now();
            let seed = counter.fetch_add(1, Ordering::Relaxed);
            async move {
                let timeout_ms = (caller.timeout * 1000.0).max(0.0);
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a non-negative timeout in ms"
                )]
                let timeout_ms = timeout_ms as u64;
                let mut task = request.clone();
                task.time_limit_ms = task.time_limit_ms.min(timeout_ms);
                let reply =
                    tokio::task::spawn_blocking(move || handle(&miner, &task, received, seed))
                        .await
                        .map_err(|_| ForwardError::internal())?;
                match reply {
                    Ok(Reply::Answer(solution)) => Ok(SolveRoutes {
                        solution: Some(solution),
                        ..request
                    }),
                    Ok(Reply::Stall) => {
                        tokio::time::sleep(
                            Duration::from_millis(timeout_ms) + Duration::from_secs(1),
                        )
                        .await;
                        Err(ForwardError::new(408, "stalled"))
                    }
                    Err(e) => Err(ForwardError::new(400, e.to_string())),
                }
            }
        },
    );
    if let Some(allow) = config.allow {
        builder = builder.blacklist(move |caller: &Caller| {
            let who = caller.hotkey.to_string();
            if allow.contains(&who) {
                Ok(())
            } else {
                Err("Unrecognized hotkey".to_owned())
            }
        });
    }
    builder.build()
}

fn target(hotkey: &str, e: &Endpoint) -> AxonTarget {
    AxonTarget {
        ip: e.ip.clone(),
        port: e.port,
        hotkey: hotkey.to_owned(),
    }
}

fn outcome(r: DendriteResponse<SolveRoutes>) -> Result<SolveRoutes, QueryFailure> {
    match (r.status_code, r.synapse) {
        (200, Some(s)) => Ok(s),
        (200, None) | (422, _) => Err(QueryFailure::Malformed),
        (408, _) => Err(QueryFailure::Timeout),
        (code, _) => Err(QueryFailure::Status(
            u16::try_from(code).unwrap_or(u16::MAX),
        )),
    }
}

/// The validator's [`MinerClient`]: the SDK dendrite, signing with the validator's hotkey.
#[derive(Clone)]
pub struct DendriteMiners {
    /// The dendrite.
    pub dendrite: Dendrite,
}

impl MinerClient for DendriteMiners {
    async fn query(
        &self,
        targets: &[Neuron],
        request: &SolveRoutes,
        timeout: Duration,
    ) -> Vec<QueryResult> {
        let serving: Vec<&Neuron> = targets.iter().filter(|n| n.axon.is_some()).collect();
        let axons: Vec<AxonTarget> = serving
            .iter()
            .filter_map(|n| n.axon.as_ref().map(|e| target(&n.hotkey, e)))
            .collect();
        let responses = self.dendrite.query(&axons, request, timeout).await;
        let mut out: Vec<QueryResult> = serving
            .iter()
            .zip(responses)
            .map(|(n, r)| QueryResult {
                uid: n.uid,
                elapsed: r.latency,
                response: outcome(r),
            })
            .collect();
        out.extend(
            targets
                .iter()
                .filter(|n| n.axon.is_none())
                .map(|n| QueryResult {
                    uid: n.uid,
                    response: Err(QueryFailure::Status(503)),
                    elapsed: Duration::ZERO,
                }),
        );
        out
    }
}

/// A miner the gateway knows, with its axon (a metagraph row, until the metagraph exists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownMiner {
    /// Its uid.
    pub uid: u16,
    /// Its hotkey (SS58).
    pub hotkey: String,
    /// Its axon.
    pub ip: String,
    /// Its axon's port.
    pub port: u16,
    /// Its incentive (u16 proportion).
    pub incentive: u16,
}

/// The gateway's [`MinerPool`] over the SDK dendrite.
pub struct DendritePool {
    dendrite: Dendrite,
    miners: Vec<KnownMiner>,
}

impl DendritePool {
    /// A pool of `miners`, signing with `dendrite`'s hotkey.
    pub fn new(dendrite: Dendrite, miners: Vec<KnownMiner>) -> Self {
        Self { dendrite, miners }
    }
}

impl MinerPool for DendritePool {
    async fn top_miners(&self, k: usize) -> Vec<PoolMiner> {
        let mut m: Vec<PoolMiner> = self
            .miners
            .iter()
            .map(|m| PoolMiner {
                uid: m.uid,
                hotkey: m.hotkey.clone(),
                incentive: m.incentive,
            })
            .collect();
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
        let Some(known) = self.miners.iter().find(|m| m.uid == miner.uid) else {
            return Err(QueryFailure::Status(404));
        };
        let endpoint = Endpoint {
            ip: known.ip.clone(),
            port: known.port,
        };
        outcome(
            self.dendrite
                .call(&target(&known.hotkey, &endpoint), request, timeout)
                .await,
        )
    }
}

/// `btauth/1` for the gateway, with the SDK's verifier (receiver = the gateway's hotkey).
pub struct Btauth {
    verifier: Verifier,
}

impl Btauth {
    /// A verifier for requests addressed to `gateway_hotkey` (SS58).
    pub fn new(gateway_hotkey: impl Into<String>) -> Self {
        Self {
            verifier: Verifier::new(gateway_hotkey),
        }
    }
}

impl SignatureAuth for Btauth {
    fn verify(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<String, String> {
        let pairs = headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)));
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        self.verifier
            .verify(
                pairs,
                body,
                method.as_str(),
                path,
                agora_sdk::util::now_ns(),
            )
            .map(|caller| caller.hotkey.to_string())
            .map_err(|e| e.to_string())
    }
}
