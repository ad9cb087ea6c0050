//! Crash recovery: SIGKILL a dev node at random moments while it imports blocks under load,
//! check the store on disk (head, state root recomputed from every entry, the head block's
//! header), restart, and check the chain continues from the same head.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod node_util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use agora_node::block::Block;
use agora_runtime::Call;
use agora_runtime::call::BalancesCall;
use agora_runtime::state::{Backend, state_root};
use agora_runtime::testing::account;
use agora_storage::Store;
use node_util::*;
use serde_json::json;

/// xorshift64*: the kill points come from a fixed seed (printed), so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Checks the store at rest; returns the committed (height, hash, state root).
fn check_store(dir: &std::path::Path) -> (u64, [u8; 32], [u8; 32]) {
    let store = Store::open(&dir.join("state.redb")).expect("store reopens after SIGKILL");
    let head = store.head().unwrap().expect("initialised");
    let snap = store.snapshot().unwrap();
    let mut entries = Vec::new();
    snap.scan_prefix(&[], &mut |k, v| {
        entries.push((k.to_vec(), v.to_vec()));
        true
    });
    let recomputed = state_root(entries.iter().map(|(k, v)| (k.as_slice(), v.as_slice())));
    assert_eq!(
        recomputed, head.state_root,
        "state root of every entry = committed root"
    );
    assert_eq!(
        snap.root(),
        head.state_root,
        "stored Merkle tree = committed root"
    );
    let block = Block::decode_bounded(&snap.block(head.number).unwrap()).unwrap();
    assert_eq!(block.hash(), head.hash);
    assert_eq!(block.header.state_root, head.state_root);
    (head.number, head.hash, head.state_root)
}

#[test]
fn sigkill_at_random_points_then_restart_resumes_at_the_committed_head() {
    let seed = std::env::var("AGORA_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    eprintln!("crash-recovery seed {seed}");
    let mut rng = Rng(seed | 1);
    let dir = std::env::temp_dir().join(format!("agora-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut committed: Option<(u64, [u8; 32], [u8; 32])> = None;
    for round in 0..4 {
        let node = start_dev(Some(&dir), 50, &[]);
        let addr = node.rpc;
        if let Some((n, hash, root)) = committed {
            // The restarted node serves the head it had committed.
            let block = call(addr, "chain_getBlock", json!([n]));
            assert_eq!(block["header"]["hash"], hex(&hash), "round {round}");
            assert_eq!(block["header"]["stateRoot"], hex(&root));
        }
        let start = committed.map_or(0, |c| c.0);
        wait_for(Duration::from_secs(60), || {
            (finalized_number(addr) >= start + 3).then_some(())
        });
        // Load: transfers from Alice while blocks are imported and committed.
        let stop = Arc::new(AtomicBool::new(false));
        let feeder = {
            let stop = stop.clone();
            let genesis = genesis_hash(addr);
            std::thread::spawn(move || {
                let alice = account("//Alice").to_string();
                let Some(mut nonce) = std::panic::catch_unwind(|| {
                    call(addr, "state_getNonce", json!([alice])).as_u64()
                })
                .ok()
                .flatten() else {
                    return;
                };
                while !stop.load(Ordering::Relaxed) {
                    let call_ = Call::Balances(BalancesCall::transfer_keep_alive {
                        dest: account("//Bob"),
                        value: 1_000 + nonce,
                    });
                    let xt = sign("//Alice", &genesis, u32::try_from(nonce).unwrap(), call_);
                    // The node may be gone already: stop quietly.
                    if std::panic::catch_unwind(|| {
                        http_call(addr, "author_submitExtrinsic", json!([xt]))
                    })
                    .is_err()
                    {
                        return;
                    }
                    nonce += 1;
                }
            })
        };
        std::thread::sleep(Duration::from_millis(100 + rng.next() % 900));
        let seen = finalized_number(addr);
        drop(node); // SIGKILL
        stop.store(true, Ordering::Relaxed);
        let _ = feeder.join();
        let c = check_store(&dir);
        assert!(
            c.0 >= seen,
            "round {round}: committed {} < observed {seen}",
            c.0
        );
        if let Some(prev) = committed {
            assert!(c.0 > prev.0, "round {round}: no progress after restart");
        }
        committed = Some(c);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
