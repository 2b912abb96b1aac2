//! A quota proposal: the table printed by `quotas` and `quotas.csv`.

use super::export::{Exporter, ReportError, csv_text};
use super::format::{Align, Table, money, pct};
use crate::quota::Proposal;
use std::fmt::Write;

/// Current vs proposed quota and P(attain) before and after, per rep.
pub fn table(p: &Proposal) -> String {
    let mut t = Table::new(&[
        ("Rep", Align::Left),
        ("Name", Align::Left),
        ("Expected\nsales", Align::Right),
        ("Current\nquota", Align::Right),
        ("Proposed\nquota", Align::Right),
        ("P(quota)\nbefore", Align::Right),
        ("P(quota)\nafter", Align::Right),
        ("Held\nat", Align::Left),
    ]);
    for r in &p.rows {
        t.row(vec![
            r.id.clone(),
            r.name.clone(),
            money(r.expected_sales),
            r.current.map_or_else(|| "—".to_string(), money),
            money(r.proposed),
            r.p_current.map_or_else(|| "—".to_string(), pct),
            pct(r.p_proposed),
            r.pinned.map_or("", |p| p.name()).to_string(),
        ]);
    }
    t.render()
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
