//! Criterion benchmark of one block's `on_initialize` at the reference mainnet's scale
//! (BENCHMARKS.md records the figures): 128 emitting subnets of 256 uids each. As on mainnet,
//! the 64 validators are the same hotkeys on every subnet (each with its own coldkey, alpha
//! stake on every subnet and root stake), weighting all 191 miners; miners are distinct
//! hotkeys, eight per coldkey. Every subnet's bonds come from a previous epoch, root stakers
//! are indexed for the auto claims, and the moving prices sum above 1 (root dividends are
//! sold). Cases:
//! - `coinbase_128_subnets_2_epochs`: the coinbase for all 128 subnets and the epoch (with its
//!   distribution) due in two of them, plus the block's auto root claims;
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
    for netuid in 1..=SUBNETS {
        let neurons = (1..UIDS)
            .map(|uid| {
                if uid <= VALIDATORS {
                    GenesisNeuron {
                        hotkey: key(1, 0, uid),
                        coldkey: key(2, uid, 0),
                        stake: (100 + rng.below(10_000)) * TAO,
                    }
                } else {
                    GenesisNeuron {
                        hotkey: key(1, netuid, uid),
                        coldkey: key(5, netuid, uid / 8),
                        stake: 0,
                    }
                }
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
            // Epochs staggered over the tempo, as `register_network` staggers them on mainnet.
            let offset = u64::from(netuid) * TEMPO / u64::from(SUBNETS);
            LAST_EPOCH_BLOCK.insert(&mut st, &netuid, &offset);
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
        // Every validator coldkey stakes on root to its validator hotkey, and is indexed for
        // the auto claims.
        for uid in 1..=VALIDATORS {
            let (hot, cold) = (acc(1, 0, uid), acc(2, uid, 0));
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

/// The measured work: `on_initialize` of block `number` (a separate function so profilers can
/// single it out, e.g. `valgrind --tool=callgrind --toggle-collect='*measured_block*'`).
#[inline(never)]
fn measured_block(state: &MemBackend, number: u64) -> usize {
    let builder = BlockBuilder::new(state, number, None);
    builder.state().depth()
}

/// The committed state before the measured block, with the epoch due in subnets 1 and 2 only
/// (`two_epochs`) or in none. Steady state: every subnet has run two staggered epochs and the
/// auto claims have been running (five coldkeys a block) throughout.
fn prepared(two_epochs: bool) -> (MemBackend, u64) {
    let mut state = genesis::build(&config()).unwrap_or_default();
    let warm = 3 * TEMPO;
    populate(&mut state, warm);
    for b in 1..=warm {
        run_block(&mut state, b);
    }
    let measured = warm + 1;
    let changes = {
        let mut st = Overlay::new(&state);
        for netuid in 1..=SUBNETS {
            let offset = u64::from(netuid) * TEMPO / u64::from(SUBNETS);
            assert_eq!(
                LAST_EPOCH_BLOCK.get(&st, &netuid),
                offset + 2 * TEMPO,
                "two warm-up epochs ran"
            );
        }
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

/// CPU time of this thread in ns (`/proc/thread-self/schedstat`, Linux), so a measurement on a
/// shared machine counts only the time this thread actually ran.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse().ok()))
        .unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    // `AGORA_BLOCK_PROFILE=n` (or `n,none` for the block without epochs): build the state and
    // run the measured block n times, for a profiler (or `perf stat`, whose task clock counts
    // CPU time whatever the machine's load), without criterion.
    if let Ok(v) = std::env::var("AGORA_BLOCK_PROFILE") {
        let mut parts = v.split(',');
        let n: u32 = parts.next().and_then(|x| x.parse().ok()).unwrap_or(1);
        let two = parts.next() != Some("none");
        let (state, measured) = prepared(two);
        let (cpu0, wall0) = (thread_cpu_ns(), std::time::Instant::now());
        for _ in 0..n {
            black_box(measured_block(&state, measured));
        }
        let (cpu, wall) = (thread_cpu_ns() - cpu0, wall0.elapsed());
        println!(
            "{} block(s): {:.3} ms CPU per block, {:.3} ms wall per block",
            n,
            cpu as f64 / 1e6 / f64::from(n.max(1)),
            wall.as_secs_f64() * 1e3 / f64::from(n.max(1)),
        );
        return;
    }
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
            b.iter(|| black_box(measured_block(black_box(&state), measured)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
