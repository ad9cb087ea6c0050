//! Creating and destroying a subnet's alpha (protocol.md §1.4, `ST/coinbase/alpha.rs:8-58`,
//! `pallets/alpha-assets/src/lib.rs:280-335`).
//!
//! - *mint* creates alpha into the pool reserve (`SubnetAlphaIn`) or outside it
//!   (`SubnetAlphaOut`) and adds it to `TotalAlphaIssuance`;
//! - *recycle* removes alpha from `SubnetAlphaOut` and from `TotalAlphaIssuance` (issuance
//!   drops, so the halving of the subnet's alpha emission is delayed) and counts it in
//!   `AlphaRecycled`;
//! - *burn* leaves `SubnetAlphaOut` and the issuance as they are and only counts the alpha in
//!   `AlphaBurned` (it stays issued but belongs to nobody).
//!
//! The caller removes the alpha from wherever it was held (a stake, a pending pool) first.

use crate::state::Overlay;
use crate::storage::{
    ALPHA_BURNED, ALPHA_RECYCLED, NetUid, SUBNET_ALPHA_IN, SUBNET_ALPHA_OUT, TOTAL_ALPHA_ISSUANCE,
};

fn add(st: &mut Overlay<'_>, map: &crate::state::Map<NetUid, u64>, netuid: NetUid, x: u64) {
    map.mutate(st, &netuid, |v| *v = v.saturating_add(x));
}

/// Mints `amount` alpha into the subnet's pool reserve (`mint_alpha` + `resolve_to_alpha_in`).
pub fn mint_alpha_in(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    add(st, &TOTAL_ALPHA_ISSUANCE, netuid, amount);
    add(st, &SUBNET_ALPHA_IN, netuid, amount);
}

/// Mints `amount` alpha outside the pool (`mint_alpha` + `resolve_to_alpha_out`).
pub fn mint_alpha_out(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    add(st, &TOTAL_ALPHA_ISSUANCE, netuid, amount);
    add(st, &SUBNET_ALPHA_OUT, netuid, amount);
}

/// `recycle_subnet_alpha`: `SubnetAlphaOut` and `TotalAlphaIssuance` drop by `amount`.
pub fn recycle_subnet_alpha(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    SUBNET_ALPHA_OUT.mutate(st, &netuid, |v| *v = v.saturating_sub(amount));
    add(st, &ALPHA_RECYCLED, netuid, amount);
    TOTAL_ALPHA_ISSUANCE.mutate(st, &netuid, |v| *v = v.saturating_sub(amount));
}

/// `burn_subnet_alpha`: only `AlphaBurned` grows.
pub fn burn_subnet_alpha(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    add(st, &ALPHA_BURNED, netuid, amount);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemBackend;

    #[test]
    fn mint_recycle_and_burn_keep_issuance_equal_to_in_plus_out() {
        let b = MemBackend::new();
        let mut st = Overlay::new(&b);
        mint_alpha_in(&mut st, 3, 100);
        mint_alpha_out(&mut st, 3, 50);
        recycle_subnet_alpha(&mut st, 3, 20);
        burn_subnet_alpha(&mut st, 3, 5);
        assert_eq!(SUBNET_ALPHA_IN.get(&st, &3), 100);
        assert_eq!(SUBNET_ALPHA_OUT.get(&st, &3), 30);
        assert_eq!(TOTAL_ALPHA_ISSUANCE.get(&st, &3), 130);
        assert_eq!(ALPHA_RECYCLED.get(&st, &3), 20);
        assert_eq!(ALPHA_BURNED.get(&st, &3), 5);
        // Zero amounts write nothing.
        mint_alpha_in(&mut st, 4, 0);
        recycle_subnet_alpha(&mut st, 4, 0);
        burn_subnet_alpha(&mut st, 4, 0);
        assert!(
            st.changes()
                .0
                .keys()
                .all(|k| !k.ends_with(&4u16.to_be_bytes()))
        );
    }
}
