//! Neuron lifecycle (protocol.md §7): burned registration and its price dynamics, uid
//! assignment and replacement by the pruning rule, serving endpoints, delegate take,
//! identities, and hotkey and coldkey swaps.
//!
//! Every extrinsic here is dispatched inside a transactional layer ([`crate::dispatch`]), so
//! the functions check in the reference's order and may write before a later check fails:
//! an error leaves no trace.

mod identity;
pub mod pruning;
pub mod registration;
pub mod root;
mod serving;
pub mod swap_coldkey;
pub mod swap_hotkey;
mod take;
pub mod uids;

#[cfg(test)]
mod tests;

pub use identity::{is_valid_identity, set_identity, try_associate_hotkey};
pub use pruning::{get_neuron_to_prune, immune_owner_uids, neuron_is_immune};
pub use registration::{burned_register, decay_factor_q32, on_block_registration};
pub use root::root_register;
pub use serving::{parse_certificate, serve_axon, serve_prometheus};
pub use swap_coldkey::{
    announce_coldkey_swap, clear_coldkey_swap_announcement, coldkey_hash, coldkey_swap_guard,
    dispute_coldkey_swap, reset_coldkey_swap, swap_coldkey, swap_coldkey_announced,
};
pub use swap_hotkey::{
    HOTKEY_SWAP_ON_SUBNET_INTERVAL, KEY_SWAP_COST, KEY_SWAP_ON_SUBNET_COST, swap_hotkey,
};
pub use take::{decrease_take, increase_take};
pub use uids::{append_neuron, replace_neuron};
