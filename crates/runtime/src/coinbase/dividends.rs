//! The arithmetic of dividend distribution (protocol.md §3.5 steps 3–5, §5.7), as pure
//! functions: the parent/child redistribution of one hotkey's epoch dividend
//! (`get_parent_child_dividends_distribution`, `ST/coinbase/run_coinbase.rs:898-1076`) and the
//! split of the pending validator and root pools by each recipient's own alpha-vs-root stake
//! (`calculate_dividend_distribution`, `:501-602`).
//!
//! The epoch's dividends are only *weights* here: what is paid comes from the drained pending
//! pools (§14.4). Every value is `U96F32` as in the reference; flooring happens where the
//! reference floors (the self contribution, each parent's and the child's final amount, the
//! stake credits).

use agora_primitives::{AccountId, SafeDiv, U96F32};

fn f(x: u64) -> U96F32 {
    U96F32::saturating_from_num(x)
}

/// A u64-normalised proportion (`p / (2^64 − 1)`).
pub fn u64_proportion(p: u64) -> U96F32 {
    f(p).safe_div(f(u64::MAX))
}

/// A u16-normalised proportion (`p / 65535`), e.g. a take.
pub fn u16_proportion(p: u16) -> U96F32 {
    U96F32::saturating_from_num(p).safe_div(U96F32::saturating_from_num(u16::MAX))
}

/// One parent of the hotkey whose dividend is being redistributed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parent {
    /// The parent hotkey.
    pub hotkey: AccountId,
    /// Its proportion of its stake lent to the child (u64-normalised).
    pub proportion: u64,
    /// The parent's own alpha stake on the subnet.
    pub alpha: u64,
    /// The parent's own root stake.
    pub root: u64,
    /// True if parent and child have the same owner coldkey (no take, no burn).
    pub same_owner: bool,
}

/// Everything the redistribution of one hotkey's dividend reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildStakes {
    /// The hotkey's own alpha stake on the subnet.
    pub alpha: u64,
    /// The hotkey's own root stake.
    pub root: u64,
    /// The proportions the hotkey lends to its own children.
    pub children: Vec<u64>,
    /// Its parents, in `ParentKeys` order.
    pub parents: Vec<Parent>,
    /// The childkey take (u16-normalised, already the effective take).
    pub child_take: U96F32,
    /// `CKBurn` (u64-normalised).
    pub ck_burn: U96F32,
    /// `TaoWeight` (u64-normalised).
    pub tao_weight: U96F32,
}

/// The outcome for one hotkey's dividend.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redistribution {
    /// `(recipient, amount)`: each parent in order, then the hotkey itself last.
    pub shares: Vec<(AccountId, u64)>,
    /// Alpha recycled as `CKBurn` from each parent with another owner, in parent order
    /// (each already floored; zeros included).
    pub burns: Vec<u64>,
}

/// `get_self_contribution`: the hotkey's stake that it does not lend to children,
/// `α·r + ρ·r·w` with `r = 1 − Σ children`, floored to an integer.
pub fn self_contribution(s: &ChildStakes) -> u64 {
    let mut remaining = f(1);
    for &p in &s.children {
        remaining = remaining.saturating_sub(u64_proportion(p));
    }
    let alpha = f(s.alpha).saturating_mul(remaining);
    let root = f(s.root)
        .saturating_mul(remaining)
        .saturating_mul(s.tao_weight);
    alpha.saturating_add(root).saturating_to_num::<u64>()
}

/// `get_parent_child_dividends_distribution` for a hotkey `hotkey` with epoch dividend
/// `dividend`.
pub fn redistribute(hotkey: AccountId, dividend: u64, s: &ChildStakes) -> Redistribution {
    let validating = f(dividend);
    let mut remaining = validating;
    let mut total = f(self_contribution(s));
    let contributions: Vec<U96F32> = s
        .parents
        .iter()
        .map(|p| {
            let prop = u64_proportion(p.proportion);
            let alpha = f(p.alpha).saturating_mul(prop);
            let root = f(p.root).saturating_mul(prop).saturating_mul(s.tao_weight);
            let c = alpha.saturating_add(root);
            total = total.saturating_add(c);
            c
        })
        .collect();
    let mut out = Redistribution::default();
    let mut total_child_take = f(0);
    for (p, c) in s.parents.iter().zip(contributions) {
        let factor = c.checked_div(total).unwrap_or(f(0));
        let mut emission = validating.saturating_mul(factor);
        remaining = remaining.saturating_sub(emission);
        if !p.same_owner {
            let burn = s.ck_burn.saturating_mul(emission);
            let take = s.child_take.saturating_mul(emission);
            emission = emission.saturating_sub(burn).saturating_sub(take);
            total_child_take = total_child_take.saturating_add(take);
            out.burns.push(burn.saturating_to_num::<u64>());
        }
        out.shares
            .push((p.hotkey, emission.saturating_to_num::<u64>()));
    }
    let own = remaining
        .saturating_add(total_child_take)
        .saturating_to_num::<u64>();
    out.shares.push((hotkey, own));
    out
}

/// Amounts per hotkey, in the order of the recipients.
pub type Amounts = Vec<(AccountId, U96F32)>;

/// One dividend recipient: its accumulated (redistributed) dividend and its own stakes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The hotkey.
    pub hotkey: AccountId,
    /// Its dividend weight (sum of redistributed dividends).
    pub dividend: U96F32,
    /// `TotalHotkeyAlpha` on the subnet.
    pub alpha: u64,
    /// `TotalHotkeyAlpha` on root.
    pub root: u64,
}

/// `calculate_dividend_distribution`: each recipient's dividend is split into an alpha part and
/// a root part by `ρ·w / (α + ρ·w)`; the validator pool `pending_alpha` is shared by alpha
/// parts and the root pool `pending_root` by root parts. Returns `(alpha, root)` amounts per
/// recipient, in input order (not floored).
pub fn split_dividends(
    pending_alpha: u64,
    pending_root: u64,
    tao_weight: U96F32,
    recipients: &[Recipient],
) -> (Amounts, Amounts) {
    let zero = f(0);
    let mut total_alpha = zero;
    let mut total_root = zero;
    let parts: Vec<(AccountId, U96F32, U96F32)> = recipients
        .iter()
        .map(|r| {
            let root_alpha = f(r.root).saturating_mul(tao_weight);
            let total = f(r.alpha).saturating_add(root_alpha);
            let prop = root_alpha.checked_div(total).unwrap_or(zero);
            let root_divs = r.dividend.saturating_mul(prop);
            let alpha_divs = r.dividend.saturating_sub(root_divs);
            total_alpha = total_alpha.saturating_add(alpha_divs);
            total_root = total_root.saturating_add(root_divs);
            (r.hotkey, alpha_divs, root_divs)
        })
        .collect();
    let alpha = parts
        .iter()
        .map(|&(h, a, _)| {
            let share = a.checked_div(total_alpha).unwrap_or(zero);
            (h, f(pending_alpha).saturating_mul(share))
        })
        .collect();
    let root = parts
        .iter()
        .map(|&(h, _, r)| {
            let share = r.checked_div(total_root).unwrap_or(zero);
            (h, f(pending_root).saturating_mul(share))
        })
        .collect();
    (alpha, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(b: u8) -> AccountId {
        AccountId([b; 32])
    }

    fn stakes(alpha: u64, root: u64) -> ChildStakes {
        ChildStakes {
            alpha,
            root,
            children: Vec::new(),
            parents: Vec::new(),
            child_take: f(0),
            ck_burn: f(0),
            tao_weight: f(1) / f(4),
        }
    }

    #[test]
    fn without_parents_the_hotkey_keeps_its_whole_dividend() {
        let r = redistribute(acct(1), 12_345, &stakes(10, 10));
        assert_eq!(r.shares, vec![(acct(1), 12_345)]);
        assert!(r.burns.is_empty());
    }

    #[test]
    fn parents_share_by_contribution_and_pay_the_child_its_take() {
        // Child: 100 alpha, no root, lends nothing. Parent A (other owner) lends half of
        // 200 alpha + 400 root (w = 1/4): contribution 100 + 50 = 150. Parent B (same owner)
        // lends all of 50 alpha: 50. Total 300. Dividend 3000.
        let half = u64::MAX / 2 + 1; // ≈ 0.5 (just above, as u64 proportions are)
        let mut s = stakes(100, 0);
        s.child_take = f(1) / f(10);
        s.ck_burn = f(1) / f(5);
        s.parents = vec![
            Parent {
                hotkey: acct(2),
                proportion: half,
                alpha: 200,
                root: 400,
                same_owner: false,
            },
            Parent {
                hotkey: acct(3),
                proportion: u64::MAX,
                alpha: 50,
                root: 0,
                same_owner: true,
            },
        ];
        let r = redistribute(acct(1), 3_000, &s);
        // Recompute by the formulas.
        let w = f(1) / f(4);
        let pa = u64_proportion(half);
        let ca = f(200) * pa + f(400) * pa * w;
        let cb = f(50) * u64_proportion(u64::MAX);
        let total = f(100) + ca + cb;
        let ea = f(3_000) * (ca / total);
        let eb = f(3_000) * (cb / total);
        let burn_a = (f(1) / f(5)) * ea;
        let take_a = (f(1) / f(10)) * ea;
        let a_gets = (ea - burn_a - take_a).saturating_to_num::<u64>();
        let child = (f(3_000) - ea - eb + take_a).saturating_to_num::<u64>();
        assert_eq!(
            r.shares,
            vec![
                (acct(2), a_gets),
                (acct(3), eb.saturating_to_num::<u64>()),
                (acct(1), child)
            ]
        );
        assert_eq!(r.burns, vec![burn_a.saturating_to_num::<u64>()]);
        // Roughly: A 1500·0.7 = 1050, B 500, child 1000 + 150 take.
        assert!((1_049..=1_050).contains(&a_gets));
        // Nothing is created.
        let paid: u64 = r.shares.iter().map(|x| x.1).sum::<u64>() + r.burns[0];
        assert!(paid <= 3_000);
    }

    #[test]
    fn a_hotkey_lending_everything_contributes_nothing_of_its_own() {
        let mut s = stakes(1_000, 1_000);
        s.children = vec![u64::MAX];
        assert_eq!(self_contribution(&s), 0);
        s.children = vec![u64::MAX / 4, u64::MAX / 4];
        // r ≈ 1/2: 500 + 1000·(1/2)·(1/4) = 625 (floored; r is just above 1/2).
        assert_eq!(self_contribution(&s), 625);
    }

    #[test]
    fn dividends_split_by_own_alpha_against_weighted_root() {
        // w = 1/4. H1: 300 alpha, 400 root → root part 100/400 = 1/4 of its dividend.
        // H2: alpha only. H3: root only.
        let w = f(1) / f(4);
        let rs = [
            Recipient {
                hotkey: acct(1),
                dividend: f(400),
                alpha: 300,
                root: 400,
            },
            Recipient {
                hotkey: acct(2),
                dividend: f(100),
                alpha: 10,
                root: 0,
            },
            Recipient {
                hotkey: acct(3),
                dividend: f(200),
                alpha: 0,
                root: 8,
            },
        ];
        let (alpha, root) = split_dividends(1_000, 600, w, &rs);
        // Alpha parts: 300, 100, 0 (total 400). Root parts: 100, 0, 200 (total 300).
        assert_eq!(
            alpha,
            vec![(acct(1), f(750)), (acct(2), f(250)), (acct(3), f(0))]
        );
        // 1/3 and 2/3 are not exact in U96F32: the shares are the quotients, truncated.
        let (r1, r3) = (f(100) / f(300), f(200) / f(300));
        assert_eq!(
            root,
            vec![
                (acct(1), f(600) * r1),
                (acct(2), f(0)),
                (acct(3), f(600) * r3)
            ]
        );
        assert_eq!(root[0].1.saturating_to_num::<u64>(), 199);
        // Nobody with a dividend: everything zero.
        let (a, r) = split_dividends(1_000, 600, w, &[]);
        assert!(a.is_empty() && r.is_empty());
    }
}
