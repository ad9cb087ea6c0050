//! The largest amounts the limit-price calls can execute (`get_max_amount_add`,
//! `get_max_amount_remove`, `get_max_amount_move`; `ST/staking/add_stake.rs`,
//! `ST/staking/remove_stake.rs:326-407`, `ST/staking/move_stake.rs:424-527`, §5.3–§5.5).
//!
//! Limits are in rao per unit: TAO per alpha ×10^9 for adds and removes, and for moves the
//! origin price over the destination price ×10^9.

use agora_primitives::{SafeDiv, U64F64};

use crate::error::Error;
use crate::state::Overlay;
use crate::storage::{NetUid, ROOT_NETUID, SUBNET_ALPHA_IN, SUBNET_TAO};

use super::{Direction, MAX_SWAP_INPUT_RESERVE_MULTIPLIER, current_price, is_dynamic, simulate};

const ONE_TAO: u64 = 1_000_000_000;

/// Root and stable subnets trade 1:1.
fn is_stable(st: &Overlay<'_>, netuid: NetUid) -> bool {
    netuid == ROOT_NETUID || !is_dynamic(st, netuid)
}

/// TAO (fee included) that can be staked before the price reaches `limit_price`
/// (`get_max_amount_add`): on a stable subnet unlimited if the limit is at least 1 TAO per
/// alpha, else 0; on a dynamic one the input and fee of a simulated buy of 1 000 × the TAO
/// reserve with this limit (errors propagate, e.g. `PriceLimitExceeded`).
pub fn get_max_amount_add(
    st: &Overlay<'_>,
    netuid: NetUid,
    limit_price: u64,
) -> Result<u64, Error> {
    if is_stable(st, netuid) {
        return Ok(if limit_price >= ONE_TAO { u64::MAX } else { 0 });
    }
    let max_input = SUBNET_TAO
        .get(st, &netuid)
        .saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
    simulate(st, netuid, Direction::Buy, max_input, limit_price, false)
        .map(|r| r.amount_paid_in.saturating_add(r.fee_paid))
}

/// Alpha (fee included) that can be sold before the price falls to `limit_price`
/// (`get_max_amount_remove`): on a stable subnet unlimited if the limit is at most 1 TAO per
/// alpha, else 0; on a dynamic one from a simulated sale of 1 000 × the alpha reserve.
pub fn get_max_amount_remove(
    st: &Overlay<'_>,
    netuid: NetUid,
    limit_price: u64,
) -> Result<u64, Error> {
    if is_stable(st, netuid) {
        return Ok(if limit_price <= ONE_TAO { u64::MAX } else { 0 });
    }
    let max_input = SUBNET_ALPHA_IN
        .get(st, &netuid)
        .saturating_mul(MAX_SWAP_INPUT_RESERVE_MULTIPLIER);
    simulate(st, netuid, Direction::Sell, max_input, limit_price, false)
        .map(|r| r.amount_paid_in.saturating_add(r.fee_paid))
}

/// Alpha that can be moved from `origin` to `destination` before the price ratio
/// `p(origin) / p(destination)` falls to `limit_price / 10^9` (`get_max_amount_move`):
/// - both stable: 0 if the limit is above 1, else unlimited;
/// - stable → dynamic: unlimited for a zero limit, else the add maximum at the inverted
///   limit `10^9 / limit · 10^9`;
/// - dynamic → stable: the remove maximum;
/// - dynamic → dynamic: 0 if either pool is empty or the limit is above the current ratio,
///   unlimited for a zero limit, else the closed form
///   `α₂ · t₁/(t₁+t₂) / L − α₁ · t₂/(t₁+t₂)` (t = `SubnetTAO`, α = `SubnetAlphaIn`).
pub fn get_max_amount_move(
    st: &Overlay<'_>,
    origin: NetUid,
    destination: NetUid,
    limit_price: u64,
) -> Result<u64, Error> {
    let tao = U64F64::saturating_from_num(ONE_TAO);
    let (stable_o, stable_d) = (is_stable(st, origin), is_stable(st, destination));
    if stable_o && stable_d {
        return Ok(if limit_price > ONE_TAO { 0 } else { u64::MAX });
    }
    if stable_o && is_dynamic(st, destination) {
        if limit_price == 0 {
            return Ok(u64::MAX);
        }
        let dest_price = tao
            .safe_div(U64F64::saturating_from_num(limit_price))
            .saturating_mul(tao)
            .saturating_to_num::<u64>();
        return get_max_amount_add(st, destination, dest_price);
    }
    if stable_d && is_dynamic(st, origin) {
        return get_max_amount_remove(st, origin, limit_price);
    }
    let (t1, t2) = (
        SUBNET_TAO.get(st, &origin),
        SUBNET_TAO.get(st, &destination),
    );
    if t1 == 0 || t2 == 0 {
        return Ok(0);
    }
    let (a1, a2) = (
        SUBNET_ALPHA_IN.get(st, &origin),
        SUBNET_ALPHA_IN.get(st, &destination),
    );
    if a1 == 0 || a2 == 0 {
        return Ok(0);
    }
    let limit = U64F64::saturating_from_num(limit_price)
        .checked_div(tao)
        .unwrap_or(U64F64::saturating_from_num(0u8));
    let current = current_price(st, origin).safe_div(current_price(st, destination));
    if limit > current {
        return Ok(0);
    }
    if limit_price == 0 {
        return Ok(u64::MAX);
    }
    let (t1, t2) = (
        U64F64::saturating_from_num(t1),
        U64F64::saturating_from_num(t2),
    );
    let sum = t2.saturating_add(t1);
    let t1_share = t1.safe_div(sum);
    let t2_share = t2.safe_div(sum);
    Ok(U64F64::saturating_from_num(a2)
        .saturating_mul(t1_share)
        .safe_div(limit)
        .saturating_sub(U64F64::saturating_from_num(a1).saturating_mul(t2_share))
        .saturating_to_num::<u64>())
}
