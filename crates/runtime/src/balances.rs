//! Free TAO balances and the issuance bookkeeping of protocol.md §1.2 and §1.4.
//!
//! # Invariants
//! - `Balances.TotalIssuance` equals the sum of every free balance (system accounts included:
//!   subnet pools, locks and registration burns physically sit in the subnet accounts).
//! - The subtensor `TotalIssuance` moves with it: [`mint`] adds to both, [`recycle`] and the
//!   dust of a reaped account subtract from both; [`burn`] moves TAO to the burn account and
//!   changes neither. The block emission is the one exception inside a block: it is issued as
//!   a credit (subtensor counter first, [`crate::coinbase::tao`]), resolved into subnet
//!   accounts with [`resolve_credit`] (balances counter), and what is left is recycled, so
//!   both counters agree again once the coinbase is done.
//! - No account holds a non-zero balance below the existential deposit.

use agora_primitives::AccountId;

use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::BalancesEvent;
use crate::state::Overlay;
use crate::storage::{BALANCES, BALANCES_ISSUANCE, NetUid, TOTAL_ISSUANCE};

/// Existential deposit in rao (`RT:472-476`).
pub const EXISTENTIAL_DEPOSIT: u64 = 500;
/// TAO supply cap in rao (21 M TAO).
pub const MAX_TAO_ISSUANCE: u64 = 21_000_000_000_000_000;

/// A module's account: `"modl" ‖ pallet id ‖ seed`, zero-padded to 32 bytes, as Substrate's
/// `PalletId::into_sub_account_truncating` builds it, so the addresses equal the reference's.
fn pallet_account(pallet_id: &[u8; 8], seed: &[u8]) -> AccountId {
    let mut raw = [0u8; 32];
    raw[..4].copy_from_slice(b"modl");
    raw[4..12].copy_from_slice(pallet_id);
    let n = seed.len().min(20);
    raw[12..12 + n].copy_from_slice(&seed[..n]);
    AccountId(raw)
}

/// The account holding a subnet's pool TAO and registration lock (`PalletId(*b"subtensr")`
/// sub-account with the netuid as seed).
pub fn subnet_account(netuid: NetUid) -> AccountId {
    pallet_account(b"subtensr", &netuid.to_le_bytes())
}

/// The burn account (`PalletId(*b"burntnsr")`).
pub fn burn_account() -> AccountId {
    pallet_account(b"burntnsr", &[])
}

/// True for subnet accounts, which can never be hotkeys (`CannotUseSystemAccount`). As in the
/// reference (`is_subnet_account_id`, `ST/subnets/subnet.rs:478`), only subnet accounts are
/// refused; protocol.md §1.2 also lists the burn account, but the reference does not check it.
pub fn is_system_account(who: &AccountId) -> bool {
    let raw = &who.0;
    raw[..12] == *b"modlsubtensr" && raw[14..].iter().all(|b| *b == 0)
}

/// Free balance of `who` in rao.
pub fn free(st: &Overlay<'_>, who: &AccountId) -> u64 {
    BALANCES.get(st, who)
}

/// The largest amount `who` can spend: all of it, or all but the existential deposit.
pub fn spendable(st: &Overlay<'_>, who: &AccountId, keep_alive: bool) -> u64 {
    let f = free(st, who);
    if keep_alive {
        f.saturating_sub(EXISTENTIAL_DEPOSIT)
    } else {
        f
    }
}

fn set_free(st: &mut Overlay<'_>, who: &AccountId, amount: u64) {
    if amount == 0 {
        BALANCES.remove(st, who);
    } else {
        BALANCES.insert(st, who, &amount);
    }
}

/// Takes `amount` out of `who` (out of issuance too: callers put it somewhere or account
/// for it). If `keep_alive`, the account must stay at or above the existential deposit;
/// otherwise a remainder below it is reaped as dust.
fn withdraw(ctx: &mut Ctx<'_>, who: &AccountId, amount: u64, keep_alive: bool) -> DispatchResult {
    let f = free(&ctx.st, who);
    ensure(amount <= f, Error::InsufficientBalance)?;
    let rest = f - amount;
    if rest > 0 && rest < EXISTENTIAL_DEPOSIT {
        ensure(!keep_alive, Error::Expendability)?;
        // Reaping: the dust leaves issuance (protocol.md §1.4, `ST/coinbase/tao.rs:38-64`).
        set_free(&mut ctx.st, who, 0);
        reduce_issuance(&mut ctx.st, rest);
        ctx.deposit(BalancesEvent::DustLost {
            account: *who,
            amount: rest,
        });
    } else {
        if keep_alive {
            ensure(rest >= EXISTENTIAL_DEPOSIT, Error::Expendability)?;
        }
        set_free(&mut ctx.st, who, rest);
    }
    Ok(())
}

/// Adds `amount` to `who`; a new account must receive at least the existential deposit.
fn credit(ctx: &mut Ctx<'_>, who: &AccountId, amount: u64) -> DispatchResult {
    if amount == 0 {
        return Ok(());
    }
    let f = free(&ctx.st, who);
    if f == 0 {
        ensure(amount >= EXISTENTIAL_DEPOSIT, Error::ExistentialDeposit)?;
        ctx.deposit(BalancesEvent::Endowed {
            account: *who,
            free_balance: amount,
        });
    }
    set_free(&mut ctx.st, who, f.saturating_add(amount));
    Ok(())
}

fn reduce_issuance(st: &mut Overlay<'_>, amount: u64) {
    BALANCES_ISSUANCE.mutate(st, |i| *i = i.saturating_sub(amount));
    TOTAL_ISSUANCE.mutate(st, |i| *i = i.saturating_sub(amount));
}

/// Moves `amount` from `from` to `to` (`transfer_allow_death` / `transfer_keep_alive`).
///
/// Fails without change if the sender lacks the amount (`InsufficientBalance`), if a new
/// recipient would get less than the existential deposit (`ExistentialDeposit`), or if
/// `keep_alive` and the sender would drop below it (`Expendability`).
pub fn transfer(
    ctx: &mut Ctx<'_>,
    from: &AccountId,
    to: &AccountId,
    amount: u64,
    keep_alive: bool,
) -> DispatchResult {
    if amount == 0 || from == to {
        ensure(amount <= free(&ctx.st, from), Error::InsufficientBalance)?;
        return Ok(());
    }
    ctx.transactional(|ctx| {
        withdraw(ctx, from, amount, keep_alive)?;
        credit(ctx, to, amount)?;
        ctx.deposit(BalancesEvent::Transfer {
            from: *from,
            to: *to,
            amount,
        });
        Ok(())
    })
}

/// Transfers the whole spendable balance (`transfer_all`).
pub fn transfer_all(
    ctx: &mut Ctx<'_>,
    from: &AccountId,
    to: &AccountId,
    keep_alive: bool,
) -> DispatchResult {
    let amount = spendable(&ctx.st, from, keep_alive);
    transfer(ctx, from, to, amount, keep_alive)
}

/// Mints up to `amount` new TAO into `who`, capped so balances issuance never passes
/// 21 M TAO (`mint_tao` + `spend_tao`, `ST/coinbase/tao.rs:252-287`). Returns the amount
/// minted. Fails if a new account would be endowed below the existential deposit.
pub fn mint(ctx: &mut Ctx<'_>, who: &AccountId, amount: u64) -> Result<u64, Error> {
    let issued = BALANCES_ISSUANCE.get(&ctx.st);
    let amount = amount.min(MAX_TAO_ISSUANCE.saturating_sub(issued));
    if amount == 0 {
        return Ok(0);
    }
    ctx.transactional(|ctx| {
        credit(ctx, who, amount)?;
        BALANCES_ISSUANCE.mutate(&mut ctx.st, |i| *i = i.saturating_add(amount));
        TOTAL_ISSUANCE.mutate(&mut ctx.st, |i| *i = i.saturating_add(amount));
        ctx.deposit(BalancesEvent::Minted { who: *who, amount });
        Ok(amount)
    })
}

/// Deposits `amount` of TAO that was already issued as a credit (and so already counted in
/// the subtensor `TotalIssuance`, see [`crate::coinbase::tao`]) into `who`: the balance and
/// `Balances.TotalIssuance` grow, the subtensor counter does not (`spend_tao`,
/// `ST/coinbase/tao.rs:271-287`). Fails without change if a new account would be endowed
/// below the existential deposit.
pub fn resolve_credit(ctx: &mut Ctx<'_>, who: &AccountId, amount: u64) -> DispatchResult {
    if amount == 0 {
        return Ok(());
    }
    ctx.transactional(|ctx| {
        credit(ctx, who, amount)?;
        BALANCES_ISSUANCE.mutate(&mut ctx.st, |i| *i = i.saturating_add(amount));
        ctx.deposit(BalancesEvent::Minted { who: *who, amount });
        Ok(())
    })
}

/// Withdraws `amount` from `who` (keeping it alive) and removes it from both issuance
/// counters, so it can be emitted again (`recycle_tao`, `ST/coinbase/tao.rs:191-219`).
pub fn recycle(ctx: &mut Ctx<'_>, who: &AccountId, amount: u64) -> DispatchResult {
    ctx.transactional(|ctx| {
        withdraw(ctx, who, amount, true)?;
        reduce_issuance(&mut ctx.st, amount);
        ctx.deposit(BalancesEvent::Burned { who: *who, amount });
        Ok(())
    })
}

/// Moves `amount` to the burn account; issuance is unchanged (`burn_tao`, `ST/coinbase/tao.rs:182-186`).
pub fn burn(ctx: &mut Ctx<'_>, who: &AccountId, amount: u64) -> DispatchResult {
    transfer(ctx, who, &burn_account(), amount, true)
}

/// Withdraws a transaction fee (keep-alive) and pays it to the block author. Without an
/// author, or if the author's account cannot receive it (a new account below the existential
/// deposit), the fee is recycled instead, so the issuance invariants still hold.
pub fn charge_fee(ctx: &mut Ctx<'_>, who: &AccountId, fee: u64) -> DispatchResult {
    if fee == 0 {
        return Ok(());
    }
    ensure(
        spendable(&ctx.st, who, true) >= fee,
        Error::InsufficientBalance,
    )?;
    if let Some(author) = ctx.author
        && transfer(ctx, who, &author, fee, true).is_ok()
    {
        return Ok(());
    }
    recycle(ctx, who, fee)
}

/// Sets a balance directly (genesis only): adjusts both issuance counters by the difference.
pub fn genesis_set(st: &mut Overlay<'_>, who: &AccountId, amount: u64) {
    let old = free(st, who);
    set_free(st, who, amount);
    BALANCES_ISSUANCE.mutate(st, |i| *i = i.saturating_sub(old).saturating_add(amount));
    TOTAL_ISSUANCE.mutate(st, |i| *i = i.saturating_sub(old).saturating_add(amount));
}

/// Sum of every free balance (for invariant checks; O(accounts)).
pub fn sum_of_balances(st: &Overlay<'_>) -> u128 {
    BALANCES
        .iter(st)
        .into_iter()
        .map(|(_, b)| u128::from(b))
        .sum()
}
