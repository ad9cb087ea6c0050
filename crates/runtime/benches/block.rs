//! Criterion benchmark of one block's `on_initialize` at the reference mainnet's scale
//! (BENCHMARKS.md records the figures): 128 emitting subnets of 256 uids each (64 validators
//! with alpha and root stake weighting all 191 miners), every subnet's bonds from a previous
//! epoch, root stakers indexed for the auto claims, moving prices summing above 1 (root
//! dividends are sold), and
//! - `coinbase_128_subnets_2_epochs`: the coinbase for all 128 subnets and the epoch (with its
//!   distribution) due in two of them;
//! - `coinbase_128_subnets_no_epoch`: the same block with no epoch due.
//!
//! Run with `cargo bench -p agora-runtime --bench block`. The measured work is
//! `BlockBuilder::new` (which runs `on_initialize`) on a committed in-memory state; the flat
//! state root (`finish`) is not part of block execution and is not measured.

use std::hint::black_box;
use std::time::Duration;

use agora_primitives::AccountId;
use agora_runtime::BlockBuilder;
use agora_runtime::genesis::{self, GenesisConfig, GenesisNeuron, GenesisSubnet};
use agora_runtime::root_claims;
use agora_runtime::staking;
use agora_runtime::state::{MemBackend, Overlay};
use agora_runtime::storage::*;
use agora_runtime::testing::{TAO, dev_genesis};
use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/rng.rs"]
mod rng;
use rng::SplitMix64;

const SUBNETS: u16 = 128;
const UIDS: u16 = 256;
const VALIDATORS: u16 = 64;
const TEMPO: u64 = 360;

/// A fast, distinct account per (kind, a, b), written as hex (dev URIs derive keys slowly).
fn key(kind: u8, a: u16, b: u16) -> String {
    format!("0x{kind:02x}{a:04x}{b:04x}{}", "0".repeat(54))
}

fn acc(kind: u8, a: u16, b: u16) -> AccountId {
    genesis::parse_account(&key(kind, a, b)).unwrap_or_default()
}

fn config() -> GenesisConfig {
    let mut rng = SplitMix64(42);
    let mut cfg = dev_genesis();
    cfg.params.insert("MaxEpochsPerBlock".into(), u64::from(SUBNETS));
    for netuid in 1..=SUBNETS {
        let neurons = (1..UIDS)
            .map(|uid| GenesisNeuron {
                hotkey: key(1, netuid, uid),
                coldkey: key(2, uid, 0),
                stake: if uid <= VALIDATORS {
                    (100 + rng.below(10_000)) * TAO
                } else {
                    0
                },
            })
            .collect();
        cfg.subnets.push(GenesisSubnet {
            netuid,
            owner_coldkey: key(3, netuid, 0),
            owner_hotkey: key(4, netuid, 0),
            started: true,
            params: [
                ("Tempo".to_string(), TEMPO),
                ("CommitRevealWeightsEnabled".to_string(), 0),
                ("MaxAllowedValidators".to_string(), u64::from(VALIDATORS)),
                ("SubnetMovingPrice".to_string(), 10_000_000),
            ]
            .into(),
            neurons,
            pool_tao: Some(10_000 * TAO),
            pool_alpha: Some((5_000 + rng.below(10_000)) * TAO),
        });
    }
    cfg
}

/// Weights, activity and root stake written straight into the genesis state.
fn populate(state: &mut MemBackend, now: u64) {
    let mut rng = SplitMix64(7);
    let changes = {
        let mut st = Overlay::new(state);
        let mut root_total = 0u64;
        for netuid in 1..=SUBNETS {
            let idx = netuid_index(netuid, 0);
            LAST_UPDATE.insert(&mut st, &idx, &vec![now - 10; usize::from(UIDS)]);
            for uid in 1..=VALIDATORS {
                // Max-upscaled rows, as set_weights stores them.
                let mut row: Vec<(u16, u16)> = (VALIDATORS + 1..UIDS)
                    .map(|j| (j, u16::try_from(1 + rng.below(65_534)).unwrap_or(1)))
                    .collect();
                if let Some(first) = row.first_mut() {
                    first.1 = u16::MAX;
                }
                WEIGHTS.insert(&mut st, &(idx, uid), &row);
            }
        }
        // Every validator coldkey stakes on root to its subnet-1 validator hotkey, and is
        // indexed for the auto claims.
        for uid in 1..=VALIDATORS {
            let (hot, cold) = (acc(1, 1, uid), acc(2, uid, 0));
            let amount = (1_000 + rng.below(100_000)) * TAO;
            staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                &mut st,
                &hot,
                &cold,
                ROOT_NETUID,
                amount,
            );
            root_claims::maybe_add_coldkey_index(&mut st, &cold);
            root_total += amount;
        }
        SUBNET_TAO.insert(&mut st, &ROOT_NETUID, &root_total);
        st.into_changes()
    };
    state.apply(changes);
}

/// Runs block `number` on `state` and commits it.
fn run_block(state: &mut MemBackend, number: u64) {
    let changes = BlockBuilder::new(state, number, None).state().changes();
    state.apply(changes);
}

/// The committed state before the measured block `measured`, with the epoch due in subnets
/// 1 and 2 only (`two_epochs`) or in none.
fn prepared(two_epochs: bool) -> (MemBackend, u64) {
    let mut state = genesis::build(&config()).unwrap_or_default();
    // Warm-up: every subnet's epoch runs at blocks 360 (permits) and 720 (bonds), so the
    // measured epochs see a steady state.
    let warm = 2 * TEMPO;
    populate(&mut state, warm);
    for b in 1..=warm {
        run_block(&mut state, b);
    }
    let measured = warm + 1;
    let changes = {
        let mut st = Overlay::new(&state);
        for netuid in 1..=SUBNETS {
            assert_eq!(LAST_EPOCH_BLOCK.get(&st, &netuid), warm, "warm-up epoch ran");
        }
        MAX_EPOCHS_PER_BLOCK.put(&mut st, &2);
        if two_epochs {
            for netuid in [1u16, 2] {
                LAST_EPOCH_BLOCK.insert(&mut st, &netuid, &(measured - TEMPO));
            }
        }
        st.into_changes()
    };
    state.apply(changes);
    (state, measured)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("block");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    for (name, two) in [
        ("coinbase_128_subnets_2_epochs", true),
        ("coinbase_128_subnets_no_epoch", false),
    ] {
        let (state, measured) = prepared(two);
        // The block really does what it says.
        let out = BlockBuilder::new(&state, measured, None);
        let ran = (1..=SUBNETS)
            .filter(|n| LAST_MECHANISM_STEP_BLOCK.get(out.state(), n) == measured)
            .count();
        assert_eq!(ran, if two { 2 } else { 0 });
        drop(out);
        group.bench_function(name, |b| {
            b.iter(|| {
                let builder = BlockBuilder::new(black_box(&state), measured, None);
                black_box(builder.state().depth())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
