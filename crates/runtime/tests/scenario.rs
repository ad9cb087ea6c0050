//! Scenario: a subnet with 16 miners and 4 validators runs 10 tempos through real signed
//! extrinsics and blocks. Incentive must go to the miners the validators weight, and the
//! emission must land as stake of those miners' and validators' owners.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_primitives::Keypair;
use agora_runtime::call::{Call, SubtensorCall};
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::staking::total_hotkey_alpha;
use agora_runtime::storage::{
    INCENTIVE, KEYS, LAST_MECHANISM_STEP_BLOCK, SUBNET_EPOCH_INDEX, VALIDATOR_PERMIT,
};
use agora_runtime::testing::{TAO, TestChain, dev_genesis, key};

const TEMPO: u64 = 20;
const NETUID: u16 = 1;

fn miner(i: usize) -> String {
    format!("//Miner{i}")
}
fn validator(i: usize) -> String {
    format!("//Validator{i}")
}

#[test]
fn incentive_goes_to_the_miners_the_validators_weight() {
    let mut cfg = dev_genesis();
    let mut neurons = Vec::new();
    // uids 1..=4 are validators with different stakes, uids 5..=20 miners.
    for v in 0..4 {
        neurons.push(GenesisNeuron {
            hotkey: validator(v),
            coldkey: "//Bob".into(),
            stake: (1_000 + 500 * v as u64) * TAO,
        });
    }
    for m in 0..16 {
        neurons.push(GenesisNeuron {
            hotkey: miner(m),
            coldkey: "//Charlie".into(),
            stake: 0,
        });
    }
    cfg.subnets.push(GenesisSubnet {
        netuid: NETUID,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//OwnerHot".into(),
        started: true,
        params: [
            ("Tempo".to_string(), TEMPO),
            ("CommitRevealWeightsEnabled".to_string(), 0),
            ("WeightsSetRateLimit".to_string(), 0),
            ("MaxAllowedValidators".to_string(), 5),
        ]
        .into(),
        neurons,
        ..Default::default()
    });
    let mut chain = TestChain::new(&cfg);
    let validators: Vec<Keypair> = (0..4).map(|v| key(&validator(v))).collect();

    // The first epoch grants validator permits (none exist at genesis).
    chain.run_to_block(TEMPO + 1);
    let permits = chain.read(|st| VALIDATOR_PERMIT.get(st, &NETUID));
    assert!(
        permits[1..=4].iter().all(|p| *p),
        "validators have permits: {permits:?}"
    );

    // Validators weight miners 0..8 (uids 5..=12), the better ones more; miners 8..16 get nothing.
    let good: Vec<u16> = (5..13).collect();
    let values: Vec<u16> = (1..=8).map(|x| x * 1000).collect();
    let epochs_before = chain.read(|st| SUBNET_EPOCH_INDEX.get(st, &NETUID));
    for _tempo in 0..10 {
        let xts: Vec<Vec<u8>> = validators
            .iter()
            .map(|v| {
                let call = Call::SubtensorModule(SubtensorCall::set_weights {
                    netuid: NETUID,
                    dests: good.clone(),
                    weights: values.clone(),
                    version_key: 0,
                });
                chain.sign(v, call)
            })
            .collect();
        let out = chain.next_block(&xts);
        for r in &out.receipts {
            assert_eq!(r.result, Ok(()), "set_weights failed");
        }
        chain.run_to_block(chain.block + TEMPO - 1);
    }
    let epochs = chain.read(|st| SUBNET_EPOCH_INDEX.get(st, &NETUID)) - epochs_before;
    assert!(epochs >= 10, "ran {epochs} epochs");
    assert!(chain.read(|st| LAST_MECHANISM_STEP_BLOCK.get(st, &NETUID)) > TEMPO);

    let incentive = chain.read(|st| INCENTIVE.get(st, &NETUID));
    assert_eq!(incentive.len(), 21);
    for (uid, &value) in incentive.iter().enumerate().take(13).skip(5) {
        assert!(
            value > 0,
            "weighted miner uid {uid} has no incentive: {incentive:?}"
        );
    }
    for (uid, &value) in incentive.iter().enumerate().skip(13) {
        assert_eq!(value, 0, "unweighted miner uid {uid} has incentive");
    }
    // Higher weights earn more.
    assert!(incentive[12] > incentive[5]);

    chain.read(|st| {
        for uid in 5u16..21 {
            let hotkey = KEYS.get(st, &(NETUID, uid));
            let stake = total_hotkey_alpha(st, &hotkey, NETUID);
            if uid < 13 {
                assert!(stake > 0, "weighted miner {uid} earned nothing");
            } else {
                assert_eq!(stake, 0, "unweighted miner {uid} earned {stake}");
            }
        }
        for uid in 1u16..5 {
            let hotkey = KEYS.get(st, &(NETUID, uid));
            let stake = total_hotkey_alpha(st, &hotkey, NETUID);
            assert!(
                stake > (1_000 + 500 * u64::from(uid - 1)) * TAO,
                "validator {uid} earned no dividends"
            );
        }
    });
}
