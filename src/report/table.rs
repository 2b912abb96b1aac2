//! The readable summary printed after a run.

use super::format::{lpad, money, pad, pct, width};
use crate::analysis::{RepDigest, RepSummary, RiskSummary, Summary};
use std::fmt::Write;

pub fn summary_table(s: &Summary) -> String {
    let mut o = String::new();
    let t = &s.team;
    let cur = if s.currency.is_empty() {
        String::new()
    } else {
        format!(" {}", s.currency)
    };
    let _ = writeln!(o, "{} — {} trials, seed {}", s.scenario, s.trials, s.seed);
    let _ = writeln!(o);
    let _ = writeln!(o, "Team target         {}{cur}", money(t.target));
    let _ = writeln!(
        o,
        "Expected sales      {}{cur}  (sd {})",
        money(t.sales.mean),
        money(t.sales.sd)
    );
    let _ = writeln!(
        o,
        "Sales P10/P50/P90   {} / {} / {}",
        money(t.sales.p10),
        money(t.sales.p50),
        money(t.sales.p90)
    );
    let _ = writeln!(
        o,
        "Attainment P10/P50/P90  {} / {} / {}",
        pct(t.attainment.p10),
        pct(t.attainment.p50),
        pct(t.attainment.p90)
    );
    let _ = writeln!(
        o,
        "P(team hits target) {}",
        super::format::p_with_halfwidth(t.p_hit_target, t.p_hit_target_se)
    );
    let _ = writeln!(
        o,
        "Reps at quota       mean {:.1}, P10 {} / P50 {} / P90 {} of {}",
        t.reps_at_quota.mean,
        t.reps_at_quota.p10,
        t.reps_at_quota.p50,
        t.reps_at_quota.p90,
        s.rep_count()
    );
    let _ = writeln!(
        o,
        "Shortfall VaR95     {}{cur}   CVaR95 {}{cur}",
        money(t.shortfall.var95),
        money(t.shortfall.cvar95)
    );
    let _ = writeln!(o);
    match &s.rep_digest {
        None => rep_table(&mut o, s, &s.reps.iter().collect::<Vec<_>>()),
        Some(d) => {
            rep_distribution(&mut o, d);
            let listed = |ids: &[String]| -> Vec<&RepSummary> {
                ids.iter()
                    .filter_map(|id| s.reps.iter().find(|r| &r.id == id))
                    .collect()
            };
            let _ = writeln!(
                o,
                "\nLowest P(quota): {} of {} reps",
                d.worst.len(),
                d.count
            );
            rep_table(&mut o, s, &listed(&d.worst));
            let _ = writeln!(
                o,
                "\nHighest P(quota): {} of {} reps",
                d.best.len(),
                d.count
            );
            rep_table(&mut o, s, &listed(&d.best));
        }
    }
    group_table(&mut o, s);
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<8} {:>14} {:>14} {:>9}",
        "Quarter", "Target", "Mean sales", "P(hit)"
    );
    for q in &s.quarters {
        let _ = writeln!(
            o,
            "{:<8} {:>14} {:>14} {:>9}",
            q.quarter,
            money(q.target),
            money(q.sales_mean),
            pct(q.p_hit)
        );
    }
    quarter_matrix(&mut o, s);
    quota_and_fairness(&mut o, s);
    compensation(&mut o, s, &cur);
    risk_register(&mut o, s, &cur);
    o
}

/// One row per rep of `reps`; columns sized over every listed rep, so the
/// tables of a bounded summary line up.
fn rep_table(o: &mut String, s: &Summary, reps: &[&RepSummary]) {
    let nw = s
        .reps
        .iter()
        .map(|r| width(&r.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let iw = s
        .reps
        .iter()
        .map(|r| width(&r.id))
        .max()
        .unwrap_or(2)
        .max(3);
    let _ = writeln!(
        o,
        "{} {}  {:>14} {:>14} {:>8} {:>7} {:>7} {:>7} {:>9}",
        pad("Rep", iw),
        pad("Name", nw),
        "Quota",
        "Mean sales",
        "Coverage",
        "A P10",
        "A P50",
        "A P90",
        "P(quota)"
    );
    for r in reps {
        let _ = writeln!(
            o,
            "{} {}  {} {} {:>8} {:>7} {:>7} {:>7} {:>9}",
            pad(&r.id, iw),
            pad(&r.name, nw),
            lpad(&money(r.quota), 14),
            lpad(&money(r.sales.mean), 14),
            pct(r.coverage),
            pct(r.attainment.p10),
            pct(r.attainment.p50),
            pct(r.attainment.p90),
            pct(r.p_attain)
        );
    }
}

/// Roll-ups by each grouping key: quota, sales and P(group hits its
/// quota), one block per key. Nothing without grouping keys.
fn group_table(o: &mut String, s: &Summary) {
    if s.groups.is_empty() {
        return;
    }
    let iw = s
        .groups
        .iter()
        .map(|g| width(&g.id).max(width(&g.by) + 3))
        .max()
        .unwrap_or(4);
    let mut by = "";
    for g in &s.groups {
        if g.by != by {
            by = &g.by;
            let _ = writeln!(o);
            let _ = writeln!(
                o,
                "{} {:>5} {:>14} {:>14} {:>14} {:>14} {:>9}",
                pad(&format!("By {by}"), iw),
                "Reps",
                "Quota",
                "Mean sales",
                "Sales P10",
                "Sales P90",
                "P(hit)"
            );
        }
        let _ = writeln!(
            o,
            "{} {:>5} {} {} {} {} {:>9}",
            pad(&g.id, iw),
            g.reps,
            lpad(&money(g.quota), 14),
            lpad(&money(g.sales.mean), 14),
            lpad(&money(g.sales.p10), 14),
            lpad(&money(g.sales.p90), 14),
            pct(g.p_hit)
        );
    }
}

/// The reps of a run too large to list: P(quota) across them and how many
/// fall in each tenth.
fn rep_distribution(o: &mut String, d: &RepDigest) {
    let a = &d.p_attain;
    let _ = writeln!(
        o,
        "Reps                {} (more than {}: the worst and best {} are listed; every rep is in {})",
        d.count,
        d.listed_up_to,
        d.worst.len(),
        d.detail.join(" and ")
    );
    let _ = writeln!(
        o,
        "P(quota) across reps  mean {}, min {}, P10 {}, P25 {}, P50 {}, P75 {}, P90 {}, max {}",
        pct(a.mean),
        pct(a.min),
        pct(a.p10),
        pct(a.p25),
        pct(a.p50),
        pct(a.p75),
        pct(a.p90),
        pct(a.max)
    );
    let _ = write!(o, "{:<10}", "P(quota)");
    for b in &d.p_attain_bands {
        let _ = write!(
            o,
            " {:>7}",
            format!("{:.0}-{:.0}", 100.0 * b.from, 100.0 * b.to)
        );
    }
    let _ = write!(o, " %\n{:<10}", "Reps");
    for b in &d.p_attain_bands {
        let _ = write!(o, " {:>7}", b.reps);
    }
    let _ = writeln!(o);
}

/// P(reaching each quarter's quota) per rep: which quarter is at risk.
fn quarter_matrix(o: &mut String, s: &Summary) {
    let Some(first) = s.reps.first() else { return };
    let iw = s
        .reps
        .iter()
        .map(|r| width(&r.id))
        .max()
        .unwrap_or(3)
        .max(3);
    let _ = writeln!(o);
    let _ = write!(o, "{}", pad("P(quarter quota)", iw + 2));
    for q in &first.quarters {
        let _ = write!(o, " {:>7}", q.quarter);
    }
    let _ = writeln!(o, "   YTD at year end");
    for r in &s.reps {
        let _ = write!(o, "{}", pad(&r.id, iw + 2));
        let _ = write!(o, "{}", " ".repeat(16usize.saturating_sub(iw + 2)));
        for q in &r.quarters {
            let _ = write!(o, " {:>7}", q.p_attain.map_or_else(|| "—".to_string(), pct));
        }
        let ytd = r.quarters.last().map_or(0.0, |q| q.ytd_attainment_mean);
        let _ = writeln!(o, "   {}", pct(ytd));
    }
}

fn quota_and_fairness(o: &mut String, s: &Summary) {
    let q = &s.quota;
    let f = &s.fairness;
    let _ = writeln!(o);
    let _ = write!(
        o,
        "Quotas: {} (over-assignment {}), total {}",
        q.method,
        pct(q.over_assignment),
        money(q.total)
    );
    if let Some(p) = q.p_star {
        let _ = write!(o, ", every rep's P(quota) = {}", pct(p));
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Fairness: P(quota) from {} to {} (sd {}); size vs attainment correlation {:+.2}",
        pct(f.p_attain_min),
        pct(f.p_attain_max),
        pct(f.p_attain_sd),
        f.corr_size_attainment
    );
    for flag in &f.flags {
        let _ = writeln!(
            o,
            "  {} {} P(quota) {}: {}",
            flag.id,
            flag.name,
            pct(flag.p_attain),
            flag.reason
        );
    }
    if let Some(d) = s.rep_digest.as_ref().filter(|d| d.flags_left_out > 0) {
        let _ = writeln!(
            o,
            "  (and {} more reps below 30 % or above 80 %, not listed; see {})",
            d.flags_left_out, d.detail[0]
        );
    }
}

fn compensation(o: &mut String, s: &Summary, cur: &str) {
    let Some(c) = &s.compensation else { return };
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Payout: mean {}{cur}, P10/P50/P90 {} / {} / {}; cost of sales {} (P90 {})",
        money(c.total_payout.mean),
        money(c.total_payout.p10),
        money(c.total_payout.p50),
        money(c.total_payout.p90),
        pct(c.cost_of_sales.mean),
        pct(c.cost_of_sales.p90)
    );
    if let (Some(b), Some(p)) = (c.budget, c.p_over_budget) {
        let _ = writeln!(o, "P(payout > budget {}{cur}) = {}", money(b), pct(p));
    }
}

fn risk_register(o: &mut String, s: &Summary, cur: &str) {
    if s.risks.is_empty() {
        return;
    }
    let iw = s
        .risks
        .iter()
        .map(|r| width(&r.id))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:>4} {} {:<12} {:>6} {:>9} {:>8} {:>14} {:>14}",
        "Rank",
        pad("Risk", iw),
        "Kind",
        "P",
        "Exp.imp.",
        "Var.share",
        "Attrib. loss",
        "Tornado swing"
    );
    let mut order: Vec<&RiskSummary> = s.risks.iter().collect();
    order.sort_by_key(|r| r.rank);
    for r in order {
        let _ = writeln!(
            o,
            "{:>4} {} {:<12} {:>6} {:>+9.3} {:>9} {:>14} {:>14}",
            r.rank,
            pad(&r.id, iw),
            r.kind,
            pct(r.probability),
            r.expected_impact,
            pct(r.contribution),
            money(r.attributable_loss),
            money(r.tornado.swing)
        );
    }
    let _ = writeln!(
        o,
        "(attributable loss: team mean with the risk switched off minus with it{}; same trials)",
        if cur.is_empty() {
            String::new()
        } else {
            format!(", in{cur}")
        }
    );
}

/// The re-forecast block: booked so far, the chance of making plan from
/// here, and the monthly run-rate needed against what the model expects.
pub fn reforecast_table(rf: &crate::analysis::Reforecast, currency: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\nRe-forecast: {} month(s) booked, {} to go{}",
        rf.months_closed,
        rf.months_open,
        if currency.is_empty() {
            String::new()
        } else {
            format!(" (amounts in {currency})")
        }
    );
    let _ = writeln!(
        o,
        "{}  {}  {}  {}  {}  {}",
        pad("Seat", 10),
        lpad("Quota", 14),
        lpad("Booked", 14),
        lpad("P(attain)", 9),
        lpad("Needed/month", 13),
        lpad("Expected/mo", 13)
    );
    for s in std::iter::once(&rf.team).chain(&rf.reps) {
        let id = match s.left_in_month {
            Some(m) => format!("{} (left M{m})", s.id),
            None => s.id.clone(),
        };
        let _ = writeln!(
            o,
            "{}  {}  {}  {}  {}  {}",
            pad(&id, 10),
            lpad(&money(s.quota), 14),
            lpad(&money(s.booked), 14),
            lpad(&pct(s.p_attain), 9),
            lpad(&money(s.needed_per_month), 13),
            lpad(&money(s.expected_per_month), 13)
        );
    }
    o
}
