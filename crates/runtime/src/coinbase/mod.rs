//! The coinbase: per-block TAO and alpha emission, injection into the subnet pools, the
//! owner / miner / validator / root split, pending accumulation, the distribution at each
//! subnet's epoch, and root claims (protocol.md §2–§3, `ST/coinbase/run_coinbase.rs`,
//! `ST/staking/claim_root.rs`).
//!
//! | module | what |
//! |---|---|
//! | [`tao`] | the block emission as a credit: mint, spend, recycle (§1.4) |
//! | [`alpha`] | mint / recycle / burn of subnet alpha (§1.4) |
//! | [`shares`] | each subnet's share of the block emission (§2.3) |
//! | [`terms`] | root proportion, injection terms and cap, alpha-out split (§3.2, §3.4) |
//! | [`emit`] | injection in netuid order and the pending accumulation (§3.3–§3.4) |
//! | [`drain`] | the epoch scheduler's drain of pending emission (§3.5, §3.8) |
//! | [`dividends`] | parent/child redistribution and the alpha-vs-root split (§3.5, §5.7) |
//! | [`distribute`] | the epoch and every payout (§3.5) |
//! | [`price`] | the moving price EMA (§3.7) |
//! | [`root_claims`] | root dividends claimable by root stakers, and the claim calls (§3.6) |
//!
//! # Invariants
//! - TAO: the block's emission `E(TotalIssuance)` is minted as a credit; what is not spent
//!   into a subnet account is recycled, so `TotalIssuance` grows by exactly the TAO that
//!   entered subnet accounts, and equals `Balances.TotalIssuance` after the coinbase.
//! - Alpha: every unit minted is in `SubnetAlphaIn` or `SubnetAlphaOut`; alpha leaves
//!   `SubnetAlphaOut` only by recycling or swaps. Pending pools, stakes, protocol alpha,
//!   unclaimed root dividends and burned alpha all sit inside `SubnetAlphaOut`; what flooring
//!   drops stays there too, owned by nobody (§14.3).

pub mod alpha;
pub mod distribute;
pub mod dividends;
pub mod drain;
pub mod emit;
pub mod price;
pub mod root_claims;
pub mod shares;
pub mod tao;
pub mod terms;

use agora_primitives::U96F32;

use crate::block::{non_root_subnets, subnets_to_emit_to};
use crate::ctx::Ctx;
use crate::emission::get_block_emission_for_issuance;
use crate::state::Overlay;
use crate::storage::*;
use crate::swap;

use self::shares::ShareInput;
use self::tao::Credit;

/// Step 2 of the block (`get_block_emission`): `E(TotalIssuance)` minted as a credit (zero if
/// the emission is zero).
pub fn mint_block_emission(ctx: &mut Ctx<'_>) -> Credit {
    let issuance = TOTAL_ISSUANCE.get(&ctx.st);
    let e = get_block_emission_for_issuance(&mut ctx.st, issuance);
    if e == 0 {
        return Credit::zero();
    }
    tao::mint_tao(ctx, e)
}

/// `run_coinbase(credit)` (§3): shares, injection and pending accumulation for the emitting
/// subnets, then the epoch drain over every non-root subnet and the distribution of each
/// drained subnet (with `LastMechansimStepBlock` set after it).
pub fn run_coinbase(ctx: &mut Ctx<'_>, credit: Credit) {
    // Root sells of the previous block were recorded after its coinbase; reset them now.
    SUBNET_ROOT_SELL_TAO.clear(&mut ctx.st);
    let subnets = non_root_subnets(&ctx.st);
    let emitting = subnets_to_emit_to(&ctx.st);
    let inputs: Vec<ShareInput> = emitting
        .iter()
        .map(|&netuid| ShareInput {
            netuid,
            moving_price: price::moving_alpha_price(&ctx.st, netuid),
            miner_burned: U96F32::from_bits(MINER_BURNED.get(&ctx.st, &netuid)),
            emission_enabled: SUBNET_EMISSION_ENABLED.get(&ctx.st, &netuid),
        })
        .collect();
    let block_emission = U96F32::saturating_from_num(credit.peek());
    let emissions = shares::subnet_block_emissions(&inputs, block_emission);
    let prices: Vec<_> = inputs.iter().map(|i| i.moving_price).collect();
    let root_sell = shares::root_sell_flag(&prices);
    emit::emit_to_subnets(ctx, &emissions, credit, root_sell);
    for (netuid, pending) in drain::drain_pending(ctx, &subnets) {
        distribute::distribute_emission(ctx, netuid, pending);
        LAST_MECHANISM_STEP_BLOCK.insert(&mut ctx.st, &netuid, &ctx.block);
    }
}

/// Step 5 (`update_moving_prices`): the EMA of every emitting subnet moves towards its spot
/// price.
pub fn update_moving_prices(ctx: &mut Ctx<'_>) {
    for netuid in subnets_to_emit_to(&ctx.st) {
        let spot = swap::current_price(&ctx.st, netuid);
        price::update_moving_price(&mut ctx.st, netuid, ctx.block, spot);
    }
}

/// Step 6 (`update_root_prop`): the informational `RootProp` of every emitting subnet.
pub fn update_root_prop(st: &mut Overlay<'_>) {
    for netuid in subnets_to_emit_to(st) {
        let rp = emit::subnet_root_proportion(st, netuid);
        ROOT_PROP.insert(st, &netuid, &rp.to_bits());
    }
}
