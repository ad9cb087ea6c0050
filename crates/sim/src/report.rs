//! A self-contained HTML report: inline CSS and SVG charts, no scripts, no network.
//!
//! A run's report shows, per subnet, the incentive–quality correlation, each validator
//! group's relative dividend rate and yield, emission shares, team returns, concentration,
//! emission and price over epochs, then the summary table, the scenario and the run log. A
//! sweep's report tabulates every grid point and charts the summary metrics against the
//! first axis (one line per value of the second axis, replicates averaged).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::engine::RunOutput;
use crate::metrics::EpochRecord;
use crate::scenario::Scenario;
use crate::stats::mean_defined;
use crate::sweep::PointResult;

const PALETTE: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// Escapes text for HTML and SVG.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of a chart; `None` values leave a gap.
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Points.
    pub points: Vec<(f64, Option<f64>)>,
}

fn nice_step(range: f64) -> f64 {
    if !(range.is_finite() && range > 0.0) {
        return 1.0;
    }
    let raw = range / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = if norm < 1.5 {
        1.0
    } else if norm < 3.5 {
        2.0
    } else if norm < 7.5 {
        5.0
    } else {
        10.0
    };
    step * mag
}

fn fmt_tick(x: f64, step: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-4..1e7).contains(&a) {
        return format!("{x:.2e}");
    }
    // Enough decimals to tell neighbouring ticks apart.
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10().floor()).clamp(0.0, 8.0)
    } else {
        2.0
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=8"
    )]
    let d = decimals as usize;
    format!("{x:.d$}")
}

/// An SVG line chart.
pub fn line_chart(title: &str, x_label: &str, series: &[Series]) -> String {
    let (w, h) = (640.0, 300.0);
    let (ml, mr, mt, mb) = (64.0, 170.0, 28.0, 40.0);
    let pts = series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter_map(|(x, y)| y.map(|y| (*x, y)));
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (x, y) in pts.filter(|(x, y)| x.is_finite() && y.is_finite()) {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"><title>{t}</title><text x="{ml}" y="18" class="ct">{t}</text>"#,
        t = escape(title)
    );
    if !x0.is_finite() {
        svg.push_str(r#"<text x="200" y="150" class="lbl">no data</text></svg>"#);
        return svg;
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        let pad = if y0 == 0.0 { 1.0 } else { y0.abs() * 0.1 };
        y0 -= pad;
        y1 += pad;
    }
    let ystep = nice_step(y1 - y0);
    let y0 = (y0 / ystep).floor() * ystep;
    let y1 = (y1 / ystep).ceil() * ystep;
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let sx = |x: f64| ml + (x - x0) / (x1 - x0) * pw;
    let sy = |y: f64| mt + ph - (y - y0) / (y1 - y0) * ph;
    let _ = write!(
        svg,
        r##"<rect x="{ml}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>"##
    );
    let mut y = y0;
    let mut guard = 0;
    while y <= y1 + ystep * 1e-9 && guard < 20 {
        let py = sy(y);
        let _ = write!(
            svg,
            r##"<line x1="{ml}" x2="{x2}" y1="{py:.1}" y2="{py:.1}" stroke="#eee"/><text x="{tx}" y="{ty:.1}" class="tick" text-anchor="end">{v}</text>"##,
            x2 = ml + pw,
            tx = ml - 4.0,
            ty = py + 4.0,
            v = fmt_tick(y, ystep)
        );
        y += ystep;
        guard += 1;
    }
    let xstep = nice_step(x1 - x0);
    let mut x = (x0 / xstep).ceil() * xstep;
    guard = 0;
    while x <= x1 + xstep * 1e-9 && guard < 20 {
        let px = sx(x);
        let _ = write!(
            svg,
            r#"<text x="{px:.1}" y="{ty}" class="tick" text-anchor="middle">{v}</text>"#,
            ty = mt + ph + 14.0,
            v = fmt_tick(x, xstep)
        );
        x += xstep;
        guard += 1;
    }
    let _ = write!(
        svg,
        r#"<text x="{cx}" y="{ty}" class="lbl" text-anchor="middle">{l}</text>"#,
        cx = ml + pw / 2.0,
        ty = h - 6.0,
        l = escape(x_label)
    );
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for &(x, y) in &s.points {
            match y {
                Some(y) if y.is_finite() && x.is_finite() => {
                    if let Some(r) = runs.last_mut() {
                        r.push((sx(x), sy(y)));
                    }
                }
                _ => runs.push(Vec::new()),
            }
        }
        for r in runs.iter().filter(|r| !r.is_empty()) {
            if r.len() == 1 {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{color}"/>"#,
                    r[0].0, r[0].1
                );
            } else {
                let path: Vec<String> = r.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
                let _ = write!(
                    svg,
                    r#"<polyline fill="none" stroke="{color}" stroke-width="1.6" points="{}"/>"#,
                    path.join(" ")
                );
            }
        }
        let ly = mt + 12.0 + 16.0 * k as f64;
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="{ry:.1}" width="12" height="3" fill="{color}"/><text x="{tx}" y="{ly:.1}" class="lbl">{n}</text>"#,
            lx = ml + pw + 10.0,
            ry = ly - 4.0,
            tx = ml + pw + 26.0,
            n = escape(&s.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:1400px;color:#222}\
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}\
.charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff;border:1px solid #e4e4e4}\
.ct{font-size:13px;font-weight:600}.tick{font-size:10px;fill:#555}.lbl{font-size:11px;fill:#333}\
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}\
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}pre{background:#f7f7f7;padding:8px;overflow:auto}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body><h1>{t}</h1>{body}</body></html>\n",
        t = escape(title)
    )
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{v:.4}"))
}

fn series_of(name: &str, recs: &[&EpochRecord], f: impl Fn(&EpochRecord) -> Option<f64>) -> Series {
    Series {
        name: name.to_string(),
        points: recs.iter().map(|r| (r.epoch as f64, f(r))).collect(),
    }
}

/// The report of one run.
pub fn run_report(run: &RunOutput) -> String {
    let mut body = String::new();
    if !run.scenario.description.is_empty() {
        let _ = write!(body, "<p>{}</p>", escape(&run.scenario.description));
    }
    let _ = write!(
        body,
        "<p>seed {} · {} blocks · submission {:?}</p>",
        run.scenario.seed, run.summary.blocks, run.scenario.submission
    );
    for sum in &run.summary.subnets {
        let recs: Vec<&EpochRecord> = run
            .records
            .iter()
            .filter(|r| r.subnet == sum.subnet)
            .collect();
        let _ = write!(body, "<h2>{}</h2><div class=\"charts\">", escape(&sum.name));
        body.push_str(&line_chart(
            "Incentive vs true quality",
            "epoch",
            &[
                series_of("Pearson", &recs, |r| r.incentive_quality_pearson),
                series_of("Spearman", &recs, |r| r.incentive_quality_spearman),
            ],
        ));
        let vgroups: Vec<String> = recs
            .first()
            .map(|r| {
                r.groups
                    .iter()
                    .filter(|g| g.role == "validator")
                    .map(|g| g.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        let group_series = |f: &dyn Fn(&crate::metrics::GroupRecord) -> Option<f64>,
                            names: &[String]|
         -> Vec<Series> {
            names
                .iter()
                .map(|n| {
                    series_of(n, &recs, |r| {
                        r.groups.iter().find(|g| &g.name == n).and_then(f)
                    })
                })
                .collect()
        };
        body.push_str(&line_chart(
            "Relative dividend rate (vs honest median)",
            "epoch",
            &group_series(&|g| g.relative_dividend_rate, &vgroups),
        ));
        body.push_str(&line_chart(
            "Dividend yield per epoch",
            "epoch",
            &group_series(&|g| g.dividend_yield, &vgroups),
        ));
        let all_groups: Vec<String> = recs
            .first()
            .map(|r| r.groups.iter().map(|g| g.name.clone()).collect())
            .unwrap_or_default();
        body.push_str(&line_chart(
            "Emission share per group",
            "epoch",
            &group_series(&|g| Some(g.emission_share), &all_groups),
        ));
        let teams: Vec<String> = recs
            .first()
            .map(|r| r.teams.iter().map(|t| t.team.clone()).collect())
            .unwrap_or_default();
        if !teams.is_empty() {
            let team_series =
                |f: &dyn Fn(&crate::metrics::TeamRecord) -> Option<f64>| -> Vec<Series> {
                    teams
                        .iter()
                        .map(|n| {
                            series_of(n, &recs, |r| {
                                r.teams.iter().find(|t| &t.team == n).and_then(f)
                            })
                        })
                        .collect()
                };
            body.push_str(&line_chart(
                "Team return on stake vs honest validators",
                "epoch",
                &team_series(&|t| t.relative_return),
            ));
            body.push_str(&line_chart(
                "Team emission share",
                "epoch",
                &team_series(&|t| Some(t.emission_share)),
            ));
        }
        body.push_str(&line_chart(
            "Concentration (Gini)",
            "epoch",
            &[
                series_of("validator stake", &recs, |r| r.stake_gini),
                series_of("per-uid reward", &recs, |r| r.reward_gini),
            ],
        ));
        body.push_str(&line_chart(
            "Nakamoto coefficient",
            "epoch",
            &[
                series_of("stake", &recs, |r| r.stake_nakamoto.map(|x| x as f64)),
                series_of("reward", &recs, |r| r.reward_nakamoto.map(|x| x as f64)),
            ],
        ));
        let nominated: Vec<String> = recs
            .first()
            .map(|r| {
                r.groups
                    .iter()
                    .filter(|g| g.nominators > 0)
                    .map(|g| g.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        if !nominated.is_empty() {
            let mut yields = Vec::new();
            for n in &nominated {
                yields.push(series_of(&format!("{n} nominators"), &recs, |r| {
                    r.groups
                        .iter()
                        .find(|g| &g.name == n)
                        .and_then(|g| g.nominator_yield)
                }));
                yields.push(series_of(&format!("{n} owners"), &recs, |r| {
                    r.groups
                        .iter()
                        .find(|g| &g.name == n)
                        .and_then(|g| g.owner_yield)
                }));
            }
            body.push_str(&line_chart(
                "Nominator and owner yield per epoch (the take)",
                "epoch",
                &yields,
            ));
        }
        body.push_str(&line_chart(
            "Emission per epoch: alpha, and TAO into the pool",
            "epoch",
            &[
                series_of("alpha", &recs, |r| Some(r.emission)),
                series_of("TAO", &recs, |r| Some(r.tao_emission)),
            ],
        ));
        body.push_str(&line_chart(
            "Price (TAO per alpha)",
            "epoch",
            &[
                series_of("spot", &recs, |r| Some(r.price)),
                series_of("moving (EMA)", &recs, |r| Some(r.moving_price)),
            ],
        ));
        body.push_str("</div>");
        let _ = write!(
            body,
            "<table><tr><th>summary (after {} warm-up epochs)</th><th>value</th></tr>\
             <tr><td>epochs averaged</td><td>{}</td></tr>\
             <tr><td>incentive–quality Pearson</td><td>{}</td></tr>\
             <tr><td>incentive–quality Spearman</td><td>{}</td></tr>\
             <tr><td>validator stake Gini</td><td>{}</td></tr>\
             <tr><td>reward Gini</td><td>{}</td></tr>\
             <tr><td>independent emission share</td><td>{}</td></tr>\
             <tr><td>emission (alpha)</td><td>{:.3}</td></tr>\
             <tr><td>TAO into the pool</td><td>{:.3}</td></tr>\
             <tr><td>last price / moving price (TAO)</td><td>{} / {}</td></tr>\
             <tr><td>failed agent calls</td><td>{}</td></tr>",
            run.scenario.warmup_epochs,
            sum.epochs,
            num(sum.incentive_quality_pearson),
            num(sum.incentive_quality_spearman),
            num(sum.stake_gini),
            num(sum.reward_gini),
            num(sum.independent_emission_share),
            sum.emission,
            sum.tao_emission,
            num(Some(sum.price)),
            num(Some(sum.moving_price)),
            sum.failed_calls
        );
        for (g, v) in &sum.relative_dividend_rate {
            let _ = write!(
                body,
                "<tr><td>{} relative dividend rate / yield</td><td>{} / {}</td></tr>",
                escape(g),
                num(*v),
                num(sum.dividend_yield.get(g).copied().flatten())
            );
        }
        for (g, v) in &sum.nominator_yield {
            let _ = write!(
                body,
                "<tr><td>{} nominator / owner yield</td><td>{} / {}</td></tr>",
                escape(g),
                num(*v),
                num(sum.owner_yield.get(g).copied().flatten())
            );
        }
        for (t, v) in &sum.team_relative_return {
            let _ = write!(
                body,
                "<tr><td>team {} relative return / emission share</td><td>{} / {}</td></tr>",
                escape(t),
                num(*v),
                num(sum.team_emission_share.get(t).copied().flatten())
            );
        }
        body.push_str("</table>");
    }
    if !run.log.is_empty() {
        body.push_str("<h2>Log</h2><pre>");
        for l in &run.log {
            body.push_str(&escape(l));
            body.push('\n');
        }
        body.push_str("</pre>");
    }
    let _ = write!(
        body,
        "<h2>Scenario</h2><pre>{}</pre>",
        escape(&run.scenario.to_toml())
    );
    page(&format!("agora sim: {}", run.scenario.name), &body)
}

/// Reads one summary figure of a sweep point.
type Getter = Box<dyn Fn(&PointResult) -> Option<f64>>;

/// The summary metrics a sweep report charts: (label, getter on subnet 0's summary).
fn sweep_metrics(points: &[PointResult]) -> Vec<(String, Getter)> {
    let mut m: Vec<(String, Getter)> = vec![
        (
            "incentive–quality Pearson".into(),
            Box::new(|p: &PointResult| {
                p.summary
                    .subnets
                    .first()
                    .and_then(|s| s.incentive_quality_pearson)
            }),
        ),
        (
            "independent emission share".into(),
            Box::new(|p: &PointResult| {
                p.summary
                    .subnets
                    .first()
                    .and_then(|s| s.independent_emission_share)
            }),
        ),
    ];
    if let Some(s) = points.first().and_then(|p| p.summary.subnets.first()) {
        for g in s.relative_dividend_rate.keys() {
            let g2 = g.clone();
            m.push((
                format!("relative dividend rate: {g}"),
                Box::new(move |p: &PointResult| {
                    p.summary
                        .subnets
                        .first()
                        .and_then(|s| s.relative_dividend_rate.get(&g2).copied().flatten())
                }),
            ));
        }
        for t in s.team_relative_return.keys() {
            let t2 = t.clone();
            m.push((
                format!("team relative return: {t}"),
                Box::new(move |p: &PointResult| {
                    p.summary
                        .subnets
                        .first()
                        .and_then(|s| s.team_relative_return.get(&t2).copied().flatten())
                }),
            ));
        }
    }
    m
}

fn axis_number(v: &str) -> Option<f64> {
    v.parse::<f64>().ok().or_else(|| {
        // A linked axis renders as an array; chart it by its first entry.
        v.trim_start_matches('[')
            .split(',')
            .next()
            .and_then(|x| x.trim().parse().ok())
    })
}

/// The report of a sweep.
pub fn sweep_report(scenario: &Scenario, points: &[PointResult]) -> String {
    let mut body = String::new();
    if !scenario.description.is_empty() {
        let _ = write!(body, "<p>{}</p>", escape(&scenario.description));
    }
    let axes: Vec<String> = points
        .first()
        .map(|p| p.axes.iter().map(|a| a.0.clone()).collect())
        .unwrap_or_default();
    let _ = write!(
        body,
        "<p>{} runs · axes: {}</p>",
        points.len(),
        escape(&axes.join(" × "))
    );
    let metrics = sweep_metrics(points);
    if let Some(first_axis) = axes.first() {
        body.push_str("<div class=\"charts\">");
        for (label, get) in &metrics {
            // Group by the second axis (if any); average replicates at each first-axis value.
            let mut lines: BTreeMap<String, BTreeMap<String, Vec<Option<f64>>>> = BTreeMap::new();
            let mut order: Vec<String> = Vec::new();
            for p in points {
                let key = p
                    .axes
                    .get(1)
                    .map(|a| format!("{} = {}", a.0, a.1))
                    .unwrap_or_else(|| label.clone());
                if !order.contains(&key) {
                    order.push(key.clone());
                }
                lines
                    .entry(key)
                    .or_default()
                    .entry(p.axes[0].1.clone())
                    .or_default()
                    .push(get(p));
            }
            let series: Vec<Series> = order
                .iter()
                .map(|k| {
                    let mut pts: Vec<(f64, Option<f64>)> = lines[k]
                        .iter()
                        .filter_map(|(x, ys)| {
                            axis_number(x).map(|x| (x, mean_defined(ys.iter().copied())))
                        })
                        .collect();
                    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                    Series {
                        name: k.clone(),
                        points: pts,
                    }
                })
                .collect();
            body.push_str(&line_chart(label, first_axis, &series));
        }
        body.push_str("</div>");
    }
    body.push_str("<h2>Grid</h2><table><tr><th>point</th><th>rep</th>");
    for a in &axes {
        let _ = write!(body, "<th>{}</th>", escape(a));
    }
    for (label, _) in &metrics {
        let _ = write!(body, "<th>{}</th>", escape(label));
    }
    body.push_str("</tr>");
    for p in points {
        let _ = write!(body, "<tr><td>{}</td><td>{}</td>", p.point, p.replicate);
        for (_, v) in &p.axes {
            let _ = write!(body, "<td>{}</td>", escape(v));
        }
        for (_, get) in &metrics {
            let _ = write!(body, "<td>{}</td>", num(get(p)));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table>");
    let _ = write!(
        body,
        "<h2>Scenario</h2><pre>{}</pre>",
        escape(&scenario.to_toml())
    );
    page(&format!("agora sim sweep: {}", scenario.name), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_is_well_formed_and_escaped() {
        let svg = line_chart(
            "a<b",
            "x",
            &[Series {
                name: "s&t".into(),
                points: vec![
                    (0.0, Some(1.0)),
                    (1.0, None),
                    (2.0, Some(3.0)),
                    (3.0, Some(2.0)),
                ],
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("s&amp;t"));
        // The gap splits the line: one lone point, one polyline.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(line_chart("empty", "x", &[]).contains("no data"));
    }

    #[test]
    fn ticks() {
        assert_eq!(nice_step(10.0), 2.0);
        assert_eq!(fmt_tick(0.25, 0.05), "0.25");
        assert_eq!(fmt_tick(1500.0, 500.0), "1500");
        assert_eq!(fmt_tick(0.9995, 0.0005), "0.9995");
        assert_eq!(fmt_tick(1.0, 0.0005), "1.0000");
    }
}
