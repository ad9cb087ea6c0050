//! The transaction fee model (docs/runtime.md "Fees").
//!
//! As in the reference (protocol.md §1.5): `fee = weight · 0.0005 rao + length · 1 rao`,
//! charged before dispatch, paid to the block author, and not refunded when the call fails.
//! Calls the reference marks `Pays::No` (weights, commit-reveal, serving, take changes, sudo)
//! cost nothing. The reference derives each call's weight from benchmarks of its database
//! accesses; Agora assigns each call a fixed weight of the same order, listed here.

use crate::call::{BalancesCall, Call, SubtensorCall};

/// Rao charged per byte of the encoded extrinsic (`LengthToFee`, 1 rao/byte).
pub const FEE_PER_BYTE: u64 = 1;
/// Weight units per rao (`WeightToFee` = 0.0005 rao per ref-time unit).
pub const WEIGHT_PER_RAO: u64 = 2_000;

/// Dispatch weight (ref-time units) of a call.
pub fn call_weight(call: &Call) -> u64 {
    const LIGHT: u64 = 50_000_000;
    const TRANSFER: u64 = 190_000_000;
    const MEDIUM: u64 = 400_000_000;
    const HEAVY: u64 = 1_000_000_000;
    match call {
        Call::Balances(BalancesCall::transfer_all { .. }) => TRANSFER,
        Call::Balances(_) => TRANSFER,
        Call::Sudo(_) | Call::AdminUtils(_) | Call::Swap(_) => LIGHT,
        Call::SubtensorModule(c) => match c {
            SubtensorCall::register_network { .. }
            | SubtensorCall::register_network_with_identity { .. }
            | SubtensorCall::dissolve_network { .. }
            | SubtensorCall::root_dissolve_network { .. }
            | SubtensorCall::swap_hotkey { .. }
            | SubtensorCall::swap_hotkey_v2 { .. }
            | SubtensorCall::swap_coldkey { .. }
            | SubtensorCall::swap_coldkey_announced { .. } => HEAVY,
            SubtensorCall::burned_register { .. }
            | SubtensorCall::register { .. }
            | SubtensorCall::register_limit { .. }
            | SubtensorCall::root_register { .. }
            | SubtensorCall::set_children { .. }
            | SubtensorCall::set_weights { .. }
            | SubtensorCall::set_mechanism_weights { .. }
            | SubtensorCall::batch_set_weights { .. }
            | SubtensorCall::reveal_weights { .. }
            | SubtensorCall::reveal_mechanism_weights { .. }
            | SubtensorCall::batch_reveal_weights { .. }
            | SubtensorCall::add_stake { .. }
            | SubtensorCall::add_stake_limit { .. }
            | SubtensorCall::remove_stake { .. }
            | SubtensorCall::remove_stake_limit { .. }
            | SubtensorCall::remove_stake_full_limit { .. }
            | SubtensorCall::move_stake { .. }
            | SubtensorCall::transfer_stake { .. }
            | SubtensorCall::swap_stake { .. }
            | SubtensorCall::swap_stake_limit { .. }
            | SubtensorCall::add_stake_burn { .. }
            | SubtensorCall::claim_root { .. } => MEDIUM,
            SubtensorCall::unstake_all { .. } | SubtensorCall::unstake_all_alpha { .. } => HEAVY,
            _ => LIGHT,
        },
    }
}

/// The fee in rao for `call` in an extrinsic of `len` bytes; 0 for fee-free calls.
pub fn fee(call: &Call, len: usize) -> u64 {
    if !call.pays_fee() {
        return 0;
    }
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    (call_weight(call) / WEIGHT_PER_RAO).saturating_add(len.saturating_mul(FEE_PER_BYTE))
}
