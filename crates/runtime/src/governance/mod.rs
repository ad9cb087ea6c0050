//! Governance (protocol.md §9): root (the sudo key) and subnet owners set hyperparameters,
//! with the owner rate limits and the admin freeze window.
//!
//! - [`call`]: the AdminUtils call enum, indexed and shaped as the reference's calls;
//! - [`admin`]: the setters and [`dispatch`], with the reference's order of checks;
//! - [`rate_limits`]: owner rate limits and the storage items the setters need beyond
//!   `storage.rs`;
//! - [`event`]: the setters' events.

pub mod admin;
pub mod call;
pub mod event;
pub mod rate_limits;
#[cfg(test)]
mod tests;

pub use admin::dispatch;
pub use call::{AdminCall, RecycleOrBurnEnum};
pub use event::ParamEvent;

use agora_primitives::AccountId;

use crate::block::blocks_until_next_auto_epoch;
use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{ADMIN_FREEZE_WINDOW, NetUid, PENDING_EPOCH_AT, SUBNET_OWNER, TEMPO};
use crate::types::Origin;

/// True inside the admin freeze window of `netuid` (`is_in_admin_freeze_window`,
/// `ST/utils/misc.rs:59-81`): a manual trigger is pending, or fewer than
/// `AdminFreezeWindow` blocks remain before the next automatic epoch.
pub fn is_in_admin_freeze_window(st: &Overlay<'_>, netuid: NetUid, now: u64) -> bool {
    if TEMPO.get(st, &netuid) == 0 {
        return false;
    }
    let pending = PENDING_EPOCH_AT.get(st, &netuid);
    if pending > 0 && pending > now {
        return true;
    }
    blocks_until_next_auto_epoch(st, netuid, now) < u64::from(ADMIN_FREEZE_WINDOW.get(st))
}

/// `AdminActionProhibitedDuringWeightsWindow` inside the freeze window.
pub fn ensure_admin_window_open(st: &Overlay<'_>, netuid: NetUid, now: u64) -> DispatchResult {
    ensure(
        !is_in_admin_freeze_window(st, netuid, now),
        Error::AdminActionProhibitedDuringWeightsWindow,
    )
}

/// Root passes (returns `None`); a signed origin must be the subnet's owner (returns it);
/// anything else is `BadOrigin` (`ensure_subnet_owner_or_root`). The subnet's existence is
/// the caller's to check, as in the reference.
pub fn ensure_subnet_owner_or_root(
    st: &Overlay<'_>,
    origin: Origin,
    netuid: NetUid,
) -> Result<Option<AccountId>, Error> {
    match origin {
        Origin::Root => Ok(None),
        Origin::Signed(who) if SUBNET_OWNER.try_get(st, &netuid) == Some(who) => Ok(Some(who)),
        Origin::Signed(_) => Err(Error::BadOrigin),
    }
}
