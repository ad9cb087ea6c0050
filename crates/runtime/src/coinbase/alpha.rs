//! Creating and destroying a subnet's alpha in the coinbase (protocol.md §1.4,
//! `ST/coinbase/alpha.rs:8-58`).
//!
//! Minting goes through the alpha-issuance counter ([`staking::mint_alpha`]) and is resolved
//! into the pool reserve (`SubnetAlphaIn`) or outside it (`SubnetAlphaOut`). Recycling
//! (`SubnetAlphaOut` and the issuance fall) and burning (only `AlphaBurned` grows) are the
//! staking module's [`staking::recycle_subnet_alpha`] and [`staking::burn_subnet_alpha`].

use crate::staking;
use crate::state::Overlay;
use crate::storage::{NetUid, SUBNET_ALPHA_IN, SUBNET_ALPHA_OUT};

pub use crate::staking::{burn_subnet_alpha, recycle_subnet_alpha};

/// Mints `amount` alpha into the subnet's pool reserve (`mint_alpha` + `resolve_to_alpha_in`).
pub fn mint_alpha_in(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    staking::mint_alpha(st, netuid, amount);
    SUBNET_ALPHA_IN.mutate(st, &netuid, |v| *v = v.saturating_add(amount));
}

/// Mints `amount` alpha outside the pool (`mint_alpha` + `resolve_to_alpha_out`).
pub fn mint_alpha_out(st: &mut Overlay<'_>, netuid: NetUid, amount: u64) {
    if amount == 0 {
        return;
    }
    staking::mint_alpha(st, netuid, amount);
    SUBNET_ALPHA_OUT.mutate(st, &netuid, |v| *v = v.saturating_add(amount));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemBackend;
    use crate::storage::{ALPHA_BURNED, ALPHA_RECYCLED, TOTAL_ALPHA_ISSUANCE};

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
        mint_alpha_out(&mut st, 4, 0);
        assert!(
            st.changes()
                .0
                .keys()
                .all(|k| !k.ends_with(&4u16.to_be_bytes()))
        );
    }
}
