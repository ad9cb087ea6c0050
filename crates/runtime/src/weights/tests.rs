//! Tests of weights: every call's success path and every error, through the dispatcher (the
//! real-chain path, guards included) and, where the guards hide a pallet error, through the
//! pallet functions directly; plus an end-to-end commit → epoch → reveal on real blocks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use agora_primitives::AccountId;
use parity_scale_codec::Compact;

use super::commit_reveal::{
    commit_hash, current_epoch_with_lookahead, do_batch_reveal_weights, do_reveal_weights,
};
use super::set::{do_set_weights, max_upscale};
use crate::call::{Call, SubtensorCall};
use crate::ctx::Ctx;
use crate::error::{DispatchResult, Error};
use crate::event::{Event, SubtensorEvent};
use crate::genesis::{GenesisNeuron, GenesisSubnet};
use crate::storage::*;
use crate::testing::{TAO, TestChain, account, dev_genesis};
use crate::types::{Origin, WeightCommit};

// ---------------------------------------------------------------- fixtures

/// Subnet 1: commit-reveal off. Subnet 2: commit-reveal on. Both: tempo 10, no rate limit,
/// uids 0 = //AliceHot (owner), 1 = //V1 (1 000 TAO), 2 = //V2 (500 TAO), 3 = //M1 (no stake).
fn chain() -> TestChain {
    let mut cfg = dev_genesis();
    for (netuid, cr) in [(1u16, 0u64), (2, 1)] {
        cfg.subnets.push(GenesisSubnet {
            netuid,
            owner_coldkey: "//Alice".into(),
            owner_hotkey: "//AliceHot".into(),
            started: true,
            params: [
                ("CommitRevealWeightsEnabled".to_string(), cr),
                ("WeightsSetRateLimit".to_string(), 0),
                ("Tempo".to_string(), 10),
            ]
            .into(),
            neurons: vec![
                GenesisNeuron {
                    hotkey: "//V1".into(),
                    coldkey: "//Bob".into(),
                    stake: 1000 * TAO,
                },
                GenesisNeuron {
                    hotkey: "//V2".into(),
                    coldkey: "//Charlie".into(),
                    stake: 500 * TAO,
                },
                GenesisNeuron {
                    hotkey: "//M1".into(),
                    coldkey: "//Dave".into(),
                    stake: 0,
                },
            ],
            ..Default::default()
        });
    }
    let mut chain = TestChain::new(&cfg);
    chain.with_ctx(|ctx| {
        for netuid in [1, 2] {
            VALIDATOR_PERMIT.insert(&mut ctx.st, &netuid, &vec![false, true, true, false]);
        }
    });
    chain
}

fn v1() -> AccountId {
    account("//V1")
}

fn signed(uri: &str) -> Origin {
    Origin::Signed(account(uri))
}

fn ev(e: SubtensorEvent) -> Event {
    Event::SubtensorModule(e)
}

fn set(netuid: NetUid, dests: &[u16], weights: &[u16], version_key: u64) -> Call {
    Call::SubtensorModule(SubtensorCall::set_weights {
        netuid,
        dests: dests.to_vec(),
        weights: weights.to_vec(),
        version_key,
    })
}

fn set_mech(netuid: NetUid, mecid: MechId, dests: &[u16], weights: &[u16]) -> Call {
    Call::SubtensorModule(SubtensorCall::set_mechanism_weights {
        netuid,
        mecid,
        dests: dests.to_vec(),
        weights: weights.to_vec(),
        version_key: 0,
    })
}

/// One batch item: (netuid, row, version key).
type BatchItem<'a> = (NetUid, &'a [(u16, u16)], u64);

fn batch_set(items: &[BatchItem<'_>]) -> Call {
    Call::SubtensorModule(SubtensorCall::batch_set_weights {
        netuids: items.iter().map(|(n, _, _)| Compact(*n)).collect(),
        weights: items
            .iter()
            .map(|(_, row, _)| {
                row.iter()
                    .map(|(u, v)| (Compact(*u), Compact(*v)))
                    .collect()
            })
            .collect(),
        version_keys: items.iter().map(|(_, _, k)| Compact(*k)).collect(),
    })
}

fn commit(netuid: NetUid, hash: [u8; 32]) -> Call {
    Call::SubtensorModule(SubtensorCall::commit_weights {
        netuid,
        commit_hash: hash,
    })
}

/// A reveal's preimage.
#[derive(Clone)]
struct Reveal {
    uids: Vec<u16>,
    values: Vec<u16>,
    salt: Vec<u16>,
    version_key: u64,
}

impl Reveal {
    fn new(uids: &[u16], values: &[u16], salt: u16) -> Self {
        Self {
            uids: uids.to_vec(),
            values: values.to_vec(),
            salt: vec![salt, 7, 7],
            version_key: 0,
        }
    }

    fn hash(&self, who: &AccountId, idx: u16) -> [u8; 32] {
        commit_hash(
            who,
            idx,
            &self.uids,
            &self.values,
            &self.salt,
            self.version_key,
        )
    }

    fn call(&self, netuid: NetUid) -> Call {
        Call::SubtensorModule(SubtensorCall::reveal_weights {
            netuid,
            uids: self.uids.clone(),
            values: self.values.clone(),
            salt: self.salt.clone(),
            version_key: self.version_key,
        })
    }

    fn pallet(&self, ctx: &mut Ctx<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
        do_reveal_weights(
            ctx,
            who,
            netuid,
            0,
            &self.uids,
            &self.values,
            &self.salt,
            self.version_key,
        )
    }
}

fn batch_reveal(netuid: NetUid, reveals: &[&Reveal]) -> Call {
    Call::SubtensorModule(SubtensorCall::batch_reveal_weights {
        netuid,
        uids_list: reveals.iter().map(|r| r.uids.clone()).collect(),
        values_list: reveals.iter().map(|r| r.values.clone()).collect(),
        salts_list: reveals.iter().map(|r| r.salt.clone()).collect(),
        version_keys: reveals.iter().map(|r| r.version_key).collect(),
    })
}

/// Runs a pallet function directly and asserts it fails with `err`, changing nothing.
fn assert_pallet_noop(
    chain: &mut TestChain,
    err: Error,
    f: impl FnOnce(&mut Ctx<'_>) -> DispatchResult,
) {
    let before = chain.root();
    assert_eq!(chain.with_ctx(f), Err(err));
    assert_eq!(before, chain.root(), "a failed call changed the state");
    assert!(chain.last_events.is_empty(), "a failed call emitted events");
}

fn weights_of(chain: &TestChain, idx: u16, uid: u16) -> Vec<(u16, u16)> {
    chain.read(|st| WEIGHTS.get(st, &(idx, uid)))
}

fn last_update(chain: &TestChain, idx: u16, uid: u16) -> u64 {
    chain.read(|st| LAST_UPDATE.get(st, &idx)[usize::from(uid)])
}

fn queue(chain: &TestChain, idx: u16, who: &AccountId) -> Option<Vec<WeightCommit>> {
    chain.read(|st| WEIGHT_COMMITS.try_get(st, &(idx, *who)))
}

// ---------------------------------------------------------------- upscaling

#[test]
fn max_upscale_matches_hand_computed_values() {
    // m ≤ 32768: round(v · 65535 / m), ties away from zero.
    assert_eq!(max_upscale(&[1, 2, 3]), vec![21_845, 43_690, 65_535]);
    // 3·65535/7 = 28086.43, 5·65535/7 = 46810.71, 65535/7 = 9362.14.
    assert_eq!(
        max_upscale(&[3, 7, 5, 1]),
        vec![28_086, 65_535, 46_811, 9_362]
    );
    // 65535/2 = 32767.5 rounds up; 16384·65535/32768 = 32767.5, 65535/32768 = 1.99997.
    assert_eq!(max_upscale(&[1, 2]), vec![32_768, 65_535]);
    assert_eq!(max_upscale(&[32_768, 16_384, 1]), vec![65_535, 32_768, 2]);
    // m > 32768: v · trunc_I32F32(65535 / m); 20000 · (65535/40000 truncated) falls just
    // short of 32767.5, so it rounds down where exact arithmetic would round up.
    assert_eq!(max_upscale(&[20_000, 40_000]), vec![32_767, 65_535]);
    assert_eq!(max_upscale(&[65_535, 1, 32_767]), vec![65_535, 1, 32_767]);
    // Zeros stay (as explicit entries); an all-zero row stays zero.
    assert_eq!(max_upscale(&[0, 5]), vec![0, 65_535]);
    assert_eq!(max_upscale(&[0, 0]), vec![0, 0]);
    assert_eq!(max_upscale(&[]), Vec::<u16>::new());
}

// ---------------------------------------------------------------- set_weights

#[test]
fn set_weights_stores_upscaled_row_last_update_and_event() {
    let mut c = chain();
    assert_eq!(
        c.dispatch(signed("//V1"), set(1, &[3, 0, 2], &[7, 3, 1], 0)),
        Ok(())
    );
    assert_eq!(
        weights_of(&c, 1, 1),
        vec![(3, 65_535), (0, 28_086), (2, 9_362)]
    );
    assert_eq!(last_update(&c, 1, 1), c.block + 1);
    assert_eq!(c.last_events, vec![ev(SubtensorEvent::WeightsSet(1, 1))]);
}

#[test]
fn set_weights_through_a_signed_extrinsic() {
    let mut c = chain();
    let call = set(1, &[0, 2], &[1, 2], 0);
    assert_eq!(c.submit(&crate::testing::key("//V1"), call), Ok(()));
    assert_eq!(weights_of(&c, 1, 1), vec![(0, 32_768), (2, 65_535)]);
    assert_eq!(last_update(&c, 1, 1), 1);
}

#[test]
fn set_mechanism_weights_uses_the_mechanism_index() {
    let mut c = chain();
    c.with_ctx(|ctx| MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &1, &2));
    assert_eq!(
        c.dispatch(signed("//V1"), set_mech(1, 1, &[0], &[5])),
        Ok(())
    );
    let idx = netuid_index(1, 1);
    assert_eq!(weights_of(&c, idx, 1), vec![(0, 65_535)]);
    assert!(weights_of(&c, 1, 1).is_empty());
    assert_eq!(c.last_events, vec![ev(SubtensorEvent::WeightsSet(idx, 1))]);
}

#[test]
fn set_weights_self_weight_and_owner_need_no_permit() {
    let mut c = chain();
    // //M1 (uid 3) has no permit: only a pure self-weight passes.
    c.assert_noop(
        signed("//M1"),
        set(1, &[3, 0], &[1, 1], 0),
        Error::NeuronNoValidatorPermit,
    );
    assert_eq!(c.dispatch(signed("//M1"), set(1, &[3], &[9], 0)), Ok(()));
    assert_eq!(weights_of(&c, 1, 3), vec![(3, 65_535)]);
    // The owner (uid 0) has no permit either but may set any weights.
    assert_eq!(
        c.dispatch(signed("//AliceHot"), set(1, &[1, 2], &[1, 1], 0)),
        Ok(())
    );
    assert_eq!(weights_of(&c, 1, 0), vec![(1, 65_535), (2, 65_535)]);
}

#[test]
fn set_weights_min_stake_guard_comes_first_and_exempts_the_owner() {
    let mut c = chain();
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2000 * TAO)));
    c.assert_noop(
        signed("//V1"),
        set(1, &[0], &[1], 0),
        Error::NotEnoughStakeToSetWeights,
    );
    // As on the reference chain, the dispatch guard precedes the commit-reveal refusal.
    c.assert_noop(
        signed("//V1"),
        set(2, &[0], &[1], 0),
        Error::NotEnoughStakeToSetWeights,
    );
    assert_eq!(
        c.dispatch(signed("//AliceHot"), set(1, &[1], &[1], 0)),
        Ok(())
    );
    // The pallet function checks it too (its step 6).
    assert_pallet_noop(&mut c, Error::NotEnoughStakeToSetWeights, |ctx| {
        do_set_weights(ctx, &v1(), 1, 0, &[0], &[1], 0)
    });
}

#[test]
fn set_weights_refused_while_commit_reveal_is_on() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        set(2, &[0], &[1], 0),
        Error::CommitRevealEnabled,
    );
    // Commit-reveal is on by default, so a subnet that does not exist says the same.
    c.assert_noop(
        signed("//V1"),
        set(7, &[0], &[1], 0),
        Error::CommitRevealEnabled,
    );
}

#[test]
fn set_weights_on_root_is_refused() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        set(0, &[0], &[1], 0),
        Error::CommitRevealEnabled,
    );
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &0, &false));
    c.assert_noop(
        signed("//V1"),
        set(0, &[0], &[1], 0),
        Error::CanNotSetRootNetworkWeights,
    );
}

#[test]
fn set_weights_lengths_must_match() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        set(1, &[0, 2], &[1], 0),
        Error::WeightVecNotEqualSize,
    );
}

#[test]
fn set_weights_mechanism_must_exist() {
    let mut c = chain();
    // Unregistered caller: the rate-limit guard does not apply, the body says which.
    c.assert_noop(
        signed("//Eve"),
        set_mech(1, 1, &[0], &[1]),
        Error::MechanismDoesNotExist,
    );
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &7, &false));
    c.assert_noop(
        signed("//V1"),
        set(7, &[0], &[1], 0),
        Error::MechanismDoesNotExist,
    );
    // Registered caller: the reference's rate-limit guard fails first on a missing mechanism.
    c.assert_noop(
        signed("//V1"),
        set_mech(1, 1, &[0], &[1]),
        Error::SettingWeightsTooFast,
    );
    assert_pallet_noop(&mut c, Error::MechanismDoesNotExist, |ctx| {
        do_set_weights(ctx, &v1(), 1, 1, &[0], &[1], 0)
    });
}

#[test]
fn set_weights_no_more_uids_than_neurons() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        set(1, &[0, 1, 2, 3, 4], &[1, 1, 1, 1, 1], 0),
        Error::UidsLengthExceedUidsInSubNet,
    );
}

#[test]
fn set_weights_hotkey_must_be_registered() {
    let mut c = chain();
    c.assert_noop(
        signed("//Eve"),
        set(1, &[0], &[1], 0),
        Error::HotKeyNotRegisteredInSubNet,
    );
}

#[test]
fn set_weights_version_key() {
    let mut c = chain();
    c.with_ctx(|ctx| WEIGHTS_VERSION_KEY.insert(&mut ctx.st, &1, &5));
    c.assert_noop(
        signed("//V1"),
        set(1, &[0], &[1], 4),
        Error::IncorrectWeightVersionKey,
    );
    assert_eq!(c.dispatch(signed("//V1"), set(1, &[0], &[1], 5)), Ok(()));
    assert_eq!(c.dispatch(signed("//V1"), set(1, &[0], &[1], 6)), Ok(()));
}

#[test]
fn set_weights_rate_limit_per_mechanism() {
    let mut c = chain();
    c.with_ctx(|ctx| {
        WEIGHTS_SET_RATE_LIMIT.insert(&mut ctx.st, &1, &10);
        MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &1, &2);
    });
    // LastUpdate is 0 (registered at genesis): the first set passes.
    assert_eq!(c.dispatch(signed("//V1"), set(1, &[0], &[1], 0)), Ok(()));
    c.assert_noop(
        signed("//V1"),
        set(1, &[0], &[1], 0),
        Error::SettingWeightsTooFast,
    );
    assert_pallet_noop(&mut c, Error::SettingWeightsTooFast, |ctx| {
        do_set_weights(ctx, &v1(), 1, 0, &[0], &[1], 0)
    });
    // Another mechanism has its own LastUpdate.
    assert_eq!(
        c.dispatch(signed("//V1"), set_mech(1, 1, &[0], &[1])),
        Ok(())
    );
    c.set_block(9);
    c.assert_noop(
        signed("//V1"),
        set(1, &[0], &[1], 0),
        Error::SettingWeightsTooFast,
    );
    c.set_block(10);
    assert_eq!(c.dispatch(signed("//V1"), set(1, &[0], &[1], 0)), Ok(()));
    assert_eq!(last_update(&c, 1, 1), 11);
}

#[test]
fn set_weights_duplicate_uids() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        set(1, &[0, 2, 0], &[1, 1, 1], 0),
        Error::DuplicateUids,
    );
}

#[test]
fn set_weights_invalid_uid() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        set(1, &[0, 9], &[1, 1], 0),
        Error::UidVecContainInvalidOne,
    );
}

#[test]
fn set_weights_min_allowed_weights() {
    let mut c = chain();
    c.with_ctx(|ctx| MIN_ALLOWED_WEIGHTS.insert(&mut ctx.st, &1, &3));
    c.assert_noop(
        signed("//V1"),
        set(1, &[0, 2], &[1, 1], 0),
        Error::WeightVecLengthIsLow,
    );
    assert_eq!(c.dispatch(signed("//V1"), set(1, &[1], &[1], 0)), Ok(()));
    assert_eq!(
        c.dispatch(signed("//V1"), set(1, &[0, 2, 3], &[1, 1, 1], 0)),
        Ok(())
    );
    // The minimum is capped by the subnet size.
    c.with_ctx(|ctx| MIN_ALLOWED_WEIGHTS.insert(&mut ctx.st, &1, &100));
    assert_eq!(
        c.dispatch(signed("//V1"), set(1, &[0, 1, 2, 3], &[1, 1, 1, 1], 0)),
        Ok(())
    );
}

// ---------------------------------------------------------------- batch_set_weights

#[test]
fn batch_set_weights_reports_failed_items_and_keeps_the_rest() {
    let mut c = chain();
    let call = batch_set(&[
        (1, &[(0, 1), (2, 3)], 0),
        (2, &[(0, 1)], 0),
        (1, &[(0, 1), (0, 2)], 0),
    ]);
    assert_eq!(c.dispatch(signed("//V1"), call), Ok(()));
    assert_eq!(weights_of(&c, 1, 1), vec![(0, 21_845), (2, 65_535)]);
    assert!(weights_of(&c, 2, 1).is_empty());
    assert_eq!(
        c.last_events,
        vec![
            ev(SubtensorEvent::WeightsSet(1, 1)),
            ev(SubtensorEvent::BatchCompletedWithErrors),
            ev(SubtensorEvent::BatchWeightItemFailed(
                2,
                Error::CommitRevealEnabled
            )),
            ev(SubtensorEvent::BatchWeightItemFailed(
                1,
                Error::DuplicateUids
            )),
            ev(SubtensorEvent::BatchWeightsCompleted(vec![1, 2, 1], v1())),
        ]
    );
}

#[test]
fn batch_set_weights_all_succeed() {
    let mut c = chain();
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &2, &false));
    let call = batch_set(&[(1, &[(0, 1)], 0), (2, &[(2, 2)], 0)]);
    assert_eq!(c.dispatch(signed("//V1"), call), Ok(()));
    assert_eq!(weights_of(&c, 1, 1), vec![(0, 65_535)]);
    assert_eq!(weights_of(&c, 2, 1), vec![(2, 65_535)]);
    assert_eq!(
        c.last_events,
        vec![
            ev(SubtensorEvent::WeightsSet(1, 1)),
            ev(SubtensorEvent::WeightsSet(2, 1)),
            ev(SubtensorEvent::BatchWeightsCompleted(vec![1, 2], v1())),
        ]
    );
}

#[test]
fn batch_set_weights_errors() {
    let mut c = chain();
    let uneven = Call::SubtensorModule(SubtensorCall::batch_set_weights {
        netuids: vec![Compact(1), Compact(2)],
        weights: vec![vec![(Compact(0), Compact(1))]],
        version_keys: vec![Compact(0), Compact(0)],
    });
    c.assert_noop(signed("//V1"), uneven, Error::InputLengthsUnequal);
    // The stake guard covers every listed subnet.
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2000 * TAO)));
    c.assert_noop(
        signed("//V1"),
        batch_set(&[(1, &[(0, 1)], 0)]),
        Error::NotEnoughStakeToSetWeights,
    );
}

// ---------------------------------------------------------------- commit_weights

#[test]
fn commit_weights_queues_the_commit_and_sets_last_update() {
    let mut c = chain();
    let h = [9u8; 32];
    assert_eq!(c.dispatch(signed("//V1"), commit(2, h)), Ok(()));
    assert_eq!(
        queue(&c, 2, &v1()),
        Some(vec![WeightCommit {
            hash: h,
            commit_epoch: 0,
            commit_block: 1,
            reveal_block: 0,
        }])
    );
    assert_eq!(last_update(&c, 2, 1), 1);
    assert_eq!(
        c.last_events,
        vec![ev(SubtensorEvent::WeightsCommitted(v1(), 2, h))]
    );
}

#[test]
fn commit_in_a_fire_block_belongs_to_the_next_epoch() {
    let mut c = chain();
    c.run_to_block(9);
    assert!(c.read(|st| current_epoch_with_lookahead(st, 2, 9)) == 0);
    assert!(c.read(|st| current_epoch_with_lookahead(st, 2, 10)) == 1);
    assert_eq!(c.dispatch(signed("//V1"), commit(2, [1; 32])), Ok(()));
    assert_eq!(queue(&c, 2, &v1()).unwrap()[0].commit_epoch, 1);
}

#[test]
fn commit_mechanism_weights_uses_the_mechanism_index() {
    let mut c = chain();
    c.with_ctx(|ctx| MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &2, &2));
    let call = Call::SubtensorModule(SubtensorCall::commit_mechanism_weights {
        netuid: 2,
        mecid: 1,
        commit_hash: [3; 32],
    });
    assert_eq!(c.dispatch(signed("//V1"), call), Ok(()));
    let idx = netuid_index(2, 1);
    assert_eq!(queue(&c, idx, &v1()).unwrap().len(), 1);
    assert_eq!(queue(&c, 2, &v1()), None);
    assert_eq!(
        c.last_events,
        vec![ev(SubtensorEvent::WeightsCommitted(v1(), idx, [3; 32]))]
    );
}

#[test]
fn commit_weights_errors() {
    let mut c = chain();
    c.assert_noop(
        signed("//V1"),
        commit(1, [1; 32]),
        Error::CommitRevealDisabled,
    );
    c.assert_noop(
        signed("//Eve"),
        commit(2, [1; 32]),
        Error::HotKeyNotRegisteredInSubNet,
    );
    let mech = |netuid| {
        Call::SubtensorModule(SubtensorCall::commit_mechanism_weights {
            netuid,
            mecid: 1,
            commit_hash: [1; 32],
        })
    };
    c.assert_noop(signed("//Eve"), mech(2), Error::MechanismDoesNotExist);
    c.assert_noop(
        signed("//Eve"),
        commit(7, [1; 32]),
        Error::MechanismDoesNotExist,
    );
    // Registered caller on a missing mechanism: the rate-limit guard fails first.
    c.assert_noop(signed("//V1"), mech(2), Error::CommittingWeightsTooFast);
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2000 * TAO)));
    c.assert_noop(
        signed("//V1"),
        commit(2, [1; 32]),
        Error::NotEnoughStakeToSetWeights,
    );
}

#[test]
fn commit_weights_rate_limit() {
    let mut c = chain();
    c.with_ctx(|ctx| WEIGHTS_SET_RATE_LIMIT.insert(&mut ctx.st, &2, &5));
    assert_eq!(c.dispatch(signed("//V1"), commit(2, [1; 32])), Ok(()));
    c.assert_noop(
        signed("//V1"),
        commit(2, [2; 32]),
        Error::CommittingWeightsTooFast,
    );
    assert_pallet_noop(&mut c, Error::CommittingWeightsTooFast, |ctx| {
        super::commit_reveal::do_commit_weights(ctx, &v1(), 2, 0, [2; 32])
    });
    c.set_block(5);
    assert_eq!(c.dispatch(signed("//V1"), commit(2, [2; 32])), Ok(()));
}

#[test]
fn commit_weights_at_most_ten_unrevealed_and_expired_ones_are_dropped() {
    let mut c = chain();
    for i in 0..10u8 {
        assert_eq!(c.dispatch(signed("//V1"), commit(2, [i; 32])), Ok(()));
    }
    c.assert_noop(
        signed("//V1"),
        commit(2, [10; 32]),
        Error::TooManyUnrevealedCommits,
    );
    // Epoch 2 (block 20) is past the epoch-0 commits' reveal epoch 1: they are dropped.
    c.run_to_block(20);
    assert_eq!(c.dispatch(signed("//V1"), commit(2, [10; 32])), Ok(()));
    let q = queue(&c, 2, &v1()).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].hash, [10; 32]);
    assert_eq!(q[0].commit_epoch, 2);
}

// ---------------------------------------------------------------- batch_commit_weights

#[test]
fn batch_commit_weights_reports_failed_items() {
    let mut c = chain();
    let call = Call::SubtensorModule(SubtensorCall::batch_commit_weights {
        netuids: vec![Compact(2), Compact(1)],
        commit_hashes: vec![[5; 32], [6; 32]],
    });
    assert_eq!(c.dispatch(signed("//V1"), call), Ok(()));
    assert_eq!(queue(&c, 2, &v1()).unwrap()[0].hash, [5; 32]);
    assert_eq!(queue(&c, 1, &v1()), None);
    assert_eq!(
        c.last_events,
        vec![
            ev(SubtensorEvent::WeightsCommitted(v1(), 2, [5; 32])),
            ev(SubtensorEvent::BatchCompletedWithErrors),
            ev(SubtensorEvent::BatchWeightItemFailed(
                1,
                Error::CommitRevealDisabled
            )),
            ev(SubtensorEvent::BatchWeightsCompleted(vec![2, 1], v1())),
        ]
    );
}

#[test]
fn batch_commit_weights_errors() {
    let mut c = chain();
    let uneven = Call::SubtensorModule(SubtensorCall::batch_commit_weights {
        netuids: vec![Compact(2)],
        commit_hashes: vec![],
    });
    c.assert_noop(signed("//V1"), uneven, Error::InputLengthsUnequal);
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2000 * TAO)));
    let call = Call::SubtensorModule(SubtensorCall::batch_commit_weights {
        netuids: vec![Compact(2)],
        commit_hashes: vec![[5; 32]],
    });
    c.assert_noop(signed("//V1"), call, Error::NotEnoughStakeToSetWeights);
}

// ---------------------------------------------------------------- reveal_weights

#[test]
fn commit_hash_is_blake2_of_the_scale_tuple() {
    let who = v1();
    let mut bytes = who.0.to_vec();
    bytes.extend_from_slice(&2u16.to_le_bytes());
    // Compact lengths: 2 → 0x08, 1 → 0x04, 3 → 0x0c.
    bytes.extend_from_slice(&[0x08, 0, 0, 2, 0]);
    bytes.extend_from_slice(&[0x04, 5, 0]);
    bytes.extend_from_slice(&[0x0c, 1, 0, 2, 0, 3, 0]);
    bytes.extend_from_slice(&7u64.to_le_bytes());
    assert_eq!(
        commit_hash(&who, 2, &[0, 2], &[5], &[1, 2, 3], 7),
        agora_primitives::hashing::blake2_256(&bytes)
    );
}

#[test]
fn commit_then_reveal_in_the_next_epoch_on_real_blocks() {
    let mut c = chain();
    let r = Reveal::new(&[0, 2, 3], &[1, 2, 3], 42);
    let h = r.hash(&v1(), 2);
    assert_eq!(c.dispatch(signed("//V1"), commit(2, h)), Ok(()));
    c.run_to_block(1);
    // Still epoch 0: too early.
    c.assert_noop(signed("//V1"), r.call(2), Error::RevealTooEarly);
    // Block 10 runs subnet 2's epoch (SubnetEpochIndex 0 → 1) on real blocks.
    c.run_to_block(10);
    assert_eq!(c.read(|st| SUBNET_EPOCH_INDEX.get(st, &2)), 1);
    assert!(c.read(|st| COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, &2)));
    assert!(
        c.read(|st| VALIDATOR_PERMIT.get(st, &2))[1],
        "the epoch keeps V1's permit"
    );
    assert_eq!(c.dispatch(signed("//V1"), r.call(2)), Ok(()));
    assert_eq!(
        weights_of(&c, 2, 1),
        vec![(0, 21_845), (2, 43_690), (3, 65_535)]
    );
    assert_eq!(queue(&c, 2, &v1()), None);
    // A reveal does not touch LastUpdate: it still holds the commit block.
    assert_eq!(last_update(&c, 2, 1), 1);
    assert_eq!(
        c.last_events,
        vec![
            ev(SubtensorEvent::WeightsSet(2, 1)),
            ev(SubtensorEvent::WeightsRevealed(v1(), 2, h)),
        ]
    );
    // Nothing is left to reveal.
    c.assert_noop(signed("//V1"), r.call(2), Error::NoWeightsCommitFound);
}

#[test]
fn reveal_after_expiry() {
    let mut c = chain();
    let r = Reveal::new(&[0], &[1], 1);
    assert_eq!(
        c.dispatch(signed("//V1"), commit(2, r.hash(&v1(), 2))),
        Ok(())
    );
    c.run_to_block(20);
    // The pallet says the commit expired (as the reference's unit tests see it) ...
    assert_pallet_noop(&mut c, Error::ExpiredWeightCommit, |ctx| {
        r.pallet(ctx, &v1(), 2)
    });
    // ... but on the reference chain the CheckWeights guard answers first: the hash is still
    // queued and the current epoch is not its reveal epoch.
    c.assert_noop(signed("//V1"), r.call(2), Error::RevealTooEarly);
}

#[test]
fn reveal_removes_every_commit_up_to_the_revealed_one() {
    let mut c = chain();
    let r1 = Reveal::new(&[0], &[1], 1);
    let r2 = Reveal::new(&[2], &[1], 2);
    let r3 = Reveal::new(&[3], &[1], 3);
    for r in [&r1, &r2, &r3] {
        assert_eq!(
            c.dispatch(signed("//V1"), commit(2, r.hash(&v1(), 2))),
            Ok(())
        );
    }
    c.run_to_block(10);
    assert_eq!(c.dispatch(signed("//V1"), r2.call(2)), Ok(()));
    let q = queue(&c, 2, &v1()).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].hash, r3.hash(&v1(), 2));
    c.assert_noop(signed("//V1"), r1.call(2), Error::NoWeightsCommitFound);
}

#[test]
fn reveal_mechanism_weights() {
    let mut c = chain();
    c.with_ctx(|ctx| MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &2, &2));
    let idx = netuid_index(2, 1);
    let r = Reveal::new(&[0, 2], &[4, 2], 5);
    let h = r.hash(&v1(), idx);
    let commit_call = Call::SubtensorModule(SubtensorCall::commit_mechanism_weights {
        netuid: 2,
        mecid: 1,
        commit_hash: h,
    });
    assert_eq!(c.dispatch(signed("//V1"), commit_call), Ok(()));
    c.run_to_block(10);
    let reveal = Call::SubtensorModule(SubtensorCall::reveal_mechanism_weights {
        netuid: 2,
        mecid: 1,
        uids: r.uids.clone(),
        values: r.values.clone(),
        salt: r.salt.clone(),
        version_key: 0,
    });
    assert_eq!(c.dispatch(signed("//V1"), reveal), Ok(()));
    assert_eq!(weights_of(&c, idx, 1), vec![(0, 65_535), (2, 32_768)]);
    assert!(weights_of(&c, 2, 1).is_empty());
    assert_eq!(
        c.last_events,
        vec![
            ev(SubtensorEvent::WeightsSet(idx, 1)),
            ev(SubtensorEvent::WeightsRevealed(v1(), idx, h)),
        ]
    );
}

#[test]
fn reveal_weights_errors() {
    let mut c = chain();
    let r = Reveal::new(&[0, 2], &[1, 1], 1);
    let other = Reveal::new(&[0, 2], &[1, 2], 1);
    // No queue at all.
    c.assert_noop(signed("//V1"), r.call(2), Error::NoWeightsCommitFound);
    assert_pallet_noop(&mut c, Error::NoWeightsCommitFound, |ctx| {
        r.pallet(ctx, &v1(), 2)
    });
    assert_eq!(
        c.dispatch(signed("//V1"), commit(2, r.hash(&v1(), 2))),
        Ok(())
    );
    c.run_to_block(10);
    // A preimage that matches no commit: the guard says NoWeightsCommitFound, the pallet
    // InvalidRevealCommitHashNotMatch.
    c.assert_noop(signed("//V1"), other.call(2), Error::NoWeightsCommitFound);
    assert_pallet_noop(&mut c, Error::InvalidRevealCommitHashNotMatch, |ctx| {
        other.pallet(ctx, &v1(), 2)
    });
    // The stake guard.
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2000 * TAO)));
    c.assert_noop(signed("//V1"), r.call(2), Error::NotEnoughStakeToSetWeights);
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &0));
    // The revealed weights still go through every set_weights check.
    c.with_ctx(|ctx| VALIDATOR_PERMIT.insert(&mut ctx.st, &2, &vec![false; 4]));
    c.assert_noop(signed("//V1"), r.call(2), Error::NeuronNoValidatorPermit);
    c.with_ctx(|ctx| VALIDATOR_PERMIT.insert(&mut ctx.st, &2, &vec![true; 4]));
    // Commit-reveal switched off after the commit.
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &2, &false));
    c.assert_noop(signed("//V1"), r.call(2), Error::CommitRevealDisabled);
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &2, &true));
    assert_eq!(c.dispatch(signed("//V1"), r.call(2)), Ok(()));
}

#[test]
fn reveal_expired_with_an_empty_live_queue_vs_a_live_one() {
    let mut c = chain();
    let old = Reveal::new(&[0], &[1], 1);
    let new = Reveal::new(&[2], &[1], 2);
    let unknown = Reveal::new(&[3], &[1], 3);
    assert_eq!(
        c.dispatch(signed("//V1"), commit(2, old.hash(&v1(), 2))),
        Ok(())
    );
    c.run_to_block(20);
    // Only expired entries: an unknown preimage finds nothing.
    assert_pallet_noop(&mut c, Error::NoWeightsCommitFound, |ctx| {
        unknown.pallet(ctx, &v1(), 2)
    });
    // A live commit is behind the expired one... (commit pops the expired entry itself, so
    // put the expired one back in front by hand).
    assert_eq!(
        c.dispatch(signed("//V1"), commit(2, new.hash(&v1(), 2))),
        Ok(())
    );
    c.with_ctx(|ctx| {
        WEIGHT_COMMITS.mutate(&mut ctx.st, &(2, v1()), |q| {
            q.insert(
                0,
                WeightCommit {
                    hash: old.hash(&v1(), 2),
                    commit_epoch: 0,
                    commit_block: 1,
                    reveal_block: 0,
                },
            );
        })
    });
    assert_pallet_noop(&mut c, Error::ExpiredWeightCommit, |ctx| {
        old.pallet(ctx, &v1(), 2)
    });
    assert_pallet_noop(&mut c, Error::InvalidRevealCommitHashNotMatch, |ctx| {
        unknown.pallet(ctx, &v1(), 2)
    });
    // The live one (committed in epoch 2) is not due before epoch 3.
    c.assert_noop(signed("//V1"), new.call(2), Error::RevealTooEarly);
}

// ---------------------------------------------------------------- batch_reveal_weights

#[test]
fn batch_reveal_weights_reveals_each_and_keeps_the_others() {
    let mut c = chain();
    let r1 = Reveal::new(&[0], &[1], 1);
    let r2 = Reveal::new(&[2, 3], &[1, 3], 2);
    let r3 = Reveal::new(&[3], &[1], 3);
    for r in [&r1, &r2, &r3] {
        assert_eq!(
            c.dispatch(signed("//V1"), commit(2, r.hash(&v1(), 2))),
            Ok(())
        );
    }
    c.run_to_block(10);
    assert_eq!(
        c.dispatch(signed("//V1"), batch_reveal(2, &[&r3, &r2])),
        Ok(())
    );
    // The last reveal's row wins; only the revealed entries left the queue.
    assert_eq!(weights_of(&c, 2, 1), vec![(2, 21_845), (3, 65_535)]);
    let q = queue(&c, 2, &v1()).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].hash, r1.hash(&v1(), 2));
    assert_eq!(
        c.last_events,
        vec![
            ev(SubtensorEvent::WeightsSet(2, 1)),
            ev(SubtensorEvent::WeightsSet(2, 1)),
            ev(SubtensorEvent::WeightsBatchRevealed(
                v1(),
                2,
                vec![r3.hash(&v1(), 2), r2.hash(&v1(), 2)]
            )),
        ]
    );
    assert_eq!(c.dispatch(signed("//V1"), batch_reveal(2, &[&r1])), Ok(()));
    assert_eq!(queue(&c, 2, &v1()), None);
}

#[test]
fn batch_reveal_weights_errors() {
    let mut c = chain();
    let good = Reveal::new(&[0], &[1], 1);
    let bad = Reveal::new(&[0, 0], &[1, 1], 2);
    let unknown = Reveal::new(&[3], &[1], 3);
    let uneven = Call::SubtensorModule(SubtensorCall::batch_reveal_weights {
        netuid: 2,
        uids_list: vec![vec![0]],
        values_list: vec![],
        salts_list: vec![vec![1]],
        version_keys: vec![0],
    });
    c.assert_noop(signed("//V1"), uneven, Error::InputLengthsUnequal);
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good]),
        Error::NoWeightsCommitFound,
    );
    for r in [&good, &bad] {
        assert_eq!(
            c.dispatch(signed("//V1"), commit(2, r.hash(&v1(), 2))),
            Ok(())
        );
    }
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good]),
        Error::RevealTooEarly,
    );
    c.run_to_block(10);
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good, &unknown]),
        Error::NoWeightsCommitFound,
    );
    let pallet = |rs: Vec<Reveal>| {
        move |ctx: &mut Ctx<'_>| {
            do_batch_reveal_weights(
                ctx,
                &v1(),
                2,
                &rs.iter().map(|r| r.uids.clone()).collect::<Vec<_>>(),
                &rs.iter().map(|r| r.values.clone()).collect::<Vec<_>>(),
                &rs.iter().map(|r| r.salt.clone()).collect::<Vec<_>>(),
                &rs.iter().map(|r| r.version_key).collect::<Vec<_>>(),
            )
        }
    };
    assert_pallet_noop(
        &mut c,
        Error::InvalidRevealCommitHashNotMatch,
        pallet(vec![good.clone(), unknown.clone()]),
    );
    // A failing item undoes the items before it.
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good, &bad]),
        Error::DuplicateUids,
    );
    assert_pallet_noop(
        &mut c,
        Error::DuplicateUids,
        pallet(vec![good.clone(), bad.clone()]),
    );
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2000 * TAO)));
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good]),
        Error::NotEnoughStakeToSetWeights,
    );
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &0));
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &2, &false));
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good]),
        Error::CommitRevealDisabled,
    );
    c.with_ctx(|ctx| COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &2, &true));
    c.run_to_block(20);
    assert_pallet_noop(
        &mut c,
        Error::ExpiredWeightCommit,
        pallet(vec![good.clone()]),
    );
    c.assert_noop(
        signed("//V1"),
        batch_reveal(2, &[&good]),
        Error::RevealTooEarly,
    );
}

// ---------------------------------------------------------------- commit_blocks

#[test]
fn commit_blocks_is_none_without_commit_reveal() {
    let c = chain();
    assert_eq!(c.read(|st| super::commit_blocks(st, 1, 0, 1)), None);
}

#[test]
fn commit_blocks_gives_the_earliest_live_commit_block_per_uid() {
    let mut c = chain();
    assert_eq!(
        c.read(|st| super::commit_blocks(st, 2, 0, 1)),
        Some(vec![u64::MAX; 4])
    );
    // V1 commits at block 1 (epoch 0); V2 at block 3 (epoch 0).
    assert_eq!(c.dispatch(signed("//V1"), commit(2, [1; 32])), Ok(()));
    c.run_to_block(2);
    assert_eq!(c.dispatch(signed("//V2"), commit(2, [2; 32])), Ok(()));
    c.run_to_block(10);
    // V1 commits again at block 11 (epoch 1).
    assert_eq!(c.dispatch(signed("//V1"), commit(2, [3; 32])), Ok(()));
    c.run_to_block(11);
    let now = 12;
    assert_eq!(
        c.read(|st| super::commit_blocks(st, 2, 0, now)),
        Some(vec![u64::MAX, 1, 3, u64::MAX])
    );
    // In block 20 epoch 2 fires: the epoch-0 commits expire, V1's epoch-1 commit is live.
    c.run_to_block(19);
    assert_eq!(
        c.read(|st| super::commit_blocks(st, 2, 0, 20)),
        Some(vec![u64::MAX, 11, u64::MAX, u64::MAX])
    );
    // Another mechanism has its own queues.
    c.with_ctx(|ctx| MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &2, &2));
    assert_eq!(
        c.read(|st| super::commit_blocks(st, 2, 1, 20)),
        Some(vec![u64::MAX; 4])
    );
}
