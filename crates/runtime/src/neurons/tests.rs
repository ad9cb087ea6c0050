//! Tests of the neuron lifecycle: every call's success path (state and event) and every
//! error path (with `assert_noop`: the error, an unchanged state root and no events).

use std::collections::BTreeMap;

use agora_primitives::AccountId;

use super::registration::{bump_burn_after_registration, mul_by_q32, pow_q32};
use super::*;
use crate::balances;
use crate::call::{Call, SubtensorCall};
use crate::error::{DispatchResult, Error};
use crate::event::{Event, SubtensorEvent};
use crate::genesis::GenesisSubnet;
use crate::staking as stake;
use crate::storage::*;
use crate::testing::{TAO, TestChain, account, dev_genesis, key};
use crate::types::{AxonInfo, ChainIdentity, Origin, PrometheusInfo, WeightCommit};

const NET: NetUid = 1;

/// A dev chain with subnet 1 (owner //Alice, owner hotkey //AliceHot, immunity 0) and the
/// given extra subnet parameters.
fn chain_with(params: &[(&str, u64)]) -> TestChain {
    let mut cfg = dev_genesis();
    let mut p: BTreeMap<String, u64> = [("ImmunityPeriod".to_string(), 0u64)].into();
    for (k, v) in params {
        p.insert((*k).to_string(), *v);
    }
    cfg.subnets.push(GenesisSubnet {
        netuid: NET,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//AliceHot".into(),
        started: true,
        params: p,
        neurons: vec![],
        ..Default::default()
    });
    TestChain::new(&cfg)
}

fn chain() -> TestChain {
    chain_with(&[])
}

fn signed(uri: &str) -> Origin {
    Origin::Signed(account(uri))
}

fn sc(c: SubtensorCall) -> Call {
    Call::SubtensorModule(c)
}

fn reg_call(netuid: NetUid, hotkey: &str) -> Call {
    sc(SubtensorCall::burned_register {
        netuid,
        hotkey: account(hotkey),
    })
}

fn register(chain: &mut TestChain, coldkey: &str, hotkey: &str) -> DispatchResult {
    chain.dispatch(signed(coldkey), reg_call(NET, hotkey))
}

fn has_event(chain: &TestChain, e: SubtensorEvent) -> bool {
    chain.last_events.contains(&Event::SubtensorModule(e))
}

fn free(chain: &TestChain, uri: &str) -> u64 {
    chain.read(|st| balances::free(st, &account(uri)))
}

/// Gives `uri` exactly `amount` rao (from Ferdie).
fn fund(chain: &mut TestChain, uri: &str, amount: u64) {
    let who = account(uri);
    chain.with_ctx(|ctx| {
        balances::transfer(ctx, &account("//Ferdie"), &who, amount, true).expect("funded");
    });
}

fn uid_of(chain: &TestChain, hotkey: &str) -> Option<Uid> {
    chain.read(|st| UIDS.try_get(st, &(NET, account(hotkey))))
}

// ------------------------------------------------------------------ burn arithmetic

#[test]
fn decay_factor_matches_the_reference_binary_search() {
    // Values derived by running the reference's `decay_factor_q32` / `pow_q32` algorithm.
    assert_eq!(decay_factor_q32(0), 1 << 32);
    assert_eq!(decay_factor_q32(1), 1 << 31);
    assert_eq!(decay_factor_q32(2), 3_037_000_500);
    assert_eq!(decay_factor_q32(100), 4_265_299_790);
    assert_eq!(decay_factor_q32(360), 4_286_705_684);
    // f is the largest with f^h ≤ ½.
    let f = decay_factor_q32(360);
    assert!(pow_q32(f, 360) <= 1 << 31);
    assert!(pow_q32(f + 1, 360) > 1 << 31);
    // The per-thread memo returns what the search returns, whatever the call order.
    for h in [360u16, 360, 2, 360, 100, 100, 1, 2] {
        let f = decay_factor_q32(h);
        assert!(
            pow_q32(f, h) <= 1 << 31 && pow_q32(f + 1, h) > 1 << 31,
            "half-life {h}"
        );
    }
}

#[test]
fn burn_halves_over_the_half_life_within_rounding() {
    let f = decay_factor_q32(360);
    let mut burn = TAO;
    for _ in 0..360 {
        burn = mul_by_q32(burn, f);
    }
    assert_eq!(burn, 499_999_865);
    assert!(burn.abs_diff(TAO / 2) < 1_000);
}

#[test]
fn mul_by_q32_saturates() {
    assert_eq!(mul_by_q32(u64::MAX, u64::MAX), u64::MAX);
    assert_eq!(mul_by_q32(10, 1 << 31), 5);
}

#[test]
fn bump_is_floor_times_mult_clamped_and_never_below_one() {
    let mut chain = chain();
    chain.with_ctx(|ctx| {
        bump_burn_after_registration(&mut ctx.st, NET);
        assert_eq!(BURN.get(&ctx.st, &NET), 1_260_000_000);
        // A multiplier below 1 counts as 1.
        BURN_INCREASE_MULT.insert(&mut ctx.st, &NET, &(1u128 << 63));
        bump_burn_after_registration(&mut ctx.st, NET);
        assert_eq!(BURN.get(&ctx.st, &NET), 1_260_000_000);
        MAX_BURN.insert(&mut ctx.st, &NET, &(TAO + 1));
        bump_burn_after_registration(&mut ctx.st, NET);
        assert_eq!(BURN.get(&ctx.st, &NET), TAO + 1);
        // Root never bumps.
        let root_burn = BURN.get(&ctx.st, &ROOT_NETUID);
        bump_burn_after_registration(&mut ctx.st, ROOT_NETUID);
        assert_eq!(BURN.get(&ctx.st, &ROOT_NETUID), root_burn);
    });
}

// ------------------------------------------------------------------ registration

#[test]
fn burned_register_appends_a_neuron_and_pays_the_burn() {
    let mut chain = chain();
    let alice_before = free(&chain, "//Alice");
    assert_eq!(register(&mut chain, "//Alice", "//Hot1"), Ok(()));
    let hk = account("//Hot1");
    assert!(has_event(
        &chain,
        SubtensorEvent::NeuronRegistered(NET, 1, hk)
    ));
    assert_eq!(free(&chain, "//Alice"), alice_before - TAO);
    chain.read(|st| {
        assert_eq!(SUBNETWORK_N.get(st, &NET), 2);
        assert_eq!(KEYS.get(st, &(NET, 1)), hk);
        assert_eq!(UIDS.try_get(st, &(NET, hk)), Some(1));
        assert!(IS_NETWORK_MEMBER.get(st, &(hk, NET)));
        assert_eq!(BLOCK_AT_REGISTRATION.get(st, &(NET, 1)), 1);
        assert_eq!(LAST_UPDATE.get(st, &NET), vec![0, 1]);
        assert_eq!(EMISSION.get(st, &NET), vec![0, 0]);
        assert_eq!(ACTIVE.get(st, &NET), vec![true, true]);
        assert_eq!(VALIDATOR_PERMIT.get(st, &NET), vec![false, false]);
        assert_eq!(INCENTIVE.get(st, &NET).len(), 2);
        assert_eq!(OWNER.try_get(st, &hk), Some(account("//Alice")));
        assert!(OWNED_HOTKEYS.get(st, &account("//Alice")).contains(&hk));
        assert!(STAKING_HOTKEYS.get(st, &account("//Alice")).contains(&hk));
        // The burn bought alpha from the genesis pool (1 000 TAO : 1 000 alpha at 0.5/0.5)
        // at the 33/65535 fee rate: the net TAO joins the reserve, the fee stays in the
        // subnet account, and the alpha bought is destroyed.
        let pool = 1_000 * TAO;
        let fee = TAO * 33 / 65_535;
        let net = TAO - fee;
        assert_eq!(
            balances::free(st, &balances::subnet_account(NET)),
            pool + TAO
        );
        assert_eq!(SUBNET_TAO.get(st, &NET), pool + net);
        assert_eq!(TOTAL_STAKE.get(st), pool + TAO);
        // Δα = α · (1 − y / (y + Δy)) with α = y = pool: ≈ pool · net / (pool + net).
        let bought = pool - SUBNET_ALPHA_IN.get(st, &NET);
        let exact = u128::from(pool) * u128::from(net) / u128::from(pool + net);
        assert!(
            u128::from(bought).abs_diff(exact) <= 1,
            "{bought} vs {exact}"
        );
        assert_eq!(SUBNET_ALPHA_OUT.get(st, &NET), 0);
        assert_eq!(SUBNET_VOLUME.get(st, &NET), u128::from(TAO));
        assert_eq!(SUBNET_TAO_FLOW.get(st, &NET), 1_000_000_000_i64);
        assert_eq!(RAO_RECYCLED_FOR_REGISTRATION.get(st, &NET), TAO);
        assert_eq!(REGISTRATIONS_THIS_BLOCK.get(st, &NET), 1);
        assert_eq!(BURN.get(st, &NET), 1_260_000_000);
    });
}

#[test]
fn register_and_register_limit_share_the_path() {
    let mut chain = chain();
    let call = sc(SubtensorCall::register_limit {
        netuid: NET,
        hotkey: account("//Hot1"),
        limit_price: TAO,
    });
    assert_eq!(chain.dispatch(signed("//Bob"), call), Ok(()));
    assert_eq!(uid_of(&chain, "//Hot1"), Some(1));
    let call = sc(SubtensorCall::register {
        netuid: NET,
        block_number: 0,
        nonce: 0,
        work: vec![],
        hotkey: account("//Hot2"),
        coldkey: account("//Bob"),
    });
    assert_eq!(chain.dispatch(signed("//Bob"), call), Ok(()));
    assert_eq!(uid_of(&chain, "//Hot2"), Some(2));
}

#[test]
fn registration_keeps_the_payer_alive() {
    let mut chain = chain();
    fund(&mut chain, "//Poor", TAO);
    assert_eq!(register(&mut chain, "//Poor", "//PoorHot"), Ok(()));
    assert_eq!(free(&chain, "//Poor"), balances::EXISTENTIAL_DEPOSIT);
    chain.read(|st| {
        let paid = TAO - balances::EXISTENTIAL_DEPOSIT;
        let fee = paid * 33 / 65_535;
        assert_eq!(SUBNET_TAO.get(st, &NET), 1_000 * TAO + paid - fee);
        // The nominal burn is what counts as recycled, as in the reference.
        assert_eq!(RAO_RECYCLED_FOR_REGISTRATION.get(st, &NET), TAO);
    });
}

#[test]
fn registration_errors() {
    let mut chain = chain_with(&[("MaxAllowedUids", 2)]);
    chain.assert_noop(
        signed("//Bob"),
        reg_call(ROOT_NETUID, "//Hot1"),
        Error::RegistrationNotPermittedOnRootSubnet,
    );
    chain.assert_noop(
        signed("//Bob"),
        reg_call(7, "//Hot1"),
        Error::SubnetNotExists,
    );
    chain.assert_noop(
        signed("//Bob"),
        sc(SubtensorCall::register_limit {
            netuid: NET,
            hotkey: account("//Hot1"),
            limit_price: TAO - 1,
        }),
        Error::RegistrationPriceLimitExceeded,
    );
    chain.assert_noop(
        signed("//Bob"),
        reg_call(NET, "//AliceHot"),
        Error::HotKeyAlreadyRegisteredInSubNet,
    );
    chain.assert_noop(
        signed("//Nobody"),
        reg_call(NET, "//Hot1"),
        Error::NotEnoughBalanceToStake,
    );
    assert_eq!(
        chain.dispatch(
            signed("//Bob"),
            sc(SubtensorCall::try_associate_hotkey {
                hotkey: account("//BobHot")
            })
        ),
        Ok(())
    );
    chain.assert_noop(
        signed("//Charlie"),
        reg_call(NET, "//BobHot"),
        Error::NonAssociatedColdKey,
    );
    let system = balances::subnet_account(3);
    chain.assert_noop(
        signed("//Charlie"),
        sc(SubtensorCall::burned_register {
            netuid: NET,
            hotkey: system,
        }),
        Error::CannotUseSystemAccount,
    );
    // Full: uid 0 is the owner (immortal), uid 1 is not prunable while fewer than
    // MinNonImmuneUids (10) non-immune uids exist.
    assert_eq!(register(&mut chain, "//Bob", "//Hot1"), Ok(()));
    chain.assert_noop(
        signed("//Bob"),
        reg_call(NET, "//Hot2"),
        Error::NoNeuronIdAvailable,
    );
    chain.with_ctx(|ctx| MAX_ALLOWED_UIDS.insert(&mut ctx.st, &NET, &0));
    chain.assert_noop(
        signed("//Bob"),
        reg_call(NET, "//Hot2"),
        Error::NoNeuronIdAvailable,
    );
}

#[test]
fn registration_disabled_and_unpayable_after_clamp() {
    let mut chain = chain_with(&[("NetworkRegistrationAllowed", 0)]);
    chain.assert_noop(
        signed("//Bob"),
        reg_call(NET, "//Hot1"),
        Error::SubNetRegistrationDisabled,
    );
    let mut chain = chain_with(&[("Burn", 500)]);
    fund(&mut chain, "//Poor", balances::EXISTENTIAL_DEPOSIT);
    // The whole balance covers the burn, but nothing can be paid without reaping.
    chain.assert_noop(
        signed("//Poor"),
        reg_call(NET, "//PoorHot"),
        Error::InsufficientBalance,
    );
}

#[test]
fn a_full_subnet_replaces_the_lowest_emission_non_immune_uid_and_clears_it() {
    let mut chain = chain_with(&[("MaxAllowedUids", 3)]);
    chain.with_ctx(|ctx| MIN_NON_IMMUNE_UIDS.insert(&mut ctx.st, &NET, &0));
    assert_eq!(register(&mut chain, "//Bob", "//BobHot"), Ok(()));
    assert_eq!(register(&mut chain, "//Charlie", "//CharlieHot"), Ok(()));
    let bob_hot = account("//BobHot");
    let idx = netuid_index(NET, 0);
    chain.with_ctx(|ctx| {
        let st = &mut ctx.st;
        // uid 0 (owner) earns nothing but is immortal; uid 2 earns less than uid 1.
        EMISSION.insert(st, &NET, &vec![0, 5, 3]);
        CONSENSUS.insert(st, &NET, &vec![1, 1, 1]);
        DIVIDENDS.insert(st, &NET, &vec![1, 1, 1]);
        VALIDATOR_PERMIT.insert(st, &NET, &vec![true, true, true]);
        INCENTIVE.insert(st, &idx, &vec![1, 1, 1]);
        WEIGHTS.insert(st, &(idx, 1), &vec![(0, 10), (2, 20)]);
        WEIGHTS.insert(st, &(idx, 2), &vec![(1, 30)]);
        BONDS.insert(st, &(idx, 2), &vec![(1, 5)]);
        AXONS.insert(st, &(NET, account("//CharlieHot")), &AxonInfo::default());
        PROMETHEUS.insert(
            st,
            &(NET, account("//CharlieHot")),
            &PrometheusInfo::default(),
        );
    });
    chain.set_block(10);
    assert_eq!(register(&mut chain, "//Dave", "//DaveHot"), Ok(()));
    let dave_hot = account("//DaveHot");
    let charlie_hot = account("//CharlieHot");
    assert!(has_event(
        &chain,
        SubtensorEvent::NeuronRegistered(NET, 2, dave_hot)
    ));
    chain.read(|st| {
        assert_eq!(SUBNETWORK_N.get(st, &NET), 3);
        assert_eq!(KEYS.get(st, &(NET, 2)), dave_hot);
        assert_eq!(UIDS.try_get(st, &(NET, dave_hot)), Some(2));
        assert_eq!(UIDS.try_get(st, &(NET, charlie_hot)), None);
        assert_eq!(UIDS.try_get(st, &(NET, bob_hot)), Some(1));
        assert!(!IS_NETWORK_MEMBER.contains(st, &(charlie_hot, NET)));
        assert!(!AXONS.contains(st, &(NET, charlie_hot)));
        assert!(!PROMETHEUS.contains(st, &(NET, charlie_hot)));
        assert_eq!(EMISSION.get(st, &NET), vec![0, 5, 0]);
        assert_eq!(CONSENSUS.get(st, &NET), vec![1, 1, 0]);
        assert_eq!(DIVIDENDS.get(st, &NET), vec![1, 1, 0]);
        assert_eq!(INCENTIVE.get(st, &idx), vec![1, 1, 0]);
        assert_eq!(VALIDATOR_PERMIT.get(st, &NET), vec![true, true, false]);
        assert!(!WEIGHTS.contains(st, &(idx, 2)));
        assert!(!BONDS.contains(st, &(idx, 2)));
        assert_eq!(WEIGHTS.get(st, &(idx, 1)), vec![(0, 10), (2, 0)]);
        assert_eq!(BLOCK_AT_REGISTRATION.get(st, &(NET, 2)), 11);
        assert_eq!(LAST_UPDATE.get(st, &idx), vec![0, 1, 11]);
        // The replaced hotkey keeps its owner.
        assert_eq!(OWNER.try_get(st, &charlie_hot), Some(account("//Charlie")));
    });
}

#[test]
fn pruning_ties_immunity_and_owner_immortality() {
    let mut chain = chain_with(&[("MaxAllowedUids", 5)]);
    for (ck, hk) in [
        ("//Alice", "//AliceHot2"),
        ("//Bob", "//BobHot"),
        ("//Charlie", "//CharlieHot"),
    ] {
        assert_eq!(register(&mut chain, ck, hk), Ok(()));
    }
    chain.with_ctx(|ctx| {
        let st = &mut ctx.st;
        MIN_NON_IMMUNE_UIDS.insert(st, &NET, &0);
        EMISSION.insert(st, &NET, &vec![0, 0, 7, 7]);
        // Equal emission: the earlier registration block loses.
        BLOCK_AT_REGISTRATION.insert(st, &(NET, 2), &5);
        BLOCK_AT_REGISTRATION.insert(st, &(NET, 3), &4);
    });
    chain.read(|st| {
        // uid 1 (owner coldkey's second hotkey) is not immortal with limit 1.
        assert_eq!(get_neuron_to_prune(st, NET, 100), Some(1));
        assert_eq!(immune_owner_uids(st, NET), vec![(0, account("//AliceHot"))]);
    });
    chain.with_ctx(|ctx| IMMUNE_OWNER_UIDS_LIMIT.insert(&mut ctx.st, &NET, &2));
    chain.read(|st| {
        assert_eq!(
            immune_owner_uids(st, NET),
            vec![(0, account("//AliceHot")), (1, account("//AliceHot2"))]
        );
        assert_eq!(get_neuron_to_prune(st, NET, 100), Some(3));
    });
    chain.with_ctx(|ctx| BLOCK_AT_REGISTRATION.insert(&mut ctx.st, &(NET, 3), &5));
    chain.read(|st| {
        // Equal emission and block: the lower uid loses.
        assert_eq!(get_neuron_to_prune(st, NET, 100), Some(2));
    });
    chain.with_ctx(|ctx| {
        IMMUNITY_PERIOD.insert(&mut ctx.st, &NET, &1_000);
        EMISSION.insert(&mut ctx.st, &NET, &vec![0, 0, 7, 6]);
    });
    chain.read(|st| {
        // Everyone immune: the best immune candidate.
        assert_eq!(get_neuron_to_prune(st, NET, 100), Some(3));
        assert!(neuron_is_immune(st, NET, 3, 100));
    });
    chain.with_ctx(|ctx| {
        IMMUNITY_PERIOD.insert(&mut ctx.st, &NET, &50);
        BLOCK_AT_REGISTRATION.insert(&mut ctx.st, &(NET, 3), &80);
        MIN_NON_IMMUNE_UIDS.insert(&mut ctx.st, &NET, &1);
    });
    chain.read(|st| {
        // One non-immune uid (2) is not more than MinNonImmuneUids = 1: the immune uid 3 goes.
        assert_eq!(get_neuron_to_prune(st, NET, 100), Some(3));
    });
    chain.with_ctx(|ctx| MIN_NON_IMMUNE_UIDS.insert(&mut ctx.st, &NET, &0));
    chain.read(|st| assert_eq!(get_neuron_to_prune(st, NET, 100), Some(2)));
}

#[test]
fn burn_rises_after_registration_and_decays_over_blocks() {
    let mut chain = chain();
    assert_eq!(
        chain.submit(&key("//Bob"), reg_call(NET, "//BobHot")),
        Ok(())
    );
    assert_eq!(chain.block, 1);
    // Block 1 does not decay; the registration bumps 1 TAO by 1.26.
    assert_eq!(chain.read(|st| BURN.get(st, &NET)), 1_260_000_000);
    chain.run_to_block(2);
    let f = decay_factor_q32(360);
    assert_eq!(chain.read(|st| BURN.get(st, &NET)), 1_257_576_318);
    assert_eq!(mul_by_q32(1_260_000_000, f), 1_257_576_318);
    chain.run_to_block(361);
    // 360 decays of 1.26 TAO: halved within rounding.
    assert_eq!(chain.read(|st| BURN.get(st, &NET)), 629_999_864);
    chain.read(|st| assert_eq!(REGISTRATIONS_THIS_BLOCK.get(st, &NET), 0));
}

#[test]
fn burn_decay_stops_at_min_burn_and_counters_reset() {
    let mut chain = chain();
    chain.with_ctx(|ctx| {
        let st = &mut ctx.st;
        BURN.insert(st, &NET, &MIN_BURN.get(st, &NET));
        REGISTRATIONS_THIS_BLOCK.insert(st, &NET, &3);
        REGISTRATIONS_THIS_INTERVAL.insert(st, &ROOT_NETUID, &2);
    });
    chain.run_to_block(5);
    chain.read(|st| {
        assert_eq!(BURN.get(st, &NET), 500_000);
        assert_eq!(REGISTRATIONS_THIS_BLOCK.get(st, &NET), 0);
        // Root's epoch slot (tempo 100) is not due yet.
        assert_eq!(REGISTRATIONS_THIS_INTERVAL.get(st, &ROOT_NETUID), 2);
    });
    chain.run_to_block(100);
    chain.read(|st| assert_eq!(REGISTRATIONS_THIS_INTERVAL.get(st, &ROOT_NETUID), 0));
}

// ------------------------------------------------------------------ serving

fn axon_call(netuid: NetUid, ip: u128, port: u16, ip_type: u8) -> Call {
    sc(SubtensorCall::serve_axon {
        netuid,
        version: 7,
        ip,
        port,
        ip_type,
        protocol: 1,
        placeholder1: 2,
        placeholder2: 3,
    })
}

fn tls_call(certificate: Vec<u8>) -> Call {
    sc(SubtensorCall::serve_axon_tls {
        netuid: NET,
        version: 7,
        ip: 0x0a00_0001,
        port: 8091,
        ip_type: 4,
        protocol: 0,
        placeholder1: 0,
        placeholder2: 0,
        certificate,
    })
}

fn prom_call(ip: u128, port: u16, ip_type: u8) -> Call {
    sc(SubtensorCall::serve_prometheus {
        netuid: NET,
        version: 9,
        ip,
        port,
        ip_type,
    })
}

#[test]
fn serve_axon_stores_the_axon_and_respects_the_rate_limit() {
    let mut chain = chain();
    let hot = account("//AliceHot");
    let call = axon_call(NET, 0x0a00_0001, 8091, 4);
    assert_eq!(chain.dispatch(signed("//AliceHot"), call.clone()), Ok(()));
    assert!(has_event(&chain, SubtensorEvent::AxonServed(NET, hot)));
    let expected = AxonInfo {
        block: 1,
        version: 7,
        ip: 0x0a00_0001,
        port: 8091,
        ip_type: 4,
        protocol: 1,
        placeholder1: 2,
        placeholder2: 3,
    };
    assert_eq!(chain.read(|st| AXONS.get(st, &(NET, hot))), expected);
    chain.assert_noop(
        signed("//AliceHot"),
        call.clone(),
        Error::ServingRateLimitExceeded,
    );
    chain.set_block(50);
    assert_eq!(chain.dispatch(signed("//AliceHot"), call), Ok(()));
    assert_eq!(chain.read(|st| AXONS.get(st, &(NET, hot)).block), 51);
    // Zero ip is allowed for axons; IPv6 too.
    chain.with_ctx(|ctx| SERVING_RATE_LIMIT.insert(&mut ctx.st, &NET, &0));
    assert_eq!(
        chain.dispatch(signed("//AliceHot"), axon_call(NET, 0, 1, 4)),
        Ok(())
    );
    assert_eq!(
        chain.dispatch(signed("//AliceHot"), axon_call(NET, 2, 1, 6)),
        Ok(())
    );
}

#[test]
fn serve_axon_errors() {
    let mut chain = chain();
    // Registration is checked before the ip type for axons.
    chain.assert_noop(
        signed("//Stranger"),
        axon_call(NET, 1, 1, 5),
        Error::HotKeyNotRegisteredInNetwork,
    );
    chain.assert_noop(
        signed("//AliceHot"),
        axon_call(2, 1, 1, 4),
        Error::HotKeyNotRegisteredInNetwork,
    );
    chain.assert_noop(
        signed("//AliceHot"),
        axon_call(NET, 1, 1, 5),
        Error::InvalidIpType,
    );
    for (ip, ip_type) in [
        (0x7f00_0001, 4),
        (u128::from(u32::MAX), 4),
        (1, 6),
        (u128::MAX, 6),
    ] {
        chain.assert_noop(
            signed("//AliceHot"),
            axon_call(NET, ip, 1, ip_type),
            Error::InvalidIpAddress,
        );
    }
    chain.assert_noop(
        signed("//AliceHot"),
        axon_call(NET, 1, 0, 4),
        Error::InvalidPort,
    );
}

#[test]
fn serve_axon_tls_stores_a_parsable_certificate_only() {
    let mut chain = chain();
    let hot = account("//AliceHot");
    let mut cert = vec![1u8];
    cert.extend([7u8; 64]);
    assert_eq!(chain.dispatch(signed("//AliceHot"), tls_call(cert)), Ok(()));
    assert!(has_event(&chain, SubtensorEvent::AxonServed(NET, hot)));
    let stored = chain.read(|st| NEURON_CERTIFICATES.get(st, &(NET, hot)));
    assert_eq!(stored.algorithm, 1);
    assert_eq!(stored.public_key, vec![7u8; 64]);

    let mut chain = self::chain();
    for bad in [vec![], vec![0u8; 66]] {
        assert_eq!(parse_certificate(&bad), None);
        chain.with_ctx(|ctx| SERVING_RATE_LIMIT.insert(&mut ctx.st, &NET, &0));
        assert_eq!(chain.dispatch(signed("//AliceHot"), tls_call(bad)), Ok(()));
        assert!(chain.read(|st| !NEURON_CERTIFICATES.contains(st, &(NET, hot))));
        assert!(chain.read(|st| AXONS.contains(st, &(NET, hot))));
    }
}

#[test]
fn serve_prometheus_stores_the_endpoint() {
    let mut chain = chain();
    let hot = account("//AliceHot");
    assert_eq!(
        chain.dispatch(signed("//AliceHot"), prom_call(0x0a00_0002, 9090, 4)),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::PrometheusServed(NET, hot)
    ));
    let expected = PrometheusInfo {
        block: 1,
        version: 9,
        ip: 0x0a00_0002,
        port: 9090,
        ip_type: 4,
    };
    assert_eq!(chain.read(|st| PROMETHEUS.get(st, &(NET, hot))), expected);
    chain.assert_noop(
        signed("//AliceHot"),
        prom_call(0x0a00_0002, 9090, 4),
        Error::ServingRateLimitExceeded,
    );
}

#[test]
fn serve_prometheus_errors() {
    let mut chain = chain();
    // The ip is checked before registration for prometheus.
    chain.assert_noop(
        signed("//Stranger"),
        prom_call(1, 1, 5),
        Error::InvalidIpType,
    );
    chain.assert_noop(
        signed("//Stranger"),
        prom_call(0, 1, 4),
        Error::InvalidIpAddress,
    );
    chain.assert_noop(
        signed("//Stranger"),
        prom_call(1, 1, 4),
        Error::HotKeyNotRegisteredInNetwork,
    );
    chain.assert_noop(
        signed("//AliceHot"),
        prom_call(0x7f00_0001, 1, 4),
        Error::InvalidIpAddress,
    );
    chain.assert_noop(signed("//AliceHot"), prom_call(1, 0, 4), Error::InvalidPort);
}

// ------------------------------------------------------------------ take

fn take_call(increase: bool, hotkey: &str, take: u16) -> Call {
    let hotkey = account(hotkey);
    sc(if increase {
        SubtensorCall::increase_take { hotkey, take }
    } else {
        SubtensorCall::decrease_take { hotkey, take }
    })
}

#[test]
fn decrease_then_increase_take() {
    let mut chain = chain();
    let (alice, hot) = (account("//Alice"), account("//AliceHot"));
    assert_eq!(
        chain.dispatch(signed("//Alice"), take_call(false, "//AliceHot", 1_000)),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::TakeDecreased(alice, hot, 1_000)
    ));
    chain.read(|st| {
        assert_eq!(DELEGATES.try_get(st, &hot), Some(1_000));
        assert_eq!(LAST_TX_BLOCK_DELEGATE_TAKE.get(st, &hot), 1);
    });
    // A decrease records the block: a raise must wait the full period.
    chain.assert_noop(
        signed("//Alice"),
        take_call(true, "//AliceHot", 2_000),
        Error::DelegateTxRateLimitExceeded,
    );
    chain.set_block(216_001);
    assert_eq!(
        chain.dispatch(signed("//Alice"), take_call(true, "//AliceHot", 2_000)),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::TakeIncreased(alice, hot, 2_000)
    ));
    chain.read(|st| {
        assert_eq!(DELEGATES.try_get(st, &hot), Some(2_000));
        assert_eq!(LAST_TX_BLOCK_DELEGATE_TAKE.get(st, &hot), 216_002);
    });
}

#[test]
fn increase_take_without_an_entry_allows_any_take_up_to_the_max() {
    let mut chain = chain();
    assert_eq!(
        chain.dispatch(signed("//Alice"), take_call(true, "//AliceHot", 11_796)),
        Ok(())
    );
    assert_eq!(
        chain.read(|st| DELEGATES.try_get(st, &account("//AliceHot"))),
        Some(11_796)
    );
}

#[test]
fn take_errors() {
    let mut chain = chain();
    for increase in [true, false] {
        chain.assert_noop(
            signed("//Alice"),
            take_call(increase, "//Unknown", 10),
            Error::HotKeyAccountNotExists,
        );
        chain.assert_noop(
            signed("//Bob"),
            take_call(increase, "//AliceHot", 10),
            Error::NonAssociatedColdKey,
        );
    }
    chain.assert_noop(
        signed("//Alice"),
        take_call(true, "//AliceHot", 11_797),
        Error::DelegateTakeTooHigh,
    );
    chain.with_ctx(|ctx| {
        MIN_DELEGATE_TAKE.put(&mut ctx.st, &100);
        TX_DELEGATE_TAKE_RATE_LIMIT.put(&mut ctx.st, &0);
    });
    chain.assert_noop(
        signed("//Alice"),
        take_call(false, "//AliceHot", 99),
        Error::DelegateTakeTooLow,
    );
    assert_eq!(
        chain.dispatch(signed("//Alice"), take_call(false, "//AliceHot", 500)),
        Ok(())
    );
    chain.assert_noop(
        signed("//Alice"),
        take_call(false, "//AliceHot", 500),
        Error::DelegateTakeTooLow,
    );
    chain.assert_noop(
        signed("//Alice"),
        take_call(true, "//AliceHot", 500),
        Error::DelegateTakeTooLow,
    );
}

// ------------------------------------------------------------------ identity and association

fn identity_call(id: &ChainIdentity) -> Call {
    sc(SubtensorCall::set_identity {
        name: id.name.clone(),
        url: id.url.clone(),
        github_repo: id.github_repo.clone(),
        image: id.image.clone(),
        discord: id.discord.clone(),
        description: id.description.clone(),
        additional: id.additional.clone(),
    })
}

#[test]
fn set_identity_for_a_coldkey_with_a_registered_hotkey() {
    let mut chain = chain();
    let id = ChainIdentity {
        name: b"alice".to_vec(),
        github_repo: vec![b'g'; 256],
        image: vec![b'i'; 1024],
        ..ChainIdentity::default()
    };
    assert_eq!(
        chain.dispatch(signed("//Alice"), identity_call(&id)),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::ChainIdentitySet(account("//Alice"))
    ));
    assert_eq!(chain.read(|st| IDENTITIES.get(st, &account("//Alice"))), id);
}

#[test]
fn set_identity_errors() {
    let mut chain = chain();
    // Bob owns a hotkey, but it is registered nowhere.
    assert_eq!(
        chain.dispatch(
            signed("//Bob"),
            sc(SubtensorCall::try_associate_hotkey {
                hotkey: account("//BobHot")
            })
        ),
        Ok(())
    );
    chain.assert_noop(
        signed("//Bob"),
        identity_call(&ChainIdentity::default()),
        Error::HotKeyNotRegisteredInNetwork,
    );
    for id in [
        ChainIdentity {
            name: vec![0; 257],
            ..ChainIdentity::default()
        },
        ChainIdentity {
            github_repo: vec![0; 257],
            ..ChainIdentity::default()
        },
        ChainIdentity {
            additional: vec![0; 1025],
            ..ChainIdentity::default()
        },
    ] {
        chain.assert_noop(
            signed("//Alice"),
            identity_call(&id),
            Error::InvalidIdentity,
        );
    }
}

#[test]
fn try_associate_hotkey_binds_only_unowned_hotkeys() {
    let mut chain = chain();
    let call = |hk: AccountId| sc(SubtensorCall::try_associate_hotkey { hotkey: hk });
    let (bob, bob_hot) = (account("//Bob"), account("//BobHot"));
    assert_eq!(chain.dispatch(signed("//Bob"), call(bob_hot)), Ok(()));
    assert!(chain.last_events.is_empty());
    chain.read(|st| {
        assert_eq!(OWNER.try_get(st, &bob_hot), Some(bob));
        assert_eq!(OWNED_HOTKEYS.get(st, &bob), vec![bob_hot]);
        assert_eq!(STAKING_HOTKEYS.get(st, &bob), vec![bob_hot]);
    });
    // Someone else's hotkey: succeeds and changes nothing.
    let before = chain.root();
    assert_eq!(chain.dispatch(signed("//Charlie"), call(bob_hot)), Ok(()));
    assert_eq!(chain.root(), before);
    chain.assert_noop(
        signed("//Charlie"),
        call(balances::subnet_account(1)),
        Error::CannotUseSystemAccount,
    );
}

// ------------------------------------------------------------------ hotkey swap

fn swap_call(old: &str, new: &str, netuid: Option<NetUid>, keep_stake: bool) -> Call {
    sc(SubtensorCall::swap_hotkey_v2 {
        hotkey: account(old),
        new_hotkey: account(new),
        netuid,
        keep_stake,
    })
}

/// Subnet 1 with //AliceHot serving, committing weights, holding Bob's stake and dividends.
fn swap_fixture() -> TestChain {
    let mut chain = chain();
    let hot = account("//AliceHot");
    let bob = account("//Bob");
    chain.with_ctx(|ctx| {
        let st = &mut ctx.st;
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(st, &hot, &bob, NET, 1_000);
        ALPHA_DIVIDENDS_PER_SUBNET.insert(st, &(NET, hot), &77);
        DELEGATES.insert(st, &hot, &500);
        AXONS.insert(
            st,
            &(NET, hot),
            &AxonInfo {
                port: 1,
                ..AxonInfo::default()
            },
        );
        PROMETHEUS.insert(st, &(NET, hot), &PrometheusInfo::default());
        NEURON_CERTIFICATES.insert(st, &(NET, hot), &Default::default());
        WEIGHT_COMMITS.insert(st, &(NET, hot), &vec![WeightCommit::default()]);
    });
    chain
}

#[test]
fn swap_hotkey_on_all_subnets_moves_everything() {
    let mut chain = swap_fixture();
    let (alice, bob) = (account("//Alice"), account("//Bob"));
    let (old, new) = (account("//AliceHot"), account("//NewHot"));
    let before = free(&chain, "//Alice");
    let issuance = chain.read(|st| TOTAL_ISSUANCE.get(st));
    assert_eq!(
        chain.dispatch(
            signed("//Alice"),
            sc(SubtensorCall::swap_hotkey {
                hotkey: old,
                new_hotkey: new,
                netuid: None,
            })
        ),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::HotkeySwapped {
            coldkey: alice,
            old_hotkey: old,
            new_hotkey: new,
        }
    ));
    assert!(has_event(
        &chain,
        SubtensorEvent::SubnetOwnerHotkeySet(NET, new)
    ));
    assert_eq!(free(&chain, "//Alice"), before - KEY_SWAP_COST);
    chain.read(|st| {
        assert_eq!(TOTAL_ISSUANCE.get(st), issuance - KEY_SWAP_COST);
        assert_eq!(OWNER.try_get(st, &old), None);
        assert_eq!(OWNER.try_get(st, &new), Some(alice));
        assert_eq!(OWNED_HOTKEYS.get(st, &alice), vec![new]);
        assert_eq!(UIDS.try_get(st, &(NET, new)), Some(0));
        assert_eq!(UIDS.try_get(st, &(NET, old)), None);
        assert_eq!(KEYS.get(st, &(NET, 0)), new);
        assert!(IS_NETWORK_MEMBER.get(st, &(new, NET)));
        assert!(!IS_NETWORK_MEMBER.contains(st, &(old, NET)));
        // The reference writes the (false) membership of every other subnet too.
        assert_eq!(
            IS_NETWORK_MEMBER.try_get(st, &(new, ROOT_NETUID)),
            Some(false)
        );
        assert_eq!(AXONS.get(st, &(NET, new)).port, 1);
        assert!(!AXONS.contains(st, &(NET, old)));
        assert!(PROMETHEUS.contains(st, &(NET, new)));
        assert!(NEURON_CERTIFICATES.contains(st, &(NET, new)));
        assert_eq!(WEIGHT_COMMITS.get(st, &(NET, new)).len(), 1);
        assert!(!WEIGHT_COMMITS.contains(st, &(NET, old)));
        assert_eq!(SUBNET_OWNER_HOTKEY.get(st, &NET), new);
        assert_eq!(DELEGATES.try_get(st, &new), Some(500));
        assert_eq!(DELEGATES.try_get(st, &old), None);
        assert_eq!(stake::alpha(st, &new, &bob, NET), 1_000);
        assert!(!ALPHA_V2.contains(st, &(old, bob, NET)));
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(st, &(new, NET)), 1_000);
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(st, &(old, NET)), 0);
        assert_eq!(STAKING_HOTKEYS.get(st, &bob), vec![new]);
        assert_eq!(ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(NET, new)), 77);
        assert!(!ALPHA_DIVIDENDS_PER_SUBNET.contains(st, &(NET, old)));
        assert_eq!(LAST_TX_BLOCK.get(st, &alice), 1);
        assert_eq!(LAST_HOTKEY_SWAP_ON_NETUID.get(st, &(NET, alice)), 1);
    });
}

#[test]
fn swap_hotkey_keep_stake_leaves_positions_on_the_old_hotkey() {
    let mut chain = swap_fixture();
    let bob = account("//Bob");
    let (old, new) = (account("//AliceHot"), account("//NewHot"));
    assert_eq!(
        chain.dispatch(
            signed("//Alice"),
            swap_call("//AliceHot", "//NewHot", None, true)
        ),
        Ok(())
    );
    chain.read(|st| {
        assert_eq!(stake::alpha(st, &old, &bob, NET), 1_000);
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(st, &(old, NET)), 1_000);
        assert_eq!(STAKING_HOTKEYS.get(st, &bob), vec![old]);
        assert_eq!(ALPHA_DIVIDENDS_PER_SUBNET.get(st, &(NET, old)), 77);
        assert_eq!(UIDS.try_get(st, &(NET, new)), Some(0));
    });
}

#[test]
fn swap_hotkey_on_one_subnet() {
    let mut chain = swap_fixture();
    let (alice, bob) = (account("//Alice"), account("//Bob"));
    let (old, new) = (account("//AliceHot"), account("//NewHot"));
    // The one-subnet cooldown applies from block 0: refused until block 7 201.
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//NewHot", Some(NET), false),
        Error::HotKeySwapOnSubnetIntervalNotPassed,
    );
    chain.set_block(7_200);
    let before = free(&chain, "//Alice");
    assert_eq!(
        chain.dispatch(
            signed("//Alice"),
            swap_call("//AliceHot", "//NewHot", Some(NET), false)
        ),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::HotkeySwappedOnSubnet {
            coldkey: alice,
            old_hotkey: old,
            new_hotkey: new,
            netuid: NET,
        }
    ));
    assert_eq!(free(&chain, "//Alice"), before - KEY_SWAP_ON_SUBNET_COST);
    chain.read(|st| {
        // The old hotkey stays owned; the new one is added.
        assert_eq!(OWNER.try_get(st, &old), Some(alice));
        assert_eq!(OWNER.try_get(st, &new), Some(alice));
        assert_eq!(OWNED_HOTKEYS.get(st, &alice), vec![old, new]);
        assert_eq!(UIDS.try_get(st, &(NET, new)), Some(0));
        assert_eq!(stake::alpha(st, &new, &bob, NET), 1_000);
        assert_eq!(STAKING_HOTKEYS.get(st, &bob), vec![old, new]);
        assert_eq!(DELEGATES.try_get(st, &old), Some(500));
        assert_eq!(LAST_HOTKEY_SWAP_ON_NETUID.get(st, &(NET, alice)), 7_201);
        assert_eq!(LAST_TX_BLOCK.get(st, &alice), 7_201);
    });
}

#[test]
fn swap_hotkey_errors() {
    let mut chain = swap_fixture();
    chain.assert_noop(
        signed("//Bob"),
        swap_call("//AliceHot", "//NewHot", None, false),
        Error::NonAssociatedColdKey,
    );
    assert_eq!(
        chain.dispatch(
            signed("//Bob"),
            sc(SubtensorCall::try_associate_hotkey {
                hotkey: account("//BobHot")
            })
        ),
        Ok(())
    );
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//BobHot", None, false),
        Error::NonAssociatedColdKey,
    );
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//AliceHot", None, false),
        Error::NewHotKeyIsSameWithOld,
    );
    assert_eq!(register(&mut chain, "//Alice", "//AliceHot2"), Ok(()));
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//AliceHot2", None, false),
        Error::HotKeyAlreadyRegisteredInSubNet,
    );
    chain.set_block(8_000);
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//AliceHot2", Some(NET), false),
        Error::HotKeyAlreadyRegisteredInSubNet,
    );
    chain.with_ctx(|ctx| {
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &account("//RootHot"),
            &account("//Eve"),
            ROOT_NETUID,
            5,
        );
    });
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//RootHot", None, false),
        Error::NewHotKeyNotCleanForRootSwap,
    );
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//RootHot", Some(ROOT_NETUID), false),
        Error::NewHotKeyNotCleanForRootSwap,
    );
    chain.assert_noop(
        signed("//Alice"),
        sc(SubtensorCall::swap_hotkey {
            hotkey: account("//AliceHot"),
            new_hotkey: balances::subnet_account(9),
            netuid: None,
        }),
        Error::CannotUseSystemAccount,
    );
    chain.assert_noop(
        signed("//Alice"),
        sc(SubtensorCall::swap_hotkey {
            hotkey: account("//AliceHot"),
            new_hotkey: balances::subnet_account(9),
            netuid: Some(NET),
        }),
        Error::CannotUseSystemAccount,
    );
    // A recorded swap on a subnet the old hotkey is on gates the all-subnets form too.
    chain.with_ctx(|ctx| {
        LAST_HOTKEY_SWAP_ON_NETUID.insert(&mut ctx.st, &(NET, account("//Alice")), &1_000);
    });
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//AliceHot", "//NewHot", None, false),
        Error::HotKeySwapOnSubnetIntervalNotPassed,
    );
    chain.set_block(8_200);
    assert_eq!(
        chain.dispatch(
            signed("//Alice"),
            swap_call("//AliceHot", "//NewHot", None, false)
        ),
        Ok(())
    );
    chain.assert_noop(
        signed("//Alice"),
        swap_call("//NewHot", "//NewHot2", None, false),
        Error::HotKeySetTxRateLimitExceeded,
    );
}

#[test]
fn swap_hotkey_cost_errors() {
    let mut chain = chain();
    for (poor, amount) in [("//Poor", 0), ("//Poorish", KEY_SWAP_COST)] {
        if amount > 0 {
            fund(&mut chain, poor, amount);
        }
        let hot = format!("{poor}Hot");
        assert_eq!(
            chain.dispatch(
                signed(poor),
                sc(SubtensorCall::try_associate_hotkey {
                    hotkey: account(&hot)
                })
            ),
            Ok(())
        );
        let err = if amount == 0 {
            Error::NotEnoughBalanceToPaySwapHotKey
        } else {
            // Covered by the free balance but only by reaping the account.
            Error::InsufficientBalance
        };
        chain.assert_noop(signed(poor), swap_call(&hot, "//Fresh", None, false), err);
    }
}

// ------------------------------------------------------------------ coldkey swap

fn announce(hash: [u8; 32]) -> Call {
    sc(SubtensorCall::announce_coldkey_swap {
        new_coldkey_hash: hash,
    })
}

fn swap_announced(new: &str) -> Call {
    sc(SubtensorCall::swap_coldkey_announced {
        new_coldkey: account(new),
    })
}

fn dispute() -> Call {
    sc(SubtensorCall::dispute_coldkey_swap)
}

fn clear() -> Call {
    sc(SubtensorCall::clear_coldkey_swap_announcement)
}

fn associate(hotkey: &str) -> Call {
    sc(SubtensorCall::try_associate_hotkey {
        hotkey: account(hotkey),
    })
}

#[test]
fn coldkey_hash_is_blake2_of_the_public_key() {
    let who = account("//New");
    assert_eq!(
        coldkey_hash(&who),
        agora_primitives::hashing::blake2_256(&who.0)
    );
}

#[test]
fn announce_charges_once_and_reannounces_after_the_delay() {
    let mut chain = chain();
    let alice = account("//Alice");
    let hash = coldkey_hash(&account("//New"));
    let before = free(&chain, "//Alice");
    assert_eq!(chain.dispatch(signed("//Alice"), announce(hash)), Ok(()));
    assert!(has_event(
        &chain,
        SubtensorEvent::ColdkeySwapAnnounced {
            who: alice,
            new_coldkey_hash: hash,
        }
    ));
    assert_eq!(free(&chain, "//Alice"), before - KEY_SWAP_COST);
    let ann = chain.read(|st| COLDKEY_SWAP_ANNOUNCEMENTS.get(st, &alice));
    assert_eq!(ann.executable_at, 1 + 36_000);
    assert_eq!(ann.new_coldkey_hash, hash);
    chain.assert_noop(
        signed("//Alice"),
        announce([1; 32]),
        Error::ColdkeySwapReannouncedTooEarly,
    );
    chain.set_block(36_001 + 7_200 - 1);
    assert_eq!(chain.dispatch(signed("//Alice"), announce([1; 32])), Ok(()));
    // No second charge.
    assert_eq!(free(&chain, "//Alice"), before - KEY_SWAP_COST);
    let ann = chain.read(|st| COLDKEY_SWAP_ANNOUNCEMENTS.get(st, &alice));
    assert_eq!(ann.executable_at, 43_201 + 36_000);
    assert_eq!(ann.new_coldkey_hash, [1; 32]);
}

#[test]
fn announce_needs_the_cost() {
    let mut chain = chain();
    chain.assert_noop(
        signed("//Poor"),
        announce([0; 32]),
        Error::NotEnoughBalanceToPaySwapColdKey,
    );
}

#[test]
fn guard_limits_an_announced_coldkey_and_freezes_a_disputed_one() {
    let mut chain = chain();
    let alice = account("//Alice");
    assert_eq!(chain.dispatch(signed("//Alice"), associate("//X")), Ok(()));
    assert_eq!(chain.dispatch(signed("//Alice"), announce([0; 32])), Ok(()));
    chain.assert_noop(
        signed("//Alice"),
        associate("//Y"),
        Error::ColdkeySwapAnnounced,
    );
    chain.assert_noop(
        signed("//Alice"),
        Call::Balances(crate::call::BalancesCall::transfer_keep_alive {
            dest: account("//Bob"),
            value: TAO,
        }),
        Error::ColdkeySwapAnnounced,
    );
    // Other accounts are unaffected.
    assert_eq!(chain.dispatch(signed("//Bob"), associate("//Y")), Ok(()));
    assert_eq!(chain.dispatch(signed("//Alice"), dispute()), Ok(()));
    assert!(has_event(
        &chain,
        SubtensorEvent::ColdkeySwapDisputed { coldkey: alice }
    ));
    assert_eq!(chain.read(|st| COLDKEY_SWAP_DISPUTES.get(st, &alice)), 1);
    for call in [dispute(), clear(), announce([0; 32]), associate("//Z")] {
        chain.assert_noop(signed("//Alice"), call, Error::ColdkeySwapDisputed);
    }
    // Root bypasses the guard; reset unfreezes.
    assert_eq!(
        chain.dispatch(
            Origin::Root,
            sc(SubtensorCall::reset_coldkey_swap { coldkey: alice })
        ),
        Ok(())
    );
    assert!(has_event(
        &chain,
        SubtensorEvent::ColdkeySwapReset { who: alice }
    ));
    chain.read(|st| {
        assert!(!COLDKEY_SWAP_ANNOUNCEMENTS.contains(st, &alice));
        assert!(!COLDKEY_SWAP_DISPUTES.contains(st, &alice));
    });
    assert_eq!(chain.dispatch(signed("//Alice"), associate("//Z")), Ok(()));
    chain.assert_noop(
        signed("//Alice"),
        sc(SubtensorCall::reset_coldkey_swap { coldkey: alice }),
        Error::BadOrigin,
    );
}

#[test]
fn dispute_and_clear_errors() {
    let mut chain = chain();
    let alice = account("//Alice");
    for call in [dispute(), clear(), swap_announced("//New")] {
        chain.assert_noop(
            signed("//Alice"),
            call,
            Error::ColdkeySwapAnnouncementNotFound,
        );
    }
    assert_eq!(chain.dispatch(signed("//Alice"), announce([0; 32])), Ok(()));
    chain.assert_noop(signed("//Alice"), clear(), Error::ColdkeySwapClearTooEarly);
    chain.with_ctx(|ctx| {
        COLDKEY_SWAP_DISPUTES.insert(&mut ctx.st, &alice, &1);
        assert_eq!(
            dispute_coldkey_swap(ctx, &alice),
            Err(Error::ColdkeySwapAlreadyDisputed)
        );
        COLDKEY_SWAP_DISPUTES.remove(&mut ctx.st, &alice);
    });
    chain.set_block(36_001 + 7_200 - 1);
    assert_eq!(chain.dispatch(signed("//Alice"), clear()), Ok(()));
    assert!(has_event(
        &chain,
        SubtensorEvent::ColdkeySwapCleared { who: alice }
    ));
    assert!(chain.read(|st| !COLDKEY_SWAP_ANNOUNCEMENTS.contains(st, &alice)));
}

/// Alice owns subnet 1 and //AliceHot, stakes on it, and has an identity.
fn coldkey_fixture() -> TestChain {
    let mut chain = chain();
    let (alice, hot) = (account("//Alice"), account("//AliceHot"));
    chain.with_ctx(|ctx| {
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(&mut ctx.st, &hot, &alice, NET, 400);
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            &hot,
            &alice,
            ROOT_NETUID,
            300,
        );
        IDENTITIES.insert(
            &mut ctx.st,
            &alice,
            &ChainIdentity {
                name: b"alice".to_vec(),
                ..ChainIdentity::default()
            },
        );
    });
    chain
}

fn assert_coldkey_moved(chain: &TestChain, new_uri: &str, amount: u64) {
    let (alice, hot, new) = (account("//Alice"), account("//AliceHot"), account(new_uri));
    assert!(has_event(
        chain,
        SubtensorEvent::ColdkeySwapped {
            old_coldkey: alice,
            new_coldkey: new,
        }
    ));
    chain.read(|st| {
        assert_eq!(balances::free(st, &alice), 0);
        assert_eq!(balances::free(st, &new), amount);
        assert_eq!(SUBNET_OWNER.get(st, &NET), new);
        assert_eq!(OWNER.try_get(st, &hot), Some(new));
        assert_eq!(OWNED_HOTKEYS.get(st, &new), vec![hot]);
        assert!(!OWNED_HOTKEYS.contains(st, &alice));
        assert_eq!(STAKING_HOTKEYS.get(st, &new), vec![hot]);
        assert!(!STAKING_HOTKEYS.contains(st, &alice));
        assert_eq!(stake::alpha(st, &hot, &new, NET), 400);
        assert_eq!(stake::alpha(st, &hot, &new, ROOT_NETUID), 300);
        assert!(!ALPHA_V2.contains(st, &(hot, alice, NET)));
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(st, &(hot, NET)), 400);
        assert_eq!(IDENTITIES.get(st, &new).name, b"alice".to_vec());
        assert!(!IDENTITIES.contains(st, &alice));
        assert!(!COLDKEY_SWAP_ANNOUNCEMENTS.contains(st, &alice));
        assert_eq!(LAST_TX_BLOCK.get(st, &new), chain.block + 1);
    });
}

#[test]
fn swap_coldkey_announced_moves_everything_after_the_delay() {
    let mut chain = coldkey_fixture();
    let new = account("//NewCold");
    assert_eq!(
        chain.dispatch(signed("//Alice"), announce(coldkey_hash(&new))),
        Ok(())
    );
    chain.assert_noop(
        signed("//Alice"),
        swap_announced("//Other"),
        Error::AnnouncedColdkeyHashDoesNotMatch,
    );
    chain.assert_noop(
        signed("//Alice"),
        swap_announced("//NewCold"),
        Error::ColdkeySwapTooEarly,
    );
    chain.set_block(36_000);
    let amount = free(&chain, "//Alice");
    assert_eq!(
        chain.dispatch(signed("//Alice"), swap_announced("//NewCold")),
        Ok(())
    );
    assert_coldkey_moved(&chain, "//NewCold", amount);
}

#[test]
fn root_swap_coldkey_charges_and_clears_the_announcement() {
    let mut chain = coldkey_fixture();
    let alice = account("//Alice");
    assert_eq!(chain.dispatch(signed("//Alice"), announce([5; 32])), Ok(()));
    chain.with_ctx(|ctx| COLDKEY_SWAP_DISPUTES.insert(&mut ctx.st, &alice, &1));
    let amount = free(&chain, "//Alice") - TAO;
    let call = sc(SubtensorCall::swap_coldkey {
        old_coldkey: alice,
        new_coldkey: account("//NewCold"),
        swap_cost: TAO,
    });
    chain.assert_noop(signed("//Alice"), call.clone(), Error::ColdkeySwapDisputed);
    chain.assert_noop(signed("//Bob"), call.clone(), Error::BadOrigin);
    assert_eq!(chain.dispatch(Origin::Root, call), Ok(()));
    assert_coldkey_moved(&chain, "//NewCold", amount);
    assert!(chain.read(|st| !COLDKEY_SWAP_DISPUTES.contains(st, &alice)));
}

#[test]
fn swap_coldkey_errors() {
    let mut chain = coldkey_fixture();
    let alice = account("//Alice");
    let call = |new: &str, cost: u64| {
        sc(SubtensorCall::swap_coldkey {
            old_coldkey: alice,
            new_coldkey: account(new),
            swap_cost: cost,
        })
    };
    assert_eq!(
        chain.dispatch(signed("//Bob"), associate("//BobHot")),
        Ok(())
    );
    chain.assert_noop(
        Origin::Root,
        call("//Bob", 0),
        Error::ColdKeyAlreadyAssociated,
    );
    chain.assert_noop(
        Origin::Root,
        call("//AliceHot", 0),
        Error::NewColdKeyIsHotkey,
    );
    chain.assert_noop(
        Origin::Root,
        call("//NewCold", 2_000_000 * TAO),
        Error::NotEnoughBalanceToPaySwapColdKey,
    );
}

#[test]
fn swap_coldkey_keeps_an_existing_identity_of_the_new_key() {
    let mut chain = coldkey_fixture();
    let new = account("//NewCold");
    chain.with_ctx(|ctx| {
        IDENTITIES.insert(
            &mut ctx.st,
            &new,
            &ChainIdentity {
                name: b"new".to_vec(),
                ..ChainIdentity::default()
            },
        );
        assert_eq!(swap_coldkey(ctx, &account("//Alice"), &new, 0), Ok(()));
    });
    chain.read(|st| {
        assert_eq!(IDENTITIES.get(st, &new).name, b"new".to_vec());
        assert_eq!(
            IDENTITIES.get(st, &account("//Alice")).name,
            b"alice".to_vec()
        );
    });
}
