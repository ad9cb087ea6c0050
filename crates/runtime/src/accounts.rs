//! Coldkey/hotkey ownership (protocol.md §1.3).
//!
//! A hotkey exists iff it has an `Owner` entry; the first use of a hotkey by a coldkey
//! (registration, subnet registration, `try_associate_hotkey`) binds it to that coldkey for
//! good (only a hotkey or coldkey swap moves it).

use agora_primitives::AccountId;

use crate::balances::is_system_account;
use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{OWNED_HOTKEYS, OWNER, STAKING_HOTKEYS};

/// True if the hotkey is owned by some coldkey.
pub fn hotkey_account_exists(st: &Overlay<'_>, hotkey: &AccountId) -> bool {
    OWNER.contains(st, hotkey)
}

/// The coldkey owning `hotkey`, if any.
pub fn owner_of(st: &Overlay<'_>, hotkey: &AccountId) -> Option<AccountId> {
    OWNER.try_get(st, hotkey)
}

/// True if `coldkey` owns `hotkey`.
pub fn coldkey_owns_hotkey(st: &Overlay<'_>, coldkey: &AccountId, hotkey: &AccountId) -> bool {
    owner_of(st, hotkey).as_ref() == Some(coldkey)
}

/// Checks that `coldkey` may use `hotkey`: not a system account, and unowned or owned by
/// `coldkey`.
pub fn ensure_hotkey_usable(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
) -> DispatchResult {
    ensure(!is_system_account(hotkey), Error::CannotUseSystemAccount)?;
    match owner_of(st, hotkey) {
        Some(owner) if owner != *coldkey => Err(Error::NonAssociatedColdKey),
        _ => Ok(()),
    }
}

/// Binds an unowned hotkey to `coldkey` (`create_account_if_non_existent`): sets `Owner`
/// and appends to `OwnedHotkeys` and `StakingHotkeys`. Does nothing if the hotkey is
/// already owned. Callers check [`ensure_hotkey_usable`] first.
pub fn create_account_if_non_existent(
    st: &mut Overlay<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
) {
    if hotkey_account_exists(st, hotkey) {
        return;
    }
    OWNER.insert(st, hotkey, coldkey);
    OWNED_HOTKEYS.mutate(st, coldkey, |v| {
        if !v.contains(hotkey) {
            v.push(*hotkey);
        }
    });
    STAKING_HOTKEYS.mutate(st, coldkey, |v| {
        if !v.contains(hotkey) {
            v.push(*hotkey);
        }
    });
}
