//! `results.xlsx`: a command's results as one workbook for people who plan
//! in Excel. Cells hold real numbers with number formats (money in the
//! scenario's currency, probabilities and shares as percentages), so they
//! sort, sum and chart as numbers; every sheet has a bold, frozen header
//! row with a filter and column widths that fit (CJK names count double).
//! The bytes are built in memory; the CLI writes them with the other files.
//! A workbook is reproducible byte for byte: its creation date is fixed.

use super::export::{Exporter, ReportError};
use super::results::Results;
use super::split::SplitResult;
use crate::analysis::Summary;
use crate::model::Model;
use crate::quota::Proposal;
use crate::stats::Proportion;
use crate::whatif::MitigationPlan;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// The workbook's file name in every result folder.
pub const FILE_NAME: &str = "results.xlsx";

/// How a number cell is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// An amount in the scenario's currency, whole units.
    Money,
    /// A probability or share, one decimal: 41.2 %.
    Percent,
    /// A standard error of a probability, two decimals: 0.35 %.
    PercentFine,
    /// A count or hours, with thousands separators.
    Whole,
    /// A plain figure with three decimals (a correlation).
    Decimal,
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, Style),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn money(x: f64) -> Cell {
        Cell::Number(x, Style::Money)
    }

    fn pct(x: f64) -> Cell {
        Cell::Number(x, Style::Percent)
    }

    fn pct_fine(x: f64) -> Cell {
        Cell::Number(x, Style::PercentFine)
    }

    fn whole(x: f64) -> Cell {
        Cell::Number(x, Style::Whole)
    }

    fn opt(x: Option<f64>, style: Style) -> Cell {
        x.map_or(Cell::Empty, |v| Cell::Number(v, style))
    }

    fn yes(b: bool) -> Cell {
        Cell::text(if b { "yes" } else { "no" })
    }
}

/// One sheet: its header row and rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    fn new(name: &str, header: &[&str]) -> Sheet {
        Sheet {
            name: name.to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// A sheet of figures: one per row, named, with its value.
    fn figures(rows: Vec<(&str, Cell)>) -> Sheet {
        let mut s = Sheet::new("Summary", &["Figure", "Value"]);
        s.rows = rows
            .into_iter()
            .map(|(name, value)| vec![Cell::text(name), value])
            .collect();
        s
    }
}

/// The Excel number format for amounts in `currency` (an ISO code): the
/// symbol in front for the common ones, else the code after the number.
pub fn money_format(currency: &str) -> String {
    let code: String = currency
        .chars()
        .filter(|c| !matches!(c, '"' | '\\'))
        .collect();
    let symbol = match code.to_ascii_uppercase().as_str() {
        "CNY" | "RMB" | "JPY" => Some("¥"),
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        _ => None,
    };
    match (symbol, code.is_empty()) {
        (Some(s), _) => format!("\"{s}\"#,##0"),
        (None, true) => "#,##0".to_string(),
        (None, false) => format!("#,##0 \"{code}\""),
    }
}

fn number_format(style: Style, money: &str) -> String {
    match style {
        Style::Money => money.to_string(),
        Style::Percent => "0.0%".to_string(),
        Style::PercentFine => "0.00%".to_string(),
        Style::Whole => "#,##0".to_string(),
        Style::Decimal => "0.000".to_string(),
    }
}

/// Columns as wide as their widest cell (in characters, CJK counting two),
/// within bounds.
fn width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(s) => s
            .chars()
            .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
            .sum(),
        Cell::Number(x, style) => {
            let digits = format!("{:.0}", x.abs()).len();
            let groups = digits.saturating_sub(1) / 3;
            match style {
                Style::Money => digits + groups + 3,
                Style::Whole => digits + groups + 1,
                Style::Percent | Style::PercentFine => digits + 6,
                Style::Decimal => digits + 5,
            }
        }
        Cell::Empty => 0,
    }
}

const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// The workbook of `sheets`, money in `currency`.
pub fn workbook(sheets: &[Sheet], currency: &str) -> Result<Vec<u8>, ReportError> {
    build(sheets, currency).map_err(ReportError::Workbook)
}

fn build(sheets: &[Sheet], currency: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title("quotaplan results")
            .set_creation_datetime(&fixed),
    );
    let money = money_format(currency);
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let styles = [
        Style::Money,
        Style::Percent,
        Style::PercentFine,
        Style::Whole,
        Style::Decimal,
    ];
    let formats: Vec<(Style, Format)> = styles
        .iter()
        .map(|&s| (s, Format::new().set_num_format(number_format(s, &money))))
        .collect();
    let format_of = |s: Style| {
        &formats
            .iter()
            .find(|(x, _)| *x == s)
            .expect("every style")
            .1
    };
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        let mut widths: Vec<usize> = sheet
            .header
            .iter()
            .map(|h| width(&Cell::Text(h.clone())))
            .collect();
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &header)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, col, s)?;
                    }
                    Cell::Number(x, style) if x.is_finite() => {
                        ws.write_number_with_format(r, col, *x, format_of(*style))?;
                    }
                    // Not a number (a rate of no trials): left empty.
                    Cell::Number(..) | Cell::Empty => {}
                }
                if c >= widths.len() {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(width(cell));
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !sheet.rows.is_empty() && !sheet.header.is_empty() {
            ws.autofilter(0, 0, sheet.rows.len() as u32, sheet.header.len() as u16 - 1)?;
        }
    }
    book.save_to_buffer()
}

/// The sheets of a simulation: Summary, Reps, Groups, Quarters, Risks.
/// Groups is there (with its header) even when the reps carry no grouping
/// keys, so a macro or a formula always finds the same sheets.
pub fn results_sheets(s: &Summary) -> Vec<Sheet> {
    vec![
        summary_sheet(s),
        reps_sheet(s),
        groups_sheet(s),
        quarters_sheet(s),
        risks_sheet(s),
    ]
}

fn summary_sheet(s: &Summary) -> Sheet {
    let t = &s.team;
    let mut rows = vec![
        ("Scenario", Cell::text(&s.scenario)),
        ("Currency", Cell::text(&s.currency)),
        ("Company target", Cell::money(t.target)),
        ("Expected team sales", Cell::money(t.sales.mean)),
        ("Team sales P10", Cell::money(t.sales.p10)),
        ("Team sales P50", Cell::money(t.sales.p50)),
        ("Team sales P90", Cell::money(t.sales.p90)),
        ("P(team hits target)", Cell::pct(t.p_hit_target)),
        (
            "P(team hits target): standard error",
            Cell::pct_fine(t.p_hit_target_se),
        ),
        (
            "P(team hits target): 95 % interval, low",
            Cell::pct(t.p_hit_target_ci95[0]),
        ),
        (
            "P(team hits target): 95 % interval, high",
            Cell::pct(t.p_hit_target_ci95[1]),
        ),
        ("Team attainment P10", Cell::pct(t.attainment.p10)),
        ("Team attainment P50", Cell::pct(t.attainment.p50)),
        ("Team attainment P90", Cell::pct(t.attainment.p90)),
        (
            "Bad-year shortfall (1 in 20)",
            Cell::money(t.shortfall.var95),
        ),
        (
            "Average shortfall in the worst 5 % of years",
            Cell::money(t.shortfall.cvar95),
        ),
        (
            "Reps at quota, expected",
            Cell::Number(t.reps_at_quota.mean, Style::Decimal),
        ),
        ("Quota method", Cell::text(&s.quota.method)),
        ("Sum of quotas", Cell::money(s.quota.total)),
        ("Over-assignment", Cell::pct(s.quota.over_assignment)),
        (
            "Common P(attain) of the quotas (p*)",
            Cell::opt(s.quota.p_star, Style::Percent),
        ),
        ("Lowest rep P(attain)", Cell::pct(s.fairness.p_attain_min)),
        ("Highest rep P(attain)", Cell::pct(s.fairness.p_attain_max)),
    ];
    if let Some(c) = &s.compensation {
        rows.push(("Expected total payout", Cell::money(c.total_payout.mean)));
        rows.push(("Expected cost of sales", Cell::pct(c.cost_of_sales.mean)));
    }
    rows.extend([
        ("Trials", Cell::whole(s.trials as f64)),
        ("Seed", Cell::text(s.seed.to_string())),
        ("Sampler", Cell::text(&s.sampler)),
        ("quotaplan version", Cell::text(&s.version)),
    ]);
    rows.extend(s.warnings.iter().map(|w| ("Warning", Cell::text(w))));
    Sheet::figures(rows)
}

fn reps_sheet(s: &Summary) -> Sheet {
    let payout = s.compensation.is_some();
    let mut header = vec![
        "Rep",
        "Name",
        "Quota",
        "Expected sales",
        "Sales mean",
        "Sales SD",
        "Sales P10",
        "Sales P50",
        "Sales P90",
        "Attainment P10",
        "Attainment P50",
        "Attainment P90",
        "P(attain)",
        "P(attain) SE",
        "Coverage",
        "Workload hours",
    ];
    if payout {
        header.push("Expected payout");
    }
    let mut sheet = Sheet::new("Reps", &header);
    for r in &s.reps {
        let mut row = vec![
            Cell::text(&r.id),
            Cell::text(&r.name),
            Cell::money(r.quota),
            Cell::money(r.expected_sales),
            Cell::money(r.sales.mean),
            Cell::money(r.sales.sd),
            Cell::money(r.sales.p10),
            Cell::money(r.sales.p50),
            Cell::money(r.sales.p90),
            Cell::pct(r.attainment.p10),
            Cell::pct(r.attainment.p50),
            Cell::pct(r.attainment.p90),
            Cell::pct(r.p_attain),
            Cell::pct_fine(r.p_attain_se),
            Cell::pct(r.coverage),
            Cell::whole(r.workload_hours),
        ];
        if payout {
            row.push(Cell::opt(r.payout.as_ref().map(|p| p.mean), Style::Money));
        }
        sheet.rows.push(row);
    }
    sheet
}

/// The roll-ups by region, manager and the declared keys: P(group sales
/// >= group quota) from the same trials as the reps'.
fn groups_sheet(s: &Summary) -> Sheet {
    let mut sheet = Sheet::new(
        "Groups",
        &[
            "By",
            "Group",
            "Reps",
            "Quota",
            "Sales mean",
            "Sales SD",
            "Sales P10",
            "Sales P50",
            "Sales P90",
            "P(hit)",
            "P(hit) SE",
            "P(hit) 95 % low",
            "P(hit) 95 % high",
        ],
    );
    for g in &s.groups {
        sheet.rows.push(vec![
            Cell::text(&g.by),
            Cell::text(&g.id),
            Cell::whole(g.reps as f64),
            Cell::money(g.quota),
            Cell::money(g.sales.mean),
            Cell::money(g.sales.sd),
            Cell::money(g.sales.p10),
            Cell::money(g.sales.p50),
            Cell::money(g.sales.p90),
            Cell::pct(g.p_hit),
            Cell::pct_fine(g.p_hit_se),
            Cell::pct(g.p_hit_ci95[0]),
            Cell::pct(g.p_hit_ci95[1]),
        ]);
    }
    sheet
}

fn quarters_sheet(s: &Summary) -> Sheet {
    let mut sheet = Sheet::new(
        "Quarters",
        &[
            "Quarter",
            "Months",
            "Target",
            "Sales mean",
            "Sales SD",
            "P(hit)",
            "P(hit) SE",
            "P(hit) 95 % low",
            "P(hit) 95 % high",
        ],
    );
    for q in &s.quarters {
        let months: Vec<String> = q.months.iter().map(|m| m.to_string()).collect();
        sheet.rows.push(vec![
            Cell::text(&q.quarter),
            Cell::text(months.join(" ")),
            Cell::money(q.target),
            Cell::money(q.sales_mean),
            Cell::money(q.sales_sd),
            Cell::pct(q.p_hit),
            Cell::pct_fine(q.p_hit_se),
            Cell::pct(q.p_hit_ci95[0]),
            Cell::pct(q.p_hit_ci95[1]),
        ]);
    }
    sheet
}

fn risks_sheet(s: &Summary) -> Sheet {
    let mut sheet = Sheet::new(
        "Risks",
        &[
            "Rank",
            "Risk",
            "Kind",
            "Probability",
            "Expected impact",
            "Share of variance",
            "Rank correlation with team sales",
            "Team P50, risk low",
            "Team P50, risk high",
            "Swing",
            "Expected loss",
            "Expected loss SE",
        ],
    );
    let mut risks: Vec<_> = s.risks.iter().collect();
    risks.sort_by_key(|r| r.rank);
    for r in risks {
        sheet.rows.push(vec![
            Cell::whole(r.rank as f64),
            Cell::text(&r.id),
            Cell::text(&r.kind),
            Cell::pct(r.probability),
            Cell::pct(r.expected_impact),
            Cell::pct(r.contribution),
            Cell::Number(r.spearman, Style::Decimal),
            Cell::money(r.tornado.low_p50),
            Cell::money(r.tornado.high_p50),
            Cell::money(r.tornado.swing),
            Cell::money(r.attributable_loss),
            Cell::money(r.attributable_loss_se),
        ]);
    }
    sheet
}

/// `results.xlsx` of `simulate` (and `report`): every rep, as `reps.csv`.
pub struct ResultsXlsx;

impl Exporter<Results<'_>> for ResultsXlsx {
    fn file_name(&self) -> String {
        FILE_NAME.into()
    }

    fn export(&self, r: &Results<'_>) -> Result<Vec<u8>, ReportError> {
        workbook(&results_sheets(r.summary), &r.summary.currency)
    }
}

/// `results.xlsx` of `quotas`: Summary and Reps (current and proposed
/// quota, P(attain) before and after).
pub fn quotas_workbook(p: &Proposal, model: &Model) -> Result<Vec<u8>, ReportError> {
    let summary = Sheet::figures(vec![
        ("Scenario", Cell::text(&model.name)),
        ("Currency", Cell::text(&model.currency)),
        ("Company target", Cell::money(model.company_target)),
        ("Quota method", Cell::text(p.method.name())),
        ("Over-assignment", Cell::pct(p.over_assignment)),
        ("Sum of proposed quotas", Cell::money(p.total())),
        (
            "Common P(attain) (p*)",
            Cell::opt(p.solution.p_star, Style::Percent),
        ),
        ("Trials", Cell::whole(p.trials as f64)),
        ("Seed", Cell::text(p.seed.to_string())),
    ]);
    let mut reps = Sheet::new(
        "Reps",
        &[
            "Rep",
            "Name",
            "Expected sales",
            "Current quota",
            "Proposed quota",
            "Change",
            "P(attain) current",
            "P(attain) proposed",
            "P(attain) SE",
            "Held at",
        ],
    );
    for r in &p.rows {
        reps.rows.push(vec![
            Cell::text(&r.id),
            Cell::text(&r.name),
            Cell::money(r.expected_sales),
            Cell::opt(r.current, Style::Money),
            Cell::money(r.proposed),
            Cell::opt(r.current.map(|c| r.proposed - c), Style::Money),
            Cell::opt(r.p_current, Style::Percent),
            Cell::pct(r.p_proposed),
            Cell::pct_fine(p.p_se(r.p_proposed)),
            Cell::text(r.pinned.map_or("", |x| x.name())),
        ]);
    }
    let mut groups = Sheet::new(
        "Groups",
        &[
            "By",
            "Group",
            "Reps",
            "Current quota",
            "Proposed quota",
            "Change",
            "P(hit) current",
            "P(hit) proposed",
        ],
    );
    for g in &p.groups {
        groups.rows.push(vec![
            Cell::text(&g.by),
            Cell::text(&g.id),
            Cell::whole(g.reps as f64),
            Cell::opt(g.current, Style::Money),
            Cell::money(g.proposed),
            Cell::opt(g.change(), Style::Money),
            Cell::opt(g.p_current, Style::Percent),
            Cell::pct(g.p_proposed),
        ]);
    }
    workbook(&[summary, reps, groups], &model.currency)
}

/// `results.xlsx` of `split`: Summary, Territories (each with its rep's
/// figures before and after) and Assignment (every unit's old and new
/// owner).
pub fn split_workbook(r: &SplitResult<'_>) -> Result<Vec<u8>, ReportError> {
    let (plan, opts) = (r.plan, &r.plan.options);
    let res = &plan.alignment.result;
    let summary = Sheet::figures(vec![
        ("Scenario", Cell::text(&r.before.name)),
        ("Territories", Cell::whole(opts.k as f64)),
        ("Balanced on", Cell::text(opts.balance.name())),
        ("Tolerance", Cell::pct(opts.tolerance)),
        ("Targets", Cell::text(plan.targets.name())),
        ("Within tolerance and limits", Cell::yes(res.feasible)),
        (
            "Largest deviation from target",
            Cell::pct(res.max_deviation),
        ),
        ("Potential that changes owner", Cell::pct(res.disruption)),
        ("Units moved", Cell::whole(res.moved_units as f64)),
        ("Accounts moved", Cell::whole(res.moved_accounts)),
        ("Cut edges", Cell::whole(res.cut_edges as f64)),
        ("P after uses", Cell::text(plan.after_quotas.describe())),
        ("Trials", Cell::whole(plan.trials as f64)),
        ("Seed", Cell::text(opts.seed.to_string())),
    ]);
    let p = |h: Option<u64>| h.map(|h| Proportion::new(h, plan.trials).p());
    let mut territories = Sheet::new(
        "Territories",
        &[
            "Territory",
            "Name",
            "Units",
            "Expected sales",
            "Target share",
            "Deviation",
            "Workload hours",
            "Capacity hours",
            "Accounts",
            "Units gained",
            "Units lost",
            "Rep sales before",
            "Rep sales after",
            "Quota before",
            "Quota after",
            "P(attain) before",
            "P(attain) after",
        ],
    );
    for (row, m) in plan.territories.iter().zip(&res.per_territory) {
        territories.rows.push(vec![
            Cell::text(&row.id),
            Cell::text(&row.name),
            Cell::whole(m.units as f64),
            Cell::money(row.expected_sales),
            Cell::pct(row.target_share),
            Cell::pct(m.deviation),
            Cell::whole(row.workload_hours),
            Cell::opt(row.capacity_hours, Style::Whole),
            Cell::whole(row.accounts as f64),
            Cell::opt(row.units_gained.map(|n| n as f64), Style::Whole),
            Cell::opt(row.units_lost.map(|n| n as f64), Style::Whole),
            Cell::opt(row.rep_sales_before, Style::Money),
            Cell::money(row.rep_sales_after),
            Cell::opt(row.quota_before, Style::Money),
            Cell::opt(row.quota_after, Style::Money),
            Cell::opt(p(row.hits_before), Style::Percent),
            Cell::opt(p(row.hits_after), Style::Percent),
        ]);
    }
    let mut assignment = Sheet::new(
        "Assignment",
        &["Unit", "Name", "Old owner", "New owner", "Locked", "Moved"],
    );
    for mv in &plan.moves {
        let unit = &r.before.units[mv.unit];
        assignment.rows.push(vec![
            Cell::text(&unit.id),
            Cell::text(&unit.name),
            Cell::text(&mv.old_owner),
            Cell::text(&mv.new_owner),
            Cell::yes(unit.locked),
            Cell::yes(mv.moved),
        ]);
    }
    workbook(&[summary, territories, assignment], &r.before.currency)
}

/// `results.xlsx` of `mitigate`: Summary, Mitigations (ranked) and Sets
/// (simulated together, best first). Costs are in `currency`.
pub fn mitigate_workbook(p: &MitigationPlan, currency: &str) -> Result<Vec<u8>, ReportError> {
    let chosen: Vec<&str> = p
        .chosen
        .iter()
        .map(|&i| p.candidates[i].id.as_str())
        .collect();
    let summary = Sheet::figures(vec![
        ("Scenario", Cell::text(&p.scenario)),
        ("Currency", Cell::text(currency)),
        ("Company target", Cell::money(p.target)),
        ("P(team hits target) today", Cell::pct(p.p0)),
        ("Goal", Cell::pct(p.goal)),
        (
            "Team sales reached with the goal's probability",
            Cell::money(p.safe),
        ),
        ("Over-assignment today", Cell::pct(p.over_assignment)),
        (
            "Over-assignment the goal needs",
            Cell::pct(p.over_assignment_needed),
        ),
        ("Budget", Cell::opt(p.budget, Style::Money)),
        ("Recommended", Cell::text(chosen.join(", "))),
        ("Cost of the recommended set", Cell::money(p.spent)),
        (
            "P(team hits target) with it",
            Cell::opt(p.best().map(|b| p.p0 + b.outcome.dp), Style::Percent),
        ),
        ("Trials", Cell::whole(p.trials as f64)),
        ("Seed", Cell::text(p.seed.to_string())),
    ]);
    let mut ranked = Sheet::new(
        "Mitigations",
        &[
            "Rank",
            "Mitigation",
            "Kind",
            "Description",
            "Change of P(team hits target)",
            "SE",
            "95 % low",
            "95 % high",
            "Change of expected sales",
            "Change of expected payout",
            "Cost",
            "Change of P per million",
            "Recommended",
        ],
    );
    for (n, &i) in p.ranking.iter().enumerate() {
        let (c, a) = (&p.candidates[i], &p.assessments[i]);
        let o = &a.outcome;
        ranked.rows.push(vec![
            Cell::whole((n + 1) as f64),
            Cell::text(&c.id),
            Cell::text(c.kind.name()),
            Cell::text(&c.description),
            Cell::pct(o.dp),
            Cell::pct_fine(o.dp_se),
            Cell::pct(a.dp_ci95[0]),
            Cell::pct(a.dp_ci95[1]),
            Cell::money(o.dsales),
            Cell::money(o.dpayout),
            Cell::money(c.cost),
            Cell::opt(o.dp_per_cost(c.cost).map(|x| x * 1e6), Style::PercentFine),
            Cell::yes(p.chosen.contains(&i)),
        ]);
    }
    let mut sets = Sheet::new(
        "Sets",
        &[
            "Rank",
            "Members",
            "Cost",
            "Change of P(team hits target)",
            "SE",
            "95 % low",
            "95 % high",
            "Change of expected sales",
            "Change of expected payout",
            "Sum of the members' changes",
        ],
    );
    for (n, s) in p.search.sets.iter().enumerate() {
        let [lo, hi] = s.outcome.dp_ci95();
        let members: Vec<&str> = s
            .members
            .iter()
            .map(|&i| p.candidates[i].id.as_str())
            .collect();
        sets.rows.push(vec![
            Cell::whole((n + 1) as f64),
            Cell::text(members.join(" + ")),
            Cell::money(s.cost),
            Cell::pct(s.outcome.dp),
            Cell::pct_fine(s.outcome.dp_se),
            Cell::pct(lo),
            Cell::pct(hi),
            Cell::money(s.outcome.dsales),
            Cell::money(s.outcome.dpayout),
            Cell::pct(s.additive_dp),
        ]);
    }
    workbook(&[summary, ranked, sets], currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        assert_eq!(money_format("CNY"), "\"¥\"#,##0");
        assert_eq!(money_format("usd"), "\"$\"#,##0");
        assert_eq!(money_format("CHF"), "#,##0 \"CHF\"");
        assert_eq!(money_format(""), "#,##0");
        assert_eq!(money_format("A\"B"), "#,##0 \"AB\"");
    }

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(width(&Cell::text("王芳")), 4);
        assert_eq!(width(&Cell::text("R01")), 3);
        assert_eq!(width(&Cell::money(1_234_567.0)), 7 + 2 + 3);
    }
}
