//! Results for people and programs: the reproducible `summary.json`, CSV
//! tables and the terminal summary. Everything here returns text; the CLI
//! decides where it goes.

pub mod charts;
pub mod html;
mod load;
mod summary;
mod table;

pub use load::{chart_data_from_json, summary_from_json};
pub use summary::{Band, Quarter, RepSummary, Summary, Team, summarise};
pub use table::{money, pad, summary_table, width};

/// `reps.csv`: one row per rep, plain numbers (no thousands separators).
pub fn reps_csv(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
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
    ])
    .expect("writing to memory");
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
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("UTF-8 in, UTF-8 out")
}

/// `quarters.csv`: the team per quarter against the quarter's share of target.
pub fn quarters_csv(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "quarter",
        "months",
        "target",
        "sales_mean",
        "sales_sd",
        "p_hit",
        "p_hit_se",
    ])
    .expect("writing to memory");
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
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("UTF-8 in, UTF-8 out")
}

/// `rep_quarters.csv`: each rep's quarters against phased quotas, and year to date.
pub fn rep_quarters_csv(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
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
    ])
    .expect("writing to memory");
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
            ])
            .expect("writing to memory");
        }
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("UTF-8 in, UTF-8 out")
}

/// `risks.csv`: the risk register with its analytics, by rank.
pub fn risks_csv(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
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
    ])
    .expect("writing to memory");
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
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("UTF-8 in, UTF-8 out")
}
