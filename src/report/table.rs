//! The readable summary printed after a run.

use super::Summary;
use std::fmt::Write;

/// Money with thousands separators for reading (CSV/JSON keep plain numbers).
fn money(x: f64) -> String {
    let neg = x < 0.0;
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Display width, counting CJK characters as two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn lpad(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

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
        "P(team hits target) {} ± {}",
        pct(t.p_hit_target),
        pct(1.96 * t.p_hit_target_se)
    );
    let _ = writeln!(
        o,
        "Reps at quota       mean {:.1}, P10 {} / P50 {} / P90 {} of {}",
        t.reps_at_quota.mean,
        t.reps_at_quota.p10,
        t.reps_at_quota.p50,
        t.reps_at_quota.p90,
        s.reps.len()
    );
    let _ = writeln!(
        o,
        "Shortfall VaR95     {}{cur}   CVaR95 {}{cur}",
        money(t.shortfall.var95),
        money(t.shortfall.cvar95)
    );
    let _ = writeln!(o);
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
    for r in &s.reps {
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
    o
}
