//! Stake as shares of a hotkey's alpha pool (protocol.md §5.1; the reference's
//! `primitives/share-pool` over `TotalHotkeyAlpha` / `TotalHotkeySharesV2` / `AlphaV2`,
//! `ST/staking/stake_utils.rs:507-633,1373-1471`).
//!
//! For each (hotkey h, subnet i) the pool value `V = TotalHotkeyAlpha[h][i]` is owned by the
//! coldkeys in proportion to their shares `S_c = AlphaV2[(h, c, i)]` over the denominator
//! `D = TotalHotkeySharesV2[h][i]`. A coldkey's stake is `⌊V · S_c / D⌋` in [`SafeFloat`]
//! arithmetic. Adding `x` for one coldkey mints `x · D / V` shares (all of `x` when the pool
//! has no shares); adding to everyone raises `V` alone, which is how dividends reach
//! nominators.
//!
//! # Invariants
//! - Entries equal to zero are removed (`TotalHotkeyAlpha`, `TotalHotkeySharesV2`, `AlphaV2`),
//!   as the reference's data layer removes them.
//! - The reference's legacy `Alpha` / `TotalHotkeyShares` (U64F64) maps are not kept: an
//!   Agora chain starts with V2 entries only, so the lazy migration has nothing to migrate.
//! - Amounts are cast to `i64` as the reference casts them (`amount as i64`); amounts above
//!   `i64::MAX` cannot arise because alpha issuance is bounded far below it.

use agora_primitives::{AccountId, SafeFloat};

use crate::state::Overlay;
use crate::storage::{
    ALPHA_V2, NetUid, STAKING_HOTKEYS, TOTAL_HOTKEY_ALPHA, TOTAL_HOTKEY_SHARES_V2,
};

/// `amount as i64`, the reference's signed update (wraps above `i64::MAX`).
#[allow(
    clippy::cast_possible_wrap,
    reason = "the reference casts the same way"
)]
fn signed(amount: u64) -> i64 {
    amount as i64
}

/// One hotkey's pool on one subnet, read from and written to the overlay.
struct Pool {
    hotkey: AccountId,
    netuid: NetUid,
}

impl Pool {
    fn new(hotkey: &AccountId, netuid: NetUid) -> Self {
        Pool {
            hotkey: *hotkey,
            netuid,
        }
    }

    fn shared_value(&self, st: &Overlay<'_>) -> u64 {
        TOTAL_HOTKEY_ALPHA.get(st, &(self.hotkey, self.netuid))
    }

    fn set_shared_value(&self, st: &mut Overlay<'_>, value: u64) {
        let key = (self.hotkey, self.netuid);
        if value != 0 {
            TOTAL_HOTKEY_ALPHA.insert(st, &key, &value);
        } else {
            TOTAL_HOTKEY_ALPHA.remove(st, &key);
        }
    }

    fn share(&self, st: &Overlay<'_>, coldkey: &AccountId) -> Option<SafeFloat> {
        ALPHA_V2.try_get(st, &(self.hotkey, *coldkey, self.netuid))
    }

    fn set_share(&self, st: &mut Overlay<'_>, coldkey: &AccountId, share: &SafeFloat) {
        let key = (self.hotkey, *coldkey, self.netuid);
        if share.is_zero() {
            ALPHA_V2.remove(st, &key);
        } else {
            ALPHA_V2.insert(st, &key, share);
        }
    }

    fn denominator(&self, st: &Overlay<'_>) -> SafeFloat {
        TOTAL_HOTKEY_SHARES_V2.get(st, &(self.hotkey, self.netuid))
    }

    fn set_denominator(&self, st: &mut Overlay<'_>, d: &SafeFloat) {
        let key = (self.hotkey, self.netuid);
        if d.is_zero() {
            TOTAL_HOTKEY_SHARES_V2.remove(st, &key);
        } else {
            TOTAL_HOTKEY_SHARES_V2.insert(st, &key, d);
        }
    }

    /// `⌊V · S / D⌋` (`get_value_from_shares`); 0 when `D` is zero.
    fn value_of(&self, st: &Overlay<'_>, share: &SafeFloat) -> u64 {
        let v = SafeFloat::from(self.shared_value(st));
        v.mul_div(share, &self.denominator(st))
            .unwrap_or_default()
            .to_u64()
    }

    /// The coldkey's value, `None` if it holds no share entry (`try_get_value`).
    fn try_value(&self, st: &Overlay<'_>, coldkey: &AccountId) -> Option<u64> {
        self.share(st, coldkey).map(|s| self.value_of(st, &s))
    }

    /// Shares one update of `|update|` is worth: `|update| · D / V` (`get_shares_per_update`).
    fn shares_per_update(update: i64, shared_value: u64, denominator: &SafeFloat) -> SafeFloat {
        let v = SafeFloat::from(shared_value);
        SafeFloat::from(update.unsigned_abs())
            .mul_div(denominator, &v)
            .unwrap_or_default()
    }

    /// `V += update` (`update_value_for_all`), saturating both ways.
    fn update_value_for_all(&self, st: &mut Overlay<'_>, update: i64) {
        let v = self.shared_value(st);
        let new = if update >= 0 {
            v.saturating_add(update.unsigned_abs())
        } else {
            v.saturating_sub(update.unsigned_abs())
        };
        self.set_shared_value(st, new);
    }

    /// Whether an update for one key would mint a non-zero number of shares
    /// (`sim_update_value_for_one`); always true for a pool without shares.
    fn sim_update_value_for_one(&self, st: &Overlay<'_>, update: i64) -> bool {
        let d = self.denominator(st);
        if d.mantissa() == 0 {
            return true;
        }
        !Self::shares_per_update(update, self.shared_value(st), &d).is_zero()
    }

    /// Adds (or, for a negative update, removes) value for one coldkey
    /// (`update_value_for_one`). A SafeFloat overflow keeps the old share or denominator, as
    /// the reference does.
    fn update_value_for_one(&self, st: &mut Overlay<'_>, coldkey: &AccountId, update: i64) {
        let v = self.shared_value(st);
        let current = self.share(st, coldkey).unwrap_or_default();
        let d = self.denominator(st);
        if d.is_zero() {
            // The first key gets everything, including value added to a share-less pool.
            let initial = SafeFloat::from(update.unsigned_abs());
            self.set_denominator(st, &initial);
            self.set_share(st, coldkey, &initial);
        } else {
            let delta = Self::shares_per_update(update, v, &d);
            let (new_d, new_s) = if update > 0 {
                (
                    d.add(&delta).unwrap_or_else(|| d.clone()),
                    current.add(&delta).unwrap_or_else(|| current.clone()),
                )
            } else {
                (
                    d.sub(&delta).unwrap_or_else(|| d.clone()),
                    current.sub(&delta).unwrap_or_else(|| current.clone()),
                )
            };
            self.set_denominator(st, &new_d);
            self.set_share(st, coldkey, &new_s);
        }
        self.update_value_for_all(st, update);
    }
}

/// The coldkey's stake on `hotkey` in `netuid` (`get_stake_for_hotkey_and_coldkey_on_subnet`):
/// the value of its shares, 0 without a share entry.
pub fn alpha(st: &Overlay<'_>, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> u64 {
    Pool::new(hotkey, netuid)
        .try_value(st, coldkey)
        .unwrap_or(0)
}

/// The coldkey's raw shares of the pool (zero without an entry).
pub fn shares(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
) -> SafeFloat {
    ALPHA_V2.get(st, &(*hotkey, *coldkey, netuid))
}

/// The pool value of `hotkey` on `netuid` (`get_stake_for_hotkey_on_subnet`): its own stake,
/// not counting childkey inheritance. On root it is the hotkey's TAO stake.
pub fn total_hotkey_alpha(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> u64 {
    TOTAL_HOTKEY_ALPHA.get(st, &(*hotkey, netuid))
}

/// Adds `alpha` to every share of the pool (`increase_stake_for_hotkey_on_subnet`): validator
/// dividends after take reach the nominators this way.
pub fn increase_stake_for_hotkey_on_subnet(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    alpha: u64,
) {
    Pool::new(hotkey, netuid).update_value_for_all(st, signed(alpha));
}

/// Removes `alpha` from the pool value, shares unchanged (`decrease_stake_for_hotkey_on_subnet`).
pub fn decrease_stake_for_hotkey_on_subnet(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    alpha: u64,
) {
    Pool::new(hotkey, netuid).update_value_for_all(st, signed(alpha).wrapping_neg());
}

/// Credits `alpha` to `coldkey`'s shares of `hotkey` on `netuid` and adds the hotkey to the
/// coldkey's `StakingHotkeys` (`increase_stake_for_hotkey_and_coldkey_on_subnet`). Returns the
/// alpha added to the pool (`alpha`): the pool value grows by exactly that, while the new
/// shares are rounded down, so the coldkey's own value may read a few units lower.
pub fn increase_stake_for_hotkey_and_coldkey_on_subnet(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    alpha: u64,
) -> u64 {
    if alpha != 0 {
        STAKING_HOTKEYS.mutate(st, coldkey, |v| {
            if !v.contains(hotkey) {
                v.push(*hotkey);
            }
        });
    }
    Pool::new(hotkey, netuid).update_value_for_one(st, coldkey, signed(alpha));
    alpha
}

/// Whether crediting `alpha` to the pool would mint at least one share unit
/// (`try_increase_stake_for_hotkey_and_coldkey_on_subnet`, the precision pre-check of §5.1).
pub fn try_increase_stake_for_hotkey_and_coldkey_on_subnet(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    alpha: u64,
) -> bool {
    Pool::new(hotkey, netuid).sim_update_value_for_one(st, signed(alpha))
}

/// Removes `alpha` from `coldkey`'s shares if its value covers it
/// (`decrease_stake_for_hotkey_and_coldkey_on_subnet`); otherwise changes nothing. Returns the
/// alpha removed from the pool (`alpha` or 0).
pub fn decrease_stake_for_hotkey_and_coldkey_on_subnet(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    alpha: u64,
) -> u64 {
    let pool = Pool::new(hotkey, netuid);
    match pool.try_value(st, coldkey) {
        Some(value) if value >= alpha => {
            pool.update_value_for_one(st, coldkey, signed(alpha).wrapping_neg());
            alpha
        }
        _ => 0,
    }
}

/// Every (coldkey, netuid, shares) entry of `hotkey` (`alpha_iter_single_prefix`), sorted.
pub fn positions_of_hotkey(
    st: &Overlay<'_>,
    hotkey: &AccountId,
) -> Vec<(AccountId, NetUid, SafeFloat)> {
    ALPHA_V2
        .iter_prefix1(st, hotkey)
        .into_iter()
        .map(|((c, n), s)| (c, n, s))
        .collect()
}

/// The value of `shares` in `hotkey`'s pool on `netuid` (`get_value_from_shares`).
pub fn value_of_shares(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    shares: &SafeFloat,
) -> u64 {
    Pool::new(hotkey, netuid).value_of(st, shares)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::state::MemBackend;

    fn key(b: u8) -> AccountId {
        AccountId([b; 32])
    }

    fn with_state(f: impl FnOnce(&mut Overlay<'_>)) {
        let backend = MemBackend::new();
        let mut st = Overlay::new(&backend);
        f(&mut st);
    }

    #[test]
    fn first_staker_owns_the_pool_and_later_ones_buy_in_at_value() {
        with_state(|st| {
            let (h, a, b) = (key(1), key(2), key(3));
            assert_eq!(
                increase_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 1, 1_000),
                1_000
            );
            assert_eq!(alpha(st, &h, &a, 1), 1_000);
            // Dividends to everyone: V = 1 500, all of it a's.
            increase_stake_for_hotkey_on_subnet(st, &h, 1, 500);
            assert_eq!(alpha(st, &h, &a, 1), 1_500);
            // b adds 300 at a price of 1.5 alpha per share: 200 shares of 1 200.
            increase_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &b, 1, 300);
            assert_eq!(total_hotkey_alpha(st, &h, 1), 1_800);
            assert_eq!(alpha(st, &h, &b, 1), 300);
            assert_eq!(alpha(st, &h, &a, 1), 1_500);
            assert_eq!(shares(st, &h, &b, 1).to_u64(), 200);
            assert_eq!(TOTAL_HOTKEY_SHARES_V2.get(st, &(h, 1)).to_u64(), 1_200);
            assert!(STAKING_HOTKEYS.get(st, &b).contains(&h));
        });
    }

    #[test]
    fn removal_needs_enough_value_and_clears_empty_entries() {
        with_state(|st| {
            let (h, a) = (key(1), key(2));
            increase_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 3, 1_000);
            assert_eq!(
                decrease_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 3, 1_001),
                0
            );
            assert_eq!(alpha(st, &h, &a, 3), 1_000);
            assert_eq!(
                decrease_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 3, 400),
                400
            );
            assert_eq!(alpha(st, &h, &a, 3), 600);
            decrease_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 3, 600);
            assert_eq!(alpha(st, &h, &a, 3), 0);
            assert!(!ALPHA_V2.contains(st, &(h, a, 3)));
            assert!(!TOTAL_HOTKEY_ALPHA.contains(st, &(h, 3)));
            assert!(!TOTAL_HOTKEY_SHARES_V2.contains(st, &(h, 3)));
            // A coldkey without an entry has nothing to remove.
            assert_eq!(
                decrease_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &key(9), 3, 0),
                0
            );
        });
    }

    #[test]
    fn value_credited_to_a_pool_without_shares_goes_to_the_first_staker() {
        with_state(|st| {
            let (h, a) = (key(1), key(2));
            increase_stake_for_hotkey_on_subnet(st, &h, 1, 700);
            assert_eq!(total_hotkey_alpha(st, &h, 1), 700);
            increase_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 1, 100);
            assert_eq!(alpha(st, &h, &a, 1), 800);
        });
    }

    #[test]
    fn precision_check_refuses_dust_into_a_large_pool() {
        with_state(|st| {
            let (h, a, b) = (key(1), key(2), key(3));
            increase_stake_for_hotkey_and_coldkey_on_subnet(st, &h, &a, 1, 1);
            // V grows to 10^18 with one share outstanding: one unit buys 10^-18 shares,
            // which SafeFloat still represents, so the check passes.
            increase_stake_for_hotkey_on_subnet(st, &h, 1, 1_000_000_000_000_000_000 - 1);
            assert!(try_increase_stake_for_hotkey_and_coldkey_on_subnet(
                st, &h, 1, 1
            ));
            // A pool whose value was drained to zero while shares remain mints nothing.
            decrease_stake_for_hotkey_on_subnet(st, &h, 1, 1_000_000_000_000_000_000);
            assert_eq!(total_hotkey_alpha(st, &h, 1), 0);
            assert!(!try_increase_stake_for_hotkey_and_coldkey_on_subnet(
                st, &h, 1, 5
            ));
            // Empty pool: always fine.
            assert!(try_increase_stake_for_hotkey_and_coldkey_on_subnet(
                st,
                &key(7),
                1,
                1
            ));
            let _ = b;
        });
    }
}
