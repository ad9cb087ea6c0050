//! Emission into the subnets for one block (protocol.md §3.2–§3.4, `emit_to_subnets` and
//! `inject_and_maybe_swap`, `ST/coinbase/run_coinbase.rs:70-322`).
//!
//! Order matters and is the reference's: the terms of every emitting subnet are computed
//! first (from pre-injection state), then every subnet is injected in netuid order (protocol
//! liquidity re-weighting, chain buy with the excess TAO, alpha and TAO into the reserves),
//! the leftover credit is recycled, and only then is each subnet's alpha emission minted and
//! split into the pending pools.

use agora_primitives::{SafeDiv, U96F32};

use crate::balances::subnet_account;
use crate::ctx::Ctx;
use crate::emission::get_block_emission_for_issuance;
use crate::state::Map;
use crate::state::Overlay;
use crate::storage::*;
use crate::swap;

use super::alpha::{mint_alpha_in, mint_alpha_out, recycle_subnet_alpha};
use super::tao::{Credit, recycle_credit, spend_tao};
use super::terms::{SubnetTerms, root_proportion, split_alpha_out, subnet_terms};

/// `TaoWeight` as a fraction (`get_tao_weight`).
pub fn tao_weight(st: &Overlay<'_>) -> U96F32 {
    U96F32::saturating_from_num(TAO_WEIGHT.get(st)).safe_div(U96F32::saturating_from_num(u64::MAX))
}

/// `SubnetAlphaIn + SubnetAlphaOut`.
pub fn alpha_issuance(st: &Overlay<'_>, netuid: NetUid) -> u64 {
    SUBNET_ALPHA_IN
        .get(st, &netuid)
        .saturating_add(SUBNET_ALPHA_OUT.get(st, &netuid))
}

/// The subnet's root proportion now (`root_proportion`).
pub fn subnet_root_proportion(st: &Overlay<'_>, netuid: NetUid) -> U96F32 {
    root_proportion(
        SUBNET_TAO.get(st, &ROOT_NETUID),
        tao_weight(st),
        alpha_issuance(st, netuid),
    )
}

/// `record_protocol_inflow` / `record_protocol_outflow` (`SubnetProtocolFlow`, inert).
pub fn record_protocol_flow(st: &mut Overlay<'_>, netuid: NetUid, tao: u64, inflow: bool) {
    let amount = i64::try_from(tao).unwrap_or(i64::MAX);
    SUBNET_PROTOCOL_FLOW.mutate(st, &netuid, |f| {
        *f = if inflow {
            f.saturating_add(amount)
        } else {
            f.saturating_sub(amount)
        };
    });
}

/// `get_subnet_terms` over the emitting subnets, from state (pre-injection).
fn subnet_terms_from_state(
    st: &mut Overlay<'_>,
    emissions: &[(NetUid, U96F32)],
) -> Vec<(NetUid, SubnetTerms)> {
    emissions
        .iter()
        .map(|&(netuid, tao_emission)| {
            let issuance = alpha_issuance(st, netuid);
            let alpha_emission = get_block_emission_for_issuance(st, issuance);
            let price = U96F32::saturating_from_num(swap::current_price(st, netuid));
            let rp = subnet_root_proportion(st, netuid);
            (
                netuid,
                subnet_terms(tao_emission, alpha_emission, price, rp),
            )
        })
        .collect()
}

/// `inject_and_maybe_swap`: puts each subnet's TAO emission into its pool, in netuid order,
/// and recycles what is left of the credit.
fn inject_and_maybe_swap(ctx: &mut Ctx<'_>, terms: &[(NetUid, SubnetTerms)], credit: Credit) {
    let mut credit = credit;
    for &(netuid, t) in terms {
        let account = subnet_account(netuid);
        let tao_in = t.tao_in.saturating_to_num::<u64>();
        let alpha_in = t.alpha_in.saturating_to_num::<u64>();
        let excess = t.excess_tao.saturating_to_num::<u64>();
        // Re-weight the pool for the injection; refused injections become (0, 0) and their
        // TAO stays in the credit (recycled below).
        let (tao_in, alpha_in) =
            swap::adjust_protocol_liquidity(&mut ctx.st, netuid, tao_in, alpha_in);
        SUBNET_EXCESS_TAO.insert(&mut ctx.st, &netuid, &0);
        SUBNET_TAO_IN_EMISSION.insert(&mut ctx.st, &netuid, &0);
        if excess > 0 && spend_tao(ctx, &account, &mut credit, excess) {
            // A chain buy against the pre-injection reserves, no limit, no fees. If the swap
            // fails its TAO stays in the subnet account, as in the reference.
            if let Ok(bought) = ctx.transactional(|ctx| {
                swap::swap_tao_for_alpha(ctx, netuid, excess, swap::max_price(), true)
            }) {
                SUBNET_PROTOCOL_ALPHA.mutate(&mut ctx.st, &netuid, |a| {
                    *a = a.saturating_add(bought.amount_paid_out);
                });
                SUBNET_EXCESS_TAO.insert(&mut ctx.st, &netuid, &bought.amount_paid_in);
                record_protocol_flow(&mut ctx.st, netuid, bought.amount_paid_in, true);
            }
        }
        SUBNET_ALPHA_IN_EMISSION.insert(&mut ctx.st, &netuid, &alpha_in);
        mint_alpha_in(&mut ctx.st, netuid, alpha_in);
        if tao_in > 0 && spend_tao(ctx, &account, &mut credit, tao_in) {
            SUBNET_TAO_IN_EMISSION.insert(&mut ctx.st, &netuid, &tao_in);
            SUBNET_TAO.mutate(&mut ctx.st, &netuid, |x| *x = x.saturating_add(tao_in));
            TOTAL_STAKE.mutate(&mut ctx.st, |x| *x = x.saturating_add(tao_in));
            record_protocol_flow(&mut ctx.st, netuid, tao_in, true);
        }
    }
    recycle_credit(ctx, credit);
}

/// `emit_to_subnets`: injection for every emitting subnet, then each subnet's alpha emission
/// minted and split into its pending pools (§3.4). `root_sell` is the block's root sell flag.
pub fn emit_to_subnets(
    ctx: &mut Ctx<'_>,
    emissions: &[(NetUid, U96F32)],
    credit: Credit,
    root_sell: bool,
) {
    let terms = subnet_terms_from_state(&mut ctx.st, emissions);
    inject_and_maybe_swap(ctx, &terms, credit);
    let cut = U96F32::saturating_from_num(SUBNET_OWNER_CUT.get(&ctx.st))
        .safe_div(U96F32::saturating_from_num(u16::MAX));
    for &(netuid, t) in &terms {
        let alpha_out = t.alpha_out.saturating_to_num::<u64>();
        SUBNET_ALPHA_OUT_EMISSION.insert(&mut ctx.st, &netuid, &alpha_out);
        mint_alpha_out(&mut ctx.st, netuid, alpha_out);
        let owner_cut = OWNER_CUT_ENABLED.get(&ctx.st, &netuid).then_some(cut);
        // The root proportion now includes this block's alpha (§14.2).
        let rp = subnet_root_proportion(&ctx.st, netuid);
        let split = split_alpha_out(t.alpha_out, owner_cut, rp);
        let add = |st: &mut Overlay<'_>, m: &Map<NetUid, u64>, x: u64| {
            m.mutate(st, &netuid, |p| *p = p.saturating_add(x));
        };
        if owner_cut.is_some() {
            add(&mut ctx.st, &PENDING_OWNER_CUT, split.owner_cut);
        }
        add(&mut ctx.st, &PENDING_SERVER_EMISSION, split.server);
        add(&mut ctx.st, &PENDING_VALIDATOR_EMISSION, split.validator);
        if root_sell {
            add(&mut ctx.st, &PENDING_ROOT_ALPHA_DIVS, split.root);
        } else {
            recycle_subnet_alpha(&mut ctx.st, netuid, split.root);
        }
    }
}
