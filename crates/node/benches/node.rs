//! Node benchmarks (BENCHMARKS.md): transfers and set_weights through mempool → block →
//! commit, block import, and the RPC latency of a 256-UID metagraph.
//!
//! The pipeline benches drive the node's chain exactly as the engine does (admission into the
//! mempool, `Chain::propose` building a block from it, `Chain::finalized` committing it to
//! redb with `fsync`) without the consensus round trip, which on a single validator adds a
//! fixed per-block latency, not per-transaction work.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_consensus::{Chain, RawBlock, Round, ValidatorKey};
use agora_node::block::Block;
use agora_node::config::{DataDir, Settings};
use agora_node::rpc::{self, RpcContext, RpcLimits};
use agora_node::service::{Opened, open};
use agora_runtime::Call;
use agora_runtime::call::{BalancesCall, SubtensorCall};
use agora_runtime::extrinsic::Extrinsic;
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::testing::{TAO, account, key};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonrpsee_core::client::ClientT;
use jsonrpsee_core::rpc_params;
use parity_scale_codec::Encode;

const SENDERS: usize = 64;

fn settings() -> Settings {
    let mut s = Settings::dev(
        DataDir::Ephemeral,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(250),
    );
    s.mempool.max_per_sender = 1024;
    s.mempool.max_nonce_gap = 1024;
    for i in 0..SENDERS {
        s.genesis
            .balances
            .push((format!("//Sender{i}"), 100_000 * TAO));
    }
    // A 256-uid subnet: the owner and 255 staked neurons; epochs every 10 blocks assign
    // validator permits; no weights rate limit, no commit-reveal.
    s.genesis.subnets.push(GenesisSubnet {
        netuid: 1,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//Alice//hot".into(),
        started: true,
        params: [
            ("Tempo".to_string(), 10),
            ("WeightsSetRateLimit".to_string(), 0),
            ("CommitRevealWeightsEnabled".to_string(), 0),
            ("MinAllowedWeights".to_string(), 1),
        ]
        .into_iter()
        .collect(),
        neurons: (0..255u16)
            .map(|i| GenesisNeuron {
                hotkey: format!("//V{i}//hot"),
                coldkey: format!("//V{i}"),
                stake: (1_000 + u64::from(i)) * TAO,
            })
            .collect(),
        pool_tao: None,
        pool_alpha: None,
    });
    s
}

fn fresh(tag: &str) -> Opened {
    let dir = std::env::temp_dir().join(format!("agora-bench-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    open(&settings(), &dir).unwrap()
}

fn raw(chain: &dyn Chain, bytes: Vec<u8>) -> RawBlock {
    RawBlock {
        id: chain.parse(&bytes).unwrap(),
        bytes: Arc::new(bytes),
    }
}

/// Builds and commits blocks until the mempool is empty; returns the blocks.
fn drain(o: &Opened, parent: &mut RawBlock, view: &mut u64) -> Vec<RawBlock> {
    let leader = ValidatorKey::dev(0).public();
    let mut out = Vec::new();
    while o.chain.mempool_len() > 0 {
        *view += 1;
        let round = Round {
            view: *view,
            leader,
            now_ms: 1_000 * *view,
        };
        let bytes = o.chain.propose(&[], parent, &round).unwrap();
        let block = raw(&*o.chain, bytes);
        o.chain.finalized(&block).unwrap();
        *parent = block.clone();
        out.push(block);
    }
    out
}

fn transfers(genesis: &[u8; 32], n: usize, round: u32) -> Vec<Vec<u8>> {
    let per = n / SENDERS;
    (0..SENDERS)
        .flat_map(|s| {
            (0..per).map(move |k| {
                let nonce = round * u32::try_from(per).unwrap() + u32::try_from(k).unwrap();
                let call = Call::Balances(BalancesCall::transfer_keep_alive {
                    dest: account("//Bob"),
                    value: 1_000 + u64::from(nonce),
                });
                Extrinsic::sign(&key(&format!("//Sender{s}")), genesis, nonce, call).encode()
            })
        })
        .collect()
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    const N: usize = 5_120;
    g.throughput(criterion::Throughput::Elements(N as u64));
    g.bench_function("transfers_5120_mempool_block_commit", |b| {
        let o = fresh("transfers");
        let mut parent = raw(&*o.chain, o.genesis_block.clone());
        let mut view = 0;
        let mut round = 0u32;
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let txs = transfers(&o.chain.genesis_hash(), N, round);
                round += 1;
                let start = Instant::now();
                for x in txs {
                    o.chain.submit(x).unwrap();
                }
                let blocks = drain(&o, &mut parent, &mut view);
                total += start.elapsed();
                assert!(!blocks.is_empty());
            }
            total
        });
    });
    g.throughput(criterion::Throughput::Elements(128));
    g.bench_function("set_weights_128x256_mempool_block_commit", |b| {
        let o = fresh("weights");
        let mut parent = raw(&*o.chain, o.genesis_block.clone());
        let mut view = 0;
        // Run to the first epochs so the top stakes hold validator permits.
        for _ in 0..12 {
            let leader = ValidatorKey::dev(0).public();
            view += 1;
            let r = Round {
                view,
                leader,
                now_ms: 1_000 * view,
            };
            let block = raw(&*o.chain, o.chain.propose(&[], &parent, &r).unwrap());
            o.chain.finalized(&block).unwrap();
            parent = block;
        }
        let mut nonce = 0u32;
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let genesis = o.chain.genesis_hash();
                // The 128 highest-staked neurons (uids 128..=255) are the validators.
                let txs: Vec<Vec<u8>> = (127..255)
                    .map(|i| {
                        let call = Call::SubtensorModule(SubtensorCall::set_weights {
                            netuid: 1,
                            dests: (0..256).collect(),
                            weights: (1..=256u16).collect(),
                            version_key: 0,
                        });
                        Extrinsic::sign(&key(&format!("//V{i}//hot")), &genesis, nonce, call)
                            .encode()
                    })
                    .collect();
                nonce += 1;
                let start = Instant::now();
                for x in txs {
                    o.chain.submit(x).unwrap();
                }
                drain(&o, &mut parent, &mut view);
                total += start.elapsed();
            }
            total
        });
    });
    g.finish();
}

fn import(c: &mut Criterion) {
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    // A proposer makes blocks of 1 280 transfers; an importer verifies (executes) and commits.
    let proposer = fresh("import-a");
    let mut parent = raw(&*proposer.chain, proposer.genesis_block.clone());
    let mut view = 0;
    let mut blocks = Vec::new();
    for round in 0..8 {
        for x in transfers(&proposer.chain.genesis_hash(), 1_280, round) {
            proposer.chain.submit(x).unwrap();
        }
        blocks.extend(drain(&proposer, &mut parent, &mut view));
    }
    let leader = ValidatorKey::dev(0).public();
    g.bench_function("block_1280_transfers_verify_and_commit", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for it in 0..iters {
                let importer = fresh(&format!("import-b{it}"));
                for (i, block) in blocks.iter().enumerate() {
                    let r = Round {
                        view: i as u64 + 1,
                        leader,
                        now_ms: u64::MAX / 2,
                    };
                    let start = Instant::now();
                    assert!(importer.chain.verify(&[], block, &r));
                    importer.chain.finalized(block).unwrap();
                    total += start.elapsed();
                }
                let _ = std::fs::remove_dir_all(&importer.dir);
            }
            total / u32::try_from(blocks.len()).unwrap()
        });
    });
    assert_eq!(
        Block::decode_bounded(&blocks[0].bytes)
            .unwrap()
            .extrinsics
            .len(),
        1_280
    );
    g.finish();
}

fn rpc_latency(c: &mut Criterion) {
    let o = fresh("rpc");
    let ctx = RpcContext {
        chain: o.chain.clone(),
        info: o.info.clone(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(async {
        let module = rpc::module(ctx).unwrap();
        let (addr, handle) = rpc::serve(
            "127.0.0.1:0".parse().unwrap(),
            &RpcLimits::default(),
            module,
        )
        .await
        .unwrap();
        std::mem::forget(handle);
        jsonrpsee_ws_client::WsClientBuilder::default()
            .max_response_size(64 << 20)
            .build(format!("ws://{addr}"))
            .await
            .unwrap()
    });
    let mut g = c.benchmark_group("rpc");
    g.bench_function("metagraph_256_uids_ws", |b| {
        b.iter(|| {
            let v: serde_json::Value = rt
                .block_on(client.request("agora_metagraph", rpc_params![1]))
                .unwrap();
            assert_eq!(v["hotkeys"].as_array().map(Vec::len), Some(256));
        });
    });
    g.bench_function("balance_ws", |b| {
        b.iter(|| {
            let _: serde_json::Value = rt
                .block_on(client.request(
                    "state_getBalance",
                    rpc_params![account("//Alice").to_string()],
                ))
                .unwrap();
        });
    });
    g.finish();
}

criterion_group!(benches, pipeline, import, rpc_latency);
criterion_main!(benches);
