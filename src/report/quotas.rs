//! A quota proposal: the table printed by `quotas` and `quotas.csv`.

use super::export::{Exporter, ReportError, csv_text};
use super::format::{Align, Table, money, pct};
use crate::quota::Proposal;
use std::fmt::Write;

/// Current vs proposed quota, the change and P(attain) before and after,
/// per rep, then the same subtotalled by each grouping key (P(group sales
/// >= group quota) from the same trials).
pub fn table(p: &Proposal) -> String {
    let dash = || "—".to_string();
    // "Held at" only when a bound holds someone: the names get the room.
    let held = p.rows.iter().any(|r| r.pinned.is_some());
    let mut heads = vec![
        ("Rep", Align::Left),
        ("Name", Align::Left),
        ("Expected\nsales", Align::Right),
        ("Current\nquota", Align::Right),
        ("Proposed\nquota", Align::Right),
        ("Change", Align::Right),
        ("P(quota)\nbefore", Align::Right),
        ("P(quota)\nafter", Align::Right),
    ];
    if held {
        heads.push(("Held\nat", Align::Left));
    }
    let mut t = Table::new(&heads);
    for r in &p.rows {
        let mut cells = vec![
            r.id.clone(),
            r.name.clone(),
            money(r.expected_sales),
            r.current.map_or_else(dash, money),
            money(r.proposed),
            r.change().map_or_else(dash, signed_money),
            r.p_current.map_or_else(dash, pct),
            pct(r.p_proposed),
        ];
        if held {
            cells.push(r.pinned.map_or("", |p| p.name()).to_string());
        }
        t.row(cells);
    }
    let mut o = t.render();
    let mut keys: Vec<&str> = Vec::new();
    for g in &p.groups {
        if !keys.contains(&g.by.as_str()) {
            keys.push(&g.by);
        }
    }
    for by in keys {
        let mut t = Table::new(&[
            (&format!("By {by}"), Align::Left),
            ("Reps", Align::Right),
            ("Current\nquota", Align::Right),
            ("Proposed\nquota", Align::Right),
            ("Change", Align::Right),
            ("P(quota)\nbefore", Align::Right),
            ("P(quota)\nafter", Align::Right),
        ]);
        for g in p.groups.iter().filter(|g| g.by == by) {
            t.row(vec![
                g.id.clone(),
                g.reps.to_string(),
                g.current.map_or_else(dash, money),
                money(g.proposed),
                g.change().map_or_else(dash, signed_money),
                g.p_current.map_or_else(dash, pct),
                pct(g.p_proposed),
            ]);
        }
        let _ = write!(o, "\n{}", t.render());
    }
    o
}

/// A change of quota with its sign (`+120,000`, `−80,000`, `0`).
fn signed_money(x: f64) -> String {
    let m = money(x.abs());
    if m == "0" {
        m
    } else if x > 0.0 {
        format!("+{m}")
    } else {
        format!("−{m}")
    }
}

/// The line under the table: method, total, p* (without the timing).
pub fn method_line(p: &Proposal) -> String {
    let mut o = format!(
        "Method {}: quotas add up to {}",
        p.method.name(),
        money(p.total())
    );
    if let Some(ps) = p.solution.p_star {
        let _ = write!(
            o,
            "; every rep not held at a bound reaches quota with probability p* = {ps:.3}"
        );
    }
    o
}

/// What `quotas --json` prints: the proposal with the figures of
/// quotas.csv, plain numbers.
pub fn json(p: &Proposal) -> serde_json::Value {
    serde_json::json!({
        "method": p.method.name(),
        "over_assignment": p.over_assignment,
        "total": p.total(),
        "p_star": p.solution.p_star,
        "trials": p.trials,
        "seed": p.seed,
        "reps": p.rows.iter().map(|r| serde_json::json!({
            "id": r.id,
            "name": r.name,
            "expected_sales": r.expected_sales,
            "current_quota": r.current,
            "proposed_quota": r.proposed,
            "p_attain_current": r.p_current,
            "p_attain_proposed": r.p_proposed,
            "pinned": r.pinned.map(|p| p.name()),
        })).collect::<Vec<_>>(),
    })
}

/// `quotas.csv`: one row per rep.
pub struct QuotasCsv;

/// `quota_groups.csv`: one row per roll-up (grouping key and value), for
/// a scenario whose reps carry grouping keys.
pub struct QuotaGroupsCsv;

impl Exporter<Proposal> for QuotaGroupsCsv {
    fn file_name(&self) -> String {
        "quota_groups.csv".into()
    }

    fn export(&self, p: &Proposal) -> Result<Vec<u8>, ReportError> {
        let opt = |x: Option<f64>| x.map_or_else(String::new, |v| v.to_string());
        csv_text(|w| {
            w.write_record([
                "by",
                "id",
                "reps",
                "current_quota",
                "proposed_quota",
                "change",
                "p_hit_current",
                "p_hit_proposed",
            ])?;
            for g in &p.groups {
                w.write_record([
                    g.by.clone(),
                    g.id.clone(),
                    g.reps.to_string(),
                    opt(g.current),
                    format!("{:.2}", g.proposed),
                    g.change().map_or_else(String::new, |c| format!("{c:.2}")),
                    opt(g.p_current),
                    g.p_proposed.to_string(),
                ])?;
            }
            Ok(())
        })
    }
}

impl Exporter<Proposal> for QuotasCsv {
    fn file_name(&self) -> String {
        "quotas.csv".into()
    }

    fn export(&self, p: &Proposal) -> Result<Vec<u8>, ReportError> {
        csv_text(|w| {
            w.write_record([
                "id",
                "name",
                "expected_sales",
                "current_quota",
                "proposed_quota",
                "p_attain_current",
                "p_attain_proposed",
                "pinned",
            ])?;
            for r in &p.rows {
                w.write_record([
                    r.id.clone(),
                    r.name.clone(),
                    r.expected_sales.to_string(),
                    r.current.map_or_else(String::new, |c| c.to_string()),
                    format!("{:.2}", r.proposed),
                    r.p_current.map_or_else(String::new, |p| p.to_string()),
                    r.p_proposed.to_string(),
                    r.pinned.map_or("", |p| p.name()).to_string(),
                ])?;
            }
            Ok(())
        })
    }
}
