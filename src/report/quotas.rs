//! A quota proposal: the table printed by `quotas` and `quotas.csv`.

use super::export::{Exporter, ReportError, csv_text};
use super::format::{column_width, lpad, money, pad};
use crate::quota::Proposal;
use std::fmt::Write;

/// Current vs proposed quota, the change and P(attain) before and after,
/// per rep, then the same subtotalled by each grouping key (P(group sales
/// >= group quota) from the same trials).
pub fn table(p: &Proposal) -> String {
    let mut o = String::new();
    let nw = column_width(p.rows.iter().map(|r| r.name.as_str()), 4);
    let _ = writeln!(
        o,
        "{:<8} {} {:>14} {:>14} {:>14} {:>13} {:>9} {:>9}  Held at",
        "Rep",
        pad("Name", nw),
        "Expected",
        "Current",
        "Proposed",
        "Change",
        "P before",
        "P after",
    );
    let or_dash = |x: Option<String>| x.unwrap_or_else(|| "—".to_string());
    let change = |x: Option<f64>| or_dash(x.map(signed_money));
    for r in &p.rows {
        let _ = writeln!(
            o,
            "{:<8} {} {} {:>14} {} {:>13} {:>9} {:>8.1}%  {}",
            r.id,
            pad(&r.name, nw),
            lpad(&money(r.expected_sales), 14),
            or_dash(r.current.map(money)),
            lpad(&money(r.proposed), 14),
            change(r.change()),
            or_dash(r.p_current.map(|v| format!("{:.1}%", 100.0 * v))),
            100.0 * r.p_proposed,
            r.pinned.map_or("", |p| p.name())
        );
    }
    let gw = p
        .groups
        .iter()
        .map(|g| super::format::width(&g.id).max(super::format::width(&g.by) + 3))
        .max()
        .unwrap_or(8)
        .max(8);
    let mut by = "";
    for g in &p.groups {
        if g.by != by {
            by = &g.by;
            let _ = writeln!(
                o,
                "\n{} {:>5} {:>14} {:>14} {:>13} {:>9} {:>9}",
                pad(&format!("By {by}"), gw),
                "Reps",
                "Current",
                "Proposed",
                "Change",
                "P before",
                "P after",
            );
        }
        let _ = writeln!(
            o,
            "{} {:>5} {:>14} {} {:>13} {:>9} {:>8.1}%",
            pad(&g.id, gw),
            g.reps,
            or_dash(g.current.map(money)),
            lpad(&money(g.proposed), 14),
            change(g.change()),
            or_dash(g.p_current.map(|v| format!("{:.1}%", 100.0 * v))),
            100.0 * g.p_proposed,
        );
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
        "Method {}: quotas add up to {:.2}",
        p.method.name(),
        p.total()
    );
    if let Some(ps) = p.solution.p_star {
        let _ = write!(
            o,
            "; every rep not held at a bound reaches quota with probability p* = {ps:.3}"
        );
    }
    o
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
