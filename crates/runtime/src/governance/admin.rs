//! The hyperparameter setters (`AU`, protocol.md §9.2) and their dispatch.
//!
//! Each setter follows the reference's order of checks exactly, because the first failing
//! check decides the error a client sees:
//! - owner-or-root setters: origin and owner rate limit, then the admin freeze window, then
//!   (where the reference checks it) subnet existence with admin-utils' `SubnetDoesNotExist`,
//!   then value bounds; the owner's rate-limit block is recorded only on success;
//! - root-only per-subnet setters: `BadOrigin` unless root, then the freeze window for calls
//!   4, 21, 24, 25, 27, 30, 66 and 79, then existence and bounds;
//! - global root setters: `BadOrigin` unless root, then bounds.
//!
//! Setters that the reference lets run on a netuid that does not exist (serving rate limit,
//! liquid alpha, transfer toggle, Yuma3, bonds reset, ...) do so here too.
//! A failed call leaves no trace: the dispatcher runs every call in a transactional layer.

use agora_primitives::AccountId;

use crate::balances::is_system_account;
use crate::ctx::{Ctx, ensure, ensure_root};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::storage::*;
use crate::subnets::subnet_exists;
use crate::types::Origin;

use super::call::AdminCall;
use super::event::ParamEvent;
use super::rate_limits::{
    FLOW_EMA_SMOOTHING_FACTOR, FLOW_NORM_EXPONENT, Hyperparameter as H, MIN_ACTIVITY_CUTOFF,
    NET_TAO_FLOW_ENABLED, OwnerLimit, SET_SN_OWNER_HOTKEY_RATE_LIMIT, TAO_FLOW_CUTOFF, U64F64_ONE,
    ensure_owner_or_root_with_limit, passes_rate_limit, record_owner_rl,
};
use super::{ensure_admin_window_open, ensure_subnet_owner_or_root};

/// `MinBurnUpperBound`: 1 TAO (`RT:1004`).
pub const MIN_BURN_UPPER_BOUND: u64 = 1_000_000_000;
/// `MaxBurnLowerBound`: 0.1 TAO (`RT:1005`).
pub const MAX_BURN_LOWER_BOUND: u64 = 100_000_000;
/// `DefaultMaxAllowedUids` (`RT:972`).
pub const DEFAULT_MAX_ALLOWED_UIDS: u16 = 256;
/// Owner cap on `BondsMovingAverage` (`AU` `sudo_set_bonds_moving_average`).
pub const OWNER_MAX_BONDS_MOVING_AVERAGE: u64 = 975_000;
/// `MaxBurnHalfLife` (`ST/lib.rs:356-358`).
pub const MAX_BURN_HALF_LIFE: u16 = 36_100;
/// `MinImmuneOwnerUidsLimit` / `MaxImmuneOwnerUidsLimit` (`ST/lib.rs:2243-2257`).
pub const IMMUNE_OWNER_UIDS_LIMIT_RANGE: (u16, u16) = (1, 10);
/// `MIN_COMMIT_REVEAL_PEROIDS` / `MAX_COMMIT_REVEAL_PEROIDS` (`ST/lib.rs:129-131`).
pub const REVEAL_PERIOD_RANGE: (u64, u64) = (1, 100);
/// `MAX_MECHANISM_COUNT_PER_SUBNET` (`ST/subnets/mechanism.rs:32`).
pub const MAX_MECHANISM_COUNT_PER_SUBNET: u8 = 16;
/// Smallest liquid-alpha bound, `u16::MAX / 40` (`ST/epoch/run_epoch.rs:1546-1576`).
pub const MIN_ALPHA_VALUE: u16 = u16::MAX / 40;

/// The common preamble of the owner-or-root setters: origin and owner rate limit, the freeze
/// window, and (if `check_exists`) `SubnetDoesNotExist`.
fn owner_or_root(
    ctx: &Ctx<'_>,
    origin: Origin,
    netuid: NetUid,
    limit: OwnerLimit,
    check_exists: bool,
) -> Result<Option<AccountId>, Error> {
    let maybe_owner = ensure_owner_or_root_with_limit(&ctx.st, origin, netuid, limit, ctx.block)?;
    ensure_admin_window_open(&ctx.st, netuid, ctx.block)?;
    if check_exists {
        exists(ctx, netuid)?;
    }
    Ok(maybe_owner)
}

/// Admin-utils' `SubnetDoesNotExist` unless the subnet exists.
fn exists(ctx: &Ctx<'_>, netuid: NetUid) -> DispatchResult {
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetDoesNotExist)
}

/// Root, then the freeze window, then existence (root-only setters 4, 21, 24, 25, 27, 30, 79).
fn root_windowed(ctx: &Ctx<'_>, origin: Origin, netuid: NetUid) -> DispatchResult {
    ensure_root(origin)?;
    ensure_admin_window_open(&ctx.st, netuid, ctx.block)?;
    exists(ctx, netuid)
}

/// Root, then existence.
fn root_existing(ctx: &Ctx<'_>, origin: Origin, netuid: NetUid) -> DispatchResult {
    ensure_root(origin)?;
    exists(ctx, netuid)
}

/// Records the owner's rate-limit block (no-op for root).
fn record(ctx: &mut Ctx<'_>, maybe_owner: Option<AccountId>, netuid: NetUid, limit: OwnerLimit) {
    let now = ctx.block;
    record_owner_rl(&mut ctx.st, maybe_owner, netuid, limit, now);
}

/// Dispatches a setter.
pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: AdminCall) -> DispatchResult {
    match call {
        // ------------------------------------------------------------ owner or root
        AdminCall::sudo_set_serving_rate_limit {
            netuid,
            serving_rate_limit,
        } => {
            let l = H::ServingRateLimit.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            SERVING_RATE_LIMIT.insert(&mut ctx.st, &netuid, &serving_rate_limit);
            ctx.deposit(ParamEvent::ServingRateLimitSet(netuid, serving_rate_limit));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_max_difficulty {
            netuid,
            max_difficulty,
        } => {
            let l = H::MaxDifficulty.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            MAX_DIFFICULTY.insert(&mut ctx.st, &netuid, &max_difficulty);
            ctx.deposit(ParamEvent::MaxDifficultySet(netuid, max_difficulty));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_weights_version_key {
            netuid,
            weights_version_key,
        } => {
            let l = OwnerLimit::WeightsVersionKey;
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            record(ctx, owner, netuid, l);
            WEIGHTS_VERSION_KEY.insert(&mut ctx.st, &netuid, &weights_version_key);
            ctx.deposit(ParamEvent::WeightsVersionKeySet(
                netuid,
                weights_version_key,
            ));
        }
        AdminCall::sudo_set_adjustment_alpha {
            netuid,
            adjustment_alpha,
        } => {
            let l = H::AdjustmentAlpha.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ADJUSTMENT_ALPHA.insert(&mut ctx.st, &netuid, &adjustment_alpha);
            ctx.deposit(ParamEvent::AdjustmentAlphaSet(netuid, adjustment_alpha));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_immunity_period {
            netuid,
            immunity_period,
        } => {
            let l = H::ImmunityPeriod.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            IMMUNITY_PERIOD.insert(&mut ctx.st, &netuid, &immunity_period);
            ctx.deposit(ParamEvent::ImmunityPeriodSet(netuid, immunity_period));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_min_allowed_weights {
            netuid,
            min_allowed_weights,
        } => {
            let l = H::MinAllowedWeights.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            MIN_ALLOWED_WEIGHTS.insert(&mut ctx.st, &netuid, &min_allowed_weights);
            ctx.deposit(ParamEvent::MinAllowedWeightSet(netuid, min_allowed_weights));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_max_allowed_uids {
            netuid,
            max_allowed_uids,
        } => {
            let l = H::MaxAllowedUids.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(
                max_allowed_uids >= MIN_ALLOWED_UIDS.get(&ctx.st, &netuid),
                Error::MaxAllowedUidsLessThanMinAllowedUids,
            )?;
            ensure(
                SUBNETWORK_N.get(&ctx.st, &netuid) <= max_allowed_uids,
                Error::MaxAllowedUIdsLessThanCurrentUIds,
            )?;
            ensure(
                max_allowed_uids <= DEFAULT_MAX_ALLOWED_UIDS,
                Error::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids,
            )?;
            let mechanisms = MECHANISM_COUNT_CURRENT.get(&ctx.st, &netuid);
            ensure_max_uids_over_all_mechanisms(max_allowed_uids, mechanisms)?;
            MAX_ALLOWED_UIDS.insert(&mut ctx.st, &netuid, &max_allowed_uids);
            ctx.deposit(ParamEvent::MaxAllowedUidsSet(netuid, max_allowed_uids));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_rho { netuid, rho } => {
            let l = H::Rho.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            RHO.insert(&mut ctx.st, &netuid, &rho);
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_activity_cutoff {
            netuid,
            activity_cutoff,
        } => {
            let l = H::ActivityCutoff.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(
                activity_cutoff >= MIN_ACTIVITY_CUTOFF.get(&ctx.st),
                Error::ActivityCutoffTooLow,
            )?;
            ACTIVITY_CUTOFF.insert(&mut ctx.st, &netuid, &activity_cutoff);
            ctx.deposit(ParamEvent::ActivityCutoffSet(netuid, activity_cutoff));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_min_burn { netuid, min_burn } => {
            let l = H::MinBurn.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(min_burn < MIN_BURN_UPPER_BOUND, Error::ValueNotInBounds)?;
            ensure(
                min_burn < MAX_BURN.get(&ctx.st, &netuid),
                Error::ValueNotInBounds,
            )?;
            MIN_BURN.insert(&mut ctx.st, &netuid, &min_burn);
            ctx.deposit(ParamEvent::MinBurnSet(netuid, min_burn));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_max_burn { netuid, max_burn } => {
            let l = H::MaxBurn.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(max_burn > MAX_BURN_LOWER_BOUND, Error::ValueNotInBounds)?;
            ensure(
                max_burn > MIN_BURN.get(&ctx.st, &netuid),
                Error::ValueNotInBounds,
            )?;
            MAX_BURN.insert(&mut ctx.st, &netuid, &max_burn);
            ctx.deposit(ParamEvent::MaxBurnSet(netuid, max_burn));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_bonds_moving_average {
            netuid,
            bonds_moving_average,
        } => {
            let l = H::BondsMovingAverage.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            // The owner cap is checked before existence, as in the reference.
            if owner.is_some() {
                ensure(
                    bonds_moving_average <= OWNER_MAX_BONDS_MOVING_AVERAGE,
                    Error::BondsMovingAverageMaxReached,
                )?;
            }
            exists(ctx, netuid)?;
            BONDS_MOVING_AVERAGE.insert(&mut ctx.st, &netuid, &bonds_moving_average);
            ctx.deposit(ParamEvent::BondsMovingAverageSet(
                netuid,
                bonds_moving_average,
            ));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_bonds_penalty {
            netuid,
            bonds_penalty,
        } => {
            let l = H::BondsPenalty.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            BONDS_PENALTY.insert(&mut ctx.st, &netuid, &bonds_penalty);
            ctx.deposit(ParamEvent::BondsPenaltySet(netuid, bonds_penalty));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_commit_reveal_weights_enabled { netuid, enabled } => {
            let l = H::CommitRevealEnabled.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            COMMIT_REVEAL_WEIGHTS_ENABLED.insert(&mut ctx.st, &netuid, &enabled);
            ctx.deposit(ParamEvent::CommitRevealEnabled(netuid, enabled));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_liquid_alpha_enabled { netuid, enabled } => {
            let l = H::LiquidAlphaEnabled.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            LIQUID_ALPHA_ON.insert(&mut ctx.st, &netuid, &enabled);
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_alpha_values {
            netuid,
            alpha_low,
            alpha_high,
        } => {
            let l = H::AlphaValues.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            // `do_set_alpha_values` (`ST/epoch/run_epoch.rs:1546-1576`).
            ensure(
                LIQUID_ALPHA_ON.get(&ctx.st, &netuid),
                Error::LiquidAlphaDisabled,
            )?;
            ensure(alpha_high >= MIN_ALPHA_VALUE, Error::AlphaHighTooLow)?;
            ensure(
                alpha_low >= MIN_ALPHA_VALUE && alpha_low <= alpha_high,
                Error::AlphaLowOutOfRange,
            )?;
            ALPHA_VALUES.insert(&mut ctx.st, &netuid, &(alpha_low, alpha_high));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_commit_reveal_weights_interval { netuid, interval } => {
            let l = H::WeightCommitInterval.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            // `set_reveal_period` (`ST/subnets/weights.rs:1294-1310`): upper bound first.
            ensure(
                interval <= REVEAL_PERIOD_RANGE.1,
                Error::RevealPeriodTooLarge,
            )?;
            ensure(
                interval >= REVEAL_PERIOD_RANGE.0,
                Error::RevealPeriodTooSmall,
            )?;
            REVEAL_PERIOD_EPOCHS.insert(&mut ctx.st, &netuid, &interval);
            ctx.deposit(ParamEvent::CommitRevealPeriodsSet(netuid, interval));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_toggle_transfer { netuid, toggle } => {
            let l = H::TransferEnabled.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            TRANSFER_TOGGLE.insert(&mut ctx.st, &netuid, &toggle);
            ctx.deposit(ParamEvent::TransferToggle(netuid, toggle));
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_subnet_owner_hotkey { netuid, hotkey }
        | AdminCall::sudo_set_sn_owner_hotkey { netuid, hotkey } => {
            set_sn_owner_hotkey(ctx, origin, netuid, hotkey)?;
        }
        AdminCall::sudo_set_alpha_sigmoid_steepness { netuid, steepness } => {
            let l = H::AlphaSigmoidSteepness.into();
            let is_root = origin == Origin::Root;
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(is_root || steepness >= 0, Error::NegativeSigmoidSteepness)?;
            ALPHA_SIGMOID_STEEPNESS.insert(&mut ctx.st, &netuid, &steepness);
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_yuma3_enabled { netuid, enabled } => {
            let l = H::Yuma3Enabled.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            YUMA3_ON.insert(&mut ctx.st, &netuid, &enabled);
            ctx.deposit(ParamEvent::Yuma3EnableToggled { netuid, enabled });
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_bonds_reset_enabled { netuid, enabled } => {
            let l = H::BondsResetEnabled.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            // `set_bonds_reset` deposits `BondsResetOnSet`, then AdminUtils its own event.
            BONDS_RESET_ON.insert(&mut ctx.st, &netuid, &enabled);
            ctx.deposit(ParamEvent::BondsResetOnSet(netuid, enabled));
            ctx.deposit(ParamEvent::BondsResetToggled { netuid, enabled });
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_owner_immune_neuron_limit {
            netuid,
            immune_neurons,
        } => {
            let l = H::ImmuneNeuronLimit.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            let (lo, hi) = IMMUNE_OWNER_UIDS_LIMIT_RANGE;
            ensure((lo..=hi).contains(&immune_neurons), Error::InvalidValue)?;
            IMMUNE_OWNER_UIDS_LIMIT.insert(&mut ctx.st, &netuid, &immune_neurons);
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_mechanism_count {
            netuid,
            mechanism_count,
        } => {
            let l = OwnerLimit::MechanismCount;
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            set_mechanism_count(ctx, netuid, mechanism_count)?;
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_mechanism_emission_split {
            netuid,
            maybe_split,
        } => {
            let l = OwnerLimit::MechanismEmission;
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            set_emission_split(ctx, netuid, maybe_split)?;
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_recycle_or_burn {
            netuid,
            recycle_or_burn,
        } => {
            let l = H::RecycleOrBurn.into();
            let owner = owner_or_root(ctx, origin, netuid, l, false)?;
            RECYCLE_OR_BURN.insert(&mut ctx.st, &netuid, &recycle_or_burn.as_u8());
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_burn_half_life {
            netuid,
            burn_half_life,
        } => {
            let l = H::BurnHalfLife.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(netuid != ROOT_NETUID, Error::NotPermittedOnRootSubnet)?;
            ensure(
                burn_half_life > 0 && burn_half_life <= MAX_BURN_HALF_LIFE,
                Error::InvalidValue,
            )?;
            BURN_HALF_LIFE.insert(&mut ctx.st, &netuid, &burn_half_life);
            ctx.deposit(ParamEvent::BurnHalfLifeSet {
                netuid,
                burn_half_life,
            });
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_burn_increase_mult {
            netuid,
            burn_increase_mult,
        } => {
            let l = H::BurnIncreaseMult.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(netuid != ROOT_NETUID, Error::NotPermittedOnRootSubnet)?;
            // 1 ≤ mult ≤ 3 as an exact U64F64 comparison.
            ensure(
                (U64F64_ONE..=U64F64_ONE.saturating_mul(3)).contains(&burn_increase_mult),
                Error::InvalidValue,
            )?;
            BURN_INCREASE_MULT.insert(&mut ctx.st, &netuid, &burn_increase_mult);
            ctx.deposit(ParamEvent::BurnIncreaseMultSet {
                netuid,
                burn_increase_mult,
            });
            record(ctx, owner, netuid, l);
        }
        AdminCall::sudo_set_owner_cut_enabled { netuid, enabled } => {
            // No owner rate limit (plain `ensure_subnet_owner_or_root`).
            ensure_subnet_owner_or_root(&ctx.st, origin, netuid)?;
            ensure_admin_window_open(&ctx.st, netuid, ctx.block)?;
            exists(ctx, netuid)?;
            ensure(netuid != ROOT_NETUID, Error::NotPermittedOnRootSubnet)?;
            OWNER_CUT_ENABLED.insert(&mut ctx.st, &netuid, &enabled);
        }
        AdminCall::sudo_set_owner_cut_auto_lock_enabled { netuid, enabled } => {
            ensure_subnet_owner_or_root(&ctx.st, origin, netuid)?;
            ensure_admin_window_open(&ctx.st, netuid, ctx.block)?;
            exists(ctx, netuid)?;
            ensure(netuid != ROOT_NETUID, Error::NotPermittedOnRootSubnet)?;
            OWNER_CUT_AUTO_LOCK_ENABLED.insert(&mut ctx.st, &netuid, &enabled);
        }
        AdminCall::sudo_set_min_childkey_take_per_subnet { netuid, take } => {
            let l = H::MinChildkeyTake.into();
            let owner = owner_or_root(ctx, origin, netuid, l, true)?;
            ensure(
                take >= MIN_CHILDKEY_TAKE.get(&ctx.st) && take <= MAX_CHILDKEY_TAKE.get(&ctx.st),
                Error::InvalidValue,
            )?;
            MIN_CHILDKEY_TAKE_PER_SUBNET.insert(&mut ctx.st, &netuid, &take);
            ctx.deposit(ParamEvent::MinChildKeyTakePerSubnetSet(netuid, take));
            record(ctx, owner, netuid, l);
        }

        // ------------------------------------------------------------ root, per subnet
        AdminCall::sudo_set_min_difficulty {
            netuid,
            min_difficulty,
        } => {
            root_windowed(ctx, origin, netuid)?;
            MIN_DIFFICULTY.insert(&mut ctx.st, &netuid, &min_difficulty);
            ctx.deposit(ParamEvent::MinDifficultySet(netuid, min_difficulty));
        }
        AdminCall::sudo_set_weights_set_rate_limit {
            netuid,
            weights_set_rate_limit,
        } => {
            root_existing(ctx, origin, netuid)?;
            WEIGHTS_SET_RATE_LIMIT.insert(&mut ctx.st, &netuid, &weights_set_rate_limit);
            ctx.deposit(ParamEvent::WeightsSetRateLimitSet(
                netuid,
                weights_set_rate_limit,
            ));
        }
        AdminCall::sudo_set_adjustment_interval {
            netuid,
            adjustment_interval,
        } => {
            root_existing(ctx, origin, netuid)?;
            ADJUSTMENT_INTERVAL.insert(&mut ctx.st, &netuid, &adjustment_interval);
            ctx.deposit(ParamEvent::AdjustmentIntervalSet(
                netuid,
                adjustment_interval,
            ));
        }
        AdminCall::sudo_set_kappa { netuid, kappa } => {
            root_existing(ctx, origin, netuid)?;
            KAPPA.insert(&mut ctx.st, &netuid, &kappa);
            ctx.deposit(ParamEvent::KappaSet(netuid, kappa));
        }
        AdminCall::sudo_set_network_registration_allowed {
            netuid,
            registration_allowed,
        } => {
            ensure_root(origin)?;
            NETWORK_REGISTRATION_ALLOWED.insert(&mut ctx.st, &netuid, &registration_allowed);
            ctx.deposit(ParamEvent::RegistrationAllowed(
                netuid,
                registration_allowed,
            ));
        }
        AdminCall::sudo_set_network_pow_registration_allowed { .. } => {
            // Removed in the reference: fails for every origin.
            return Err(Error::POWRegistrationDisabled);
        }
        AdminCall::sudo_set_target_registrations_per_interval {
            netuid,
            target_registrations_per_interval,
        } => {
            root_windowed(ctx, origin, netuid)?;
            TARGET_REGISTRATIONS_PER_INTERVAL.insert(
                &mut ctx.st,
                &netuid,
                &target_registrations_per_interval,
            );
            ctx.deposit(ParamEvent::RegistrationPerIntervalSet(
                netuid,
                target_registrations_per_interval,
            ));
        }
        AdminCall::sudo_set_difficulty { netuid, difficulty } => {
            root_windowed(ctx, origin, netuid)?;
            DIFFICULTY.insert(&mut ctx.st, &netuid, &difficulty);
            ctx.deposit(ParamEvent::DifficultySet(netuid, difficulty));
        }
        AdminCall::sudo_set_max_allowed_validators {
            netuid,
            max_allowed_validators,
        } => {
            root_windowed(ctx, origin, netuid)?;
            ensure(
                max_allowed_validators <= MAX_ALLOWED_UIDS.get(&ctx.st, &netuid),
                Error::MaxValidatorsLargerThanMaxUIds,
            )?;
            MAX_ALLOWED_VALIDATORS.insert(&mut ctx.st, &netuid, &max_allowed_validators);
            ctx.deposit(ParamEvent::MaxAllowedValidatorsSet(
                netuid,
                max_allowed_validators,
            ));
        }
        AdminCall::sudo_set_max_registrations_per_block {
            netuid,
            max_registrations_per_block,
        } => {
            root_windowed(ctx, origin, netuid)?;
            MAX_REGISTRATIONS_PER_BLOCK.insert(&mut ctx.st, &netuid, &max_registrations_per_block);
            ctx.deposit(ParamEvent::MaxRegistrationsPerBlockSet(
                netuid,
                max_registrations_per_block,
            ));
        }
        AdminCall::sudo_set_tempo { netuid, tempo } => {
            root_windowed(ctx, origin, netuid)?;
            // `apply_tempo_with_cycle_reset`: the next epoch is a full tempo from now.
            TEMPO.insert(&mut ctx.st, &netuid, &tempo);
            ctx.deposit(ParamEvent::TempoSet(netuid, tempo));
            let now = ctx.block;
            LAST_EPOCH_BLOCK.insert(&mut ctx.st, &netuid, &now);
        }
        AdminCall::sudo_set_rao_recycled {
            netuid,
            rao_recycled,
        } => {
            root_existing(ctx, origin, netuid)?;
            RAO_RECYCLED_FOR_REGISTRATION.insert(&mut ctx.st, &netuid, &rao_recycled);
            ctx.deposit(ParamEvent::RAORecycledForRegistrationSet(
                netuid,
                rao_recycled,
            ));
        }
        AdminCall::sudo_set_ema_price_halving_period {
            netuid,
            ema_halving,
        } => {
            ensure_root(origin)?;
            EMA_PRICE_HALVING_BLOCKS.insert(&mut ctx.st, &netuid, &ema_halving);
        }
        AdminCall::sudo_set_subtoken_enabled {
            netuid,
            subtoken_enabled,
        } => {
            ensure_root(origin)?;
            ensure_admin_window_open(&ctx.st, netuid, ctx.block)?;
            SUBTOKEN_ENABLED.insert(&mut ctx.st, &netuid, &subtoken_enabled);
        }
        AdminCall::sudo_set_min_allowed_uids {
            netuid,
            min_allowed_uids,
        } => {
            root_windowed(ctx, origin, netuid)?;
            ensure(
                min_allowed_uids < MAX_ALLOWED_UIDS.get(&ctx.st, &netuid),
                Error::MinAllowedUidsGreaterThanMaxAllowedUids,
            )?;
            ensure(
                min_allowed_uids < SUBNETWORK_N.get(&ctx.st, &netuid),
                Error::MinAllowedUidsGreaterThanCurrentUids,
            )?;
            MIN_ALLOWED_UIDS.insert(&mut ctx.st, &netuid, &min_allowed_uids);
            ctx.deposit(ParamEvent::MinAllowedUidsSet(netuid, min_allowed_uids));
        }
        AdminCall::sudo_set_min_non_immune_uids { netuid, min } => {
            ensure_root(origin)?;
            MIN_NON_IMMUNE_UIDS.insert(&mut ctx.st, &netuid, &min);
            ctx.deposit(ParamEvent::MinNonImmuneUidsSet(netuid, min));
        }
        AdminCall::sudo_set_subnet_emission_enabled { netuid, enabled } => {
            root_existing(ctx, origin, netuid)?;
            ensure(netuid != ROOT_NETUID, Error::NotPermittedOnRootSubnet)?;
            SUBNET_EMISSION_ENABLED.insert(&mut ctx.st, &netuid, &enabled);
            ctx.deposit(ParamEvent::SubnetEmissionEnabledSet { netuid, enabled });
        }

        // ------------------------------------------------------------ root, global
        AdminCall::sudo_set_default_take { default_take } => {
            ensure_root(origin)?;
            MAX_DELEGATE_TAKE.put(&mut ctx.st, &default_take);
            ctx.deposit(ParamEvent::MaxDelegateTakeSet(default_take));
        }
        AdminCall::sudo_set_tx_rate_limit { tx_rate_limit } => {
            ensure_root(origin)?;
            TX_RATE_LIMIT.put(&mut ctx.st, &tx_rate_limit);
            ctx.deposit(ParamEvent::TxRateLimitSet(tx_rate_limit));
        }
        AdminCall::sudo_set_subnet_owner_cut { subnet_owner_cut } => {
            ensure_root(origin)?;
            SUBNET_OWNER_CUT.put(&mut ctx.st, &subnet_owner_cut);
            ctx.deposit(ParamEvent::SubnetOwnerCutSet(subnet_owner_cut));
        }
        AdminCall::sudo_set_network_rate_limit { rate_limit } => {
            ensure_root(origin)?;
            NETWORK_RATE_LIMIT.put(&mut ctx.st, &rate_limit);
            ctx.deposit(ParamEvent::NetworkRateLimitSet(rate_limit));
        }
        AdminCall::sudo_set_total_issuance { .. } => {
            // Deprecated in the reference: fails for every origin.
            return Err(Error::Deprecated);
        }
        AdminCall::sudo_set_network_immunity_period { immunity_period } => {
            ensure_root(origin)?;
            NETWORK_IMMUNITY_PERIOD.put(&mut ctx.st, &immunity_period);
            ctx.deposit(ParamEvent::NetworkImmunityPeriodSet(immunity_period));
        }
        AdminCall::sudo_set_network_min_lock_cost { lock_cost } => {
            ensure_root(origin)?;
            NETWORK_MIN_LOCK_COST.put(&mut ctx.st, &lock_cost);
            ctx.deposit(ParamEvent::NetworkMinLockCostSet(lock_cost));
        }
        AdminCall::sudo_set_subnet_limit { max_subnets } => {
            ensure_root(origin)?;
            SUBNET_LIMIT.put(&mut ctx.st, &max_subnets);
            ctx.deposit(ParamEvent::SubnetLimitSet(max_subnets));
        }
        AdminCall::sudo_set_lock_reduction_interval { interval } => {
            ensure_root(origin)?;
            NETWORK_LOCK_REDUCTION_INTERVAL.put(&mut ctx.st, &interval);
            ctx.deposit(ParamEvent::NetworkLockCostReductionIntervalSet(interval));
        }
        AdminCall::sudo_set_stake_threshold { min_stake } => {
            ensure_root(origin)?;
            STAKE_THRESHOLD.put(&mut ctx.st, &min_stake);
            ctx.deposit(ParamEvent::StakeThresholdSet(min_stake));
        }
        AdminCall::sudo_set_nominator_min_required_stake { min_stake } => {
            ensure_root(origin)?;
            // A higher minimum clears the nominations now below it (`clear_small_nominations`).
            let previous = crate::staking::nominator_min_required_stake(&ctx.st);
            NOMINATOR_MIN_REQUIRED_STAKE.put(&mut ctx.st, &min_stake);
            if min_stake > previous {
                crate::staking::clear_small_nominations(ctx);
            }
        }
        AdminCall::sudo_set_tx_delegate_take_rate_limit { tx_rate_limit } => {
            ensure_root(origin)?;
            TX_DELEGATE_TAKE_RATE_LIMIT.put(&mut ctx.st, &tx_rate_limit);
            ctx.deposit(ParamEvent::TxDelegateTakeRateLimitSet(tx_rate_limit));
        }
        AdminCall::sudo_set_min_delegate_take { take } => {
            ensure_root(origin)?;
            MIN_DELEGATE_TAKE.put(&mut ctx.st, &take);
            ctx.deposit(ParamEvent::MinDelegateTakeSet(take));
        }
        AdminCall::sudo_set_dissolve_network_schedule_duration { duration } => {
            ensure_root(origin)?;
            DISSOLVE_NETWORK_SCHEDULE_DURATION.put(&mut ctx.st, &u64::from(duration));
            ctx.deposit(ParamEvent::DissolveNetworkScheduleDurationSet(duration));
        }
        AdminCall::sudo_set_evm_chain_id { chain_id } => {
            ensure_root(origin)?;
            EVM_CHAIN_ID.put(&mut ctx.st, &chain_id);
        }
        AdminCall::sudo_set_subnet_moving_alpha { alpha } => {
            ensure_root(origin)?;
            SUBNET_MOVING_ALPHA.put(&mut ctx.st, &alpha);
        }
        AdminCall::sudo_set_commit_reveal_version { version } => {
            ensure_root(origin)?;
            COMMIT_REVEAL_WEIGHTS_VERSION.put(&mut ctx.st, &version);
            ctx.deposit(ParamEvent::CommitRevealVersionSet(version));
        }
        AdminCall::sudo_set_ck_burn { burn } => {
            ensure_root(origin)?;
            CK_BURN.put(&mut ctx.st, &burn);
        }
        AdminCall::sudo_set_admin_freeze_window { window } => {
            ensure_root(origin)?;
            ADMIN_FREEZE_WINDOW.put(&mut ctx.st, &window);
            ctx.deposit(ParamEvent::AdminFreezeWindowSet(window));
        }
        AdminCall::sudo_set_owner_hparam_rate_limit { epochs } => {
            ensure_root(origin)?;
            OWNER_HYPERPARAM_RATE_LIMIT.put(&mut ctx.st, &epochs);
            ctx.deposit(ParamEvent::OwnerHyperparamRateLimitSet(epochs));
        }
        AdminCall::sudo_set_tao_flow_cutoff { flow_cutoff } => {
            ensure_root(origin)?;
            TAO_FLOW_CUTOFF.put(&mut ctx.st, &flow_cutoff);
        }
        AdminCall::sudo_set_tao_flow_normalization_exponent { exponent } => {
            ensure_root(origin)?;
            ensure(
                (U64F64_ONE..=U64F64_ONE.saturating_mul(2)).contains(&exponent),
                Error::InvalidValue,
            )?;
            FLOW_NORM_EXPONENT.put(&mut ctx.st, &exponent);
        }
        AdminCall::sudo_set_tao_flow_smoothing_factor { smoothing_factor } => {
            ensure_root(origin)?;
            FLOW_EMA_SMOOTHING_FACTOR.put(&mut ctx.st, &smoothing_factor);
        }
        AdminCall::sudo_set_net_tao_flow_enabled { enabled } => {
            ensure_root(origin)?;
            NET_TAO_FLOW_ENABLED.put(&mut ctx.st, &enabled);
        }
        AdminCall::sudo_set_start_call_delay { delay } => {
            ensure_root(origin)?;
            START_CALL_DELAY.put(&mut ctx.st, &delay);
            ctx.deposit(ParamEvent::StartCallDelaySet(delay));
        }
        AdminCall::sudo_set_coldkey_swap_announcement_delay { duration } => {
            ensure_root(origin)?;
            COLDKEY_SWAP_ANNOUNCEMENT_DELAY.put(&mut ctx.st, &u64::from(duration));
            ctx.deposit(ParamEvent::ColdkeySwapAnnouncementDelaySet(duration));
        }
        AdminCall::sudo_set_coldkey_swap_reannouncement_delay { duration } => {
            ensure_root(origin)?;
            COLDKEY_SWAP_REANNOUNCEMENT_DELAY.put(&mut ctx.st, &u64::from(duration));
            ctx.deposit(ParamEvent::ColdkeySwapReannouncementDelaySet(duration));
        }
        AdminCall::sudo_set_max_mechanism_count {
            max_mechanism_count,
        } => {
            ensure_root(origin)?;
            // `do_set_max_mechanism_count` (`ST/subnets/mechanism.rs:145-159`).
            ensure(max_mechanism_count > 0, Error::InvalidValue)?;
            ensure(
                max_mechanism_count <= MAX_MECHANISM_COUNT_PER_SUBNET,
                Error::InvalidValue,
            )?;
            MAX_MECHANISM_COUNT.put(&mut ctx.st, &max_mechanism_count);
        }
        AdminCall::sudo_set_max_epochs_per_block {
            max_epochs_per_block,
        } => {
            ensure_root(origin)?;
            ensure(max_epochs_per_block >= 1, Error::ValueNotInBounds)?;
            MAX_EPOCHS_PER_BLOCK.put(&mut ctx.st, &u16::from(max_epochs_per_block));
            ctx.deposit(ParamEvent::MaxEpochsPerBlockSet(max_epochs_per_block));
        }
    }
    Ok(())
}

/// `ensure_max_uids_over_all_mechanisms`: `max_uids × mechanisms ≤ 256`
/// (`ST/subnets/mechanism.rs:98-109`).
pub fn ensure_max_uids_over_all_mechanisms(max_uids: u16, mechanisms: MechId) -> DispatchResult {
    ensure(
        max_uids.saturating_mul(u16::from(mechanisms)) <= DEFAULT_MAX_ALLOWED_UIDS,
        Error::TooManyUIDsPerMechanism,
    )
}

/// `do_set_sn_owner_hotkey` (`ST/subnets/subnet.rs:431-464`), behind AU calls 64 and 67: owner
/// or root, `SubnetNotExists`, then one change per 50 400 blocks per subnet for owner and root
/// alike, no freeze window; system accounts are refused.
fn set_sn_owner_hotkey(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    netuid: NetUid,
    hotkey: AccountId,
) -> DispatchResult {
    ensure_subnet_owner_or_root(&ctx.st, origin, netuid)?;
    ensure(subnet_exists(&ctx.st, netuid), Error::SubnetNotExists)?;
    let last = LAST_OWNER_HOTKEY_CHANGE.get(&ctx.st, &netuid);
    ensure(
        passes_rate_limit(SET_SN_OWNER_HOTKEY_RATE_LIMIT, ctx.block, last),
        Error::TxRateLimitExceeded,
    )?;
    let now = ctx.block;
    LAST_OWNER_HOTKEY_CHANGE.insert(&mut ctx.st, &netuid, &now);
    ensure(!is_system_account(&hotkey), Error::CannotUseSystemAccount)?;
    SUBNET_OWNER_HOTKEY.insert(&mut ctx.st, &netuid, &hotkey);
    ctx.deposit(SubtensorEvent::SubnetOwnerHotkeySet(netuid, hotkey));
    Ok(())
}

/// `do_set_mechanism_count` (`ST/subnets/mechanism.rs:111-143`); a subnet that does not exist
/// is reported as `MechanismDoesNotExist`, as in the reference.
fn set_mechanism_count(ctx: &mut Ctx<'_>, netuid: NetUid, count: MechId) -> DispatchResult {
    ensure(subnet_exists(&ctx.st, netuid), Error::MechanismDoesNotExist)?;
    ensure(count > 0, Error::InvalidValue)?;
    ensure(
        count <= MAX_MECHANISM_COUNT.get(&ctx.st),
        Error::InvalidValue,
    )?;
    ensure_max_uids_over_all_mechanisms(MAX_ALLOWED_UIDS.get(&ctx.st, &netuid), count)?;
    ensure(count <= MAX_MECHANISM_COUNT_PER_SUBNET, Error::InvalidValue)?;
    update_mechanism_counts_if_needed(ctx, netuid, count);
    Ok(())
}

/// `update_mechanism_counts_if_needed`: on a change, the removed mechanisms' weights, bonds,
/// incentive, last-update and commits are deleted, the count stored and the split reset to
/// even.
fn update_mechanism_counts_if_needed(ctx: &mut Ctx<'_>, netuid: NetUid, new_count: MechId) {
    let old_count = MECHANISM_COUNT_CURRENT.get(&ctx.st, &netuid);
    if old_count == new_count {
        return;
    }
    for mecid in new_count..old_count {
        let idx = netuid_index(netuid, mecid);
        WEIGHTS.clear_prefix(&mut ctx.st, &idx);
        INCENTIVE.remove(&mut ctx.st, &idx);
        LAST_UPDATE.remove(&mut ctx.st, &idx);
        BONDS.clear_prefix(&mut ctx.st, &idx);
        WEIGHT_COMMITS.clear_prefix(&mut ctx.st, &idx);
    }
    MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &netuid, &new_count);
    MECHANISM_EMISSION_SPLIT.remove(&mut ctx.st, &netuid);
}

/// `do_set_emission_split` (`ST/subnets/mechanism.rs:200-225`): `None` resets to even; a split
/// must be non-empty, no longer than the mechanism count and sum to exactly 65 535.
fn set_emission_split(
    ctx: &mut Ctx<'_>,
    netuid: NetUid,
    maybe_split: Option<Vec<u16>>,
) -> DispatchResult {
    ensure(subnet_exists(&ctx.st, netuid), Error::MechanismDoesNotExist)?;
    match maybe_split {
        Some(split) => {
            ensure(!split.is_empty(), Error::InvalidValue)?;
            let count = usize::from(MECHANISM_COUNT_CURRENT.get(&ctx.st, &netuid));
            ensure(split.len() <= count, Error::InvalidValue)?;
            let total: u64 = split.iter().map(|s| u64::from(*s)).sum();
            ensure(total == u64::from(u16::MAX), Error::InvalidValue)?;
            MECHANISM_EMISSION_SPLIT.insert(&mut ctx.st, &netuid, &split);
        }
        None => MECHANISM_EMISSION_SPLIT.remove(&mut ctx.st, &netuid),
    }
    Ok(())
}
