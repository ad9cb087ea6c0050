//! Criterion benchmarks of the read side (BENCHMARKS.md records the figures).
//!
//! A subnet of 256 uids: 64 validators with stake, root stake and childkey relations, every
//! per-uid vector filled, axons and identities set, in a committed in-memory state read
//! through an `Overlay`, as a node answering an RPC would. Run with
//! `cargo bench -p agora-runtime --bench info`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use agora_runtime::childkeys::{CHILD_KEYS, PARENT_KEYS};
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::info;
use agora_runtime::state::Overlay;
use agora_runtime::storage::*;
use agora_runtime::testing::{TestChain, account, dev_genesis};
use agora_runtime::types::{AxonInfo, ChainIdentity};
use criterion::{Criterion, criterion_group, criterion_main};

const NET: NetUid = 1;

fn populated() -> TestChain {
    let mut cfg = dev_genesis();
    cfg.subnets.push(GenesisSubnet {
        netuid: NET,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//AliceHot".into(),
        started: true,
        params: BTreeMap::new(),
        pool_tao: None,
        pool_alpha: None,
        neurons: (1..256u32)
            .map(|i| GenesisNeuron {
                hotkey: format!("//BenchHot{i}"),
                coldkey: format!("//BenchCold{}", i % 32),
                stake: if i < 64 {
                    1_000_000_000 * u64::from(i)
                } else {
                    0
                },
            })
            .collect(),
    });
    let mut chain = TestChain::new(&cfg);
    chain.with_ctx(|ctx| {
        let st = &mut ctx.st;
        let n = 256usize;
        let idx = netuid_index(NET, 0);
        ACTIVE.insert(st, &NET, &vec![true; n]);
        EMISSION.insert(st, &NET, &(0..n as u64).collect());
        INCENTIVE.insert(st, &idx, &vec![7; n]);
        CONSENSUS.insert(st, &NET, &vec![8; n]);
        DIVIDENDS.insert(st, &NET, &vec![9; n]);
        VALIDATOR_TRUST.insert(st, &NET, &vec![10; n]);
        VALIDATOR_PERMIT.insert(st, &NET, &(0..n).map(|i| i < 64).collect());
        LAST_UPDATE.insert(st, &idx, &vec![5; n]);
        for uid in 0..256u16 {
            let hotkey = KEYS.get(st, &(NET, uid));
            AXONS.insert(
                st,
                &(NET, hotkey),
                &AxonInfo {
                    port: 8_000 + uid,
                    ip_type: 4,
                    ..AxonInfo::default()
                },
            );
            ALPHA_DIVIDENDS_PER_SUBNET.insert(st, &(NET, hotkey), &u64::from(uid));
        }
        for i in 0..32 {
            let coldkey = account(&format!("//BenchCold{i}"));
            IDENTITIES.insert(
                st,
                &coldkey,
                &ChainIdentity {
                    name: vec![b'x'; 16],
                    ..ChainIdentity::default()
                },
            );
        }
        // Validators 1..32 each give a quarter of their stake to validator i + 32.
        for uid in 1..32u16 {
            let parent = KEYS.get(st, &(NET, uid));
            let child = KEYS.get(st, &(NET, uid + 32));
            CHILD_KEYS.insert(st, &(NET, parent), &vec![(u64::MAX / 4, child)]);
            PARENT_KEYS.insert(st, &(NET, child), &vec![(u64::MAX / 4, parent)]);
        }
    });
    chain
}

fn bench(c: &mut Criterion) {
    let chain = populated();
    let mut group = c.benchmark_group("info_256_uids");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("metagraph", |b| {
        b.iter(|| {
            let st = Overlay::new(&chain.state);
            black_box(info::metagraph(&st, black_box(NET)))
        })
    });
    group.bench_function("metagraph_scale_encode", |b| {
        b.iter(|| {
            let st = Overlay::new(&chain.state);
            black_box(parity_scale_codec::Encode::encode(&info::metagraph(
                &st, NET,
            )))
        })
    });
    group.bench_function("metagraph_json", |b| {
        b.iter(|| {
            let st = Overlay::new(&chain.state);
            black_box(serde_json::to_vec(&info::metagraph(&st, NET)).ok())
        })
    });
    let meta = info::metagraph(&Overlay::new(&chain.state), NET).expect("subnet");
    group.bench_function("ss58_of_256_hotkeys", |b| {
        b.iter(|| {
            black_box(
                meta.hotkeys
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>(),
            )
        })
    });
    let all: Vec<u16> = (0..74).collect();
    group.bench_function("selective_metagraph_all", |b| {
        b.iter(|| {
            let st = Overlay::new(&chain.state);
            black_box(info::selective_metagraph(&st, NET, &all))
        })
    });
    group.bench_function("neurons_lite", |b| {
        b.iter(|| {
            let st = Overlay::new(&chain.state);
            black_box(info::neurons_lite(&st, NET))
        })
    });
    group.bench_function("subnet_state", |b| {
        b.iter(|| {
            let st = Overlay::new(&chain.state);
            black_box(info::subnet_state(&st, NET))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
