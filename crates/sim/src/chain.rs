//! The simulated chain: the real runtime's genesis, blocks and dispatch, in memory.
//!
//! A block is built with the runtime's own [`BlockBuilder`]: `on_initialize` (coinbase,
//! epoch scheduler, epochs, payouts) and then the agents' calls, either dispatched from
//! their signed origin ([`Submission::Dispatch`], via
//! [`BlockBuilder::dispatch_unsigned`]) or as real signed extrinsics with fees and nonces
//! ([`Submission::Signed`]). Nothing of the mechanism is re-implemented here; the simulator
//! only reads state between blocks through the runtime's typed storage.
//!
//! The state root is never computed (`finish_unrooted`): nothing in a simulation
//! verifies it, and it would cost a pass over the whole state per block.

use std::collections::BTreeMap;

use agora_primitives::hashing::blake2_256;
use agora_primitives::{AccountId, Keypair};
use agora_runtime::call::{Call, SudoCall};
use agora_runtime::genesis::{self, GenesisConfig, GenesisError};
use agora_runtime::state::Overlay;
use agora_runtime::storage::NONCES;
use agora_runtime::{BlockBuilder, Error, Extrinsic, Origin, TxError};
use parity_scale_codec::Encode;

use crate::scenario::Submission;
use crate::state::SimState;

/// Who sends a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    /// A signed account (hotkey or coldkey).
    Account(AccountId),
    /// Root, through the sudo key.
    Root,
}

/// The outcome of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallResult {
    /// Dispatched; the call's own result.
    Done(Result<(), Error>),
    /// The signed extrinsic was invalid (never included).
    Invalid(TxError),
}

impl CallResult {
    /// True if the call ran and succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, CallResult::Done(Ok(())))
    }
}

/// A chain in memory, driven block by block.
pub struct SimChain {
    state: SimState,
    block: u64,
    mode: Submission,
    genesis_hash: [u8; 32],
    keys: BTreeMap<AccountId, Keypair>,
    sudo: AccountId,
}

/// Derives the account for `label`: in signed mode an sr25519 key from a seed hashed from
/// the label (so it can sign), otherwise the hash itself (no key needed to dispatch).
pub struct Accounts {
    mode: Submission,
    keys: BTreeMap<AccountId, Keypair>,
}

impl Accounts {
    /// An empty key ring for `mode`.
    pub fn new(mode: Submission) -> Self {
        Self {
            mode,
            keys: BTreeMap::new(),
        }
    }

    /// The account named `label`.
    pub fn account(&mut self, label: &str) -> AccountId {
        let seed = blake2_256(format!("agora-sim/{label}").as_bytes());
        match self.mode {
            Submission::Dispatch => AccountId(seed),
            Submission::Signed => {
                let pair = Keypair::from_seed(&seed);
                let id = pair.public();
                self.keys.insert(id, pair);
                id
            }
        }
    }
}

impl SimChain {
    /// The chain after `cfg`'s genesis. `sudo` must be the genesis sudo key, made by
    /// `accounts` like every other account.
    pub fn new(
        cfg: &GenesisConfig,
        accounts: Accounts,
        sudo: AccountId,
    ) -> Result<Self, GenesisError> {
        let mem = genesis::build(cfg)?;
        let genesis_hash = genesis::genesis_hash(&mem);
        let state = SimState::from_mem(&mem);
        Ok(Self {
            state,
            block: 0,
            mode: accounts.mode,
            genesis_hash,
            keys: accounts.keys,
            sudo,
        })
    }

    /// Height of the last block (0 = genesis).
    pub fn block(&self) -> u64 {
        self.block
    }

    /// Reads the committed state.
    pub fn read<R>(&self, f: impl FnOnce(&Overlay<'_>) -> R) -> R {
        f(&Overlay::new(&self.state))
    }

    /// Number of state entries (for diagnostics).
    pub fn state_len(&self) -> usize {
        self.state.len()
    }

    /// Produces the next block with `calls`, in order; returns each call's result.
    pub fn next_block(&mut self, calls: Vec<(Sender, Call)>) -> Vec<CallResult> {
        let number = self.block + 1;
        let mut results = Vec::with_capacity(calls.len());
        let unrooted = {
            let mut b = BlockBuilder::new(&self.state, number, None);
            for (sender, call) in calls {
                results.push(self.apply(&mut b, sender, call));
            }
            b.finish_unrooted()
        };
        self.state.apply(unrooted.changes);
        self.block = number;
        results
    }

    fn apply(&self, b: &mut BlockBuilder<'_>, sender: Sender, call: Call) -> CallResult {
        match self.mode {
            Submission::Dispatch => {
                let origin = match sender {
                    Sender::Account(a) => Origin::Signed(a),
                    Sender::Root => Origin::Root,
                };
                CallResult::Done(b.dispatch_unsigned(origin, call))
            }
            Submission::Signed => {
                let (signer, call) = match sender {
                    Sender::Account(a) => (a, call),
                    Sender::Root => (
                        self.sudo,
                        Call::Sudo(SudoCall::sudo {
                            call: Box::new(call),
                        }),
                    ),
                };
                let Some(pair) = self.keys.get(&signer) else {
                    return CallResult::Invalid(TxError::BadSignature);
                };
                let nonce = NONCES.get(b.state(), &signer);
                let bytes = Extrinsic::sign(pair, &self.genesis_hash, nonce, call).encode();
                match b.apply(&bytes) {
                    Ok(receipt) => CallResult::Done(receipt.result),
                    Err(e) => CallResult::Invalid(e),
                }
            }
        }
    }
}
