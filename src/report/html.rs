//! The HTML report: one self-contained file with the summary, the tables,
//! every chart as inline SVG, the risk register, the warnings and the
//! quota planner. No fonts, images or scripts from anywhere (the planner's
//! script is inline, allowed by its hash): it opens offline, and a
//! Content-Security-Policy forbids the page from loading anything, so
//! customer data never leaves the machine. Names DejaVu Sans cannot draw
//! come with their glyphs embedded ([`super::webfont`]). Prints on A4.

use super::charts::{self, Chart, ChartError, FontSet};
use super::escape::escape as esc;
use crate::analysis::{ChartData, FairnessBand, PlannerData, Summary};
use crate::source::Spelling;
use std::fmt::Write;

/// The report for a run: renders the standard charts (see
/// [`charts::standard`]) as SVG and lays out the page. `notes` are shown
/// near the top (e.g. why a chart is missing).
pub fn report(
    s: &Summary,
    d: Option<&ChartData>,
    fonts: &FontSet,
    notes: &[String],
) -> Result<String, ChartError> {
    let list = charts::standard(s, d);
    let mut svgs = Vec::with_capacity(list.len());
    for c in &list {
        svgs.push(c.svg(fonts)?.data);
    }
    let pairs: Vec<(&Chart, &str)> = list.iter().zip(svgs.iter().map(String::as_str)).collect();
    Ok(render(s, &pairs, notes))
}

/// Money as the terminal table shows it, with a typographic minus.
fn money(x: f64) -> String {
    super::format::money(x).replacen('-', "−", 1)
}

pub(super) fn pct(x: f64) -> String {
    super::format::pct_spaced(x).replace(' ', "&nbsp;")
}

/// CSS class of a rep's probability against the fairness flags.
fn p_class(p: f64) -> &'static str {
    match FairnessBand::of(p) {
        FairnessBand::Below => "p-low",
        FairnessBand::Above => "p-high",
        FairnessBand::Within => "p-mid",
    }
}

/// CSS class of the team's headline probability.
fn team_class(p: f64) -> &'static str {
    if p >= 0.7 {
        "good"
    } else if p >= 0.5 {
        "fair"
    } else {
        "poor"
    }
}

const CSS: &str = r#"
:root { --ink:#212529; --muted:#6c757d; --line:#dee2e6; --bg:#f8f9fa; --blue:#2f6db5;
  --red:#c83636; --amber:#b7770d; --green:#2e8b57; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, "quotaplan CJK", "PingFang SC",
    "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
.chart svg text { font-family: "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, "quotaplan CJK",
    "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0 10px; }
.meta, .muted, figcaption { color: var(--muted); }
.meta { font-size: 13px; }
nav { margin: 14px 0 6px; font-size: 14px; }
nav a { color: var(--blue); text-decoration: none; margin-right: 14px; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; margin: 18px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--bg); }
.card .k { font-size: 12.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.card .v { font-size: 24px; font-weight: 600; margin: 2px 0; }
.card .s { font-size: 13px; color: var(--muted); }
.good { color: var(--green); } .fair { color: var(--amber); } .poor { color: var(--red); }
.p-low { color: var(--red); font-weight: 600; } .p-high { color: var(--amber); font-weight: 600; }
.p-mid { color: var(--ink); }
.notes, .warnings { border-left: 4px solid var(--amber); background: #fff8e6; padding: 8px 14px; margin: 14px 0; }
.warnings li, .notes li { margin: 4px 0; }
.warnings code { white-space: pre-wrap; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 8px 0 14px; }
.scroll { overflow-x: auto; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; white-space: nowrap; }
th { background: var(--bg); font-weight: 600; white-space: normal; vertical-align: bottom; }
td.t, th.t { text-align: left; white-space: normal; overflow-wrap: break-word; }
.err { color: var(--muted); font-size: 12px; }
@media screen and (max-width: 860px) { .wide { display: none; } }
tbody tr:nth-child(even) td { background: #fcfcfd; }
td.cell-low { background: #fbe3e0 !important; } td.cell-mid { background: #eef4fb !important; }
td.cell-high { background: #fdf0d5 !important; } td.cell-none { color: var(--muted); }
figure { margin: 18px 0 26px; }
.chart svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-size: 13px; margin-top: 6px; }
ul.read { padding-left: 20px; } ul.read li { margin: 3px 0; }
footer { margin-top: 44px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 12.5px; color: var(--muted); }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  table { font-size: 8pt; }
  th, td { padding: 3px 4px; }
  th { white-space: normal; }
  .scroll { overflow: visible; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; margin-top: 22px; }
  figure, table, .cards, .card { break-inside: avoid; }
  .chart svg { border: none; }
  a { color: inherit; text-decoration: none; }
  tbody tr:nth-child(even) td { background: none; }
}
"#;

/// Charts already rendered to SVG, by chart.
pub(super) type Charts<'a> = [(&'a Chart, &'a str)];

/// Lays out the page around charts already rendered to SVG: the header,
/// the headline cards, then a section per part of the summary.
pub fn render(s: &Summary, charts: &Charts<'_>, notes: &[String]) -> String {
    render_with_planner(s, charts, notes, None, Spelling::default())
}

/// [`render`] with the quota planner (see [`super::planner`]) after the
/// reps, when its data is given: the page's one script, allowed by hash.
/// The planner's export names the setting that reads it back as the
/// caller spells it.
pub fn render_with_planner(
    s: &Summary,
    charts: &Charts<'_>,
    notes: &[String],
    planner: Option<&PlannerData>,
    spelling: Spelling,
) -> String {
    let planner = planner.filter(|p| !p.reps.is_empty());
    let mut o = String::with_capacity(256 * 1024);
    head(&mut o, s, charts, planner.is_some());
    cards(&mut o, s, notes);
    team(&mut o, s, charts);
    reps(&mut o, s, charts);
    groups(&mut o, s, charts);
    if let Some(p) = planner {
        super::planner::section(&mut o, p, spelling);
    }
    quarters(&mut o, s, charts);
    compensation(&mut o, s, charts);
    risks(&mut o, s, charts);
    territories(&mut o, charts);
    more(&mut o, charts);
    footer(&mut o, s);
    super::webfont::embed(o)
}

/// A page of its own (the report's look and content policy) around `body`,
/// for results that are not a simulation summary, such as a backtest.
pub fn standalone(title: &str, body: &str) -> String {
    super::webfont::embed(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"quotaplan {}\">\n<title>{} — quotaplan</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
<header>\n<h1>{}</h1>\n</header>\n{body}\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title),
        esc(title)
    ))
}

/// A chart, as a captioned figure, when it was drawn.
pub(super) fn figure(o: &mut String, charts: &Charts<'_>, id: &str) {
    if let Some((c, svg)) = charts.iter().find(|(c, _)| c.id == id) {
        let _ = writeln!(
            o,
            "<figure id=\"fig-{}\"><div class=\"chart\">{}</div><figcaption><b>{}.</b> {}</figcaption></figure>",
            esc(&c.id),
            svg,
            esc(&c.title),
            esc(&c.caption)
        );
    }
}

/// The document head, the title and the navigation.
fn head(o: &mut String, s: &Summary, charts: &Charts<'_>, planner: bool) {
    // The planner's script is the one script, allowed by its hash.
    let (script_src, planner_css) = if planner {
        (
            format!("; script-src {}", super::planner::script_source()),
            super::planner::CSS,
        )
    } else {
        (String::new(), "")
    };
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:{script_src}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"quotaplan {}\">\n<title>{} — quotaplan report</title>\n<style>{CSS}{planner_css}</style>\n</head>\n<body>\n<main>",
        esc(&s.version),
        esc(&s.scenario)
    );
    let _ = writeln!(
        o,
        "<header>\n<h1>{}</h1>\n<div class=\"meta\">Monte Carlo risk report · {} simulated years of {} months · seed {} · {} sampling · quotas: {}</div>",
        esc(&s.scenario),
        s.trials,
        s.months,
        s.seed,
        esc(&s.sampler),
        esc(&s.quota.method)
    );
    let has_comp = s.compensation.is_some();
    let has_map = charts
        .iter()
        .any(|(c, _)| c.id.starts_with("territory-map"));
    let _ = writeln!(
        o,
        "<nav><a href=\"#team\">Team</a><a href=\"#reps\">Reps</a>{}<a href=\"#quarters\">Quarters</a>{}<a href=\"#risks\">Risks</a>{}<a href=\"#about\">About</a></nav>\n</header>",
        match (s.groups.is_empty(), planner) {
            (true, false) => "",
            (false, false) => "<a href=\"#groups\">Groups</a>",
            (true, true) => "<a href=\"#planner\">Quota planner</a>",
            (false, true) => "<a href=\"#groups\">Groups</a><a href=\"#planner\">Quota planner</a>",
        },
        if has_comp {
            "<a href=\"#compensation\">Compensation</a>"
        } else {
            ""
        },
        if has_map {
            "<a href=\"#territories\">Territories</a>"
        } else {
            ""
        }
    );
}

/// The headline cards, notes, warnings and how to read them.
fn cards(o: &mut String, s: &Summary, notes: &[String]) {
    let cur = esc(&s.currency);
    let t = &s.team;
    // Headline cards.
    let _ = writeln!(o, "<section class=\"cards\">");
    let _ = writeln!(
        o,
        "<div class=\"card\"><div class=\"k\">P(team hits target)</div><div class=\"v {}\">{}</div><div class=\"s\">± {} (95 %), target {} {cur}</div></div>",
        team_class(t.p_hit_target),
        pct(t.p_hit_target),
        pct(1.96 * t.p_hit_target_se),
        money(t.target)
    );
    let _ = writeln!(
        o,
        "<div class=\"card\"><div class=\"k\">Expected team sales</div><div class=\"v\">{}</div><div class=\"s\">{cur} · sd {} · {} of target</div></div>",
        money(t.sales.mean),
        money(t.sales.sd),
        pct(t.attainment.mean)
    );
    let _ = writeln!(
        o,
        "<div class=\"card\"><div class=\"k\">Attainment P10 / P50 / P90</div><div class=\"v\">{}</div><div class=\"s\">{} / {} / {}</div></div>",
        pct(t.attainment.p50),
        pct(t.attainment.p10),
        pct(t.attainment.p50),
        pct(t.attainment.p90)
    );
    let _ = writeln!(
        o,
        "<div class=\"card\"><div class=\"k\">Shortfall in a 1-in-20 year</div><div class=\"v\">{}</div><div class=\"s\">{cur} below target (VaR95); {} on average in those years (CVaR95)</div></div>",
        money(t.shortfall.var95),
        money(t.shortfall.cvar95)
    );
    let _ = writeln!(
        o,
        "<div class=\"card\"><div class=\"k\">Reps at quota</div><div class=\"v\">{:.1} of {}</div><div class=\"s\">P10 {} · P50 {} · P90 {}</div></div>",
        t.reps_at_quota.mean,
        s.rep_count(),
        t.reps_at_quota.p10,
        t.reps_at_quota.p50,
        t.reps_at_quota.p90
    );
    if let Some(c) = &s.compensation {
        let _ = writeln!(
            o,
            "<div class=\"card\"><div class=\"k\">Total payout</div><div class=\"v\">{}</div><div class=\"s\">{cur} mean · cost of sales {}</div></div>",
            money(c.total_payout.mean),
            pct(c.cost_of_sales.mean)
        );
    }
    o.push_str("</section>\n");

    if !notes.is_empty() {
        o.push_str("<div class=\"notes\"><ul>\n");
        for n in notes {
            let _ = writeln!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul></div>\n");
    }
    if !s.warnings.is_empty() {
        let _ = writeln!(
            o,
            "<section class=\"warnings\" id=\"warnings\"><h3>Warnings ({})</h3><ul>",
            s.warnings.len()
        );
        for w in &s.warnings {
            let _ = writeln!(o, "<li><code>{}</code></li>", esc(w));
        }
        o.push_str("</ul></section>\n");
    }

    o.push_str(
        "<ul class=\"read muted\">\
<li><b>P(team hits target)</b> is the share of simulated years in which the team reaches the company target; around 50 % is a coin flip, leadership usually wants 70 % or more for a commitment.</li>\
<li><b>Attainment P10</b>: in one year out of ten the team does worse than this.</li>\
<li><b>Shortfall VaR95 / CVaR95</b>: how far below target a 1-in-20 bad year lands, and the average miss across those years.</li>\
<li><b>Reps at quota</b>: 50–60 % of reps reaching quota is typical; far fewer means quotas above what territories support.</li>\
</ul>\n",
    );
}

/// Team sales and attainment.
fn team(o: &mut String, s: &Summary, charts: &Charts<'_>) {
    let cur = esc(&s.currency);
    let t = &s.team;
    // Team.
    o.push_str("<section id=\"team\">\n<h2>Team</h2>\n");
    let b = &t.sales;
    let _ = write!(
        o,
        "<div class=\"scroll\"><table><thead><tr><th class=\"t\">Team sales ({cur})</th><th>Mean</th><th>SD</th><th class=\"wide\">P5</th><th>P10</th><th class=\"wide\">P25</th><th>P50</th><th class=\"wide\">P75</th><th>P90</th><th class=\"wide\">P95</th></tr></thead><tbody>\
<tr><td class=\"t\">Sales</td><td>{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td></tr>",
        money(b.mean),
        money(b.sd),
        money(b.p5),
        money(b.p10),
        money(b.p25),
        money(b.p50),
        money(b.p75),
        money(b.p90),
        money(b.p95)
    );
    let a = &t.attainment;
    let _ = writeln!(
        o,
        "<tr><td class=\"t\">Attainment</td><td>{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td></tr></tbody></table></div>",
        pct(a.mean),
        pct(a.sd),
        pct(a.p5),
        pct(a.p10),
        pct(a.p25),
        pct(a.p50),
        pct(a.p75),
        pct(a.p90),
        pct(a.p95)
    );
    figure(o, charts, "team-distribution");
    figure(o, charts, "convergence");
    o.push_str("</section>\n");
}

/// The reps of a run too large to list: P(quota) across them, how many in
/// each tenth, and that the tables below hold the worst and best only.
fn rep_distribution(o: &mut String, d: &crate::analysis::RepDigest) {
    let a = &d.p_attain;
    let _ = writeln!(
        o,
        "<p>{} reps, more than the {} a summary lists: the tables and per-rep charts show the {} with the lowest and the {} with the highest P(quota) (lowest first, then highest first); every rep's figures are in {}. P(quota) across reps: mean {}, min {}, P10 {}, P25 {}, P50 {}, P75 {}, P90 {}, max {}.</p>",
        d.count,
        d.listed_up_to,
        d.worst.len(),
        d.best.len(),
        d.detail
            .iter()
            .map(|f| format!("<code>{}</code>", esc(f)))
            .collect::<Vec<_>>()
            .join(" and "),
        pct(a.mean),
        pct(a.min),
        pct(a.p10),
        pct(a.p25),
        pct(a.p50),
        pct(a.p75),
        pct(a.p90),
        pct(a.max)
    );
    o.push_str("<div class=\"scroll\"><table><thead><tr><th class=\"t\">P(quota)</th>");
    for b in &d.p_attain_bands {
        let _ = write!(o, "<th>{:.0}–{:.0} %</th>", 100.0 * b.from, 100.0 * b.to);
    }
    o.push_str("</tr></thead><tbody><tr><td class=\"t\">Reps</td>");
    for b in &d.p_attain_bands {
        let _ = write!(o, "<td>{}</td>", b.reps);
    }
    o.push_str("</tr></tbody></table></div>\n");
}

/// Every rep, quotas and fairness.
fn reps(o: &mut String, s: &Summary, charts: &Charts<'_>) {
    let cur = esc(&s.currency);
    // Reps.
    o.push_str("<section id=\"reps\">\n<h2>Reps</h2>\n");
    if let Some(d) = &s.rep_digest {
        rep_distribution(o, d);
    }
    let _ = writeln!(
        o,
        "<div class=\"scroll\"><table><thead><tr><th class=\"t\">Rep</th><th class=\"t\">Name</th><th>Quota</th><th>Mean sales</th><th>Expected (neutral)</th><th class=\"wide\">Coverage</th><th>Attainment P10</th><th class=\"wide\">P50</th><th>P90</th><th>P(quota)</th><th class=\"wide\">95&nbsp;% interval</th></tr></thead><tbody>"
    );
    for r in &s.reps {
        let _ = writeln!(
            o,
            "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"{}\">{}</td><td class=\"wide\">{}&nbsp;–&nbsp;{}</td></tr>",
            esc(&r.id),
            esc(&r.name),
            money(r.quota),
            money(r.sales.mean),
            money(r.expected_sales),
            pct(r.coverage),
            pct(r.attainment.p10),
            pct(r.attainment.p50),
            pct(r.attainment.p90),
            p_class(r.p_attain),
            pct(r.p_attain),
            pct(r.p_attain_ci95[0]),
            pct(r.p_attain_ci95[1])
        );
    }
    o.push_str("</tbody></table></div>\n");
    figure(o, charts, "rep-attainment");
    figure(o, charts, "p-attain");
    let q = &s.quota;
    let f = &s.fairness;
    let _ = writeln!(
        o,
        "<h3>Quotas and fairness</h3><p>Quotas: <b>{}</b> (over-assignment {}), total {} {cur}{}.</p>\
<p>P(quota) ranges from {} to {} (sd {}); the correlation of territory size with attainment is {:+.2} (near 0 when attainment does not depend on territory size).</p>",
        esc(&q.method),
        pct(q.over_assignment),
        money(q.total),
        q.p_star
            .map(|p| format!(", every rep's P(quota) = {}", pct(p)))
            .unwrap_or_default(),
        pct(f.p_attain_min),
        pct(f.p_attain_max),
        pct(f.p_attain_sd),
        f.corr_size_attainment
    );
    if !q.pinned.is_empty() {
        let list: Vec<String> = q
            .pinned
            .iter()
            .map(|p| format!("{} ({})", esc(&p.id), esc(&p.by)))
            .collect();
        let _ = writeln!(o, "<p>Held at a bound: {}.</p>", list.join(", "));
    }
    if !f.flags.is_empty() {
        o.push_str("<div class=\"scroll\"><table><thead><tr><th class=\"t\">Flagged rep</th><th class=\"t\">Name</th><th>P(quota)</th><th class=\"t\">Likely reason</th></tr></thead><tbody>\n");
        for fl in &f.flags {
            let _ = writeln!(
                o,
                "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td><td class=\"{}\">{}</td><td class=\"t\">{}</td></tr>",
                esc(&fl.id),
                esc(&fl.name),
                p_class(fl.p_attain),
                pct(fl.p_attain),
                esc(&fl.reason)
            );
        }
        o.push_str("</tbody></table></div>\n");
    }
    o.push_str("</section>\n");
}

/// Roll-ups by region, manager and the other grouping keys: a table per
/// key and the chart of P(group reaches its quota). Nothing without
/// grouping keys.
fn groups(o: &mut String, s: &Summary, charts: &Charts<'_>) {
    if s.groups.is_empty() {
        return;
    }
    let cur = esc(&s.currency);
    o.push_str("<section id=\"groups\">\n<h2>Groups</h2>\n<p>Each group's sales are the sum of its reps' sales in the same simulated year, and its quota the sum of their quotas: P(hit) is the share of years the group reaches it (not a product of the reps' chances).</p>\n");
    let mut by = "";
    for g in &s.groups {
        if g.by != by {
            if !by.is_empty() {
                o.push_str("</tbody></table></div>\n");
            }
            by = &g.by;
            let _ = writeln!(
                o,
                "<h3>By {}</h3><div class=\"scroll\"><table><thead><tr><th class=\"t\">{}</th><th>Reps</th><th>Quota ({cur})</th><th>Mean sales</th><th class=\"wide\">SD</th><th>P10</th><th class=\"wide\">P50</th><th>P90</th><th>P(hit)</th><th class=\"wide\">95&nbsp;% interval</th></tr></thead><tbody>",
                esc(by),
                esc(by)
            );
        }
        let _ = writeln!(
            o,
            "<tr data-group-by=\"{}\" data-group=\"{}\"><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"wide\">{}</td><td>{}</td><td class=\"{}\">{}</td><td class=\"wide\">{}&nbsp;–&nbsp;{}</td></tr>",
            esc(&g.by),
            esc(&g.id),
            esc(&g.id),
            g.reps,
            money(g.quota),
            money(g.sales.mean),
            money(g.sales.sd),
            money(g.sales.p10),
            money(g.sales.p50),
            money(g.sales.p90),
            p_class(g.p_hit),
            pct(g.p_hit),
            pct(g.p_hit_ci95[0]),
            pct(g.p_hit_ci95[1])
        );
    }
    o.push_str("</tbody></table></div>\n");
    figure(o, charts, "group-p-hit");
    o.push_str("</section>\n");
}

/// The team per quarter and each rep's quarters.
fn quarters(o: &mut String, s: &Summary, charts: &Charts<'_>) {
    let cur = esc(&s.currency);
    // Quarters.
    o.push_str("<section id=\"quarters\">\n<h2>Quarters</h2>\n");
    let _ = writeln!(
        o,
        "<div class=\"scroll\"><table><thead><tr><th class=\"t\">Quarter</th><th class=\"t\">Months</th><th>Target ({cur})</th><th>Mean sales</th><th>SD</th><th>P(hit)</th><th>95&nbsp;% interval</th></tr></thead><tbody>"
    );
    for qr in &s.quarters {
        let months: Vec<String> = qr.months.iter().map(|m| m.to_string()).collect();
        let _ = writeln!(
            o,
            "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}&nbsp;–&nbsp;{}</td></tr>",
            esc(&qr.quarter),
            months.join(", "),
            money(qr.target),
            money(qr.sales_mean),
            money(qr.sales_sd),
            pct(qr.p_hit),
            pct(qr.p_hit_ci95[0]),
            pct(qr.p_hit_ci95[1])
        );
    }
    o.push_str("</tbody></table></div>\n");
    figure(o, charts, "quarterly-fan");
    if let Some(first) = s.reps.first() {
        o.push_str("<h3>P(reaching each quarter's quota) per rep</h3>\n<div class=\"scroll\"><table><thead><tr><th class=\"t\">Rep</th><th class=\"t\">Name</th>");
        for qq in &first.quarters {
            let _ = write!(o, "<th>{}</th>", esc(&qq.quarter));
        }
        o.push_str(
            "<th>YTD attainment at year end</th><th>P(YTD quota)</th></tr></thead><tbody>\n",
        );
        for r in &s.reps {
            let _ = write!(
                o,
                "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td>",
                esc(&r.id),
                esc(&r.name)
            );
            for qq in &r.quarters {
                match qq.p_attain {
                    Some(p) => {
                        let cls = match p_class(p) {
                            "p-low" => "cell-low",
                            "p-high" => "cell-high",
                            _ => "cell-mid",
                        };
                        let _ = write!(o, "<td class=\"{cls}\">{}</td>", pct(p));
                    }
                    None => o.push_str("<td class=\"cell-none\">no quota</td>"),
                }
            }
            let last = r.quarters.last();
            let _ = writeln!(
                o,
                "<td>{}</td><td>{}</td></tr>",
                last.map_or("—".into(), |q| pct(q.ytd_attainment_mean)),
                last.map_or("—".into(), |q| pct(q.p_ytd_attain))
            );
        }
        o.push_str("</tbody></table></div>\n");
    }
    o.push_str("</section>\n");
}

/// Payouts and cost of sales (with a comp plan).
fn compensation(o: &mut String, s: &Summary, charts: &Charts<'_>) {
    let cur = esc(&s.currency);
    // Compensation.
    if let Some(c) = &s.compensation {
        o.push_str("<section id=\"compensation\">\n<h2>Compensation</h2>\n");
        let _ = write!(
            o,
            "<p>Total payout: mean {} {cur}, P10 / P50 / P90 {} / {} / {}; cost of sales {} (P90 {}).",
            money(c.total_payout.mean),
            money(c.total_payout.p10),
            money(c.total_payout.p50),
            money(c.total_payout.p90),
            pct(c.cost_of_sales.mean),
            pct(c.cost_of_sales.p90)
        );
        if let (Some(b), Some(p)) = (c.budget, c.p_over_budget) {
            let _ = write!(
                o,
                " P(payout above the budget of {} {cur}) = <b>{}</b>.",
                money(b),
                pct(p)
            );
        }
        o.push_str("</p>\n");
        if s.reps.iter().any(|r| r.payout.is_some()) {
            let _ = writeln!(
                o,
                "<div class=\"scroll\"><table><thead><tr><th class=\"t\">Rep</th><th class=\"t\">Name</th><th>Mean payout ({cur})</th><th>P10</th><th>P50</th><th>P90</th></tr></thead><tbody>"
            );
            for r in &s.reps {
                if let Some(p) = &r.payout {
                    let _ = writeln!(
                        o,
                        "<tr><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&r.id),
                        esc(&r.name),
                        money(p.mean),
                        money(p.p10),
                        money(p.p50),
                        money(p.p90)
                    );
                }
            }
            o.push_str("</tbody></table></div>\n");
        }
        figure(o, charts, "payout-curve");
        o.push_str("</section>\n");
    }
}

/// The risk register.
fn risks(o: &mut String, s: &Summary, charts: &Charts<'_>) {
    let cur = esc(&s.currency);
    // Risks.
    o.push_str("<section id=\"risks\">\n<h2>Risk register</h2>\n");
    if s.risks.is_empty() {
        o.push_str("<p class=\"muted\">No risks in the scenario, or the run skipped the risk analytics.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<div class=\"scroll\"><table><thead><tr><th class=\"t\">Risk</th><th class=\"t\">Kind</th><th>Expected loss ({cur})</th><th>Share of variance</th><th>Chance</th><th>Expected impact</th><th class=\"wide\">Rank corr.</th><th class=\"wide\">Tornado swing</th></tr></thead><tbody>"
        );
        // As in the terminal: what each risk costs first; the variance
        // ranking is the tornado's order.
        for r in super::table::risk_order(&s.risks) {
            let _ = writeln!(
                o,
                "<tr data-risk=\"{}\"><td class=\"t\">{}</td><td class=\"t\">{}</td><td>{}<br><span class=\"err\">±&nbsp;{}</span></td><td>{}</td><td>{}</td><td>{:+.1}&nbsp;%</td><td class=\"wide\">{:+.2}</td><td class=\"wide\">{}</td></tr>",
                esc(&r.id),
                breakable(&r.id),
                breakable(&r.kind),
                money(r.attributable_loss),
                money(1.96 * r.attributable_loss_se),
                pct(r.contribution),
                pct(r.probability),
                100.0 * r.expected_impact,
                r.spearman,
                money(r.tornado.swing)
            );
        }
        o.push_str("</tbody></table></div>\n<p class=\"muted\">Ordered by expected loss: team sales with the risk switched off minus with it, in the same simulated years (negative for an upside), ± its 95 % margin. Share of variance: the risk's share of the spread of team sales (the tornado's order). Chance: that it happens in a year. Expected impact: on the sales it reaches. Rank corr.: Spearman correlation of the risk's driver with team sales. Tornado swing: how far team sales P50 moves between the risk's worst and best decile.</p>\n");
        figure(o, charts, "tornado");
    }
    o.push_str("</section>\n");
}

/// The territory maps.
fn territories(o: &mut String, charts: &Charts<'_>) {
    if charts
        .iter()
        .any(|(c, _)| c.id.starts_with("territory-map"))
    {
        o.push_str("<section id=\"territories\">\n<h2>Territories</h2>\n");
        for (c, _) in charts
            .iter()
            .filter(|(c, _)| c.id.starts_with("territory-map"))
        {
            figure(o, charts, &c.id);
        }
        o.push_str("</section>\n");
    }
}

/// Any other chart (e.g. a heatmap), at the end.
fn more(o: &mut String, charts: &Charts<'_>) {
    // Whatever the sections above did not place, so no chart is drawn
    // twice and a new one is never lost.
    let extra: Vec<&str> = charts
        .iter()
        .map(|(c, _)| c.id.as_str())
        .filter(|id| !o.contains(&format!("id=\"fig-{id}\"")))
        .collect();
    if !extra.is_empty() {
        o.push_str("<section id=\"more\">\n<h2>More</h2>\n");
        for id in extra {
            figure(o, charts, id);
        }
        o.push_str("</section>\n");
    }
}

/// An identifier such as `competitor_entry_zhejiang`, escaped, that may
/// break after its underscores on a narrow screen (and nowhere else).
fn breakable(id: &str) -> String {
    esc(id).replace('_', "_<wbr>")
}

/// What made the page, and that it loads nothing.
fn footer(o: &mut String, s: &Summary) {
    let _ = writeln!(
        o,
        "<footer id=\"about\">Made by quotaplan {} from scenario “{}”: {} trials, seed {}, chunks of {}, generator {}, {} sampling{}. The same scenario, seed and version give the same numbers on any machine. This page is self-contained: it loads nothing from anywhere and works offline.</footer>\n</main>\n</body>\n</html>",
        esc(&s.version),
        esc(&s.scenario),
        s.trials,
        s.seed,
        s.chunk_size,
        esc(&s.generator),
        esc(&s.sampler),
        if s.reached_precision {
            ", stopped at the requested precision"
        } else {
            ""
        }
    );
}
