//! The block lifecycle (protocol.md §2.0, §14.1): what runs at the start of every block, and
//! how an epoch is scheduled, fed from state and stored.
//!
//! `block_step`, in the reference's order (`ST/coinbase/block_step.rs:7-36`):
//! 1. registration prices: burn decay, per-block counters ([`neurons::on_block_registration`]);
//! 2. mint this block's TAO emission `E(TotalIssuance)` as a credit ([`coinbase::tao`]);
//! 3. *(reveal matured timelocked (drand) weight commits: not implemented, Agora has no drand
//!    beacon — see docs/runtime.md; this is where it would run)*;
//! 4. the coinbase ([`coinbase::run_coinbase`]): shares, injection, alpha split, then the epoch
//!    drains and distributions in netuid order;
//! 5. moving price EMA of every emitting subnet, after it was used for the shares;
//! 6. `RootProp` of every emitting subnet;
//! 7. pending childkeys of subnets whose epoch slot fired this block;
//! 8. auto root claims for coldkeys picked from the parent block hash;
//! 9. background population of the root-staker coldkey index.

use crate::coinbase::{self, root_claims};
use crate::ctx::Ctx;
use crate::epoch::{EpochInput, MechanismsOutput, run_mechanisms};
use crate::event::SubtensorEvent;
use crate::state::Overlay;
use crate::storage::*;
use crate::{neurons, weights};

/// `Tempo` bound above which an epoch is forced (`MAX_TEMPO`, the safety net of §3.8).
pub const MAX_TEMPO: u64 = 50_400;

/// Runs everything that happens at the start of block `ctx.block`, before its extrinsics.
pub fn on_initialize(ctx: &mut Ctx<'_>) {
    // 1.
    neurons::on_block_registration(ctx);
    // 2.
    let credit = coinbase::mint_block_emission(ctx);
    // 3. Timelocked (drand) reveals would run here, for every non-root subnet whose epoch is
    //    not deferred this block; Agora does not implement them (docs/runtime.md).
    // 4.
    coinbase::run_coinbase(ctx, credit);
    // 5., 6.
    coinbase::update_moving_prices(ctx);
    coinbase::update_root_prop(&mut ctx.st);
    // 7.
    crate::childkeys::try_set_pending_children(ctx);
    // 8.
    let parent = PARENT_HASH.get(&ctx.st);
    root_claims::run_auto_claim_root_divs(ctx, &parent);
    // 9.
    root_claims::populate_root_coldkey_staking_maps(&mut ctx.st);
}

/// Every non-root subnet, in netuid order.
pub fn non_root_subnets(st: &Overlay<'_>) -> Vec<NetUid> {
    NETWORKS_ADDED
        .iter(st)
        .into_iter()
        .filter(|(n, added)| *added && *n != ROOT_NETUID)
        .map(|(n, _)| n)
        .collect()
}

/// True if `netuid`'s epoch fires in block `now` (`should_run_epoch`, §3.8).
pub fn should_run_epoch(st: &Overlay<'_>, netuid: NetUid, now: u64) -> bool {
    let tempo = u64::from(TEMPO.get(st, &netuid));
    if tempo == 0 {
        return false;
    }
    let pending = PENDING_EPOCH_AT.get(st, &netuid);
    if pending > 0 && now >= pending {
        return true;
    }
    if BLOCKS_SINCE_LAST_STEP.get(st, &netuid) > MAX_TEMPO {
        return true;
    }
    now.saturating_sub(LAST_EPOCH_BLOCK.get(st, &netuid)) >= tempo
}

/// Blocks until the next automatic epoch (`u64::MAX` for tempo 0), ignoring triggers,
/// deferrals and the safety net (`blocks_until_next_auto_epoch`).
pub fn blocks_until_next_auto_epoch(st: &Overlay<'_>, netuid: NetUid, now: u64) -> u64 {
    let tempo = u64::from(TEMPO.get(st, &netuid));
    if tempo == 0 {
        return u64::MAX;
    }
    LAST_EPOCH_BLOCK
        .get(st, &netuid)
        .saturating_add(tempo)
        .saturating_sub(now)
}

/// Subnets that receive emission: not root, started, subtoken enabled, registration allowed
/// (`get_subnets_to_emit_to`, §2.2).
pub fn subnets_to_emit_to(st: &Overlay<'_>) -> Vec<NetUid> {
    non_root_subnets(st)
        .into_iter()
        .filter(|n| {
            FIRST_EMISSION_BLOCK_NUMBER.contains(st, n)
                && SUBTOKEN_ENABLED.get(st, n)
                && NETWORK_REGISTRATION_ALLOWED.get(st, n)
        })
        .collect()
}

/// Builds mechanism `mecid`'s epoch input from state (yuma.md §2).
pub fn epoch_input(st: &Overlay<'_>, netuid: NetUid, mecid: MechId, now: u64) -> EpochInput {
    let n = SUBNETWORK_N.get(st, &netuid);
    let idx = netuid_index(netuid, mecid);
    // Inherited stake per uid (`get_stake_weights_for_network`, §5.7), floored to rao as the
    // reference's `get_inherited_for_hotkey_on_subnet` returns it.
    let stakes = crate::childkeys::stake_weights_for_network(st, netuid);
    let floor = |x: agora_primitives::I64F64| x.saturating_to_num::<u64>();
    let owner_uid = SUBNET_OWNER_HOTKEY
        .try_get(st, &netuid)
        .and_then(|h| UIDS.try_get(st, &(netuid, h)));
    EpochInput {
        n,
        current_block: now,
        tempo: TEMPO.get(st, &netuid),
        activity_cutoff_factor_milli: ACTIVITY_CUTOFF_FACTOR_MILLI.get(st, &netuid),
        last_mechanism_step_block: LAST_MECHANISM_STEP_BLOCK.get(st, &netuid),
        last_update: LAST_UPDATE.get(st, &idx),
        block_at_registration: (0..n)
            .map(|uid| BLOCK_AT_REGISTRATION.get(st, &(netuid, uid)))
            .collect(),
        alpha_stake: stakes.iter().map(|w| floor(w.alpha)).collect(),
        tao_stake: stakes.iter().map(|w| floor(w.tao)).collect(),
        tao_weight: TAO_WEIGHT.get(st),
        stake_threshold: STAKE_THRESHOLD.get(st),
        owner_uid,
        validator_permit: VALIDATOR_PERMIT.get(st, &netuid),
        max_allowed_validators: MAX_ALLOWED_VALIDATORS.get(st, &netuid),
        weights: (0..n).map(|uid| WEIGHTS.get(st, &(idx, uid))).collect(),
        bonds: (0..n).map(|uid| BONDS.get(st, &(idx, uid))).collect(),
        kappa: KAPPA.get(st, &netuid),
        bonds_penalty: BONDS_PENALTY.get(st, &netuid),
        bonds_moving_average: BONDS_MOVING_AVERAGE.get(st, &netuid),
        liquid_alpha_enabled: LIQUID_ALPHA_ON.get(st, &netuid),
        alpha_low: ALPHA_VALUES.get(st, &netuid).0,
        alpha_high: ALPHA_VALUES.get(st, &netuid).1,
        alpha_sigmoid_steepness: ALPHA_SIGMOID_STEEPNESS.get(st, &netuid),
        yuma3_enabled: YUMA3_ON.get(st, &netuid),
        rao_emission: 0,
        commit_blocks: weights::commit_blocks(st, netuid, mecid, now),
    }
}

/// Runs every mechanism's epoch of `netuid` on `emission` and persists the outputs as the
/// reference does (`persist_mechanism_epoch_terms`, `persist_netuid_epoch_terms`).
pub fn run_epoch(ctx: &mut Ctx<'_>, netuid: NetUid, emission: u64) -> MechanismsOutput {
    let count = MECHANISM_COUNT_CURRENT.get(&ctx.st, &netuid).max(1);
    let inputs: Vec<EpochInput> = (0..count)
        .map(|mecid| epoch_input(&ctx.st, netuid, mecid, ctx.block))
        .collect();
    let split = MECHANISM_EMISSION_SPLIT.try_get(&ctx.st, &netuid);
    let out = run_mechanisms(&inputs, emission, split.as_deref());
    for (mecid, m) in (0..count).zip(&out.mechanisms) {
        let idx = netuid_index(netuid, mecid);
        INCENTIVE.insert(&mut ctx.st, &idx, &m.incentive);
        ctx.deposit(SubtensorEvent::IncentiveAlphaEmittedToMiners {
            netuid_index: idx,
            emissions: m.server_emission.clone(),
        });
        for (uid, row) in (0u16..).zip(&m.bonds) {
            BONDS.insert(&mut ctx.st, &(idx, uid), row);
        }
    }
    let s = &out.subnet;
    ACTIVE.insert(&mut ctx.st, &netuid, &s.active);
    EMISSION.insert(&mut ctx.st, &netuid, &s.emission);
    CONSENSUS.insert(&mut ctx.st, &netuid, &s.consensus);
    DIVIDENDS.insert(&mut ctx.st, &netuid, &s.dividends);
    VALIDATOR_TRUST.insert(&mut ctx.st, &netuid, &s.validator_trust);
    VALIDATOR_PERMIT.insert(&mut ctx.st, &netuid, &s.validator_permit);
    STAKE_WEIGHT.insert(&mut ctx.st, &netuid, &s.stake_weight);
    out
}
