//! The readable summary printed after a run: plain words for every
//! figure, money with thousands separators and its currency, laid out for
//! an 80-column terminal ([`TERMINAL_WIDTH`]).

use super::format::{
    Align, TERMINAL_WIDTH, Table, lpad, money, money_cur, pad, pct, width, with_currency,
    wrap_indented,
};
use super::styled::{Style, Styled, Tone};
use crate::analysis::{RepDigest, RepSummary, RiskSummary, Summary};
use crate::history::actuals::BookingNote;
use crate::source::{Setting, Spelling};
use std::fmt::Write;

/// The column the values of the team block start in.
const LABEL: usize = 30;

/// The currency in brackets for a column header ("(CNY)"), or nothing.
fn currency_note(currency: &str) -> String {
    with_currency("", currency).trim().to_string()
}

/// A line of the team block: the label padded to [`LABEL`], then the value.
fn item(o: &mut Styled, label: &str, value: &str) {
    let _ = writeln!(o, "{}{value}", pad(label, LABEL));
}

/// The summary of a run for a terminal: the team block, reps, groups,
/// quarters, quotas and fairness, compensation and the risk register, each
/// figure in the tone it reads in.
pub fn summary_table(s: &Summary) -> Styled {
    let mut o = Styled::new();
    let t = &s.team;
    let cur = s.currency.as_str();
    o.push(
        format!(
            "{} — {} trials, seed {}",
            s.scenario,
            money(s.trials as f64),
            s.seed
        ),
        Style::HEADING,
    );
    let _ = writeln!(o);
    let _ = writeln!(o);
    item(&mut o, "Team target", &money_cur(t.target, cur));
    item(
        &mut o,
        "Expected sales",
        &format!(
            "{} (sd {})",
            money_cur(t.sales.mean, cur),
            money(t.sales.sd)
        ),
    );
    item(
        &mut o,
        "Sales P10 / P50 / P90",
        &format!(
            "{} / {} / {}",
            money(t.sales.p10),
            money(t.sales.p50),
            money(t.sales.p90)
        ),
    );
    item(
        &mut o,
        "Attainment P10 / P50 / P90",
        &format!(
            "{} / {} / {}",
            pct(t.attainment.p10),
            pct(t.attainment.p50),
            pct(t.attainment.p90)
        ),
    );
    // The headline: the chance the team makes its target.
    o.plain(pad("P(team hits target)", LABEL));
    let headline = Style {
        tone: Tone::of_p_team(t.p_hit_target),
        strong: true,
    };
    o.push(pct(t.p_hit_target), headline);
    let _ = writeln!(o, " ± {}", pct(1.96 * t.p_hit_target_se));
    item(
        &mut o,
        "Reps at quota",
        &format!(
            "{:.1} of {} expected (P10 {}, P50 {}, P90 {})",
            t.reps_at_quota.mean,
            money(s.rep_count() as f64),
            t.reps_at_quota.p10,
            t.reps_at_quota.p50,
            t.reps_at_quota.p90,
        ),
    );
    item(
        &mut o,
        "Bad-year shortfall (1 in 20)",
        &format!("{} below target", money_cur(t.shortfall.var95, cur)),
    );
    item(
        &mut o,
        "  average in those years",
        &format!("{} below target", money_cur(t.shortfall.cvar95, cur)),
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
                money(d.count as f64)
            );
            rep_table(&mut o, s, &listed(&d.worst));
            let _ = writeln!(
                o,
                "\nHighest P(quota): {} of {} reps",
                d.best.len(),
                money(d.count as f64)
            );
            rep_table(&mut o, s, &listed(&d.best));
        }
    }
    group_table(&mut o, s);
    let _ = writeln!(o);
    let mut q = Table::new(&[
        ("Quarter", Align::Left),
        (&with_currency("Target", cur), Align::Right),
        ("Expected sales", Align::Right),
        ("P(hit)", Align::Right),
    ]);
    for x in &s.quarters {
        q.row(vec![
            x.quarter.clone(),
            money(x.target),
            money(x.sales_mean),
            pct(x.p_hit),
        ]);
    }
    o.append(q.render_styled());
    quarter_matrix(&mut o, s);
    quota_and_fairness(&mut o, s);
    compensation(&mut o, s);
    risk_register(&mut o, s);
    o
}

/// One row per rep of `reps`. Names longer than the terminal allows are
/// shortened (the id is always whole); every rep's figures are in reps.csv.
fn rep_table(o: &mut Styled, s: &Summary, reps: &[&RepSummary]) {
    let mut t = Table::new(&[
        ("Rep", Align::Left),
        ("Name", Align::Left),
        (
            &format!("Quota\n{}", currency_note(&s.currency)),
            Align::Right,
        ),
        ("Expected\nsales", Align::Right),
        ("Coverage", Align::Right),
        ("Attainment\nP10–P90", Align::Right),
        ("P(quota)", Align::Right),
    ]);
    for r in reps {
        let plain = |x: String| (x, Tone::Plain);
        t.row_toned(vec![
            plain(r.id.clone()),
            plain(r.name.clone()),
            plain(money(r.quota)),
            plain(money(r.sales.mean)),
            plain(pct(r.coverage)),
            plain(format!(
                "{:.0}% – {:.0}%",
                100.0 * r.attainment.p10,
                100.0 * r.attainment.p90
            )),
            (pct(r.p_attain), Tone::of_p_attain(r.p_attain)),
        ]);
    }
    o.append(t.render_styled());
}

/// Roll-ups by each grouping key: quota, sales and P(group hits its
/// quota), one block per key. Nothing without grouping keys.
fn group_table(o: &mut Styled, s: &Summary) {
    let mut keys: Vec<&str> = Vec::new();
    for g in &s.groups {
        if !keys.contains(&g.by.as_str()) {
            keys.push(&g.by);
        }
    }
    let quota_head = format!("Quota\n{}", currency_note(&s.currency));
    for by in keys {
        let groups: Vec<_> = s.groups.iter().filter(|g| g.by == by).collect();
        let unit =
            super::format::money_unit(groups.iter().map(|g| g.sales.p90.abs()).fold(0.0, f64::max));
        // One decimal throughout, so a column of ranges lines up by eye.
        let in_unit = |x: f64| match unit.1 {
            "" => money(x),
            u => format!("{:.1} {u}", x / unit.0),
        };
        let mut t = Table::new(&[
            (&format!("By {by}"), Align::Left),
            ("Reps", Align::Right),
            (quota_head.trim(), Align::Right),
            ("Expected\nsales", Align::Right),
            ("Sales\nP10–P90", Align::Right),
            ("P(group makes\nits quota)", Align::Right),
        ]);
        for g in groups {
            t.row(vec![
                g.id.clone(),
                money(g.reps as f64),
                money(g.quota),
                money(g.sales.mean),
                format!("{} – {}", in_unit(g.sales.p10), in_unit(g.sales.p90)),
                super::format::p_with_halfwidth(g.p_hit, g.p_hit_se),
            ]);
        }
        let _ = writeln!(o);
        o.append(t.render_styled());
    }
}

/// The reps of a run too large to list: P(quota) across them and how many
/// fall in each tenth.
fn rep_distribution(o: &mut Styled, d: &RepDigest) {
    let a = &d.p_attain;
    o.plain(wrap_indented(
        &format!(
            "{} reps, more than {}: the worst and best {} are listed; every rep is in {}.",
            money(d.count as f64),
            money(d.listed_up_to as f64),
            d.worst.len(),
            d.detail.join(" and ")
        ),
        TERMINAL_WIDTH,
        "",
        "  ",
    ));
    o.plain(wrap_indented(
        &format!(
            "P(quota) across reps: mean {}, min {}, P10 {}, P25 {}, P50 {}, P75 {}, P90 {}, max {}",
            pct(a.mean),
            pct(a.min),
            pct(a.p10),
            pct(a.p25),
            pct(a.p50),
            pct(a.p75),
            pct(a.p90),
            pct(a.max)
        ),
        TERMINAL_WIDTH,
        "",
        "  ",
    ));
    let _ = write!(o, "{:<10}", "P(quota) %");
    for b in &d.p_attain_bands {
        let _ = write!(
            o,
            "{:>7}",
            format!("{:.0}-{:.0}", 100.0 * b.from, 100.0 * b.to)
        );
    }
    let _ = write!(o, "\n{:<10}", "Reps");
    for b in &d.p_attain_bands {
        let _ = write!(o, "{:>7}", money(b.reps as f64));
    }
    let _ = writeln!(o);
}

/// P(reaching each quarter's quota) per rep: which quarter is at risk.
fn quarter_matrix(o: &mut Styled, s: &Summary) {
    let Some(first) = s.reps.first() else { return };
    let iw = s
        .reps
        .iter()
        .map(|r| width(&r.id))
        .max()
        .unwrap_or(3)
        .max(3);
    let _ = writeln!(o);
    let mut head = pad("P(quarter quota)", iw + 2);
    for q in &first.quarters {
        let _ = write!(head, " {:>7}", q.quarter);
    }
    o.push(head + "   Mean attainment", Style::HEADING);
    let _ = writeln!(o);
    for r in &s.reps {
        let _ = write!(o, "{}", pad(&r.id, iw + 2));
        let _ = write!(o, "{}", " ".repeat(16usize.saturating_sub(iw + 2)));
        for q in &r.quarters {
            match q.p_attain {
                Some(p) => {
                    let cell = pct(p);
                    o.plain(" ".repeat(1 + 7usize.saturating_sub(cell.chars().count())));
                    o.push(cell, Style::tone(Tone::of_p_attain(p)));
                }
                None => {
                    let _ = write!(o, " {:>7}", "—");
                }
            }
        }
        let ytd = r.quarters.last().map_or(0.0, |q| q.ytd_attainment_mean);
        let _ = writeln!(o, "   {}", lpad(&pct(ytd), 15));
    }
}

fn quota_and_fairness(o: &mut Styled, s: &Summary) {
    let q = &s.quota;
    let f = &s.fairness;
    let _ = writeln!(o);
    let mut line = format!(
        "Quotas: {} (over-assignment {}), total {}",
        q.method,
        pct(q.over_assignment),
        money_cur(q.total, &s.currency)
    );
    if let Some(p) = q.p_star {
        let _ = write!(line, "; every rep's P(quota) = {}", pct(p));
    }
    o.plain(wrap_indented(&line, TERMINAL_WIDTH, "", "  "));
    o.plain(wrap_indented(
        &format!(
            "Fairness: P(quota) from {} to {} (sd {}); correlation of territory size with attainment {:+.2}",
            pct(f.p_attain_min),
            pct(f.p_attain_max),
            pct(f.p_attain_sd),
            f.corr_size_attainment
        ),
        TERMINAL_WIDTH,
        "",
        "  ",
    ));
    for flag in &f.flags {
        o.lines(
            &wrap_indented(
                &format!(
                    "{} {} P(quota) {}: {}",
                    flag.id,
                    flag.name,
                    pct(flag.p_attain),
                    flag.reason
                ),
                TERMINAL_WIDTH,
                "  ",
                "    ",
            ),
            Style::tone(Tone::Warn),
        );
    }
    if let Some(d) = s.rep_digest.as_ref().filter(|d| d.flags_left_out > 0) {
        o.plain(wrap_indented(
            &format!(
                "(and {} more reps below 30 % or above 80 %, not listed; see {})",
                d.flags_left_out, d.detail[0]
            ),
            TERMINAL_WIDTH,
            "  ",
            "    ",
        ));
    }
}

fn compensation(o: &mut Styled, s: &Summary) {
    let Some(c) = &s.compensation else { return };
    let cur = s.currency.as_str();
    let _ = writeln!(o);
    item(o, "Expected payout", &money_cur(c.total_payout.mean, cur));
    item(
        o,
        "Payout P10 / P50 / P90",
        &format!(
            "{} / {} / {}",
            money(c.total_payout.p10),
            money(c.total_payout.p50),
            money(c.total_payout.p90)
        ),
    );
    item(
        o,
        "Cost of sales (payout/sales)",
        &format!(
            "{} expected, {} at P90",
            pct(c.cost_of_sales.mean),
            pct(c.cost_of_sales.p90)
        ),
    );
    if let (Some(b), Some(p)) = (c.budget, c.p_over_budget) {
        item(
            o,
            "P(payout over budget)",
            &format!("{} (budget {})", pct(p), money_cur(b, cur)),
        );
    }
}

/// The risk register, largest expected loss first, with each risk's share
/// of the variance of team sales beside it.
fn risk_register(o: &mut Styled, s: &Summary) {
    if s.risks.is_empty() {
        return;
    }
    let _ = writeln!(o);
    let loss_head = format!("Expected\nloss {}", currency_note(&s.currency));
    let mut t = Table::new(&[
        ("Risk", Align::Left),
        ("Kind", Align::Left),
        (loss_head.trim(), Align::Right),
        ("Share of\nvariance", Align::Right),
        ("Chance", Align::Right),
        ("Expected\nimpact", Align::Right),
    ]);
    for r in risk_order(&s.risks) {
        t.row(vec![
            r.id.clone(),
            r.kind.clone(),
            money(r.attributable_loss),
            pct(r.contribution),
            pct(r.probability),
            format!("{:+.1}%", 100.0 * r.expected_impact),
        ]);
    }
    o.append(t.render_styled());
    o.lines(
        &wrap_indented(
        "Expected loss: team sales with the risk switched off minus with it, same trials (negative: an upside). Share of variance: the risk's share of the spread of team sales. Chance: that it happens in a year. Expected impact: on the sales it reaches. The tornado swing of each risk is in risks.csv and the report.",
        TERMINAL_WIDTH,
        "",
        "",
    ),
        Style::tone(Tone::Muted),
    );
}

/// Risks by expected loss, largest first; ties (e.g. without analytics)
/// by their rank for the share of variance.
pub fn risk_order(risks: &[RiskSummary]) -> Vec<&RiskSummary> {
    let mut order: Vec<&RiskSummary> = risks.iter().collect();
    order.sort_by(|a, b| {
        b.attributable_loss
            .total_cmp(&a.attributable_loss)
            .then(a.rank.cmp(&b.rank))
    });
    order
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
    let mut t = Table::new(&[
        ("Seat", Align::Left),
        ("Quota", Align::Right),
        ("Booked", Align::Right),
        ("P(attain)", Align::Right),
        ("Needed\nper month", Align::Right),
        ("Expected\nper month", Align::Right),
    ]);
    for s in std::iter::once(&rf.team).chain(&rf.reps) {
        let id = match s.left_in_month {
            Some(m) => format!("{} (left M{m})", s.id),
            None => s.id.clone(),
        };
        t.row(vec![
            id,
            money(s.quota),
            money(s.booked),
            pct(s.p_attain),
            money(s.needed_per_month),
            money(s.expected_per_month),
        ]);
    }
    o.push_str(&t.render());
    o
}

/// A note on a re-forecast's actuals as a terminal line ("note: …",
/// "warning: …") and, for a warning, the text summary.json carries; the
/// as-of date is named with the caller's spelling.
pub fn booking_note(
    note: &BookingNote,
    as_of: chrono::NaiveDate,
    spelling: Spelling,
) -> (String, Option<String>) {
    let as_of_setting = spelling.of(Setting::AsOf);
    match note {
        BookingNote::Unmatched { rows, total } => (
            format!(
                "note: {rows} row(s) of the actuals ({total:.2} in total) name neither a unit nor a rep of the scenario: left out"
            ),
            None,
        ),
        BookingNote::Later { rows } => (
            format!(
                "note: {rows} row(s) of the actuals are dated after {as_of_setting} or the horizon: left out"
            ),
            None,
        ),
        BookingNote::PastEnd { last_month } => (
            format!(
                "note: {as_of_setting} {as_of} is after the horizon's last month ({last_month}): every month is booked, so the results are the actuals"
            ),
            None,
        ),
        BookingNote::EmptyMonths { months, booked } => {
            let w = format!(
                "no actuals at all in {} of the {booked} booked month(s) ({}): they count as months with no sales; if the export stops early or {as_of_setting} is too late, fix that",
                months.len(),
                months.join(", ")
            );
            (format!("warning: {w}"), Some(w))
        }
    }
}
