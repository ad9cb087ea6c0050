//! Sudo: only the sudo key may dispatch as root; the inner call's failure is reported in
//! `Sudid`, not as the sudo call's error; the key can be replaced.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_runtime::call::{BalancesCall, Call, SudoCall};
use agora_runtime::event::{Event, SudoEvent};
use agora_runtime::storage::SUDO_KEY;
use agora_runtime::testing::{TAO, TestChain, account, key};
use agora_runtime::{Error, Origin};

fn force_transfer(value: u64) -> Call {
    Call::Balances(BalancesCall::force_transfer {
        source: account("//Bob"),
        dest: account("//Charlie"),
        value,
    })
}

fn sudo(call: Call) -> Call {
    Call::Sudo(SudoCall::sudo {
        call: Box::new(call),
    })
}

#[test]
fn sudo_key_dispatches_root_calls() {
    let mut chain = TestChain::dev();
    let before = chain.read(|st| agora_runtime::balances::free(st, &account("//Charlie")));
    assert_eq!(
        chain.submit(&key("//Alice"), sudo(force_transfer(TAO))),
        Ok(())
    );
    let after = chain.read(|st| agora_runtime::balances::free(st, &account("//Charlie")));
    assert_eq!(after, before + TAO);
    assert!(chain.last_events.iter().any(|e| matches!(
        e,
        Event::Sudo(SudoEvent::Sudid {
            sudo_result: Ok(())
        })
    )));
}

#[test]
fn inner_failure_is_reported_in_the_event_and_changes_nothing() {
    let mut chain = TestChain::dev();
    let r = chain.dispatch(
        Origin::Signed(account("//Alice")),
        sudo(force_transfer(u64::MAX)),
    );
    assert_eq!(r, Ok(()));
    assert_eq!(
        chain.last_events,
        vec![Event::Sudo(SudoEvent::Sudid {
            sudo_result: Err(Error::InsufficientBalance)
        })]
    );
}

#[test]
fn others_cannot_use_sudo_or_root_calls() {
    let mut chain = TestChain::dev();
    chain.assert_noop(
        Origin::Signed(account("//Bob")),
        sudo(force_transfer(1)),
        Error::RequireSudo,
    );
    chain.assert_noop(
        Origin::Signed(account("//Bob")),
        force_transfer(TAO),
        Error::BadOrigin,
    );
}

#[test]
fn set_key_moves_sudo() {
    let mut chain = TestChain::dev();
    let call = Call::Sudo(SudoCall::set_key {
        new: account("//Bob"),
    });
    assert_eq!(
        chain.dispatch(Origin::Signed(account("//Alice")), call),
        Ok(())
    );
    assert_eq!(chain.read(|st| SUDO_KEY.get(st)), Some(account("//Bob")));
    chain.assert_noop(
        Origin::Signed(account("//Alice")),
        sudo(force_transfer(1)),
        Error::RequireSudo,
    );
}
