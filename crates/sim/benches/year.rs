//! The simulator's speed target (BENCHMARKS.md): one year of a 256-uid subnet with 64
//! validators. Criterion measures 1% of that year (73 epochs of 360 blocks, ~26 k blocks,
//! the same scenario as `scenarios/bench-year.toml`); the full year is timed with
//! `agora sim run crates/sim/scenarios/bench-year.toml`.

use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn scenario(epochs: u64) -> agora_sim::Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/bench-year.toml");
    let text = std::fs::read_to_string(path).expect("bench scenario");
    let mut s = agora_sim::Scenario::from_toml(&text).expect("valid scenario");
    s.duration.epochs = Some(epochs);
    s
}

fn year_fraction(c: &mut Criterion) {
    let mut g = c.benchmark_group("sim");
    g.sample_size(10);
    let s = scenario(73);
    g.bench_function("bench-year/73 epochs (1% of a year)", |b| {
        b.iter(|| agora_sim::run(&s).expect("run"));
    });
    g.finish();
}

criterion_group!(benches, year_fraction);
criterion_main!(benches);
