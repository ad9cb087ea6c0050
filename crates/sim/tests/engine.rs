//! The simulation loop on small worlds: determinism, signed and dispatched submission
//! agreeing, each behaviour's signature effect, churn through real registrations, several
//! subnets, and the outputs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use agora_sim::scenario::Submission;
use agora_sim::{Scenario, output, report, run};

const BASE: &str = r#"
name = "small"
seed = 3
warmup_epochs = 5
[duration]
epochs = 25
[[subnet]]
tempo = 10
weights_rate_limit = 0
max_uids = 64
[[subnet.miners]]
name = "miners"
count = 30
quality = { mean = 1.0, sd = 0.5 }
jump = 0.05
[[subnet.validators]]
name = "honest"
count = 8
noise = 0.2
"#;

fn with(extra: &str) -> Scenario {
    Scenario::from_toml(&format!("{BASE}{extra}")).unwrap()
}

#[test]
fn same_seed_same_records_and_seed_matters() {
    let s = with("");
    let a = run(&s).unwrap();
    let b = run(&s).unwrap();
    assert_eq!(output::json(&a), output::json(&b));
    let mut other = s.clone();
    other.seed = 4;
    let c = run(&other).unwrap();
    assert_ne!(output::json(&a), output::json(&c));
    // Honest validators with commit-reveal (the runtime default) make incentive follow quality.
    let q = a.summary.subnets[0].incentive_quality_pearson.unwrap();
    assert!(q > 0.9, "incentive~quality {q}");
    assert_eq!(a.summary.subnets[0].failed_calls, 0, "{:?}", a.log);
    assert_eq!(a.records.len(), 25);
}

#[test]
fn signed_extrinsics_give_the_same_run_as_dispatch() {
    let mut s = with(
        r#"
[[subnet.validators]]
name = "copier"
count = 1
behaviour = "copier"
"#,
    );
    s.duration.epochs = Some(8);
    let dispatched = run(&s).unwrap();
    s.submission = Submission::Signed;
    let signed = run(&s).unwrap();
    assert_eq!(
        signed.summary.subnets[0].failed_calls, 0,
        "{:?}",
        signed.log
    );
    // Accounts differ (keys vs hashes), nothing else may: weights calls are free.
    assert_eq!(dispatched.records, signed.records);
}

#[test]
fn copier_under_commit_reveal_and_lazy_validator_earn_less() {
    let s = with(
        r#"
[[subnet.validators]]
name = "copier"
count = 1
behaviour = "copier"
[[subnet.validators]]
name = "lazy"
count = 1
behaviour = "lazy"
refresh_epochs = 8
noise = 0.2
"#,
    );
    let out = run(&s).unwrap();
    let sum = &out.summary.subnets[0];
    let lazy = sum.relative_dividend_rate["lazy"].unwrap();
    let copier = sum.relative_dividend_rate["copier"].unwrap();
    assert!(lazy < 0.98, "stale weights must cost dividends: {lazy}");
    // Commit-reveal is on (the runtime's default): the copier copies stale consensus.
    assert!(copier < 1.0, "copier under commit-reveal: {copier}");
}

#[test]
fn cartel_boosting_its_own_bad_miners_is_penalised() {
    let s = Scenario::from_toml(
        r#"
name = "cartel"
seed = 9
warmup_epochs = 3
[duration]
epochs = 15
[[subnet]]
tempo = 10
weights_rate_limit = 0
commit_reveal = 0
max_uids = 64
yuma = 2
[[subnet.miners]]
name = "good"
count = 20
[[subnet.miners]]
name = "cartel-miners"
count = 5
quality = 0.1
team = "c"
[[subnet.validators]]
name = "honest"
count = 6
stake = 1000
noise = 0.1
[[subnet.validators]]
name = "cartel"
count = 2
stake = 1000
behaviour = "cartel"
team = "c"
self_weight = 0.9
"#,
    )
    .unwrap();
    let out = run(&s).unwrap();
    let sum = &out.summary.subnets[0];
    // The cabal has 25% of the stake; consensus clips its self-weight and the bonds penalty
    // cuts its dividends.
    let rate = sum.relative_dividend_rate["cartel"].unwrap();
    assert!(rate < 0.8, "cartel dividend rate {rate}");
    let share = sum.team_emission_share["c"].unwrap();
    assert!(
        share < 0.25,
        "cartel emission share {share} below its stake share"
    );
}

#[test]
fn sybil_identities_split_one_quality_and_churn_registers_real_miners() {
    let s = Scenario::from_toml(
        r#"
name = "sybil"
seed = 2
warmup_epochs = 2
[duration]
epochs = 20
[[subnet]]
tempo = 10
weights_rate_limit = 0
commit_reveal = 0
max_uids = 40
immunity_period = 20
burn = 0.5
[[subnet.miners]]
name = "single"
count = 20
churn = 0.05
[[subnet.miners]]
name = "sybil"
count = 10
sybil = true
[[subnet.validators]]
name = "honest"
count = 5
"#,
    )
    .unwrap();
    let out = run(&s).unwrap();
    let last = out.records.last().unwrap();
    let single = last.groups.iter().find(|g| g.name == "single").unwrap();
    let sybil = last.groups.iter().find(|g| g.name == "sybil").unwrap();
    // Ten identities of one quality-1 miner earn like ten honest quality-1 miners.
    let per_single = single.emission_share / f64::from(single.members);
    let per_sybil = sybil.emission_share / f64::from(sybil.members);
    assert!(
        (per_sybil / per_single - 1.0).abs() < 0.35,
        "{per_sybil} vs {per_single}"
    );
    let registered: u32 = out.records.iter().map(|r| r.registrations).sum();
    assert!(registered > 0, "churn must register replacement miners");
    assert!(
        out.records
            .iter()
            .all(|r| r.groups.iter().map(|g| g.members).sum::<u32>() <= 39)
    );
}

#[test]
fn owner_and_two_subnets() {
    let s = Scenario::from_toml(
        r#"
name = "two"
seed = 5
[duration]
blocks = 60
[chain]
owner_cut = 0.18
[[subnet]]
tempo = 10
weights_rate_limit = 0
[[subnet.miners]]
name = "m"
count = 6
[[subnet.miners]]
name = "owner-miners"
count = 2
team = "owner"
[[subnet.validators]]
name = "owner"
count = 1
behaviour = "owner"
self_weight = 0.5
[[subnet.validators]]
name = "v"
count = 3
[[subnet]]
tempo = 15
weights_rate_limit = 0
liquid_alpha = { alpha_low = 0.75, alpha_high = 0.85, steepness = 800 }
[[subnet.miners]]
name = "m"
count = 5
[[subnet.validators]]
name = "v"
count = 2
take = 0.1
"#,
    )
    .unwrap();
    let out = run(&s).unwrap();
    assert_eq!(out.summary.blocks, 60);
    assert_eq!(out.summary.subnets.len(), 2);
    assert!(out.records.iter().any(|r| r.subnet == 1));
    assert!(out.summary.subnets.iter().all(|s| s.emission > 0.0));
    assert!(
        out.summary.subnets.iter().all(|s| s.failed_calls == 0),
        "{:?}",
        out.log
    );
    let owner = &out
        .records
        .iter()
        .rev()
        .find(|r| r.subnet == 0)
        .unwrap()
        .teams[0];
    assert_eq!(owner.team, "owner");
    assert!(owner.return_on_stake.unwrap() > 0.0);
    // Outputs render.
    let html = report::run_report(&out);
    assert!(html.contains("<svg") && html.ends_with("</html>\n"));
    assert!(
        !html.contains("http://")
            || html.matches("http://www.w3.org/2000/svg").count()
                == html.matches("http://").count()
    );
    let csv = output::epochs_csv(&out);
    assert_eq!(csv.lines().count(), 1 + out.records.len());
    assert!(output::groups_csv(&out).lines().count() > out.records.len());
}
