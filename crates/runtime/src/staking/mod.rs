//! Staking (protocol.md §5): stake as shares of hotkey pools ([`shares`]), TAO moving
//! through the subnet pools ([`stake_into_subnet`], [`unstake_from_subnet`]), the staking
//! extrinsics ([`calls`]) with the reference's validations ([`validate`]), and read-only
//! helpers for the node and the other modules ([`info`]).
//!
//! # Design
//! The two workhorses follow the reference's `stake_into_subnet` / `unstake_from_subnet`
//! step by step (`ST/staking/stake_utils.rs:742-951`): TAO moves between the coldkey and the
//! subnet account, the pool swap updates the reserves (§4.5), shares are minted or burned, the
//! swap fee goes to the block author, flows and the last-stake block are recorded and the
//! event is emitted. Every extrinsic validates first, in the reference's order, and runs in
//! the dispatcher's transactional layer, so a failure changes nothing.
//!
//! Not implemented: stake locks and conviction (§5.9). All stake counts as unlocked, so the
//! reference's `StakeUnavailable` checks always pass (see docs/runtime.md).

pub mod alpha_fee;
pub mod calls;
pub mod info;
pub mod shares;
pub mod tao;
pub mod validate;

use agora_primitives::{AccountId, SafeDiv, U64F64};

use crate::accounts::coldkey_owns_hotkey;
use crate::ctx::{Ctx, ensure};
use crate::error::Error;
use crate::event::SubtensorEvent;
use crate::state::Overlay;
use crate::storage::{
    DELEGATES, LAST_COLDKEY_HOTKEY_STAKE_BLOCK, NOMINATOR_MIN_REQUIRED_STAKE, NetUid, ROOT_NETUID,
};
use crate::swap;

pub use shares::{
    alpha, decrease_stake_for_hotkey_and_coldkey_on_subnet, decrease_stake_for_hotkey_on_subnet,
    increase_stake_for_hotkey_and_coldkey_on_subnet, increase_stake_for_hotkey_on_subnet,
    total_hotkey_alpha, try_increase_stake_for_hotkey_and_coldkey_on_subnet,
};
pub use tao::{burn_subnet_alpha, mint_alpha, recycle_subnet_alpha};

/// The smallest stake operation in TAO (`DefaultMinStake`, 0.002 TAO).
pub const DEFAULT_MIN_STAKE: u64 = 2_000_000;

/// Root-claim bookkeeping when root stake is added ([`crate::root_claims::on_root_stake_added`],
/// protocol.md §3.6): `RootClaimed` is raised at the current rates and the coldkey is indexed
/// as a root staker.
fn on_root_stake_added(st: &mut Overlay<'_>, hotkey: &AccountId, coldkey: &AccountId, alpha: u64) {
    crate::root_claims::on_root_stake_added(st, hotkey, coldkey, alpha);
}

/// Root-claim bookkeeping when root stake is removed
/// ([`crate::root_claims::on_root_stake_removed`]): `RootClaimed` is lowered and a coldkey
/// left without root stake leaves the index.
fn on_root_stake_removed(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    alpha: u64,
) {
    crate::root_claims::on_root_stake_removed(st, hotkey, coldkey, alpha);
}

/// Swaps `tao` of `coldkey`'s free balance into alpha staked to `hotkey` on `netuid`
/// (`stake_into_subnet`, §5.3). The TAO moved is clamped to what keeps the coldkey alive;
/// the swap fee goes from the subnet account to the block author (burned without one).
/// Emits `StakeAdded(coldkey, hotkey, tao moved, alpha, netuid, fee)` and returns the alpha.
///
/// Fails with `AmountTooLow` if the swap buys nothing and `InsufficientLiquidity` if the
/// hotkey's pool could not represent the new shares; the caller's transactional layer undoes
/// the transfer and swap then.
pub fn stake_into_subnet(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    tao: u64,
    price_limit: u64,
    drop_fees: bool,
) -> Result<u64, Error> {
    let tao_staked = tao::transfer_tao_to_subnet(ctx, netuid, coldkey, tao)?;
    let r = swap::swap_tao_for_alpha(ctx, netuid, tao_staked, price_limit, drop_fees)?;
    ensure(r.amount_paid_out != 0, Error::AmountTooLow)?;
    ensure(
        try_increase_stake_for_hotkey_and_coldkey_on_subnet(
            &ctx.st,
            hotkey,
            netuid,
            r.amount_paid_out,
        ),
        Error::InsufficientLiquidity,
    )?;
    increase_stake_for_hotkey_and_coldkey_on_subnet(
        &mut ctx.st,
        hotkey,
        coldkey,
        netuid,
        r.amount_paid_out,
    );
    match ctx.author {
        Some(author) => tao::transfer_tao_from_subnet(ctx, netuid, &author, r.fee_to_block_author)?,
        None => {
            if let Some(account) = tao::subnet_account_id(&ctx.st, netuid) {
                // The reference ignores a failed burn here.
                let _ = tao::burn_tao(ctx, &account, r.fee_to_block_author);
            }
        }
    }
    tao::record_tao_inflow(&mut ctx.st, netuid, r.amount_paid_in);
    LAST_COLDKEY_HOTKEY_STAKE_BLOCK.insert(&mut ctx.st, &(*coldkey, *hotkey), &ctx.block);
    if netuid == ROOT_NETUID {
        on_root_stake_added(&mut ctx.st, hotkey, coldkey, r.amount_paid_out);
    }
    ctx.deposit(SubtensorEvent::StakeAdded(
        *coldkey,
        *hotkey,
        tao_staked,
        r.amount_paid_out,
        netuid,
        r.fee_paid,
    ));
    Ok(r.amount_paid_out)
}

/// Sells `alpha` of `coldkey`'s stake on `hotkey` in `netuid` and pays the TAO to the
/// coldkey (`unstake_from_subnet` with the coldkey as beneficiary, §5.4); see
/// [`unstake_from_subnet_to`].
pub fn unstake_from_subnet(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    alpha: u64,
    price_limit: u64,
    drop_fees: bool,
) -> Result<u64, Error> {
    unstake_from_subnet_to(
        ctx,
        hotkey,
        coldkey,
        coldkey,
        netuid,
        alpha,
        price_limit,
        drop_fees,
    )
}

/// `unstake_from_subnet` (§5.4): removes `alpha` from the coldkey's shares (nothing if its
/// stake is smaller), sells it, re-credits the part a price limit left unsold, pays the TAO
/// to `beneficiary`, and turns the alpha fee into TAO for the block author by a fee-less sale
/// (or burns it without an author). Emits `StakeRemoved(coldkey, hotkey, tao, alpha sold,
/// netuid, fee)` and returns the TAO paid out.
#[allow(clippy::too_many_arguments, reason = "the reference's signature")]
pub fn unstake_from_subnet_to(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    beneficiary: &AccountId,
    netuid: NetUid,
    alpha: u64,
    price_limit: u64,
    drop_fees: bool,
) -> Result<u64, Error> {
    decrease_stake_for_hotkey_and_coldkey_on_subnet(&mut ctx.st, hotkey, coldkey, netuid, alpha);
    let r = swap::swap_alpha_for_tao(ctx, netuid, alpha, price_limit, drop_fees)?;
    let refund = alpha.saturating_sub(r.amount_paid_in.saturating_add(r.fee_paid));
    if refund != 0 {
        increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            hotkey,
            coldkey,
            netuid,
            refund,
        );
    }
    tao::transfer_tao_from_subnet(ctx, netuid, beneficiary, r.amount_paid_out)?;
    let mut fee_outflow = 0;
    match ctx.author {
        Some(author) => {
            let fee = swap::swap_alpha_for_tao(
                ctx,
                netuid,
                r.fee_to_block_author,
                swap::MIN_PRICE,
                true,
            )?;
            tao::transfer_tao_from_subnet(ctx, netuid, &author, fee.amount_paid_out)?;
            fee_outflow = fee.amount_paid_out;
        }
        None => burn_subnet_alpha(&mut ctx.st, netuid, r.fee_to_block_author),
    }
    if netuid == ROOT_NETUID {
        on_root_stake_removed(&mut ctx.st, hotkey, coldkey, alpha);
    }
    tao::record_tao_outflow(
        &mut ctx.st,
        netuid,
        r.amount_paid_out.saturating_add(fee_outflow),
    );
    LAST_COLDKEY_HOTKEY_STAKE_BLOCK.insert(&mut ctx.st, &(*coldkey, *hotkey), &ctx.block);
    ctx.deposit(SubtensorEvent::StakeRemoved(
        *coldkey,
        *hotkey,
        r.amount_paid_out,
        r.amount_paid_in,
        netuid,
        r.fee_paid,
    ));
    Ok(r.amount_paid_out)
}

/// Moves `alpha` between (coldkey, hotkey) pairs on one subnet without a swap or fee
/// (`transfer_stake_within_subnet`). Its TAO value at the spot price must be at least
/// [`DEFAULT_MIN_STAKE`] (`AmountTooLow`). Emits `StakeRemoved` and `StakeAdded` with fee 0
/// and returns the TAO value.
pub fn transfer_stake_within_subnet(
    ctx: &mut Ctx<'_>,
    (origin_coldkey, origin_hotkey): (&AccountId, &AccountId),
    (dest_coldkey, dest_hotkey): (&AccountId, &AccountId),
    netuid: NetUid,
    alpha: u64,
) -> Result<u64, Error> {
    decrease_stake_for_hotkey_and_coldkey_on_subnet(
        &mut ctx.st,
        origin_hotkey,
        origin_coldkey,
        netuid,
        alpha,
    );
    if netuid == ROOT_NETUID {
        on_root_stake_removed(&mut ctx.st, origin_hotkey, origin_coldkey, alpha);
    }
    increase_stake_for_hotkey_and_coldkey_on_subnet(
        &mut ctx.st,
        dest_hotkey,
        dest_coldkey,
        netuid,
        alpha,
    );
    if netuid == ROOT_NETUID {
        on_root_stake_added(&mut ctx.st, dest_hotkey, dest_coldkey, alpha);
    }
    let tao_equivalent = swap::current_price(&ctx.st, netuid)
        .saturating_mul(U64F64::saturating_from_num(alpha))
        .saturating_to_num::<u64>();
    ensure(tao_equivalent >= DEFAULT_MIN_STAKE, Error::AmountTooLow)?;
    LAST_COLDKEY_HOTKEY_STAKE_BLOCK.insert(&mut ctx.st, &(*dest_coldkey, *dest_hotkey), &ctx.block);
    ctx.deposit(SubtensorEvent::StakeRemoved(
        *origin_coldkey,
        *origin_hotkey,
        tao_equivalent,
        alpha,
        netuid,
        0,
    ));
    ctx.deposit(SubtensorEvent::StakeAdded(
        *dest_coldkey,
        *dest_hotkey,
        tao_equivalent,
        alpha,
        netuid,
        0,
    ));
    Ok(tao_equivalent)
}

/// The nominator minimum in TAO (`get_nominator_min_required_stake`):
/// `DefaultMinStake · NominatorMinRequiredStake / 10^6`.
pub fn nominator_min_required_stake(st: &Overlay<'_>) -> u64 {
    DEFAULT_MIN_STAKE
        .saturating_mul(NOMINATOR_MIN_REQUIRED_STAKE.get(st))
        .safe_div(1_000_000)
}

/// Force-unstakes a nominator's position that fell below the nominator minimum
/// (`clear_small_nomination_if_required`, §5.4): only for a coldkey that does not own the
/// hotkey, and only if its stake is non-zero and below `nominator_min / price` alpha. If the
/// sale fails, whatever stake is left is removed. As in the reference the sale is not undone
/// when it fails part-way (its error is swallowed, not propagated), so its completed steps
/// stay.
pub fn clear_small_nomination_if_required(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
) {
    if coldkey_owns_hotkey(&ctx.st, coldkey, hotkey) {
        return;
    }
    let stake = alpha(&ctx.st, hotkey, coldkey, netuid);
    let min_alpha = U64F64::saturating_from_num(nominator_min_required_stake(&ctx.st))
        .safe_div(swap::current_price(&ctx.st, netuid))
        .saturating_to_num::<u64>();
    if stake > 0
        && stake < min_alpha
        && unstake_from_subnet(ctx, hotkey, coldkey, netuid, stake, swap::MIN_PRICE, false).is_err()
    {
        let left = alpha(&ctx.st, hotkey, coldkey, netuid);
        decrease_stake_for_hotkey_and_coldkey_on_subnet(&mut ctx.st, hotkey, coldkey, netuid, left);
    }
}

/// Runs [`clear_small_nomination_if_required`] over every stake position
/// (`clear_small_nominations`), in key order.
pub fn clear_small_nominations(ctx: &mut Ctx<'_>) {
    let positions: Vec<(AccountId, AccountId, NetUid)> =
        crate::storage::ALPHA_V2.keys(&ctx.st).into_iter().collect();
    for (hotkey, coldkey, netuid) in positions {
        clear_small_nomination_if_required(ctx, &hotkey, &coldkey, netuid);
    }
}

/// Makes `hotkey` a delegate with its current take if it is not one yet
/// (`maybe_become_delegate`).
pub fn maybe_become_delegate(st: &mut Overlay<'_>, hotkey: &AccountId) {
    if !DELEGATES.contains(st, hotkey) {
        let take = DELEGATES.get(st, hotkey);
        DELEGATES.insert(st, hotkey, &take);
    }
}
