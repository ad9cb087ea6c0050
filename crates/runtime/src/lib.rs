//! The deterministic Agora state machine: state, signed extrinsics, block application, the
//! Yuma epoch, subnets, neurons, weights, commit-reveal, governance, pools and staking,
//! childkeys, the coinbase and root claims.
//!
//! # Design
//! The runtime is a pure function of its inputs: no IO, no clock, no threads, no floating
//! point in consensus math, and no iteration over hash maps. State lives behind an ordered
//! key-value interface ([`state`]); a block ([`chain::BlockBuilder`]) runs `on_initialize`
//! ([`block`]) and then its extrinsics ([`extrinsic`]), each dispatched ([`dispatch`]) inside
//! a transactional overlay layer, so a failed call changes nothing but its fee and nonce. The
//! epoch ([`epoch`]) takes a plain description of the subnet state it reads and returns
//! everything the reference chain would store afterwards.
//!
//! Names follow the reference (opentensor/subtensor): storage items ([`storage`]), calls
//! ([`call`]), errors ([`error`]) and events ([`event`]) keep the reference's names, so a
//! Bittensor user recognises them.
//!
//! # Invariants
//! - The same state and block always give the same changes and state root, on every platform.
//! - No public function panics, for any input (malformed lengths and encodings included).
//! - TAO is created or destroyed only by the documented mint/recycle paths ([`balances`]).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::panic, clippy::expect_used)
)]

pub mod accounts;
pub mod balances;
pub mod block;
pub mod call;
pub mod chain;
pub mod childkeys;
pub mod coinbase;
pub mod ctx;
pub mod dispatch;
pub mod emission;
pub mod epoch;
pub mod error;
pub mod event;
pub mod extrinsic;
pub mod fees;
pub mod genesis;
pub mod governance;
pub mod info;
pub mod neurons;
pub mod staking;
pub mod state;
pub mod storage;
pub mod subnets;
pub mod swap;
pub mod types;
pub mod weights;

pub use call::Call;
pub use chain::{BlockBuilder, BlockOutput, Receipt, UnrootedBlock, execute_block};
pub use coinbase::root_claims;
pub use ctx::Ctx;
pub use error::Error;
pub use event::Event;
pub use extrinsic::{Extrinsic, TxError};
pub use types::Origin;

macro_rules! event_from {
    ($($ty:ident => $variant:ident),*) => {$(
        impl From<event::$ty> for Event {
            fn from(e: event::$ty) -> Self {
                Event::$variant(e)
            }
        }
    )*};
}
event_from!(BalancesEvent => Balances, FeeEvent => TransactionPayment, SubtensorEvent => SubtensorModule, SudoEvent => Sudo, SwapEvent => Swap);

impl From<governance::ParamEvent> for Event {
    fn from(e: governance::ParamEvent) -> Self {
        Event::Params(e)
    }
}
pub mod testing;
