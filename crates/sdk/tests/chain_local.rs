//! The chain client over the in-process chain: reads, signing and nonces, outcomes with events
//! and errors, and the metagraph after real epochs — each checked against the runtime's state.
#![allow(clippy::unwrap_used, reason = "tests")]

use agora_api::runtime_api::{self as api};
use agora_primitives::Keypair;
use agora_runtime::Call;
use agora_runtime::call::{BalancesCall, SubtensorCall};
use agora_runtime::genesis::GenesisConfig;
use agora_runtime::storage::{BALANCES, NONCES, SUBNETWORK_N};
use agora_sdk::chain::{Chain, ChainClient, ChainError, LocalChain, Sealing, Wait};

const TAO: u64 = 1_000_000_000;

fn key(uri: &str) -> Keypair {
    Keypair::from_uri(uri).unwrap()
}

/// A dev chain with one started subnet of tempo 10: Alice owns it; Bob is a staked
/// validator and Charlie a miner.
fn genesis() -> GenesisConfig {
    serde_json::from_value(serde_json::json!({
        "chain_id": "sdk-test",
        "sudo": "//Alice",
        "balances": [["//Alice", 1_000_000 * TAO], ["//Bob", 1_000_000 * TAO],
                     ["//Charlie", 1_000 * TAO], ["//Dave", 10 * TAO]],
        "params": { "NetworkRateLimit": 0, "NetworkMinLockCost": 100 * TAO },
        "subnets": [{
            "netuid": 1, "owner_coldkey": "//Alice", "owner_hotkey": "//Alice//hot",
            "started": true,
            "params": { "Tempo": 10, "WeightsSetRateLimit": 0, "CommitRevealWeightsEnabled": 0,
                        "MinAllowedWeights": 1 },
            "neurons": [
                { "hotkey": "//Bob//hot", "coldkey": "//Bob", "stake": 1_000 * TAO },
                { "hotkey": "//Charlie//hot", "coldkey": "//Charlie", "stake": 0 }
            ]
        }]
    }))
    .unwrap()
}

async fn chain(sealing: Sealing) -> (LocalChain, Chain<LocalChain>) {
    let local = LocalChain::new(&genesis(), sealing, 250).unwrap();
    let chain = Chain::connect(local.clone()).await.unwrap();
    (local, chain)
}

#[tokio::test]
async fn transfer_is_included_with_its_events_and_balances_match_state() {
    let (local, chain) = chain(Sealing::Instant).await;
    let alice = key("//Alice");
    let dave = key("//Dave").public();
    let before = chain.balance(&dave).await.unwrap();
    assert_eq!(before, 10 * TAO);
    let out = chain
        .submit(
            &alice,
            Call::Balances(BalancesCall::transfer_keep_alive {
                dest: dave,
                value: 5 * TAO,
            }),
            Wait::Finalized,
        )
        .await
        .unwrap();
    assert!(out.succeeded(), "{out:?}");
    assert_eq!(out.nonce, 0);
    let (number, _, index) = out.block.clone().unwrap();
    assert_eq!(number, 1);
    assert_eq!(index, 0);
    let names: Vec<_> = out.events.iter().map(|e| e.name.as_str()).collect();
    assert!(names.contains(&"Transfer"), "{names:?}");
    assert!(names.contains(&"TransactionFeePaid"), "{names:?}");
    assert_eq!(chain.balance(&dave).await.unwrap(), 15 * TAO);
    local.read(|st| {
        assert_eq!(BALANCES.get(st, &dave), 15 * TAO);
        assert_eq!(NONCES.get(st, &alice.public()), 1);
    });
    // The next submission uses the next nonce.
    let out = chain
        .submit(
            &alice,
            Call::Balances(BalancesCall::transfer_keep_alive {
                dest: dave,
                value: 1,
            }),
            Wait::InBlock,
        )
        .await
        .unwrap();
    assert_eq!(out.nonce, 1);
}

#[tokio::test]
async fn a_failing_call_reports_the_chain_error_and_changes_only_fee_and_nonce() {
    let (local, chain) = chain(Sealing::Instant).await;
    let dave = key("//Dave");
    let alice = key("//Alice").public();
    let out = chain
        .submit(
            &dave,
            Call::Balances(BalancesCall::transfer_keep_alive {
                dest: alice,
                value: 1_000 * TAO,
            }),
            Wait::Finalized,
        )
        .await
        .unwrap();
    let failure = out.result.clone().unwrap_err();
    assert_eq!(failure.error, "InsufficientBalance");
    assert!(!failure.explanation.is_empty());
    assert!(!out.succeeded());
    let fee: u64 = local.read(|st| 10 * TAO - BALANCES.get(st, &dave.public()));
    assert!(fee > 0 && fee < TAO / 1000, "fee {fee}");
    assert_eq!(out.fee, fee);
    local.read(|st| assert_eq!(NONCES.get(st, &dave.public()), 1));
}

#[tokio::test]
async fn invalid_transactions_are_rejected_with_their_reason() {
    let (_local, chain) = chain(Sealing::Instant).await;
    let eve = key("//Eve"); // no balance: cannot pay the fee
    let err = chain
        .submit(
            &eve,
            Call::Balances(BalancesCall::transfer_keep_alive {
                dest: key("//Alice").public(),
                value: 1,
            }),
            Wait::Finalized,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ChainError::Rejected { reason, .. } if reason == "CannotPayFee"),
        "{err:?}"
    );
    // A future nonce signed by hand.
    let alice = key("//Alice");
    let xt = chain.sign_with_nonce(
        &alice,
        7,
        Call::Balances(BalancesCall::transfer_keep_alive {
            dest: eve.public(),
            value: TAO,
        }),
    );
    let err = chain.client().submit(xt).await.unwrap_err();
    assert!(
        matches!(&err, ChainError::Rejected { reason, .. } if reason == "Future"),
        "{err:?}"
    );
    // A wrong genesis hash: the signature does not verify.
    let xt = agora_runtime::Extrinsic::sign(
        &alice,
        &[9; 32],
        0,
        Call::Balances(BalancesCall::transfer_keep_alive {
            dest: eve.public(),
            value: TAO,
        }),
    );
    use parity_scale_codec::Encode as _;
    let err = chain.client().submit(xt.encode()).await.unwrap_err();
    assert!(
        matches!(&err, ChainError::Rejected { reason, .. } if reason == "BadSignature"),
        "{err:?}"
    );
}

#[tokio::test]
async fn pooled_transactions_get_consecutive_nonces() {
    let (local, chain) = chain(Sealing::Manual).await;
    let alice = key("//Alice");
    let dave = key("//Dave").public();
    for i in 0..3u32 {
        let out = chain
            .submit(
                &alice,
                Call::Balances(BalancesCall::transfer_keep_alive {
                    dest: dave,
                    value: TAO,
                }),
                Wait::Pool,
            )
            .await
            .unwrap();
        assert_eq!(out.nonce, i);
        assert!(out.block.is_none());
    }
    // On chain nothing is used yet; the client tracked the pooled ones.
    assert_eq!(chain.client().next_nonce(&alice.public()).await.unwrap(), 0);
    local.seal();
    local.read(|st| {
        assert_eq!(NONCES.get(st, &alice.public()), 3);
        assert_eq!(BALANCES.get(st, &dave), 13 * TAO);
    });
    let block = chain.client().block(1).await.unwrap().unwrap();
    let transfers = block.events.iter().filter(|e| e.name == "Transfer").count();
    assert_eq!(transfers, 3);
    assert_eq!(block.receipts.len(), 3);
    assert_eq!(block.extrinsics.len(), 3);
    assert!(block.receipts.iter().all(|r| r.success && r.fee > 0));
}

#[tokio::test]
async fn reads_match_the_runtime() {
    let (local, chain) = chain(Sealing::Instant).await;
    assert_eq!(chain.info().chain_id, "sdk-test");
    assert_eq!(
        chain.info().genesis_hash_bytes().unwrap(),
        local.genesis_hash()
    );
    assert_eq!(
        chain.sudo_key().await.unwrap(),
        Some(key("//Alice").public())
    );
    let subnets = chain.subnets().await.unwrap();
    assert_eq!(
        subnets.iter().map(|s| s.netuid).collect::<Vec<_>>(),
        vec![0, 1]
    );
    assert!(chain.subnet_exists(1).await.unwrap());
    assert!(!chain.subnet_exists(7).await.unwrap());
    assert!(chain.dynamic_info(7).await.unwrap().is_none());
    let hp = chain.hyperparameters(1).await.unwrap().unwrap();
    let tempo = hp.iter().find(|e| e.name == b"tempo").unwrap();
    assert_eq!(format!("{:?}", tempo.value), "U16(10)");
    assert_eq!(
        chain.hyperparameters_v2(1).await.unwrap().unwrap().tempo,
        10
    );
    assert!(chain.hyperparameters(9).await.unwrap().is_none());
    let bob_hot = key("//Bob//hot").public();
    assert_eq!(chain.uid_of(1, &bob_hot).await.unwrap(), Some(1));
    assert_eq!(
        chain
            .stake(&bob_hot, &key("//Bob").public(), 1)
            .await
            .unwrap(),
        1_000 * TAO
    );
    let positions = chain.stake_info(&key("//Bob").public()).await.unwrap();
    assert_eq!(positions.len(), 1);
    assert_eq!(positions[0].netuid, 1);
    assert!(chain.registration_cost().await.unwrap() >= 100 * TAO);
    // An unknown runtime-API method is an error naming it.
    let err = chain
        .client()
        .state_call("Nope_nope", vec![], None)
        .await
        .unwrap_err();
    assert!(matches!(err, ChainError::Rpc { .. }), "{err:?}");
    // Old states are not kept.
    local.advance(2);
    let err = chain.api_at::<api::SudoKey>((), Some(0)).await.unwrap_err();
    assert!(matches!(err, ChainError::Rpc { code: 4001, .. }), "{err:?}");
}

#[tokio::test]
async fn registration_weights_and_epochs_show_in_the_metagraph() {
    let (local, chain) = chain(Sealing::Instant).await;
    // Dave registers a new hotkey on subnet 1 by burn.
    let dave = key("//Dave");
    let dave_hot = key("//Dave//hot").public();
    let out = chain
        .submit(
            &dave,
            Call::SubtensorModule(SubtensorCall::burned_register {
                netuid: 1,
                hotkey: dave_hot,
            }),
            Wait::Finalized,
        )
        .await
        .unwrap();
    assert!(out.succeeded(), "{out:?}");
    assert!(out.events.iter().any(|e| e.name == "NeuronRegistered"));
    local.read(|st| assert_eq!(SUBNETWORK_N.get(st, &1), 4));

    // Permits are handed out by the first epoch; then Bob (validator, uid 1) weights
    // Charlie (uid 2) and Dave (uid 3).
    local.advance(11);
    let bob_hot = key("//Bob//hot");
    let out = chain
        .submit(
            &bob_hot,
            Call::SubtensorModule(SubtensorCall::set_weights {
                netuid: 1,
                dests: vec![2, 3],
                weights: vec![u16::MAX, u16::MAX / 2],
                version_key: 0,
            }),
            Wait::Finalized,
        )
        .await
        .unwrap();
    assert!(out.succeeded(), "{out:?}");
    local.advance(25);

    let m = chain.metagraph(1, 0, false).await.unwrap().unwrap();
    assert_eq!(m.block, local.head_number());
    assert_eq!(m.n, 4);
    assert_eq!(m.uids, vec![0, 1, 2, 3]);
    assert_eq!(m.hotkeys[1], bob_hot.public());
    assert_eq!(m.coldkeys[3], dave.public());
    assert_eq!(m.uid_of(&dave_hot), Some(3));
    assert_eq!(m.weights[1].len(), 2);
    assert_eq!(m.dense_weights()[1][2], u16::MAX);
    assert!(m.validator_permit[1]);
    assert!(m.incentive[2] > m.incentive[3], "{:?}", m.incentive);
    assert!(m.dividends[1] > 0, "{:?}", m.dividends);
    assert!(m.emission.iter().sum::<u64>() > 0);
    assert!(m.total_stake[1] >= 1_000 * TAO);
    assert_eq!(m.info.tempo, 10);
    assert_eq!(m.mechanism_count, 1);
    assert!(!m.lite);
    // The same figures as the runtime's own read functions.
    local.read(|st| {
        let full = agora_runtime::info::metagraph(st, 1).unwrap();
        assert_eq!(m.incentive, full.incentives.0);
        assert_eq!(m.dividends, full.dividends.0);
        assert_eq!(m.emission, full.emission.0);
    });
    let lite = chain.metagraph(1, 0, true).await.unwrap().unwrap();
    assert!(lite.lite && lite.weights.is_empty());
    assert_eq!(lite.incentive, m.incentive);
    assert!(chain.metagraph(42, 0, true).await.unwrap().is_none());
    serde_json::to_string(&m).unwrap();
}

#[tokio::test]
async fn head_subscriptions_follow_sealed_blocks() {
    let (local, chain) = chain(Sealing::Manual).await;
    let mut heads = chain.client().subscribe_heads().await.unwrap();
    local.advance(3);
    for n in 1..=3 {
        let h = heads.next().await.unwrap().unwrap();
        assert_eq!(h.number, n);
    }
    let h2 = chain.client().header(2).await.unwrap().unwrap();
    let h3 = chain.client().header(3).await.unwrap().unwrap();
    assert_eq!(h3.parent_hash, h2.hash);
    assert_eq!(chain.head().await.unwrap(), h3);
    assert!(chain.client().header(99).await.unwrap().is_none());
}

#[tokio::test]
async fn concurrent_submissions_of_several_signers_get_distinct_nonces() {
    let (local, chain) = chain(Sealing::Manual).await;
    let chain = std::sync::Arc::new(chain);
    let dave = key("//Dave").public();
    let mut set = tokio::task::JoinSet::new();
    for signer in ["//Alice", "//Bob"] {
        for _ in 0..8 {
            let chain = std::sync::Arc::clone(&chain);
            let k = key(signer);
            set.spawn(async move {
                chain
                    .submit(
                        &k,
                        Call::Balances(BalancesCall::transfer_keep_alive {
                            dest: dave,
                            value: TAO,
                        }),
                        Wait::Pool,
                    )
                    .await
                    .map(|o| (k.public(), o.nonce))
            });
        }
    }
    let mut nonces: std::collections::BTreeMap<_, Vec<u32>> = Default::default();
    while let Some(r) = set.join_next().await {
        let (who, n) = r.unwrap().unwrap();
        nonces.entry(who).or_default().push(n);
    }
    for v in nonces.values_mut() {
        v.sort_unstable();
        assert_eq!(*v, (0..8).collect::<Vec<u32>>());
    }
    local.seal();
    local.read(|st| {
        assert_eq!(NONCES.get(st, &key("//Alice").public()), 8);
        assert_eq!(NONCES.get(st, &key("//Bob").public()), 8);
        assert_eq!(BALANCES.get(st, &dave), 26 * TAO);
    });
}
