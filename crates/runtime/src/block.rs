//! The block lifecycle (protocol.md §2.0): what runs at the start of every block, and how an
//! epoch is scheduled, fed from state and stored.
//!
//! Per block, in the reference's order:
//! 1. registration bookkeeping (burn decay, per-block counters);
//! 2. emission of alpha into each emitting subnet's pending pools ([`coinbase`]);
//! 3. for every non-root subnet in netuid order, the epoch scheduler ([`should_run_epoch`],
//!    at most `MaxEpochsPerBlock` epochs, the rest deferred a block), draining pending
//!    emission into the epochs that run;
//! 4. each drained subnet's epoch on its real state, outputs persisted as the reference
//!    persists them, payouts credited, `LastMechansimStepBlock` set.
//!
//! The TAO side of emission (minting, pool injection, price EMA, root dividends) belongs to
//! the economics issue; until then step 2 emits alpha only (see `docs/runtime.md`).

use agora_primitives::{AccountId, SafeDiv, U96F32};

use crate::ctx::Ctx;
use crate::emission::block_emission_for_issuance;
use crate::epoch::{EpochInput, MechanismsOutput, run_mechanisms};
use crate::event::SubtensorEvent;
use crate::staking;
use crate::state::Overlay;
use crate::storage::*;
use crate::{neurons, weights};

/// `Tempo` bound above which an epoch is forced (`MAX_TEMPO`, the safety net of §3.8).
pub const MAX_TEMPO: u64 = 50_400;

/// Runs everything that happens at the start of block `ctx.block`, before its extrinsics.
pub fn on_initialize(ctx: &mut Ctx<'_>) {
    neurons::on_block_registration(ctx);
    coinbase(ctx);
    let drained = drain_pending(ctx);
    for (netuid, pending) in drained {
        distribute_emission(ctx, netuid, pending);
        LAST_MECHANISM_STEP_BLOCK.insert(&mut ctx.st, &netuid, &ctx.block);
    }
    // Step 7: pending childkeys of the subnets whose epoch slot fired (§5.7).
    crate::childkeys::try_set_pending_children(ctx);
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

/// Alpha-side emission (§3.4, without the TAO side and root share, which the economics issue
/// adds): each emitting subnet mints its alpha block emission into `SubnetAlphaOut` and
/// accumulates it as pending owner cut, server and validator emission.
fn coinbase(ctx: &mut Ctx<'_>) {
    for netuid in subnets_to_emit_to(&ctx.st) {
        let issuance = SUBNET_ALPHA_IN
            .get(&ctx.st, &netuid)
            .saturating_add(SUBNET_ALPHA_OUT.get(&ctx.st, &netuid));
        let alpha_out = block_emission_for_issuance(issuance);
        SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &netuid, |a| *a = a.saturating_add(alpha_out));
        SUBNET_ALPHA_OUT_EMISSION.insert(&mut ctx.st, &netuid, &alpha_out);
        let alpha = U96F32::saturating_from_num(alpha_out);
        let mut rest = alpha;
        if OWNER_CUT_ENABLED.get(&ctx.st, &netuid) {
            let cut = U96F32::saturating_from_num(SUBNET_OWNER_CUT.get(&ctx.st))
                .safe_div(U96F32::saturating_from_num(u16::MAX));
            let owner = alpha.saturating_mul(cut);
            PENDING_OWNER_CUT.mutate(&mut ctx.st, &netuid, |p| {
                *p = p.saturating_add(owner.saturating_to_num::<u64>());
            });
            rest = alpha.saturating_sub(owner);
        }
        let server = rest.safe_div(U96F32::saturating_from_num(2u8));
        let validator = rest.saturating_sub(server);
        PENDING_SERVER_EMISSION.mutate(&mut ctx.st, &netuid, |p| {
            *p = p.saturating_add(server.saturating_to_num::<u64>());
        });
        PENDING_VALIDATOR_EMISSION.mutate(&mut ctx.st, &netuid, |p| {
            *p = p.saturating_add(validator.saturating_to_num::<u64>());
        });
    }
}

/// Pending amounts drained for one epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Miner emission.
    pub server: u64,
    /// Validator emission.
    pub validator: u64,
    /// Root alpha dividends.
    pub root: u64,
    /// Owner cut.
    pub owner_cut: u64,
}

/// True if no hotkey holds two uids (`is_epoch_input_state_consistent`).
fn epoch_input_consistent(st: &Overlay<'_>, netuid: NetUid) -> bool {
    let mut hotkeys: Vec<AccountId> = KEYS
        .iter_prefix(st, &netuid)
        .into_iter()
        .map(|(_, h)| h)
        .collect();
    let n = hotkeys.len();
    hotkeys.sort_unstable();
    hotkeys.dedup();
    hotkeys.len() == n
}

/// The epoch scheduler over every non-root subnet (`drain_pending`, §3.5).
fn drain_pending(ctx: &mut Ctx<'_>) -> Vec<(NetUid, Pending)> {
    let now = ctx.block;
    let max_epochs = u32::from(MAX_EPOCHS_PER_BLOCK.get(&ctx.st));
    let mut run = 0u32;
    let mut drained = Vec::new();
    for netuid in non_root_subnets(&ctx.st) {
        BLOCKS_SINCE_LAST_STEP.mutate(&mut ctx.st, &netuid, |b| *b = b.saturating_add(1));
        if !should_run_epoch(&ctx.st, netuid, now) {
            continue;
        }
        if run >= max_epochs {
            let next = now.saturating_add(1);
            PENDING_EPOCH_AT.insert(&mut ctx.st, &netuid, &next);
            ctx.deposit(SubtensorEvent::EpochDeferred {
                netuid,
                from_block: now,
                to_block: next,
            });
            continue;
        }
        if epoch_input_consistent(&ctx.st, netuid) {
            BLOCKS_SINCE_LAST_STEP.insert(&mut ctx.st, &netuid, &0);
            let pending = Pending {
                server: PENDING_SERVER_EMISSION
                    .take(&mut ctx.st, &netuid)
                    .unwrap_or(0),
                validator: PENDING_VALIDATOR_EMISSION
                    .take(&mut ctx.st, &netuid)
                    .unwrap_or(0),
                root: PENDING_ROOT_ALPHA_DIVS
                    .take(&mut ctx.st, &netuid)
                    .unwrap_or(0),
                owner_cut: PENDING_OWNER_CUT.take(&mut ctx.st, &netuid).unwrap_or(0),
            };
            drained.push((netuid, pending));
            run = run.saturating_add(1);
        } else {
            ctx.deposit(SubtensorEvent::EpochSkipped { netuid, block: now });
        }
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &netuid, &now);
        PENDING_EPOCH_AT.insert(&mut ctx.st, &netuid, &0);
        SUBNET_EPOCH_INDEX.mutate(&mut ctx.st, &netuid, |i| *i = i.saturating_add(1));
    }
    drained
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

/// True if `hotkey` is an owner hotkey of the subnet: the owner hotkey, or any registered
/// hotkey owned by the owner coldkey (§3.5).
fn is_owner_hotkey(st: &Overlay<'_>, netuid: NetUid, hotkey: &AccountId) -> bool {
    if SUBNET_OWNER_HOTKEY.try_get(st, &netuid).as_ref() == Some(hotkey) {
        return true;
    }
    let owner = SUBNET_OWNER.try_get(st, &netuid);
    owner.is_some() && OWNER.try_get(st, hotkey) == owner
}

/// Runs the epoch on the drained emission and pays it out (`distribute_emission`, §3.5).
///
/// Miner incentive goes to each miner hotkey's owner as stake, except owner hotkeys, whose
/// incentive is burned or recycled; validator emission (all of it if no miner earned
/// anything) goes to each validator's owner as stake; the owner cut goes to the owner
/// hotkey. Splitting dividends among nominators and between alpha and root stake comes with
/// the economics issue.
fn distribute_emission(ctx: &mut Ctx<'_>, netuid: NetUid, pending: Pending) {
    let to_epoch = pending
        .server
        .saturating_add(pending.validator)
        .saturating_add(pending.root);
    let out = run_epoch(ctx, netuid, to_epoch);
    let n = out.subnet.server_emission.len();
    let hotkeys: Vec<Option<AccountId>> = (0..n)
        .map(|uid| {
            u16::try_from(uid)
                .ok()
                .and_then(|u| KEYS.try_get(&ctx.st, &(netuid, u)))
        })
        .collect();

    let total_incentive: u128 = out
        .subnet
        .server_emission
        .iter()
        .map(|&x| u128::from(x))
        .sum();
    let mut withheld = 0u64;
    for (hotkey, &amount) in hotkeys.iter().zip(&out.subnet.server_emission) {
        let Some(hotkey) = hotkey else { continue };
        if amount == 0 {
            continue;
        }
        if is_owner_hotkey(&ctx.st, netuid, hotkey) {
            withheld = withheld.saturating_add(amount);
            if RECYCLE_OR_BURN.get(&ctx.st, &netuid) == 1 {
                SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &netuid, |a| *a = a.saturating_sub(amount));
            }
            continue;
        }
        let coldkey = OWNER.get(&ctx.st, hotkey);
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            hotkey,
            &coldkey,
            netuid,
            amount,
        );
    }
    let burned = if total_incentive == 0 {
        U96F32::saturating_from_num(0u8)
    } else {
        U96F32::saturating_from_num(withheld).safe_div(U96F32::saturating_from_num(total_incentive))
    };
    MINER_BURNED.insert(&mut ctx.st, &netuid, &burned.to_bits());

    // Validator pool: the drained validator (+ root) emission, plus the server emission when
    // no miner earned anything; split in proportion to the epoch's validator emission.
    let mut pool = pending.validator.saturating_add(pending.root);
    if total_incentive == 0 {
        pool = pool.saturating_add(pending.server);
    }
    ALPHA_DIVIDENDS_PER_SUBNET.clear_prefix(&mut ctx.st, &netuid);
    let weights: Vec<u64> = out.subnet.validator_emission.clone();
    let total_weight: u128 = weights.iter().map(|&x| u128::from(x)).sum();
    for (hotkey, &w) in hotkeys.iter().zip(&weights) {
        let Some(hotkey) = hotkey else { continue };
        if w == 0 || total_weight == 0 {
            continue;
        }
        let amount = u128::from(pool).saturating_mul(u128::from(w)) / total_weight;
        let amount = u64::try_from(amount).unwrap_or(u64::MAX);
        let coldkey = OWNER.get(&ctx.st, hotkey);
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            hotkey,
            &coldkey,
            netuid,
            amount,
        );
        ALPHA_DIVIDENDS_PER_SUBNET.insert(&mut ctx.st, &(netuid, *hotkey), &amount);
    }

    if pending.owner_cut > 0
        && let (Some(h), Some(c)) = (
            SUBNET_OWNER_HOTKEY.try_get(&ctx.st, &netuid),
            SUBNET_OWNER.try_get(&ctx.st, &netuid),
        )
    {
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &h,
            &c,
            netuid,
            pending.owner_cut,
        );
    }
}
