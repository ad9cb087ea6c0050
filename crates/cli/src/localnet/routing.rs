//! The routing subnet (subnets/routing) as a localnet subnet, the default.
//!
//! Miner `i` runs strategy [`MIX`]`[i % 6]`: the four honest solvers from strongest to
//! weakest, then the lazy and the faulty bad actor, so a localnet shows Yuma Consensus
//! paying for solution quality. A validation round is the routing validator's own: a fresh
//! instance from a secret seed (20 to 120 stops: TSP and CVRP, every distribution), the same
//! request to every miner, every route verified exactly, rewards against the best cost known
//! (the validator's or-opt baseline and the best answer, `scoring::round_rewards`). Localnet's
//! validator keeps the EMA and sets the weights, so the round's score is the reward sharpened
//! as the routing validator sharpens its weights (`(reward / 10⁶)^8`, subnets/routing/README.md
//! "Scores to weights"): the best solvers earn clearly more than merely good ones.
//!
//! The time limit is short (800 ms) and the strong solver also has an iteration cap, so a
//! laptop running the node, every miner and every validator keeps producing blocks on time.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use agora_primitives::Keypair;
use agora_primitives::hashing::blake2_256;
use agora_sdk::axon::AxonHandle;
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use agora_subnet_routing::generate::TaskConfig;
use agora_subnet_routing::miner::{MinerConfig, Strategy};
use agora_subnet_routing::network::{DendriteMiners, MinerNetConfig, miner_axon};
use agora_subnet_routing::score_file::ValidatorState;
use agora_subnet_routing::scoring::ScoreBook;
use agora_subnet_routing::solve::Solver;
use agora_subnet_routing::validator::{
    Endpoint, MinerClient as _, Neuron, Validator, ValidatorConfig,
};
use tokio::net::TcpListener;

use super::subnet::{BoxFuture, LocalSubnet};

/// The miners' strategies, by index modulo 6 (strongest honest solver first).
pub const MIX: [Strategy; 6] = [
    Strategy::Solver(Solver::Strong),
    Strategy::Solver(Solver::OrOpt),
    Strategy::Solver(Solver::TwoOpt),
    Strategy::Solver(Solver::NearestNeighbour),
    Strategy::Lazy,
    Strategy::Faulty,
];

/// Time limit of a request (ms).
const TIME_LIMIT_MS: u64 = 800;
/// Extra time before an answer is late (ms).
const GRACE_MS: u64 = 400;
/// The strong solver's iteration cap per request.
const STRONG_ITERATIONS: u64 = 400;
/// Task sizes.
const MIN_STOPS: u32 = 20;
const MAX_STOPS: u32 = 120;
/// The sharpening exponent (the routing validator's default).
const SHARPENING: i32 = 8;

/// The routing subnet in a localnet.
pub struct Routing {
    secret: [u8; 32],
    /// Per uid: the sum of its round rewards (ppm) and the number of rounds it was asked.
    quality: Mutex<BTreeMap<u16, (u64, u64)>>,
}

impl Default for Routing {
    fn default() -> Self {
        Self::new(agora_sdk::util::random_bytes())
    }
}

impl Routing {
    /// A routing subnet whose validators derive their round seeds from `secret`.
    pub fn new(secret: [u8; 32]) -> Self {
        Self {
            secret,
            quality: Mutex::new(BTreeMap::new()),
        }
    }

    fn config() -> ValidatorConfig {
        ValidatorConfig {
            tasks: TaskConfig {
                min_stops: MIN_STOPS,
                max_stops: MAX_STOPS,
                ..TaskConfig::default()
            },
            time_limit_ms: TIME_LIMIT_MS,
            grace_ms: GRACE_MS,
            ..ValidatorConfig::default()
        }
    }

    /// A validator core for one round: the round seed is secret to this process and differs
    /// per validator (its dendrite) and per round.
    fn round_validator(&self, dendrite: &Dendrite, round: u64) -> Option<Validator> {
        let mut pre = self.secret.to_vec();
        pre.extend_from_slice(dendrite.uuid().as_bytes());
        let secret = blake2_256(&pre);
        let state = ValidatorState {
            round,
            secret: agora_primitives::hex::encode(&secret)
                .trim_start_matches("0x")
                .to_owned(),
            scores: ScoreBook::default(),
            pending: Vec::new(),
            last_weights_epoch: None,
        };
        Validator::new(Self::config(), state, None).ok()
    }
}

/// A round reward (ppm) as a localnet score in `[0, 1]`.
fn sharpened(reward_ppm: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "ppm fits f64 exactly")]
    let r = (reward_ppm.min(1_000_000) as f64) / 1e6;
    r.powi(SHARPENING)
}

impl LocalSubnet for Routing {
    fn name(&self) -> &'static str {
        "routing"
    }

    fn miner_label(&self, index: usize) -> Option<&'static str> {
        Some(MIX[index % MIX.len()].name())
    }

    fn serve_miner(
        &self,
        index: usize,
        _count: usize,
        hotkey: Keypair,
        listener: TcpListener,
    ) -> std::io::Result<AxonHandle> {
        let config = MinerNetConfig {
            miner: MinerConfig {
                strategy: MIX[index % MIX.len()],
                margin_ms: 150,
                iterations: STRONG_ITERATIONS,
                ..MinerConfig::default()
            },
            ..MinerNetConfig::default()
        };
        miner_axon(hotkey, config).serve(listener)
    }

    fn round<'a>(
        &'a self,
        dendrite: &'a Dendrite,
        miners: &'a [(u16, AxonTarget)],
        round: u64,
    ) -> BoxFuture<'a, Vec<(u16, f64)>> {
        Box::pin(async move {
            let Some(mut v) = self.round_validator(dendrite, round) else {
                return Vec::new();
            };
            let Ok(plan) = v.plan_round() else {
                return Vec::new();
            };
            let neurons: Vec<Neuron> = miners
                .iter()
                .map(|(uid, t)| Neuron {
                    uid: *uid,
                    hotkey: t.hotkey.clone(),
                    axon: Some(Endpoint {
                        ip: t.ip.clone(),
                        port: t.port,
                    }),
                })
                .collect();
            let targets = v.targets(&neurons, &plan);
            let client = DendriteMiners {
                dendrite: dendrite.clone(),
            };
            let timeout = Duration::from_millis(TIME_LIMIT_MS + GRACE_MS);
            let results = client.query(&targets, &plan.request, timeout).await;
            // The baseline is CPU-bound: off the async workers.
            let (problem, solver) = (plan.request.problem.clone(), Self::config().baseline);
            let baseline = tokio::task::spawn_blocking(move || {
                agora_subnet_routing::validator::baseline_cost(&problem, solver)
            })
            .await
            .unwrap_or(u64::MAX);
            let report = v.score_round_against(&plan, &results, &neurons, baseline);
            let mut q = self
                .quality
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for &(uid, reward) in &report.rewards {
                let e = q.entry(uid).or_insert((0, 0));
                e.0 = e.0.saturating_add(reward);
                e.1 = e.1.saturating_add(1);
            }
            report
                .rewards
                .iter()
                .map(|&(uid, r)| (uid, sharpened(r)))
                .collect()
        })
    }

    fn quality(&self) -> Vec<(u16, f64)> {
        let q = self
            .quality
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        q.iter()
            .filter(|(_, (_, n))| *n > 0)
            .map(|(&uid, &(sum, n))| {
                #[expect(clippy::cast_precision_loss, reason = "a mean for display")]
                let mean = sum as f64 / n as f64 / 1e6;
                (uid, mean)
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn sharpening_separates_good_from_best() {
        assert!((sharpened(1_000_000) - 1.0).abs() < 1e-12);
        assert!(sharpened(950_000) < 0.67 && sharpened(950_000) > 0.66);
        assert!(sharpened(500_000) < 0.004);
        assert!(sharpened(0).abs() < f64::EPSILON);
    }

    /// One miner of each strategy on loopback, rounds by two validators: every honest
    /// solver's mean quality is above the next weaker one's, the bad actors score ~0.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn rounds_rank_the_strategies_by_quality() {
        let subnet = Routing::new([7; 32]);
        let mut handles = Vec::new();
        let mut miners = Vec::new();
        for i in 0..MIX.len() {
            let key = Keypair::from_uri(&format!("//RoutingMiner{i}")).unwrap();
            let hotkey = key.public().to_string();
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = l.local_addr().unwrap().port();
            handles.push(subnet.serve_miner(i, MIX.len(), key, l).unwrap());
            miners.push((
                u16::try_from(i).unwrap(),
                AxonTarget {
                    ip: "127.0.0.1".into(),
                    port,
                    hotkey,
                },
            ));
        }
        let d = Dendrite::new(Keypair::from_uri("//RoutingValidator").unwrap());
        let mut totals = [0.0f64; 6];
        for r in 0..6 {
            for (uid, s) in subnet.round(&d, &miners, r).await {
                totals[usize::from(uid)] += s;
            }
        }
        let q: BTreeMap<u16, f64> = subnet.quality().into_iter().collect();
        assert_eq!(q.len(), 6, "{q:?}");
        // Strong ≥ or-opt > two-opt > nearest neighbour > faulty; lazy is far below.
        assert!(q[&0] >= q[&1] && q[&1] > q[&2] && q[&2] > q[&3], "{q:?}");
        assert!(q[&5] < 0.05 && q[&4] < q[&3], "{q:?}");
        assert!(totals[0] > totals[3] * 2.0, "{totals:?}");
        assert!(totals[4] < 0.1 && totals[5] < 0.1, "{totals:?}");
        for h in handles {
            h.stop().await.unwrap();
        }
    }
}
