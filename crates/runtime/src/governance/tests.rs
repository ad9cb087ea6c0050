//! Tests of the hyperparameter setters: one table row per setter drives the common checks
//! (root success with its state and events, `BadOrigin` for strangers, the owner's rate limit,
//! the freeze window), and separate tables cover bounds and per-call special cases.

use agora_primitives::AccountId;
use parity_scale_codec::Encode;

use super::rate_limits::{
    FLOW_EMA_SMOOTHING_FACTOR, FLOW_NORM_EXPONENT, NET_TAO_FLOW_ENABLED, TAO_FLOW_CUTOFF,
    TRANSACTION_KEY_LAST_BLOCK, U64F64_ONE,
};
use super::*;
use crate::call::Call;
use crate::event::{Event, SubtensorEvent};
use crate::genesis::GenesisSubnet;
use crate::state::Overlay;
use crate::storage::*;
use crate::testing::{TAO, TestChain, account, dev_genesis};

const NET: NetUid = 1;

/// Who may call a setter and how the owner is limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Owner or root; the owner is rate limited.
    Owner,
    /// Owner or root; no owner rate limit (92, 95).
    OwnerNoLimit,
    /// Owner or root; one change per 50 400 blocks for both (64, 67).
    OwnerHotkey,
    /// Root only.
    Root,
}

struct Case {
    name: &'static str,
    kind: Kind,
    /// Refused inside the admin freeze window.
    freeze: bool,
    call: fn() -> AdminCall,
    check: fn(&Overlay<'_>) -> bool,
    events: fn() -> Vec<Event>,
}

fn p(e: ParamEvent) -> Event {
    Event::Params(e)
}

fn charlie() -> AccountId {
    account("//Charlie")
}

macro_rules! case {
    ($kind:ident, $freeze:expr, $name:ident { $($arg:ident : $val:expr),* $(,)? },
     |$st:ident| $check:expr, [$($ev:expr),* $(,)?]) => {
        Case {
            name: stringify!($name),
            kind: Kind::$kind,
            freeze: $freeze,
            call: || AdminCall::$name { $($arg: $val),* },
            check: |$st| $check,
            events: || vec![$($ev),*],
        }
    };
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use ParamEvent as E;
    vec![
        // ---- owner or root
        case!(Owner, true, sudo_set_serving_rate_limit { netuid: NET, serving_rate_limit: 77 },
            |st| SERVING_RATE_LIMIT.get(st, &NET) == 77, [p(E::ServingRateLimitSet(NET, 77))]),
        case!(Owner, true, sudo_set_max_difficulty { netuid: NET, max_difficulty: 77 },
            |st| MAX_DIFFICULTY.get(st, &NET) == 77, [p(E::MaxDifficultySet(NET, 77))]),
        case!(Owner, true, sudo_set_weights_version_key { netuid: NET, weights_version_key: 77 },
            |st| WEIGHTS_VERSION_KEY.get(st, &NET) == 77, [p(E::WeightsVersionKeySet(NET, 77))]),
        case!(Owner, true, sudo_set_adjustment_alpha { netuid: NET, adjustment_alpha: 77 },
            |st| ADJUSTMENT_ALPHA.get(st, &NET) == 77, [p(E::AdjustmentAlphaSet(NET, 77))]),
        case!(Owner, true, sudo_set_immunity_period { netuid: NET, immunity_period: 77 },
            |st| IMMUNITY_PERIOD.get(st, &NET) == 77, [p(E::ImmunityPeriodSet(NET, 77))]),
        case!(Owner, true, sudo_set_min_allowed_weights { netuid: NET, min_allowed_weights: 77 },
            |st| MIN_ALLOWED_WEIGHTS.get(st, &NET) == 77, [p(E::MinAllowedWeightSet(NET, 77))]),
        case!(Owner, true, sudo_set_max_allowed_uids { netuid: NET, max_allowed_uids: 100 },
            |st| MAX_ALLOWED_UIDS.get(st, &NET) == 100, [p(E::MaxAllowedUidsSet(NET, 100))]),
        case!(Owner, true, sudo_set_rho { netuid: NET, rho: 77 },
            |st| RHO.get(st, &NET) == 77, []),
        case!(Owner, true, sudo_set_activity_cutoff { netuid: NET, activity_cutoff: 777 },
            |st| ACTIVITY_CUTOFF.get(st, &NET) == 777, [p(E::ActivityCutoffSet(NET, 777))]),
        case!(Owner, true, sudo_set_min_burn { netuid: NET, min_burn: 1_000 },
            |st| MIN_BURN.get(st, &NET) == 1_000, [p(E::MinBurnSet(NET, 1_000))]),
        case!(Owner, true, sudo_set_max_burn { netuid: NET, max_burn: 50 * TAO },
            |st| MAX_BURN.get(st, &NET) == 50 * TAO, [p(E::MaxBurnSet(NET, 50 * TAO))]),
        case!(Owner, true, sudo_set_bonds_moving_average { netuid: NET, bonds_moving_average: 975_000 },
            |st| BONDS_MOVING_AVERAGE.get(st, &NET) == 975_000,
            [p(E::BondsMovingAverageSet(NET, 975_000))]),
        case!(Owner, true, sudo_set_bonds_penalty { netuid: NET, bonds_penalty: 77 },
            |st| BONDS_PENALTY.get(st, &NET) == 77, [p(E::BondsPenaltySet(NET, 77))]),
        case!(Owner, true, sudo_set_commit_reveal_weights_enabled { netuid: NET, enabled: false },
            |st| !COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, &NET), [p(E::CommitRevealEnabled(NET, false))]),
        case!(Owner, true, sudo_set_liquid_alpha_enabled { netuid: NET, enabled: false },
            |st| !LIQUID_ALPHA_ON.get(st, &NET), []),
        case!(Owner, true, sudo_set_alpha_values { netuid: NET, alpha_low: 2_000, alpha_high: 60_000 },
            |st| ALPHA_VALUES.get(st, &NET) == (2_000, 60_000), []),
        case!(Owner, true, sudo_set_commit_reveal_weights_interval { netuid: NET, interval: 5 },
            |st| REVEAL_PERIOD_EPOCHS.get(st, &NET) == 5, [p(E::CommitRevealPeriodsSet(NET, 5))]),
        case!(Owner, true, sudo_set_toggle_transfer { netuid: NET, toggle: false },
            |st| !TRANSFER_TOGGLE.get(st, &NET), [p(E::TransferToggle(NET, false))]),
        case!(OwnerHotkey, false, sudo_set_subnet_owner_hotkey { netuid: NET, hotkey: charlie() },
            |st| SUBNET_OWNER_HOTKEY.get(st, &NET) == charlie(),
            [Event::SubtensorModule(SubtensorEvent::SubnetOwnerHotkeySet(NET, charlie()))]),
        case!(OwnerHotkey, false, sudo_set_sn_owner_hotkey { netuid: NET, hotkey: charlie() },
            |st| SUBNET_OWNER_HOTKEY.get(st, &NET) == charlie(),
            [Event::SubtensorModule(SubtensorEvent::SubnetOwnerHotkeySet(NET, charlie()))]),
        case!(Owner, true, sudo_set_alpha_sigmoid_steepness { netuid: NET, steepness: 500 },
            |st| ALPHA_SIGMOID_STEEPNESS.get(st, &NET) == 500, []),
        case!(Owner, true, sudo_set_yuma3_enabled { netuid: NET, enabled: false },
            |st| !YUMA3_ON.get(st, &NET),
            [p(E::Yuma3EnableToggled { netuid: NET, enabled: false })]),
        case!(Owner, true, sudo_set_bonds_reset_enabled { netuid: NET, enabled: true },
            |st| BONDS_RESET_ON.get(st, &NET),
            [p(E::BondsResetOnSet(NET, true)), p(E::BondsResetToggled { netuid: NET, enabled: true })]),
        case!(Owner, true, sudo_set_owner_immune_neuron_limit { netuid: NET, immune_neurons: 5 },
            |st| IMMUNE_OWNER_UIDS_LIMIT.get(st, &NET) == 5, []),
        case!(Owner, true, sudo_set_mechanism_count { netuid: NET, mechanism_count: 2 },
            |st| MECHANISM_COUNT_CURRENT.get(st, &NET) == 2, []),
        case!(Owner, true, sudo_set_mechanism_emission_split { netuid: NET, maybe_split: Some(vec![u16::MAX]) },
            |st| MECHANISM_EMISSION_SPLIT.get(st, &NET) == vec![u16::MAX], []),
        case!(Owner, true, sudo_set_recycle_or_burn { netuid: NET, recycle_or_burn: RecycleOrBurnEnum::Recycle },
            |st| RECYCLE_OR_BURN.get(st, &NET) == 1, []),
        case!(Owner, true, sudo_set_burn_half_life { netuid: NET, burn_half_life: 1_000 },
            |st| BURN_HALF_LIFE.get(st, &NET) == 1_000,
            [p(E::BurnHalfLifeSet { netuid: NET, burn_half_life: 1_000 })]),
        case!(Owner, true, sudo_set_burn_increase_mult { netuid: NET, burn_increase_mult: 2 * U64F64_ONE },
            |st| BURN_INCREASE_MULT.get(st, &NET) == 2 * U64F64_ONE,
            [p(E::BurnIncreaseMultSet { netuid: NET, burn_increase_mult: 2 * U64F64_ONE })]),
        case!(OwnerNoLimit, true, sudo_set_owner_cut_enabled { netuid: NET, enabled: false },
            |st| !OWNER_CUT_ENABLED.get(st, &NET), []),
        case!(Owner, true, sudo_set_min_childkey_take_per_subnet { netuid: NET, take: 100 },
            |st| MIN_CHILDKEY_TAKE_PER_SUBNET.get(st, &NET) == 100,
            [p(E::MinChildKeyTakePerSubnetSet(NET, 100))]),
        case!(OwnerNoLimit, true, sudo_set_owner_cut_auto_lock_enabled { netuid: NET, enabled: true },
            |st| OWNER_CUT_AUTO_LOCK_ENABLED.get(st, &NET), []),
        // ---- root, per subnet
        case!(Root, true, sudo_set_min_difficulty { netuid: NET, min_difficulty: 77 },
            |st| MIN_DIFFICULTY.get(st, &NET) == 77, [p(E::MinDifficultySet(NET, 77))]),
        case!(Root, false, sudo_set_weights_set_rate_limit { netuid: NET, weights_set_rate_limit: 77 },
            |st| WEIGHTS_SET_RATE_LIMIT.get(st, &NET) == 77, [p(E::WeightsSetRateLimitSet(NET, 77))]),
        case!(Root, false, sudo_set_adjustment_interval { netuid: NET, adjustment_interval: 77 },
            |st| ADJUSTMENT_INTERVAL.get(st, &NET) == 77, [p(E::AdjustmentIntervalSet(NET, 77))]),
        case!(Root, false, sudo_set_kappa { netuid: NET, kappa: 77 },
            |st| KAPPA.get(st, &NET) == 77, [p(E::KappaSet(NET, 77))]),
        case!(Root, false, sudo_set_network_registration_allowed { netuid: NET, registration_allowed: false },
            |st| !NETWORK_REGISTRATION_ALLOWED.get(st, &NET), [p(E::RegistrationAllowed(NET, false))]),
        case!(Root, true, sudo_set_target_registrations_per_interval { netuid: NET, target_registrations_per_interval: 7 },
            |st| TARGET_REGISTRATIONS_PER_INTERVAL.get(st, &NET) == 7,
            [p(E::RegistrationPerIntervalSet(NET, 7))]),
        case!(Root, true, sudo_set_difficulty { netuid: NET, difficulty: 77 },
            |st| DIFFICULTY.get(st, &NET) == 77, [p(E::DifficultySet(NET, 77))]),
        case!(Root, true, sudo_set_max_allowed_validators { netuid: NET, max_allowed_validators: 10 },
            |st| MAX_ALLOWED_VALIDATORS.get(st, &NET) == 10, [p(E::MaxAllowedValidatorsSet(NET, 10))]),
        case!(Root, true, sudo_set_max_registrations_per_block { netuid: NET, max_registrations_per_block: 7 },
            |st| MAX_REGISTRATIONS_PER_BLOCK.get(st, &NET) == 7, [p(E::MaxRegistrationsPerBlockSet(NET, 7))]),
        case!(Root, true, sudo_set_tempo { netuid: NET, tempo: 99 },
            |st| TEMPO.get(st, &NET) == 99, [p(E::TempoSet(NET, 99))]),
        case!(Root, false, sudo_set_rao_recycled { netuid: NET, rao_recycled: 77 },
            |st| RAO_RECYCLED_FOR_REGISTRATION.get(st, &NET) == 77,
            [p(E::RAORecycledForRegistrationSet(NET, 77))]),
        case!(Root, false, sudo_set_ema_price_halving_period { netuid: NET, ema_halving: 77 },
            |st| EMA_PRICE_HALVING_BLOCKS.get(st, &NET) == 77, []),
        case!(Root, true, sudo_set_subtoken_enabled { netuid: NET, subtoken_enabled: true },
            |st| SUBTOKEN_ENABLED.get(st, &NET), []),
        case!(Root, true, sudo_set_min_allowed_uids { netuid: NET, min_allowed_uids: 0 },
            |st| MIN_ALLOWED_UIDS.get(st, &NET) == 0, [p(E::MinAllowedUidsSet(NET, 0))]),
        case!(Root, false, sudo_set_min_non_immune_uids { netuid: NET, min: 7 },
            |st| MIN_NON_IMMUNE_UIDS.get(st, &NET) == 7, [p(E::MinNonImmuneUidsSet(NET, 7))]),
        case!(Root, false, sudo_set_subnet_emission_enabled { netuid: NET, enabled: false },
            |st| !SUBNET_EMISSION_ENABLED.get(st, &NET),
            [p(E::SubnetEmissionEnabledSet { netuid: NET, enabled: false })]),
        // ---- root, global
        case!(Root, false, sudo_set_default_take { default_take: 77 },
            |st| MAX_DELEGATE_TAKE.get(st) == 77, [p(E::MaxDelegateTakeSet(77))]),
        case!(Root, false, sudo_set_tx_rate_limit { tx_rate_limit: 77 },
            |st| TX_RATE_LIMIT.get(st) == 77, [p(E::TxRateLimitSet(77))]),
        case!(Root, false, sudo_set_subnet_owner_cut { subnet_owner_cut: 77 },
            |st| SUBNET_OWNER_CUT.get(st) == 77, [p(E::SubnetOwnerCutSet(77))]),
        case!(Root, false, sudo_set_network_rate_limit { rate_limit: 77 },
            |st| NETWORK_RATE_LIMIT.get(st) == 77, [p(E::NetworkRateLimitSet(77))]),
        case!(Root, false, sudo_set_network_immunity_period { immunity_period: 77 },
            |st| NETWORK_IMMUNITY_PERIOD.get(st) == 77, [p(E::NetworkImmunityPeriodSet(77))]),
        case!(Root, false, sudo_set_network_min_lock_cost { lock_cost: 77 },
            |st| NETWORK_MIN_LOCK_COST.get(st) == 77, [p(E::NetworkMinLockCostSet(77))]),
        case!(Root, false, sudo_set_subnet_limit { max_subnets: 77 },
            |st| SUBNET_LIMIT.get(st) == 77, [p(E::SubnetLimitSet(77))]),
        case!(Root, false, sudo_set_lock_reduction_interval { interval: 77 },
            |st| NETWORK_LOCK_REDUCTION_INTERVAL.get(st) == 77,
            [p(E::NetworkLockCostReductionIntervalSet(77))]),
        case!(Root, false, sudo_set_stake_threshold { min_stake: 77 },
            |st| STAKE_THRESHOLD.get(st) == 77, [p(E::StakeThresholdSet(77))]),
        case!(Root, false, sudo_set_nominator_min_required_stake { min_stake: 77 },
            |st| NOMINATOR_MIN_REQUIRED_STAKE.get(st) == 77, []),
        case!(Root, false, sudo_set_tx_delegate_take_rate_limit { tx_rate_limit: 77 },
            |st| TX_DELEGATE_TAKE_RATE_LIMIT.get(st) == 77, [p(E::TxDelegateTakeRateLimitSet(77))]),
        case!(Root, false, sudo_set_min_delegate_take { take: 77 },
            |st| MIN_DELEGATE_TAKE.get(st) == 77, [p(E::MinDelegateTakeSet(77))]),
        case!(Root, false, sudo_set_dissolve_network_schedule_duration { duration: 77 },
            |st| DISSOLVE_NETWORK_SCHEDULE_DURATION.get(st) == 77,
            [p(E::DissolveNetworkScheduleDurationSet(77))]),
        case!(Root, false, sudo_set_evm_chain_id { chain_id: 77 },
            |st| EVM_CHAIN_ID.get(st) == 77, []),
        case!(Root, false, sudo_set_subnet_moving_alpha { alpha: 77 },
            |st| SUBNET_MOVING_ALPHA.get(st) == 77, []),
        case!(Root, false, sudo_set_commit_reveal_version { version: 77 },
            |st| COMMIT_REVEAL_WEIGHTS_VERSION.get(st) == 77, [p(E::CommitRevealVersionSet(77))]),
        case!(Root, false, sudo_set_ck_burn { burn: 77 },
            |st| CK_BURN.get(st) == 77, []),
        case!(Root, false, sudo_set_admin_freeze_window { window: 77 },
            |st| ADMIN_FREEZE_WINDOW.get(st) == 77, [p(E::AdminFreezeWindowSet(77))]),
        case!(Root, false, sudo_set_owner_hparam_rate_limit { epochs: 77 },
            |st| OWNER_HYPERPARAM_RATE_LIMIT.get(st) == 77, [p(E::OwnerHyperparamRateLimitSet(77))]),
        case!(Root, false, sudo_set_tao_flow_cutoff { flow_cutoff: -77 },
            |st| TAO_FLOW_CUTOFF.get(st) == -77, []),
        case!(Root, false, sudo_set_tao_flow_normalization_exponent { exponent: 2 * U64F64_ONE },
            |st| FLOW_NORM_EXPONENT.get(st) == 2 * U64F64_ONE, []),
        case!(Root, false, sudo_set_tao_flow_smoothing_factor { smoothing_factor: 77 },
            |st| FLOW_EMA_SMOOTHING_FACTOR.get(st) == 77, []),
        case!(Root, false, sudo_set_net_tao_flow_enabled { enabled: false },
            |st| !NET_TAO_FLOW_ENABLED.get(st), []),
        case!(Root, false, sudo_set_start_call_delay { delay: 77 },
            |st| START_CALL_DELAY.get(st) == 77, [p(E::StartCallDelaySet(77))]),
        case!(Root, false, sudo_set_coldkey_swap_announcement_delay { duration: 77 },
            |st| COLDKEY_SWAP_ANNOUNCEMENT_DELAY.get(st) == 77,
            [p(E::ColdkeySwapAnnouncementDelaySet(77))]),
        case!(Root, false, sudo_set_coldkey_swap_reannouncement_delay { duration: 77 },
            |st| COLDKEY_SWAP_REANNOUNCEMENT_DELAY.get(st) == 77,
            [p(E::ColdkeySwapReannouncementDelaySet(77))]),
        case!(Root, false, sudo_set_max_mechanism_count { max_mechanism_count: 16 },
            |st| MAX_MECHANISM_COUNT.get(st) == 16, []),
        case!(Root, false, sudo_set_max_epochs_per_block { max_epochs_per_block: 7 },
            |st| MAX_EPOCHS_PER_BLOCK.get(st) == 7, [p(E::MaxEpochsPerBlockSet(7))]),
    ]
}

/// Subnet 1 owned by Alice (hotkey `//AliceHot`, one neuron), with max uids 128 so that two
/// mechanisms fit and liquid alpha on so that alpha values can be set.
fn chain() -> TestChain {
    let mut cfg = dev_genesis();
    cfg.subnets.push(GenesisSubnet {
        netuid: NET,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//AliceHot".into(),
        ..Default::default()
    });
    let mut chain = TestChain::new(&cfg);
    chain.with_ctx(|ctx| {
        MAX_ALLOWED_UIDS.insert(&mut ctx.st, &NET, &128);
        LIQUID_ALPHA_ON.insert(&mut ctx.st, &NET, &true);
    });
    chain
}

fn alice() -> Origin {
    Origin::Signed(account("//Alice"))
}

fn bob() -> Origin {
    Origin::Signed(account("//Bob"))
}

fn admin(call: AdminCall) -> Call {
    Call::AdminUtils(call)
}

/// Puts subnet 1 five blocks before its next automatic epoch (inside the 10-block window).
fn enter_freeze_window(chain: &mut TestChain) {
    chain.set_block(1_000);
    chain.with_ctx(|ctx| {
        let now = ctx.block;
        TEMPO.insert(&mut ctx.st, &NET, &360);
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &NET, &(now + 5 - 360));
    });
}

#[test]
fn every_setter_is_in_the_table_once() {
    let cases = cases();
    let mut names: Vec<_> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len());
    // 78 calls in the enum: the table plus the two always-failing ones.
    assert_eq!(cases.len() + 2, 78);
}

#[test]
fn root_sets_every_parameter_and_emits_the_reference_events() {
    for case in cases() {
        let mut chain = chain();
        assert!(!chain.read(case.check), "{}: value already set", case.name);
        assert_eq!(
            chain.dispatch(Origin::Root, admin((case.call)())),
            Ok(()),
            "{}",
            case.name
        );
        assert!(chain.read(case.check), "{}: value not written", case.name);
        assert_eq!(chain.last_events, (case.events)(), "{}", case.name);
    }
}

#[test]
fn a_stranger_gets_bad_origin_for_every_setter() {
    for case in cases() {
        let mut chain = chain();
        chain.assert_noop(bob(), admin((case.call)()), Error::BadOrigin);
    }
}

#[test]
fn the_owner_sets_owner_parameters_once_per_rate_limit_and_nothing_else() {
    for case in cases() {
        let mut chain = chain();
        match case.kind {
            Kind::Root => chain.assert_noop(alice(), admin((case.call)()), Error::BadOrigin),
            Kind::Owner | Kind::OwnerHotkey => {
                assert_eq!(
                    chain.dispatch(alice(), admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
                assert!(chain.read(case.check), "{}", case.name);
                assert_eq!(chain.last_events, (case.events)(), "{}", case.name);
                chain.assert_noop(alice(), admin((case.call)()), Error::TxRateLimitExceeded);
            }
            Kind::OwnerNoLimit => {
                assert_eq!(
                    chain.dispatch(alice(), admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
                assert!(chain.read(case.check), "{}", case.name);
                assert_eq!(
                    chain.dispatch(alice(), admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn root_is_not_rate_limited_except_for_the_owner_hotkey() {
    for case in cases() {
        let mut chain = chain();
        match case.kind {
            Kind::Owner | Kind::OwnerNoLimit => {
                assert_eq!(
                    chain.dispatch(alice(), admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
                assert_eq!(
                    chain.dispatch(Origin::Root, admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
                assert_eq!(
                    chain.dispatch(Origin::Root, admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
            }
            Kind::OwnerHotkey => {
                assert_eq!(
                    chain.dispatch(Origin::Root, admin((case.call)())),
                    Ok(()),
                    "{}",
                    case.name
                );
                chain.assert_noop(
                    Origin::Root,
                    admin((case.call)()),
                    Error::TxRateLimitExceeded,
                );
                chain.assert_noop(alice(), admin((case.call)()), Error::TxRateLimitExceeded);
            }
            Kind::Root => {}
        }
    }
}

#[test]
fn the_freeze_window_blocks_owner_and_root_where_the_reference_checks_it() {
    for case in cases() {
        let mut chain = chain();
        enter_freeze_window(&mut chain);
        if case.freeze {
            chain.assert_noop(
                Origin::Root,
                admin((case.call)()),
                Error::AdminActionProhibitedDuringWeightsWindow,
            );
            if case.kind != Kind::Root {
                chain.assert_noop(
                    alice(),
                    admin((case.call)()),
                    Error::AdminActionProhibitedDuringWeightsWindow,
                );
            }
        } else {
            assert_eq!(
                chain.dispatch(Origin::Root, admin((case.call)())),
                Ok(()),
                "{}",
                case.name
            );
            assert!(chain.read(case.check), "{}", case.name);
        }
    }
}

#[test]
fn a_pending_epoch_trigger_also_freezes() {
    let mut chain = chain();
    chain.with_ctx(|ctx| PENDING_EPOCH_AT.insert(&mut ctx.st, &NET, &50));
    chain.assert_noop(
        alice(),
        admin(AdminCall::sudo_set_rho {
            netuid: NET,
            rho: 1,
        }),
        Error::AdminActionProhibitedDuringWeightsWindow,
    );
}

#[test]
fn the_owner_rate_limit_is_owner_hparam_rate_limit_tempos() {
    let mut chain = chain();
    let call = || {
        admin(AdminCall::sudo_set_rho {
            netuid: NET,
            rho: 3,
        })
    };
    assert_eq!(chain.dispatch(alice(), call()), Ok(()));
    let first = chain.block + 1;
    assert_eq!(
        chain.read(|st| LAST_HYPERPARAM_SET.get(st, &(NET, 8))),
        first
    );
    // 2 tempos × 360 blocks; the window must stay open at both heights.
    chain.with_ctx(|ctx| LAST_EPOCH_BLOCK.insert(&mut ctx.st, &NET, &(first + 700)));
    chain.set_block(first + 720 - 2);
    chain.assert_noop(alice(), call(), Error::TxRateLimitExceeded);
    chain.set_block(first + 720 - 1);
    assert_eq!(chain.dispatch(alice(), call()), Ok(()));
    // Other hyperparameters have their own limit.
    assert_eq!(
        chain.dispatch(
            alice(),
            admin(AdminCall::sudo_set_bonds_penalty {
                netuid: NET,
                bonds_penalty: 1
            })
        ),
        Ok(())
    );
}

#[test]
fn the_weights_version_key_limit_is_five_tempos_per_owner_account() {
    let mut chain = chain();
    let call = |v| {
        admin(AdminCall::sudo_set_weights_version_key {
            netuid: NET,
            weights_version_key: v,
        })
    };
    assert_eq!(chain.dispatch(alice(), call(1)), Ok(()));
    let first = chain.block + 1;
    assert_eq!(
        chain.read(|st| TRANSACTION_KEY_LAST_BLOCK.get(st, &(account("//Alice"), NET, 4))),
        first
    );
    chain.with_ctx(|ctx| LAST_EPOCH_BLOCK.insert(&mut ctx.st, &NET, &(first + 1_700)));
    chain.set_block(first + 1_800 - 2);
    chain.assert_noop(alice(), call(2), Error::TxRateLimitExceeded);
    chain.set_block(first + 1_800 - 1);
    assert_eq!(chain.dispatch(alice(), call(2)), Ok(()));
    assert_eq!(chain.read(|st| WEIGHTS_VERSION_KEY.get(st, &NET)), 2);
}

#[test]
fn the_owner_hotkey_limit_is_50400_blocks_and_ignores_the_window() {
    let mut chain = chain();
    let call = |h| {
        admin(AdminCall::sudo_set_sn_owner_hotkey {
            netuid: NET,
            hotkey: h,
        })
    };
    assert_eq!(chain.dispatch(alice(), call(charlie())), Ok(()));
    let first = chain.block + 1;
    chain.set_block(first + 50_400 - 2);
    chain.assert_noop(
        Origin::Root,
        call(account("//Dave")),
        Error::TxRateLimitExceeded,
    );
    chain.set_block(first + 50_400 - 1);
    assert_eq!(chain.dispatch(alice(), call(account("//Dave"))), Ok(()));
    assert_eq!(
        chain.read(|st| SUBNET_OWNER_HOTKEY.get(st, &NET)),
        account("//Dave")
    );
}

#[test]
fn out_of_bounds_values_give_the_reference_errors() {
    use AdminCall as A;
    let root = Origin::Root;
    let rows: Vec<(Origin, AdminCall, Error)> = vec![
        (
            root,
            A::sudo_set_max_allowed_uids {
                netuid: NET,
                max_allowed_uids: 63,
            },
            Error::MaxAllowedUidsLessThanMinAllowedUids,
        ),
        (
            root,
            A::sudo_set_max_allowed_uids {
                netuid: NET,
                max_allowed_uids: 257,
            },
            Error::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids,
        ),
        (
            root,
            A::sudo_set_activity_cutoff {
                netuid: NET,
                activity_cutoff: 359,
            },
            Error::ActivityCutoffTooLow,
        ),
        (
            root,
            A::sudo_set_min_burn {
                netuid: NET,
                min_burn: TAO,
            },
            Error::ValueNotInBounds,
        ),
        (
            root,
            A::sudo_set_max_burn {
                netuid: NET,
                max_burn: TAO / 10,
            },
            Error::ValueNotInBounds,
        ),
        (
            alice(),
            A::sudo_set_bonds_moving_average {
                netuid: NET,
                bonds_moving_average: 975_001,
            },
            Error::BondsMovingAverageMaxReached,
        ),
        (
            alice(),
            A::sudo_set_alpha_values {
                netuid: NET,
                alpha_low: 2_000,
                alpha_high: 1_637,
            },
            Error::AlphaHighTooLow,
        ),
        (
            alice(),
            A::sudo_set_alpha_values {
                netuid: NET,
                alpha_low: 1_637,
                alpha_high: 2_000,
            },
            Error::AlphaLowOutOfRange,
        ),
        (
            alice(),
            A::sudo_set_alpha_values {
                netuid: NET,
                alpha_low: 3_000,
                alpha_high: 2_000,
            },
            Error::AlphaLowOutOfRange,
        ),
        (
            alice(),
            A::sudo_set_commit_reveal_weights_interval {
                netuid: NET,
                interval: 101,
            },
            Error::RevealPeriodTooLarge,
        ),
        (
            alice(),
            A::sudo_set_commit_reveal_weights_interval {
                netuid: NET,
                interval: 0,
            },
            Error::RevealPeriodTooSmall,
        ),
        (
            alice(),
            A::sudo_set_subnet_owner_hotkey {
                netuid: NET,
                hotkey: crate::balances::subnet_account(3),
            },
            Error::CannotUseSystemAccount,
        ),
        (
            alice(),
            A::sudo_set_alpha_sigmoid_steepness {
                netuid: NET,
                steepness: -1,
            },
            Error::NegativeSigmoidSteepness,
        ),
        (
            alice(),
            A::sudo_set_owner_immune_neuron_limit {
                netuid: NET,
                immune_neurons: 0,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_owner_immune_neuron_limit {
                netuid: NET,
                immune_neurons: 11,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_mechanism_count {
                netuid: NET,
                mechanism_count: 0,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_mechanism_count {
                netuid: NET,
                mechanism_count: 3,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_mechanism_emission_split {
                netuid: NET,
                maybe_split: Some(vec![]),
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_mechanism_emission_split {
                netuid: NET,
                maybe_split: Some(vec![1, u16::MAX - 1]),
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_mechanism_emission_split {
                netuid: NET,
                maybe_split: Some(vec![1]),
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_burn_half_life {
                netuid: NET,
                burn_half_life: 0,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_burn_half_life {
                netuid: NET,
                burn_half_life: 36_101,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_burn_increase_mult {
                netuid: NET,
                burn_increase_mult: U64F64_ONE - 1,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_burn_increase_mult {
                netuid: NET,
                burn_increase_mult: 3 * U64F64_ONE + 1,
            },
            Error::InvalidValue,
        ),
        (
            alice(),
            A::sudo_set_min_childkey_take_per_subnet {
                netuid: NET,
                take: 11_797,
            },
            Error::InvalidValue,
        ),
        (
            root,
            A::sudo_set_max_allowed_validators {
                netuid: NET,
                max_allowed_validators: 129,
            },
            Error::MaxValidatorsLargerThanMaxUIds,
        ),
        (
            root,
            A::sudo_set_min_allowed_uids {
                netuid: NET,
                min_allowed_uids: 128,
            },
            Error::MinAllowedUidsGreaterThanMaxAllowedUids,
        ),
        (
            root,
            A::sudo_set_min_allowed_uids {
                netuid: NET,
                min_allowed_uids: 1,
            },
            Error::MinAllowedUidsGreaterThanCurrentUids,
        ),
        (
            root,
            A::sudo_set_tao_flow_normalization_exponent {
                exponent: U64F64_ONE - 1,
            },
            Error::InvalidValue,
        ),
        (
            root,
            A::sudo_set_tao_flow_normalization_exponent {
                exponent: 2 * U64F64_ONE + 1,
            },
            Error::InvalidValue,
        ),
        (
            root,
            A::sudo_set_max_mechanism_count {
                max_mechanism_count: 0,
            },
            Error::InvalidValue,
        ),
        (
            root,
            A::sudo_set_max_mechanism_count {
                max_mechanism_count: 17,
            },
            Error::InvalidValue,
        ),
        (
            root,
            A::sudo_set_max_epochs_per_block {
                max_epochs_per_block: 0,
            },
            Error::ValueNotInBounds,
        ),
        // Deprecated calls fail for everyone.
        (
            root,
            A::sudo_set_network_pow_registration_allowed {
                netuid: NET,
                registration_allowed: true,
            },
            Error::POWRegistrationDisabled,
        ),
        (
            bob(),
            A::sudo_set_network_pow_registration_allowed {
                netuid: NET,
                registration_allowed: true,
            },
            Error::POWRegistrationDisabled,
        ),
        (
            root,
            A::sudo_set_total_issuance { total_issuance: 1 },
            Error::Deprecated,
        ),
        (
            bob(),
            A::sudo_set_total_issuance { total_issuance: 1 },
            Error::Deprecated,
        ),
    ];
    for (origin, call, err) in rows {
        let mut chain = chain();
        chain.assert_noop(origin, admin(call), err);
    }
}

#[test]
fn uid_limits_account_for_mechanisms_and_current_size() {
    let mut chain = chain();
    chain.with_ctx(|ctx| {
        MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &NET, &2);
        SUBNETWORK_N.insert(&mut ctx.st, &NET, &100);
    });
    chain.assert_noop(
        Origin::Root,
        admin(AdminCall::sudo_set_max_allowed_uids {
            netuid: NET,
            max_allowed_uids: 99,
        }),
        Error::MaxAllowedUIdsLessThanCurrentUIds,
    );
    chain.assert_noop(
        Origin::Root,
        admin(AdminCall::sudo_set_max_allowed_uids {
            netuid: NET,
            max_allowed_uids: 129,
        }),
        Error::TooManyUIDsPerMechanism,
    );
    // A third mechanism would need max uids ≤ 85.
    chain.with_ctx(|ctx| MAX_MECHANISM_COUNT.put(&mut ctx.st, &3));
    chain.assert_noop(
        alice(),
        admin(AdminCall::sudo_set_mechanism_count {
            netuid: NET,
            mechanism_count: 3,
        }),
        Error::TooManyUIDsPerMechanism,
    );
}

#[test]
fn missing_subnets_give_the_error_each_call_returns() {
    use AdminCall as A;
    const NONE: NetUid = 7;
    let rows: Vec<(AdminCall, Error)> = vec![
        (
            A::sudo_set_max_difficulty {
                netuid: NONE,
                max_difficulty: 1,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_rho {
                netuid: NONE,
                rho: 1,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_kappa {
                netuid: NONE,
                kappa: 1,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_tempo {
                netuid: NONE,
                tempo: 1,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_burn_half_life {
                netuid: NONE,
                burn_half_life: 1,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_owner_cut_enabled {
                netuid: NONE,
                enabled: false,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_subnet_emission_enabled {
                netuid: NONE,
                enabled: false,
            },
            Error::SubnetDoesNotExist,
        ),
        (
            A::sudo_set_mechanism_count {
                netuid: NONE,
                mechanism_count: 1,
            },
            Error::MechanismDoesNotExist,
        ),
        (
            A::sudo_set_mechanism_emission_split {
                netuid: NONE,
                maybe_split: None,
            },
            Error::MechanismDoesNotExist,
        ),
        (
            A::sudo_set_sn_owner_hotkey {
                netuid: NONE,
                hotkey: charlie(),
            },
            Error::SubnetNotExists,
        ),
        (
            A::sudo_set_alpha_values {
                netuid: NONE,
                alpha_low: 2_000,
                alpha_high: 3_000,
            },
            Error::LiquidAlphaDisabled,
        ),
    ];
    for (call, err) in rows {
        let mut chain = chain();
        chain.assert_noop(Origin::Root, admin(call), err);
    }
    // As in the reference, some setters write for a netuid that does not exist.
    let mut chain = chain();
    let call = A::sudo_set_serving_rate_limit {
        netuid: NONE,
        serving_rate_limit: 5,
    };
    assert_eq!(chain.dispatch(Origin::Root, admin(call)), Ok(()));
    assert_eq!(chain.read(|st| SERVING_RATE_LIMIT.get(st, &NONE)), 5);
}

#[test]
fn some_setters_refuse_the_root_subnet() {
    use AdminCall as A;
    let rows = vec![
        A::sudo_set_burn_half_life {
            netuid: ROOT_NETUID,
            burn_half_life: 1,
        },
        A::sudo_set_burn_increase_mult {
            netuid: ROOT_NETUID,
            burn_increase_mult: U64F64_ONE,
        },
        A::sudo_set_owner_cut_enabled {
            netuid: ROOT_NETUID,
            enabled: false,
        },
        A::sudo_set_owner_cut_auto_lock_enabled {
            netuid: ROOT_NETUID,
            enabled: true,
        },
        A::sudo_set_subnet_emission_enabled {
            netuid: ROOT_NETUID,
            enabled: false,
        },
    ];
    for call in rows {
        let mut chain = chain();
        chain.assert_noop(Origin::Root, admin(call), Error::NotPermittedOnRootSubnet);
    }
}

#[test]
fn root_tempo_restarts_the_epoch_cycle() {
    let mut chain = chain();
    chain.set_block(100);
    assert_eq!(
        chain.dispatch(
            Origin::Root,
            admin(AdminCall::sudo_set_tempo {
                netuid: NET,
                tempo: 1_000
            })
        ),
        Ok(())
    );
    assert_eq!(chain.read(|st| LAST_EPOCH_BLOCK.get(st, &NET)), 101);
}

#[test]
fn reducing_the_mechanism_count_clears_the_removed_mechanism() {
    let mut chain = chain();
    let set = |n| {
        admin(AdminCall::sudo_set_mechanism_count {
            netuid: NET,
            mechanism_count: n,
        })
    };
    assert_eq!(chain.dispatch(Origin::Root, set(2)), Ok(()));
    let idx = netuid_index(NET, 1);
    chain.with_ctx(|ctx| {
        WEIGHTS.insert(&mut ctx.st, &(idx, 0), &vec![(0, 1)]);
        BONDS.insert(&mut ctx.st, &(idx, 0), &vec![(0, 1)]);
        INCENTIVE.insert(&mut ctx.st, &idx, &vec![1]);
        LAST_UPDATE.insert(&mut ctx.st, &idx, &vec![1]);
        MECHANISM_EMISSION_SPLIT.insert(&mut ctx.st, &NET, &vec![1, u16::MAX - 1]);
    });
    assert_eq!(chain.dispatch(Origin::Root, set(1)), Ok(()));
    chain.read(|st| {
        assert!(!WEIGHTS.contains(st, &(idx, 0)));
        assert!(!BONDS.contains(st, &(idx, 0)));
        assert!(!INCENTIVE.contains(st, &idx));
        assert!(!LAST_UPDATE.contains(st, &idx));
        assert!(!MECHANISM_EMISSION_SPLIT.contains(st, &NET));
        assert_eq!(MECHANISM_COUNT_CURRENT.get(st, &NET), 1);
    });
    // `None` resets a split to even.
    chain.with_ctx(|ctx| MECHANISM_EMISSION_SPLIT.insert(&mut ctx.st, &NET, &vec![u16::MAX]));
    let clear = admin(AdminCall::sudo_set_mechanism_emission_split {
        netuid: NET,
        maybe_split: None,
    });
    assert_eq!(chain.dispatch(Origin::Root, clear), Ok(()));
    assert!(!chain.read(|st| MECHANISM_EMISSION_SPLIT.contains(st, &NET)));
}

#[test]
fn root_may_set_a_negative_steepness_and_an_uncapped_bonds_average() {
    let mut chain = chain();
    let call = AdminCall::sudo_set_alpha_sigmoid_steepness {
        netuid: NET,
        steepness: -5,
    };
    assert_eq!(chain.dispatch(Origin::Root, admin(call)), Ok(()));
    assert_eq!(chain.read(|st| ALPHA_SIGMOID_STEEPNESS.get(st, &NET)), -5);
    let call = AdminCall::sudo_set_bonds_moving_average {
        netuid: NET,
        bonds_moving_average: 999_999,
    };
    assert_eq!(chain.dispatch(Origin::Root, admin(call)), Ok(()));
    assert_eq!(chain.read(|st| BONDS_MOVING_AVERAGE.get(st, &NET)), 999_999);
}

#[test]
fn calls_encode_with_the_reference_indices() {
    let call = admin(AdminCall::sudo_set_tempo {
        netuid: 1,
        tempo: 360,
    });
    assert_eq!(call.encode(), vec![19, 30, 1, 0, 0x68, 0x01]);
    let call = admin(AdminCall::sudo_set_burn_increase_mult {
        netuid: 2,
        burn_increase_mult: U64F64_ONE,
    });
    let mut want = vec![19, 90, 2, 0];
    want.extend_from_slice(&U64F64_ONE.to_le_bytes());
    assert_eq!(call.encode(), want);
    let call = admin(AdminCall::sudo_set_recycle_or_burn {
        netuid: 1,
        recycle_or_burn: RecycleOrBurnEnum::Recycle,
    });
    assert_eq!(call.encode(), vec![19, 80, 1, 0, 1]);
    let call = admin(AdminCall::sudo_set_max_epochs_per_block {
        max_epochs_per_block: 3,
    });
    assert_eq!(call.encode(), vec![19, 96, 3]);
}

#[test]
fn signed_extrinsic_path_charges_a_fee_and_applies_the_owner_setter() {
    let mut chain = chain();
    let result = chain.submit(
        &crate::testing::key("//Alice"),
        admin(AdminCall::sudo_set_immunity_period {
            netuid: NET,
            immunity_period: 9,
        }),
    );
    assert_eq!(result, Ok(()));
    assert_eq!(chain.read(|st| IMMUNITY_PERIOD.get(st, &NET)), 9);
}
