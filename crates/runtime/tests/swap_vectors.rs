//! Replays the swap-maths vectors of `tests/vectors/swap/` (see its README): outputs of the
//! reference's own `pallets/swap` arithmetic and its `safe-bigmath` `pow_ratio_scaled`, for
//! random pools, weights, deltas, fee rates and limit prices. Every figure must match to the
//! unit (to the bit for `U64F64` values); a mismatch is listed with its inputs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::U64F64;
use agora_runtime::error::Error;
use agora_runtime::storage::*;
use agora_runtime::swap::{self, Balancer};
use agora_runtime::testing::TestChain;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/swap");

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

fn u64_of(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"))
}

fn u128_str(v: &Value, k: &str) -> u128 {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} in {v}"))
        .parse()
        .unwrap()
}

fn report(file: &str, n: usize, bad: &[String]) {
    assert!(n > 0, "{file}: no cases");
    assert!(
        bad.is_empty(),
        "{file}: {} of {n} cases differ from the reference:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn exp_scaled_matches_the_reference_bit_for_bit() {
    let cs = cases("exp_scaled.jsonl");
    let mut bad = Vec::new();
    for c in &cs {
        let b = Balancer::new(u64_of(c, "quote")).unwrap();
        let dx: i128 = c["dx"].as_str().unwrap().parse().unwrap();
        let got = b.exp_scaled(u64_of(c, "x"), dx, c["base_quote"].as_bool().unwrap());
        let want = U64F64::from_bits(u128_str(c, "bits"));
        if got != want {
            bad.push(format!("{c}: got {got} want {want}"));
        }
    }
    report("exp_scaled.jsonl", cs.len(), &bad);
}

#[test]
fn limit_deltas_match_the_reference() {
    let cs = cases("limit_delta.jsonl");
    let mut bad = Vec::new();
    for c in &cs {
        let b = Balancer::new(u64_of(c, "quote")).unwrap();
        let cur = U64F64::from_bits(u128_str(c, "current_bits"));
        let tgt = U64F64::from_bits(u128_str(c, "target_bits"));
        let reserve = u64_of(c, "reserve");
        let got = if c["quote_side"].as_bool().unwrap() {
            b.calculate_quote_delta_in(cur, tgt, reserve)
        } else {
            b.calculate_base_delta_in(cur, tgt, reserve)
        };
        if got != u64_of(c, "delta") {
            bad.push(format!("{c}: got {got}"));
        }
    }
    report("limit_delta.jsonl", cs.len(), &bad);
}

#[test]
fn injection_reweighting_matches_the_reference() {
    let cs = cases("update_weights.jsonl");
    let mut bad = Vec::new();
    for c in &cs {
        let mut b = Balancer::new(u64_of(c, "quote")).unwrap();
        let ok = b.update_weights_for_added_liquidity(
            u64_of(c, "tao"),
            u64_of(c, "alpha"),
            u64_of(c, "tao_delta"),
            u64_of(c, "alpha_delta"),
        );
        if ok != c["ok"].as_bool().unwrap() || b.quote_weight() != u64_of(c, "new_quote") {
            bad.push(format!("{c}: got {ok} {}", b.quote_weight()));
        }
    }
    report("update_weights.jsonl", cs.len(), &bad);
}

fn error_name(e: Error) -> &'static str {
    match e {
        Error::SwapInputTooLarge => "SwapInputTooLarge",
        Error::ReservesTooLow => "ReservesTooLow",
        Error::PriceLimitExceeded => "PriceLimitExceeded",
        Error::InsufficientLiquidity => "InsufficientLiquidity",
        other => panic!("unexpected swap error {other:?}"),
    }
}

/// The whole swap (fee, input cap, reserve floor, limit, partial fill, fee recomputation) on a
/// subnet whose pool holds the case's reserves and weights, committed through the subtensor
/// swap functions.
#[test]
fn swaps_match_the_reference() {
    let cs = cases("swaps.jsonl");
    let mut bad = Vec::new();
    for c in &cs {
        let mut chain = TestChain::dev();
        let netuid: NetUid = 1;
        let (tao, alpha) = (u64_of(c, "tao"), u64_of(c, "alpha"));
        let buy = c["buy"].as_bool().unwrap();
        let (amount, limit) = (u64_of(c, "amount"), u64_of(c, "limit"));
        let drop = c["drop_fees"].as_bool().unwrap();
        let got = chain.with_ctx(|ctx| {
            SUBNET_MECHANISM.insert(&mut ctx.st, &netuid, &1);
            SUBNET_TAO.insert(&mut ctx.st, &netuid, &tao);
            SUBNET_ALPHA_IN.insert(&mut ctx.st, &netuid, &alpha);
            SUBNET_ALPHA_OUT.insert(&mut ctx.st, &netuid, &u64::MAX);
            FEE_RATE.insert(
                &mut ctx.st,
                &netuid,
                &u16::try_from(u64_of(c, "fee_rate")).unwrap(),
            );
            if c["initialized"].as_bool().unwrap() {
                SWAP_BALANCER.insert(&mut ctx.st, &netuid, &u64_of(c, "quote"));
                PAL_SWAP_INITIALIZED.insert(&mut ctx.st, &netuid, &true);
            }
            if buy {
                swap::swap_tao_for_alpha(ctx, netuid, amount, limit, drop)
            } else {
                swap::swap_alpha_for_tao(ctx, netuid, amount, limit, drop)
            }
        });
        let want = &c["result"];
        let ok = match (&got, want.get("ok"), want.get("err")) {
            (Ok(r), Some(w), None) => {
                let w: Vec<u64> = w
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect();
                w == [
                    r.amount_paid_in,
                    r.amount_paid_out,
                    r.fee_paid,
                    r.fee_to_block_author,
                ]
            }
            (Err(e), None, Some(w)) => error_name(*e) == w.as_str().unwrap(),
            _ => false,
        };
        if !ok {
            bad.push(format!("{c}: got {got:?}"));
        }
    }
    report("swaps.jsonl", cs.len(), &bad);
}
