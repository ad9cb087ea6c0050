//! Every admission rejection of the mempool, replacement, eviction, ordering and pruning.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use agora_node::mempool::{Limits, Mempool, Rejection};
use agora_runtime::call::{BalancesCall, SubtensorCall};
use agora_runtime::extrinsic::{Extrinsic, MAX_EXTRINSIC_LEN};
use agora_runtime::testing::{TAO, TestChain, account, key};
use agora_runtime::{Call, extrinsic};
use parity_scale_codec::Encode;

fn transfer(to: &str, value: u64) -> Call {
    Call::Balances(BalancesCall::transfer_keep_alive {
        dest: account(to),
        value,
    })
}

fn signed(chain: &TestChain, who: &str, nonce: u32, call: Call) -> Vec<u8> {
    Extrinsic::sign(&key(who), &chain.genesis_hash(), nonce, call).encode()
}

fn pool(chain: &TestChain, limits: Limits) -> Mempool {
    Mempool::new(limits, chain.genesis_hash())
}

#[test]
fn stateless_rejections() {
    let chain = TestChain::dev();
    let mut p = pool(&chain, Limits::default());
    // Too large: refused before decoding.
    let big = vec![1u8; MAX_EXTRINSIC_LEN + 1];
    assert_eq!(
        p.submit(big, &chain.state),
        Err(Rejection::TooLarge(MAX_EXTRINSIC_LEN + 1))
    );
    // Garbage.
    assert!(matches!(
        p.submit(vec![1, 2, 3], &chain.state),
        Err(Rejection::BadEncoding(_))
    ));
    // Trailing bytes.
    let mut x = signed(&chain, "//Alice", 0, transfer("//Bob", TAO));
    x.push(0);
    assert!(matches!(
        p.submit(x, &chain.state),
        Err(Rejection::BadEncoding(_))
    ));
    // Unknown version.
    let mut xt = Extrinsic::sign(
        &key("//Alice"),
        &chain.genesis_hash(),
        0,
        transfer("//Bob", TAO),
    );
    xt.version = extrinsic::EXTRINSIC_VERSION + 1;
    assert_eq!(
        p.submit(xt.encode(), &chain.state),
        Err(Rejection::UnsupportedVersion(
            extrinsic::EXTRINSIC_VERSION + 1
        ))
    );
    // Signed for another chain.
    let other = Extrinsic::sign(&key("//Alice"), &[9; 32], 0, transfer("//Bob", TAO)).encode();
    assert_eq!(p.submit(other, &chain.state), Err(Rejection::BadSignature));
    // A signature by someone else.
    let mut forged = Extrinsic::sign(
        &key("//Bob"),
        &chain.genesis_hash(),
        0,
        transfer("//Bob", TAO),
    );
    forged.signer = account("//Alice");
    assert_eq!(
        p.submit(forged.encode(), &chain.state),
        Err(Rejection::BadSignature)
    );
    assert!(p.is_empty(), "rejections leave the pool unchanged");
}

#[test]
fn nonce_window_and_fee_affordability() {
    let mut chain = TestChain::dev();
    chain
        .submit(&key("//Alice"), transfer("//Bob", TAO))
        .unwrap();
    let mut p = pool(
        &chain,
        Limits {
            max_nonce_gap: 4,
            ..Limits::default()
        },
    );
    assert_eq!(
        p.submit(
            signed(&chain, "//Alice", 0, transfer("//Bob", 1)),
            &chain.state
        ),
        Err(Rejection::Stale {
            expected: 1,
            got: 0
        })
    );
    assert_eq!(
        p.submit(
            signed(&chain, "//Alice", 6, transfer("//Bob", 1)),
            &chain.state
        ),
        Err(Rejection::FutureTooFar {
            expected: 1,
            got: 6,
            gap: 4
        })
    );
    // Inside the window a future nonce is admitted.
    assert!(
        p.submit(
            signed(&chain, "//Alice", 5, transfer("//Bob", 1)),
            &chain.state
        )
        .is_ok()
    );
    // An account without funds cannot pay the fee.
    let r = p.submit(
        signed(&chain, "//Nobody", 0, transfer("//Bob", 1)),
        &chain.state,
    );
    assert!(
        matches!(r, Err(Rejection::CannotPayFee { spendable: 0, .. })),
        "{r:?}"
    );
    assert_eq!(p.len(), 1);
}

#[test]
fn duplicates_replacement_and_sender_limit() {
    let chain = TestChain::dev();
    let mut p = pool(
        &chain,
        Limits {
            max_per_sender: 2,
            ..Limits::default()
        },
    );
    let a = signed(&chain, "//Alice", 0, transfer("//Bob", 100));
    let h = p.submit(a.clone(), &chain.state).unwrap().hash;
    assert_eq!(p.submit(a, &chain.state), Err(Rejection::AlreadyKnown));
    // Same nonce, same fee (same call class and length): underpriced.
    let same = signed(&chain, "//Alice", 0, transfer("//Bob", 101));
    assert!(matches!(
        p.submit(same, &chain.state),
        Err(Rejection::ReplacementUnderpriced { .. })
    ));
    // Same nonce, a call with a higher fee: replaces.
    let register = Call::SubtensorModule(SubtensorCall::register_network {
        hotkey: account("//AliceHot"),
    });
    let higher = signed(&chain, "//Alice", 0, register);
    let admitted = p.submit(higher, &chain.state).unwrap();
    assert_eq!(admitted.removed.len(), 1);
    assert_eq!(admitted.removed[0].hash, h);
    assert_eq!(admitted.removed[0].reason, "Replaced");
    assert!(!p.contains(&h));
    // Per-sender limit.
    p.submit(
        signed(&chain, "//Alice", 1, transfer("//Bob", 1)),
        &chain.state,
    )
    .unwrap();
    assert_eq!(
        p.submit(
            signed(&chain, "//Alice", 2, transfer("//Bob", 1)),
            &chain.state
        ),
        Err(Rejection::SenderLimit(2))
    );
    // At the limit, replacing one of the sender's transactions is still allowed.
    let register2 = Call::SubtensorModule(SubtensorCall::register_network {
        hotkey: account("//AliceHot2"),
    });
    let replaced = p
        .submit(signed(&chain, "//Alice", 1, register2), &chain.state)
        .unwrap();
    assert_eq!(replaced.removed.len(), 1);
    assert_eq!(p.len(), 2);
}

#[test]
fn a_full_pool_evicts_the_lowest_fee_only_for_a_higher_fee() {
    let chain = TestChain::dev();
    let mut p = pool(
        &chain,
        Limits {
            max_txs: 2,
            ..Limits::default()
        },
    );
    let low = p
        .submit(
            signed(&chain, "//Alice", 0, transfer("//Bob", 1)),
            &chain.state,
        )
        .unwrap()
        .hash;
    p.submit(
        signed(&chain, "//Bob", 0, transfer("//Alice", 1)),
        &chain.state,
    )
    .unwrap();
    // Equal fee: refused.
    assert_eq!(
        p.submit(
            signed(&chain, "//Charlie", 0, transfer("//Alice", 1)),
            &chain.state
        ),
        Err(Rejection::PoolFull)
    );
    // Higher fee: the lowest (newest among equals) goes.
    let register = Call::SubtensorModule(SubtensorCall::register_network {
        hotkey: account("//DaveHot"),
    });
    let admitted = p
        .submit(signed(&chain, "//Dave", 0, register), &chain.state)
        .unwrap();
    assert_eq!(admitted.removed.len(), 1);
    assert_eq!(admitted.removed[0].reason, "Evicted");
    assert_ne!(
        admitted.removed[0].hash, low,
        "among equal fees the newest is evicted first"
    );
    assert_eq!(p.len(), 2);
}

#[test]
fn ready_is_in_nonce_order_and_prune_drops_included_and_stale() {
    let mut chain = TestChain::dev();
    let mut p = pool(&chain, Limits::default());
    let x2 = signed(&chain, "//Alice", 2, transfer("//Bob", 3));
    let x0 = signed(&chain, "//Alice", 0, transfer("//Bob", 1));
    let b0 = signed(&chain, "//Bob", 0, transfer("//Alice", 1));
    let x1 = signed(&chain, "//Alice", 1, transfer("//Bob", 2));
    for x in [&x2, &x0, &b0, &x1] {
        p.submit(x.clone(), &chain.state).unwrap();
    }
    let ready: Vec<Vec<u8>> = p.ready().iter().map(|t| t.bytes.clone()).collect();
    assert_eq!(ready, vec![x0.clone(), x1.clone(), x2.clone(), b0.clone()]);
    // Alice's first two are included in a block; prune drops them and nothing else.
    chain.next_block(&[x0.clone(), x1.clone()]);
    let included = [
        agora_primitives::hashing::blake2_256(&x0),
        agora_primitives::hashing::blake2_256(&x1),
    ];
    let stale = p.prune(&included, &chain.state);
    assert!(stale.is_empty());
    assert_eq!(p.len(), 2);
    // Bob's nonce 0 is used by another transaction: his pooled one becomes stale.
    let other = signed(&chain, "//Bob", 0, transfer("//Charlie", 5));
    chain.next_block(&[other]);
    let stale = p.prune(&[], &chain.state);
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].reason, "Stale");
    assert_eq!(p.len(), 1);
}
