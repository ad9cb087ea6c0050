//! The block lifecycle: epoch scheduling (tempo, the per-block epoch cap and deferral, the
//! safety net, skipped slots), alpha emission into pending pools, and stored epoch outputs.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_runtime::event::{Event, SubtensorEvent};
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::storage::*;
use agora_runtime::testing::{TAO, TestChain, dev_genesis};

fn subnet(netuid: u16, tempo: u64, started: bool) -> GenesisSubnet {
    GenesisSubnet {
        netuid,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: format!("//Owner{netuid}"),
        started,
        params: [("Tempo".to_string(), tempo)].into(),
        neurons: vec![GenesisNeuron {
            hotkey: format!("//Val{netuid}"),
            coldkey: "//Bob".into(),
            stake: 100 * TAO,
        }],
        ..Default::default()
    }
}

fn epoch_events(events: &[Event]) -> (Vec<u16>, Vec<u16>) {
    let mut deferred = Vec::new();
    let mut skipped = Vec::new();
    for e in events {
        match e {
            Event::SubtensorModule(SubtensorEvent::EpochDeferred { netuid, .. }) => {
                deferred.push(*netuid)
            }
            Event::SubtensorModule(SubtensorEvent::EpochSkipped { netuid, .. }) => {
                skipped.push(*netuid)
            }
            _ => {}
        }
    }
    (deferred, skipped)
}

#[test]
fn epochs_fire_every_tempo_blocks_after_the_last_one() {
    let mut cfg = dev_genesis();
    cfg.subnets.push(subnet(1, 10, true));
    let mut chain = TestChain::new(&cfg);
    chain.run_to_block(9);
    assert_eq!(chain.read(|st| SUBNET_EPOCH_INDEX.get(st, &1)), 0);
    chain.run_to_block(10);
    chain.read(|st| {
        assert_eq!(SUBNET_EPOCH_INDEX.get(st, &1), 1);
        assert_eq!(LAST_EPOCH_BLOCK.get(st, &1), 10);
        assert_eq!(LAST_MECHANISM_STEP_BLOCK.get(st, &1), 10);
        assert_eq!(BLOCKS_SINCE_LAST_STEP.get(st, &1), 0);
        // Outputs are stored per subnet and per mechanism, one entry per uid.
        assert_eq!(ACTIVE.get(st, &1).len(), 2);
        assert_eq!(EMISSION.get(st, &1).len(), 2);
        assert_eq!(INCENTIVE.get(st, &netuid_index(1, 0)).len(), 2);
        assert_eq!(VALIDATOR_PERMIT.get(st, &1), vec![true, true]);
        // Pending pools were drained.
        assert_eq!(PENDING_SERVER_EMISSION.get(st, &1), 0);
        assert_eq!(PENDING_VALIDATOR_EMISSION.get(st, &1), 0);
    });
    chain.run_to_block(19);
    assert_eq!(chain.read(|st| SUBNET_EPOCH_INDEX.get(st, &1)), 1);
    chain.run_to_block(20);
    assert_eq!(chain.read(|st| SUBNET_EPOCH_INDEX.get(st, &1)), 2);
}

#[test]
fn at_most_max_epochs_per_block_run_and_the_rest_are_deferred() {
    let mut cfg = dev_genesis();
    for n in 1..=3 {
        cfg.subnets.push(subnet(n, 10, true));
    }
    let mut chain = TestChain::new(&cfg);
    chain.run_to_block(9);
    // LastEpochBlock for every genesis subnet is 0, so all three are due at block 10; the
    // default cap is 2.
    chain.run_to_block(10);
    let (deferred, _) = epoch_events(&chain.last_events);
    assert_eq!(deferred, vec![3]);
    chain.read(|st| {
        assert_eq!(SUBNET_EPOCH_INDEX.get(st, &1), 1);
        assert_eq!(SUBNET_EPOCH_INDEX.get(st, &2), 1);
        assert_eq!(SUBNET_EPOCH_INDEX.get(st, &3), 0);
        assert_eq!(PENDING_EPOCH_AT.get(st, &3), 11);
    });
    chain.run_to_block(11);
    chain.read(|st| {
        assert_eq!(SUBNET_EPOCH_INDEX.get(st, &3), 1);
        assert_eq!(PENDING_EPOCH_AT.get(st, &3), 0);
        assert_eq!(LAST_EPOCH_BLOCK.get(st, &3), 11);
    });
}

#[test]
fn an_inconsistent_subnet_consumes_its_slot_without_running() {
    let mut cfg = dev_genesis();
    cfg.subnets.push(subnet(1, 10, true));
    let mut chain = TestChain::new(&cfg);
    chain.run_to_block(5);
    // Corrupt the uid map: the same hotkey at two uids.
    chain.with_ctx(|ctx| {
        let h = KEYS.get(&ctx.st, &(1, 0));
        KEYS.insert(&mut ctx.st, &(1, 1), &h);
    });
    chain.run_to_block(10);
    let (_, skipped) = epoch_events(&chain.last_events);
    assert_eq!(skipped, vec![1]);
    chain.read(|st| {
        assert_eq!(SUBNET_EPOCH_INDEX.get(st, &1), 1);
        assert_eq!(LAST_EPOCH_BLOCK.get(st, &1), 10);
        // The pending emission was kept for the next successful epoch.
        assert!(PENDING_SERVER_EMISSION.get(st, &1) > 0);
        assert_eq!(LAST_MECHANISM_STEP_BLOCK.get(st, &1), 0);
    });
}

#[test]
fn emitting_subnets_accumulate_alpha_and_unstarted_ones_do_not() {
    let mut cfg = dev_genesis();
    cfg.subnets.push(subnet(1, 100, true));
    cfg.subnets.push(subnet(2, 100, false));
    let mut chain = TestChain::new(&cfg);
    let out_before = chain.read(|st| SUBNET_ALPHA_OUT.get(st, &1));
    chain.run_to_block(3);
    chain.read(|st| {
        // 1 alpha per block (issuance far below the first halving), 18% owner cut,
        // the rest split evenly between miners and validators.
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &1) - out_before, 3 * TAO);
        let owner = PENDING_OWNER_CUT.get(st, &1);
        let server = PENDING_SERVER_EMISSION.get(st, &1);
        let validator = PENDING_VALIDATOR_EMISSION.get(st, &1);
        let per_block_owner = u64::try_from(u128::from(TAO) * 11_796 / 65_535).unwrap();
        assert!(owner.abs_diff(3 * per_block_owner) <= 3);
        assert!(server.abs_diff(validator) <= 3);
        assert!(owner + server + validator <= 3 * TAO);
        assert!(3 * TAO - (owner + server + validator) <= 6);
        assert_eq!(PENDING_SERVER_EMISSION.get(st, &2), 0);
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &2), 100 * TAO);
    });
}

#[test]
fn the_safety_net_forces_an_epoch_after_max_tempo_blocks() {
    let mut cfg = dev_genesis();
    cfg.subnets.push(subnet(1, 10, true));
    let mut chain = TestChain::new(&cfg);
    // Push the next automatic epoch far away and pretend no epoch ran for a long time.
    chain.with_ctx(|ctx| {
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &1, &1_000_000);
        BLOCKS_SINCE_LAST_STEP.insert(&mut ctx.st, &1, &50_400);
    });
    chain.run_to_block(1);
    assert_eq!(chain.read(|st| SUBNET_EPOCH_INDEX.get(st, &1)), 1);
}
