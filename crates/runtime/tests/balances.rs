//! Transfers, fees, nonces and the issuance invariants through signed extrinsics.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_runtime::balances::{EXISTENTIAL_DEPOSIT, free};
use agora_runtime::call::{BalancesCall, Call};
use agora_runtime::storage::{BALANCES_ISSUANCE, TOTAL_ISSUANCE};
use agora_runtime::testing::{TAO, TestChain, account, key};
use agora_runtime::{Error, Origin, TxError};

fn transfer(dest: &str, value: u64) -> Call {
    Call::Balances(BalancesCall::transfer_allow_death {
        dest: account(dest),
        value,
    })
}

fn issuance_holds(chain: &TestChain) {
    chain.read(|st| {
        let sum = agora_runtime::balances::sum_of_balances(st);
        assert_eq!(u128::from(BALANCES_ISSUANCE.get(st)), sum);
        assert_eq!(TOTAL_ISSUANCE.get(st), BALANCES_ISSUANCE.get(st));
    });
}

#[test]
fn signed_transfer_pays_fee_and_moves_funds() {
    let mut chain = TestChain::dev();
    chain.author = Some(account("//Ferdie"));
    let before_bob = chain.read(|st| free(st, &account("//Bob")));
    let out_before = chain.read(|st| free(st, &account("//Alice")));
    assert_eq!(
        chain.submit(&key("//Alice"), transfer("//Bob", 5 * TAO)),
        Ok(())
    );
    let after_alice = chain.read(|st| free(st, &account("//Alice")));
    assert_eq!(
        chain.read(|st| free(st, &account("//Bob"))),
        before_bob + 5 * TAO
    );
    let fee = out_before - after_alice - 5 * TAO;
    assert!(fee > 0);
    issuance_holds(&chain);
}

#[test]
fn stale_and_future_nonces_and_bad_signatures_are_refused() {
    let mut chain = TestChain::dev();
    let xt = chain.sign(&key("//Alice"), transfer("//Bob", TAO));
    chain.next_block(std::slice::from_ref(&xt));
    let mut b = agora_runtime::BlockBuilder::new(&chain.state, 2, None);
    assert!(matches!(b.apply(&xt), Err(TxError::Stale { .. })));
    let mut tampered = xt.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(b.apply(&tampered).is_err());
    assert!(matches!(b.apply(&[1, 2, 3]), Err(TxError::BadEncoding(_))));
}

#[test]
fn failed_transfer_keeps_fee_and_nonce_only() {
    let mut chain = TestChain::dev();
    let r = chain.submit(&key("//Alice"), transfer("//Bob", 10_000_000 * TAO));
    assert_eq!(r, Err(Error::InsufficientBalance));
    issuance_holds(&chain);
    chain.assert_noop(
        Origin::Signed(account("//Alice")),
        transfer("//Zed", EXISTENTIAL_DEPOSIT - 1),
        Error::ExistentialDeposit,
    );
}
