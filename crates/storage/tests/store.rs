//! The store against the in-memory state: same blocks, same roots; atomic, ordered commits;
//! a reopened file comes back at its head.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use agora_runtime::call::BalancesCall;
use agora_runtime::chain::BlockBuilder;
use agora_runtime::genesis;
use agora_runtime::state::{Backend, MemBackend, Overlay};
use agora_runtime::storage::NONCES;
use agora_runtime::testing::{TAO, account, dev_genesis, key};
use agora_runtime::{Call, Extrinsic};
use agora_storage::{BlockCommit, Layered, Store, StoreError};
use parity_scale_codec::Encode;

fn transfer(from: &str, to: &str, nonce: u32, gh: &[u8; 32], value: u64) -> Vec<u8> {
    let call = Call::Balances(BalancesCall::transfer_keep_alive {
        dest: account(to),
        value,
    });
    Extrinsic::sign(&key(from), gh, nonce, call).encode()
}

fn block_hash(n: u64) -> [u8; 32] {
    agora_primitives::hashing::blake2_256(&n.to_le_bytes())
}

/// Runs `blocks` blocks of transfers on both a `MemBackend` and the store, checking roots.
fn run(store: &Store, mem: &mut MemBackend, from_block: u64, blocks: u64) {
    let gh = genesis::genesis_hash(mem);
    for n in from_block..from_block + blocks {
        let snap = store.snapshot().unwrap();
        assert_eq!(snap.root(), mem.root());
        let nonce = NONCES.get(&Overlay::new(&snap), &account("//Alice"));
        let xts: Vec<Vec<u8>> = (0..3)
            .map(|i| transfer("//Alice", "//Bob", nonce + i, &gh, TAO + n))
            .collect();
        let mut b = BlockBuilder::new(&snap, n, Some(account("//Charlie")));
        for x in &xts {
            b.apply(x).unwrap();
        }
        let out = b.finish();
        let hashes: Vec<[u8; 32]> = xts
            .iter()
            .map(|x| agora_primitives::hashing::blake2_256(x))
            .collect();
        let head = store
            .commit_block(&BlockCommit {
                number: n,
                hash: block_hash(n),
                parent: block_hash(n - 1),
                block: &n.to_le_bytes(),
                receipts: b"r",
                extrinsics: &hashes,
                changes: &out.changes,
                tree: &out.tree,
                state_root: out.state_root,
            })
            .unwrap();
        assert_eq!(head.number, n);
        mem.apply(out.changes.clone());
        assert_eq!(mem.root(), out.state_root, "memory root after block {n}");
        assert_eq!(
            store.snapshot().unwrap().root(),
            out.state_root,
            "disk root after block {n}"
        );
        assert_eq!(
            store
                .snapshot()
                .unwrap()
                .tx_location(&hashes[2])
                .unwrap()
                .index,
            2
        );
    }
}

fn genesis_state() -> MemBackend {
    genesis::build(&dev_genesis()).unwrap()
}

#[test]
fn same_blocks_same_root_in_memory_and_on_disk_and_after_reopen() {
    let dir = std::env::temp_dir().join(format!("agora-store-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.redb");
    let _ = std::fs::remove_file(&path);
    let mut mem = genesis_state();
    let gh = genesis::genesis_hash(&mem);
    {
        let store = Store::open(&path).unwrap();
        let head = store
            .init_genesis(&mem, gh, block_hash(0), b"genesis")
            .unwrap();
        assert_eq!(head.state_root, mem.root());
        run(&store, &mut mem, 1, 5);
    }
    let store = Store::open(&path).unwrap();
    let head = store.head().unwrap().unwrap();
    assert_eq!(head.number, 5);
    assert_eq!(head.state_root, mem.root());
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.root(), mem.root());
    // Every entry matches the in-memory state.
    let mut disk = Vec::new();
    snap.scan_prefix(&[], &mut |k, v| {
        disk.push((k.to_vec(), v.to_vec()));
        true
    });
    let memv: Vec<_> = mem.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
    assert_eq!(disk, memv);
    // Initialising again with the same genesis is a no-op returning the head.
    assert_eq!(
        store
            .init_genesis(&genesis_state(), gh, block_hash(0), b"genesis")
            .unwrap()
            .number,
        5
    );
    // Another chain's genesis is refused.
    assert!(matches!(
        store.init_genesis(&genesis_state(), [9; 32], block_hash(0), b"genesis"),
        Err(StoreError::Incompatible(_))
    ));
    run(&store, &mut mem, 6, 2);
    drop(snap);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_block_that_does_not_extend_the_head_changes_nothing() {
    let store = Store::in_memory().unwrap();
    let mut mem = genesis_state();
    let gh = genesis::genesis_hash(&mem);
    store.init_genesis(&mem, gh, block_hash(0), b"g").unwrap();
    run(&store, &mut mem, 1, 1);
    let before = store.head().unwrap().unwrap();
    let snap = store.snapshot().unwrap();
    let out = BlockBuilder::new(&snap, 2, None).finish();
    for (number, parent) in [(3, block_hash(1)), (2, block_hash(0)), (1, block_hash(0))] {
        let err = store
            .commit_block(&BlockCommit {
                number,
                hash: block_hash(number),
                parent,
                block: b"x",
                receipts: b"",
                extrinsics: &[],
                changes: &out.changes,
                tree: &out.tree,
                state_root: out.state_root,
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::NotNext { .. }), "{err}");
    }
    assert_eq!(store.head().unwrap().unwrap(), before);
    assert_eq!(store.snapshot().unwrap().root(), mem.root());
    assert!(store.snapshot().unwrap().block(2).is_none());
}

#[test]
fn layered_pending_blocks_equal_the_committed_result() {
    let store = Store::in_memory().unwrap();
    let mem = genesis_state();
    let gh = genesis::genesis_hash(&mem);
    store.init_genesis(&mem, gh, block_hash(0), b"g").unwrap();
    let snap = store.snapshot().unwrap();
    // Block 1 and 2 executed on layers, without committing block 1 first.
    let mut b1 = BlockBuilder::new(&snap, 1, None);
    b1.apply(&transfer("//Alice", "//Bob", 0, &gh, 5 * TAO))
        .unwrap();
    let o1 = b1.finish();
    let layered = Layered::new(&snap, vec![(&o1.changes, &o1.tree)]);
    assert_eq!(agora_runtime::state::merkle::root(&layered), o1.state_root);
    let mut b2 = BlockBuilder::new(&layered, 2, None);
    b2.apply(&transfer("//Alice", "//Dave", 1, &gh, 7 * TAO))
        .unwrap();
    let o2 = b2.finish();
    // The same two blocks on a plain in-memory state.
    let mut m = genesis_state();
    m.apply(o1.changes.clone());
    let mut c2 = BlockBuilder::new(&m, 2, None);
    c2.apply(&transfer("//Alice", "//Dave", 1, &gh, 7 * TAO))
        .unwrap();
    let p2 = c2.finish();
    assert_eq!(o2.state_root, p2.state_root);
    assert_eq!(o2.changes, p2.changes);
    assert_eq!(o2.tree, p2.tree);
}
