//! The cost of the state root per block as the state grows: the incremental sparse Merkle
//! tree committed to redb, against the flat hash over every entry that it replaced.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use agora_primitives::hashing::{Blake2b256, blake2_256};
use agora_runtime::state::{Backend, ChangeSet, MemBackend, merkle};
use agora_storage::{BlockCommit, Store};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn key(i: u64) -> Vec<u8> {
    let mut k = b"System.Account\0".to_vec();
    k.extend_from_slice(&blake2_256(&i.to_le_bytes()));
    k
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("state_root_per_block");
    g.sample_size(10);
    for n in [10_000u64, 100_000, 400_000] {
        let state = MemBackend::from_entries((0..n).map(|i| (key(i), i.to_le_bytes().to_vec())));
        let dir =
            std::env::temp_dir().join(format!("agora-commit-bench-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&dir.join("state.redb")).unwrap();
        let mut head = store.init_genesis(&state, [1; 32], [0; 32], b"g").unwrap();
        let mut round = 0u64;
        // A block of 5 000 changed entries (about 1 250 transfers: two balances, a nonce and
        // the author's balance each).
        g.bench_with_input(
            BenchmarkId::new("smt_update_and_redb_commit_5000", n),
            &n,
            |b, &n| {
                b.iter(|| {
                    round += 1;
                    let changes = ChangeSet(
                        (0..5_000u64)
                            .map(|j| {
                                (
                                    key((j * 7_919 + round * 13) % n),
                                    Some((round + j).to_le_bytes().to_vec()),
                                )
                            })
                            .collect(),
                    );
                    let snap = store.snapshot().unwrap();
                    let tree = merkle::update(&snap, &changes);
                    drop(snap);
                    let hash = blake2_256(&round.to_le_bytes());
                    head = store
                        .commit_block(&BlockCommit {
                            number: head.number + 1,
                            hash,
                            parent: head.hash,
                            block: b"b",
                            receipts: b"",
                            extrinsics: &[],
                            changes: &changes,
                            tree: &tree.nodes,
                            state_root: tree.root,
                        })
                        .unwrap();
                });
            },
        );
        g.bench_with_input(
            BenchmarkId::new("flat_hash_of_every_entry", n),
            &n,
            |b, _| {
                b.iter(|| {
                    let snap = store.snapshot().unwrap();
                    let mut h = Blake2b256::new();
                    snap.scan_prefix(&[], &mut |k, v| {
                        h.update(&u32::try_from(k.len()).unwrap_or(u32::MAX).to_le_bytes());
                        h.update(k);
                        h.update(&u32::try_from(v.len()).unwrap_or(u32::MAX).to_le_bytes());
                        h.update(v);
                        true
                    });
                    h.finalize()
                });
            },
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
