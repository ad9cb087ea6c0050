//! Replays `tests/vectors/share_pool/share_pool.jsonl` (see `tests/vectors/swap/README.md` for
//! the oracle): random sequences of stake operations on one hotkey's pool, computed by the
//! reference's `primitives/share-pool` (`SafeFloat`, `SharePool`) through the subtensor
//! wrappers of `ST/staking/stake_utils.rs:545-633`. After every operation the pool value, the
//! denominator, each coldkey's shares (or no entry) and each coldkey's value must match exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::{AccountId, SafeFloat};
use agora_runtime::staking::shares;
use agora_runtime::state::{MemBackend, Overlay};
use agora_runtime::storage::*;
use serde_json::Value;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/share_pool/share_pool.jsonl"
);

fn sf(v: &Value) -> SafeFloat {
    let m: u128 = v[0].as_str().unwrap().parse().unwrap();
    let e = v[1].as_i64().unwrap();
    if m == 0 {
        SafeFloat::zero()
    } else {
        SafeFloat::new(m, e).unwrap()
    }
}

#[test]
fn share_pool_sequences_match_the_reference() {
    let text = std::fs::read_to_string(FILE).unwrap();
    let hot = AccountId([0xAA; 32]);
    let cold = |k: u64| AccountId([u8::try_from(k).unwrap() + 1; 32]);
    let netuid: NetUid = 3;
    let mut bad = Vec::new();
    let mut steps = 0;
    for (n, line) in text.lines().enumerate() {
        let case: Value = serde_json::from_str(line).unwrap();
        let backend = MemBackend::new();
        let mut st = Overlay::new(&backend);
        for (i, op) in case["ops"].as_array().unwrap().iter().enumerate() {
            steps += 1;
            let k = cold(op["key"].as_u64().unwrap());
            let amount = op["amount"].as_u64().unwrap();
            match op["op"].as_u64().unwrap() {
                0 | 1 => {
                    shares::increase_stake_for_hotkey_and_coldkey_on_subnet(
                        &mut st, &hot, &k, netuid, amount,
                    );
                }
                2 => {
                    shares::decrease_stake_for_hotkey_and_coldkey_on_subnet(
                        &mut st, &hot, &k, netuid, amount,
                    );
                }
                3 => shares::increase_stake_for_hotkey_on_subnet(&mut st, &hot, netuid, amount),
                4 => {
                    shares::decrease_stake_for_hotkey_on_subnet(&mut st, &hot, netuid, amount / 7);
                }
                _ => {
                    let sim = shares::try_increase_stake_for_hotkey_and_coldkey_on_subnet(
                        &st, &hot, netuid, amount,
                    );
                    if Some(sim) != op["sim"].as_bool() {
                        bad.push(format!("case {n} op {i}: sim {sim}"));
                    }
                }
            }
            let value = shares::total_hotkey_alpha(&st, &hot, netuid);
            let denom = TOTAL_HOTKEY_SHARES_V2.get(&st, &(hot, netuid));
            let mut got_shares = Vec::new();
            let mut got_values = Vec::new();
            for key in 0..3 {
                let c = cold(key);
                got_shares.push(ALPHA_V2.try_get(&st, &(hot, c, netuid)));
                got_values.push(
                    ALPHA_V2
                        .contains(&st, &(hot, c, netuid))
                        .then(|| shares::alpha(&st, &hot, &c, netuid)),
                );
            }
            let want_shares: Vec<Option<SafeFloat>> = op["shares"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (!s.is_null()).then(|| sf(s)))
                .collect();
            let want_values: Vec<Option<u64>> = op["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::as_u64)
                .collect();
            if value != op["value"].as_u64().unwrap()
                || denom != sf(&op["denominator"])
                || got_shares != want_shares
                || got_values != want_values
            {
                bad.push(format!(
                    "case {n} op {i} {op}: got value {value} denominator {denom:?} shares \
                     {got_shares:?} values {got_values:?}"
                ));
                break;
            }
        }
    }
    assert!(steps > 1_000, "only {steps} steps");
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
