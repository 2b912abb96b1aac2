//! A quota proposal: the table printed by `quotas` and `quotas.csv`.

use super::export::{Exporter, ReportError, csv_text};
use super::format::{column_width, pad};
use crate::quota::Proposal;
use std::fmt::Write;

/// Current vs proposed quota and P(attain) before and after, per rep,
/// then the method and what the quotas add up to.
pub fn table(p: &Proposal) -> String {
    let mut o = String::new();
    let nw = column_width(p.rows.iter().map(|r| r.name.as_str()), 4);
    let _ = writeln!(
        o,
        "{:<8} {} {:>14} {:>14} {:>14} {:>9} {:>9}  Held at",
        "Rep",
        pad("Name", nw),
        "Expected",
        "Current",
        "Proposed",
        "P before",
        "P after",
    );
    let or_dash = |x: Option<String>| x.unwrap_or_else(|| "—".to_string());
    for r in &p.rows {
        let _ = writeln!(
            o,
            "{:<8} {} {:>14.0} {:>14} {:>14.0} {:>9} {:>8.1}%  {}",
            r.id,
            pad(&r.name, nw),
            r.expected_sales,
            or_dash(r.current.map(|v| format!("{v:.0}"))),
            r.proposed,
            or_dash(r.p_current.map(|v| format!("{:.1}%", 100.0 * v))),
            100.0 * r.p_proposed,
            r.pinned.map_or("", |p| p.name())
        );
    }
    o
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
