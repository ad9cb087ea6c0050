//! The runtime's entry points for a node: build or execute a block on a committed state.
//!
//! A block is `on_initialize` followed by its extrinsics in order. An extrinsic is either
//! *invalid* (undecodable, bad signature, wrong nonce, cannot pay its fee): it is refused and
//! leaves no trace, and a block containing one is invalid; or it is *applied*: its fee is
//! charged and its nonce used, then its call is dispatched, and if the call fails only the fee
//! and nonce remain (protocol.md §1.5–1.6).

use agora_primitives::AccountId;

use crate::balances;
use crate::block::on_initialize;
use crate::ctx::Ctx;
use crate::dispatch::dispatch;
use crate::error::Error;
use crate::event::{Event, FeeEvent, SubtensorEvent};
use crate::extrinsic::{Extrinsic, TxError};
use crate::fees;
use crate::staking::alpha_fee;
use crate::state::{Backend, ChangeSet, Overlay, TreeChanges};
use crate::storage::{BLOCK_NUMBER, GENESIS_HASH, NONCES, PARENT_HASH};
use crate::types::Origin;

/// What happened to one applied extrinsic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// BLAKE2-256 of the extrinsic's encoding.
    pub hash: [u8; 32],
    /// The signer.
    pub signer: AccountId,
    /// The nonce it used.
    pub nonce: u32,
    /// The fee charged (rao); for a fee paid in alpha, the TAO its sale paid the author.
    pub fee: u64,
    /// The call's result.
    pub result: Result<(), Error>,
    /// Events the extrinsic emitted (fee included).
    pub events: Vec<Event>,
}

/// The outcome of a block.
#[derive(Clone, Debug)]
pub struct BlockOutput {
    /// The state changes to commit.
    pub changes: ChangeSet,
    /// The state root after the block.
    pub state_root: [u8; 32],
    /// The Merkle tree's node writes for `changes` (a store applies them with the changes).
    pub tree: TreeChanges,
    /// Events of `on_initialize` (epochs and the like).
    pub initialize_events: Vec<Event>,
    /// One receipt per extrinsic, in order.
    pub receipts: Vec<Receipt>,
}

/// Applies a block's extrinsics one at a time on top of a committed state.
pub struct BlockBuilder<'a> {
    ctx: Ctx<'a>,
    genesis_hash: [u8; 32],
    initialize_events: Vec<Event>,
    receipts: Vec<Receipt>,
    unsigned_events: Vec<Event>,
}

/// The outcome of a block ended with [`BlockBuilder::finish_unrooted`].
#[derive(Clone, Debug)]
pub struct UnrootedBlock {
    /// The state changes to commit.
    pub changes: ChangeSet,
    /// Events of `on_initialize`.
    pub initialize_events: Vec<Event>,
    /// One receipt per signed extrinsic, in order.
    pub receipts: Vec<Receipt>,
    /// Events of the calls made with [`BlockBuilder::dispatch_unsigned`], in order.
    pub unsigned_events: Vec<Event>,
}

impl<'a> BlockBuilder<'a> {
    /// Starts block `number` (authored by `author`) on `base` and runs `on_initialize`. The
    /// parent hash the runtime sees is [`fallback_parent_hash`]; a node that has real block
    /// hashes uses [`BlockBuilder::with_parent_hash`].
    pub fn new(base: &'a dyn Backend, number: u64, author: Option<AccountId>) -> Self {
        let genesis_hash = GENESIS_HASH.get(&Overlay::new(base));
        Self::with_parent_hash(
            base,
            number,
            author,
            fallback_parent_hash(&genesis_hash, number),
        )
    }

    /// Starts block `number` whose parent block has hash `parent_hash` (stored as
    /// `System.ParentHash`; it seeds the auto root claims, protocol.md §3.6).
    pub fn with_parent_hash(
        base: &'a dyn Backend,
        number: u64,
        author: Option<AccountId>,
        parent_hash: [u8; 32],
    ) -> Self {
        let mut ctx = Ctx::new(Overlay::new(base), number, author);
        let genesis_hash = GENESIS_HASH.get(&ctx.st);
        BLOCK_NUMBER.put(&mut ctx.st, &number);
        PARENT_HASH.put(&mut ctx.st, &parent_hash);
        on_initialize(&mut ctx);
        let initialize_events = ctx.take_events();
        Self {
            ctx,
            genesis_hash,
            initialize_events,
            receipts: Vec::new(),
            unsigned_events: Vec::new(),
        }
    }

    /// The block's state so far (for queries and tests).
    pub fn state(&self) -> &Overlay<'a> {
        &self.ctx.st
    }

    /// Checks and applies one encoded extrinsic. On `Err` nothing changed.
    pub fn apply(&mut self, bytes: &[u8]) -> Result<&Receipt, TxError> {
        self.apply_checked(bytes, true)
    }

    /// As [`BlockBuilder::apply`] but without verifying the signature again: for a block
    /// producer whose transaction pool already verified these exact bytes against this
    /// chain's genesis hash. Every other check runs. Importers of blocks must use
    /// [`BlockBuilder::apply`] ([`execute_block`] does).
    pub fn apply_preverified(&mut self, bytes: &[u8]) -> Result<&Receipt, TxError> {
        self.apply_checked(bytes, false)
    }

    fn apply_checked(&mut self, bytes: &[u8], verify: bool) -> Result<&Receipt, TxError> {
        let xt = Extrinsic::decode_bytes(bytes)?;
        if verify {
            xt.verify(&self.genesis_hash)?;
        }
        let expected = NONCES.get(&self.ctx.st, &xt.signer);
        if xt.nonce < expected {
            return Err(TxError::Stale {
                expected,
                got: xt.nonce,
            });
        }
        if xt.nonce > expected {
            return Err(TxError::Future {
                expected,
                got: xt.nonce,
            });
        }
        let fee = fees::fee(&xt.call, bytes.len());
        let signer = xt.signer;
        // A signer who cannot pay in TAO may pay certain unstaking calls in alpha (§1.5).
        let in_alpha = fee > 0 && balances::spendable(&self.ctx.st, &signer, true) < fee;
        let sources = if in_alpha {
            let sources = alpha_fee::alpha_fee_sources(&self.ctx.st, &signer, &xt.call);
            if !alpha_fee::can_withdraw_in_alpha(&self.ctx.st, &signer, &sources, fee) {
                return Err(TxError::CannotPayFee(fee));
            }
            sources
        } else {
            Vec::new()
        };
        let charged = self.ctx.transactional(|ctx| {
            let paid = if in_alpha {
                alpha_fee::withdraw_in_alpha(ctx, &signer, &sources, fee)?
            } else {
                balances::charge_fee(ctx, &signer, fee)?;
                if fee > 0 {
                    ctx.deposit(FeeEvent::TransactionFeePaid {
                        who: signer,
                        actual_fee: fee,
                        tip: 0,
                    });
                }
                None
            };
            NONCES.insert(&mut ctx.st, &signer, &expected.saturating_add(1));
            Ok(paid)
        });
        let Ok(alpha_paid) = charged else {
            return Err(TxError::CannotPayFee(fee));
        };
        let hash = xt.hash();
        let result = dispatch(&mut self.ctx, Origin::Signed(signer), xt.call);
        // The alpha fee is reported after the call, as the reference's post-dispatch does.
        if let Some(paid) = alpha_paid {
            self.ctx
                .deposit(SubtensorEvent::TransactionFeePaidWithAlpha {
                    who: signer,
                    netuid: paid.netuid,
                    alpha_fee: paid.alpha_fee,
                    tao_amount: paid.tao_amount,
                });
        }
        let events = self.ctx.take_events();
        let fee = match (in_alpha, alpha_paid) {
            (false, _) => fee,
            (true, Some(paid)) => paid.tao_amount,
            (true, None) => 0,
        };
        self.receipts.push(Receipt {
            hash,
            signer,
            nonce: xt.nonce,
            fee,
            result,
            events,
        });
        self.receipts
            .last()
            .ok_or(TxError::BadEncoding(String::new()))
    }

    /// Dispatches `call` from `origin` as the block's next call, without an extrinsic: no
    /// signature, fee or nonce. A failed call leaves no trace. For the simulator and tests,
    /// which drive many agents' calls through the real dispatch; a node never calls this,
    /// since a block's content is only its signed extrinsics.
    pub fn dispatch_unsigned(
        &mut self,
        origin: Origin,
        call: crate::Call,
    ) -> crate::error::DispatchResult {
        let result = dispatch(&mut self.ctx, origin, call);
        let events = self.ctx.take_events();
        self.unsigned_events.extend(events);
        result
    }

    /// Ends the block without computing the state root (the simulator, which never needs
    /// one, saves a pass over the whole state per block).
    pub fn finish_unrooted(self) -> UnrootedBlock {
        let (st, _) = self.ctx.finish();
        UnrootedBlock {
            changes: st.into_changes(),
            initialize_events: self.initialize_events,
            receipts: self.receipts,
            unsigned_events: self.unsigned_events,
        }
    }

    /// Ends the block.
    pub fn finish(self) -> BlockOutput {
        let (st, _) = self.ctx.finish();
        let (changes, tree) = st.into_commit();
        BlockOutput {
            changes,
            state_root: tree.root,
            tree: tree.nodes,
            initialize_events: self.initialize_events,
            receipts: self.receipts,
        }
    }
}

/// The parent hash used when the caller has none (tests, the simulator):
/// BLAKE2-256(`"agora-parent"` ‖ genesis hash ‖ block number, u64 LE). Deterministic, and
/// different for every block, so the auto root claims still rotate over the coldkeys.
pub fn fallback_parent_hash(genesis_hash: &[u8; 32], number: u64) -> [u8; 32] {
    let mut seed = b"agora-parent".to_vec();
    seed.extend_from_slice(genesis_hash);
    seed.extend_from_slice(&number.to_le_bytes());
    agora_primitives::hashing::blake2_256(&seed)
}

/// Executes a block as its importer must: every extrinsic must be valid.
/// Returns the index and reason of the first invalid extrinsic otherwise.
pub fn execute_block(
    base: &dyn Backend,
    number: u64,
    author: Option<AccountId>,
    extrinsics: &[Vec<u8>],
) -> Result<BlockOutput, (usize, TxError)> {
    let mut b = BlockBuilder::new(base, number, author);
    for (i, xt) in extrinsics.iter().enumerate() {
        b.apply(xt).map_err(|e| (i, e))?;
    }
    Ok(b.finish())
}
