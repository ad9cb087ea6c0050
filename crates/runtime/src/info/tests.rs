//! Tests of the read side: every field of every struct against the storage of a populated
//! subnet, the reference's quirks (selective `netuid`, neuron lists stopping at a gap, only
//! non-zero weights, validator ordering), hand-computed delegate returns, SCALE layouts
//! assembled field by field, and the JSON conventions.

use std::collections::BTreeMap;

use agora_primitives::{AccountId, I32F32, I64F64, I96F32, U64F64};
use parity_scale_codec::{Compact, Decode, Encode};

use super::wire::CompactVec;
use super::*;
use crate::childkeys::{CHILD_KEYS, PARENT_KEYS};
use crate::genesis::{GenesisNeuron, GenesisSubnet};
use crate::staking as stake;
use crate::storage::*;
use crate::testing::{TAO, TestChain, account, dev_genesis};
use crate::types::{AxonInfo, ChainIdentity, PrometheusInfo, SubnetIdentity};

const NET: NetUid = 1;
const BLOCK: u64 = 5_000;

fn hk(n: u8) -> AccountId {
    account(&format!("//InfoHot{n}"))
}

fn ck(n: u8) -> AccountId {
    account(&format!("//InfoCold{n}"))
}

/// Subnet 1 with the owner hotkey (uid 0) and three neurons (uids 1–3) owned by three
/// coldkeys, every per-uid vector and parameter set to a distinct value, a childkey relation,
/// identities, endpoints, weights and bonds (with zeros), dividends and pool terms.
fn populated() -> TestChain {
    let mut cfg = dev_genesis();
    cfg.subnets.push(GenesisSubnet {
        netuid: NET,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//AliceHot".into(),
        started: true,
        params: BTreeMap::new(),
        pool_tao: None,
        pool_alpha: None,
        neurons: (1u8..=3)
            .map(|i| GenesisNeuron {
                hotkey: format!("//InfoHot{i}"),
                coldkey: format!("//InfoCold{i}"),
                stake: u64::from(i) * 1_000 * TAO,
            })
            .collect(),
    });
    let mut c = TestChain::new(&cfg);
    c.with_ctx(|ctx| {
        let st = &mut ctx.st;
        BLOCK_NUMBER.put(st, &BLOCK);
        let idx = netuid_index(NET, 0);
        ACTIVE.insert(st, &NET, &vec![true, false, true, true]);
        EMISSION.insert(st, &NET, &vec![10, 20, 30, 40]);
        INCENTIVE.insert(st, &idx, &vec![1, 2, 3, 4]);
        CONSENSUS.insert(st, &NET, &vec![5, 6, 7, 8]);
        DIVIDENDS.insert(st, &NET, &vec![9, 10, 11, 12]);
        VALIDATOR_TRUST.insert(st, &NET, &vec![13, 14, 15, 16]);
        VALIDATOR_PERMIT.insert(st, &NET, &vec![true, true, false, true]);
        LAST_UPDATE.insert(st, &idx, &vec![100, 200, 300]); // one short
        WEIGHTS.insert(st, &(idx, 1), &vec![(0, 0), (2, 65_535), (3, 7)]);
        BONDS.insert(st, &(idx, 1), &vec![(2, 0), (3, 9)]);
        AXONS.insert(
            st,
            &(NET, hk(1)),
            &AxonInfo {
                block: 3,
                version: 4,
                ip: 1 << 100,
                port: 8091,
                ip_type: 6,
                protocol: 4,
                placeholder1: 1,
                placeholder2: 2,
            },
        );
        PROMETHEUS.insert(
            st,
            &(NET, hk(2)),
            &PrometheusInfo {
                block: 7,
                version: 1,
                ip: 0x7f00_0001,
                port: 9090,
                ip_type: 4,
            },
        );
        IDENTITIES.insert(
            st,
            &ck(2),
            &ChainIdentity {
                name: b"two".to_vec(),
                ..ChainIdentity::default()
            },
        );
        SUBNET_IDENTITIES.insert(
            st,
            &NET,
            &SubnetIdentity {
                subnet_name: b"infonet".to_vec(),
                ..SubnetIdentity::default()
            },
        );
        ALPHA_DIVIDENDS_PER_SUBNET.insert(st, &(NET, hk(3)), &77);
        PENDING_SERVER_EMISSION.insert(st, &NET, &1_000);
        PENDING_VALIDATOR_EMISSION.insert(st, &NET, &2_000);
        SUBNET_MOVING_PRICE.insert(st, &NET, &I96F32::from_num(3).to_bits());
        SUBNET_ALPHA_OUT_EMISSION.insert(st, &NET, &55);
        subnet::SUBNET_ALPHA_IN_EMISSION.insert(st, &NET, &66);
        subnet::SUBNET_TAO_IN_EMISSION.insert(st, &NET, &88);
        SUBNET_VOLUME.insert(st, &NET, &(u128::from(u64::MAX) * 3));
        LAST_MECHANISM_STEP_BLOCK.insert(st, &NET, &4_900);
        BLOCKS_SINCE_LAST_STEP.insert(st, &NET, &100);
        TEMPO.insert(st, &NET, &99);
        RHO.insert(st, &NET, &17);
        KAPPA.insert(st, &NET, &18);
        DIFFICULTY.insert(st, &NET, &19);
        MIN_DIFFICULTY.insert(st, &NET, &20);
        MAX_DIFFICULTY.insert(st, &NET, &21);
        ADJUSTMENT_ALPHA.insert(st, &NET, &22);
        ADJUSTMENT_INTERVAL.insert(st, &NET, &23);
        MAX_WEIGHTS_LIMIT.insert(st, &NET, &24); // vestigial: reads return u16::MAX
        WEIGHTS_VERSION_KEY.insert(st, &NET, &25);
        WEIGHTS_SET_RATE_LIMIT.insert(st, &NET, &26);
        ACTIVITY_CUTOFF_FACTOR_MILLI.insert(st, &NET, &20_000);
        NETWORK_POW_REGISTRATION_ALLOWED.insert(st, &NET, &false);
        MIN_BURN.insert(st, &NET, &27);
        MAX_BURN.insert(st, &NET, &28);
        BURN.insert(st, &NET, &29);
        SERVING_RATE_LIMIT.insert(st, &NET, &30);
        REVEAL_PERIOD_EPOCHS.insert(st, &NET, &3);
        ALPHA_VALUES.insert(st, &NET, &(31, 32));
        LIQUID_ALPHA_ON.insert(st, &NET, &true);
        BONDS_MOVING_AVERAGE.insert(st, &NET, &33);
        ALPHA_SIGMOID_STEEPNESS.insert(st, &NET, &-5);
        SCALING_LAW_POWER.insert(st, &NET, &34);
        TARGET_REGISTRATIONS_PER_INTERVAL.insert(st, &NET, &35);
        MAX_REGISTRATIONS_PER_BLOCK.insert(st, &NET, &36);
        // hk(3) gives half its stake to hk(1); hk(2) has root stake.
        let half = u64::MAX / 2;
        CHILD_KEYS.insert(st, &(NET, hk(3)), &vec![(half, hk(1))]);
        PARENT_KEYS.insert(st, &(NET, hk(1)), &vec![(half, hk(3))]);
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(
            st,
            &hk(2),
            &ck(2),
            ROOT_NETUID,
            400 * TAO,
        );
        // A second position of coldkey 3 on hotkey 1.
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(st, &hk(1), &ck(3), NET, 5 * TAO);
    });
    c
}

fn read<R>(c: &TestChain, f: impl FnOnce(&crate::state::Overlay<'_>) -> R) -> R {
    c.read(f)
}

// ------------------------------------------------------------------ metagraph

#[test]
fn metagraph_fields_match_storage() {
    let c = populated();
    let m = read(&c, |st| metagraph(st, NET)).expect("exists");
    let owner_hot = account("//AliceHot");
    assert_eq!(m.netuid, NET);
    assert_eq!(m.name.0, b"infonet".to_vec());
    assert_eq!(m.symbol.0, read(&c, |st| TOKEN_SYMBOL.get(st, &NET)));
    assert_eq!(
        m.identity.as_ref().map(|i| i.subnet_name.clone()),
        Some(b"infonet".to_vec())
    );
    assert_eq!(
        m.network_registered_at,
        read(&c, |st| NETWORK_REGISTERED_AT.get(st, &NET))
    );
    assert_eq!(m.owner_hotkey, owner_hot);
    assert_eq!(m.owner_coldkey, account("//Alice"));
    assert_eq!(
        (m.block, m.tempo, m.last_step, m.blocks_since_last_step),
        (BLOCK, 99, 4_900, 100)
    );
    assert_eq!(m.subnet_emission, 0);
    read(&c, |st| {
        assert_eq!(m.alpha_in, SUBNET_ALPHA_IN.get(st, &NET));
        assert_eq!(m.alpha_out, SUBNET_ALPHA_OUT.get(st, &NET));
        assert_eq!(m.tao_in, SUBNET_TAO.get(st, &NET));
    });
    assert_eq!(
        (m.alpha_out_emission, m.alpha_in_emission, m.tao_in_emission),
        (55, 66, 88)
    );
    assert_eq!(
        (m.pending_alpha_emission, m.pending_root_emission),
        (3_000, 0)
    );
    assert_eq!(m.subnet_volume, u128::from(u64::MAX) * 3);
    assert_eq!(m.moving_price, I96F32::from_num(3));
    assert_eq!((m.rho, m.kappa, m.min_allowed_weights), (17, 18, 1));
    assert_eq!(m.max_weights_limit, u16::MAX);
    assert_eq!((m.weights_version, m.weights_rate_limit), (25, 26));
    // 20 000 milli-tempos of 99 blocks.
    assert_eq!(m.activity_cutoff, 1_980);
    assert_eq!((m.max_validators, m.num_uids, m.max_uids), (64, 4, 256));
    assert_eq!((m.burn, m.difficulty), (29, 19));
    assert!(m.registration_allowed && !m.pow_registration_allowed);
    assert_eq!(m.immunity_period, 5_000);
    assert_eq!(
        (m.min_difficulty, m.max_difficulty, m.min_burn, m.max_burn),
        (20, 21, 27, 28)
    );
    assert_eq!((m.adjustment_alpha, m.adjustment_interval), (22, 23));
    assert_eq!(
        (
            m.target_regs_per_interval,
            m.max_regs_per_block,
            m.serving_rate_limit
        ),
        (35, 36, 30)
    );
    assert_eq!(
        (m.commit_reveal_weights_enabled, m.commit_reveal_period),
        (
            read(&c, |st| COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, &NET)),
            3
        )
    );
    assert_eq!(
        (
            m.liquid_alpha_enabled,
            m.alpha_high,
            m.alpha_low,
            m.bonds_moving_avg
        ),
        (true, 32, 31, 33)
    );

    let hot: Vec<AccountId> = vec![owner_hot, hk(1), hk(2), hk(3)];
    assert_eq!(m.hotkeys, hot);
    assert_eq!(m.coldkeys, vec![account("//Alice"), ck(1), ck(2), ck(3)]);
    assert_eq!(
        m.identities[2].as_ref().map(|i| i.name.clone()),
        Some(b"two".to_vec())
    );
    assert!(m.identities[1].is_none());
    assert_eq!(m.axons[1].port, 8091);
    assert_eq!(m.axons[0], AxonInfo::default());
    assert_eq!(m.active, vec![true, false, true, true]);
    assert_eq!(m.validator_permit, vec![true, true, false, true]);
    assert!(m.pruning_score.0.is_empty() && m.trust.0.is_empty() && m.rank.0.is_empty());
    assert_eq!(m.last_update.0, vec![100, 200, 300]);
    assert_eq!(m.emission.0, vec![10, 20, 30, 40]);
    assert_eq!(m.dividends.0, vec![9, 10, 11, 12]);
    assert_eq!(m.incentives.0, vec![1, 2, 3, 4]);
    assert_eq!(m.consensus.0, vec![5, 6, 7, 8]);
    let regs: Vec<u64> = read(&c, |st| {
        (0..4)
            .map(|u| BLOCK_AT_REGISTRATION.get(st, &(NET, u)))
            .collect()
    });
    assert_eq!(m.block_at_registration.0, regs);
    // Stake: hk(1) own 1 005 TAO + half of hk(3)'s 3 000 (q = 0.5 − 2^-32 of 3e12 rao).
    let own1 = 1_005 * TAO;
    let own3 = 3_000 * TAO;
    read(&c, |st| {
        assert_eq!(
            m.alpha_stake.0[1],
            crate::childkeys::inherited_alpha(st, &hk(1), NET)
        );
        assert_eq!(
            m.alpha_stake.0[3],
            crate::childkeys::inherited_alpha(st, &hk(3), NET)
        );
        assert_eq!(m.tao_stake.0[2], 400 * TAO);
        let w = I64F64::saturating_from_num(crate::childkeys::tao_weight(st));
        let total2 = I64F64::from_num(2_000 * TAO) + I64F64::from_num(400 * TAO) * w;
        assert_eq!(m.total_stake.0[2], total2.saturating_to_num::<u64>());
    });
    // Hand figure: 3e12 · (0.5 − 2^-32) = 1.5e12 − 698.49 → hk(3) keeps 1.5e12 + 698.49,
    // hk(1) gets 1.005e12 + 1.5e12 − 698.49.
    assert_eq!(m.alpha_stake.0[3], own3 / 2 + 698);
    assert_eq!(m.alpha_stake.0[1], own1 + own3 / 2 - 699);
    assert_eq!(
        m.tao_dividends_per_hotkey.iter().map(|a| a.1).sum::<u64>(),
        0
    );
    assert_eq!(
        m.alpha_dividends_per_hotkey[3],
        wire::AccountAmount(hk(3), 77)
    );
    assert_eq!(
        m.alpha_dividends_per_hotkey[0],
        wire::AccountAmount(owner_hot, 0)
    );

    // The SCALE encoding decodes back to the same value.
    assert_eq!(Metagraph::decode(&mut m.encode().as_slice()), Ok(m.clone()));
    // Root and missing subnets.
    read(&c, |st| {
        assert!(metagraph(st, 9).is_none());
        assert_eq!(all_metagraphs(st).len(), 2);
        assert_eq!(
            metagraph(st, ROOT_NETUID).expect("root").name.0,
            b"root".to_vec()
        );
    });
}

#[test]
fn selective_metagraph_picks_fields_with_the_reference_quirks() {
    let c = populated();
    read(&c, |st| {
        let full = metagraph(st, NET).expect("exists");
        let all: Vec<u16> = (0..74).collect();
        let s = selective_metagraph(st, NET, &all).expect("exists");
        assert_eq!(s.netuid, NET);
        assert_eq!(s.name, Some(full.name.clone()));
        assert_eq!(s.identity, Some(full.identity.clone()));
        assert_eq!(s.subnet_volume, Some(Compact128(full.subnet_volume)));
        assert_eq!(s.moving_price, Some(full.moving_price));
        assert_eq!(s.activity_cutoff, Some(Compact64(full.activity_cutoff)));
        assert_eq!(s.hotkeys, Some(full.hotkeys.clone()));
        assert_eq!(s.axons, Some(full.axons.clone()));
        assert_eq!(s.total_stake, Some(full.total_stake.clone()));
        assert_eq!(
            s.alpha_dividends_per_hotkey,
            Some(full.alpha_dividends_per_hotkey.clone())
        );
        assert_eq!(s.commitments, Some(Vec::new()));
        // Validators: permits on uids 0, 1, 3; the owner's stake weight 0 is not above the
        // threshold 0; ascending by stake weight: hk(3) (1.5e12) < hk(1) (2.5e12).
        assert_eq!(s.validators, Some(CompactVec(vec![3, 1])));
        // Every field of the full selection encodes like the metagraph's value.
        let enc = s.encode();
        assert_eq!(
            SelectiveMetagraph::decode(&mut enc.as_slice()),
            Ok(s.clone())
        );

        // Without index 0 the netuid stays 0; unknown indexes are ignored.
        let partial = selective_metagraph(st, NET, &[1, 500, 30]).expect("exists");
        assert_eq!(partial.netuid, 0);
        assert_eq!(partial.num_uids, Some(Compact16(4)));
        assert!(partial.hotkeys.is_none() && partial.validators.is_none());
        // The mechagraph form always carries the netuid.
        let mecha = selective_mechagraph(st, NET, 1, &[62]).expect("exists");
        assert_eq!(mecha.netuid, NET);
        assert_eq!(mecha.incentives, Some(CompactVec(Vec::new())));
        assert!(selective_metagraph(st, 9, &[0]).is_none());
    });
    // A stake threshold drops validators at or below it.
    let mut c = c;
    c.with_ctx(|ctx| STAKE_THRESHOLD.put(&mut ctx.st, &(2_000 * TAO)));
    read(&c, |st| {
        let s = selective_metagraph(st, NET, &[72]).expect("exists");
        assert_eq!(s.validators, Some(CompactVec(vec![1])));
    });
}

#[test]
fn mechagraphs_use_the_mechanism_vectors() {
    let mut c = populated();
    c.with_ctx(|ctx| {
        MECHANISM_COUNT_CURRENT.insert(&mut ctx.st, &NET, &2);
        let idx = netuid_index(NET, 1);
        INCENTIVE.insert(&mut ctx.st, &idx, &vec![9, 9]);
        LAST_UPDATE.insert(&mut ctx.st, &idx, &vec![8]);
    });
    read(&c, |st| {
        let m = mechagraph(st, NET, 1).expect("mechanism 1");
        assert_eq!(m.netuid, 4_096 + NET);
        assert_eq!(m.incentives.0, vec![9, 9]);
        assert_eq!(m.last_update.0, vec![8]);
        assert_eq!(m.emission.0, vec![10, 20, 30, 40]);
        assert!(mechagraph(st, NET, 2).is_none());
        // Root (1 mechanism) + subnet 1 (2 mechanisms).
        assert_eq!(all_mechagraphs(st).len(), 3);
    });
}

#[test]
fn subnet_state_matches_the_metagraph_columns() {
    let c = populated();
    read(&c, |st| {
        let m = metagraph(st, NET).expect("exists");
        let s = subnet_state(st, NET).expect("exists");
        assert_eq!(s.netuid, NET);
        assert_eq!(s.hotkeys, m.hotkeys);
        assert_eq!(s.coldkeys, m.coldkeys);
        assert_eq!(s.active, m.active);
        assert_eq!(s.validator_permit, m.validator_permit);
        assert_eq!(s.last_update, m.last_update);
        assert_eq!(s.emission, m.emission);
        assert_eq!(s.dividends, m.dividends);
        assert_eq!(s.incentives, m.incentives);
        assert_eq!(s.consensus, m.consensus);
        assert_eq!(s.block_at_registration, m.block_at_registration);
        assert_eq!(s.alpha_stake, m.alpha_stake);
        assert_eq!(s.tao_stake, m.tao_stake);
        assert_eq!(s.total_stake, m.total_stake);
        assert!(s.pruning_score.0.is_empty() && s.trust.0.is_empty() && s.rank.0.is_empty());
        // One row per added subnet (root and 1), one zero per uid.
        assert_eq!(s.emission_history, vec![CompactVec(vec![0; 4]); 2]);
        assert!(subnet_state(st, 9).is_none());
    });
}

// ------------------------------------------------------------------ neurons

#[test]
fn neurons_carry_the_per_uid_terms_and_only_non_zero_rows() {
    let c = populated();
    read(&c, |st| {
        let all = neurons(st, NET);
        assert_eq!(all.len(), 4);
        let n1 = &all[1];
        assert_eq!(
            (n1.hotkey, n1.coldkey, n1.uid, n1.netuid),
            (hk(1), ck(1), 1, NET)
        );
        assert!(!n1.active);
        assert_eq!(n1.axon_info.port, 8091);
        assert_eq!(n1.prometheus_info, PrometheusInfo::default());
        assert_eq!(all[2].prometheus_info.port, 9090);
        // The owner's stake entry: the hotkey's whole alpha (both coldkeys' positions).
        assert_eq!(n1.stake, vec![wire::AccountAmount(ck(1), 1_005 * TAO)]);
        assert_eq!((n1.rank, n1.trust, n1.pruning_score), (0, 0, u16::MAX));
        assert_eq!((n1.emission, n1.incentive, n1.consensus), (20, 2, 6));
        assert_eq!(
            (n1.validator_trust, n1.dividends, n1.last_update),
            (14, 10, 200)
        );
        assert!(n1.validator_permit);
        assert_eq!(
            n1.weights,
            vec![wire::UidValue(2, 65_535), wire::UidValue(3, 7)]
        );
        assert_eq!(n1.bonds, vec![wire::UidValue(3, 9)]);
        // Short vectors read as defaults.
        assert_eq!(all[3].last_update, 0);
        assert_eq!(neuron(st, NET, 1).as_ref(), Some(n1));
        let lite = neurons_lite(st, NET);
        assert_eq!(lite[1], NeuronInfoLite::from(n1.clone()));
        assert_eq!(neuron_lite(st, NET, 1), Some(lite[1].clone()));
        assert!(neuron(st, NET, 4).is_none());
        assert!(neurons(st, 9).is_empty());
    });
    // A uid without a hotkey ends the list, as in the reference.
    let mut c = c;
    c.with_ctx(|ctx| KEYS.remove(&mut ctx.st, &(NET, 2)));
    read(&c, |st| {
        assert_eq!(neurons(st, NET).len(), 2);
        assert!(neuron(st, NET, 2).is_none());
        assert!(neuron(st, NET, 3).is_some());
    });
}

// ------------------------------------------------------------------ subnet info and hyperparameters

#[test]
fn subnet_info_and_hyperparameters_match_storage() {
    let c = populated();
    read(&c, |st| {
        let i = subnet_info_v2(st, NET).expect("exists");
        assert_eq!((i.netuid, i.rho, i.kappa, i.difficulty), (NET, 17, 18, 19));
        assert_eq!(
            (
                i.immunity_period,
                i.max_allowed_validators,
                i.min_allowed_weights
            ),
            (5_000, 64, 1)
        );
        assert_eq!(
            (i.max_weights_limit, i.scaling_law_power, i.subnetwork_n),
            (u16::MAX, 34, 4)
        );
        assert_eq!(
            (i.max_allowed_uids, i.blocks_since_last_step, i.tempo),
            (256, 100, 99)
        );
        assert_eq!((i.network_modality, i.emission_value, i.burn), (0, 0, 29));
        assert!(i.network_connect.is_empty());
        assert_eq!(i.owner, account("//Alice"));
        assert_eq!(
            i.identity.as_ref().map(|x| x.subnet_name.clone()),
            Some(b"infonet".to_vec())
        );
        let v1 = subnet_info(st, NET).expect("exists");
        // v1 is v2 without the identity.
        let mut v1_bytes = v1.encode();
        v1_bytes.extend(i.identity.encode());
        assert_eq!(v1_bytes, i.encode());
        assert_eq!(subnets_info(st).len(), 2);
        assert_eq!(subnets_info_v2(st)[1].as_ref(), Some(&i));
        assert!(subnet_info(st, 9).is_none());

        let h = subnet_hyperparams_v2(st, NET).expect("exists");
        assert_eq!(
            (h.rho, h.kappa, h.immunity_period, h.min_allowed_weights),
            (17, 18, 5_000, 1)
        );
        assert_eq!(
            (
                h.max_weights_limit,
                h.tempo,
                h.min_difficulty,
                h.max_difficulty
            ),
            (u16::MAX, 99, 20, 21)
        );
        assert_eq!(
            (
                h.weights_version,
                h.weights_rate_limit,
                h.adjustment_interval
            ),
            (25, 26, 23)
        );
        assert_eq!(
            (
                h.activity_cutoff,
                h.registration_allowed,
                h.target_regs_per_interval
            ),
            (1_980, true, 35)
        );
        assert_eq!(
            (
                h.min_burn,
                h.max_burn,
                h.bonds_moving_avg,
                h.max_regs_per_block
            ),
            (27, 28, 33, 36)
        );
        assert_eq!(
            (
                h.serving_rate_limit,
                h.max_validators,
                h.adjustment_alpha,
                h.difficulty
            ),
            (30, 64, 22, 19)
        );
        assert_eq!(
            (
                h.commit_reveal_period,
                h.alpha_high,
                h.alpha_low,
                h.liquid_alpha_enabled
            ),
            (3, 32, 31, true)
        );
        assert_eq!(h.alpha_sigmoid_steepness, I32F32::from_num(-5));
        assert_eq!(h.yuma_version, 3); // new subnets have Yuma3 on
        assert!(h.subnet_is_active && h.transfers_enabled && !h.bonds_reset_enabled);
        assert!(!h.user_liquidity_enabled);
        let v1 = subnet_hyperparams(st, NET).expect("exists");
        // v1 is the prefix of v2 up to liquid_alpha_enabled.
        assert!(h.encode().starts_with(&v1.encode()));

        let v3 = subnet_hyperparams_v3(st, NET).expect("exists");
        let names: Vec<String> = v3
            .iter()
            .map(|e| String::from_utf8_lossy(&e.name).into_owned())
            .collect();
        assert_eq!(names.len(), 33);
        assert_eq!(names.first().map(String::as_str), Some("kappa"));
        assert_eq!(names.last().map(String::as_str), Some("min_childkey_take"));
        let get = |n: &str| {
            v3.iter()
                .find(|e| e.name == n.as_bytes())
                .map(|e| e.value.clone())
        };
        assert_eq!(get("activity_cutoff"), Some(HyperparamValue::U64(1_980)));
        assert_eq!(
            get("activity_cutoff_factor"),
            Some(HyperparamValue::U32(20_000))
        );
        assert_eq!(get("min_burn"), Some(HyperparamValue::TaoBalance(27)));
        assert_eq!(
            get("burn_increase_mult"),
            Some(HyperparamValue::U64F64(U64F64::from_bits(
                crate::types::DEFAULT_BURN_INCREASE_MULT_BITS
            )))
        );
        assert_eq!(
            get("alpha_sigmoid_steepness"),
            Some(HyperparamValue::I32F32(I32F32::from_num(-5)))
        );
        assert_eq!(get("min_childkey_take"), Some(HyperparamValue::U16(0)));
        assert_eq!(get("rho"), None); // v3 lists no rho
    });
}

#[test]
fn dynamic_info_matches_storage() {
    let c = populated();
    read(&c, |st| {
        let d = dynamic_info(st, NET).expect("exists");
        assert_eq!(
            (d.netuid, d.owner_hotkey, d.owner_coldkey),
            (NET, account("//AliceHot"), account("//Alice"))
        );
        assert_eq!(d.subnet_name.0, b"infonet".to_vec());
        assert_eq!(d.token_symbol.0, TOKEN_SYMBOL.get(st, &NET));
        assert_eq!(
            (d.tempo, d.last_step, d.blocks_since_last_step, d.emission),
            (99, 4_900, 100, 0)
        );
        assert_eq!(
            (d.alpha_in, d.alpha_out, d.tao_in),
            (
                SUBNET_ALPHA_IN.get(st, &NET),
                SUBNET_ALPHA_OUT.get(st, &NET),
                SUBNET_TAO.get(st, &NET)
            )
        );
        assert_eq!(
            (d.alpha_out_emission, d.alpha_in_emission, d.tao_in_emission),
            (55, 66, 88)
        );
        assert_eq!(
            (d.pending_alpha_emission, d.pending_root_emission),
            (3_000, 0)
        );
        assert_eq!(d.subnet_volume, u128::from(u64::MAX) * 3);
        assert_eq!(d.network_registered_at, NETWORK_REGISTERED_AT.get(st, &NET));
        assert_eq!(d.moving_price, I96F32::from_num(3));
        assert!(d.subnet_identity.is_some());
        assert_eq!(all_dynamic_info(st).len(), 2);
        assert!(dynamic_info(st, 9).is_none());
        // Without an identity name the default name of the netuid shows.
        assert_eq!(
            dynamic_info(st, ROOT_NETUID).expect("root").subnet_name.0,
            b"root".to_vec()
        );
        assert_eq!(default_subnet_name(2), b"omron");
        assert_eq!(default_subnet_name(439), b"unknown");
    });
}

// ------------------------------------------------------------------ stake and delegates

#[test]
fn stake_info_lists_non_zero_positions() {
    let c = populated();
    read(&c, |st| {
        let s = stake_info_for_coldkey(st, &ck(3));
        // Coldkey 3: its own hotkey and 5 TAO on hk(1) (StakingHotkeys order: hk(3), hk(1)).
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].hotkey, s[0].netuid, s[0].stake, s[0].emission),
            (hk(3), NET, 3_000 * TAO, 77)
        );
        assert_eq!(
            (s[1].hotkey, s[1].stake, s[1].emission),
            (hk(1), 5 * TAO, 0)
        );
        assert!(
            s.iter()
                .all(|i| i.is_registered && i.locked == 0 && i.drain == 0 && i.tao_emission == 0)
        );
        let many = stake_info_for_coldkeys(st, &[ck(2), ck(9)]);
        assert_eq!(
            many[0].1.iter().map(|i| i.netuid).collect::<Vec<_>>(),
            vec![ROOT_NETUID, NET]
        );
        assert!(many[1].1.is_empty());
        let one = stake_info_for_hotkey_coldkey_netuid(st, &hk(9), &ck(9), 9).expect("always some");
        assert_eq!((one.stake, one.is_registered), (0, false));

        let a = stake_availability(st, &ck(3), NET);
        assert_eq!(
            (a.total, a.locked, a.available),
            (3_005 * TAO, 0, 3_005 * TAO)
        );
        let all = stake_availability_for_coldkeys(st, &[ck(2), ck(9)], None);
        assert_eq!(
            all[&ck(2)].keys().copied().collect::<Vec<_>>(),
            vec![ROOT_NETUID, NET]
        );
        assert!(all[&ck(9)].is_empty());
        let some = stake_availability_for_coldkeys(st, &[ck(2)], Some(vec![NET, NET, 9]));
        assert_eq!(some[&ck(2)].keys().copied().collect::<Vec<_>>(), vec![NET]);
        // An empty request, or one longer than the subnet count, gives empty maps.
        assert!(stake_availability_for_coldkeys(st, &[ck(2)], Some(vec![]))[&ck(2)].is_empty());
        assert!(
            stake_availability_for_coldkeys(st, &[ck(2)], Some(vec![0, 1, 2]))[&ck(2)].is_empty()
        );
    });
}

#[test]
fn delegate_info_computes_daily_returns_by_hand() {
    let mut c = populated();
    c.with_ctx(|ctx| {
        DELEGATES.insert(&mut ctx.st, &hk(2), &(u16::MAX / 4));
        stake::increase_stake_for_hotkey_and_coldkey_on_subnet(&mut ctx.st, &hk(2), &ck(1), NET, 7);
    });
    read(&c, |st| {
        let d = delegate(st, &hk(2)).expect("delegate");
        assert_eq!(
            (d.delegate_ss58, d.owner_ss58, d.take),
            (hk(2), ck(2), u16::MAX / 4)
        );
        assert_eq!(d.registrations.0, vec![NET]);
        // uid 2 has no permit.
        assert!(d.validator_permits.0.is_empty());
        // Emission 30 per epoch, 7200/99 epochs a day: 30 · 72.7272… = 2181.8181… → 2181.
        assert_eq!(d.total_daily_return, 2_181);
        // (1 − 16383/65535) · 2181.81… / (400 TAO / 1000 TAO) = 0.750011… · 2181.81 / 0.4
        // = 4091.…: computed with the same U64F64 steps by hand below.
        let e = U64F64::from_num(30) * (U64F64::from_num(7_200) / U64F64::from_num(99));
        let keep = U64F64::from_num(1) - U64F64::from_num(16_383) / U64F64::from_num(65_535);
        let per_1000 = e * keep / (U64F64::from_num(400 * TAO) / U64F64::from_num(1_000 * TAO));
        assert_eq!(d.return_per_1000, per_1000.to_num::<u64>());
        assert!((4_090..4_093).contains(&d.return_per_1000));
        // Nominators by account: ck(1) holds 7 alpha on subnet 1, ck(2) its own stakes.
        let mut want = vec![
            Nominator(ck(1), vec![NetuidAmount(NET, 7)]),
            Nominator(
                ck(2),
                vec![
                    NetuidAmount(ROOT_NETUID, 400 * TAO),
                    NetuidAmount(NET, 2_000 * TAO),
                ],
            ),
        ];
        want.sort_by_key(|n| n.0);
        assert_eq!(d.nominators, want);
        assert!(delegate(st, &hk(9)).is_none());
        // Delegates in the reference's hashed-key order.
        let all: Vec<AccountId> = delegates(st).iter().map(|d| d.delegate_ss58).collect();
        let mut sorted = all.clone();
        sorted.sort_by_key(|a| (agora_primitives::hashing::blake2_128(&a.0), *a));
        assert_eq!(all, sorted);
        assert!(all.contains(&hk(2)));
        let by_ck1 = delegated(st, &ck(1));
        let hk2 = by_ck1
            .iter()
            .find(|(d, _)| d.delegate_ss58 == hk(2))
            .expect("hk2");
        assert_eq!(hk2.1, NetuidAmount(NET, 7));
        assert!(hk2.0.nominators.is_empty());
    });
}

#[test]
fn misc_functions() {
    let mut c = populated();
    c.with_ctx(|ctx| {
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &NET, &4_950);
    });
    read(&c, |st| {
        assert_eq!(next_epoch_start_block(st, NET), Some(4_950 + 99));
        assert_eq!(
            network_registration_cost(st, BLOCK),
            crate::subnets::network_lock_cost(st, BLOCK)
        );
        assert_eq!(
            subnet_to_prune(st, BLOCK),
            crate::subnets::get_subnet_to_prune(st, BLOCK)
        );
        assert_eq!(
            subnet_account_id(st, NET),
            Some(crate::balances::subnet_account(NET))
        );
        assert_eq!(subnet_account_id(st, 9), None);
        assert_eq!(current_block(st), BLOCK);
    });
    c.with_ctx(|ctx| {
        PENDING_EPOCH_AT.insert(&mut ctx.st, &NET, &5_001);
        TEMPO.insert(&mut ctx.st, &2, &0);
    });
    read(&c, |st| {
        assert_eq!(next_epoch_start_block(st, NET), Some(5_001));
        assert_eq!(next_epoch_start_block(st, 2), None);
    });
}

// ------------------------------------------------------------------ encodings

#[test]
fn stake_info_and_neuron_lite_encode_field_by_field() {
    let s = StakeInfo {
        hotkey: hk(1),
        coldkey: ck(1),
        netuid: 3,
        stake: 1 << 40,
        locked: 0,
        emission: 70,
        tao_emission: 0,
        drain: 0,
        is_registered: true,
    };
    let mut want = Vec::new();
    want.extend(hk(1).0);
    want.extend(ck(1).0);
    want.extend(Compact(3u16).encode());
    want.extend(Compact(1u64 << 40).encode());
    want.extend(Compact(0u64).encode());
    want.extend(Compact(70u64).encode());
    want.extend([0, 0, 1]);
    assert_eq!(s.encode(), want);
    assert_eq!(StakeInfo::decode(&mut want.as_slice()), Ok(s));

    let c = populated();
    let n = read(&c, |st| neuron_lite(st, NET, 1)).expect("uid 1");
    let mut want = Vec::new();
    want.extend(n.hotkey.0);
    want.extend(n.coldkey.0);
    want.extend(Compact(1u16).encode());
    want.extend(Compact(NET).encode());
    want.push(0); // inactive
    want.extend(n.axon_info.encode());
    want.extend(n.prometheus_info.encode());
    want.extend(Compact(1u32).encode());
    want.extend(ck(1).0);
    want.extend(Compact(1_005 * TAO).encode());
    for x in [0u64, 20, 2, 6, 0, 14, 10, 200] {
        want.extend(Compact(x).encode());
    }
    want.push(1); // permit
    want.extend(Compact(u16::MAX).encode());
    assert_eq!(n.encode(), want);
}

#[test]
fn metagraph_encodes_in_the_reference_field_order() {
    let c = populated();
    let m = read(&c, |st| metagraph(st, NET)).expect("exists");
    let mut w = Vec::new();
    let cu = |w: &mut Vec<u8>, x: u64| w.extend(Compact(x).encode());
    let cv8 = |w: &mut Vec<u8>, v: &[u8]| {
        w.extend(Compact(u32::try_from(v.len()).expect("short")).encode());
        for b in v {
            w.extend(Compact(*b).encode());
        }
    };
    cu(&mut w, u64::from(m.netuid));
    cv8(&mut w, &m.name.0);
    cv8(&mut w, &m.symbol.0);
    w.extend(m.identity.encode());
    cu(&mut w, m.network_registered_at);
    w.extend(m.owner_hotkey.0);
    w.extend(m.owner_coldkey.0);
    for x in [
        m.block,
        u64::from(m.tempo),
        m.last_step,
        m.blocks_since_last_step,
    ] {
        cu(&mut w, x);
    }
    for x in [
        m.subnet_emission,
        m.alpha_in,
        m.alpha_out,
        m.tao_in,
        m.alpha_out_emission,
        m.alpha_in_emission,
        m.tao_in_emission,
        m.pending_alpha_emission,
        m.pending_root_emission,
    ] {
        cu(&mut w, x);
    }
    w.extend(Compact(m.subnet_volume).encode());
    w.extend(m.moving_price.to_bits().to_le_bytes());
    for x in [
        u64::from(m.rho),
        u64::from(m.kappa),
        u64::from(m.min_allowed_weights),
        u64::from(m.max_weights_limit),
        m.weights_version,
        m.weights_rate_limit,
        m.activity_cutoff,
        u64::from(m.max_validators),
        u64::from(m.num_uids),
        u64::from(m.max_uids),
        m.burn,
        m.difficulty,
    ] {
        cu(&mut w, x);
    }
    w.extend([
        u8::from(m.registration_allowed),
        u8::from(m.pow_registration_allowed),
    ]);
    for x in [
        u64::from(m.immunity_period),
        m.min_difficulty,
        m.max_difficulty,
        m.min_burn,
        m.max_burn,
        m.adjustment_alpha,
        u64::from(m.adjustment_interval),
        u64::from(m.target_regs_per_interval),
        u64::from(m.max_regs_per_block),
        m.serving_rate_limit,
    ] {
        cu(&mut w, x);
    }
    w.push(u8::from(m.commit_reveal_weights_enabled));
    cu(&mut w, m.commit_reveal_period);
    w.push(u8::from(m.liquid_alpha_enabled));
    for x in [
        u64::from(m.alpha_high),
        u64::from(m.alpha_low),
        m.bonds_moving_avg,
    ] {
        cu(&mut w, x);
    }
    w.extend(m.hotkeys.encode());
    w.extend(m.coldkeys.encode());
    w.extend(m.identities.encode());
    w.extend(m.axons.encode());
    w.extend(m.active.encode());
    w.extend(m.validator_permit.encode());
    let cvec = |w: &mut Vec<u8>, v: &[u64]| {
        w.extend(Compact(u32::try_from(v.len()).expect("short")).encode());
        for x in v {
            w.extend(Compact(*x).encode());
        }
    };
    let widen = |v: &[u16]| v.iter().map(|x| u64::from(*x)).collect::<Vec<_>>();
    cvec(&mut w, &widen(&m.pruning_score.0));
    cvec(&mut w, &m.last_update.0);
    cvec(&mut w, &m.emission.0);
    cvec(&mut w, &widen(&m.dividends.0));
    cvec(&mut w, &widen(&m.incentives.0));
    cvec(&mut w, &widen(&m.consensus.0));
    cvec(&mut w, &widen(&m.trust.0));
    cvec(&mut w, &widen(&m.rank.0));
    cvec(&mut w, &m.block_at_registration.0);
    cvec(&mut w, &m.alpha_stake.0);
    cvec(&mut w, &m.tao_stake.0);
    cvec(&mut w, &m.total_stake.0);
    for list in [&m.tao_dividends_per_hotkey, &m.alpha_dividends_per_hotkey] {
        w.extend(Compact(u32::try_from(list.len()).expect("short")).encode());
        for a in list {
            w.extend(a.0.0);
            cu(&mut w, a.1);
        }
    }
    assert_eq!(m.encode(), w);
}

#[test]
fn selective_metagraph_encodes_options_in_index_order() {
    let c = populated();
    let s = read(&c, |st| selective_metagraph(st, NET, &[0, 8, 72])).expect("exists");
    let mut w = Vec::new();
    w.extend(Compact(NET).encode());
    // Fields 1–7 absent, 8 (tempo) present, 9–71 absent, 72 (validators) present, 73 absent.
    w.extend([0u8; 7]);
    w.push(1);
    w.extend(Compact(99u16).encode());
    w.extend(vec![0u8; 63]);
    w.push(1);
    w.extend(CompactVec(vec![3u16, 1]).encode());
    w.push(0);
    assert_eq!(s.encode(), w);
    assert_eq!(SELECTIVE_METAGRAPH_FIELDS[72], "validators");
}

#[test]
fn hyperparam_values_and_dynamic_info_encode_as_the_reference() {
    assert_eq!(HyperparamValue::Bool(true).encode(), vec![0, 1]);
    assert_eq!(
        HyperparamValue::U16(300).encode(),
        [vec![1], Compact(300u16).encode()].concat()
    );
    assert_eq!(HyperparamValue::TaoBalance(5).encode(), vec![5, 20]);
    assert_eq!(
        HyperparamValue::U64F64(U64F64::from_num(1)).encode(),
        [vec![7], (1u128 << 64).to_le_bytes().to_vec()].concat()
    );
    let e = HyperparamEntry {
        name: b"tempo".to_vec(),
        value: HyperparamValue::U16(360),
    };
    assert_eq!(
        e.encode(),
        [
            b"tempo".to_vec().encode(),
            HyperparamValue::U16(360).encode()
        ]
        .concat()
    );

    let c = populated();
    let d = read(&c, |st| dynamic_info(st, NET)).expect("exists");
    let bytes = d.encode();
    assert_eq!(DynamicInfo::decode(&mut bytes.as_slice()), Ok(d.clone()));
    // The tail is the identity then the moving price's 16 bytes.
    let tail = [
        d.subnet_identity.encode(),
        d.moving_price.to_bits().to_le_bytes().to_vec(),
    ]
    .concat();
    assert!(bytes.ends_with(&tail));
}

#[test]
fn json_uses_ss58_exact_decimals_and_strings_for_u128() {
    let c = populated();
    let d = read(&c, |st| dynamic_info(st, NET)).expect("exists");
    let v: serde_json::Value = serde_json::to_value(&d).expect("json");
    assert_eq!(
        v["owner_hotkey"],
        serde_json::json!(account("//AliceHot").to_string())
    );
    assert_eq!(v["moving_price"], serde_json::json!("3"));
    assert_eq!(
        v["subnet_volume"],
        serde_json::json!((u128::from(u64::MAX) * 3).to_string())
    );
    assert_eq!(v["subnet_name"], serde_json::json!(b"infonet".to_vec()));
    assert_eq!(v["pending_alpha_emission"], serde_json::json!(3_000));
    let s = read(&c, |st| selective_metagraph(st, NET, &[0, 3, 21])).expect("exists");
    let v: serde_json::Value = serde_json::to_value(&s).expect("json");
    let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    assert_eq!(keys.len(), 3, "unselected fields are omitted: {keys:?}");
    assert_eq!(v["moving_price"], serde_json::json!("3"));
    let h = read(&c, |st| subnet_hyperparams_v3(st, NET)).expect("exists");
    let v = serde_json::to_value(&h).expect("json");
    assert_eq!(
        v[0],
        serde_json::json!({"name": "kappa", "value": {"U16": 18}})
    );
    let mult = v
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["name"] == "burn_increase_mult")
        .expect("mult");
    // The exact binary value of the default (the f64 1.26 converted), not a rounded "1.26".
    let text = wire::unsigned_decimal(crate::types::DEFAULT_BURN_INCREASE_MULT_BITS, 64);
    assert!(text.starts_with("1.2600000000000000088817841970012523233890533447265625"));
    assert_eq!(mult["value"]["U64F64"], serde_json::json!(text));
    let n = read(&c, |st| neuron(st, NET, 1)).expect("uid 1");
    let v = serde_json::to_value(&n).expect("json");
    assert_eq!(
        v["axon_info"]["ip"],
        serde_json::json!((1u128 << 100).to_string())
    );
    assert_eq!(
        v["stake"][0],
        serde_json::json!([ck(1).to_string(), 1_005 * TAO])
    );
    assert_eq!(v["weights"], serde_json::json!([[2, 65_535], [3, 7]]));
}

#[test]
fn prices_simulated_swaps_fees_and_auto_stake() {
    let mut c = populated();
    let dest = hk(2);
    c.with_ctx(|ctx| AUTO_STAKE_DESTINATION.insert(&mut ctx.st, &(ck(1), NET), &dest));
    read(&c, |st| {
        // Genesis seeds the pool with equal TAO and alpha at 0.5/0.5 weights: price 1.
        assert_eq!(current_alpha_price(st, NET), 1_000_000_000);
        assert_eq!(current_alpha_price(st, ROOT_NETUID), 1_000_000_000);
        assert_eq!(
            current_alpha_price_all(st),
            vec![
                SubnetPrice {
                    netuid: ROOT_NETUID,
                    price: 1_000_000_000
                },
                SubnetPrice {
                    netuid: NET,
                    price: 1_000_000_000
                },
            ]
        );
        let buy = sim_swap_tao_for_alpha(st, NET, TAO);
        assert_eq!(
            Some(buy),
            crate::swap::sim_swap_tao_for_alpha(st, NET, TAO).ok()
        );
        assert!(buy.alpha_amount > 0 && buy.tao_fee > 0 && buy.alpha_fee == 0);
        let sell = sim_swap_alpha_for_tao(st, NET, TAO);
        assert_eq!(
            Some(sell),
            crate::swap::sim_swap_alpha_for_tao(st, NET, TAO).ok()
        );
        assert!(sell.tao_amount > 0 && sell.alpha_fee > 0 && sell.tao_fee == 0);
        // A missing subnet: the staking module's answer, zeros where it fails.
        assert_eq!(
            sim_swap_tao_for_alpha(st, 9, TAO),
            crate::swap::sim_swap_tao_for_alpha(st, 9, TAO).unwrap_or_default()
        );
        let here = Some((hk(1), NET));
        assert_eq!(stake_fee(st, here, &ck(1), here, &ck(1), TAO), 0);
        assert_eq!(
            stake_fee(st, here, &ck(1), Some((hk(2), NET)), &ck(1), TAO),
            crate::swap::approx_fee_amount(st, NET, TAO)
        );
        assert_eq!(coldkey_auto_stake_hotkey(st, &ck(1), NET), Some(dest));
        assert_eq!(coldkey_auto_stake_hotkey(st, &ck(2), NET), None);
    });
    let p = SubnetPrice {
        netuid: 3,
        price: 5,
    };
    assert_eq!(p.encode(), [3u16.encode(), 5u64.encode()].concat());
}

#[test]
fn subnet_lists_follow_the_reference_iteration_orders() {
    let mut c = populated();
    c.with_ctx(|ctx| NETWORKS_ADDED.insert(&mut ctx.st, &256, &true));
    read(&c, |st| {
        // `get_all_subnet_netuids` iterates little-endian netuid keys: 0, 256, 1.
        let order: Vec<u16> = all_dynamic_info(st)
            .into_iter()
            .map(|d| d.expect("exists").netuid)
            .collect();
        assert_eq!(order, vec![0, 256, 1]);
        let prices: Vec<u16> = current_alpha_price_all(st)
            .iter()
            .map(|p| p.netuid)
            .collect();
        assert_eq!(prices, vec![0, 256, 1]);
        // `get_subnets_info` walks 0..=max netuid.
        let order: Vec<u16> = subnets_info(st)
            .into_iter()
            .map(|i| i.expect("exists").netuid)
            .collect();
        assert_eq!(order, vec![0, 1, 256]);
    });
}
