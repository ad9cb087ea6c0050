//! The reference's input validation for staking calls, check for check and in its order
//! (`validate_add_stake`, `validate_remove_stake`, `validate_stake_transition`,
//! `ST/staking/stake_utils.rs:1057-1334`). They only read state.

use agora_primitives::AccountId;

use crate::accounts::hotkey_account_exists;
use crate::balances;
use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{NetUid, SUBTOKEN_ENABLED, TRANSFER_TOGGLE};
use crate::subnets::subnet_exists;
use crate::swap::{self, Direction};

use super::info::ensure_available_to_unstake;
use super::{DEFAULT_MIN_STAKE, alpha, try_increase_stake_for_hotkey_and_coldkey_on_subnet};

/// `SubtokenDisabled` unless `start_call` enabled the subnet (`ensure_subtoken_enabled`).
pub fn ensure_subtoken_enabled(st: &Overlay<'_>, netuid: NetUid) -> DispatchResult {
    ensure(SUBTOKEN_ENABLED.get(st, &netuid), Error::SubtokenDisabled)
}

/// The smallest `add_stake` amount: `DefaultMinStake` plus the swap fee on it (the simulated
/// fee, or the plain fee rate if the simulation fails).
pub fn min_add_amount(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    let fee = swap::sim_swap(st, netuid, Direction::Buy, DEFAULT_MIN_STAKE)
        .map(|r| r.fee_paid)
        .unwrap_or_else(|_| swap::approx_fee_amount(st, netuid, DEFAULT_MIN_STAKE));
    DEFAULT_MIN_STAKE.saturating_add(fee)
}

/// `validate_add_stake`: subnet exists (`SubnetNotExists`), subtoken enabled, amount at
/// least [`min_add_amount`] (`AmountTooLow`), within `max_amount` unless partial fills are
/// allowed (`SlippageTooHigh`), covered by the free balance (`NotEnoughBalanceToStake`),
/// hotkey exists (`HotKeyAccountNotExists`), and the simulated swap succeeds
/// (`InsufficientLiquidity`), takes at least `DefaultMinStake` (`AmountTooLow`), buys alpha
/// and leaves the hotkey's pool precise enough (`InsufficientLiquidity`).
pub fn validate_add_stake(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    stake: u64,
    max_amount: u64,
    allow_partial: bool,
) -> DispatchResult {
    ensure(subnet_exists(st, netuid), Error::SubnetNotExists)?;
    ensure_subtoken_enabled(st, netuid)?;
    ensure(stake >= min_add_amount(st, netuid), Error::AmountTooLow)?;
    let stake = if allow_partial {
        max_amount.min(stake)
    } else {
        ensure(stake <= max_amount, Error::SlippageTooHigh)?;
        stake
    };
    ensure(
        stake <= balances::free(st, coldkey),
        Error::NotEnoughBalanceToStake,
    )?;
    ensure(
        hotkey_account_exists(st, hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    let r = swap::sim_swap(st, netuid, Direction::Buy, stake)
        .map_err(|_| Error::InsufficientLiquidity)?;
    ensure(r.amount_paid_in >= DEFAULT_MIN_STAKE, Error::AmountTooLow)?;
    ensure(r.amount_paid_out != 0, Error::InsufficientLiquidity)?;
    ensure(
        try_increase_stake_for_hotkey_and_coldkey_on_subnet(st, hotkey, netuid, r.amount_paid_out),
        Error::InsufficientLiquidity,
    )
}

/// `validate_remove_stake`: subnet exists, amount non-zero (`AmountTooLow`), covered by the
/// coldkey's stake (`NotEnoughStakeToWithdraw`), simulated sale succeeds
/// (`InsufficientLiquidity`) and yields at least `DefaultMinStake` unless it empties the
/// position (`AmountTooLow`), within `max_amount` unless partial (`SlippageTooHigh`), hotkey
/// exists (`HotKeyAccountNotExists`), and the amount is available (`StakeUnavailable`; with
/// no locks, covered by the coldkey's total alpha on the subnet). Subtoken is not checked
/// here, as in the reference.
pub fn validate_remove_stake(
    st: &Overlay<'_>,
    coldkey: &AccountId,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
    max_amount: u64,
    allow_partial: bool,
) -> DispatchResult {
    ensure(subnet_exists(st, netuid), Error::SubnetNotExists)?;
    ensure(amount != 0, Error::AmountTooLow)?;
    let current = alpha(st, hotkey, coldkey, netuid);
    ensure(current >= amount, Error::NotEnoughStakeToWithdraw)?;
    let remaining = current - amount;
    match swap::sim_swap(st, netuid, Direction::Sell, amount) {
        Ok(r) => {
            if remaining != 0 {
                ensure(r.amount_paid_out >= DEFAULT_MIN_STAKE, Error::AmountTooLow)?;
            }
        }
        Err(_) => return Err(Error::InsufficientLiquidity),
    }
    if !allow_partial {
        ensure(amount <= max_amount, Error::SlippageTooHigh)?;
    }
    ensure(
        hotkey_account_exists(st, hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    ensure_available_to_unstake(st, coldkey, netuid, amount)
}

/// The two sides of a stake transition.
pub struct Transition<'a> {
    /// Coldkey the stake leaves.
    pub origin_coldkey: &'a AccountId,
    /// Coldkey the stake goes to.
    pub destination_coldkey: &'a AccountId,
    /// Hotkey the stake leaves.
    pub origin_hotkey: &'a AccountId,
    /// Hotkey the stake goes to.
    pub destination_hotkey: &'a AccountId,
    /// Subnet the stake leaves.
    pub origin_netuid: NetUid,
    /// Subnet the stake goes to.
    pub destination_netuid: NetUid,
}

/// `validate_stake_transition` (move, transfer and swap): not a no-op (`SameNetuid`), both
/// subnets exist (`SubnetNotExists`) and are enabled (`SubtokenDisabled`), both hotkeys exist
/// (`HotKeyAccountNotExists`), the amount is covered (`NotEnoughStakeToWithdraw`); across
/// subnets the simulated sale must succeed (`InsufficientLiquidity`) and exceed
/// `DefaultMinStake` (`AmountTooLow`), and respect `max_amount` if partial fills are refused
/// (`SlippageTooHigh`); for transfers both subnets must allow them (`TransferDisallowed`);
/// across subnets the amount must be available (`StakeUnavailable`).
pub fn validate_stake_transition(
    st: &Overlay<'_>,
    t: &Transition<'_>,
    amount: u64,
    max_amount: u64,
    allow_partial: Option<bool>,
    check_transfer_toggle: bool,
) -> DispatchResult {
    let cross = t.origin_netuid != t.destination_netuid;
    if t.origin_coldkey == t.destination_coldkey && t.origin_hotkey == t.destination_hotkey {
        ensure(cross, Error::SameNetuid)?;
    }
    ensure(subnet_exists(st, t.origin_netuid), Error::SubnetNotExists)?;
    if cross {
        ensure(
            subnet_exists(st, t.destination_netuid),
            Error::SubnetNotExists,
        )?;
    }
    ensure_subtoken_enabled(st, t.origin_netuid)?;
    ensure_subtoken_enabled(st, t.destination_netuid)?;
    ensure(
        hotkey_account_exists(st, t.origin_hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    ensure(
        hotkey_account_exists(st, t.destination_hotkey),
        Error::HotKeyAccountNotExists,
    )?;
    let origin_alpha = alpha(st, t.origin_hotkey, t.origin_coldkey, t.origin_netuid);
    ensure(amount <= origin_alpha, Error::NotEnoughStakeToWithdraw)?;
    if cross {
        let tao = swap::sim_swap(st, t.origin_netuid, Direction::Sell, amount)
            .map(|r| r.amount_paid_out)
            .map_err(|_| Error::InsufficientLiquidity)?;
        ensure(tao > DEFAULT_MIN_STAKE, Error::AmountTooLow)?;
        if allow_partial == Some(false) {
            ensure(amount <= max_amount, Error::SlippageTooHigh)?;
        }
    }
    if check_transfer_toggle {
        ensure(
            TRANSFER_TOGGLE.get(st, &t.origin_netuid),
            Error::TransferDisallowed,
        )?;
        if cross {
            ensure(
                TRANSFER_TOGGLE.get(st, &t.destination_netuid),
                Error::TransferDisallowed,
            )?;
        }
    }
    if cross {
        ensure_available_to_unstake(st, t.origin_coldkey, t.origin_netuid, amount)?;
    }
    Ok(())
}
