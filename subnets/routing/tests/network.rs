//! The subnet over real sockets: miners serve `SolveRoutes` on SDK axons (127.0.0.1), the
//! validator queries them through the SDK dendrite and sets weights on an in-memory chain,
//! and the gateway answers a `btauth/1`-signed buyer request through a dendrite pool.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation, missing_docs)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use agora_primitives::Keypair;
use agora_sdk::axon::AxonHandle;
use agora_sdk::dendrite::Dendrite;
use agora_subnet_routing::durable::scratch_dir;
use agora_subnet_routing::gateway::{
    Buyer, Gateway, GatewayConfig, Quota, SolveResponse, SystemClock, router,
};
use agora_subnet_routing::generate::{Distribution, InstanceSpec, TaskConfig, generate};
use agora_subnet_routing::miner::{MinerConfig, Strategy};
use agora_subnet_routing::network::{
    Btauth, DendriteMiners, DendritePool, KnownMiner, MinerNetConfig, miner_axon,
};
use agora_subnet_routing::problem::Kind;
use agora_subnet_routing::solution::verify;
use agora_subnet_routing::validator::fakes::{ChainState, FakeChain};
use agora_subnet_routing::validator::{Endpoint, Neuron, Validator, ValidatorConfig, run_round};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Miners {
    handles: Vec<AxonHandle>,
    neurons: Vec<Neuron>,
}

async fn start_miners() -> Miners {
    let mut handles = Vec::new();
    let mut neurons = Vec::new();
    for (i, strategy) in Strategy::ALL.iter().enumerate() {
        let uid = (i + 1) as u16;
        let key = Keypair::from_seed(&[uid as u8; 32]);
        let hotkey = key.public().to_string();
        let axon = miner_axon(
            key,
            MinerNetConfig {
                miner: MinerConfig {
                    strategy: *strategy,
                    margin_ms: 100,
                    ..MinerConfig::default()
                },
                ..MinerNetConfig::default()
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let handle = axon.serve(listener).unwrap();
        neurons.push(Neuron {
            uid,
            hotkey,
            axon: Some(Endpoint {
                ip: "127.0.0.1".into(),
                port: handle.local_addr.port(),
            }),
        });
        handles.push(handle);
    }
    Miners { handles, neurons }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validator_and_gateway_over_real_axons() {
    let miners = start_miners().await;
    let validator_key = Keypair::from_seed(&[200; 32]);
    let mut neurons = vec![Neuron {
        uid: 0,
        hotkey: validator_key.public().to_string(),
        axon: None,
    }];
    neurons.extend(miners.neurons.iter().cloned());

    // Validator rounds over the network, weights through commit-reveal on the fake chain.
    let chain = FakeChain {
        state: Mutex::new(ChainState {
            tempo: 10,
            commit_reveal: true,
            reveal_period: 1,
            rate_limit: 5,
            neurons: neurons.clone(),
            ..ChainState::default()
        }),
    };
    let client = DendriteMiners {
        dendrite: Dendrite::new(validator_key.clone()),
    };
    let config = ValidatorConfig {
        tasks: TaskConfig {
            min_stops: 20,
            max_stops: 60,
            ..TaskConfig::default()
        },
        time_limit_ms: 400,
        grace_ms: 400,
        alpha_ppm: 250_000,
        ..ValidatorConfig::default()
    };
    let dir = scratch_dir("net-validator");
    let mut v = Validator::open(config, &dir.join("state"), [3; 32]).unwrap();
    let mut last = None;
    for _ in 0..8 {
        last = Some(run_round(&mut v, &chain, &client).await.unwrap());
        chain.advance(5);
    }
    let report = last.unwrap();
    // Every honest and lazy miner answered validly over HTTP in the last round.
    for uid in 1..=5u16 {
        let a = report.answers.iter().find(|a| a.0 == uid).unwrap().1;
        assert!(
            matches!(a, agora_subnet_routing::scoring::Answer::Valid { .. }),
            "uid {uid}: {a:?}"
        );
    }
    let weights: BTreeMap<u16, u16> = chain.state.lock().unwrap().weights.clone();
    let w = |uid: u16| weights.get(&uid).copied().unwrap_or(0);
    // uids: 1 NN, 2 two-opt, 3 or-opt, 4 strong, 5 lazy, 6 faulty.
    assert!(w(4) >= w(3), "{weights:?}");
    assert!(w(3) > w(1) && w(2) > w(1), "{weights:?}");
    assert!(w(1) > w(5), "{weights:?}");
    assert!(w(4) > 2 * w(1), "{weights:?}");
    assert_eq!(w(6), 0, "{weights:?}");

    // The gateway: a btauth/1-signed buyer request fanned out over the same axons.
    let gateway_key = Keypair::from_seed(&[201; 32]);
    let buyer_key = Keypair::from_seed(&[202; 32]);
    let known: Vec<KnownMiner> = miners
        .neurons
        .iter()
        .map(|n| KnownMiner {
            uid: n.uid,
            hotkey: n.hotkey.clone(),
            ip: "127.0.0.1".into(),
            port: n.axon.as_ref().unwrap().port,
            incentive: w(n.uid),
        })
        .collect();
    let gw = Gateway::new(
        GatewayConfig {
            fan_out: 6,
            grace_ms: 300,
            ..GatewayConfig::default()
        },
        vec![Buyer {
            id: "logistics".into(),
            key_blake2b: None,
            hotkey: Some(buyer_key.public().to_string()),
            quota: Quota {
                requests: 10,
                stops: 10_000,
            },
        }],
        &scratch_dir("net-gateway"),
        Arc::new(DendritePool::new(Dendrite::new(gateway_key.clone()), known)),
        Arc::new(SystemClock),
        Some(Arc::new(Btauth::new(gateway_key.public().to_string()))),
    )
    .unwrap();
    let app = router(Arc::new(gw));
    let problem = generate(
        &InstanceSpec {
            kind: Kind::Cvrp,
            stops: 150,
            distribution: Distribution::Mixed,
        },
        &[77; 32],
    );
    let body = serde_json::json!({ "problem": problem, "time_limit_ms": 500 }).to_string();
    let signed = |receiver: &str| {
        let mut req = Request::post("/v1/solve");
        for (k, val) in agora_sdk::btauth::sign(
            &buyer_key,
            "POST",
            "/v1/solve",
            body.as_bytes(),
            Some(receiver),
            None,
        ) {
            req = req.header(k, val);
        }
        req.body(Body::from(body.clone())).unwrap()
    };
    let resp = app
        .clone()
        .oneshot(signed(&gateway_key.public().to_string()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let answer: SolveResponse = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        verify(&problem, &answer.solution).unwrap().cost,
        answer.cost
    );
    assert!(
        [2, 3, 4].contains(&answer.miner.uid),
        "an honest local-search miner wins: {:?}",
        answer.miner
    );
    assert_eq!(answer.queried, 6);
    // Signed for another receiver: refused.
    let resp = app
        .oneshot(signed(&buyer_key.public().to_string()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    for h in miners.handles {
        h.stop().await.unwrap();
    }
}
