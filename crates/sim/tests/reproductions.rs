//! The three reproduced studies, on reduced grids (the full sweeps are the example
//! scenarios in `crates/sim/scenarios/`; docs/sim.md gives their figures next to the
//! published ones). Each test checks the direction and rough size of the published effect.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_sim::Scenario;
use agora_sim::analysis::{RetentionPoint, retention_thresholds};
use agora_sim::scenario::{Axis, Sweep};
use agora_sim::sweep::{PointResult, run_sweep};

fn scenario(file: &str) -> Scenario {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

fn axis(name: &str, paths: &[&str], values: &str) -> Axis {
    let values: toml::Value =
        toml::from_str::<toml::Table>(&format!("v = {values}")).unwrap()["v"].clone();
    Axis {
        name: Some(name.into()),
        path: None,
        paths: paths.iter().map(|p| (*p).to_string()).collect(),
        values: values.as_array().unwrap().clone(),
    }
}

fn first_number(v: &str) -> f64 {
    v.trim_start_matches('[')
        .split(',')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// subtensor docs/consensus.md: the least honest utility that retains 60% honest stake is
/// 73% at weight deviation 0.4 with full bonds penalty, 78% without bonds penalty, and 60%
/// without weight deviation.
#[test]
fn consensus_retention_matches_the_monte_carlo_analysis() {
    let base = scenario("consensus-retention.toml");
    let threshold = |noise: f64, bonds_penalty: f64| -> Option<f64> {
        let mut s = base.clone();
        s.subnets[0].bonds_penalty = Some(bonds_penalty);
        for v in &mut s.subnets[0].validators {
            v.noise = noise;
        }
        let utility: Vec<String> = [0.55, 0.65, 0.7, 0.75, 0.8, 0.85]
            .iter()
            .map(|w: &f64| format!("[{w}, {}]", 1.0 - w))
            .collect();
        s.sweep = Some(Sweep {
            axes: vec![
                axis(
                    "honest_utility",
                    &[
                        "subnet.0.miners.0.total_quality",
                        "subnet.0.miners.1.total_quality",
                    ],
                    &format!("[{}]", utility.join(", ")),
                ),
                axis(
                    "cabal_self_weight",
                    &["subnet.0.validators.1.self_weight"],
                    "[0.7, 0.8, 0.9, 1.0]",
                ),
            ],
            replicates: None,
        });
        let results: Vec<PointResult> = run_sweep(&s, threads(), &|_, _| {}).unwrap();
        let points: Vec<RetentionPoint> = results
            .iter()
            .map(|r| RetentionPoint {
                honest_stake: 0.6,
                honest_utility: first_number(&r.axes[0].1),
                cabal_self_weight: first_number(&r.axes[1].1),
                honest_emission: r.summary.subnets[0].independent_emission_share.unwrap(),
            })
            .collect();
        retention_thresholds(&points)[0].1
    };
    let noisy = threshold(0.4, 1.0).expect("retained at some utility");
    let no_penalty = threshold(0.4, 0.0).expect("retained at some utility");
    let exact = threshold(0.0, 1.0).expect("retained at some utility");
    // Published: 73%, 78%, 60% (our grid steps are 5 points; docs/sim.md has the fine grid).
    assert!((0.68..=0.80).contains(&noisy), "σ = 0.4, β = 1: {noisy}");
    assert!((0.55..=0.65).contains(&exact), "σ = 0: {exact}");
    assert!(
        no_penalty >= noisy,
        "bonds penalty must help: {no_penalty} vs {noisy}"
    );
    assert!(
        exact < noisy,
        "subjectivity must cost utility: {exact} vs {noisy}"
    );
}

fn mean_rate(results: &[PointResult], group: &str, pick: impl Fn(&PointResult) -> bool) -> f64 {
    let v: Vec<f64> = results
        .iter()
        .filter(|r| pick(r))
        .map(|r| r.summary.subnets[0].relative_dividend_rate[group].unwrap())
        .collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn small_copying_world(file: &str) -> Scenario {
    let mut s = scenario(file);
    s.duration.epochs = Some(50);
    s.warmup_epochs = 15;
    s.subnets[0].tempo = Some(10);
    s.subnets[0].miners[0].count = 50;
    s.subnets[0].validators[0].count = 10;
    // 5% of the stake: 10 · 1000 · 5/95.
    s.subnets[0].validators[1].stake = agora_sim::scenario::Dist::Fixed(526.3);
    s
}

/// "Weight Copying in Bittensor": without commit-reveal a 5% copier earns about what
/// validators earn (G ≈ 1 or above); a longer reveal interval pushes its relative dividend
/// rate below 1, by a few percent per interval.
#[test]
fn commit_reveal_pushes_the_copier_below_honest() {
    let mut s = small_copying_world("weight-copying.toml");
    s.sweep = Some(Sweep {
        axes: vec![axis("cr", &["subnet.0.commit_reveal"], "[0, 2, 4]")],
        replicates: Some(2),
    });
    let results = run_sweep(&s, threads(), &|_, _| {}).unwrap();
    let g = |cr: &str| mean_rate(&results, "copier", |r| r.axes[0].1 == cr);
    let (g0, g2, g4) = (g("0"), g("2"), g("4"));
    assert!(
        g0 > g2 && g2 > g4,
        "G must fall with the interval: {g0} {g2} {g4}"
    );
    assert!(g0 > 0.97, "copying pays without commit-reveal: {g0}");
    assert!(g4 < 1.0, "a long interval makes copying lose: {g4}");
    assert!(
        (0.02..0.3).contains(&(g0 - g4)),
        "size of the effect: {g0} → {g4}"
    );
    // Honest validators sit at the median by construction.
    let h = mean_rate(&results, "honest", |_| true);
    assert!((h - 1.0).abs() < 0.01, "{h}");
}

/// "Amplifying the Weight-copying Penalty" (liquid alpha). The paper's figures could not be
/// found (docs/sim.md), and with today's reference mechanism (liquid alpha acts on Yuma3
/// bonds only, through the buy/sell distance sigmoid) our copier's relative dividend rate
/// is *not* lowered by liquid alpha in this world: it rises by a few percent. What the
/// reference documents and this test checks: liquid alpha does nothing under the original
/// Yuma; under Yuma3 it does not penalise the copier here; commit-reveal still pushes the
/// copier down with it on.
#[test]
fn liquid_alpha_effect_on_the_copier() {
    let mut s = small_copying_world("liquid-alpha.toml");
    s.sweep = Some(Sweep {
        axes: vec![
            axis("cr", &["subnet.0.commit_reveal"], "[0, 3]"),
            axis("la", &["subnet.0.liquid_alpha.enabled"], "[false, true]"),
            axis("yuma", &["subnet.0.yuma"], "[2, 3]"),
        ],
        replicates: None,
    });
    let results = run_sweep(&s, threads(), &|_, _| {}).unwrap();
    let g = |cr: &str, la: &str, yuma: &str| {
        mean_rate(&results, "copier", |r| {
            r.axes[0].1 == cr && r.axes[1].1 == la && r.axes[2].1 == yuma
        })
    };
    for cr in ["0", "3"] {
        // Original Yuma ignores the switch: identical runs.
        assert_eq!(g(cr, "false", "2"), g(cr, "true", "2"));
        // Our finding, contrary to the paper's claim: with the reference's current liquid
        // alpha the copier does not lose (docs/sim.md). Kept as a regression check: a
        // change of sign or size here means the mechanism or the agents changed.
        let delta = g(cr, "true", "3") - g(cr, "false", "3");
        assert!(
            (-0.02..0.15).contains(&delta),
            "liquid alpha moved G by {delta} at cr {cr}"
        );
    }
    assert!(g("3", "true", "3") < g("0", "true", "3") - 0.03);
}
