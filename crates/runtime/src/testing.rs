//! A small in-memory chain for tests, examples and the simulator: genesis, blocks, signed
//! submission and direct dispatch, all on the real runtime code paths.
//!
//! Not part of the consensus surface; it exists so every test drives the same `BlockBuilder`
//! and `dispatch` a node would.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test harness: failures are test failures"
)]

use agora_primitives::{AccountId, Keypair};

use crate::call::Call;
use crate::chain::{BlockBuilder, BlockOutput};
use crate::ctx::Ctx;
use crate::dispatch::dispatch;
use crate::error::{DispatchResult, Error};
use crate::event::Event;
use crate::extrinsic::Extrinsic;
use crate::genesis::{self, GenesisConfig};
use crate::state::{MemBackend, Overlay};
use crate::storage::NONCES;
use crate::types::Origin;

/// One TAO in rao.
pub const TAO: u64 = 1_000_000_000;

/// The dev keypair for a URI such as `//Alice`.
pub fn key(uri: &str) -> Keypair {
    Keypair::from_uri(uri).expect("valid dev uri")
}

/// The dev account for a URI such as `//Alice`.
pub fn account(uri: &str) -> AccountId {
    key(uri).public()
}

/// A chain held in memory.
pub struct TestChain {
    /// Committed state.
    pub state: MemBackend,
    /// Height of the last committed block (0 = genesis).
    pub block: u64,
    /// Author of the blocks this chain produces.
    pub author: Option<AccountId>,
    /// Events of the last block.
    pub last_events: Vec<Event>,
}

impl TestChain {
    /// A chain from a genesis config.
    pub fn new(cfg: &GenesisConfig) -> Self {
        Self {
            state: genesis::build(cfg).expect("valid genesis"),
            block: 0,
            author: None,
            last_events: Vec::new(),
        }
    }

    /// Alice is sudo; Alice … Ferdie hold 1 000 000 TAO each; no subnets but root.
    pub fn dev() -> Self {
        Self::new(&dev_genesis())
    }

    /// The chain's genesis hash.
    pub fn genesis_hash(&self) -> [u8; 32] {
        genesis::genesis_hash(&self.state)
    }

    /// The state root of the committed state.
    pub fn root(&self) -> [u8; 32] {
        self.state.root()
    }

    /// Reads the committed state.
    pub fn read<R>(&self, f: impl FnOnce(&Overlay<'_>) -> R) -> R {
        f(&Overlay::new(&self.state))
    }

    /// Produces the next block with the given encoded extrinsics; every one must be valid.
    pub fn next_block(&mut self, extrinsics: &[Vec<u8>]) -> BlockOutput {
        let number = self.block + 1;
        let mut b = BlockBuilder::new(&self.state, number, self.author);
        for xt in extrinsics {
            b.apply(xt).expect("valid extrinsic");
        }
        let out = b.finish();
        self.state
            .apply_with_tree(out.changes.clone(), out.tree.clone());
        self.block = number;
        self.last_events = out.initialize_events.clone();
        for r in &out.receipts {
            self.last_events.extend(r.events.iter().cloned());
        }
        out
    }

    /// Produces empty blocks until height `n`.
    pub fn run_to_block(&mut self, n: u64) {
        while self.block < n {
            self.next_block(&[]);
        }
    }

    /// Signs `call` with `signer`'s next nonce.
    pub fn sign(&self, signer: &Keypair, call: Call) -> Vec<u8> {
        use parity_scale_codec::Encode;
        let nonce = self.read(|st| NONCES.get(st, &signer.public()));
        Extrinsic::sign(signer, &self.genesis_hash(), nonce, call).encode()
    }

    /// Signs several calls for one block, giving a signer that appears more than once its
    /// successive nonces.
    pub fn sign_all(&self, calls: Vec<(&Keypair, Call)>) -> Vec<Vec<u8>> {
        use parity_scale_codec::Encode;
        let mut next: std::collections::BTreeMap<AccountId, u32> = Default::default();
        calls
            .into_iter()
            .map(|(signer, call)| {
                let who = signer.public();
                let nonce = *next
                    .entry(who)
                    .or_insert_with(|| self.read(|st| NONCES.get(st, &who)));
                next.insert(who, nonce + 1);
                Extrinsic::sign(signer, &self.genesis_hash(), nonce, call).encode()
            })
            .collect()
    }

    /// Submits `call` signed by `signer` in a new block; returns the call's result.
    pub fn submit(&mut self, signer: &Keypair, call: Call) -> DispatchResult {
        let xt = self.sign(signer, call);
        let out = self.next_block(&[xt]);
        out.receipts[0].result
    }

    /// Dispatches `call` from `origin` in a context at the next block height, without fees,
    /// nonces or `on_initialize`, and commits what it changed. For unit tests of one call.
    pub fn dispatch(&mut self, origin: Origin, call: Call) -> DispatchResult {
        self.with_ctx(|ctx| dispatch(ctx, origin, call))
    }

    /// Runs `f` in a context at height `self.block + 1` and commits its changes.
    pub fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        let (r, changes, events) = {
            let mut ctx = Ctx::new(Overlay::new(&self.state), self.block + 1, self.author);
            let r = f(&mut ctx);
            let (st, events) = ctx.finish();
            (r, st.into_changes(), events)
        };
        self.state.apply(changes);
        self.last_events = events;
        r
    }

    /// Dispatches `call`, asserts it fails with `err`, and asserts the state is unchanged.
    pub fn assert_noop(&mut self, origin: Origin, call: Call, err: Error) {
        let before = self.root();
        let got = self.dispatch(origin, call);
        assert_eq!(got, Err(err));
        assert_eq!(before, self.root(), "a failed call changed the state");
        assert!(self.last_events.is_empty(), "a failed call emitted events");
    }

    /// Advances the committed height without running blocks (for rate-limit tests that
    /// only dispatch directly).
    pub fn set_block(&mut self, n: u64) {
        self.block = n;
    }
}

/// The dev genesis: Alice is sudo; the six dev accounts hold 1 000 000 TAO each.
pub fn dev_genesis() -> GenesisConfig {
    GenesisConfig {
        chain_id: "agora-dev".into(),
        sudo: Some("//Alice".into()),
        balances: [
            "//Alice",
            "//Bob",
            "//Charlie",
            "//Dave",
            "//Eve",
            "//Ferdie",
        ]
        .iter()
        .map(|u| ((*u).to_string(), 1_000_000 * TAO))
        .collect(),
        ..GenesisConfig::default()
    }
}
