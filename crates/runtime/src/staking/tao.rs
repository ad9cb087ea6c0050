//! Moving TAO in and out of subnet accounts and the alpha issuance counters
//! (`ST/coinbase/tao.rs:134-186`, `ST/coinbase/alpha.rs`, pallet alpha-assets,
//! protocol.md §1.4, §5.2).
//!
//! Pool TAO physically sits in the subnet account: staking moves it there keeping the staker
//! alive, unstaking pays it out with an ordinary (reaping) transfer.

use agora_primitives::AccountId;

use crate::balances::{self, subnet_account};
use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{
    ALPHA_BURNED, ALPHA_RECYCLED, NETWORKS_ADDED, NetUid, ROOT_NETUID, SUBNET_ALPHA_OUT,
    SUBNET_TAO_FLOW, TOTAL_ALPHA_ISSUANCE,
};

/// The subnet's account if the subnet exists (root always does), as
/// `get_subnet_account_id`.
pub fn subnet_account_id(st: &Overlay<'_>, netuid: NetUid) -> Option<AccountId> {
    (netuid == ROOT_NETUID || NETWORKS_ADDED.contains(st, &netuid)).then(|| subnet_account(netuid))
}

/// Moves up to `amount` from `coldkey` into the subnet account without reaping the sender
/// (`transfer_tao_to_subnet`): the amount moved is `min(amount, free − ED)`, returned.
/// `SubnetNotExists` for a missing subnet, `InsufficientBalance` if nothing can move; 0 for a
/// zero amount.
pub fn transfer_tao_to_subnet(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    coldkey: &AccountId,
    amount: u64,
) -> Result<u64, Error> {
    if amount == 0 {
        return Ok(0);
    }
    let account = subnet_account_id(&ctx.st, netuid).ok_or(Error::SubnetNotExists)?;
    let actual = amount.min(balances::spendable(&ctx.st, coldkey, true));
    ensure(actual > 0, Error::InsufficientBalance)?;
    balances::transfer(ctx, coldkey, &account, actual, true)?;
    Ok(actual)
}

/// Pays `amount` out of the subnet account (`transfer_tao_from_subnet`): an ordinary
/// transfer that may reap the subnet account's dust; a new recipient needs at least the
/// existential deposit.
pub fn transfer_tao_from_subnet(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    to: &AccountId,
    amount: u64,
) -> DispatchResult {
    let account = subnet_account_id(&ctx.st, netuid).ok_or(Error::SubnetNotExists)?;
    balances::transfer(ctx, &account, to, amount, false)
}

/// Moves `amount` from `from` to the burn account with an ordinary transfer (`burn_tao`);
/// issuance unchanged.
pub fn burn_tao(ctx: &mut Ctx<'_>, from: &AccountId, amount: u64) -> DispatchResult {
    balances::transfer(ctx, from, &balances::burn_account(), amount, false)
}

/// Records user TAO entering the subnet's pool (`record_tao_inflow`).
pub fn record_tao_inflow(st: &mut Overlay<'_>, netuid: NetUid, tao: u64) {
    SUBNET_TAO_FLOW.mutate(st, &netuid, |f| *f = f.saturating_add(as_i64(tao)));
}

/// Records user TAO leaving the subnet's pool (`record_tao_outflow`).
pub fn record_tao_outflow(st: &mut Overlay<'_>, netuid: NetUid, tao: u64) {
    SUBNET_TAO_FLOW.mutate(st, &netuid, |f| *f = f.saturating_sub(as_i64(tao)));
}

/// `tao as i64` as the reference casts (wraps above `i64::MAX`, which TAO amounts never
/// reach).
#[allow(
    clippy::cast_possible_wrap,
    reason = "the reference casts the same way"
)]
fn as_i64(tao: u64) -> i64 {
    tao as i64
}

/// Recycles alpha (`recycle_subnet_alpha`): `SubnetAlphaOut −= amount`, counted in
/// `AlphaRecycled`, and subtracted from `TotalAlphaIssuance`.
pub fn recycle_subnet_alpha(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    SUBNET_ALPHA_OUT.mutate(st, &netuid, |a| *a = a.saturating_sub(amount));
    ALPHA_RECYCLED.mutate(st, &netuid, |r| *r = r.saturating_add(amount));
    TOTAL_ALPHA_ISSUANCE.mutate(st, &netuid, |i| *i = i.saturating_sub(amount));
}

/// Burns alpha (`burn_subnet_alpha`): only the `AlphaBurned` counter grows; `SubnetAlphaOut`
/// and the issuance are unchanged.
pub fn burn_subnet_alpha(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    ALPHA_BURNED.mutate(st, &netuid, |b| *b = b.saturating_add(amount));
}

/// Mints alpha into the issuance counter (`AlphaAssets::mint_alpha`); the caller resolves it
/// into `SubnetAlphaIn` or `SubnetAlphaOut`.
pub fn mint_alpha(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    TOTAL_ALPHA_ISSUANCE.mutate(st, &netuid, |i| *i = i.saturating_add(amount));
}
