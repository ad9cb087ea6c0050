//! Neuron lifecycle (protocol.md §7): burned registration and its price dynamics, uid
//! assignment and replacement by the pruning rule, serving endpoints, delegate take,
//! identities, and hotkey and coldkey swaps.

mod uids;

pub use uids::append_neuron;

use agora_primitives::AccountId;

use crate::call::Call;
use crate::ctx::Ctx;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::NetUid;
use crate::types::{AxonInfo, ChainIdentity, PrometheusInfo};

/// Burned registration of `hotkey` on `netuid`, paid by `coldkey` (§7.1).
pub fn burned_register(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _netuid: NetUid,
    _hotkey: &AccountId,
    _limit_price: Option<u64>,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// Per-block registration bookkeeping (block step 1): burn decay and counter resets.
pub fn on_block_registration(_ctx: &mut Ctx<'_>) {}

/// `serve_axon` / `serve_axon_tls` (§7.6).
pub fn serve_axon(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuid: NetUid,
    _axon: AxonInfo,
    _certificate: Option<Vec<u8>>,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `serve_prometheus` (§7.6).
pub fn serve_prometheus(
    _ctx: &mut Ctx<'_>,
    _hotkey: &AccountId,
    _netuid: NetUid,
    _info: PrometheusInfo,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `try_associate_hotkey`.
pub fn try_associate_hotkey(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _hotkey: &AccountId,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `set_identity` (§1.3).
pub fn set_identity(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _identity: ChainIdentity,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `increase_take` (§5.6).
pub fn increase_take(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _hotkey: &AccountId,
    _take: u16,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `decrease_take` (§5.6).
pub fn decrease_take(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _hotkey: &AccountId,
    _take: u16,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `swap_hotkey` / `swap_hotkey_v2` (§7.7).
pub fn swap_hotkey(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _old: &AccountId,
    _new: &AccountId,
    _netuid: Option<NetUid>,
    _keep_stake: bool,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `announce_coldkey_swap` (§7.8).
pub fn announce_coldkey_swap(
    _ctx: &mut Ctx<'_>,
    _who: &AccountId,
    _hash: [u8; 32],
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `swap_coldkey_announced` (§7.8).
pub fn swap_coldkey_announced(
    _ctx: &mut Ctx<'_>,
    _who: &AccountId,
    _new: &AccountId,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `dispute_coldkey_swap` (§7.8).
pub fn dispute_coldkey_swap(_ctx: &mut Ctx<'_>, _who: &AccountId) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `clear_coldkey_swap_announcement` (§7.8).
pub fn clear_coldkey_swap_announcement(_ctx: &mut Ctx<'_>, _who: &AccountId) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// Root `swap_coldkey` (§7.8).
pub fn swap_coldkey(
    _ctx: &mut Ctx<'_>,
    _old: &AccountId,
    _new: &AccountId,
    _cost: u64,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// Root `reset_coldkey_swap` (§7.8).
pub fn reset_coldkey_swap(_ctx: &mut Ctx<'_>, _coldkey: &AccountId) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// The `CheckColdkeySwap` guard (§1.6): a coldkey with a pending swap announcement may only
/// make the swap-management calls; a disputed one may make none.
pub fn coldkey_swap_guard(_st: &Overlay<'_>, _who: &AccountId, _call: &Call) -> DispatchResult {
    Ok(())
}
