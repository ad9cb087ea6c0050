//! The per-subnet terms of one block (protocol.md §3.2, `get_subnet_terms`,
//! `ST/coinbase/run_coinbase.rs:177-231`) and the split of the alpha emission (§3.4,
//! `emit_to_subnets`, `:233-322`).
//!
//! A subnet's TAO emission `τ` always enters its pool: as balanced liquidity (`tao_in` with
//! `alpha_in = τ / price`) up to the injection cap `rp · a` (root proportion times the subnet's
//! alpha emission), and the rest as a protocol buy of alpha (`excess`). The alpha emission `a`
//! itself always goes out in full to owner, miners, validators and root.
//!
//! All values are `U96F32` and not floored here; the caller floors each independently, as the
//! reference does (§14.3).

use agora_primitives::{SafeDiv, U96F32};

/// `root_proportion`: `root_tao·w / (root_tao·w + alpha_issuance)`, 0 if both are 0
/// (`ST/coinbase/block_step.rs:69-79`). `tao_weight` is `TaoWeight / (2^64 − 1)`.
pub fn root_proportion(root_tao: u64, tao_weight: U96F32, alpha_issuance: u64) -> U96F32 {
    let weighted = U96F32::saturating_from_num(root_tao).saturating_mul(tao_weight);
    weighted
        .checked_div(weighted.saturating_add(U96F32::saturating_from_num(alpha_issuance)))
        .unwrap_or(U96F32::saturating_from_num(0u8))
}

/// One subnet's terms for this block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubnetTerms {
    /// TAO injected as liquidity.
    pub tao_in: U96F32,
    /// Alpha injected as liquidity.
    pub alpha_in: U96F32,
    /// Alpha emitted to participants (the full alpha emission).
    pub alpha_out: U96F32,
    /// TAO used for a protocol buy of alpha.
    pub excess_tao: U96F32,
}

/// `get_subnet_terms` for one subnet: `tao_emission` is `τ`, `alpha_emission` is
/// `E(alpha issuance)`, `price` the spot price (TAO per alpha, already in `U96F32` as the
/// reference converts it), `root_prop` the pre-injection root proportion.
pub fn subnet_terms(
    tao_emission: U96F32,
    alpha_emission: u64,
    price: U96F32,
    root_prop: U96F32,
) -> SubnetTerms {
    let alpha_emission = U96F32::saturating_from_num(alpha_emission);
    let mut tao_in = tao_emission;
    // `safe_div_or(price, 0)`: zero for a zero price (or an overflowing quotient).
    let mut alpha_in = tao_emission.safe_div(price);
    let cap = root_prop.saturating_mul(alpha_emission);
    if alpha_in > cap {
        alpha_in = cap;
        tao_in = alpha_in.saturating_mul(price);
    }
    SubnetTerms {
        tao_in,
        alpha_in,
        alpha_out: alpha_emission,
        excess_tao: tao_emission.saturating_sub(tao_in),
    }
}

/// Exactly 0.5 (`asfloat!(0.5)`).
const HALF: U96F32 = U96F32::from_bits(1 << 31);

/// The four pending amounts one block adds for a subnet, each floored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlphaOutSplit {
    /// Added to `PendingOwnerCut` (0 when the owner cut is disabled).
    pub owner_cut: u64,
    /// Added to `PendingServerEmission`.
    pub server: u64,
    /// Added to `PendingValidatorEmission`.
    pub validator: u64,
    /// Root alpha: added to `PendingRootAlphaDivs` if root is sold, else recycled.
    pub root: u64,
}

/// The split of `alpha_out` (§3.4): the owner cut (`owner_cut` = `SubnetOwnerCut / 65535`, or
/// `None` when `OwnerCutEnabled` is false) comes off first; of the rest `R`, half goes to
/// miners and `rp·R/2` to root, the remainder to validators. `root_prop` is the root proportion
/// *after* this block's alpha was minted (§14.2).
pub fn split_alpha_out(
    alpha_out: U96F32,
    owner_cut: Option<U96F32>,
    root_prop: U96F32,
) -> AlphaOutSplit {
    let mut rest = alpha_out;
    let mut owner = 0u64;
    if let Some(cut) = owner_cut {
        let o = alpha_out.saturating_mul(cut);
        rest = alpha_out.saturating_sub(o);
        owner = o.saturating_to_num::<u64>();
    }
    let half = HALF;
    let root = root_prop.saturating_mul(rest).saturating_mul(half);
    let server = rest.saturating_mul(half);
    let validator = rest.saturating_sub(server).saturating_sub(root);
    AlphaOutSplit {
        owner_cut: owner,
        server: server.saturating_to_num::<u64>(),
        validator: validator.saturating_to_num::<u64>(),
        root: root.saturating_to_num::<u64>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: u64) -> U96F32 {
        U96F32::saturating_from_num(x)
    }

    /// TaoWeight default, as the reference converts it.
    fn default_tao_weight() -> U96F32 {
        f(971_718_665_099_567_868).safe_div(f(u64::MAX))
    }

    #[test]
    fn root_proportion_is_weighted_root_over_weighted_root_plus_issuance() {
        assert_eq!(root_proportion(0, default_tao_weight(), 0), 0);
        assert_eq!(root_proportion(0, default_tao_weight(), 5), 0);
        assert_eq!(root_proportion(5, default_tao_weight(), 0), 1);
        // w = 0.5 exactly: 100·0.5 / (50 + 50) = 0.5.
        let half = f(1) / f(2);
        assert_eq!(root_proportion(100, half, 50), half);
        // Default weight: the formula evaluated step by step in U96F32.
        let w = default_tao_weight();
        let rt = f(1_000_000_000_000).saturating_mul(w);
        assert_eq!(
            root_proportion(1_000_000_000_000, w, 2_000_000_000_000),
            rt / (rt + f(2_000_000_000_000))
        );
    }

    #[test]
    fn uncapped_injection_is_balanced_at_the_spot_price() {
        // τ = 0.6 TAO at price 0.5: alpha_in = 1.2 alpha; with rp = 1 and a = 2 alpha the
        // cap (2 alpha) does not bind.
        let t = subnet_terms(f(600_000_000), 2_000_000_000, f(1) / f(2), f(1));
        assert_eq!(t.alpha_in, f(1_200_000_000));
        assert_eq!(t.tao_in, f(600_000_000));
        assert_eq!(t.excess_tao, 0);
        assert_eq!(t.alpha_out, f(2_000_000_000));
    }

    #[test]
    fn the_cap_turns_the_rest_of_the_tao_into_a_chain_buy() {
        // τ = 1e9 at price 2 → alpha_in would be 5e8; rp = 0.25, a = 1e9 → cap 2.5e8.
        let quarter = f(1) / f(4);
        let t = subnet_terms(f(1_000_000_000), 1_000_000_000, f(2), quarter);
        assert_eq!(t.alpha_in, f(250_000_000));
        assert_eq!(t.tao_in, f(500_000_000));
        assert_eq!(t.excess_tao, f(500_000_000));
        // Zero root proportion: nothing is injected, everything is bought.
        let t = subnet_terms(f(1_000_000_000), 1_000_000_000, f(2), f(0));
        assert_eq!((t.alpha_in, t.tao_in), (f(0), f(0)));
        assert_eq!(t.excess_tao, f(1_000_000_000));
    }

    #[test]
    fn a_zero_price_injects_nothing_and_buys_with_everything() {
        let t = subnet_terms(f(7), 1_000, f(0), f(1));
        assert_eq!(t.alpha_in, 0);
        assert_eq!(t.tao_in, f(7));
        assert_eq!(t.excess_tao, 0);
    }

    #[test]
    fn default_split_is_18_41_41_with_root_taking_its_proportion_of_validators() {
        let cut = f(11_796).safe_div(f(65_535));
        // 1 alpha, no root: 0.179_995_4 owner; miners and validators get half the rest each.
        let s = split_alpha_out(f(1_000_000_000), Some(cut), f(0));
        let owner = f(1_000_000_000).saturating_mul(cut);
        let rest = f(1_000_000_000) - owner;
        assert_eq!(s.owner_cut, owner.saturating_to_num::<u64>());
        assert_eq!(s.owner_cut, 179_995_422);
        assert_eq!(s.server, (rest / f(2)).saturating_to_num::<u64>());
        assert_eq!(s.validator, (rest - rest / f(2)).saturating_to_num::<u64>());
        assert_eq!(s.root, 0);
        // rp = 0.5: root gets a quarter of the rest, validators the other quarter.
        let s = split_alpha_out(f(1_000_000_000), None, f(1) / f(2));
        assert_eq!(
            (s.owner_cut, s.server, s.validator, s.root),
            (0, 500_000_000, 250_000_000, 250_000_000)
        );
        // Nothing is created: the floored parts never exceed the emission.
        let s = split_alpha_out(f(999_999_999), Some(cut), f(1) / f(3));
        assert!(s.owner_cut + s.server + s.validator + s.root <= 999_999_999);
    }
}
