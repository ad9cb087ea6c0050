//! The block's TAO emission as a credit (protocol.md §1.4, `ST/coinbase/tao.rs:252-303`).
//!
//! The reference mints the block emission as a currency *credit*: `mint_tao` adds it to the
//! subtensor `TotalIssuance` at once (capped so that the balances issuance never passes
//! 21 M TAO), the coinbase spends parts of it into subnet accounts, and `recycle_credit`
//! removes whatever is left from `TotalIssuance` again, so that recycled emission can be
//! emitted later. [`Credit`] is that credit; it is consumed by [`recycle_credit`].
//!
//! # Invariants
//! - After [`recycle_credit`], `TotalIssuance` has grown by exactly the amount spent, and
//!   `Balances.TotalIssuance` too (each spend goes through [`balances::resolve_credit`]).

use agora_primitives::AccountId;

use crate::balances::{self, MAX_TAO_ISSUANCE};
use crate::ctx::Ctx;
use crate::storage::{BALANCES_ISSUANCE, TOTAL_ISSUANCE};

/// Newly issued TAO not yet placed in any account.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "an unspent credit must be recycled"]
pub struct Credit(u64);

impl Credit {
    /// A credit of nothing.
    pub fn zero() -> Self {
        Self(0)
    }

    /// The amount left (`peek`).
    pub fn peek(&self) -> u64 {
        self.0
    }
}

/// `mint_tao`: issues up to `amount`, capped at 21 M TAO minus the balances issuance, and adds
/// it to the subtensor `TotalIssuance`.
pub fn mint_tao(ctx: &mut Ctx<'_>, amount: u64) -> Credit {
    let remaining = MAX_TAO_ISSUANCE.saturating_sub(BALANCES_ISSUANCE.get(&ctx.st));
    let issued = amount.min(remaining);
    TOTAL_ISSUANCE.mutate(&mut ctx.st, |t| *t = t.saturating_add(issued));
    Credit(issued)
}

/// `spend_tao`: moves `part` of the credit into `who`. Refused (the credit is unchanged) if the
/// credit holds less than `part` or `who` cannot receive it (a new account below the
/// existential deposit).
pub fn spend_tao(ctx: &mut Ctx<'_>, who: &AccountId, credit: &mut Credit, part: u64) -> bool {
    if credit.0 < part {
        return false;
    }
    if balances::resolve_credit(ctx, who, part).is_err() {
        return false;
    }
    credit.0 -= part;
    true
}

/// `recycle_credit`: the unspent rest leaves `TotalIssuance` (it never reached an account).
pub fn recycle_credit(ctx: &mut Ctx<'_>, credit: Credit) {
    if credit.0 > 0 {
        TOTAL_ISSUANCE.mutate(&mut ctx.st, |t| *t = t.saturating_sub(credit.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{MemBackend, Overlay};
    use agora_primitives::AccountId;

    #[test]
    fn mint_spend_recycle_moves_issuance_by_what_was_spent() {
        let b = MemBackend::new();
        let mut ctx = Ctx::new(Overlay::new(&b), 1, None);
        TOTAL_ISSUANCE.put(&mut ctx.st, &1_000);
        BALANCES_ISSUANCE.put(&mut ctx.st, &1_000);
        let mut credit = mint_tao(&mut ctx, 700);
        assert_eq!(TOTAL_ISSUANCE.get(&ctx.st), 1_700);
        let a = AccountId([1; 32]);
        // A new account cannot be endowed below the existential deposit: refused, unchanged.
        assert!(!spend_tao(&mut ctx, &a, &mut credit, 499));
        assert_eq!(credit.peek(), 700);
        assert!(spend_tao(&mut ctx, &a, &mut credit, 600));
        // More than is left is refused.
        assert!(!spend_tao(&mut ctx, &a, &mut credit, 101));
        assert!(spend_tao(&mut ctx, &a, &mut credit, 1));
        assert_eq!(balances::free(&ctx.st, &a), 601);
        recycle_credit(&mut ctx, credit);
        assert_eq!(TOTAL_ISSUANCE.get(&ctx.st), 1_601);
        assert_eq!(BALANCES_ISSUANCE.get(&ctx.st), 1_601);
    }

    #[test]
    fn minting_stops_at_the_supply_cap() {
        let b = MemBackend::new();
        let mut ctx = Ctx::new(Overlay::new(&b), 1, None);
        BALANCES_ISSUANCE.put(&mut ctx.st, &(MAX_TAO_ISSUANCE - 10));
        TOTAL_ISSUANCE.put(&mut ctx.st, &(MAX_TAO_ISSUANCE - 10));
        let credit = mint_tao(&mut ctx, 1_000);
        assert_eq!(credit.peek(), 10);
        recycle_credit(&mut ctx, credit);
        assert_eq!(TOTAL_ISSUANCE.get(&ctx.st), MAX_TAO_ISSUANCE - 10);
    }
}
