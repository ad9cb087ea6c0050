//! Criterion benchmarks of the sparse epoch (BENCHMARKS.md records the figures).
//!
//! Shape, as in the issue that set the targets: n uids of which 64 are validators that weight
//! every miner, in steady state (bonds from a previous epoch), for original Yuma, Yuma3, and
//! Yuma3 with liquid alpha. Run with `cargo bench -p agora-runtime --bench epoch`.

use agora_runtime::epoch::{EpochInput, run_sparse};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The tests' seeded generator (SplitMix64), so every run benches the same input.
#[path = "../tests/common/rng.rs"]
mod rng;
use rng::SplitMix64;

/// Bench names and the (yuma3, liquid alpha) switches they set.
const MODES: [(&str, bool, bool); 3] = [
    ("yuma2", false, false),
    ("yuma3", true, false),
    ("yuma3_liquid_alpha", true, true),
];

const VALIDATORS: u16 = 64;

/// A subnet of `n` uids: validators `0..64` with stake, permits and a weight on every miner,
/// bonds taken from one previous epoch so the EMA has history.
fn steady_state(n: u16, yuma3: bool, liquid_alpha: bool) -> EpochInput {
    let mut rng = SplitMix64(u64::from(n) * 7919 + u64::from(yuma3) * 2 + u64::from(liquid_alpha));
    let nu = usize::from(n);
    let weights: Vec<Vec<(u16, u16)>> = (0..n)
        .map(|i| {
            if i < VALIDATORS {
                // Max-upscaled like set_weights stores them: the row maximum is 65535.
                let mut row: Vec<(u16, u16)> = (VALIDATORS..n)
                    .map(|j| (j, u16::try_from(1 + rng.below(65_534)).unwrap_or(u16::MAX)))
                    .collect();
                if let Some(first) = row.first_mut() {
                    first.1 = u16::MAX;
                }
                row
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut input = EpochInput {
        n,
        current_block: 10_000,
        tempo: 360,
        last_update: vec![9_990; nu],
        block_at_registration: vec![0; nu],
        alpha_stake: (0..n)
            .map(|i| {
                if i < VALIDATORS {
                    1_000_000_000 + rng.below(100_000_000_000)
                } else {
                    rng.below(1_000_000)
                }
            })
            .collect(),
        tao_stake: vec![0; nu],
        validator_permit: (0..n).map(|i| i < VALIDATORS).collect(),
        max_allowed_validators: VALIDATORS,
        weights,
        bonds: vec![Vec::new(); nu],
        yuma3_enabled: yuma3,
        liquid_alpha_enabled: liquid_alpha,
        rao_emission: 1_000_000_000,
        last_mechanism_step_block: 9_640,
        ..EpochInput::default()
    };
    input.bonds = run_sparse(&input).bonds;
    input
}

fn bench_sparse(c: &mut Criterion) {
    let mut group = c.benchmark_group("sparse_epoch");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    for (name, yuma3, liquid) in MODES {
        for n in [256u16, 1024, 4096] {
            let input = steady_state(n, yuma3, liquid);
            group.bench_with_input(BenchmarkId::new(name, n), &input, |b, input| {
                b.iter(|| run_sparse(black_box(input)));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_sparse);
criterion_main!(benches);
