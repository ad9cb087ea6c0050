//! Paying a transaction fee in alpha (protocol.md §1.5, `pallets/transaction-fee`,
//! `TF:135-228,253-322,336-445`).
//!
//! A signer who cannot pay the TAO fee and stay alive may still send the calls that turn
//! alpha into TAO (`remove_stake*`, `unstake_all*`, `move_stake`, `transfer_stake`,
//! `swap_stake*`, `recycle_alpha`, `burn_alpha`) if the call draws on exactly one
//! (hotkey, subnet) position holding at least the fee's alpha value at the spot price. The
//! fee's alpha (`fee / price`, capped at the position, the whole position if the price
//! makes it 0) is then sold without a swap fee and the TAO goes straight to the block author;
//! without an author nothing is charged. Alpha fees are final (no refund) and reported with
//! `TransactionFeePaidWithAlpha` after the call.

use agora_primitives::AccountId;

use crate::call::{Call, SubtensorCall};
use crate::ctx::Ctx;
use crate::error::Error;
use crate::state::Overlay;
use crate::storage::{NETWORKS_ADDED, NetUid, SUBTOKEN_ENABLED};
use crate::swap;

use super::{alpha, unstake_from_subnet_to};

/// The (hotkey, netuid) positions `call` would draw its alpha fee from (`fees_in_alpha`):
/// one for the single-position calls, every enabled subnet where the signer has stake on
/// the hotkey for `unstake_all` / `unstake_all_alpha`, none for other calls.
pub fn alpha_fee_sources(
    st: &Overlay<'_>,
    who: &AccountId,
    call: &Call,
) -> Vec<(AccountId, NetUid)> {
    use SubtensorCall as C;
    let Call::SubtensorModule(c) = call else {
        return Vec::new();
    };
    match c {
        C::remove_stake { hotkey, netuid, .. }
        | C::remove_stake_limit { hotkey, netuid, .. }
        | C::remove_stake_full_limit { hotkey, netuid, .. }
        | C::recycle_alpha { hotkey, netuid, .. }
        | C::burn_alpha { hotkey, netuid, .. } => vec![(*hotkey, *netuid)],
        C::move_stake {
            origin_hotkey,
            origin_netuid,
            ..
        } => vec![(*origin_hotkey, *origin_netuid)],
        C::transfer_stake {
            hotkey,
            origin_netuid,
            ..
        }
        | C::swap_stake {
            hotkey,
            origin_netuid,
            ..
        }
        | C::swap_stake_limit {
            hotkey,
            origin_netuid,
            ..
        } => vec![(*hotkey, *origin_netuid)],
        C::unstake_all { hotkey } | C::unstake_all_alpha { hotkey } => NETWORKS_ADDED
            .keys(st)
            .into_iter()
            .filter(|n| SUBTOKEN_ENABLED.get(st, n) && alpha(st, hotkey, who, *n) != 0)
            .map(|n| (*hotkey, n))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the fee `tao` can be paid in alpha (`can_withdraw_in_alpha`): exactly one source
/// position, holding at least `tao / price` alpha.
pub fn can_withdraw_in_alpha(
    st: &Overlay<'_>,
    who: &AccountId,
    sources: &[(AccountId, NetUid)],
    tao: u64,
) -> bool {
    let [(hotkey, netuid)] = sources else {
        return false;
    };
    alpha(st, hotkey, who, *netuid) >= swap::get_alpha_amount_for_tao(st, *netuid, tao)
}

/// What an alpha fee charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlphaFee {
    /// Subnet of the alpha.
    pub netuid: NetUid,
    /// Alpha sold.
    pub alpha_fee: u64,
    /// TAO it fetched for the block author.
    pub tao_amount: u64,
}

/// Takes the fee `tao` in alpha (`withdraw_in_alpha`): sells the fee's alpha from the one
/// source position without a swap fee and pays the TAO to the block author. Nothing is
/// charged without an author or with several sources. An error means the fee cannot be
/// paid (the extrinsic is invalid); the caller's transactional layer undoes the attempt.
pub fn withdraw_in_alpha(
    ctx: &mut Ctx<'_>,
    who: &AccountId,
    sources: &[(AccountId, NetUid)],
    tao: u64,
) -> Result<Option<AlphaFee>, Error> {
    let [(hotkey, netuid)] = sources else {
        return Ok(None);
    };
    let Some(author) = ctx.author else {
        return Ok(None);
    };
    let balance = alpha(&ctx.st, hotkey, who, *netuid);
    let mut equivalent = swap::get_alpha_amount_for_tao(&ctx.st, *netuid, tao);
    if equivalent == 0 {
        equivalent = balance;
    }
    let alpha_fee = equivalent.min(balance);
    let tao_amount =
        unstake_from_subnet_to(ctx, hotkey, who, &author, *netuid, alpha_fee, 0, true)?;
    Ok(Some(AlphaFee {
        netuid: *netuid,
        alpha_fee,
        tao_amount,
    }))
}
