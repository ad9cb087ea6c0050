//! Determinism: two nodes fed the same blocks reach the same state roots and the same state;
//! four validators running the real chain on the engine's deterministic simulation agree on
//! every finalized block and state root, and a seed reproduces the run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use agora_consensus::simulation::{SimConfig, simulate, validator_key};
use agora_consensus::{Chain, EngineConfig, RawBlock, Round};
use agora_node::block::{Block, MAX_BLOCK_SIZE};
use agora_node::chain::NodeChain;
use agora_node::config::{DataDir, Settings, ValidatorSpec};
use agora_node::service::{Opened, open};
use agora_runtime::Call;
use agora_runtime::call::BalancesCall;
use agora_runtime::extrinsic::Extrinsic;
use agora_runtime::state::Backend;
use agora_runtime::testing::{account, key};
use parity_scale_codec::Encode;

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("agora-det-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn settings(validators: usize) -> Settings {
    let mut s = Settings::dev(
        DataDir::Ephemeral,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(250),
    );
    s.validators = (0..validators)
        .map(|i| ValidatorSpec {
            consensus_key: validator_key(i).public(),
            account: account(["//Alice", "//Bob", "//Charlie", "//Dave"][i % 4]),
            address: "127.0.0.1:0".parse().unwrap(),
        })
        .collect();
    s
}

fn raw(chain: &dyn Chain, bytes: Vec<u8>) -> RawBlock {
    RawBlock {
        id: chain.parse(&bytes).unwrap(),
        bytes: Arc::new(bytes),
    }
}

/// Signed transfers (sr25519 signatures are randomised, so runs that must be identical
/// reuse the same bytes).
fn signed_transfers(genesis: &[u8; 32], from: &str, nonces: std::ops::Range<u32>) -> Vec<Vec<u8>> {
    nonces
        .map(|n| {
            let call = Call::Balances(BalancesCall::transfer_keep_alive {
                dest: account("//Eve"),
                value: 1_000 + u64::from(n),
            });
            Extrinsic::sign(&key(from), genesis, n, call).encode()
        })
        .collect()
}

fn transfers(chain: &NodeChain, from: &str, nonces: std::ops::Range<u32>) {
    for xt in signed_transfers(&chain.genesis_hash(), from, nonces) {
        chain.submit(xt).unwrap();
    }
}

fn entries(o: &Opened) -> Vec<(Vec<u8>, Vec<u8>)> {
    let snap = o.chain.store().snapshot().unwrap();
    let mut out = Vec::new();
    snap.scan_prefix(&[], &mut |k, v| {
        out.push((k.to_vec(), v.to_vec()));
        true
    });
    out
}

#[test]
fn two_nodes_fed_the_same_blocks_reach_the_same_state() {
    let s = settings(1);
    let a = open(&s, &temp("a")).unwrap();
    let b = open(&s, &temp("b")).unwrap();
    let leader = validator_key(0).public();
    let mut parent = raw(&*a.chain, a.genesis_block.clone());
    for height in 1..=6u64 {
        transfers(
            &a.chain,
            "//Alice",
            u32::try_from(height * 10).unwrap() - 10..u32::try_from(height * 10).unwrap(),
        );
        let round = Round {
            view: height,
            leader,
            now_ms: 1_000 * height,
        };
        let bytes = a.chain.propose(&[], &parent, &round).expect("proposal");
        let block = raw(&*a.chain, bytes);
        assert_eq!(
            Block::decode_bounded(&block.bytes)
                .unwrap()
                .extrinsics
                .len(),
            10
        );
        // B verifies by executing; both finalize.
        assert!(b.chain.verify(&[], &block, &round));
        a.chain.finalized(&block).unwrap();
        b.chain.finalized(&block).unwrap();
        // Redelivery (as after a restart) is recognised and harmless.
        b.chain.finalized(&block).unwrap();
        let (ha, hb) = (a.chain.head().unwrap(), b.chain.head().unwrap());
        assert_eq!(ha, hb, "height {height}");
        parent = block;
    }
    assert_eq!(entries(&a), entries(&b));
    // A node that only receives finalized blocks (no verification) ends in the same state.
    let c = open(&s, &temp("c")).unwrap();
    let snap = a.chain.store().snapshot().unwrap();
    for n in 1..=6 {
        let block = raw(&*c.chain, snap.block(n).unwrap());
        c.chain.finalized(&block).unwrap();
    }
    assert_eq!(c.chain.head().unwrap(), a.chain.head().unwrap());
    // A tampered block is refused by verification and changes nothing.
    let mut bad = Block::decode_bounded(&snap.block(6).unwrap()).unwrap();
    bad.header.number = 7;
    bad.header.parent_hash = a.chain.head().unwrap().hash;
    bad.header.state_root = [1; 32];
    let bad = raw(&*b.chain, bad.encode());
    let round = Round {
        view: 99,
        leader,
        now_ms: 100_000,
    };
    assert!(!b.chain.verify(&[], &bad, &round));
    assert!(b.chain.finalized(&bad).is_err());
    assert_eq!(b.chain.head().unwrap().number, 6);
    // A proposal naming another proposer than the round's leader is refused.
    let other_leader = Round {
        leader: validator_key(1).public(),
        ..round
    };
    let good = a
        .chain
        .propose(
            &[],
            &raw(&*a.chain, snap.block(6).unwrap()),
            &Round {
                view: 100,
                leader,
                now_ms: 100_000,
            },
        )
        .unwrap();
    assert!(!b.chain.verify(&[], &raw(&*b.chain, good), &other_leader));
}

/// (height, block hash, state root).
type HeightRecord = (u64, [u8; 32], [u8; 32]);

/// Runs `n` validators with the real chain on the simulated network; returns the per-height
/// (hash, state root) of every validator and the auditor digest.
fn simulate_chains(
    n: usize,
    seed: u64,
    target: u64,
    txs: &[Vec<Vec<u8>>],
) -> (Vec<Vec<HeightRecord>>, String) {
    let s = settings(n);
    let opened: Vec<Opened> = (0..n)
        .map(|i| open(&s, &temp(&format!("sim{seed}-{i}"))).unwrap())
        .collect();
    // Everyone's mempool holds transfers; each leader includes its own.
    for (o, txs) in opened.iter().zip(txs) {
        for xt in txs {
            o.chain.submit(xt.clone()).unwrap();
        }
    }
    let chains: Vec<Arc<NodeChain>> = opened.iter().map(|o| o.chain.clone()).collect();
    let watched = chains.clone();
    let cfg = SimConfig {
        seed,
        engine: EngineConfig {
            block_time: Duration::from_millis(250),
            max_block_size: MAX_BLOCK_SIZE,
            partition: "det".into(),
        },
        latency: Duration::from_millis(30),
        jitter: Duration::from_millis(10),
        delivery_ppm: 950_000,
        offline: vec![],
        timeout: Duration::from_secs(900),
    };
    let dyn_chains = chains.iter().map(|c| c.clone() as Arc<dyn Chain>).collect();
    let outcome = simulate(
        &cfg,
        dyn_chains,
        opened[0].genesis_block.clone(),
        move || {
            watched
                .iter()
                .all(|c| c.head().map(|h| h.number >= target).unwrap_or(false))
        },
    )
    .unwrap();
    let heads = chains
        .iter()
        .map(|c| {
            let snap = c.store().snapshot().unwrap();
            (0..=target)
                .map(|h| {
                    let b = Block::decode_bounded(&snap.block(h).unwrap()).unwrap();
                    (h, b.hash(), b.header.state_root)
                })
                .collect()
        })
        .collect();
    for i in 0..n {
        let _ = std::fs::remove_dir_all(temp(&format!("sim{seed}-{i}")));
    }
    (heads, outcome.auditor)
}

fn sim_txs(n: usize) -> Vec<Vec<Vec<u8>>> {
    let s = settings(n);
    let genesis =
        agora_runtime::genesis::genesis_hash(&agora_runtime::genesis::build(&s.genesis).unwrap());
    (0..n)
        .map(|i| {
            signed_transfers(
                &genesis,
                ["//Alice", "//Bob", "//Charlie", "//Dave"][i % 4],
                0..20,
            )
        })
        .collect()
}

#[test]
fn four_validators_agree_on_every_block_and_state_root_and_replay_by_seed() {
    let txs = sim_txs(4);
    let (heads, auditor) = simulate_chains(4, 11, 8, &txs);
    for v in &heads[1..] {
        assert_eq!(v, &heads[0], "validators disagree");
    }
    let (again, auditor2) = simulate_chains(4, 11, 8, &txs);
    assert_eq!(again, heads);
    assert_eq!(auditor, auditor2);
}

#[test]
fn one_validator_dev_chain_on_the_simulated_engine() {
    let (heads, _) = simulate_chains(1, 3, 10, &sim_txs(1));
    assert_eq!(heads[0].len(), 11);
}
