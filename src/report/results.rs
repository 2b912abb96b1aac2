//! The files `simulate` writes: `summary.json`, the CSV tables and
//! `charts.json`, each an [`Exporter`] of a [`Results`].

use super::export::{Exporter, ReportError, csv_text};
use crate::analysis::{ChartData, Summary};

/// What a simulation's files are made from.
pub struct Results<'a> {
    pub summary: &'a Summary,
    pub charts: &'a ChartData,
}

/// `summary.json`: the reproducible summary, pretty-printed.
pub struct SummaryJson;
/// `reps.csv`: one row per rep.
pub struct RepsCsv;
/// `quarters.csv`: the team per quarter.
pub struct QuartersCsv;
/// `rep_quarters.csv`: each rep's quarters and year to date.
pub struct RepQuartersCsv;
/// `risks.csv`: the risk register with its analytics.
pub struct RisksCsv;
/// `groups.csv`: one row per roll-up (grouping key and value); written
/// only when the reps carry grouping keys.
pub struct GroupsCsv;
/// `charts.json`: what the charts need beyond the summary.
pub struct ChartsJson;

impl Exporter<Results<'_>> for SummaryJson {
    fn file_name(&self) -> String {
        "summary.json".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        // Bounded above `MAX_LISTED_REPS` reps; the CSV files hold them all.
        super::export::json(&*r.summary.bounded())
    }
}

impl Exporter<Results<'_>> for RepsCsv {
    fn file_name(&self) -> String {
        "reps.csv".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        reps_csv(r.summary)
    }
}

impl Exporter<Results<'_>> for QuartersCsv {
    fn file_name(&self) -> String {
        "quarters.csv".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        quarters_csv(r.summary)
    }
}

impl Exporter<Results<'_>> for RepQuartersCsv {
    fn file_name(&self) -> String {
        "rep_quarters.csv".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        rep_quarters_csv(r.summary)
    }
}

impl Exporter<Results<'_>> for RisksCsv {
    fn file_name(&self) -> String {
        "risks.csv".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        risks_csv(r.summary)
    }
}

impl Exporter<Results<'_>> for GroupsCsv {
    fn file_name(&self) -> String {
        "groups.csv".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        groups_csv(r.summary)
    }
    fn applies(&self, r: &Results<'_>) -> bool {
        !r.summary.groups.is_empty()
    }
}

impl Exporter<Results<'_>> for ChartsJson {
    fn file_name(&self) -> String {
        "charts.json".into()
    }
    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        // Per-rep entries for the reps summary.json lists.
        super::export::json(&r.charts.listed(&r.summary.bounded()))
    }
}

/// Every file `simulate` writes, in the order it lists them.
pub fn results_exporters<'a>() -> Vec<Box<dyn Exporter<Results<'a>>>> {
    vec![
        Box::new(SummaryJson),
        Box::new(RepsCsv),
        Box::new(QuartersCsv),
        Box::new(RepQuartersCsv),
        Box::new(RisksCsv),
        Box::new(GroupsCsv),
        Box::new(ChartsJson),
    ]
}

/// `reps.csv`: one row per rep, plain numbers (no thousands separators).
fn reps_csv(s: &Summary) -> Result<Vec<u8>, ReportError> {
    csv_text(|w| {
        w.write_record([
            "id",
            "name",
            "quota",
            "coverage",
            "workload_hours",
            "expected_sales",
            "sales_mean",
            "sales_sd",
            "sales_p10",
            "sales_p50",
            "sales_p90",
            "attainment_p10",
            "attainment_p50",
            "attainment_p90",
            "p_attain",
            "p_attain_se",
        ])?;
        for r in &s.reps {
            let nums = [
                r.quota,
                r.coverage,
                r.workload_hours,
                r.expected_sales,
                r.sales.mean,
                r.sales.sd,
                r.sales.p10,
                r.sales.p50,
                r.sales.p90,
                r.attainment.p10,
                r.attainment.p50,
                r.attainment.p90,
                r.p_attain,
                r.p_attain_se,
            ];
            let mut row = vec![r.id.clone(), r.name.clone()];
            row.extend(nums.iter().map(|x| x.to_string()));
            w.write_record(&row)?;
        }
        Ok(())
    })
}

/// `groups.csv`: each roll-up's quota, sales and P(group sales >= quota).
fn groups_csv(s: &Summary) -> Result<Vec<u8>, ReportError> {
    csv_text(|w| {
        w.write_record([
            "by",
            "id",
            "reps",
            "quota",
            "sales_mean",
            "sales_sd",
            "sales_p10",
            "sales_p50",
            "sales_p90",
            "p_hit",
            "p_hit_se",
            "p_hit_ci95_low",
            "p_hit_ci95_high",
        ])?;
        for g in &s.groups {
            let nums = [
                g.quota,
                g.sales.mean,
                g.sales.sd,
                g.sales.p10,
                g.sales.p50,
                g.sales.p90,
                g.p_hit,
                g.p_hit_se,
                g.p_hit_ci95[0],
                g.p_hit_ci95[1],
            ];
            let mut row = vec![g.by.clone(), g.id.clone(), g.reps.to_string()];
            row.extend(nums.iter().map(|x| x.to_string()));
            w.write_record(&row)?;
        }
        Ok(())
    })
}

/// `quarters.csv`: the team per quarter against the quarter's share of target.
fn quarters_csv(s: &Summary) -> Result<Vec<u8>, ReportError> {
    csv_text(|w| {
        w.write_record([
            "quarter",
            "months",
            "target",
            "sales_mean",
            "sales_sd",
            "p_hit",
            "p_hit_se",
        ])?;
        for q in &s.quarters {
            let months = q
                .months
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            w.write_record([
                q.quarter.clone(),
                months,
                q.target.to_string(),
                q.sales_mean.to_string(),
                q.sales_sd.to_string(),
                q.p_hit.to_string(),
                q.p_hit_se.to_string(),
            ])?;
        }
        Ok(())
    })
}

/// `rep_quarters.csv`: each rep's quarters against phased quotas, and year to date.
fn rep_quarters_csv(s: &Summary) -> Result<Vec<u8>, ReportError> {
    csv_text(|w| {
        w.write_record([
            "id",
            "name",
            "quarter",
            "quota",
            "sales_mean",
            "sales_p10",
            "sales_p50",
            "sales_p90",
            "p_attain",
            "ytd_quota",
            "ytd_attainment_mean",
            "p_ytd_attain",
        ])?;
        for r in &s.reps {
            for q in &r.quarters {
                w.write_record([
                    r.id.clone(),
                    r.name.clone(),
                    q.quarter.clone(),
                    q.quota.to_string(),
                    q.sales.mean.to_string(),
                    q.sales.p10.to_string(),
                    q.sales.p50.to_string(),
                    q.sales.p90.to_string(),
                    q.p_attain.map_or_else(String::new, |p| p.to_string()),
                    q.ytd_quota.to_string(),
                    q.ytd_attainment_mean.to_string(),
                    q.p_ytd_attain.to_string(),
                ])?;
            }
        }
        Ok(())
    })
}

/// `risks.csv`: the risk register with its analytics, by rank.
fn risks_csv(s: &Summary) -> Result<Vec<u8>, ReportError> {
    csv_text(|w| {
        w.write_record([
            "rank",
            "id",
            "kind",
            "probability",
            "expected_impact",
            "spearman",
            "contribution",
            "tornado_low_p50",
            "tornado_high_p50",
            "tornado_swing",
            "attributable_loss",
            "attributable_loss_se",
        ])?;
        let mut risks: Vec<_> = s.risks.iter().collect();
        risks.sort_by_key(|r| r.rank);
        for r in risks {
            let nums = [
                r.probability,
                r.expected_impact,
                r.spearman,
                r.contribution,
                r.tornado.low_p50,
                r.tornado.high_p50,
                r.tornado.swing,
                r.attributable_loss,
                r.attributable_loss_se,
            ];
            let mut row = vec![r.rank.to_string(), r.id.clone(), r.kind.clone()];
            row.extend(nums.iter().map(|x| x.to_string()));
            w.write_record(&row)?;
        }
        Ok(())
    })
}
