//! Criterion benchmarks of one AMM swap (BENCHMARKS.md records the figures): a buy at equal
//! weights (the exact-path power), a buy after protocol injection moved the weights (the
//! 256-bit fixed-point path), and the limit-price maximum of `add_stake_limit` (the 1 024-bit
//! path). Run with `cargo bench -p agora-runtime --bench swap`.

use agora_runtime::Ctx;
use agora_runtime::state::{MemBackend, Overlay};
use agora_runtime::storage::{
    NETWORKS_ADDED, PAL_SWAP_INITIALIZED, SUBNET_ALPHA_IN, SUBNET_MECHANISM, SUBNET_TAO,
};
use agora_runtime::swap;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const TAO: u64 = 1_000_000_000;

/// A state with subnet 1 holding a 10 000 TAO : 40 000 alpha pool; `reweight` injects 1 000
/// TAO and 1 000 alpha first, so the weights are no longer 0.5/0.5.
fn pool(reweight: bool) -> MemBackend {
    let base = MemBackend::new();
    let mut st = Overlay::new(&base);
    NETWORKS_ADDED.insert(&mut st, &1, &true);
    SUBNET_MECHANISM.insert(&mut st, &1, &1);
    PAL_SWAP_INITIALIZED.insert(&mut st, &1, &true);
    SUBNET_TAO.insert(&mut st, &1, &(10_000 * TAO));
    SUBNET_ALPHA_IN.insert(&mut st, &1, &(40_000 * TAO));
    if reweight {
        let (t, a) = swap::adjust_protocol_liquidity(&mut st, 1, 1_000 * TAO, 1_000 * TAO);
        SUBNET_TAO.mutate(&mut st, &1, |x| *x += t);
        SUBNET_ALPHA_IN.mutate(&mut st, &1, |x| *x += a);
    }
    let mut out = MemBackend::new();
    out.apply(st.into_changes());
    out
}

fn bench(c: &mut Criterion) {
    for (name, reweight) in [("buy_equal_weights", false), ("buy_reweighted", true)] {
        let state = pool(reweight);
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut ctx = Ctx::new(Overlay::new(&state), 1, None);
                black_box(swap::swap_tao_for_alpha(
                    &mut ctx,
                    1,
                    black_box(25 * TAO),
                    swap::MAX_PRICE,
                    false,
                ))
            })
        });
    }
    let state = pool(true);
    c.bench_function("max_amount_add_reweighted", |b| {
        b.iter(|| {
            let st = Overlay::new(&state);
            black_box(swap::get_max_amount_add(&st, 1, black_box(300_000_000)))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
