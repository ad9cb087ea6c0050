//! The engine on the deterministic runtime with a toy chain: one validator finalizes a
//! contiguous chain at the block time; four validators with one crashed and lossy links agree
//! on every finalized block; the same seed reproduces the run exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_consensus::simulation::{SimConfig, simulate};
use agora_consensus::{BlockId, Chain, EngineConfig, RawBlock, Round};
use blake2::{Blake2b, Digest, digest::consts::U32};

/// Blocks are `parent ‖ height ‖ timestamp ‖ proposer key`; the hash is BLAKE2b-256 of that.
#[derive(Default)]
struct ToyChain {
    known: Mutex<HashSet<[u8; 32]>>,
    finalized: Mutex<Vec<BlockId>>,
}

fn encode(parent: [u8; 32], height: u64, ts: u64, proposer: [u8; 32]) -> Vec<u8> {
    let mut b = parent.to_vec();
    b.extend_from_slice(&height.to_le_bytes());
    b.extend_from_slice(&ts.to_le_bytes());
    b.extend_from_slice(&proposer);
    b
}

impl Chain for ToyChain {
    fn parse(&self, bytes: &[u8]) -> Option<BlockId> {
        if bytes.len() != 80 {
            return None;
        }
        let mut parent = [0u8; 32];
        parent.copy_from_slice(&bytes[..32]);
        let height = u64::from_le_bytes(bytes[32..40].try_into().ok()?);
        let timestamp_ms = u64::from_le_bytes(bytes[40..48].try_into().ok()?);
        Some(BlockId {
            hash: Blake2b::<U32>::digest(bytes).into(),
            parent,
            height,
            timestamp_ms,
        })
    }
    fn knows(&self, hash: &[u8; 32]) -> bool {
        self.known.lock().unwrap().contains(hash)
    }
    fn propose(&self, ancestors: &[RawBlock], parent: &RawBlock, round: &Round) -> Option<Vec<u8>> {
        let mut known = self.known.lock().unwrap();
        for a in ancestors {
            known.insert(a.id.hash);
        }
        known.insert(parent.id.hash);
        let ts = round.now_ms.max(parent.id.timestamp_ms + 1);
        Some(encode(
            parent.id.hash,
            parent.id.height + 1,
            ts,
            round.leader,
        ))
    }
    fn verify(&self, ancestors: &[RawBlock], block: &RawBlock, round: &Round) -> bool {
        let mut known = self.known.lock().unwrap();
        for a in ancestors {
            known.insert(a.id.hash);
        }
        let ok = block.bytes[48..80] == round.leader;
        if ok {
            known.insert(block.id.hash);
        }
        ok
    }
    fn finalized(&self, block: &RawBlock) -> Result<(), String> {
        let mut f = self.finalized.lock().unwrap();
        let expected = f.last().map_or(0, |b| b.height + 1);
        if block.id.height + 1 == expected {
            // redelivery of the last one
            return Ok(());
        }
        if block.id.height != expected {
            return Err(format!(
                "got height {} expected {expected}",
                block.id.height
            ));
        }
        if let Some(last) = f.last()
            && block.id.parent != last.hash
        {
            return Err("parent mismatch".into());
        }
        self.known.lock().unwrap().insert(block.id.hash);
        f.push(block.id);
        Ok(())
    }
}

fn genesis() -> Vec<u8> {
    encode([0; 32], 0, 0, [0; 32])
}

fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        engine: EngineConfig {
            block_time: Duration::from_millis(250),
            max_block_size: 1 << 16,
            partition: "toy".into(),
        },
        latency: Duration::from_millis(20),
        jitter: Duration::from_millis(5),
        delivery_ppm: 1_000_000,
        offline: vec![],
        timeout: Duration::from_secs(600),
    }
}

fn run(cfg: &SimConfig, n: usize, target: u64) -> (Vec<Arc<ToyChain>>, String) {
    let chains: Vec<Arc<ToyChain>> = (0..n).map(|_| Arc::new(ToyChain::default())).collect();
    let watched: Vec<Arc<ToyChain>> = chains
        .iter()
        .enumerate()
        .filter(|(i, _)| !cfg.offline.contains(i))
        .map(|(_, c)| c.clone())
        .collect();
    let dyn_chains: Vec<Arc<dyn Chain>> =
        chains.iter().map(|c| c.clone() as Arc<dyn Chain>).collect();
    let outcome = simulate(cfg, dyn_chains, genesis(), move || {
        watched
            .iter()
            .all(|c| c.finalized.lock().unwrap().len() as u64 > target)
    })
    .unwrap();
    (chains, outcome.auditor)
}

#[test]
fn one_validator_finalizes_a_contiguous_chain_at_the_block_time() {
    let cfg = config(1);
    let (chains, _) = run(&cfg, 1, 20);
    let f = chains[0].finalized.lock().unwrap();
    assert_eq!(f[0].height, 0);
    for w in f.windows(2) {
        assert_eq!(w[1].height, w[0].height + 1);
        assert_eq!(w[1].parent, w[0].hash);
        if w[0].height > 0 {
            assert!(w[1].timestamp_ms >= w[0].timestamp_ms + 250, "{w:?}");
        }
    }
    // The first block comes within a second of (simulated) start.
    assert!(
        f[1].timestamp_ms < 1_000,
        "first block at {} ms",
        f[1].timestamp_ms
    );
}

#[test]
fn four_validators_with_one_crashed_and_lossy_links_agree_and_replay_by_seed() {
    let mut cfg = config(7);
    cfg.offline = vec![3];
    cfg.delivery_ppm = 900_000;
    let (chains, auditor) = run(&cfg, 4, 8);
    let mut by_height: BTreeMap<u64, [u8; 32]> = BTreeMap::new();
    for c in &chains[..3] {
        for b in c.finalized.lock().unwrap().iter() {
            let prev = by_height.insert(b.height, b.hash);
            assert!(
                prev.is_none_or(|h| h == b.hash),
                "fork at height {}",
                b.height
            );
        }
    }
    let (_, again) = run(&cfg, 4, 8);
    assert_eq!(auditor, again, "same seed, same run");
}
