//! The validator and the gateway pool against the SDK's in-process chain (the real runtime)
//! and real miner axons on loopback: weights reach the chain through commit-reveal, the
//! epoch turns them into incentive, and the pool ranks miners by it.

use std::sync::Arc;
use std::time::Duration;

use agora_primitives::Keypair;
use agora_runtime::Call;
use agora_runtime::call::SubtensorCall;
use agora_runtime::genesis::GenesisConfig;
use agora_sdk::chain::{Chain as Client, LocalChain, Sealing, Wait};
use agora_sdk::dendrite::Dendrite;

use super::*;
use crate::generate::{Distribution, TaskConfig};
use crate::miner::{MinerConfig, Strategy};
use crate::network::{DendriteMiners, MinerNetConfig, miner_axon};
use crate::problem::Kind;
use crate::score_file::ValidatorState;
use crate::scoring::ScoreBook;
use crate::solve::Solver;
use crate::validator::{Validator, ValidatorConfig, run_round};

const TAO: u64 = 1_000_000_000;

/// Miners, uids 2 to 5 (0 is the owner's hotkey, 1 the validator): strong, nearest
/// neighbour, lazy, faulty.
const MINERS: [(&str, Strategy); 4] = [
    ("//M1", Strategy::Solver(Solver::Strong)),
    ("//M2", Strategy::Solver(Solver::NearestNeighbour)),
    ("//M3", Strategy::Lazy),
    ("//M4", Strategy::Faulty),
];

fn genesis(commit_reveal: bool) -> GenesisConfig {
    let mut neurons = vec![serde_json::json!(
        { "hotkey": "//V//hot", "coldkey": "//V", "stake": 1_000 * TAO })];
    for (uri, _) in MINERS {
        neurons.push(serde_json::json!({ "hotkey": format!("{uri}//hot"), "coldkey": uri }));
    }
    let mut balances = vec![serde_json::json!(["//V", 1_000 * TAO])];
    for (uri, _) in MINERS {
        balances.push(serde_json::json!([format!("{uri}//hot"), 10 * TAO]));
    }
    balances.push(serde_json::json!(["//V//hot", 10 * TAO]));
    serde_json::from_value(serde_json::json!({
        "chain_id": "routing-test",
        "sudo": "//Alice",
        "balances": balances,
        "subnets": [{
            "netuid": 1, "owner_coldkey": "//Alice", "owner_hotkey": "//Alice//hot",
            "started": true,
            "params": { "Tempo": 10, "WeightsSetRateLimit": 0,
                        "CommitRevealWeightsEnabled": u8::from(commit_reveal),
                        "RevealPeriodEpochs": 1, "MinAllowedWeights": 1 },
            "neurons": neurons
        }]
    }))
    .unwrap()
}

fn key(uri: &str) -> Keypair {
    Keypair::from_uri(uri).unwrap()
}

struct Net {
    local: LocalChain,
    chain: Arc<Client<LocalChain>>,
    axons: Vec<agora_sdk::axon::AxonHandle>,
}

/// The chain with every miner serving its strategy on 127.0.0.2 (the chain refuses
/// 127.0.0.1 as the reference does) and announced on chain.
async fn network(commit_reveal: bool) -> Net {
    let local = LocalChain::new(&genesis(commit_reveal), Sealing::Instant, 250).unwrap();
    let chain = Arc::new(Client::connect(local.clone()).await.unwrap());
    let mut axons = Vec::new();
    for (uri, strategy) in MINERS {
        let hot = key(&format!("{uri}//hot"));
        let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = MinerNetConfig {
            miner: MinerConfig {
                strategy,
                margin_ms: 50,
                ..MinerConfig::default()
            },
            ..MinerNetConfig::default()
        };
        axons.push(miner_axon(hot.clone(), config).serve(listener).unwrap());
        let out = chain
            .submit(
                &hot,
                Call::SubtensorModule(SubtensorCall::serve_axon {
                    netuid: 1,
                    version: 1,
                    ip: u128::from(u32::from(std::net::Ipv4Addr::new(127, 0, 0, 2))),
                    port,
                    ip_type: 4,
                    protocol: 4,
                    placeholder1: 0,
                    placeholder2: 0,
                }),
                Wait::Finalized,
            )
            .await
            .unwrap();
        assert!(out.succeeded(), "{out:?}");
    }
    // The first epoch hands out the validator permit.
    local.advance(12);
    Net {
        local,
        chain,
        axons,
    }
}

fn validator() -> Validator {
    let config = ValidatorConfig {
        tasks: TaskConfig {
            kinds: vec![Kind::Tsp, Kind::Cvrp],
            distributions: vec![Distribution::Uniform, Distribution::Clustered],
            min_stops: 40,
            max_stops: 60,
        },
        time_limit_ms: 300,
        grace_ms: 300,
        alpha_ppm: 300_000,
        ..ValidatorConfig::default()
    };
    let state = ValidatorState {
        round: 0,
        secret: "ab".repeat(32),
        scores: ScoreBook::default(),
        pending: Vec::new(),
        last_weights_epoch: None,
    };
    Validator::new(config, state, None).unwrap()
}

async fn run(net: &Net, v: &mut Validator, rounds: usize) -> Vec<String> {
    let chain = SdkChain::new(Arc::clone(&net.chain), 1, key("//V//hot"));
    let miners = DendriteMiners {
        dendrite: Dendrite::new(key("//V//hot")),
    };
    let mut errors = Vec::new();
    for _ in 0..rounds {
        if let Err(e) = run_round(v, &chain, &miners).await {
            errors.push(e.to_string());
        }
        net.local.advance(4);
    }
    errors
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn weights_reach_the_chain_through_commit_reveal_and_rank_miners_by_quality() {
    let net = network(true).await;
    let chain = SdkChain::new(Arc::clone(&net.chain), 1, key("//V//hot"));

    // The validator sees the other neurons (not itself); the miners with their axons.
    let neurons = chain.neurons().await.unwrap();
    assert_eq!(
        neurons.iter().map(|n| n.uid).collect::<Vec<_>>(),
        vec![0, 2, 3, 4, 5]
    );
    assert!(neurons.iter().all(|n| n.axon.is_some() == (n.uid >= 2)));
    let s = chain.schedule().await.unwrap();
    assert!(s.commit_reveal);
    assert_eq!((s.reveal_period, s.rate_limit, s.last_update), (1, 0, None));
    assert_eq!(s.block, net.local.head_number() + 1);

    let mut v = validator();
    let errors = run(&net, &mut v, 12).await;
    assert!(errors.is_empty(), "{errors:?}");
    // Commits were made and revealed: the chain holds the validator's weights, and an
    // epoch has turned them into incentive ordered by solver quality.
    net.local.advance(12);
    let m = net.chain.metagraph(1, 0, false).await.unwrap().unwrap();
    let vuid = usize::from(m.uid_of(&key("//V//hot").public()).unwrap());
    assert!(!m.weights[vuid].is_empty(), "no weights revealed");
    let inc = &m.incentive;
    assert!(inc[2] > inc[3], "strong vs nearest neighbour: {inc:?}");
    assert!(inc[3] > inc[4] && inc[3] > inc[5], "honest vs bad: {inc:?}");
    assert!(
        u32::from(inc[4]) + u32::from(inc[5]) < 655,
        "bad actors earn: {inc:?}"
    );

    // The gateway's pool reads the same ranking.
    let pool = MetagraphPool::new(
        Arc::clone(&net.chain),
        1,
        Dendrite::new(key("//G")),
        Duration::from_secs(60),
    );
    let top = pool.top_miners(2).await;
    assert_eq!(top.iter().map(|p| p.uid).collect::<Vec<_>>(), vec![2, 3]);
    let plan = v.plan_round().unwrap();
    let answer = pool
        .solve(&top[0], &plan.request, Duration::from_secs(2))
        .await
        .unwrap();
    let solution = answer.solution.unwrap();
    crate::solution::verify(&plan.request.problem, &solution).unwrap();
    for a in net.axons {
        a.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_commit_reveal_weights_are_set_directly_and_failures_are_reported() {
    let net = network(false).await;
    let mut v = validator();
    let errors = run(&net, &mut v, 3).await;
    assert!(errors.is_empty(), "{errors:?}");
    let m = net.chain.metagraph(1, 0, false).await.unwrap().unwrap();
    let vuid = usize::from(m.uid_of(&key("//V//hot").public()).unwrap());
    assert!(!m.weights[vuid].is_empty());
    assert!(m.last_update[vuid] > 0);

    // A hotkey that is not registered cannot set weights: the chain's reason comes back.
    let stranger = SdkChain::new(Arc::clone(&net.chain), 1, key("//Nobody"));
    let err = stranger
        .set_weights(&[1], &[u16::MAX], 0)
        .await
        .unwrap_err();
    assert!(err.0.contains("set_weights"), "{err}");
    // A subnet that does not exist is a clear error.
    let missing = SdkChain::new(Arc::clone(&net.chain), 9, key("//V//hot"));
    let err = missing.neurons().await.unwrap_err();
    assert!(err.0.contains("subnet 9 does not exist"), "{err}");
    for a in net.axons {
        a.stop().await.unwrap();
    }
}
