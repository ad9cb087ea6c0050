//! Coldkey identity and hotkey association (protocol.md §1.3, `ST/utils/identity.rs:27-189`,
//! `ST/staking/account.rs`).
//!
//! An identity may be set only by a coldkey that owns a hotkey registered on some subnet;
//! each field has a byte limit (name, url, GitHub repo, Discord 256; image, description,
//! additional 1 024) and the fields other than the GitHub repo also share a total limit.

use agora_primitives::AccountId;

use crate::accounts::{create_account_if_non_existent, ensure_hotkey_usable};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::neurons::uids::is_registered_anywhere;
use crate::storage::{IDENTITIES, OWNED_HOTKEYS};
use crate::types::ChainIdentity;

/// Sum of the per-field limits; the reference's total check leaves `github_repo` out of
/// the sum (`is_valid_identity`).
const MAX_IDENTITY_TOTAL: usize = 256 + 256 + 256 + 1024 + 256 + 1024 + 1024;

/// `is_valid_identity`.
pub fn is_valid_identity(id: &ChainIdentity) -> bool {
    let total = id
        .name
        .len()
        .saturating_add(id.url.len())
        .saturating_add(id.image.len())
        .saturating_add(id.discord.len())
        .saturating_add(id.description.len())
        .saturating_add(id.additional.len());
    total <= MAX_IDENTITY_TOTAL
        && id.name.len() <= 256
        && id.url.len() <= 256
        && id.github_repo.len() <= 256
        && id.image.len() <= 1024
        && id.discord.len() <= 256
        && id.description.len() <= 1024
        && id.additional.len() <= 1024
}

/// `set_identity` (`do_set_identity`): `HotKeyNotRegisteredInNetwork` unless one of the
/// coldkey's owned hotkeys is registered somewhere; `InvalidIdentity` if a limit is broken.
/// Event `ChainIdentitySet(coldkey)`.
pub fn set_identity(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    identity: ChainIdentity,
) -> DispatchResult {
    let registered = OWNED_HOTKEYS
        .get(&ctx.st, coldkey)
        .iter()
        .any(|hk| is_registered_anywhere(&ctx.st, hk));
    ensure(registered, Error::HotKeyNotRegisteredInNetwork)?;
    ensure(is_valid_identity(&identity), Error::InvalidIdentity)?;
    IDENTITIES.insert(&mut ctx.st, coldkey, &identity);
    ctx.deposit(SubtensorEvent::ChainIdentitySet(*coldkey));
    Ok(())
}

/// `try_associate_hotkey` (`do_try_associate_hotkey` → `create_account_if_non_existent`):
/// binds an unowned hotkey to the caller. A hotkey already owned — by anyone — is left as it
/// is and the call still succeeds, as in the reference; only system accounts are refused
/// (`CannotUseSystemAccount`). No event.
pub fn try_associate_hotkey(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
) -> DispatchResult {
    match ensure_hotkey_usable(&ctx.st, coldkey, hotkey) {
        Err(Error::CannotUseSystemAccount) => return Err(Error::CannotUseSystemAccount),
        // Owned by another coldkey: `create_account_if_non_existent` is a no-op then.
        Err(Error::NonAssociatedColdKey) | Ok(()) => {}
        Err(e) => return Err(e),
    }
    create_account_if_non_existent(&mut ctx.st, coldkey, hotkey);
    Ok(())
}
