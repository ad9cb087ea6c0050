//! Property tests over random sequences of signed extrinsics and blocks.
//!
//! Invariants checked after every block:
//! - no panic, whatever the sequence (invalid extrinsics are refused, failing calls fail);
//! - TAO is conserved: the balances issuance equals the sum of every free balance, and the
//!   subtensor issuance equals it (only the documented mint/recycle paths move either);
//! - stake never appears from nowhere: on every subnet the alpha held in positions plus the
//!   pending emission never exceeds the subnet's outstanding alpha;
//! - every subnet's pool TAO is held by its subnet account;
//! - the same sequence always gives the same state root.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::sync::LazyLock;

use agora_primitives::{AccountId, Keypair};
use agora_runtime::call::{BalancesCall, Call, SubtensorCall, SudoCall};
use agora_runtime::genesis::{GenesisConfig, GenesisNeuron, GenesisSubnet};
use agora_runtime::governance::AdminCall;
use agora_runtime::state::Overlay;
use agora_runtime::storage::{
    BALANCES_ISSUANCE, NETWORKS_ADDED, PENDING_OWNER_CUT, PENDING_SERVER_EMISSION,
    PENDING_VALIDATOR_EMISSION, SUBNET_ALPHA_OUT, SUBNET_TAO, TOTAL_HOTKEY_ALPHA, TOTAL_ISSUANCE,
};
use agora_runtime::testing::{TAO, TestChain, dev_genesis};
use agora_runtime::weights::commit_hash;
use agora_runtime::{BlockBuilder, balances};
use parity_scale_codec::Encode;
use proptest::prelude::*;

const COLDKEYS: [&str; 4] = ["//Alice", "//Bob", "//Charlie", "//Dave"];
const HOTKEYS: [&str; 6] = ["//H0", "//H1", "//H2", "//H3", "//H4", "//H5"];

static COLD: LazyLock<Vec<Keypair>> = LazyLock::new(|| {
    COLDKEYS
        .iter()
        .map(|u| Keypair::from_uri(u).unwrap())
        .collect()
});
static HOT: LazyLock<Vec<Keypair>> = LazyLock::new(|| {
    HOTKEYS
        .iter()
        .map(|u| Keypair::from_uri(u).unwrap())
        .collect()
});

fn genesis() -> GenesisConfig {
    let mut cfg = dev_genesis();
    cfg.params.insert("NetworkMinLockCost".into(), 100 * TAO);
    cfg.params.insert("NetworkRateLimit".into(), 0);
    cfg.subnets.push(GenesisSubnet {
        netuid: 1,
        owner_coldkey: "//Alice".into(),
        owner_hotkey: "//H0".into(),
        started: true,
        params: [
            ("Tempo".to_string(), 5u64),
            ("CommitRevealWeightsEnabled".to_string(), 0),
            ("WeightsSetRateLimit".to_string(), 0),
            ("MaxAllowedUids".to_string(), 4),
            ("ImmunityPeriod".to_string(), 2),
        ]
        .into(),
        neurons: vec![
            GenesisNeuron {
                hotkey: "//H1".into(),
                coldkey: "//Bob".into(),
                stake: 500 * TAO,
            },
            GenesisNeuron {
                hotkey: "//H2".into(),
                coldkey: "//Charlie".into(),
                stake: 0,
            },
        ],
        ..Default::default()
    });
    cfg
}

#[derive(Clone, Debug)]
enum Op {
    Transfer {
        from: usize,
        to: usize,
        amount: u64,
        keep_alive: bool,
    },
    TransferAll {
        from: usize,
        to: usize,
        keep_alive: bool,
    },
    RegisterNetwork {
        cold: usize,
        hot: usize,
    },
    StartCall {
        cold: usize,
        netuid: u16,
    },
    BurnedRegister {
        cold: usize,
        hot: usize,
        netuid: u16,
    },
    SetWeights {
        hot: usize,
        netuid: u16,
        uids: Vec<u16>,
        values: Vec<u16>,
    },
    Commit {
        hot: usize,
        netuid: u16,
        uids: Vec<u16>,
        values: Vec<u16>,
    },
    Reveal {
        hot: usize,
        netuid: u16,
        uids: Vec<u16>,
        values: Vec<u16>,
    },
    ServeAxon {
        hot: usize,
        netuid: u16,
        ip: u128,
        port: u16,
        ip_type: u8,
    },
    SwapHotkey {
        cold: usize,
        old: usize,
        new: usize,
        netuid: Option<u16>,
    },
    SudoDissolve {
        netuid: u16,
    },
    SudoSetTempo {
        netuid: u16,
        tempo: u16,
    },
    OwnerSetCommitReveal {
        cold: usize,
        netuid: u16,
        enabled: bool,
    },
    AddStake {
        cold: usize,
        hot: usize,
        netuid: u16,
        amount: u64,
        limit: Option<(u64, bool)>,
    },
    RemoveStake {
        cold: usize,
        hot: usize,
        netuid: u16,
        amount: u64,
    },
    MoveStake {
        cold: usize,
        from: usize,
        to: usize,
        n1: u16,
        n2: u16,
        amount: u64,
    },
    UnstakeAll {
        cold: usize,
        hot: usize,
        alpha_only: bool,
    },
    RecycleAlpha {
        cold: usize,
        hot: usize,
        netuid: u16,
        amount: u64,
    },
    AutoStake {
        cold: usize,
        hot: usize,
        netuid: u16,
    },
    SudoNominatorMin {
        factor: u64,
    },
    Blocks(u64),
}

fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..1_000,
        Just(499),
        Just(500),
        0u64..10 * TAO,
        Just(1_000_000 * TAO),
        any::<u64>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0usize..COLDKEYS.len();
    let hot = 0usize..HOTKEYS.len();
    let netuid = 0u16..4;
    let vec16 = prop::collection::vec(0u16..6, 0..5);
    prop_oneof![
        (who.clone(), who.clone(), amount(), any::<bool>()).prop_map(
            |(from, to, amount, keep_alive)| Op::Transfer {
                from,
                to,
                amount,
                keep_alive
            }
        ),
        (who.clone(), who.clone(), any::<bool>()).prop_map(|(from, to, keep_alive)| {
            Op::TransferAll {
                from,
                to,
                keep_alive,
            }
        }),
        (who.clone(), hot.clone()).prop_map(|(cold, hot)| Op::RegisterNetwork { cold, hot }),
        (who.clone(), netuid.clone()).prop_map(|(cold, netuid)| Op::StartCall { cold, netuid }),
        (who.clone(), hot.clone(), netuid.clone())
            .prop_map(|(cold, hot, netuid)| Op::BurnedRegister { cold, hot, netuid }),
        (hot.clone(), netuid.clone(), vec16.clone(), vec16.clone()).prop_map(
            |(hot, netuid, uids, values)| Op::SetWeights {
                hot,
                netuid,
                uids,
                values
            }
        ),
        (hot.clone(), netuid.clone(), vec16.clone(), vec16.clone()).prop_map(
            |(hot, netuid, uids, values)| Op::Commit {
                hot,
                netuid,
                uids,
                values
            }
        ),
        (hot.clone(), netuid.clone(), vec16.clone(), vec16.clone()).prop_map(
            |(hot, netuid, uids, values)| Op::Reveal {
                hot,
                netuid,
                uids,
                values
            }
        ),
        (
            hot.clone(),
            netuid.clone(),
            any::<u128>(),
            any::<u16>(),
            3u8..8
        )
            .prop_map(|(hot, netuid, ip, port, ip_type)| Op::ServeAxon {
                hot,
                netuid,
                ip,
                port,
                ip_type
            }),
        (who, hot.clone(), hot, prop::option::of(0u16..3)).prop_map(|(cold, old, new, netuid)| {
            Op::SwapHotkey {
                cold,
                old,
                new,
                netuid,
            }
        }),
        (1u64..12).prop_map(Op::Blocks),
        (0u16..4).prop_map(|netuid| Op::SudoDissolve { netuid }),
        (0u16..4, prop_oneof![Just(0u16), 1u16..8, Just(360)])
            .prop_map(|(netuid, tempo)| Op::SudoSetTempo { netuid, tempo }),
        (0usize..COLDKEYS.len(), 0u16..4, any::<bool>()).prop_map(|(cold, netuid, enabled)| {
            Op::OwnerSetCommitReveal {
                cold,
                netuid,
                enabled,
            }
        }),
        staking_op(),
    ]
}

fn staking_op() -> impl Strategy<Value = Op> {
    let who = 0usize..COLDKEYS.len();
    let hot = 0usize..HOTKEYS.len();
    let netuid = 0u16..4;
    let limit = prop::option::of((0u64..3 * TAO, any::<bool>()));
    prop_oneof![
        (who.clone(), hot.clone(), netuid.clone(), amount(), limit).prop_map(
            |(cold, hot, netuid, amount, limit)| Op::AddStake {
                cold,
                hot,
                netuid,
                amount,
                limit
            }
        ),
        (who.clone(), hot.clone(), netuid.clone(), amount()).prop_map(
            |(cold, hot, netuid, amount)| Op::RemoveStake {
                cold,
                hot,
                netuid,
                amount
            }
        ),
        (
            who.clone(),
            hot.clone(),
            hot.clone(),
            netuid.clone(),
            netuid.clone(),
            amount()
        )
            .prop_map(|(cold, from, to, n1, n2, amount)| Op::MoveStake {
                cold,
                from,
                to,
                n1,
                n2,
                amount
            }),
        (who.clone(), hot.clone(), any::<bool>()).prop_map(|(cold, hot, alpha_only)| {
            Op::UnstakeAll {
                cold,
                hot,
                alpha_only,
            }
        }),
        (who.clone(), hot.clone(), netuid.clone(), amount()).prop_map(
            |(cold, hot, netuid, amount)| Op::RecycleAlpha {
                cold,
                hot,
                netuid,
                amount
            }
        ),
        (who, hot, netuid).prop_map(|(cold, hot, netuid)| Op::AutoStake { cold, hot, netuid }),
        prop_oneof![Just(0u64), Just(10_000_000), 0u64..100_000_000]
            .prop_map(|factor| Op::SudoNominatorMin { factor }),
    ]
}

fn acc(k: &Keypair) -> AccountId {
    k.public()
}

/// The signer and call for an op (`None` for `Blocks`).
fn to_call(op: &Op) -> Option<(&'static Keypair, Call)> {
    let sc = |c| Call::SubtensorModule(c);
    Some(match op.clone() {
        Op::Transfer {
            from,
            to,
            amount,
            keep_alive,
        } => {
            let dest = acc(&COLD[to]);
            let call = if keep_alive {
                BalancesCall::transfer_keep_alive {
                    dest,
                    value: amount,
                }
            } else {
                BalancesCall::transfer_allow_death {
                    dest,
                    value: amount,
                }
            };
            (&COLD[from], Call::Balances(call))
        }
        Op::TransferAll {
            from,
            to,
            keep_alive,
        } => (
            &COLD[from],
            Call::Balances(BalancesCall::transfer_all {
                dest: acc(&COLD[to]),
                keep_alive,
            }),
        ),
        Op::RegisterNetwork { cold, hot } => (
            &COLD[cold],
            sc(SubtensorCall::register_network {
                hotkey: acc(&HOT[hot]),
            }),
        ),
        Op::StartCall { cold, netuid } => (&COLD[cold], sc(SubtensorCall::start_call { netuid })),
        Op::BurnedRegister { cold, hot, netuid } => (
            &COLD[cold],
            sc(SubtensorCall::burned_register {
                netuid,
                hotkey: acc(&HOT[hot]),
            }),
        ),
        Op::SetWeights {
            hot,
            netuid,
            uids,
            values,
        } => (
            &HOT[hot],
            sc(SubtensorCall::set_weights {
                netuid,
                dests: uids,
                weights: values,
                version_key: 0,
            }),
        ),
        Op::Commit {
            hot,
            netuid,
            uids,
            values,
        } => {
            let hash = commit_hash(&acc(&HOT[hot]), netuid, &uids, &values, &[7], 0);
            (
                &HOT[hot],
                sc(SubtensorCall::commit_weights {
                    netuid,
                    commit_hash: hash,
                }),
            )
        }
        Op::Reveal {
            hot,
            netuid,
            uids,
            values,
        } => (
            &HOT[hot],
            sc(SubtensorCall::reveal_weights {
                netuid,
                uids,
                values,
                salt: vec![7],
                version_key: 0,
            }),
        ),
        Op::ServeAxon {
            hot,
            netuid,
            ip,
            port,
            ip_type,
        } => (
            &HOT[hot],
            sc(SubtensorCall::serve_axon {
                netuid,
                version: 1,
                ip,
                port,
                ip_type,
                protocol: 0,
                placeholder1: 0,
                placeholder2: 0,
            }),
        ),
        Op::SwapHotkey {
            cold,
            old,
            new,
            netuid,
        } => (
            &COLD[cold],
            sc(SubtensorCall::swap_hotkey_v2 {
                hotkey: acc(&HOT[old]),
                new_hotkey: acc(&HOT[new]),
                netuid,
                keep_stake: false,
            }),
        ),
        Op::SudoDissolve { netuid } => (
            &COLD[0],
            Call::Sudo(SudoCall::sudo {
                call: Box::new(sc(SubtensorCall::root_dissolve_network { netuid })),
            }),
        ),
        Op::SudoSetTempo { netuid, tempo } => (
            &COLD[0],
            Call::Sudo(SudoCall::sudo {
                call: Box::new(Call::AdminUtils(AdminCall::sudo_set_tempo {
                    netuid,
                    tempo,
                })),
            }),
        ),
        Op::OwnerSetCommitReveal {
            cold,
            netuid,
            enabled,
        } => (
            &COLD[cold],
            Call::AdminUtils(AdminCall::sudo_set_commit_reveal_weights_enabled { netuid, enabled }),
        ),
        Op::AddStake {
            cold,
            hot,
            netuid,
            amount,
            limit,
        } => (
            &COLD[cold],
            sc(match limit {
                None => SubtensorCall::add_stake {
                    hotkey: acc(&HOT[hot]),
                    netuid,
                    amount_staked: amount,
                },
                Some((limit_price, allow_partial)) => SubtensorCall::add_stake_limit {
                    hotkey: acc(&HOT[hot]),
                    netuid,
                    amount_staked: amount,
                    limit_price,
                    allow_partial,
                },
            }),
        ),
        Op::RemoveStake {
            cold,
            hot,
            netuid,
            amount,
        } => (
            &COLD[cold],
            sc(SubtensorCall::remove_stake {
                hotkey: acc(&HOT[hot]),
                netuid,
                amount_unstaked: amount,
            }),
        ),
        Op::MoveStake {
            cold,
            from,
            to,
            n1,
            n2,
            amount,
        } => (
            &COLD[cold],
            sc(SubtensorCall::move_stake {
                origin_hotkey: acc(&HOT[from]),
                destination_hotkey: acc(&HOT[to]),
                origin_netuid: n1,
                destination_netuid: n2,
                alpha_amount: amount,
            }),
        ),
        Op::UnstakeAll {
            cold,
            hot,
            alpha_only,
        } => (
            &COLD[cold],
            sc(if alpha_only {
                SubtensorCall::unstake_all_alpha {
                    hotkey: acc(&HOT[hot]),
                }
            } else {
                SubtensorCall::unstake_all {
                    hotkey: acc(&HOT[hot]),
                }
            }),
        ),
        Op::RecycleAlpha {
            cold,
            hot,
            netuid,
            amount,
        } => (
            &COLD[cold],
            sc(SubtensorCall::recycle_alpha {
                hotkey: acc(&HOT[hot]),
                amount,
                netuid,
            }),
        ),
        Op::AutoStake { cold, hot, netuid } => (
            &COLD[cold],
            sc(SubtensorCall::set_coldkey_auto_stake_hotkey {
                netuid,
                hotkey: acc(&HOT[hot]),
            }),
        ),
        Op::SudoNominatorMin { factor } => (
            &COLD[0],
            Call::Sudo(SudoCall::sudo {
                call: Box::new(Call::AdminUtils(
                    AdminCall::sudo_set_nominator_min_required_stake { min_stake: factor },
                )),
            }),
        ),
        Op::Blocks(_) => return None,
    })
}

fn check_invariants(st: &Overlay<'_>) -> Result<(), TestCaseError> {
    let sum = balances::sum_of_balances(st);
    prop_assert_eq!(
        u128::from(BALANCES_ISSUANCE.get(st)),
        sum,
        "balances issuance != sum of balances"
    );
    prop_assert_eq!(
        TOTAL_ISSUANCE.get(st),
        BALANCES_ISSUANCE.get(st),
        "subtensor issuance drifted"
    );
    for netuid in 1u16..6 {
        let held: u128 = TOTAL_HOTKEY_ALPHA
            .iter(st)
            .into_iter()
            .filter(|((_, n), _)| *n == netuid)
            .map(|(_, a)| u128::from(a))
            .sum();
        let pending = u128::from(PENDING_SERVER_EMISSION.get(st, &netuid))
            + u128::from(PENDING_VALIDATOR_EMISSION.get(st, &netuid))
            + u128::from(PENDING_OWNER_CUT.get(st, &netuid));
        let out = u128::from(SUBNET_ALPHA_OUT.get(st, &netuid));
        prop_assert!(
            held + pending <= out,
            "subnet {netuid}: positions {held} + pending {pending} exceed alpha out {out}"
        );
    }
    // Pool TAO physically sits in the subnet accounts (up to the reference's edge case of a
    // lock clamped below the minimum by the keep-alive rule, at most the existential deposit).
    for (netuid, _) in NETWORKS_ADDED.iter(st) {
        let pool = SUBNET_TAO.get(st, &netuid);
        let held = balances::free(st, &balances::subnet_account(netuid));
        prop_assert!(
            pool <= held + balances::EXISTENTIAL_DEPOSIT,
            "subnet {netuid}: pool {pool} above its account {held}"
        );
    }
    Ok(())
}

/// Runs `ops`, one block per extrinsic (plus empty blocks for `Blocks`); returns the roots.
fn run(ops: &[Op]) -> Result<Vec<[u8; 32]>, TestCaseError> {
    let mut chain = TestChain::new(&genesis());
    chain.author = Some(acc(&COLD[3]));
    // Root takes stake once its subtoken is enabled (a fresh chain must do it explicitly).
    let enable_root = Call::AdminUtils(AdminCall::sudo_set_subtoken_enabled {
        netuid: 0,
        subtoken_enabled: true,
    });
    prop_assert_eq!(
        chain.dispatch(agora_runtime::types::Origin::Root, enable_root),
        Ok(())
    );
    let mut roots = Vec::new();
    for op in ops {
        match to_call(op) {
            None => {
                if let Op::Blocks(n) = op {
                    chain.run_to_block(chain.block + n);
                }
            }
            Some((signer, call)) => {
                let xt = chain.sign(signer, call);
                let number = chain.block + 1;
                let out = {
                    let mut b = BlockBuilder::new(&chain.state, number, chain.author);
                    let _ = b.apply(&xt);
                    b.finish()
                };
                chain.state.apply(out.changes);
                chain.block = number;
                prop_assert_eq!(out.state_root, chain.root());
            }
        }
        chain.read(check_invariants)?;
        roots.push(chain.root());
    }
    Ok(roots)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn random_sequences_conserve_tao_and_are_deterministic(ops in prop::collection::vec(op(), 1..30)) {
        let first = run(&ops)?;
        let second = run(&ops)?;
        prop_assert_eq!(first, second);
    }
}

#[test]
fn extrinsic_encoding_round_trips() {
    use agora_runtime::Extrinsic;
    let chain = TestChain::new(&genesis());
    let call = Call::Balances(BalancesCall::transfer_keep_alive {
        dest: acc(&COLD[1]),
        value: 7,
    });
    let xt = Extrinsic::sign(&COLD[0], &chain.genesis_hash(), 3, call);
    let bytes = xt.encode();
    assert_eq!(Extrinsic::decode_bytes(&bytes).unwrap(), xt);
    assert!(xt.verify(&chain.genesis_hash()).is_ok());
    assert!(
        xt.verify(&[9; 32]).is_err(),
        "a signature must not verify on another chain"
    );
}
