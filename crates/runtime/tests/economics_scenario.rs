//! Scenario: three subnets, 10 000 blocks, two validators registered on all three with
//! nominators on their alpha pools and on root, different delegate takes, three miners per
//! subnet. Every block, this test works out by itself, from protocol.md §2–§3 and with the
//! reference's fixed-point types, what the coinbase must add to each pending pool; at every
//! epoch, what each validator, nominator, miner, owner and root staker must receive. The
//! chain's state must match at every block (pending pools, to the rao) and at the end (every
//! stake, every claimable root dividend).
//!
//! What the test takes from the chain rather than recomputing it, and why:
//! - the epoch's per-uid emission (`Emission`, and the miners' part from
//!   `IncentiveAlphaEmittedToMiners`): Yuma Consensus is specified and checked against the
//!   reference's vectors elsewhere; here its output is only the *weights* the coinbase pays by
//!   (§14.4);
//! - the alpha injected into each pool (`SubnetAlphaInEmission`, through the end-of-block alpha
//!   issuance): it depends on the AMM price, which the swap tests cover; it only enters the
//!   root proportion here;
//! - the starting stakes bought through the AMM in block 1.
//!
//! Stake values are tracked as exact-enough fractions (`U64F64`) of each hotkey pool; the
//! chain's share pools round each coldkey's value down, so a coldkey may read up to 1 rao
//! below the exact value.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::collections::BTreeMap;

use agora_primitives::{AccountId, I96F32, SafeDiv, U64F64, U96F32};
use agora_runtime::call::{Call, SubtensorCall, SudoCall};
use agora_runtime::emission::block_emission_for_issuance;
use agora_runtime::event::{Event, SubtensorEvent};
use agora_runtime::genesis::{GenesisNeuron, GenesisSubnet};
use agora_runtime::governance::AdminCall;
use agora_runtime::root_claims;
use agora_runtime::staking;
use agora_runtime::storage::*;
use agora_runtime::testing::{TAO, TestChain, account, dev_genesis, key};
use agora_runtime::types::RootClaimTypeEnum;

const BLOCKS: u64 = 10_000;
const NETS: [u16; 3] = [1, 2, 3];
const TEMPOS: [u64; 3] = [89, 97, 101];
/// Starting moving prices (rao per alpha): they sum to more than 1, so root dividends are
/// sold (accumulated) rather than recycled (§3.4 step 6).
const START_PRICE: u64 = 500_000_000;
const VA: &str = "//ValidatorA";
const VB: &str = "//ValidatorB";
const OA: &str = "//Bob"; // owns VA
const OB: &str = "//Charlie"; // owns VB
const ROOT_NOMINATOR: &str = "//Dave";
const NA: &str = "//Eve"; // nominates VA on subnets 1 and 2
const NB: &str = "//Ferdie"; // nominates VB on subnets 1 and 3
const VB_TAKE: u16 = 5_000;

fn f(x: u64) -> U96F32 {
    U96F32::saturating_from_num(x)
}

fn miner(net: u16, i: u16) -> String {
    format!("//Miner{net}.{i}")
}

fn genesis() -> agora_runtime::genesis::GenesisConfig {
    let mut cfg = dev_genesis();
    cfg.params.insert("NumRootClaim".into(), 0);
    for (k, &net) in NETS.iter().enumerate() {
        let mut neurons = vec![
            GenesisNeuron {
                hotkey: VA.into(),
                coldkey: OA.into(),
                stake: (300 + 100 * k as u64) * TAO,
            },
            GenesisNeuron {
                hotkey: VB.into(),
                coldkey: OB.into(),
                stake: (200 + 50 * k as u64) * TAO,
            },
        ];
        for i in 0..3 {
            neurons.push(GenesisNeuron {
                hotkey: miner(net, i),
                coldkey: "//MinerOwner".into(),
                stake: 0,
            });
        }
        cfg.subnets.push(GenesisSubnet {
            netuid: net,
            owner_coldkey: "//Alice".into(),
            owner_hotkey: format!("//Owner{net}"),
            started: true,
            params: [
                ("Tempo".to_string(), TEMPOS[k]),
                ("CommitRevealWeightsEnabled".to_string(), 0),
                ("WeightsSetRateLimit".to_string(), 0),
                ("SubnetMovingPrice".to_string(), START_PRICE),
            ]
            .into(),
            neurons,
            pool_tao: Some(2_000 * TAO),
            pool_alpha: Some(2_000 * TAO),
        });
    }
    cfg
}

fn stake_call(hotkey: &str, netuid: u16, tao: u64) -> Call {
    Call::SubtensorModule(SubtensorCall::add_stake {
        hotkey: account(hotkey),
        netuid,
        amount_staked: tao,
    })
}

fn weights_call(net: u16, validator: usize) -> Call {
    // uids: 0 owner, 1 VA, 2 VB, 3..6 miners. The validators disagree a little.
    let weights = if validator == 0 {
        vec![10, 20, 30]
    } else {
        vec![30, 20, 15]
    };
    Call::SubtensorModule(SubtensorCall::set_weights {
        netuid: net,
        dests: vec![3, 4, 5],
        weights,
        version_key: 0,
    })
}

/// One subnet's pending pools, as this test computes them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Pending {
    server: u64,
    validator: u64,
    root: u64,
    owner: u64,
}

/// A hotkey pool on one subnet: its value (exact, an integer) and each coldkey's exact share
/// of it.
#[derive(Clone, Debug, Default)]
struct Pool {
    value: u64,
    holders: BTreeMap<AccountId, U64F64>,
}

impl Pool {
    /// Stake credited to one coldkey (take, owner cut, incentive).
    fn credit(&mut self, cold: AccountId, x: u64) {
        self.value += x;
        *self
            .holders
            .entry(cold)
            .or_insert(U64F64::saturating_from_num(0u8)) += U64F64::saturating_from_num(x);
    }
    /// Validator dividends after take: every holder gains pro rata.
    fn share_out(&mut self, x: u64) {
        let total = U64F64::saturating_from_num(self.value);
        self.value += x;
        if total == 0 {
            return;
        }
        let x = U64F64::saturating_from_num(x);
        for v in self.holders.values_mut() {
            *v += x * (*v / total);
        }
    }
}

#[test]
fn validators_nominators_miners_and_root_stakers_receive_what_the_spec_says() {
    let mut chain = TestChain::new(&genesis());
    let va = account(VA);
    let vb = account(VB);
    let alice = account("//Alice");
    let miner_owner = account("//MinerOwner");
    let owner_cut = f(11_796).safe_div(f(65_535));
    let half = U96F32::from_bits(1 << 31);
    let w = f(971_718_665_099_567_868).safe_div(f(u64::MAX));

    // Block 1: root stake (OA and the root nominator on VA, OB on VB), alpha nominations, and
    // VB lowers its take.
    let (oa, ob, dave, eve, ferdie) = (key(OA), key(OB), key(ROOT_NOMINATOR), key(NA), key(NB));
    // Key derivation is slow (PBKDF2): derive the validators' keys once.
    let (ka, kb) = (key(VA), key(VB));
    let alice_key = key("//Alice");
    let enable_root = Call::Sudo(SudoCall::sudo {
        call: Box::new(Call::AdminUtils(AdminCall::sudo_set_subtoken_enabled {
            netuid: ROOT_NETUID,
            subtoken_enabled: true,
        })),
    });
    let xts = chain.sign_all(vec![
        (&alice_key, enable_root),
        (&oa, stake_call(VA, 0, 10_000 * TAO)),
        (&dave, stake_call(VA, 0, 3_000 * TAO)),
        (&ob, stake_call(VB, 0, 5_000 * TAO)),
        (&eve, stake_call(VA, 1, 200 * TAO)),
        (&eve, stake_call(VA, 2, 120 * TAO)),
        (&ferdie, stake_call(VB, 1, 100 * TAO)),
        (&ferdie, stake_call(VB, 3, 150 * TAO)),
        (
            &ob,
            Call::SubtensorModule(SubtensorCall::decrease_take {
                hotkey: vb,
                take: VB_TAKE,
            }),
        ),
    ]);
    let before =
        chain.read(|st| NETS.map(|n| SUBNET_ALPHA_IN.get(st, &n) + SUBNET_ALPHA_OUT.get(st, &n)));
    let moving_before = chain.read(|st| NETS.map(|n| SUBNET_MOVING_PRICE.get(st, &n)));
    let root_tao_before = chain.read(|st| SUBNET_TAO.get(st, &ROOT_NETUID));
    let out = chain.next_block(&xts);
    for r in &out.receipts {
        assert_eq!(r.result, Ok(()), "setup extrinsic failed");
    }

    // Everything the test tracks, starting from the state after block 1.
    let hotkeys = [va, vb];
    let takes = [
        f(11_796).safe_div(f(65_535)),
        f(VB_TAKE as u64).safe_div(f(65_535)),
    ];
    let owners = [account(OA), account(OB)];
    let root_stakers: Vec<(AccountId, AccountId)> = vec![
        (va, account(OA)),
        (va, account(ROOT_NOMINATOR)),
        (vb, account(OB)),
    ];
    let root_stake: BTreeMap<(AccountId, AccountId), u64> = chain.read(|st| {
        root_stakers
            .iter()
            .map(|&(h, c)| ((h, c), staking::alpha(st, &h, &c, ROOT_NETUID)))
            .collect()
    });
    assert_eq!(root_stake[&(va, account(OA))], 10_000 * TAO);
    let hotkey_root: [u64; 2] =
        chain.read(|st| hotkeys.map(|h| staking::total_hotkey_alpha(st, &h, ROOT_NETUID)));
    assert_eq!(hotkey_root, [13_000 * TAO, 5_000 * TAO]);
    let mut pools: BTreeMap<(AccountId, u16), Pool> = BTreeMap::new();
    let stakers = [
        account(OA),
        account(OB),
        account(NA),
        account(NB),
        alice,
        miner_owner,
    ];
    chain.read(|st| {
        for &net in &NETS {
            for h in hotkeys {
                let mut pool = Pool::default();
                for c in stakers {
                    let v = staking::alpha(st, &h, &c, net);
                    if v > 0 {
                        pool.credit(c, v);
                    }
                }
                assert_eq!(
                    pool.value,
                    staking::total_hotkey_alpha(st, &h, net),
                    "every holder of the pool is known"
                );
                pools.insert((h, net), pool);
            }
        }
    });
    let mut pending = [Pending::default(); 3];
    let mut rates: BTreeMap<(AccountId, u16), I96F32> = BTreeMap::new();
    let mut miner_earned: BTreeMap<(u16, u16), u64> = BTreeMap::new();
    let mut owner_earned = [0u64; 3];
    let mut last_epoch = [0u64; 3];
    let mut deferred = [0u64; 3];
    let mut weights_set = [false; 3];
    let mut epochs = [0u32; 3];

    // Block 1's coinbase ran before the setup extrinsics: account for it with the issuance and
    // moving prices read before it.
    let mut issuance_start = before;
    let mut moving = moving_before;
    let mut root_tao = root_tao_before;
    let mut out_events = out.initialize_events;
    let mut block = 1u64;
    loop {
        let issuance_end = chain
            .read(|st| NETS.map(|n| SUBNET_ALPHA_IN.get(st, &n) + SUBNET_ALPHA_OUT.get(st, &n)));
        // ---- §2.3 step 6 / §3.4: the root sell flag from the moving prices before this block.
        let total_moving = moving
            .iter()
            .fold(U64F64::saturating_from_num(0u8), |a, &b| {
                a + U64F64::saturating_from_num(I96F32::from_bits(b))
            });
        let root_sell = total_moving > U64F64::saturating_from_num(1u8);
        // ---- §3.2–§3.4: this block's additions to the pending pools.
        for k in 0..3 {
            let a = f(block_emission_for_issuance(issuance_start[k]));
            assert_eq!(a, f(1_000_000_000), "alpha emission before any halving");
            let owner = a.saturating_mul(owner_cut);
            let rest = a - owner;
            // The root proportion after this block's alpha was minted: the end-of-block
            // issuance, plus the root alpha if it was recycled.
            let root_part = |issuance: u64| {
                let rt = f(root_tao).saturating_mul(w);
                let rp = rt.checked_div(rt + f(issuance)).unwrap_or(f(0));
                rp.saturating_mul(rest).saturating_mul(half)
            };
            // Root alpha is recycled (and the issuance lowered after the split) only when
            // the moving prices sum to at most 1, which this scenario never reaches.
            assert!(root_sell, "moving prices sum above 1 at block {block}");
            let root = root_part(issuance_end[k]);
            let server = rest.saturating_mul(half);
            let validator = rest - server - root;
            let p = &mut pending[k];
            p.owner += owner.saturating_to_num::<u64>();
            p.server += server.saturating_to_num::<u64>();
            p.validator += validator.saturating_to_num::<u64>();
            p.root += root.saturating_to_num::<u64>();
        }
        // ---- §3.5 / §3.8: which epochs ran this block (at most two, in netuid order).
        let mut ran = Vec::new();
        for k in 0..3 {
            let due =
                block - last_epoch[k] >= TEMPOS[k] || (deferred[k] > 0 && block >= deferred[k]);
            if !due {
                continue;
            }
            if ran.len() >= 2 {
                deferred[k] = block + 1;
                continue;
            }
            ran.push(k);
            last_epoch[k] = block;
            deferred[k] = 0;
        }
        chain.read(|st| {
            for k in 0..3 {
                assert_eq!(
                    LAST_EPOCH_BLOCK.get(st, &NETS[k]),
                    last_epoch[k],
                    "schedule"
                );
            }
        });
        for &k in &ran {
            let net = NETS[k];
            epochs[k] += 1;
            let drained = std::mem::take(&mut pending[k]);
            let emission = chain.read(|st| EMISSION.get(st, &net));
            let server: Vec<u64> = out_events
                .iter()
                .find_map(|e| match e {
                    Event::SubtensorModule(SubtensorEvent::IncentiveAlphaEmittedToMiners {
                        netuid_index,
                        emissions,
                    }) if *netuid_index == net => Some(emissions.clone()),
                    _ => None,
                })
                .unwrap();
            let incentive_sum: u64 = server.iter().sum();
            let validator_pool = if incentive_sum > 0 {
                drained.validator
            } else {
                drained.validator + drained.server
            };
            // Dividend weights of the two validators (uids 1 and 2), split into alpha and root
            // parts by their own stakes (§3.5 step 4).
            let mut alpha_parts = [f(0); 2];
            let mut root_parts = [f(0); 2];
            for (j, uid) in [1usize, 2].into_iter().enumerate() {
                let d = f(emission[uid] - server[uid]);
                let alpha_stake = pools[&(hotkeys[j], net)].value;
                let root_alpha = f(hotkey_root[j]).saturating_mul(w);
                let prop = root_alpha
                    .checked_div(f(alpha_stake) + root_alpha)
                    .unwrap_or(f(0));
                root_parts[j] = d.saturating_mul(prop);
                alpha_parts[j] = d - root_parts[j];
            }
            for uid in [0usize, 3, 4, 5] {
                assert_eq!(
                    emission[uid] - server[uid],
                    0,
                    "only validators earn dividends"
                );
            }
            let total_alpha = alpha_parts[0] + alpha_parts[1];
            let total_root = root_parts[0] + root_parts[1];
            // Owner cut (§3.5 step 6).
            owner_earned[k] += drained.owner;
            // Miner incentive to the miners' owner.
            for (uid, &x) in server.iter().enumerate() {
                assert!(uid >= 3 || x == 0, "only miners earn incentive");
                if x > 0 {
                    *miner_earned
                        .entry((net, u16::try_from(uid).unwrap()))
                        .or_default() += x;
                }
            }
            for j in 0..2 {
                let share = alpha_parts[j].checked_div(total_alpha).unwrap_or(f(0));
                let alpha_div = f(validator_pool).saturating_mul(share);
                let take = takes[j].saturating_mul(alpha_div);
                let rest = (alpha_div - take).saturating_to_num::<u64>();
                let pool = pools.get_mut(&(hotkeys[j], net)).unwrap();
                pool.credit(owners[j], take.saturating_to_num::<u64>());
                pool.share_out(rest);
            }
            for j in 0..2 {
                let share = root_parts[j].checked_div(total_root).unwrap_or(f(0));
                let root_div = f(drained.root).saturating_mul(share);
                let take = takes[j].saturating_mul(root_div);
                let rest = (root_div - take).saturating_to_num::<u64>();
                pools
                    .get_mut(&(hotkeys[j], net))
                    .unwrap()
                    .credit(owners[j], take.saturating_to_num::<u64>());
                let inc = I96F32::saturating_from_num(rest)
                    .checked_div(I96F32::saturating_from_num(hotkey_root[j]))
                    .unwrap();
                *rates
                    .entry((hotkeys[j], net))
                    .or_insert(I96F32::saturating_from_num(0u8)) += inc;
            }
        }
        // The chain's pending pools equal this test's, to the rao, after every block.
        chain.read(|st| {
            for k in 0..3 {
                let n = NETS[k];
                let got = Pending {
                    server: PENDING_SERVER_EMISSION.get(st, &n),
                    validator: PENDING_VALIDATOR_EMISSION.get(st, &n),
                    root: PENDING_ROOT_ALPHA_DIVS.get(st, &n),
                    owner: PENDING_OWNER_CUT.get(st, &n),
                };
                assert_eq!(
                    got, pending[k],
                    "pending pools of subnet {n} after block {block}"
                );
            }
        });

        if block == BLOCKS {
            break;
        }
        // Next block: validators (re)set weights once they hold permits, and every 500 blocks
        // so they stay active.
        issuance_start = issuance_end;
        moving = chain.read(|st| NETS.map(|n| SUBNET_MOVING_PRICE.get(st, &n)));
        root_tao = chain.read(|st| SUBNET_TAO.get(st, &ROOT_NETUID));
        let mut calls = Vec::new();
        for k in 0..3 {
            let refresh = block.is_multiple_of(500);
            if (epochs[k] > 0 && !weights_set[k]) || (weights_set[k] && refresh) {
                weights_set[k] = true;
                calls.push((&ka, weights_call(NETS[k], 0)));
                calls.push((&kb, weights_call(NETS[k], 1)));
            }
        }
        let xts = chain.sign_all(calls);
        let out = chain.next_block(&xts);
        for r in &out.receipts {
            assert_eq!(
                r.result,
                Ok(()),
                "set_weights failed at block {}",
                chain.block
            );
        }
        out_events = out.initialize_events;
        block = chain.block;
    }

    assert!(epochs.iter().all(|&e| e >= 98), "epochs ran: {epochs:?}");

    // Final stakes: every coldkey's value on every validator pool, the owner hotkeys, the
    // miners, and the root claimable rates and owed amounts.
    chain.read(|st| {
        for ((h, net), pool) in &pools {
            assert_eq!(
                staking::total_hotkey_alpha(st, h, *net),
                pool.value,
                "pool value of {h} on {net}"
            );
            for (c, v) in &pool.holders {
                let want = v.saturating_to_num::<u64>();
                let got = staking::alpha(st, h, c, *net);
                assert!(
                    got <= want && want - got <= 1,
                    "stake of {c} on {h}/{net}: chain {got}, expected {want}"
                );
            }
        }
        for (k, &net) in NETS.iter().enumerate() {
            let owner_hot = account(&format!("//Owner{net}"));
            assert_eq!(
                staking::alpha(st, &owner_hot, &alice, net),
                owner_earned[k],
                "owner cut of subnet {net}"
            );
            for i in 0..3u16 {
                let uid = 3 + i;
                let h = account(&miner(net, i));
                assert_eq!(
                    staking::alpha(st, &h, &miner_owner, net),
                    miner_earned.get(&(net, uid)).copied().unwrap_or(0),
                    "incentive of miner {uid} on {net}"
                );
            }
            assert!(miner_earned.keys().filter(|(n, _)| *n == net).count() == 3);
        }
        for (&(h, net), rate) in &rates {
            assert_eq!(
                root_claims::claimable_rate(st, &h, net),
                *rate,
                "rate {h}/{net}"
            );
            for &(sh, c) in &root_stakers {
                if sh != h {
                    continue;
                }
                let owed = rate.saturating_mul(I96F32::saturating_from_num(root_stake[&(h, c)]));
                assert_eq!(
                    root_claims::owed(st, &h, &c, net),
                    owed.saturating_to_num::<u64>(),
                    "owed to {c} via {h} on {net}"
                );
            }
        }
        // Nominators after take: NA's share of VA's pool on subnet 1 grew by exactly its
        // pro-rata share of the non-take dividends (checked above); spot-check that it grew.
        assert!(staking::alpha(st, &va, &account(NA), 1) > 0);
    });

    // Claims: the root nominator keeps its dividends as alpha on subnet 1; OB sells its
    // dividends on subnet 3 for TAO staked on root.
    let dave = account(ROOT_NOMINATOR);
    let owed_keep = chain.read(|st| root_claims::owed(st, &va, &dave, 1));
    let alpha_before = chain.read(|st| staking::alpha(st, &va, &dave, 1));
    assert_eq!(
        chain.submit(
            &key(ROOT_NOMINATOR),
            Call::SubtensorModule(SubtensorCall::set_root_claim_type {
                new_root_claim_type: RootClaimTypeEnum::Keep,
            }),
        ),
        Ok(())
    );
    assert_eq!(
        chain.submit(
            &key(ROOT_NOMINATOR),
            Call::SubtensorModule(SubtensorCall::claim_root {
                subnets: [1].into(),
            }),
        ),
        Ok(())
    );
    chain.read(|st| {
        let got = staking::alpha(st, &va, &dave, 1) - alpha_before;
        assert!(
            owed_keep - got <= 1,
            "claimed {got} of {owed_keep} owed (share rounding)"
        );
        assert_eq!(root_claims::owed(st, &va, &dave, 1), 0);
        // Subnet 2 was not claimed.
        assert!(root_claims::owed(st, &va, &dave, 2) > 0);
    });
    let ob = account(OB);
    let owed_swap = chain.read(|st| root_claims::owed(st, &vb, &ob, 3));
    let root_before = chain.read(|st| staking::alpha(st, &vb, &ob, ROOT_NETUID));
    assert!(owed_swap > 0);
    assert_eq!(
        chain.submit(
            &key(OB),
            Call::SubtensorModule(SubtensorCall::claim_root {
                subnets: [3].into(),
            }),
        ),
        Ok(())
    );
    chain.read(|st| {
        let gained = staking::alpha(st, &vb, &ob, ROOT_NETUID) - root_before;
        assert!(gained > 0, "the sold dividends were staked on root");
        assert!(SUBNET_ROOT_SELL_TAO.get(st, &3) > 0);
        assert_eq!(root_claims::owed(st, &vb, &ob, 3), 0);
    });
}
