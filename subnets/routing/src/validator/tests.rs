use std::collections::BTreeMap;

use super::fakes::{ChainState, FakeChain, FakeMiners};
use super::*;
use crate::durable::scratch_dir;
use crate::miner::Strategy;
use crate::problem::Kind;

fn config() -> ValidatorConfig {
    ValidatorConfig {
        tasks: TaskConfig {
            kinds: vec![Kind::Tsp, Kind::Cvrp],
            distributions: crate::generate::Distribution::ALL.to_vec(),
            min_stops: 20,
            max_stops: 70,
        },
        alpha_ppm: 200_000,
        ..ValidatorConfig::default()
    }
}

/// uid 0 is the validator; miners 1..=6 run every strategy.
fn network(commit_reveal: bool) -> (FakeChain, FakeMiners) {
    let mut neurons = vec![Neuron {
        uid: 0,
        hotkey: "validator".into(),
        axon: None,
    }];
    let mut strategies = BTreeMap::new();
    for (i, s) in Strategy::ALL.iter().enumerate() {
        let uid = u16::try_from(i + 1).unwrap();
        neurons.push(Neuron {
            uid,
            hotkey: format!("miner{uid}"),
            axon: Some(Endpoint {
                ip: "127.0.0.1".into(),
                port: 9000 + uid,
            }),
        });
        strategies.insert(uid, *s);
    }
    let chain = FakeChain {
        state: std::sync::Mutex::new(ChainState {
            tempo: 10,
            commit_reveal,
            reveal_period: 1,
            rate_limit: 5,
            neurons,
            ..ChainState::default()
        }),
    };
    (
        chain,
        FakeMiners {
            strategies,
            strong_iterations: 150,
        },
    )
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn weights_by_strategy(w: &BTreeMap<u16, u16>) -> Vec<(&'static str, u16)> {
    Strategy::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.name(),
                w.get(&u16::try_from(i + 1).unwrap()).copied().unwrap_or(0),
            )
        })
        .collect()
}

/// After a few epochs of rounds the weights on chain follow solver quality: strong ≥ or-opt
/// ≥ two-opt > nearest neighbour > lazy, and the faulty miner gets nothing.
#[test]
fn weights_follow_solver_quality_through_commit_reveal() {
    let (chain, miners) = network(true);
    let dir = scratch_dir("validator");
    let path = dir.join("state");
    let mut v = Validator::open(config(), &path, [9; 32]).unwrap();
    for _ in 0..14 {
        block_on(run_round(&mut v, &chain, &miners)).unwrap();
        chain.advance(4);
    }
    let s = chain.state.lock().unwrap();
    let w = weights_by_strategy(&s.weights);
    let get = |name: &str| w.iter().find(|x| x.0 == name).unwrap().1;
    assert!(get("strong") >= get("or-opt"), "{w:?}");
    assert!(get("or-opt") >= get("two-opt"), "{w:?}");
    assert!(get("two-opt") > get("nearest-neighbour"), "{w:?}");
    assert!(get("nearest-neighbour") > get("lazy"), "{w:?}");
    assert!(get("strong") > 3 * get("nearest-neighbour"), "{w:?}");
    assert!(get("lazy") < 2_000, "{w:?}");
    assert_eq!(get("faulty"), 0, "{w:?}");
    // Commits and reveals alternate on the schedule: every reveal is one epoch after its commit.
    let names: Vec<&str> = s.log.iter().map(|l| l.1).collect();
    assert!(
        names.contains(&"commit_weights") && names.contains(&"reveal_weights"),
        "{names:?}"
    );
    assert!(!names.contains(&"set_weights"));
}

#[test]
fn set_weights_when_commit_reveal_is_off_once_per_epoch() {
    let (chain, miners) = network(false);
    let mut v = Validator::new(
        config(),
        ValidatorState {
            round: 0,
            secret: "11".repeat(32),
            scores: ScoreBook::default(),
            pending: vec![],
            last_weights_epoch: None,
        },
        None,
    )
    .unwrap();
    for _ in 0..6 {
        block_on(run_round(&mut v, &chain, &miners)).unwrap();
        chain.advance(5);
    }
    let s = chain.state.lock().unwrap();
    // Blocks 0, 5, ..., 25 are epochs 0, 0, 1, 1, 2, 2: one set per epoch.
    let sets: Vec<u64> = s
        .log
        .iter()
        .filter(|l| l.1 == "set_weights")
        .map(|l| l.0)
        .collect();
    assert_eq!(sets, vec![0, 10, 20]);
}

/// A validator restarted between its commit and its reveal reveals from the state file,
/// with the same scores and round counter.
#[test]
fn restart_keeps_scores_and_reveals_pending_commits() {
    let (chain, miners) = network(true);
    let dir = scratch_dir("restart");
    let path = dir.join("state");
    let mut v = Validator::open(config(), &path, [5; 32]).unwrap();
    for _ in 0..3 {
        block_on(run_round(&mut v, &chain, &miners)).unwrap();
        chain.advance(3);
    }
    let before = v.state().clone();
    assert!(!before.pending.is_empty());
    drop(v);
    // A different fresh secret is ignored: the file's state wins.
    let mut v = Validator::open(config(), &path, [6; 32]).unwrap();
    assert_eq!(v.state(), &before);
    chain.advance(10);
    block_on(run_round(&mut v, &chain, &miners)).unwrap();
    let s = chain.state.lock().unwrap();
    assert!(s.log.iter().any(|l| l.1 == "reveal_weights"), "{:?}", s.log);
    assert!(v.state().round == before.round + 1);
}

#[test]
fn rounds_are_secret_and_reproducible() {
    let mk = |secret: &str| {
        Validator::new(
            config(),
            ValidatorState {
                round: 3,
                secret: secret.into(),
                scores: ScoreBook::default(),
                pending: vec![],
                last_weights_epoch: None,
            },
            None,
        )
        .unwrap()
    };
    let a = mk(&"ab".repeat(32)).plan_round().unwrap();
    assert_eq!(a, mk(&"ab".repeat(32)).plan_round().unwrap());
    assert_ne!(
        a.request.problem,
        mk(&"ac".repeat(32)).plan_round().unwrap().request.problem
    );
    assert!(matches!(
        Validator::new(
            config(),
            ValidatorState {
                round: 0,
                secret: "zz".into(),
                scores: ScoreBook::default(),
                pending: vec![],
                last_weights_epoch: None
            },
            None
        ),
        Err(ValidatorError::BadSecret)
    ));
}

#[test]
fn late_invalid_and_missing_answers_score_zero() {
    let v_config = config();
    let mut v = Validator::new(
        v_config.clone(),
        ValidatorState {
            round: 0,
            secret: "01".repeat(32),
            scores: ScoreBook::default(),
            pending: vec![],
            last_weights_epoch: None,
        },
        None,
    )
    .unwrap();
    let plan = v.plan_round().unwrap();
    let good = crate::solve::solve(
        &plan.request.problem,
        Solver::OrOpt,
        &Budget::iterations(0),
        0,
    );
    let answered = |sol| {
        Ok(SolveRoutes {
            solution: Some(sol),
            ..plan.request.clone()
        })
    };
    let ms = Duration::from_millis;
    let results = vec![
        QueryResult {
            uid: 1,
            response: answered(good.clone()),
            elapsed: ms(10),
        },
        QueryResult {
            uid: 2,
            response: answered(good.clone()),
            elapsed: ms(v_config.time_limit_ms + v_config.grace_ms + 1),
        },
        QueryResult {
            uid: 3,
            response: answered(crate::solution::Solution {
                routes: vec![vec![0]],
            }),
            elapsed: ms(10),
        },
        QueryResult {
            uid: 4,
            response: Err(QueryFailure::Status(500)),
            elapsed: ms(10),
        },
        QueryResult {
            uid: 5,
            response: Ok(plan.request.clone()),
            elapsed: ms(10),
        },
        QueryResult {
            uid: 6,
            response: Err(QueryFailure::Timeout),
            elapsed: ms(10),
        },
    ];
    let neurons: Vec<Neuron> = (1..=6)
        .map(|uid| Neuron {
            uid,
            hotkey: format!("h{uid}"),
            axon: None,
        })
        .collect();
    let report = v.score_round(&plan, &results, &neurons);
    assert_eq!(
        report.rewards,
        vec![(1, 1_000_000), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0)]
    );
    assert!(matches!(report.answers[1].1, Answer::Late));
    assert!(matches!(report.answers[2].1, Answer::Invalid));
    assert!(matches!(report.answers[3].1, Answer::Missing));
}
