//! Fuzzing of the extrinsic decoder and of block application on untrusted bytes: random and
//! mutated extrinsics never panic, are refused as invalid, or are applied; an invalid one
//! leaves the state untouched.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_runtime::call::{BalancesCall, Call, SubtensorCall, SudoCall};
use agora_runtime::testing::{TestChain, account, key};
use agora_runtime::{BlockBuilder, Extrinsic};
use parity_scale_codec::Encode;
use proptest::prelude::*;

fn sample_calls() -> Vec<Call> {
    vec![
        Call::Balances(BalancesCall::transfer_keep_alive {
            dest: account("//Bob"),
            value: 1_000,
        }),
        Call::SubtensorModule(SubtensorCall::set_weights {
            netuid: 1,
            dests: vec![0, 1, 2],
            weights: vec![1, 2, 3],
            version_key: 0,
        }),
        Call::SubtensorModule(SubtensorCall::register_network {
            hotkey: account("//Hot"),
        }),
        Call::Sudo(SudoCall::sudo {
            call: Box::new(Call::Balances(BalancesCall::transfer_all {
                dest: account("//Bob"),
                keep_alive: true,
            })),
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Extrinsic::decode_bytes(&bytes);
        let chain = TestChain::dev();
        let mut b = BlockBuilder::new(&chain.state, 1, None);
        let before = b.state().root();
        if b.apply(&bytes).is_err() {
            prop_assert_eq!(before, b.state().root());
        }
    }

    #[test]
    fn mutated_extrinsics_never_panic_and_invalid_ones_change_nothing(
        which in 0usize..4,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let chain = TestChain::dev();
        let call = sample_calls().swap_remove(which);
        let mut bytes = chain.sign(&key("//Alice"), call);
        for (at, v) in edits {
            let i = at.index(bytes.len());
            bytes[i] = v;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let mut b = BlockBuilder::new(&chain.state, 1, None);
        let before = b.state().root();
        if b.apply(&bytes).is_err() {
            prop_assert_eq!(before, b.state().root());
        }
    }
}

#[test]
fn deeply_nested_sudo_is_refused_at_decode() {
    let mut call = Call::Balances(BalancesCall::transfer_all {
        dest: account("//Bob"),
        keep_alive: true,
    });
    for _ in 0..40 {
        call = Call::Sudo(SudoCall::sudo {
            call: Box::new(call),
        });
    }
    let chain = TestChain::dev();
    let xt = Extrinsic::sign(&key("//Alice"), &chain.genesis_hash(), 0, call).encode();
    assert!(Extrinsic::decode_bytes(&xt).is_err());
}

#[test]
fn oversized_input_is_refused_before_decoding() {
    let bytes = vec![1u8; agora_runtime::extrinsic::MAX_EXTRINSIC_LEN + 1];
    assert!(matches!(
        Extrinsic::decode_bytes(&bytes),
        Err(agora_runtime::TxError::TooLarge(_))
    ));
}
