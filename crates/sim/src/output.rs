//! Machine-readable outputs: the whole run as JSON, and flat CSV tables.
//!
//! `epochs.csv` has one row per subnet and epoch with the scalar metrics; `groups.csv` one
//! row per subnet, epoch and agent group; `teams.csv` one row per subnet, epoch and team.
//! Undefined values (a correlation of constant vectors, a yield without stake) are empty
//! cells, never zeros. Floats are written with Rust's shortest round-trip formatting.

use std::fmt::Write as _;

use crate::engine::RunOutput;
use crate::sweep::PointResult;

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn opt_usize(x: Option<usize>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// Quotes a CSV field if it needs it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The run as pretty JSON.
pub fn json(run: &RunOutput) -> String {
    serde_json::to_string_pretty(run).unwrap_or_default()
}

/// One row per subnet and epoch.
pub fn epochs_csv(run: &RunOutput) -> String {
    let mut out = String::from(
        "subnet,netuid,epoch,block,incentive_quality_pearson,incentive_quality_spearman,\
         emission,price,moving_price,tao_emission,tao_reserve,alpha_reserve,\
         alpha_outstanding,root_proportion,stake_gini,stake_nakamoto,reward_gini,\
         reward_nakamoto,independent_emission_share,independent_stake_share,failed_calls\n",
    );
    for r in &run.records {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.subnet,
            r.netuid,
            r.epoch,
            r.block,
            opt(r.incentive_quality_pearson),
            opt(r.incentive_quality_spearman),
            r.emission,
            r.price,
            r.moving_price,
            r.tao_emission,
            r.tao_reserve,
            r.alpha_reserve,
            r.alpha_outstanding,
            r.root_proportion,
            opt(r.stake_gini),
            opt_usize(r.stake_nakamoto),
            opt(r.reward_gini),
            opt_usize(r.reward_nakamoto),
            r.independent_emission_share,
            r.independent_stake_share,
            r.failed_calls
        );
    }
    out
}

/// One row per subnet, epoch and group.
pub fn groups_csv(run: &RunOutput) -> String {
    let mut out = String::from(
        "subnet,epoch,group,role,behaviour,team,members,stake,dividends,root_dividends,\
         root_stake,nominators,nominator_stake,earned,emission_share,dividend_yield,\
         relative_dividend_rate,staker_yield,nominator_yield,owner_yield,mean_quality\n",
    );
    for r in &run.records {
        for g in &r.groups {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                r.subnet,
                r.epoch,
                csv_field(&g.name),
                g.role,
                g.behaviour,
                csv_field(g.team.as_deref().unwrap_or("")),
                g.members,
                g.stake,
                g.dividends,
                g.root_dividends,
                g.root_stake,
                g.nominators,
                g.nominator_stake,
                g.earned,
                g.emission_share,
                opt(g.dividend_yield),
                opt(g.relative_dividend_rate),
                opt(g.staker_yield),
                opt(g.nominator_yield),
                opt(g.owner_yield),
                opt(g.mean_quality)
            );
        }
    }
    out
}

/// One row per subnet, epoch and team.
pub fn teams_csv(run: &RunOutput) -> String {
    let mut out = String::from(
        "subnet,epoch,team,stake_share,emission_share,return_on_stake,relative_return\n",
    );
    for r in &run.records {
        for t in &r.teams {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{}",
                r.subnet,
                r.epoch,
                csv_field(&t.team),
                t.stake_share,
                t.emission_share,
                opt(t.return_on_stake),
                opt(t.relative_return)
            );
        }
    }
    out
}

/// A sweep as CSV: one row per grid point and replicate, the axis values then each
/// subnet's summary figures (subnet 0's columns unprefixed, others prefixed `sN.`).
pub fn sweep_csv(points: &[PointResult]) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let mut header: Vec<String> = vec!["point".into(), "replicate".into(), "seed".into()];
    header.extend(first.axes.iter().map(|(k, _)| k.clone()));
    let summary_cols = |p: &PointResult| -> Vec<(String, String)> {
        let mut cols = Vec::new();
        for s in &p.summary.subnets {
            let pre = if s.subnet == 0 {
                String::new()
            } else {
                format!("s{}.", s.subnet)
            };
            cols.push((
                format!("{pre}incentive_quality_pearson"),
                opt(s.incentive_quality_pearson),
            ));
            cols.push((
                format!("{pre}incentive_quality_spearman"),
                opt(s.incentive_quality_spearman),
            ));
            cols.push((format!("{pre}emission"), s.emission.to_string()));
            cols.push((format!("{pre}tao_emission"), s.tao_emission.to_string()));
            cols.push((format!("{pre}price"), s.price.to_string()));
            cols.push((format!("{pre}stake_gini"), opt(s.stake_gini)));
            cols.push((format!("{pre}reward_gini"), opt(s.reward_gini)));
            cols.push((
                format!("{pre}independent_emission_share"),
                opt(s.independent_emission_share),
            ));
            for (g, v) in &s.relative_dividend_rate {
                cols.push((format!("{pre}relative_dividend_rate.{g}"), opt(*v)));
            }
            for (g, v) in &s.dividend_yield {
                cols.push((format!("{pre}dividend_yield.{g}"), opt(*v)));
            }
            for (g, v) in &s.staker_yield {
                cols.push((format!("{pre}staker_yield.{g}"), opt(*v)));
            }
            for (g, v) in &s.nominator_yield {
                cols.push((format!("{pre}nominator_yield.{g}"), opt(*v)));
            }
            for (t, v) in &s.team_relative_return {
                cols.push((format!("{pre}team_relative_return.{t}"), opt(*v)));
            }
            for (t, v) in &s.team_emission_share {
                cols.push((format!("{pre}team_emission_share.{t}"), opt(*v)));
            }
            cols.push((format!("{pre}failed_calls"), s.failed_calls.to_string()));
        }
        cols
    };
    header.extend(summary_cols(first).into_iter().map(|(k, _)| k));
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for p in points {
        let mut row = vec![
            p.point.to_string(),
            p.replicate.to_string(),
            p.seed.to_string(),
        ];
        row.extend(p.axes.iter().map(|(_, v)| csv_field(v)));
        let cols = summary_cols(p);
        for h in header.iter().skip(3 + p.axes.len()) {
            row.push(
                cols.iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
